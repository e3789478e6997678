"""Browser tests: pmweb served by a real gunicorn process on a fresh SQLite database,
driven by Debian's Chromium through Playwright.

Without /usr/bin/chromium these tests are skipped — except with CI=true, where that
is a failure."""

import contextlib
import datetime
import types
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pmweb import create_app
from pmweb.db import connected, database_from_url, db, upgrade
from pmweb.models import Meeting, OneOnOne
from pmweb.org import service as org
from tests.conftest import unavailable
from tests.servers import Gunicorn

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "browser-test-password"

pytestmark = pytest.mark.browser

# What a page shows after a click may take longer than Playwright's 5 s when CI runs
# two test processes, each with its Chromium, servers and PostgreSQL, on two cores: a
# talking point added on the suite's first page once took longer. A page that never
# shows it still fails.
expect.set_options(timeout=10_000)


def _serve(folder):
    database_url = f"sqlite:///{folder / 'pmweb.sqlite3'}"
    secret = uuid.uuid4().hex
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": secret})
    with app.app_context():
        upgrade()
    server = Gunicorn(folder, database_url, secret)
    server.start()
    return types.SimpleNamespace(url=server.url, app=app, server=server)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """gunicorn serving ``wsgi:app``; yields its base URL and an app bound to the same
    database for setting up each test's people."""
    served = _serve(tmp_path_factory.mktemp("live"))
    try:
        yield served
    finally:
        served.server.stop()


@pytest.fixture
def own_server(tmp_path):
    """A server of this test's own, for tests that stop it."""
    served = _serve(tmp_path)
    try:
        yield served
    finally:
        if served.server.process.poll() is None:
            served.server.stop()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def server(live_server):
    """The server a test's pages talk to; a test overrides it with ``own_server``."""
    return live_server


@contextlib.contextmanager
def on_server(server):
    """The database of ``server``, for setting up a test's people. Every app binds the
    one database proxy; a test's own server rebinds it, so each setup binds it back."""
    with server.app.app_context():
        db.initialize(
            database_from_url(server.app.config["DATABASE_URL"], server.app.instance_path)
        )
        with connected():
            yield


def make_pair(server, manager_name, employee_name):
    """A new manager and report of their own, with their next meeting's id."""
    tag = uuid.uuid4().hex[:8]

    def email(name):
        return f"{name.split()[0].lower()}.{tag}@example.com"

    with on_server(server):
        manager = org.create_user(email(manager_name), manager_name, password=PASSWORD)
        employee = org.create_user(email(employee_name), employee_name, password=PASSWORD)
        org.start_reporting_line(
            manager, employee, datetime.date.today() - datetime.timedelta(days=30), "Europe/London"
        )
        meeting = (
            Meeting.select()
            .join(OneOnOne)
            .where(OneOnOne.employee == employee.id)
            .order_by(Meeting.scheduled_for)
            .first()
        )
    return types.SimpleNamespace(manager=manager, employee=employee, meeting_id=meeting.id)


@pytest.fixture
def pair(server):
    """Dana manages Sam: a pair of their own for each test."""
    return make_pair(server, "Dana Reyes", "Sam Okafor")


@pytest.fixture
def sign_in(browser, server):
    """Opens a signed-in page for a person; ``javascript=False`` for a browser
    without it."""
    contexts = []

    def open_page(user, javascript=True):
        context = browser.new_context(
            base_url=server.url,
            java_script_enabled=javascript,
            viewport={"width": 1280, "height": 900},
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/login")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{server.url}/")
        return page

    yield open_page
    for context in contexts:
        context.close()


class HeldRequest:
    """Holds the first request of a page to a URL pattern on its way, so what the
    person does next happens while it is pending; later ones go through."""

    def __init__(self, page, url_pattern):
        self.page = page
        self.held = []
        page.route(url_pattern, self._hold_the_first)

    def _hold_the_first(self, route):
        if self.held:
            route.continue_()
        else:
            self.held.append(self._hold(route))

    def _hold(self, route):
        return route

    def wait(self):
        for _ in range(50):  # route handlers run only while the page is being waited on
            if self.held:
                return
            self.page.wait_for_timeout(100)
        raise AssertionError("the request never left the page")

    def release(self):
        self.held[0].continue_()


class HeldResponse(HeldRequest):
    """Holds the answer to the first request of a page to a URL pattern: the server
    has answered it, the page has not had the answer yet."""

    def _hold(self, route):
        return route, route.fetch()

    def release(self):
        route, response = self.held[0]
        route.fulfill(response=response)
