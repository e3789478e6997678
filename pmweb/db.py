"""The database: one proxy the models bind to, a connection per request, and the
`flask db` commands that apply the migrations in ``migrations/``."""

import contextlib
import contextvars
import datetime
import functools
import inspect
import time
import weakref
from pathlib import Path
from urllib.parse import urlparse

import click
from flask import current_app, g, request
from peewee import ROW, DatabaseProxy, Model, Node, SqliteDatabase
from playhouse.db_url import parse as parse_database_url
from playhouse.migrations import Runner
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

from pmweb import metrics

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

    @classmethod
    def create(cls, **values):
        """Peewee's ``create``, with the insert's SQL composed once per database and
        set of columns (see ``insert_rows``): a directory sync creates tens of
        thousands of rows, and composing each insert cost more than running it."""
        row = cls(**values)
        meta = cls._meta
        if meta.primary_key is False or not meta.auto_increment or row._pk is not None:
            row.save(force_insert=True)
            return row
        field_dict = row.__data__.copy()
        row._populate_unsaved_relations(field_dict)
        field_dict.pop(meta.primary_key.name, None)
        row._pk = _insert(cls, [field_dict], ignore_conflicts=False, returning=True)
        row._dirty -= {*field_dict, meta.primary_key.name}
        return row


# Requests borrow a connection from a pool per process instead of opening one each:
# connecting (and setting SQLite's pragmas) cost more than a page's queries. A request
# that finds all connections busy waits up to `timeout` seconds for one.
POOL = {"max_connections": 32, "stale_timeout": 300, "timeout": 10}


def pool_size():
    return POOL["max_connections"]


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


_undone_whole = contextvars.ContextVar("undone_whole", default=False)


def write_transaction():
    """A transaction for read-then-write rules. SQLite takes the write lock up front
    (IMMEDIATE) so two concurrent writers queue instead of one failing mid-way.

    Inside another, a savepoint, so a rule that fails undoes only its own writes and
    its caller may go on — unless the outer one is ``all_or_nothing()``."""
    if _undone_whole.get() and db.in_transaction():
        return contextlib.nullcontext()
    if is_sqlite():
        return db.atomic("IMMEDIATE")
    return db.atomic()


@contextlib.contextmanager
def all_or_nothing():
    """A write transaction that any failure undoes whole, for work of many rules in a
    row: each ``write_transaction()`` inside joins it instead of opening a savepoint
    (two statements each; an import of 10,000 people opened 30,000)."""
    with write_transaction():
        token = _undone_whole.set(True)
        try:
            yield
        finally:
            _undone_whole.reset(token)


def locked(query):
    """``query`` holding the rows it reads until the transaction ends: SELECT … FOR
    UPDATE on PostgreSQL. SQLite's IMMEDIATE write transaction already lets only one
    writer in at a time."""
    return query if is_sqlite() else query.for_update()


# Routes that answer without a request's connection: health checks, which must answer
# (and say so) when the database does not, and take their own connection when needed.
OWN_CONNECTION = {"health.healthz", "health.readyz", "metrics.metrics"}


def init_app(app):
    db.initialize(database_from_url(app.config["DATABASE_URL"], app.instance_path))

    @app.before_request
    def open_connection():
        if request.endpoint in OWN_CONNECTION:
            return
        # Close at teardown only what this request opened: a CLI command or test
        # that already holds the connection keeps it.
        asked = time.perf_counter()
        try:
            g.opened_database_connection = db.connect(reuse_if_open=True)
        finally:  # a wait that ended with an exhausted pool counts too
            metrics.CONNECTION_WAIT_SECONDS.observe(time.perf_counter() - asked)

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


class PreparedQueryError(TypeError):
    """A prepared query that could return other rows than plain peewee would on the
    same arguments: refused when it is defined, first compiled, or run."""


# The types an argument may have. Peewee's field conversions leave a value of these types
# as it is (each compile checks they left the stand-ins so), so sending the argument
# itself where its stand-in was is what peewee would send; a model, an enum or a decimal
# it might convert first.
_ARGUMENT_TYPES = (int, str, datetime.date, datetime.datetime)

