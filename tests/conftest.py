"""Fixtures shared by every test: an app on a temporary SQLite file (or the
PostgreSQL server from ``tests/pg_server.py`` when PMWEB_TEST_DATABASE=postgresql),
the standard actors, and a way to sign in as one of them."""
import datetime
import functools

import pytest

from pmweb import create_app
from pmweb.db import db, upgrade
from pmweb.meetings import service
from pmweb.models import ReportingLine, User
from pmweb.passwords import hash_password

PASSWORD = "correct-horse-battery"


@functools.cache
def _password_hash():
    # One argon2 hash for every test user keeps the suite fast; sign-in still verifies it.
    return hash_password(PASSWORD)


@pytest.fixture
def app(tmp_path):
    app = create_app({
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'pmweb.sqlite3'}",
        "SERVER_NAME": "pmweb.test",
    })
    with app.app_context():
        upgrade()
        db.connect()
        yield app
        if not db.is_closed():
            db.close()


@pytest.fixture
def client(app):
    return app.test_client()


def make_user(name, email=None, is_admin=False):
    email = email or f"{name.split()[0].lower()}@example.com"
    return User.create(name=name, email=email, password_hash=_password_hash(), is_admin=is_admin)


def make_reporting_line(manager, employee, starts_on=None):
    ReportingLine.create(
        manager=manager, employee=employee, starts_on=starts_on or datetime.date(2026, 1, 5)
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
