"""The migrations build exactly the schema the models describe."""

from peewee import SqliteDatabase
from playhouse.schema_diff import diff_models

from pmweb.db import db, migration_runner
from pmweb.models import MODELS


def test_migrations_on_an_empty_database_match_the_models(app):
    # The app fixture has applied every migration to its fresh database.
    diff = diff_models(db.obj, MODELS)
    assert not diff, f"schema differs from the models:\n{diff}"


def test_every_migration_is_applied_and_named_in_order(app):
    status = migration_runner().status()
    assert status and all(m.applied for m in status)
    assert [m.idx for m in status] == list(range(1, len(status) + 1))


def test_migrations_can_be_reverted_and_reapplied(app):
    runner = migration_runner()
    names = [m.name for m in runner.status()]
    for _ in names:
        runner.down()
    assert not set(db.get_tables()) & {m._meta.table_name for m in MODELS}
    assert runner.up() == names
    assert not diff_models(db.obj, MODELS)


def test_sqlite_runs_with_wal_and_foreign_keys(app):
    if isinstance(db.obj, SqliteDatabase):
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
