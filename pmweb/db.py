"""The database: one proxy the models bind to, a connection per request, and the
`flask db` commands that apply the migrations in ``migrations/``."""

import contextlib
import datetime
import functools
import weakref
from pathlib import Path
from urllib.parse import urlparse

import click
from flask import current_app, g
from peewee import DatabaseProxy, Model, SqliteDatabase
from playhouse.db_url import parse as parse_database_url
from playhouse.migrations import Runner
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

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


# Requests borrow a connection from a pool per process instead of opening one each:
# connecting (and setting SQLite's pragmas) cost more than a page's queries. A request
# that finds all connections busy waits up to `timeout` seconds for one.
POOL = {"max_connections": 32, "stale_timeout": 300, "timeout": 10}


def close_pool():
    """Closes every pooled connection: at the end of a test, before a database is
    dropped."""
    if not db.is_closed():
        db.close()
    db.obj.close_all()


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
        # A pooled connection serves one request at a time, but not always on the
        # thread that opened it.
        return PooledSqliteDatabase(
            path,
            pragmas=SQLITE_PRAGMAS,
            autoconnect=False,
            check_same_thread=False,
            **POOL,
            **params,
        )
    if scheme in ("postgres", "postgresql"):
        name = params.pop("database")
        return PooledPostgresqlDatabase(
            name, autoconnect=False, prefer_psycopg3=True, **POOL, **params
        )
    raise click.UsageError(f"DATABASE_URL must be sqlite:/// or postgresql://, not {scheme}://")


def is_sqlite():
    return isinstance(db.obj, SqliteDatabase)


def write_transaction():
    """A transaction for read-then-write rules. SQLite takes the write lock up front
    (IMMEDIATE) so two concurrent writers queue instead of one failing mid-way."""
    if is_sqlite():
        return db.atomic("IMMEDIATE")
    return db.atomic()


def locked(query):
    """``query`` holding the rows it reads until the transaction ends: SELECT … FOR
    UPDATE on PostgreSQL. SQLite's IMMEDIATE write transaction already lets only one
    writer in at a time."""
    return query if is_sqlite() else query.for_update()


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


class PreparedQuery:
    """A query whose SQL text is composed once per database and then run with new
    arguments. Peewee composes the SQL of a query on every run, and on the meeting
    page that costs several times more than running the queries; these queries keep
    their shape and only the arguments change.

    ``build`` receives stand-ins for the arguments (ids, days or strings) and returns
    the peewee query; each stand-in must reach the SQL as a parameter."""

    _ID_STAND_IN = -(2**40)

    def __init__(self, build):
        self.build = build
        self._compiled = weakref.WeakKeyDictionary()

    def all(self, *arguments):
        query, sql, slots = self._compile_for(db.obj, arguments)
        params = [arguments[slot] if slot is not None else value for slot, value in slots]
        return list(query._get_cursor_wrapper(db.execute_sql(sql, params)))

    def first(self, *arguments):
        rows = self.all(*arguments)
        return rows[0] if rows else None

    def _compile_for(self, database, arguments):
        compiled = self._compiled.get(database)
        if compiled is None:
            stand_ins = [self._stand_in(index, value) for index, value in enumerate(arguments)]
            query = self.build(*stand_ins)
            sql, params = query.sql()
            slots = [(self._slot(param, stand_ins), param) for param in params]
            used = {slot for slot, _ in slots}
            assert used >= set(range(len(arguments))), "an argument never reached the SQL"
            compiled = self._compiled[database] = (query, sql, slots)
        return compiled

    def _stand_in(self, index, value):
        if isinstance(value, datetime.date):
            return datetime.date(1000 + index, 1, 1)
        if isinstance(value, str):
            return f"\0stand-in-{index}"
        return self._ID_STAND_IN - index

    @staticmethod
    def _slot(param, stand_ins):
        for index, stand_in in enumerate(stand_ins):
            if type(param) is type(stand_in) and param == stand_in:
                return index
        return None


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
