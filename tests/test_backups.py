"""Backups and restores: a backup taken while pmweb writes, restored into a fresh
database, holds every row of every table exactly; a restore never overwrites a
database that holds something unless told to."""

import sqlite3
import subprocess
import threading

import psycopg
import pytest

from pmweb import backups
from pmweb.db import db
from pmweb.meetings import service
from tests.test_access import World


def rows_of(database_url):
    """Every row of every table, by table, in a stable order."""
    if database_url.startswith("sqlite"):
        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        execute = connection.execute
    else:
        connection = psycopg.connect(database_url)
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        ]
        execute = connection.execute
    try:
        return {table: sorted(map(tuple, execute(f'SELECT * FROM "{table}"'))) for table in tables}
    finally:
        connection.close()


@pytest.fixture
def fresh_database(database_url, request, tmp_path):
    """An empty database of the same kind, as an operator creates one to restore into."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_template")
    with psycopg.connect(server.url(), autocommit=True) as connection:
        connection.execute("CREATE DATABASE pmweb_restored")
    yield server.url("pmweb_restored")
    with psycopg.connect(server.url(), autocommit=True) as connection:
        connection.execute("DROP DATABASE pmweb_restored WITH (FORCE)")


def test_a_backup_restored_into_a_fresh_database_holds_every_row(
    app, actors, fresh_database, tmp_path
):
    World(actors)
    source = app.config["DATABASE_URL"]
    target = tmp_path / "pmweb.backup"
    with app.app_context():
        backups.backup(source, target)
        backups.restore(fresh_database, target)
    before, after = rows_of(source), rows_of(fresh_database)
    assert after == before
    assert len(after["talking_point"]) == 1 and len(after["user"]) == 6


def test_a_backup_taken_while_pmweb_writes_is_whole(app, actors, tmp_path):
    meeting = actors.meeting
    writing = threading.Event()
    stop = threading.Event()

    def keep_writing():
        with app.app_context(), db.connection_context():
            while not stop.is_set():
                service.add_talking_point(meeting, actors.manager.id, "Written during the backup")
                writing.set()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        writing.wait(timeout=10)
        with app.app_context():
            backups.backup(app.config["DATABASE_URL"], tmp_path / "pmweb.backup")
    finally:
        stop.set()
        writer.join()
    if app.config["DATABASE_URL"].startswith("sqlite"):
        copy = sqlite3.connect(tmp_path / "pmweb.backup")
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        positions = [row[0] for row in copy.execute("SELECT position FROM talking_point")]
        copy.close()
        assert positions and len(positions) == len(set(positions))
    else:
        listing = subprocess.run(
            [backups.pg_tool("pg_restore"), "--list", str(tmp_path / "pmweb.backup")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "TABLE DATA public talking_point" in listing


def test_a_restore_refuses_a_database_that_holds_something(app, actors, tmp_path):
    source = app.config["DATABASE_URL"]
    target = tmp_path / "pmweb.backup"
    with app.app_context():
        backups.backup(source, target)
        before = rows_of(source)
        with pytest.raises(backups.BackupError, match="The database is not empty"):
            backups.restore(source, target)
    assert rows_of(source) == before


def test_the_commands_say_what_is_wrong(app, tmp_path):
    runner = app.test_cli_runner()
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    result = runner.invoke(args=["restore", str(not_a_backup)])
    assert result.exit_code != 0 and "is not a" in result.output and "backup" in result.output
    target = tmp_path / "pmweb.backup"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "exists already" in again.output


def test_a_backup_is_readable_by_its_owner_only(app, actors, tmp_path):
    target = tmp_path / "pmweb.backup"
    with app.app_context():
        backups.backup(app.config["DATABASE_URL"], target)
    assert target.stat().st_mode & 0o777 == 0o600


def test_a_database_that_is_not_there_is_not_backed_up_as_an_empty_one(app, tmp_path):
    missing = f"sqlite:///{tmp_path / 'mistyped.sqlite3'}"
    with app.app_context(), pytest.raises(backups.BackupError, match="There is no database"):
        backups.backup(missing, tmp_path / "pmweb.backup")
    assert not (tmp_path / "pmweb.backup").exists()
    assert not (tmp_path / "mistyped.sqlite3").exists()


def test_replace_puts_the_backup_in_place_of_what_the_database_holds(app, actors, tmp_path):
    source = app.config["DATABASE_URL"]
    target = tmp_path / "pmweb.backup"
    with app.app_context():
        backups.backup(source, target)
        before = rows_of(source)
        service.add_talking_point(actors.meeting, actors.manager.id, "Written after the backup")
        assert rows_of(source) != before
        db.close()
        backups.restore(source, target, replace=True)
        db.connect()
    assert rows_of(source) == before
