"""Single sign-on by OpenID Connect, through a real provider over HTTP
(``tests/oidc_provider.py``): the authorization code flow with PKCE, which account an
identity opens, every answer pmweb must refuse, signing out at the provider, the
settings pmweb refuses to start with, and pmweb without passwords."""

import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest

from pmweb import create_app, live
from pmweb.db import close_pool, db, upgrade
from pmweb.models import AccountEvent, PasswordLink, User, UserSession
from pmweb.org import service as org
from tests.conftest import PASSWORD
from tests.oidc_provider import Provider, path_of

BASE_URL = "http://localhost"
CALLBACK = f"{BASE_URL}/login/sso/callback"
LABEL = "Sign in with Example SSO"


@pytest.fixture(scope="module")
def provider():
    started = Provider().start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def registered(provider):
    return provider.register_client(CALLBACK)


def sso_settings(provider, registered, **changes):
    client_id, secret = registered
    return {
        "SSO_ISSUER": provider.url,
        "SSO_CLIENT_ID": client_id,
        "SSO_CLIENT_SECRET": secret,
        "SSO_BUTTON_LABEL": LABEL,
        "BASE_URL": BASE_URL,
    } | changes


@pytest.fixture
def sso_config():
    """Changes to the settings, for a test to parametrize."""
    return {}


@pytest.fixture
def app(database_url, provider, registered, sso_config):
    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "DATABASE_URL": database_url,
            "LIVE_STREAM_SECONDS": 0,
            "LOG_JSON": False,
        }
        | sso_settings(provider, registered, **sso_config)
    )
    upgrade()
    db.connect()
    yield app
    live.broker(app).close()
    close_pool()


def new_sub():
    return f"sub-{uuid.uuid4().hex}"


def start(client, next_page=None):
    """Asks pmweb to sign in: the provider's authorization URL it sends the browser to."""
    response = client.get("/login/sso", query_string={"next": next_page} if next_page else {})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def sign_in_as(client, provider, sub, next_page=None):
    """The whole round trip: pmweb's answer to the provider's callback."""
    callback = provider.authorize(start(client, next_page), sub)
    assert callback.startswith(CALLBACK + "?")
    return client.get(path_of(callback))


def text(response):
    return response.get_data(as_text=True)


def sessions():
    return UserSession.select().count()


def assert_signed_in_as(client, person):
    home = client.get("/")
    assert home.status_code == 200
    assert person.name in text(home)


def assert_signed_out(client):
    assert client.get("/").status_code == 302


# --- the flow ----------------------------------------------------------------------


def test_the_sign_in_page_shows_the_button_with_its_label_and_the_password_form(client):
    page = text(client.get("/login"))
    assert LABEL in page
    assert 'href="/login/sso"' in page
    assert 'name="password"' in page


def test_the_authorization_request_uses_pkce_with_s256_and_a_nonce(client, provider, registered):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [registered[0]]
    assert query["redirect_uri"] == [CALLBACK]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["nonce"][0] and query["state"][0]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}


@pytest.mark.parametrize("sso_config", [{"SSO_CREATE_ACCOUNTS": True}])
def test_a_first_sign_in_creates_the_person_when_creation_is_on(client, provider):
    sub = new_sub()
    provider.set_person(
        sub, email="Noor.Haddad@Example.com", email_verified=True, name="Noor Haddad"
    )
    response = sign_in_as(client, provider, sub)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    person = User.get(User.sso_subject == sub)
    assert (person.email, person.name, person.is_admin) == (
        "noor.haddad@example.com",
        "Noor Haddad",
        False,
    )
    assert person.password_hash == ""
    assert_signed_in_as(client, person)
    assert [
        event.what for event in AccountEvent.select().where(AccountEvent.person == person.id)
    ] == ["Created your account at your first sign-in with localhost"]


