"""Browser tests: pmweb served by a real gunicorn process on a fresh SQLite database,
driven by Debian's Chromium through Playwright.

Without /usr/bin/chromium these tests are skipped — except with CI=true, where that
is a failure."""

import datetime
import os
import socket
import subprocess
import sys
import time
import types
import urllib.request
import uuid
from pathlib import Path

import pytest

from pmweb import create_app
from pmweb.db import connected, upgrade
from pmweb.models import Meeting, OneOnOne
from pmweb.org import service as org

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
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_serving(url, server, log):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped at start-up:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the server did not answer within 30 s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """gunicorn serving ``wsgi:app``; yields its base URL and an app bound to the same
    database for setting up each test's people."""
    folder = tmp_path_factory.mktemp("live")
    database_url = f"sqlite:///{folder / 'pmweb.sqlite3'}"
    secret = uuid.uuid4().hex
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": secret})
    with app.app_context():
        upgrade()
    port = _free_port()
    log = folder / "server.log"
    env = os.environ | {
        "DATABASE_URL": database_url,
        "PMWEB_SECRET_KEY": secret,
        # Every open meeting page holds a thread; a closed one frees it at the next
        # heartbeat, so tests that open many pages need them often.
        "PMWEB_LIVE_HEARTBEAT_SECONDS": "1",
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "64"]
    command += ["--bind", f"127.0.0.1:{port}", "--graceful-timeout", "1", "wsgi:app"]
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(f"{base_url}/login", server, log)
        yield types.SimpleNamespace(url=base_url, app=app)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def pair(live_server):
    """A new manager and report of their own for each test, with the first meeting."""
    tag = uuid.uuid4().hex[:8]
    with live_server.app.app_context(), connected():
        dana, _ = org.create_user(f"dana.{tag}@example.com", "Dana Reyes", PASSWORD)
        sam, _ = org.create_user(f"sam.{tag}@example.com", "Sam Okafor", PASSWORD)
        org.start_reporting_line(
            dana, sam, datetime.date.today() - datetime.timedelta(days=30), "Europe/London"
        )
        meeting = Meeting.select().join(OneOnOne).where(OneOnOne.employee == sam.id).get()
    return types.SimpleNamespace(manager=dana, employee=sam, meeting_id=meeting.id)


@pytest.fixture
def sign_in(browser, live_server):
    """Opens a signed-in page for a person; ``javascript=False`` for a browser
    without it."""
    contexts = []

    def open_page(user, javascript=True):
        context = browser.new_context(
            base_url=live_server.url,
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
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield open_page
    for context in contexts:
        context.close()
