"""The directory's user names are unique whatever their case, as SCIM has them: each
person's is kept lowercased too (``directory_user_key``), unique and indexed, so
finding a user name reads one row instead of every person's."""
from peewee import *


def up(migrator, db):
    class User(Model):
        directory_user_name = CharField(null=True)
        directory_user_key = CharField(null=True)

        class Meta:
            database = db
            table_name = 'user'

    migrator.migrate(
        migrator.add_column('user', 'directory_user_key', CharField(null=True)),
    )
    # Python's lower(), as the application's: SQL's LOWER leaves non-ASCII letters be.
    for person in User.select(User.id, User.directory_user_name).where(
        User.directory_user_name.is_null(False)
    ):
        key = person.directory_user_name.lower() or None
        User.update(directory_user_key=key).where(User.id == person.id).execute()
    migrator.migrate(
        migrator.drop_index('user', 'user_directory_user_name'),
        migrator.add_index('user', ('directory_user_key',), True),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('user', 'user_directory_user_key'),
        migrator.drop_column('user', 'directory_user_key'),
        migrator.add_index('user', ('directory_user_name',), True),
    )
