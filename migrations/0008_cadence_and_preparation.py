"""Skipping and moving single meetings, each person's question bank, the secret
calendar feed and the weekly digest's record of what it sent."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Question(Model):
        owner = ForeignKeyField(User, on_delete='CASCADE')
        theme = CharField()
        text = TextField()
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'question'

    class CalendarFeed(Model):
        user = ForeignKeyField(User, unique=True, on_delete='CASCADE')
        token = CharField(unique=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'calendar_feed'

    class DigestSent(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        week_of = DateField()
        sent_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'digest_sent'
            indexes = ((('user', 'week_of'), True),)

    migrator.migrate(
        migrator.add_column('meeting', 'moved_from', DateTimeField(null=True)),
        migrator.add_column('meeting', 'skipped_at', DateTimeField(null=True)),
        migrator.add_column(
            'meeting', 'skipped_by_id', ForeignKeyField(User, null=True, field=User.id)
        ),
    )
    db.create_tables([Question, CalendarFeed, DigestSent])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table('digest_sent'),
        migrator.drop_table('calendar_feed'),
        migrator.drop_table('question'),
        migrator.drop_index('meeting', 'meeting_skipped_by_id'),
        migrator.drop_column('meeting', 'skipped_by_id'),
        migrator.drop_column('meeting', 'skipped_at'),
        migrator.drop_column('meeting', 'moved_from'),
    )
