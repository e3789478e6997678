"""Operators are outsiders too: what an employee carries over to a new manager
(``handoff``), one-time links for people to choose their own password
(``password_link``), what was done to each person's account (``account_event``), and
where each sign-in came from, when each step in a plan's history was added, and
which reads were of what an employee carried over to a new manager. Reporting lines that exist already keep what their
manager saw: they are recorded as carried over."""
import datetime

from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class ReportingLine(Model):
        starts_on = DateField()
        class Meta:
            database = db
            table_name = 'reporting_line'

    class PasswordLink(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        token_hash = CharField(unique=True)
        purpose = CharField()
        created_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        expires_at = DateTimeField()
        used_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'password_link'

    class AccountEvent(Model):
        person = ForeignKeyField(User, on_delete='CASCADE')
        actor = ForeignKeyField(User, null=True, on_delete='SET NULL')
        what = CharField()
        happened_at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'account_event'

    class Handoff(Model):
        line = ForeignKeyField(ReportingLine, unique=True, on_delete='CASCADE')
        content_since = DateTimeField()
        carries_goals = BooleanField(default=False)
        carries_plan = BooleanField(default=False)
        carries_feedback = BooleanField(default=False)
        decided_at = DateTimeField(null=True)
        chosen_by_employee = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'handoff'

    db.create_tables([PasswordLink, AccountEvent, Handoff])
    migrator.migrate(
        migrator.add_column('user_session', 'address', CharField(default='')),
        migrator.add_column('user_session', 'user_agent', CharField(default='')),
        migrator.add_column('plan_change', 'step_created_at', DateTimeField(null=True)),
        migrator.add_column('access_record', 'through_handoff', BooleanField(default=False)),
    )
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    for line in ReportingLine.select(ReportingLine.id, ReportingLine.starts_on):
        Handoff.create(
            line=line.id,
            content_since=datetime.datetime.combine(line.starts_on, datetime.time()),
            carries_goals=True,
            carries_plan=True,
            carries_feedback=True,
            decided_at=now,
        )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('access_record', 'through_handoff'),
        migrator.drop_column('plan_change', 'step_created_at'),
        migrator.drop_column('user_session', 'user_agent'),
        migrator.drop_column('user_session', 'address'),
        migrator.drop_table('handoff'),
        migrator.drop_table('account_event'),
        migrator.drop_table('password_link'),
    )