_registry = {}


def prepared_queries():
    """{name: PreparedQuery} for every prepared query defined so far."""
    return dict(_registry)


def _stand_in(kind, index, attempt):
    """What argument ``index`` is replaced with in compile ``attempt`` (0 or 1).

    The two compiles' stand-ins differ in sign, case, padding and spacing, so a value
    computed from an argument (``day - timedelta(…)``, ``text.lower()``, ``user_id - 1``)
    cannot pass for a stand-in in both compiles, and a branch on an id's sign takes a
    different side in each. None of them is ever sent to a database."""
    if kind is int:
        return -(2**40) - index if attempt == 0 else 2**41 + 7 * index
    if kind is str:
        return f" \0Stand-In {index}-A " if attempt == 0 else f"\tsTAND-iN {index}-b\n"
    if kind is datetime.datetime:
        if attempt == 0:
            return datetime.datetime(1011 + index, 5, 17, 13, 37, 41, 123457)
        return datetime.datetime(1517 + 7 * index, 10, 23, 7, 19, 53, 654321)
    if attempt == 0:
        return datetime.date(1011 + index, 5, 17)
    return datetime.date(1517 + 7 * index, 10, 23)


def _same(value, other):
    # 1 == True and a datetime is a date: only a value of the very same type counts.
    return type(value) is type(other) and value == other


def _rows_of(query, cursor):
    """The rows ``query`` returns (models with their joins, tuples, …) read from a
    cursor that ran its SQL.

    ``Query._get_cursor_wrapper`` is private peewee API, used here only: peewee is
    pinned (peewee==4.5.3) in pyproject.toml for it. Check this still holds before
    moving the pin."""
    return list(query._get_cursor_wrapper(cursor))


