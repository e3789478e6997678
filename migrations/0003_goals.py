"""Goals both people agree to, every version of their terms, milestones, check-ins,
and the objectives goals align to."""
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

    class Objective(Model):
        title = CharField()
        owner = ForeignKeyField(User)
        period = CharField()
        created_by = ForeignKeyField(User)
        created_at = DateTimeField()
        archived_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'objective'

    class Goal(Model):
        employee = ForeignKeyField(User, on_delete='CASCADE')
        title = CharField()
        why = TextField(default='')
        objective = ForeignKeyField(Objective, null=True, on_delete='SET NULL')
        due = DateField()
        measure = CharField()
        unit = CharField(default='')
        start_value = FloatField(null=True)
        target_value = FloatField(null=True)
        status = CharField(default='proposed')
        version = IntegerField(default=1)
        agreed_by_employee_at = DateTimeField(null=True)
        agreed_by_manager_at = DateTimeField(null=True)
        manager_who_agreed = ForeignKeyField(User, null=True)
        last_agreed_version = IntegerField(null=True)
        closing_as = CharField(null=True)
        closing_reason = TextField(default='')
        closing_proposed_by = ForeignKeyField(User, null=True)
        closed_at = DateTimeField(null=True)
        created_by = ForeignKeyField(User)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'goal'

    class GoalVersion(Model):
        goal = ForeignKeyField(Goal, on_delete='CASCADE')
        number = IntegerField()
        title = CharField()
        why = TextField()
        objective = ForeignKeyField(Objective, null=True, on_delete='SET NULL')
        due = DateField()
        measure = CharField()
        unit = CharField()
        start_value = FloatField(null=True)
        target_value = FloatField(null=True)
        milestones = TextField(default='')
        written_by = ForeignKeyField(User)
        written_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'goal_version'
            indexes = ((('goal', 'number'), True),)

    class Milestone(Model):
        goal = ForeignKeyField(Goal, on_delete='CASCADE')
        title = CharField()
        position = IntegerField()
        done_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'milestone'

    class CheckIn(Model):
        goal = ForeignKeyField(Goal, on_delete='CASCADE')
        author = ForeignKeyField(User)
        value = FloatField()
        confidence = CharField()
        note = TextField(default='')
        meeting = ForeignKeyField(Meeting, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'check_in'

    db.create_tables([Objective, Goal, GoalVersion, Milestone, CheckIn])


def down(migrator, db):
    for table in ('check_in', 'milestone', 'goal_version', 'goal', 'objective'):
        migrator.migrate(migrator.drop_table(table))
