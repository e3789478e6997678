"""People, reporting lines, one-on-ones, meetings, talking points, private notes
and action items.

Column defaults computed in Python (timestamps, the default meeting time) are
set by the application models, so the frozen copies here leave them out."""
from peewee import *


def up(migrator, db):
    class User(Model):
        email = CharField(unique=True)
        name = CharField()
        password_hash = CharField()
        is_admin = BooleanField(default=False)
        deactivated_at = DateTimeField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'user'
    db.create_tables([User])

    class OneOnOne(Model):
        manager = ForeignKeyField(User)
        employee = ForeignKeyField(User)
        cadence = CharField(default='weekly')
        weekday = IntegerField(default=1)
        time_of_day = TimeField()
        duration_minutes = IntegerField(default=30)
        timezone = CharField()
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'one_on_one'
            indexes = ((('manager', 'employee'), True),)
    db.create_tables([OneOnOne])

    class Meeting(Model):
        one_on_one = ForeignKeyField(OneOnOne, on_delete='CASCADE')
        scheduled_for = DateTimeField()
        status = CharField(default='upcoming')
        shared_notes = TextField(default='')
        shared_notes_version = IntegerField(default=1)
        completed_at = DateTimeField(null=True)
        completed_by = ForeignKeyField(User, null=True)
        class Meta:
            database = db
            table_name = 'meeting'
            indexes = ((('one_on_one', 'scheduled_for'), True),)
    db.create_tables([Meeting])

    class ActionItem(Model):
        one_on_one = ForeignKeyField(OneOnOne, on_delete='CASCADE')
        owner = ForeignKeyField(User)
        created_by = ForeignKeyField(User)
        text = TextField()
        due = DateField(null=True)
        done_at = DateTimeField(null=True)
        raised_in_meeting = ForeignKeyField(Meeting, null=True)
        done_in_meeting = ForeignKeyField(Meeting, null=True)
        version = IntegerField(default=1)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'action_item'
    db.create_tables([ActionItem])

    class PrivateNote(Model):
        meeting = ForeignKeyField(Meeting, on_delete='CASCADE')
        author = ForeignKeyField(User)
        body = TextField(default='')
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'private_note'
            indexes = ((('meeting', 'author'), True),)
    db.create_tables([PrivateNote])

    class ReportingLine(Model):
        manager = ForeignKeyField(User)
        employee = ForeignKeyField(User)
        starts_on = DateField()
        ends_on = DateField(null=True)
        class Meta:
            database = db
            table_name = 'reporting_line'
    db.create_tables([ReportingLine])

    class TalkingPoint(Model):
        meeting = ForeignKeyField(Meeting, on_delete='CASCADE')
        author = ForeignKeyField(User)
        text = TextField()
        position = IntegerField()
        discussed = BooleanField(default=False)
        carried_from = ForeignKeyField('self', unique=True, null=True, on_delete='SET NULL')
        version = IntegerField(default=1)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'talking_point'
    db.create_tables([TalkingPoint])

    class UserSession(Model):
        token = CharField(unique=True)
        user = ForeignKeyField(User, on_delete='CASCADE')
        created_at = DateTimeField()
        ended_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'user_session'
    db.create_tables([UserSession])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('user_session'))
    migrator.migrate(migrator.drop_table('talking_point'))
    migrator.migrate(migrator.drop_table('reporting_line'))
    migrator.migrate(migrator.drop_table('private_note'))
    migrator.migrate(migrator.drop_table('action_item'))
    migrator.migrate(migrator.drop_table('meeting'))
    migrator.migrate(migrator.drop_table('one_on_one'))
    migrator.migrate(migrator.drop_table('user'))