class PreparedQuery:
    """A query whose SQL text is compiled once per database and then run with new
    arguments. Peewee compiles the SQL of a query on every run, and on the meeting
    page that cost several times more than running the queries.

    Decorate a function whose parameters are annotated with their types (int, str,
    datetime.date, datetime.datetime) and that returns the peewee query::

        @PreparedQuery
        def _agenda(meeting_id: int):
            return TalkingPoint.select().where(TalkingPoint.meeting == meeting_id)

        _agenda.all(meeting.id)  # a list of rows; .first(…) the first row or None

    It returns the rows plain peewee returns for ``build(*arguments)``, or refuses
    with PreparedQueryError:

    - when defined, a parameter without one of those types;
    - when first compiled, a query whose SQL text or parameters depend on the
      arguments other than by each argument reaching the SQL as a parameter as it is
      (``build`` runs twice, on two different sets of stand-ins, to see it);
    - when run, an argument of another type than declared: None (it would become
      ``= NULL`` where peewee writes ``IS NULL``), a bool, a list, a datetime for a
      date — the check is ``type(value) is declared``, not an ``assert``, so it holds
      under ``python -O`` too.

    Every prepared query is registered by ``name`` (its module and function name
    unless given) in ``prepared_queries()``; a test runs each against plain peewee."""

    def __init__(self, build, name=None):
        self.build = build
        self.name = name or f"{build.__module__}.{build.__qualname__}"
        self.parameters = self._declared_parameters(build, self.name)
        if self.name in _registry:
            raise PreparedQueryError(f"two prepared queries are named {self.name}")
        _registry[self.name] = self
        self._compiled = weakref.WeakKeyDictionary()

    def __repr__(self):
        return f"<PreparedQuery {self.name}>"

    @staticmethod
    def _declared_parameters(build, name):
        parameters = []
        for parameter in inspect.signature(build, eval_str=True).parameters.values():
            if parameter.kind not in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
                raise PreparedQueryError(
                    f"{name}: parameter {parameter.name} must be a plain positional one"
                )
            if parameter.default is not parameter.empty:
                raise PreparedQueryError(
                    f"{name}: parameter {parameter.name} may not have a default: "
                    "every argument is passed on every run"
                )
            if parameter.annotation not in _ARGUMENT_TYPES:
                raise PreparedQueryError(
                    f"{name}: parameter {parameter.name} must be annotated int, str, "
                    f"datetime.date or datetime.datetime, not {parameter.annotation!r}"
                )
            parameters.append((parameter.name, parameter.annotation))
        return tuple(parameters)

    def all(self, *arguments):
        """Every row the query returns for ``arguments``."""
        self._check(arguments)
        query, sql, slots = self._compiled_for(db.obj)
        params = [value if index is None else arguments[index] for index, value in slots]
        return _rows_of(query, db.execute_sql(sql, params))

    def first(self, *arguments):
        """The first row the query returns for ``arguments``, or None."""
        rows = self.all(*arguments)
        return rows[0] if rows else None

    def _check(self, arguments):
        if len(arguments) != len(self.parameters):
            names = ", ".join(name for name, _ in self.parameters)
            raise PreparedQueryError(f"{self.name} takes ({names}); {len(arguments)} given")
        for (name, kind), value in zip(self.parameters, arguments, strict=True):
            if type(value) is kind:
                continue
            if value is None:
                why = "it would be compared = NULL and match nothing; query IS NULL instead"
            elif isinstance(value, list | tuple | set | frozenset):
                why = "a collection cannot stand for one parameter; use IN in a plain query"
            else:
                # A bool is an int and a datetime a date to isinstance, not here.
                why = f"{type(value).__name__} where {kind.__name__} is declared"
            raise PreparedQueryError(f"{self.name}: {name}={value!r} refused: {why}")

    def _compiled_for(self, database):
        # Each database has its own SQL dialect. Two requests compiling at once both
        # compile the same thing; either result serves.
        compiled = self._compiled.get(database)
        if compiled is None:
            compiled = self._compiled[database] = self._compile()
        return compiled

    def _compile(self):
        """The query, its SQL and, for each parameter of the SQL, the index of the
        argument it takes (with None: the constant it keeps)."""
        stand_ins = [
            [_stand_in(kind, index, attempt) for index, (_, kind) in enumerate(self.parameters)]
            for attempt in (0, 1)
        ]
        query = self.build(*stand_ins[0])
        sql, params = query.sql()
        other_sql, other_params = self.build(*stand_ins[1]).sql()
        if other_sql != sql or len(other_params) != len(params):
            raise PreparedQueryError(
                f"{self.name}: its SQL text changes with the arguments' values (an argument "
                "written into the SQL, or a branch on an argument)"
            )
        slots = []
        for position, (value, other) in enumerate(zip(params, other_params, strict=True)):
            index = self._argument_of(value, stand_ins[0])
            other_index = self._argument_of(other, stand_ins[1])
            if index is None and other_index is None and _same(value, other):
                slots.append((None, value))
            elif index is not None and index == other_index:
                slots.append((index, None))
            elif index is None and other_index is None:
                raise PreparedQueryError(
                    f"{self.name}: parameter {position + 1} of its SQL is computed from an "
                    f"argument ({value!r}, then {other!r}): it would be frozen into the query; "
                    "compute it before the call and pass it as an argument"
                )
            else:
                raise PreparedQueryError(
                    f"{self.name}: parameter {position + 1} of its SQL takes an argument's "
                    "stand-in in one compile but not in the other: it is computed from an "
                    "argument, not the argument itself"
                )
        used = {index for index, _ in slots}
        for index, (name, _) in enumerate(self.parameters):
            if index not in used:
                raise PreparedQueryError(
                    f"{self.name}: argument {name} never reaches the SQL as a parameter"
                )
        return query, sql, slots

    @staticmethod
    def _argument_of(value, stand_ins):
        for index, stand_in in enumerate(stand_ins):
            if _same(value, stand_in):
                return index
        return None


_composed_inserts = weakref.WeakKeyDictionary()

# Past this many rows an insert is rare enough to compose each time.
MOST_ROWS_COMPOSED_ONCE = 32


