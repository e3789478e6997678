"""Password guessing is slowed down without letting anyone lock someone else out: only
an account tried from one address is refused for a while (five failures in a quarter of
an hour), while guesses at one account from many addresses, or at many accounts from one
address, only make each attempt wait longer. Counted in the database, so that every
server process sees the same counts."""

import datetime
import http.client
import re
import urllib.parse
import uuid

import pytest

from pmweb import auth, create_app, live
from pmweb.auth import (
    FAILURES_BEFORE_SLOWING,
    FAILURES_PER_PAIR,
    LONGEST_WAIT_SECONDS,
    start_attempt,
)
from pmweb.db import close_pool, db, upgrade
from pmweb.models import LoginFailure
from tests.conftest import PASSWORD, at_the_same_moment
from tests.servers import Gunicorn

HOME = "198.51.100.10"  # where the account's owner signs in
ATTACKER = "203.0.113.66"
OFFICE = "192.0.2.1"  # everyone in one office, behind one address


@pytest.fixture(autouse=True)
def waits(monkeypatch):
    """The seconds each slowed attempt waited, instead of waiting them."""
    waited = []

    def wait(seconds):
        # A waiting sign-in must not hold one of the pool's connections.
        assert db.is_closed()
        waited.append(seconds)

    monkeypatch.setattr(auth, "sleep", wait)
    return waited


def sign_in(client, email, password, address=HOME):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def fail(client, email, times, address=HOME):
    for _ in range(times):
        assert sign_in(client, email, "a wrong guess", address).status_code == 422


def test_after_five_failures_from_one_address_even_the_right_password_waits(client, actors):
    fail(client, actors.manager.email, FAILURES_PER_PAIR)
    response = sign_in(client, actors.manager.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins. Try again in 15 minutes." in response.text
    # Someone else's account is not affected.
    assert sign_in(client, actors.report.email, PASSWORD).status_code == 303


def test_the_wait_ends_by_itself(client, actors):
    fail(client, actors.manager.email, FAILURES_PER_PAIR)
    sixteen_minutes_ago = datetime.datetime.now(datetime.UTC).replace(
        tzinfo=None
    ) - datetime.timedelta(minutes=16)
    LoginFailure.update(failed_at=sixteen_minutes_ago).execute()
    assert sign_in(client, actors.manager.email, PASSWORD).status_code == 303


def test_a_successful_sign_in_forgets_earlier_failures(client, actors, login):
    fail(client, actors.manager.email, FAILURES_PER_PAIR - 1)
    assert sign_in(client, actors.manager.email, PASSWORD).status_code == 303
    client.post("/logout")
    fail(client, actors.manager.email, FAILURES_PER_PAIR - 1)
    assert sign_in(client, actors.manager.email, PASSWORD).status_code == 303


def test_an_attacker_cannot_lock_the_owner_out_of_their_account(client, actors, waits):
    for attempt in range(20):
        response = sign_in(client, actors.manager.email, "a wrong guess", ATTACKER)
        assert response.status_code == (422 if attempt < FAILURES_PER_PAIR else 429)
    # Asking again while refused is no guess and does not count.
    assert LoginFailure.select().count() == FAILURES_PER_PAIR

    assert sign_in(client, actors.manager.email, PASSWORD, HOME).status_code == 303
    assert waits == []
    client.post("/logout")
    assert sign_in(client, actors.manager.email, PASSWORD, ATTACKER).status_code == 429


def test_guesses_at_an_account_from_many_addresses_only_slow_its_sign_in(client, actors, waits):
    for n in range(20):
        LoginFailure.create(email=actors.manager.email, address=f"203.0.113.{n}")
    # The right password from an address never seen before: slowed, never refused.
    assert sign_in(client, actors.manager.email, PASSWORD, HOME).status_code == 303
    assert waits == [LONGEST_WAIT_SECONDS]


def test_failures_behind_a_shared_address_never_lock_out_the_others_there(client, actors, waits):
    def colleagues_sign_in():
        for colleague in (actors.report, actors.other_manager, actors.other_employee):
            assert sign_in(client, colleague.email, PASSWORD, OFFICE).status_code == 303
            client.post("/logout")

    # One person in the office keeps getting their password wrong: nobody else notices.
    for _ in range(20):
        sign_in(client, actors.manager.email, "a wrong guess", OFFICE)
    colleagues_sign_in()
    assert waits == []

    # Something there has failed at sixty accounts: everyone there is slowed, not refused.
    for n in range(60):
        LoginFailure.create(email=f"nobody{n}@example.com", address=OFFICE)
    colleagues_sign_in()
    assert waits == [LONGEST_WAIT_SECONDS] * 3


def test_guessing_across_many_accounts_from_one_address_is_slowed_more_and_more(
    client, actors, waits
):
    for n in range(FAILURES_BEFORE_SLOWING + 5):
        fail(client, f"nobody{n}@example.com", 1, address=ATTACKER)
    assert waits == [1, 2, 4, 8, LONGEST_WAIT_SECONDS]

    # Someone behind that address still gets in, after the same wait.
    assert sign_in(client, actors.report.email, PASSWORD, ATTACKER).status_code == 303
    assert waits[-1] == LONGEST_WAIT_SECONDS
    # Other addresses are not slowed.
    client.post("/logout")
    assert sign_in(client, actors.manager.email, PASSWORD, HOME).status_code == 303
    assert len(waits) == 6


def test_an_ipv6_host_counts_as_its_whole_64_network(client, actors):
    for host in range(FAILURES_PER_PAIR):
        fail(client, actors.manager.email, 1, address=f"2001:db8:1:2::{host + 1:x}")
    assert (
        sign_in(client, actors.manager.email, PASSWORD, "2001:db8:1:2:ffff::9").status_code == 429
    )
    assert sign_in(client, actors.manager.email, PASSWORD, "2001:db8:1:3::1").status_code == 303


def test_attempts_sent_at_the_same_moment_count_each_other(app, actors):
    attempts = at_the_same_moment(
        app, *[lambda: start_attempt(actors.manager.email, ATTACKER)] * (2 * FAILURES_PER_PAIR)
    )
    let_through = [attempt for attempt in attempts if not attempt.refused_for_minutes]
    assert len(let_through) <= FAILURES_PER_PAIR


@pytest.fixture
def app_with_proxy_fix(database_url, monkeypatch):
    """Makes the app as a deployment would, with PMWEB_PROXY_FIX set to a value."""
    made = []

    def make(value):
        monkeypatch.setenv("PMWEB_PROXY_FIX", value)
        app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "DATABASE_URL": database_url})
        upgrade()
        db.connect()
        made.append(app)
        return app

    yield make
    for app in made:
        live.broker(app).close()
    close_pool()


