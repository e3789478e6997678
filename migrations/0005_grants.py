"""Grants an employee gives to read part of their data, and the record of every read
by someone outside the pair."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class OneOnOne(Model):
        class Meta:
            database = db
            table_name = 'one_on_one'

    class Grant(Model):
        employee = ForeignKeyField(User, on_delete='CASCADE')
        grantee = ForeignKeyField(User, on_delete='CASCADE')
        scope = CharField()
        one_on_one = ForeignKeyField(OneOnOne, null=True, on_delete='CASCADE')
        message = TextField(default='')
        created_at = DateTimeField()
        expires_at = DateTimeField()
        revoked_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'grant'

    class AccessRecord(Model):
        actor = ForeignKeyField(User, on_delete='CASCADE')
        employee = ForeignKeyField(User, on_delete='CASCADE')
        what = CharField()
        path = CharField(default='')
        grant = ForeignKeyField(Grant, null=True, on_delete='SET NULL')
        read_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'access_record'

    db.create_tables([Grant, AccessRecord])


def down(migrator, db):
    for table in ('access_record', 'grant'):
        migrator.migrate(migrator.drop_table(table))