def test_a_first_sign_in_is_refused_when_creation_is_off(client, provider):
    sub = new_sub()
    provider.set_person(sub, email="newcomer@example.com", email_verified=True, name="New Comer")
    response = sign_in_as(client, provider, sub)
    assert response.status_code == 403
    assert "pmweb has no account for newcomer@example.com" in text(response)
    assert User.select().where(User.email == "newcomer@example.com").count() == 0
    assert sessions() == 0
    assert_signed_out(client)


def test_an_existing_account_is_linked_by_its_verified_email_and_then_found_by_sub(
    client, provider, actors
):
    sub = new_sub()
    provider.set_person(sub, email=actors.manager.email, email_verified=True, name="Dana R.")
    assert sign_in_as(client, provider, sub).status_code == 303
    assert User.get_by_id(actors.manager.id).sso_subject == sub
    assert_signed_in_as(client, actors.manager)
    client.post("/logout")
    # The provider now has another address for her: still Dana, with the new address.
    provider.set_person(sub, email="dana.reyes@example.com", email_verified=True, name="Dana R.")
    assert sign_in_as(client, provider, sub).status_code == 303
    dana = User.get_by_id(actors.manager.id)
    assert dana.email == "dana.reyes@example.com"
    assert User.select().where(User.sso_subject == sub).count() == 1
    assert_signed_in_as(client, actors.manager)
    events = [e.what for e in AccountEvent.select().where(AccountEvent.person == dana.id)]
    assert "Linked your account to localhost" in events
    assert "Changed your email to dana.reyes@example.com, as localhost has it" in events


def test_an_unverified_email_links_no_account(client, provider, actors):
    sub = new_sub()
    provider.set_person(sub, email=actors.manager.email, email_verified=False)
    response = sign_in_as(client, provider, sub)
    assert response.status_code == 403
    assert "has not verified your email address" in text(response)
    assert User.get_by_id(actors.manager.id).sso_subject is None
    assert sessions() == 0


def test_entra_s_domain_owner_claim_counts_as_verified(client, provider, actors):
    sub = new_sub()
    provider.set_person(sub, email=actors.manager.email, xms_edov=True)
    assert sign_in_as(client, provider, sub).status_code == 303
    assert User.get_by_id(actors.manager.id).sso_subject == sub


@pytest.mark.parametrize("sso_config", [{"SSO_CREATE_ACCOUNTS": True}])
def test_another_sub_with_an_email_linked_to_someone_else_is_refused(client, provider, actors):
    dana_sub, impostor_sub = new_sub(), new_sub()
    provider.set_person(dana_sub, email=actors.manager.email, email_verified=True)
    assert sign_in_as(client, provider, dana_sub).status_code == 303
    client.post("/logout")
    before = sessions()
    # Someone else at the provider now has Dana's address (reused, or changed to it).
    provider.set_person(impostor_sub, email=actors.manager.email, email_verified=True)
    response = sign_in_as(client, provider, impostor_sub)
    assert response.status_code == 403
    assert "signs in with a different localhost account" in text(response)
    assert User.get_by_id(actors.manager.id).sso_subject == dana_sub
    assert User.select().where(User.sso_subject == impostor_sub).count() == 0
    assert sessions() == before
    assert_signed_out(client)


def test_an_email_change_onto_another_person_s_address_keeps_each_their_own(
    client, provider, actors
):
    sub = new_sub()
    provider.set_person(sub, email=actors.manager.email, email_verified=True)
    assert sign_in_as(client, provider, sub).status_code == 303
    client.post("/logout")
    # Dana's identity now claims Sam's address: she is still Dana, and Sam keeps his.
    provider.set_person(sub, email=actors.report.email, email_verified=True)
    assert sign_in_as(client, provider, sub).status_code == 303
    assert_signed_in_as(client, actors.manager)
    assert User.get_by_id(actors.manager.id).email == "dana@example.com"
    assert User.get_by_id(actors.report.id).email == "sam@example.com"


