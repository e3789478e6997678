"""Who has a meeting page open right now, for the presence line of the live page."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Meeting(Model):
        class Meta:
            database = db
            table_name = 'meeting'

    class MeetingPresence(Model):
        meeting = ForeignKeyField(Meeting, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        stream = CharField(unique=True)
        seen_at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'meeting_presence'
    db.create_tables([MeetingPresence])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('meeting_presence'))
