"""Fixtures shared by every test: an app on a fresh database — every test runs on
SQLite and again on PostgreSQL (a throwaway server from ``tests/pg_server.py``) —
the standard actors, and a way to sign in as one of them.

PMWEB_TEST_DATABASES=sqlite (or postgresql) runs on one only. With CI=true a
missing PostgreSQL fails the run instead of skipping."""

import datetime
import functools
import itertools
import os
import shutil
import threading

import psycopg
import pytest
from argon2 import PasswordHasher

from pmweb import create_app, live
from pmweb.db import close_pool, connected, db, upgrade
from pmweb.meetings import service
from pmweb.models import Handoff, ReportingLine, User
from tests.pg_server import PostgresServer, find_bindir

PASSWORD = "correct-horse-battery"


@functools.cache
def _password_hash():
    # One argon2id hash for every test user, made at the lowest cost: an argon2 hash
    # carries its own cost, so each sign-in verifies it in well under a millisecond
    # instead of a tenth of a second (thousands of sign-ins in the suite). Production
    # hashes keep argon2's default cost (tests/test_auth.py checks it).
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


DATABASES = os.environ.get("PMWEB_TEST_DATABASES", "sqlite,postgresql").split(",")
IN_CI = os.environ.get("CI", "").lower() == "true"


def unavailable(reason):
    # The suite's only skip, and only on a developer's machine that lacks PostgreSQL,
    # Chromium or poppler: .ci/run installs them, and under CI=true a missing one fails.
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must run, not skip)")
    pytest.skip(reason)


def at_the_same_moment(app, *steps, tolerated=()):
    """Runs each step in a thread of its own, all released at once, each through a
    connection of its own as two requests would be. Returns what each step returned
    (None where it raised one of ``tolerated``); any other error fails the test."""
    db.close()
    barrier = threading.Barrier(len(steps))
    results, errors = [None] * len(steps), []

    def run(index, step):
        try:
            with app.app_context(), db.connection_context():
                barrier.wait()
                results[index] = step()
        except tolerated:
            pass
        except Exception as error:  # noqa: BLE001 -- reported below, in the test's thread
            errors.append(error)

    racers = [threading.Thread(target=run, args=item) for item in enumerate(steps)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    db.connect()
    assert errors == []
    return results


@pytest.fixture(scope="session")
def postgres_template():
    """A PostgreSQL server with a database migrated once, which each test copies."""
    bindir = find_bindir()
    if bindir is None:
        unavailable("PostgreSQL is not installed (apt-get install postgresql)")
    server = PostgresServer(bindir).start()
    try:
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE pmweb_template")
        create_app({"TESTING": True, "DATABASE_URL": server.url("pmweb_template")})
        upgrade()
        close_pool()  # each test copies this database: nobody may stay connected to it
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite file migrated once, which each test copies: migrating a new file cost
    each of the suite's thousands of SQLite tests 50 ms."""
    path = tmp_path_factory.mktemp("template") / "pmweb.sqlite3"
    create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "LOG_JSON": False})
    upgrade()
    # Everything in the one file: a copy of it is the whole database.
    with connected():
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_pool()
    return path


_database_numbers = itertools.count()


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "pmweb.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server = request.getfixturevalue("postgres_template")
    name = f"pmweb_test_{next(_database_numbers)}"
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE pmweb_template")
    yield server.url(name)
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def app(database_url):
    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "DATABASE_URL": database_url,
            # Live streams end at once unless a test asks for longer.
            "LIVE_STREAM_SECONDS": 0,
            # Tests read the logs they check through handlers of their own.
            "LOG_JSON": False,
        }
    )
    upgrade()
    # The test holds a connection of its own for arranging and checking data. No app
    # context stays pushed: each request gets a fresh one (and a fresh `g`), as in
    # production.
    db.connect()
    yield app
    live.broker(app).close()
    close_pool()


@pytest.fixture
def today():
    """The day the test runs. Read when the test starts: a date taken when the module is
    collected goes stale when a run crosses midnight."""
    return datetime.date.today()


@pytest.fixture
def client(app):
    return app.test_client()


def make_user(name, email=None, is_admin=False):
    email = email or f"{name.split()[0].lower()}@example.com"
    return User.create(name=name, email=email, password_hash=_password_hash(), is_admin=is_admin)


def make_reporting_line(manager, employee, starts_on=None):
    """An established pair: its manager sees all of the employee's goals, plan and
    feedback, as a line from before handoffs existed does after the upgrade. Tests of
    a change of manager start lines through the organisation's rules instead."""
    line = ReportingLine.create(
        manager=manager, employee=employee, starts_on=starts_on or datetime.date(2026, 1, 5)
    )
    Handoff.create(
        line=line.id,
        content_since=datetime.datetime(2026, 1, 5),
        carries_goals=True,
        carries_plan=True,
        carries_feedback=True,
        decided_at=datetime.datetime(2026, 1, 5),
    )
    return service.open_one_on_one(manager, employee, "Europe/London")


class Actors:
    """The cast of every access test: a pair (Dana manages Sam) and people outside it."""

    def __init__(self):
        self.manager = make_user("Dana Reyes")
        self.report = make_user("Sam Okafor")
        self.other_manager = make_user("Priya Natarajan")
        self.other_employee = make_user("Alex Kim")
        self.admin = make_user("Ada Admin", "admin@example.com", is_admin=True)
        self.hr = make_user("Hana Berg")
        self.pair = make_reporting_line(self.manager, self.report)
        self.other_pair = make_reporting_line(self.other_manager, self.other_employee)

    @property
    def meeting(self):
        return self.pair.meetings.order_by(self.pair.meetings.model.scheduled_for).first()


@pytest.fixture
def actors(app):
    return Actors()


@pytest.fixture
def login(client):
    def sign_in(user, as_client=None):
        target = as_client or client
        target.post("/logout")
        response = target.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 303, response.get_data(as_text=True)
        return target

    return sign_in
