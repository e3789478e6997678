"""Single sign-on in Chromium: pmweb in gunicorn set up for a real OpenID Connect
provider (``tests/oidc_provider.py``), signed in to on the provider's own page; signing
out goes on to the provider's end-session page and back (the Content-Security-Policy
lets the sign-out form go there); a deactivated person is refused."""

import os
import types
import uuid

import pytest
from playwright.sync_api import expect

from pmweb import create_app
from pmweb.db import upgrade
from pmweb.models import User
from pmweb.org import service as org
from tests.browser import axe
from tests.browser.conftest import on_server
from tests.oidc_provider import Provider
from tests.servers import Gunicorn

pytestmark = pytest.mark.browser

LABEL = "Sign in with Example SSO"
SCREENSHOTS = os.environ.get("PMWEB_SCREENSHOTS")


@pytest.fixture(scope="module")
def provider():
    started = Provider().start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory, provider):
    """A server of this module's own, signing people in through ``provider`` and
    creating an account at a first sign-in; passwords stay on."""
    folder = tmp_path_factory.mktemp("sso")
    database_url = f"sqlite:///{folder / 'pmweb.sqlite3'}"
    secret = uuid.uuid4().hex
    served = Gunicorn(folder, database_url, secret)
    client_id, client_secret = provider.register_client(f"{served.url}/login/sso/callback")
    settings = {
        "SSO_ISSUER": provider.url,
        "SSO_CLIENT_ID": client_id,
        "SSO_CLIENT_SECRET": client_secret,
        "SSO_BUTTON_LABEL": LABEL,
        "SSO_CREATE_ACCOUNTS": "true",
        "BASE_URL": served.url,
    }
    served.env |= {f"PMWEB_{name}": value for name, value in settings.items()}
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": secret} | settings)
    with app.app_context():
        upgrade()
    served.start()
    try:
        yield types.SimpleNamespace(url=served.url, app=app, server=served)
    finally:
        served.stop()


def screenshot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def sign_in_at_the_provider(page, sub):
    page.goto("/login")
    page.get_by_role("button", name=LABEL).click()
    # The provider's own authorization page.
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()


def test_sign_in_at_the_provider_sign_out_and_be_refused_once_deactivated(
    browser, server, provider
):
    tag = uuid.uuid4().hex[:8]
    sub, email = f"rosa-{tag}", f"rosa.{tag}@example.com"
    provider.set_person(sub, email=email, email_verified=True, name="Rosa Lindqvist")
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto("/login")
        expect(page.get_by_role("button", name=LABEL)).to_be_visible()
        expect(page.get_by_label("Password")).to_be_visible()
        screenshot(page, "sso-login")

        sign_in_at_the_provider(page, sub)
        page.wait_for_url(f"{server.url}/")
        expect(page.get_by_role("link", name="Rosa Lindqvist")).to_be_visible()
        with on_server(server):
            rosa = User.get(User.sso_subject == sub)
            assert rosa.email == email

        # Signing out ends pmweb's session and goes on to the provider's own page.
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(f"{provider.url}/oauth2/end_session?**")
        page.get_by_role("button", name="End session").click()
        page.wait_for_url(f"{server.url}/login?**")
        page.goto("/")
        page.wait_for_url(f"{server.url}/login?**")

        with on_server(server):
            admin = org.create_user(f"admin.{tag}@example.com", "Ines Admin", is_admin=True)
            org.deactivate(User.get_by_id(rosa.id), by=admin)
        sign_in_at_the_provider(page, sub)
        page.wait_for_url(f"{server.url}/login/sso/callback?**")
        expect(page.get_by_role("alert")).to_contain_text("Your pmweb account is deactivated")
        screenshot(page, "sso-refused")
        page.goto("/")
        page.wait_for_url(f"{server.url}/login?**")
    finally:
        context.close()


def test_the_sign_in_page_with_single_sign_on_passes_axe(browser, server):
    context = browser.new_context(base_url=server.url, **axe.context_options())
    page = context.new_page()
    try:
        page.goto("/login")
        assert axe.describe(axe.violations(page), "the sign-in page with single sign-on") == []
    finally:
        context.close()