def test_a_deactivated_person_cannot_sign_in(client, provider, actors):
    sub = new_sub()
    provider.set_person(sub, email=actors.report.email, email_verified=True)
    assert sign_in_as(client, provider, sub).status_code == 303
    client.post("/logout")
    org.deactivate(User.get_by_id(actors.report.id), by=actors.admin)
    before = sessions()
    response = sign_in_as(client, provider, sub)
    assert response.status_code == 403
    assert "Your pmweb account is deactivated" in text(response)
    assert sessions() == before
    assert_signed_out(client)


def test_a_deactivated_account_is_not_linked_by_email(client, provider, actors):
    org.deactivate(actors.report, by=actors.admin)
    sub = new_sub()
    provider.set_person(sub, email=actors.report.email, email_verified=True)
    assert sign_in_as(client, provider, sub).status_code == 403
    assert User.get_by_id(actors.report.id).sso_subject is None
    assert sessions() == 0


@pytest.mark.parametrize(
    "sso_config", [{"SSO_EMAIL_DOMAINS": "example.com, @example.org", "SSO_CREATE_ACCOUNTS": True}]
)
def test_an_address_outside_the_allowed_domains_is_refused(client, provider, actors):
    sub = new_sub()
    provider.set_person(sub, email="someone@gmail.test", email_verified=True)
    response = sign_in_as(client, provider, sub)
    assert response.status_code == 403
    assert "Addresses at gmail.test cannot sign in to pmweb" in text(response)
    assert sessions() == 0
    assert User.select().where(User.email == "someone@gmail.test").count() == 0
    other = new_sub()
    provider.set_person(other, email="ok@example.org", email_verified=True)
    assert sign_in_as(client, provider, other).status_code == 303


def test_an_identity_without_an_email_is_refused(client, provider):
    sub = new_sub()
    provider.set_person(sub, name="No Mail")
    response = sign_in_as(client, provider, sub)
    assert response.status_code == 403
    assert "sent no email address" in text(response)
    assert sessions() == 0


@pytest.mark.parametrize(
    "sso_config", [{"SSO_ADMIN_CLAIM": "groups", "SSO_ADMIN_VALUE": "pmweb-admins"}]
)
def test_the_admin_claim_grants_and_removes_administration_at_each_sign_in(
    client, provider, actors
):
    sub = new_sub()
    provider.set_person(
        sub,
        email=actors.other_employee.email,
        email_verified=True,
        groups=["staff", "pmweb-admins"],
    )
    assert sign_in_as(client, provider, sub).status_code == 303
    assert User.get_by_id(actors.other_employee.id).is_admin
    assert client.get("/admin/people").status_code == 200
    client.post("/logout")
    provider.set_person(
        sub, email=actors.other_employee.email, email_verified=True, groups=["staff"]
    )
    assert sign_in_as(client, provider, sub).status_code == 303
    assert not User.get_by_id(actors.other_employee.id).is_admin
    assert client.get("/admin/people").status_code == 404
    events = [
        e.what for e in AccountEvent.select().where(AccountEvent.person == actors.other_employee.id)
    ]
    assert "Made you an administrator, as localhost says" in events
    assert "You are no longer an administrator, as localhost says" in events


def test_without_an_admin_claim_administration_is_left_alone(client, provider, actors):
    sub = new_sub()
    provider.set_person(sub, email=actors.admin.email, email_verified=True, groups=[])
    assert sign_in_as(client, provider, sub).status_code == 303
    assert User.get_by_id(actors.admin.id).is_admin


# --- where the sign-in leads ---------------------------------------------------------