@pytest.mark.parametrize(
    ("proxy_fix", "forwarded_for", "counted"),
    [
        # No proxy trusted: the header is anyone's to send and changes nothing.
        ("0", "203.0.113.7", "127.0.0.1"),
        ("1", "203.0.113.7", "203.0.113.7"),
        ("true", "203.0.113.7", "203.0.113.7"),
        # What the client claimed before the proxy added the address it saw is ignored.
        ("1", "198.51.100.66, 203.0.113.7", "203.0.113.7"),
        ("2", "198.51.100.66, 203.0.113.7", "198.51.100.66"),
        # A request that did not come through the proxy keeps its own address.
        ("1", None, "127.0.0.1"),
    ],
)
def test_the_address_counted_comes_from_x_forwarded_for_only_behind_a_trusted_proxy(
    app_with_proxy_fix, proxy_fix, forwarded_for, counted
):
    client = app_with_proxy_fix(proxy_fix).test_client()
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    response = client.post(
        "/login",
        data={"email": "nobody@example.com", "password": "a wrong guess"},
        headers=headers,
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert response.status_code == 422
    assert [failure.address for failure in LoginFailure.select()] == [counted]


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
        for n in range(FAILURES_PER_PAIR):
            assert _attempt(servers[n % 2], actors.manager.email, "a wrong guess") == 422
        assert _attempt(servers[0], actors.manager.email, PASSWORD) == 429
        assert _attempt(servers[1], actors.manager.email, PASSWORD) == 429
    finally:
        for server in servers:
            server.stop()
