"""The database: one proxy the models bind to, a connection per request, and the
`flask db` commands that apply the migrations in ``migrations/``."""

import contextlib
import functools
from pathlib import Path
from urllib.parse import urlparse

import click
from flask import current_app, g
from peewee import DatabaseProxy, Model, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import parse as parse_database_url
from playhouse.migrations import Runner

db = DatabaseProxy()

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    # Two people saving at the same moment wait for each other instead of failing.
    "busy_timeout": 5000,
    "synchronous": "normal",
}


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


def database_from_url(url, instance_path="."):
    """A peewee database for a ``sqlite:///path`` or ``postgresql://...`` URL.
    Relative SQLite paths are taken from the instance folder's parent (the project)."""
    scheme = urlparse(url).scheme
    params = parse_database_url(url)
    if scheme.startswith("sqlite"):
        path = params.pop("database")
        if path != ":memory:" and not Path(path).is_absolute():
            path = str(Path(instance_path).parent / path)
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, autoconnect=False, **params)
    if scheme in ("postgres", "postgresql"):
        name = params.pop("database")
        return PostgresqlDatabase(name, autoconnect=False, prefer_psycopg3=True, **params)
    raise click.UsageError(f"DATABASE_URL must be sqlite:/// or postgresql://, not {scheme}://")


def is_sqlite():
    return isinstance(db.obj, SqliteDatabase)


def write_transaction():
    """A transaction for read-then-write rules. SQLite takes the write lock up front
    (IMMEDIATE) so two concurrent writers queue instead of one failing mid-way."""
    if is_sqlite():
        return db.atomic("IMMEDIATE")
    return db.atomic()


def init_app(app):
    db.initialize(database_from_url(app.config["DATABASE_URL"], app.instance_path))

    @app.before_request
    def open_connection():
        # Close at teardown only what this request opened: a CLI command or test
        # that already holds the connection keeps it.
        g.opened_database_connection = db.connect(reuse_if_open=True)

    @app.teardown_request
    def close_connection(exc):
        if g.pop("opened_database_connection", False) and not db.is_closed():
            db.close()

    app.cli.add_command(db_cli)


@contextlib.contextmanager
def connected():
    """A connection for work outside a request, such as a command. One that is already
    open stays open afterwards."""
    opened = db.connect(reuse_if_open=True)
    try:
        yield
    finally:
        if opened and not db.is_closed():
            db.close()


def with_connection(command):
    """Runs a command with a database connection."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        with connected():
            return command(*args, **kwargs)

    return run


def migration_runner():
    return Runner(db.obj, str(MIGRATIONS_DIR))


def upgrade():
    with connected():
        return migration_runner().up()


@click.group("db", help="Apply and inspect database migrations.")
def db_cli():
    pass


@db_cli.command("upgrade", help="Apply every pending migration in order.")
def upgrade_command():
    applied = upgrade()
    for name in applied:
        click.echo(f"applied {name}")
    if not applied:
        click.echo(f"database is up to date ({current_app.config['DATABASE_URL']})")


@db_cli.command("status", help="List migrations and whether each is applied.")
def status_command():
    with connected():
        for migration in migration_runner().status():
            mark = "x" if migration.applied else " "
            click.echo(f"[{mark}] {migration.name}")
