"""A meeting's schedule version (for calendar feeds) and a version on private notes,
so that a save based on an older copy of one's own note is refused, not lost."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('meeting', 'schedule_version', IntegerField(default=0)),
        migrator.add_column('private_note', 'version', IntegerField(default=1)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('private_note', 'version'),
        migrator.drop_column('meeting', 'schedule_version'),
    )