def test_the_next_page_survives_the_round_trip(client, provider, actors):
    sub = new_sub()
    provider.set_person(sub, email=actors.manager.email, email_verified=True)
    response = sign_in_as(client, provider, sub, next_page="/goals?tab=agreed")
    assert response.headers["Location"] == "/goals?tab=agreed"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
    ],
)
def test_a_next_page_elsewhere_is_dropped_on_the_round_trip(client, provider, actors, target):
    sub = new_sub()
    provider.set_person(sub, email=actors.manager.email, email_verified=True)
    response = sign_in_as(client, provider, sub, next_page=target)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_a_next_page_planted_in_the_session_is_checked_again(app, client, provider, actors):
    sub = new_sub()
    provider.set_person(sub, email=actors.manager.email, email_verified=True)
    authorization = start(client)
    with client.session_transaction() as session:
        session["sso_next"] = "//evil.example/"
    response = client.get(path_of(provider.authorize(authorization, sub)))
    assert response.headers["Location"] == "/"


def test_a_next_page_too_long_to_keep_is_dropped_not_cut(client, provider, actors):
    sub = new_sub()
    provider.set_person(sub, email=actors.manager.email, email_verified=True)
    response = sign_in_as(client, provider, sub, next_page="/goals/" + "a" * 5000)
    assert response.headers["Location"] == "/"


def test_starting_again_and_again_keeps_the_cookie_small(client, provider, actors):
    for _ in range(30):
        authorization = start(client, next_page="/goals")
    assert len(client.get_cookie("pmweb_session").value) < 1500
    # The latest flow still signs in.
    sub = new_sub()
    provider.set_person(sub, email=actors.manager.email, email_verified=True)
    assert client.get(path_of(provider.authorize(authorization, sub))).status_code == 303


# --- answers pmweb refuses -----------------------------------------------------------


def test_a_replayed_callback_is_refused(client, provider, actors):
    sub = new_sub()
    provider.set_person(sub, email=actors.manager.email, email_verified=True)
    authorization = start(client)
    cookie_before = client.get_cookie("pmweb_session").value
    callback = path_of(provider.authorize(authorization, sub))
    assert client.get(callback).status_code == 303
    client.post("/logout")
    before = sessions()
    # Again in the same browser: its flow is used up.
    replay = client.get(callback)
    assert replay.status_code == 400
    assert "already been used" in text(replay)
    # Again with the cookie from before the first use: the provider's code is used up.
    thief = client.application.test_client()
    thief.set_cookie("pmweb_session", cookie_before)
    replay = thief.get(callback)
    assert replay.status_code == 400
    assert "did not confirm this sign-in" in text(replay)
    assert sessions() == before
    assert_signed_out(client)
    assert_signed_out(thief)


def test_a_callback_from_someone_else_s_flow_is_refused(app, client, provider, actors):
    """Login CSRF: an attacker's own sign-in, finished in the victim's browser."""
    sub = new_sub()
    provider.set_person(sub, email=actors.other_employee.email, email_verified=True)
    attacker = app.test_client()
    callback = path_of(provider.authorize(start(attacker), sub))
    client.get("/login/sso")  # the victim has a flow of her own under way
    response = client.get(callback)
    assert response.status_code == 400
    assert "not started in this browser" in text(response)
    assert sessions() == 0
    # The attacker's code was not spent on the victim: pmweb never sent it.
    assert attacker.get(callback).status_code == 303


def test_a_callback_without_a_started_flow_is_refused(client):
    response = client.get("/login/sso/callback?code=abc&state=xyz")
    assert response.status_code == 400
    assert "not started in this browser" in text(response)
    assert sessions() == 0


@pytest.mark.parametrize(
    "query",
    ["", "?code=abc", "?state=xyz", "?code=&state=", "?code=a&state=" + "x" * 5000],
)
def test_an_incomplete_or_hostile_callback_is_refused(client, query):
    start(client)
    response = client.get(f"/login/sso/callback{query}")
    assert response.status_code == 400
    assert sessions() == 0


def test_the_provider_s_error_answer_is_shown(client):
    start(client)
    response = client.get("/login/sso/callback?error=access_denied&error_description=Nope")
    assert response.status_code == 403
    assert "did not sign you in: Nope" in text(response)


