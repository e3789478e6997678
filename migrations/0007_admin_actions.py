"""The administrators' audit trail: every change to accounts and reporting lines."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class AdminAction(Model):
        actor = ForeignKeyField(User, null=True, on_delete='SET NULL')
        action = CharField()
        subject = CharField(default='')
        done_at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'admin_action'

    db.create_tables([AdminAction])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('admin_action'))
