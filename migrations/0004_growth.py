"""Development plans with their steps and history, feedback in both directions with
its earlier wordings, and wins."""
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

    class Goal(Model):
        class Meta:
            database = db
            table_name = 'goal'

    class DevelopmentPlan(Model):
        employee = ForeignKeyField(User, unique=True, on_delete='CASCADE')
        aspiration = TextField(default='')
        strengths = TextField(default='')
        growth_areas = TextField(default='')
        version = IntegerField(default=0)
        updated_by = ForeignKeyField(User, null=True)
        updated_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'development_plan'

    class PlanStep(Model):
        plan = ForeignKeyField(DevelopmentPlan, on_delete='CASCADE')
        kind = CharField()
        title = CharField()
        target_date = DateField(null=True)
        status = CharField(default='planned')
        goal = ForeignKeyField(Goal, null=True, on_delete='SET NULL')
        notes = TextField(default='')
        version = IntegerField(default=1)
        created_by = ForeignKeyField(User)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'plan_step'

    class PlanChange(Model):
        plan = ForeignKeyField(DevelopmentPlan, on_delete='CASCADE')
        step = ForeignKeyField(PlanStep, null=True, on_delete='SET NULL')
        step_title = CharField(default='')
        what = CharField()
        before = TextField(default='')
        after = TextField(default='')
        author = ForeignKeyField(User)
        changed_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'plan_change'

    class Feedback(Model):
        employee = ForeignKeyField(User, on_delete='CASCADE')
        giver = ForeignKeyField(User)
        receiver = ForeignKeyField(User)
        kind = CharField()
        body = TextField()
        meeting = ForeignKeyField(Meeting, null=True, on_delete='SET NULL')
        goal = ForeignKeyField(Goal, null=True, on_delete='SET NULL')
        step = ForeignKeyField(PlanStep, null=True, on_delete='SET NULL')
        win_title = CharField(default='')
        created_at = DateTimeField()
        sent_at = DateTimeField(null=True)
        edited_at = DateTimeField(null=True)
        version = IntegerField(default=1)
        class Meta:
            database = db
            table_name = 'feedback'

    class FeedbackRevision(Model):
        feedback = ForeignKeyField(Feedback, on_delete='CASCADE')
        body = TextField()
        written_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'feedback_revision'

    class Win(Model):
        employee = ForeignKeyField(User, on_delete='CASCADE')
        title = CharField()
        details = TextField(default='')
        achieved_on = DateField()
        goal = ForeignKeyField(Goal, null=True, on_delete='SET NULL')
        feedback = ForeignKeyField(Feedback, null=True, on_delete='SET NULL')
        recorded_by = ForeignKeyField(User)
        recorded_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'win'

    db.create_tables(
        [DevelopmentPlan, PlanStep, PlanChange, Feedback, FeedbackRevision, Win]
    )


def down(migrator, db):
    for table in ('win', 'feedback_revision', 'feedback', 'plan_change', 'plan_step',
                  'development_plan'):
        migrator.migrate(migrator.drop_table(table))