def test_a_denial_on_the_provider_s_page_is_refused(client, provider):
    import requests

    answer = requests.post(start(client), data={"action": "deny"}, allow_redirects=False, timeout=5)
    response = client.get(path_of(answer.headers["Location"]))
    assert response.status_code == 403
    assert "did not sign you in" in text(response)
    assert sessions() == 0


def test_an_id_token_under_another_issuer_is_refused(client, provider, actors):
    sub = new_sub()
    provider.set_person(sub, email=actors.manager.email, email_verified=True)
    authorization = start(client)
    callback = path_of(provider.authorize(authorization, sub))
    provider.issue_tokens_as(f"127.0.0.1:{provider.port}")
    try:
        response = client.get(callback)
    finally:
        provider.issue_tokens_as(None)
    assert response.status_code == 400
    assert "did not pass pmweb" in text(response)
    assert sessions() == 0
    assert_signed_out(client)


def test_an_id_token_with_another_nonce_is_refused(client, provider, actors):
    sub = new_sub()
    provider.set_person(sub, email=actors.manager.email, email_verified=True)
    parts = urlsplit(start(client))
    query = parse_qs(parts.query) | {"nonce": ["a-nonce-of-someone-else-s"]}
    tampered = urlunsplit(parts._replace(query=urlencode(query, doseq=True)))
    response = client.get(path_of(provider.authorize(tampered, sub)))
    assert response.status_code == 400
    assert "did not pass pmweb" in text(response)
    assert sessions() == 0


def test_an_expired_id_token_is_refused(database_url, registered):
    stale = Provider(token_lifetime=timedelta(minutes=-10)).start()
    try:
        client_id, secret = stale.register_client(CALLBACK)
        app = create_app(
            {"TESTING": True, "DATABASE_URL": database_url, "LOG_JSON": False}
            | sso_settings(stale, (client_id, secret), SSO_CREATE_ACCOUNTS=True)
        )
        upgrade()
        client = app.test_client()
        sub = new_sub()
        stale.set_person(sub, email="late@example.com", email_verified=True)
        response = client.get(path_of(stale.authorize(start(client), sub)))
        assert response.status_code == 400
        assert "did not pass pmweb" in text(response)
        with app.app_context(), db.connection_context():
            assert UserSession.select().count() == 0
            assert User.select().count() == 0
    finally:
        stale.stop()
        close_pool()


@pytest.mark.parametrize("sso_config", [{"SSO_ISSUER": "http://127.0.0.1:1"}])
def test_an_unreachable_provider_is_a_clear_refusal(client):
    response = client.get("/login/sso")
    assert response.status_code == 502
    assert "could not reach 127.0.0.1" in text(response)


def test_a_discovery_document_naming_another_issuer_is_refused(client, provider):
    provider.describe_itself_as(f"127.0.0.1:{provider.port}")
    try:
        response = client.get("/login/sso")
    finally:
        provider.describe_itself_as(None)
    assert response.status_code == 502
    assert sessions() == 0


# --- signing out ---------------------------------------------------------------------


def test_sign_out_ends_the_session_and_goes_on_to_the_provider(
    client, provider, registered, actors
):
    sub = new_sub()
    provider.set_person(sub, email=actors.manager.email, email_verified=True)
    sign_in_as(client, provider, sub)
    token = UserSession.get(UserSession.user == actors.manager.id).token
    response = client.post("/logout")
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert (
        f"{location.scheme}://{location.netloc}{location.path}"
        == f"{provider.url}/oauth2/end_session"
    )
    query = parse_qs(location.query)
    assert query["post_logout_redirect_uri"] == [f"{BASE_URL}/login"]
    assert query["client_id"] == [registered[0]]
    assert query["id_token_hint"][0].count(".") == 2
    assert UserSession.get(UserSession.token == token).ended_at is not None
    assert_signed_out(client)


