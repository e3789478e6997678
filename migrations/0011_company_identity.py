"""The company's identity provider and directory: the provider's id of each person for
single sign-on (``sso_subject``), what the directory knows them by over SCIM
(``external_id``, ``directory_user_name``), when it last changed or removed them, the SCIM
tokens administrators make, and which changes in the activity logs the directory made."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class ScimToken(Model):
        name = CharField()
        token_hash = CharField(unique=True)
        created_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        last_used_at = DateTimeField(null=True)
        revoked_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'scim_token'

    db.create_tables([ScimToken])
    migrator.migrate(
        migrator.add_column('user', 'sso_subject', CharField(null=True)),
        migrator.add_column('user', 'external_id', CharField(null=True)),
        migrator.add_column('user', 'directory_user_name', CharField(null=True)),
        migrator.add_column('user', 'modified_at', DateTimeField(null=True)),
        migrator.add_column('user', 'removed_by_directory_at', DateTimeField(null=True)),
        migrator.add_index('user', ('sso_subject',), True),
        migrator.add_index('user', ('external_id',), False),
        migrator.add_index('user', ('directory_user_name',), True),
        migrator.add_column('admin_action', 'via', CharField(default='')),
        migrator.add_column('account_event', 'via', CharField(default='')),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('account_event', 'via'),
        migrator.drop_column('admin_action', 'via'),
        migrator.drop_index('user', 'user_directory_user_name'),
        migrator.drop_index('user', 'user_external_id'),
        migrator.drop_index('user', 'user_sso_subject'),
        migrator.drop_column('user', 'removed_by_directory_at'),
        migrator.drop_column('user', 'modified_at'),
        migrator.drop_column('user', 'directory_user_name'),
        migrator.drop_column('user', 'external_id'),
        migrator.drop_column('user', 'sso_subject'),
        migrator.drop_table('scim_token'),
    )