def insert_rows(model, rows, ignore_conflicts=False):
    """Inserts ``rows`` (dicts of field names and values) as
    ``model.insert_many(rows)`` would, ``.on_conflict_ignore()`` with
    ``ignore_conflicts``, with the same SQL and parameters: the SQL is composed by
    peewee once per database, model, set of fields and number of rows, and reused.
    More rows than ``MOST_ROWS_COMPOSED_ONCE`` go in statements of that many (all in
    the caller's transaction): SQLite takes at most 32,766 parameters in one.
    Returns how many rows were written (fewer than given where conflicts were
    ignored)."""
    return sum(
        _insert(model, rows[start : start + MOST_ROWS_COMPOSED_ONCE], ignore_conflicts, False)
        for start in range(0, len(rows), MOST_ROWS_COMPOSED_ONCE)
    )


def in_groups(values, size=500):
    """``values`` in lists of ``size``: an IN of each stays well within the parameters
    SQLite takes in one statement."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _insert(model, rows, ignore_conflicts, returning):
    """Runs the insert of ``rows``; gives the new row's id with ``returning``, else how
    many rows it wrote."""
    names = frozenset(rows[0])
    if (
        len(rows) > MOST_ROWS_COMPOSED_ONCE
        # Keyed by column names or fields, as peewee takes them too.
        or not names <= model._meta.fields.keys()
        or any(frozenset(row) != names for row in rows)
        # A value that is SQL (fn.NOW(), a subquery) is written into the text.
        or any(isinstance(value, Node) for row in rows for value in row.values())
    ):
        query = _peewee_insert(model, rows, ignore_conflicts, returning)
        return query.execute() if returning else query.as_rowcount().execute()
    database = db.obj
    key = (model, names, len(rows), ignore_conflicts, returning)
    composed = _composed_inserts.setdefault(database, {})
    if key not in composed:
        composed[key] = _composed_insert(database, model, rows, ignore_conflicts, returning)
    sql, fields = composed[key]
    cursor = db.execute_sql(sql, _insert_parameters(fields, rows))
    if not returning:
        return cursor.rowcount
    return cursor.fetchone()[0] if database.returning_clause else cursor.lastrowid


def _peewee_insert(model, rows, ignore_conflicts, returning):
    query = model.insert(**rows[0]) if returning else model.insert_many(rows)
    return query.on_conflict_ignore() if ignore_conflicts else query


def _insert_fields(model, names):
    """The fields of an insert of ``names``, in the order of peewee's columns: the
    model's field order, with the fields that have a default added."""
    fields = {model._meta.fields[name] for name in names} | set(model._meta.defaults)
    return sorted(fields, key=lambda field: field._sort_key)


def _insert_parameters(fields, rows):
    """Each row's value of each field, as peewee converts it; a default for a field a
    row leaves out, called anew for each row as peewee does."""
    parameters = []
    for row in rows:
        for field in fields:
            if field.name in row:
                value = row[field.name]
            else:
                value = field.default() if callable(field.default) else field.default
            parameters.append(field.db_value(value))
    return parameters


def _composed_insert(database, model, rows, ignore_conflicts, returning):
    """The insert's SQL as peewee composes it, and the fields whose values are its
    parameters, in order. Refused when peewee's parameters for ``rows`` are not those
    values: a field that converts its value otherwise than its ``db_value``."""
    query = _peewee_insert(model, rows, ignore_conflicts, returning)
    if returning and database.returning_clause:
        # As peewee's Insert._execute does before it composes the SQL.
        query._returning = query._pk_returning()
        query._row_type = ROW.TUPLE
    sql, params = database.get_sql_context().sql(query).query()
    fields = _insert_fields(model, rows[0])
    ours = _insert_parameters(fields, rows)
    if len(params) != len(ours):
        raise PreparedQueryError(
            f"an insert into {model._meta.table_name} has {len(params)} parameters, "
            f"not one per field and row ({len(ours)})"
        )
    for position, (theirs, mine) in enumerate(zip(params, ours, strict=True)):
        field = fields[position % len(fields)]
        # A default that is called (a timestamp) gives a new value each time.
        called = field.name not in rows[position // len(fields)] and callable(field.default)
        if not (type(theirs) is type(mine) if called else _same(theirs, mine)):
            raise PreparedQueryError(
                f"an insert into {model._meta.table_name} sends {theirs!r} for "
                f"{field.name}, not its value {mine!r}"
            )
    return sql, fields


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