def test_the_sign_out_form_may_go_on_to_the_provider(client, provider, actors):
    sub = new_sub()
    provider.set_person(sub, email=actors.manager.email, email_verified=True)
    sign_in_as(client, provider, sub)
    policy = client.get("/").headers["Content-Security-Policy"]
    assert f"form-action 'self' {provider.url};" in policy


def test_a_password_sign_out_stays_in_pmweb(client, login, actors):
    login(actors.manager)
    response = client.post("/logout")
    assert response.headers["Location"] == "/login"


# --- the policy of the two routes with single sign-on on --------------------------------


@pytest.mark.parametrize("actor", ["manager", "admin", "anonymous"])
def test_who_gets_what_from_the_sso_routes(client, login, actors, actor, provider):
    if actor != "anonymous":
        login(getattr(actors, actor))
    started = client.get("/login/sso")
    callback = client.get("/login/sso/callback?code=a&state=b")
    if actor == "anonymous":
        assert started.headers["Location"].startswith(provider.url)
    else:
        assert started.headers["Location"] == "/"
    assert callback.status_code == 400


# --- settings pmweb refuses to start with ----------------------------------------------


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"SSO_ISSUER": "https://id.example.com"},
            "PMWEB_SSO_CLIENT_ID, PMWEB_SSO_CLIENT_SECRET are missing",
        ),
        (
            {"SSO_ISSUER": "https://id.example.com", "SSO_CLIENT_ID": "pmweb"},
            "PMWEB_SSO_CLIENT_SECRET is missing",
        ),
        ({"SSO_CLIENT_ID": "pmweb", "SSO_CLIENT_SECRET": "s"}, "PMWEB_SSO_ISSUER is missing"),
        (
            {"PASSWORD_SIGN_IN": False},
            "PMWEB_PASSWORD_SIGN_IN is off, but single sign-on is not set up",
        ),
        (
            {"SSO_ISSUER": "http://id.example.com", "SSO_CLIENT_ID": "p", "SSO_CLIENT_SECRET": "s"},
            "must be an https:// address",
        ),
        (
            {
                "SSO_ISSUER": "https://id.example.com",
                "SSO_CLIENT_ID": "p",
                "SSO_CLIENT_SECRET": "s",
                "SSO_ADMIN_CLAIM": "groups",
            },
            "PMWEB_SSO_ADMIN_CLAIM and PMWEB_SSO_ADMIN_VALUE together",
        ),
        (
            {
                "SSO_ISSUER": "https://id.example.com",
                "SSO_CLIENT_ID": "p",
                "SSO_CLIENT_SECRET": "s",
                "SSO_SCOPES": "email",
            },
            "must include openid",
        ),
        ({"PASSWORD_SIGN_IN": "perhaps"}, "PMWEB_PASSWORD_SIGN_IN must be true or false"),
        (
            {
                "SSO_ISSUER": "https://id.example.com",
                "SSO_CLIENT_ID": "p",
                "SSO_CLIENT_SECRET": "s",
                "SSO_CREATE_ACCOUNTS": "sure",
            },
            "PMWEB_SSO_CREATE_ACCOUNTS must be true or false",
        ),
    ],
)
def test_incomplete_or_unsafe_settings_refuse_to_start(settings, message, tmp_path):
    with pytest.raises(RuntimeError, match=message.replace("(", r"\(")):
        create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"} | settings)


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PMWEB_SSO_ISSUER", "https://id.example.com")
    monkeypatch.setenv("PMWEB_SECRET_KEY", "k" * 32)
    with pytest.raises(
        RuntimeError, match="PMWEB_SSO_CLIENT_ID, PMWEB_SSO_CLIENT_SECRET are missing"
    ):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"})
    monkeypatch.setenv("PMWEB_SSO_CLIENT_ID", "12345")  # a number, as JSON reads it
    monkeypatch.setenv("PMWEB_SSO_CLIENT_SECRET", "secret")
    monkeypatch.setenv("PMWEB_PASSWORD_SIGN_IN", "false")
    monkeypatch.setenv("PMWEB_SSO_EMAIL_DOMAINS", "Example.com,example.org")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"})
    settings = app.extensions["pmweb_sso_settings"]
    assert settings.client_id == "12345"
    assert settings.email_domains == ("example.com", "example.org")
    assert app.config["PASSWORD_SIGN_IN"] is False
    close_pool()


