"""Failed sign-ins, counted across every server process to slow down guessing."""
from peewee import *


def up(migrator, db):
    class LoginFailure(Model):
        email = CharField(index=True)
        address = CharField(index=True)
        failed_at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'login_failure'

    db.create_tables([LoginFailure])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('login_failure'))
