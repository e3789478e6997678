"""Signing in and out: argon2 hashes, sessions that end on the server, cookie flags.
Where a sign-in leads is in test_redirects.py, how guessing is slowed in
test_login_throttle.py."""

import re

import pytest

from pmweb.models import User, UserSession
from pmweb.org import service as org
from pmweb.passwords import verify_password
from tests.conftest import PASSWORD


def sign_in(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def test_passwords_are_stored_as_argon2id(actors):
    assert User.get_by_id(actors.manager.id).password_hash.startswith("$argon2id$")


def test_a_chosen_password_is_hashed_at_argon2s_full_cost():
    # The test users' shared hash is made cheaply (tests/conftest.py); people's are not.
    from pmweb.passwords import hash_password

    assert hash_password(PASSWORD).startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_sign_in_lands_on_home(client, actors):
    response = sign_in(client, "DANA@example.com ")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "Your reports" in client.get("/").get_data(as_text=True)


def test_wrong_password_is_refused_with_a_message(client, actors):
    response = sign_in(client, actors.manager.email, "not-the-password")
    assert response.status_code == 422
    assert "don&#39;t match an active account" in response.get_data(as_text=True)
    assert UserSession.select().count() == 0


def test_unknown_email_gets_the_same_message(client, actors):
    response = sign_in(client, "nobody@example.com")
    assert response.status_code == 422
    assert "don&#39;t match an active account" in response.get_data(as_text=True)


def test_deactivated_account_cannot_sign_in(client, actors):
    org.deactivate(actors.report, by=actors.admin)
    assert sign_in(client, actors.report.email).status_code == 422


def test_logout_ends_the_session_on_the_server(client, actors):
    sign_in(client, actors.manager.email)
    stolen_cookie = client.get_cookie("pmweb_session").value
    assert client.post("/logout").status_code == 303
    client.set_cookie("pmweb_session", stolen_cookie)
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_deactivation_ends_open_sessions(client, actors):
    sign_in(client, actors.report.email)
    assert client.get("/").status_code == 200
    org.deactivate(actors.report, by=actors.admin)
    assert client.get("/").status_code == 302


def test_logout_needs_a_post(client, actors):
    sign_in(client, actors.manager.email)
    assert client.get("/logout").status_code == 405


def test_session_cookie_is_httponly_and_lax(client, actors):
    response = sign_in(client, actors.manager.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_over_https(app, actors):
    client = app.test_client()
    response = client.post(
        "/login",
        data={"email": actors.manager.email, "password": PASSWORD},
        base_url="https://pmweb.test",
    )
    assert "Secure" in response.headers["Set-Cookie"]


def test_pages_need_sign_in(client, actors):
    response = client.get(f"/meetings/{actors.meeting.id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_changing_the_password_signs_out_every_other_device(app, client, actors, login):
    other_device = login(actors.report, as_client=app.test_client())
    login(actors.report)
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new passphrase",
            "new_password_again": "a brand new passphrase",
        },
    )
    assert response.status_code == 303
    assert "Your password is changed" in client.get(response.headers["Location"]).text
    assert other_device.get("/").status_code == 302
    assert verify_password(User.get_by_id(actors.report.id).password_hash, "a brand new passphrase")


@pytest.mark.parametrize(
    ("current", "new", "again", "message"),
    [
        ("wrong password!", "a brand new passphrase", "a brand new passphrase", "not your current"),
        (PASSWORD, "short", "short", "at least 12 characters"),
        (PASSWORD, "a brand new passphrase", "a different one", "are not the same"),
        ("", "a brand new passphrase", "a brand new passphrase", "Enter your current password"),
    ],
)
def test_a_bad_password_change_is_explained_and_changes_nothing(
    client, actors, login, current, new, again, message
):
    login(actors.report)
    before = User.get_by_id(actors.report.id).password_hash
    response = client.post(
        "/account/password",
        data={"current_password": current, "new_password": new, "new_password_again": again},
    )
    assert response.status_code == 422
    assert message in response.text
    assert User.get_by_id(actors.report.id).password_hash == before


def _csrf_token_of(page):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_signing_in_starts_a_new_session_so_the_anonymous_csrf_token_stops_working(
    app, client, actors
):
    app.config["WTF_CSRF_ENABLED"] = True
    anonymous_token = _csrf_token_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": actors.manager.email, "password": PASSWORD, "csrf_token": anonymous_token},
    )
    assert response.status_code == 303

    assert client.post("/logout", data={"csrf_token": anonymous_token}).status_code == 400
    signed_in_token = _csrf_token_of(client.get("/account/password").text)
    assert client.post("/logout", data={"csrf_token": signed_in_token}).status_code == 303