# --- without passwords -------------------------------------------------------------


NO_PASSWORDS = {"PASSWORD_SIGN_IN": False}


@pytest.mark.parametrize("sso_config", [NO_PASSWORDS])
def test_without_passwords_the_sign_in_page_has_only_the_button(client):
    page = text(client.get("/login"))
    assert LABEL in page
    assert 'name="password"' not in page
    assert 'name="email"' not in page


@pytest.mark.parametrize("sso_config", [NO_PASSWORDS])
def test_without_passwords_a_password_sign_in_is_refused_even_with_the_right_one(client, actors):
    response = client.post("/login", data={"email": actors.manager.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "pmweb takes no passwords" in text(response)
    assert sessions() == 0


@pytest.mark.parametrize("sso_config", [NO_PASSWORDS])
def test_without_passwords_no_password_page_is_offered(client, provider, actors):
    token = org.reset_password(actors.report)  # a link made before passwords went off
    sub = new_sub()
    provider.set_person(sub, email=actors.manager.email, email_verified=True)
    sign_in_as(client, provider, sub)
    assert client.get("/account/password").status_code == 404
    assert client.post("/account/password", data={}).status_code == 404
    assert client.get(f"/password/{token}").status_code == 404
    assert client.post(f"/password/{token}", data={}).status_code == 404
    assert "Change your password" not in text(client.get("/account"))


@pytest.mark.parametrize("sso_config", [NO_PASSWORDS])
def test_without_passwords_the_people_pages_say_so_and_give_no_links(
    client, provider, actors, today
):
    sub = new_sub()
    provider.set_person(sub, email=actors.admin.email, email_verified=True)
    sign_in_as(client, provider, sub)
    people = text(client.get("/admin/people"))
    assert f"People sign in with “{LABEL}”; pmweb keeps no passwords." in people
    assert "Reset password" not in people
    assert f"People sign in with “{LABEL}”; pmweb keeps no passwords" in text(
        client.get("/admin/people/import")
    )
    assert client.post(f"/admin/people/{actors.report.id}/reset-password").status_code == 404
    created = client.post("/admin/people", data={"name": "Lee Park", "email": "lee@example.com"})
    assert created.status_code == 303
    assert "signs in with" in text(client.get("/admin/people"))
    csv_text = "email,name,manager_email\nmo@example.com,Mo Diaz,\n"
    done = client.post("/admin/people/import/confirm", data={"csv_text": csv_text})
    assert done.status_code == 200
    assert "/password/" not in text(done)
    assert PasswordLink.select().count() == 0
    assert User.get(User.email == "lee@example.com").password_hash == ""


@pytest.mark.parametrize("sso_config", [NO_PASSWORDS])
def test_without_passwords_the_command_line_gives_no_links(app):
    created = app.test_cli_runner().invoke(args=["users", "create", "kim@example.com", "Kim Lee"])
    assert created.exit_code == 0, created.output
    assert "/password/" not in created.output
    assert "signs in with" in created.output
    reset = app.test_cli_runner().invoke(args=["users", "reset-password", "kim@example.com"])
    assert reset.exit_code == 1
    assert "pmweb keeps no passwords" in reset.output
    assert PasswordLink.select().count() == 0


def test_with_both_on_a_password_and_the_provider_both_sign_in(client, provider, login, actors):
    login(actors.manager)
    assert_signed_in_as(client, actors.manager)
    client.post("/logout")
    sub = new_sub()
    provider.set_person(sub, email=actors.report.email, email_verified=True)
    assert sign_in_as(client, provider, sub).status_code == 303
    assert_signed_in_as(client, actors.report)
