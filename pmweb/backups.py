"""Backups taken while pmweb runs, and restoring one into a fresh database.

SQLite goes through its online backup API: a consistent copy of the whole database,
page by page, while requests go on writing. PostgreSQL goes through ``pg_dump`` in its
custom format (``--format=custom --no-owner --no-privileges``), which is consistent by
itself, and comes back with ``pg_restore``. A restore goes into an empty database only,
unless told to replace what is there: a mistyped command must not overwrite a live
company."""

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import click
from flask import current_app
from flask.cli import with_appcontext
from peewee import SqliteDatabase

from pmweb.db import database_from_url

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"


class BackupError(Exception):
    """What went wrong, in words for the person at the command line."""


def _sqlite_path(database_url):
    """The file of an SQLite database, None for PostgreSQL."""
    database = database_from_url(database_url, current_app.instance_path)
    return database.database if isinstance(database, SqliteDatabase) else None


def pg_tool(name):
    """The newest installed PostgreSQL's ``name`` (pg_dump must be at least as new as
    the server), else the one on PATH."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True):
        if os.access(os.path.join(folder, name), os.X_OK):
            return os.path.join(folder, name)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def _version(folder):
    number = Path(folder).parent.name
    return int(number) if number.isdigit() else 0


def _libpq(database_url):
    """The URL without its password, and the environment that gives the password to
    pg_dump or pg_restore: a command line is readable by every local user."""
    parts = urlsplit(database_url)
    environment = dict(os.environ)
    if parts.password is not None:
        environment["PGPASSWORD"] = unquote(parts.password)
        netloc = parts.netloc.rsplit("@", 1)[1]
        user = parts.username
        netloc = f"{user}@{netloc}" if user else netloc
        database_url = urlunsplit(parts._replace(netloc=netloc))
    return database_url, environment


def _private_file(target):
    """``target`` made, empty, readable by its owner only: a backup holds every
    one-on-one of the company."""
    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _run(command, environment=None):
    result = subprocess.run(command, capture_output=True, text=True, env=environment)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{command[0]} failed")


def _copy_sqlite(source, target):
    """Copies the SQLite database ``source`` onto ``target`` with SQLite's online
    backup API: consistent, page by page, while others go on writing to ``source``."""
    reading = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writing = sqlite3.connect(target)
    try:
        with writing:
            reading.backup(writing)
    finally:
        writing.close()
        reading.close()


def backup(database_url, target):
    """Writes a backup of the database to ``target`` (a new file)."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file.")
    path = _sqlite_path(database_url)
    if path is not None and not Path(path).is_file():
        raise BackupError(f"There is no database at {path}: check DATABASE_URL.")
    _private_file(target)
    if path is not None:
        _copy_sqlite(path, target)
        return
    address, environment = _libpq(database_url)
    try:
        _run(
            [
                pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={target}",
                f"--dbname={address}",
            ],
            environment,
        )
    except BackupError:
        target.unlink()
        raise


def _is_empty(database_url):
    database = database_from_url(database_url, current_app.instance_path)
    try:
        with database.connection_context():
            return not database.get_tables()
    finally:
        database.close_all()


def restore(database_url, source, replace=False):
    """Puts the backup ``source`` into the database, which must be empty unless
    ``replace``: then what it holds is replaced."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    with source.open("rb") as opened:
        header = opened.read(len(SQLITE_HEADER))
    path = _sqlite_path(database_url)
    expected = SQLITE_HEADER if path is not None else PG_DUMP_HEADER
    if not header.startswith(expected):
        kind = "an SQLite" if path is not None else "a PostgreSQL (pg_dump custom format)"
        raise BackupError(f"{source} is not {kind} backup, which this database needs.")
    if not replace and not _is_empty(database_url):
        raise BackupError(
            "The database is not empty. Restore into a new, empty database, or pass "
            "--replace to replace everything in this one with the backup."
        )
    if path is not None:
        _copy_sqlite(source, path)
        return
    # One transaction: a restore that fails half-way leaves the database as it was.
    command = [pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction"]
    command += ["--exit-on-error"]
    if replace:
        command += ["--clean", "--if-exists"]
    address, environment = _libpq(database_url)
    _run([*command, f"--dbname={address}", str(source)], environment)


@click.command("backup", help="Write a backup of the database to FILE, while pmweb runs.")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(file):
    try:
        backup(current_app.config["DATABASE_URL"], file)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"backed up to {file}")


@click.command("restore", help="Restore the backup FILE into the (empty) database.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--replace", is_flag=True, help="Replace what the database holds.")
@with_appcontext
def restore_command(file, replace):
    try:
        restore(current_app.config["DATABASE_URL"], file, replace)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"restored {file}; run `flask --app pmweb db upgrade` if it is older than pmweb")


def register_cli(app):
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
