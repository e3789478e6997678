"""Password guessing is slowed down: after five failed sign-ins an account waits a
quarter of an hour (never locked for good), counted in the database so that every
server process sees the same count."""

import datetime
import http.client
import re
import urllib.parse
import uuid

import pytest

from pmweb.auth import FAILURES_PER_ACCOUNT, FAILURES_PER_ADDRESS
from pmweb.models import LoginFailure
from tests.conftest import PASSWORD
from tests.servers import Gunicorn


def sign_in(client, email, password):
    return client.post("/login", data={"email": email, "password": password})


def fail(client, email, times):
    for _ in range(times):
        assert sign_in(client, email, "a wrong guess").status_code == 422


def test_after_five_failures_even_the_right_password_waits(client, actors):
    fail(client, actors.manager.email, FAILURES_PER_ACCOUNT)
    response = sign_in(client, actors.manager.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins. Try again in 15 minutes." in response.text
    # Someone else's account is not affected.
    assert sign_in(client, actors.report.email, PASSWORD).status_code == 303


def test_the_wait_ends_by_itself(client, actors):
    fail(client, actors.manager.email, FAILURES_PER_ACCOUNT)
    sixteen_minutes_ago = datetime.datetime.now(datetime.UTC).replace(
        tzinfo=None
    ) - datetime.timedelta(minutes=16)
    LoginFailure.update(failed_at=sixteen_minutes_ago).execute()
    assert sign_in(client, actors.manager.email, PASSWORD).status_code == 303


def test_a_successful_sign_in_forgets_earlier_failures(client, actors, login):
    fail(client, actors.manager.email, FAILURES_PER_ACCOUNT - 1)
    assert sign_in(client, actors.manager.email, PASSWORD).status_code == 303
    client.post("/logout")
    fail(client, actors.manager.email, FAILURES_PER_ACCOUNT - 1)
    assert sign_in(client, actors.manager.email, PASSWORD).status_code == 303


def test_guessing_across_many_accounts_from_one_address_is_slowed_too(client, actors):
    for n in range(FAILURES_PER_ADDRESS):
        assert sign_in(client, f"nobody{n}@example.com", "guess").status_code == 422
    assert sign_in(client, actors.report.email, PASSWORD).status_code == 429


def _attempt(server, email, password):
    """One sign-in through the login form of a real server process."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", "/login")
    response = connection.getresponse()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    page = response.read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password})
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    connection.request("POST", "/login", body=body, headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_failures_count_across_server_processes(database_url, app, actors, tmp_path):
    secret = uuid.uuid4().hex
    servers = [Gunicorn(tmp_path, database_url, secret, name=f"p{n}") for n in range(2)]
    for server in servers:
        server.start()
    try:
        for n in range(FAILURES_PER_ACCOUNT):
            assert _attempt(servers[n % 2], actors.manager.email, "a wrong guess") == 422
        assert _attempt(servers[0], actors.manager.email, PASSWORD) == 429
        assert _attempt(servers[1], actors.manager.email, PASSWORD) == 429
    finally:
        for server in servers:
            server.stop()
