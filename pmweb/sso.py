"""Single sign-on with the company's identity provider by OpenID Connect: the
authorization code flow with PKCE (S256), through Authlib's Flask client.

Authlib keeps the flow's state, nonce and PKCE verifier in the signed session cookie
of the browser that started it, and checks the ID token's signature (the provider's
published keys), issuer, audience, nonce and expiry. pmweb also checks that the
provider's discovery document names the configured issuer, so a document served from
elsewhere cannot bring its own keys.

Which account an identity opens is decided in ``pmweb.access.sign_in``; this module
reads the settings, runs the round trip and applies the decision. The redirect URI to
register at the provider is ``<BASE_URL>/login/sso/callback``."""

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from joserfc.errors import JoseError

from pmweb import access, accounts, metrics
from pmweb.access.sign_in import Identity, decide_sso_sign_in
from pmweb.auth import same_site_path, start_session
from pmweb.db import write_transaction
from pmweb.models import User
from pmweb.org import service as org

bp = Blueprint("sso", __name__)

# Keys of the session. The id token is kept only for signing out at the provider
# (``id_token_hint``), and only while it is small enough for the cookie.
NEXT_PAGE = "sso_next"
ID_TOKEN = "sso_id_token"
LONGEST_KEPT_ID_TOKEN = 2000

# The longest value of a callback's query parameter pmweb reads: codes and states are
# far shorter; anything longer is not an answer from the provider.
LONGEST_PARAMETER = 2048

# The longest next page kept through the round trip, in the cookie.
LONGEST_NEXT_PAGE = 1000

# How long pmweb waits for the provider's discovery document, keys and tokens.
PROVIDER_TIMEOUT_SECONDS = 10


class SignInRefused(Exception):
    """The provider vouched for someone pmweb will not sign in; the message says why."""


@dataclass(frozen=True)
class SsoSettings:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    button_label: str
    email_domains: tuple
    admin_claim: str | None
    admin_value: str | None
    create_accounts: bool

    @property
    def metadata_url(self):
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    @property
    def provider_name(self):
        """How messages name the provider: its host, which people recognise."""
        return urlsplit(self.issuer).hostname or "Your identity provider"

    @property
    def origin(self):
        parts = urlsplit(self.issuer)
        return f"{parts.scheme}://{parts.netloc}"


# --- settings ----------------------------------------------------------------------


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _flag(config, name):
    """A yes/no setting as a bool. Environment variables arrive as JSON (``true``) or
    as text (``yes``); anything else is refused rather than read as yes."""
    value = config.get(name)
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise RuntimeError(f"PMWEB_{name} must be true or false, not {value!r}.")


def _text(config, name):
    # A client id of digits arrives from the environment as a JSON number.
    value = config.get(name)
    if value is None:
        return ""
    return str(value).strip()


def _is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def settings_from_config(config):
    """The single sign-on settings, or None when it is off. Refuses to start (a
    RuntimeError saying what to set) on settings that would not work or not be safe:
    pmweb never falls back to letting people in some other way."""
    config["PASSWORD_SIGN_IN"] = _flag(config, "PASSWORD_SIGN_IN")
    issuer = _text(config, "SSO_ISSUER")
    client_id = _text(config, "SSO_CLIENT_ID")
    client_secret = _text(config, "SSO_CLIENT_SECRET")
    given = {"PMWEB_SSO_ISSUER": issuer, "PMWEB_SSO_CLIENT_ID": client_id}
    given["PMWEB_SSO_CLIENT_SECRET"] = client_secret
    missing = [name for name, value in given.items() if not value]
    if len(missing) == len(given):
        if not config["PASSWORD_SIGN_IN"]:
            raise RuntimeError(
                "PMWEB_PASSWORD_SIGN_IN is off, but single sign-on is not set up, so nobody "
                "could sign in: set PMWEB_SSO_ISSUER, PMWEB_SSO_CLIENT_ID and "
                "PMWEB_SSO_CLIENT_SECRET, or turn password sign-in back on."
            )
        for name in ("SSO_CREATE_ACCOUNTS",):
            _flag(config, name)
        return None
    if missing:
        raise RuntimeError(
            f"Single sign-on is half set up: {', '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing. Set all three of "
            "PMWEB_SSO_ISSUER, PMWEB_SSO_CLIENT_ID and PMWEB_SSO_CLIENT_SECRET, or none."
        )
    parts = urlsplit(issuer)
    if parts.scheme != "https" and not (parts.scheme == "http" and _is_loopback(parts.hostname)):
        raise RuntimeError(
            f"PMWEB_SSO_ISSUER must be an https:// address (OpenID Connect requires it), "
            f"not {issuer!r}."
        )
    if parts.query or parts.fragment:
        raise RuntimeError("PMWEB_SSO_ISSUER must have no query or fragment.")
    scopes = _text(config, "SSO_SCOPES")
    if "openid" not in scopes.split():
        raise RuntimeError(f"PMWEB_SSO_SCOPES must include openid, not {scopes!r}.")
    admin_claim = _text(config, "SSO_ADMIN_CLAIM") or None
    admin_value = _text(config, "SSO_ADMIN_VALUE") or None
    if (admin_claim is None) != (admin_value is None):
        raise RuntimeError(
            "Set PMWEB_SSO_ADMIN_CLAIM and PMWEB_SSO_ADMIN_VALUE together (e.g. groups and "
            "pmweb-admins), or neither."
        )
    domains = tuple(
        domain.strip().lstrip("@").lower()
        for domain in _text(config, "SSO_EMAIL_DOMAINS").split(",")
        if domain.strip().lstrip("@")
    )
    return SsoSettings(
        issuer=issuer,
        client_id=client_id,
        client_secret=client_secret,
        scopes=scopes,
        button_label=_text(config, "SSO_BUTTON_LABEL") or "Sign in with your company account",
        email_domains=domains,
        admin_claim=admin_claim,
        admin_value=admin_value,
        create_accounts=_flag(config, "SSO_CREATE_ACCOUNTS"),
    )


def init_app(app):
    settings = settings_from_config(app.config)
    app.extensions["pmweb_sso_settings"] = settings
    app.jinja_env.globals["single_sign_on"] = settings
    if settings is None:
        return
    # One registry per app: Authlib caches each client (and the provider's discovery
    # document) in the registry, and tests make many apps with different providers.
    oauth = OAuth(app)
    oauth.register(
        "provider",
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        server_metadata_url=settings.metadata_url,
        client_kwargs={
            "scope": settings.scopes,
            "code_challenge_method": "S256",
            "default_timeout": PROVIDER_TIMEOUT_SECONDS,
        },
    )


def _settings():
    return current_app.extensions["pmweb_sso_settings"]


def _provider():
    return current_app.extensions["authlib.integrations.flask_client"].provider


def _metadata():
    """The provider's discovery document, once it proves to be the configured issuer's."""
    metadata = _provider().load_server_metadata()
    if metadata.get("issuer") != _settings().issuer:
        raise ProviderMisconfigured(
            f"the discovery document names the issuer {metadata.get('issuer')!r}, "
            f"not {_settings().issuer!r}"
        )
    return metadata


class ProviderMisconfigured(Exception):
    pass


def callback_url():
    """The redirect URI: from BASE_URL, never from the request's Host header, so it is
    the one registered at the provider whatever a client sends."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for("sso.callback")


# --- the round trip --------------------------------------------------------------


# Authlib 1.9.6 (pinned) keeps each started flow in the session under
# "_state_<client name>_<state>": read only here and in _forget_flows, to tell a used or
# foreign answer apart from one the provider refused, and to clear what a refusal leaves.
_FLOW_KEY_PREFIX = "_state_provider_"


def _flow_started_here(state):
    return f"{_FLOW_KEY_PREFIX}{state}" in session


def _forget_flows():
    for key in [key for key in session if key.startswith(_FLOW_KEY_PREFIX)]:
        session.pop(key)


def _refusal_page(message, status):
    metrics.SIGN_IN_FAILURES.inc()
    # Nothing of a half-finished flow is kept: a new attempt starts from the start.
    _forget_flows()
    session.pop(NEXT_PAGE, None)
    return render_template("auth/sso_refused.html", message=message), status


def _provider_unavailable(error):
    current_app.logger.warning("The identity provider did not answer as expected: %s", error)
    return _refusal_page(
        f"pmweb could not reach {_settings().provider_name} to sign you in. Try again in a moment.",
        502,
    )


@bp.route("/login/sso")
def start():
    access.require_single_sign_on()
    if current_user.is_authenticated:
        return redirect(url_for("meetings.home"))
    asked_for = request.args.get("next", "")
    # Cut short, a path would be another one: one too long is dropped whole.
    next_page = same_site_path(asked_for) if len(asked_for) <= LONGEST_NEXT_PAGE else None
    # Only the latest flow counts: each one Authlib keeps adds some 500 bytes to the
    # cookie, and a page that kept starting them would soon make it too large for the
    # browser to keep. A sign-in started in another tab meanwhile has to start again.
    _forget_flows()
    try:
        _metadata()
        response = _provider().authorize_redirect(callback_url())
    except (OAuthError, ProviderMisconfigured, requests.RequestException, ValueError) as error:
        return _provider_unavailable(error)
    if next_page:
        session[NEXT_PAGE] = next_page
    else:
        session.pop(NEXT_PAGE, None)
    return response


def _identity_from(claims, settings):
    email = str(claims.get("email") or "").strip().lower()
    verified = claims.get("email_verified")
    if verified is None:
        # Microsoft Entra ID sends no email_verified; its optional claim xms_edov says
        # the address's domain is one the tenant proved it owns.
        verified = claims.get("xms_edov")
    is_admin = None
    if settings.admin_claim:
        held = claims.get(settings.admin_claim)
        values = held if isinstance(held, list) else [held]
        is_admin = settings.admin_value in [str(value) for value in values if value is not None]
    return Identity(
        subject=str(claims.get("sub") or ""),
        email=email[:254],
        email_verified=verified is True or verified == "true",
        name=str(claims.get("name") or "").strip()[:200],
        is_admin=is_admin,
    )


def sign_in_with(identity, settings):
    """The account ``identity`` opens, linked, created or updated as the policy decides,
    with each change told to its person. Raises SignInRefused."""
    label = settings.provider_name
    # Each change is the person's own doing (their sign-in), in the provider's words.
    with write_transaction():
        decision = decide_sso_sign_in(identity, settings)
        if decision.refused:
            raise SignInRefused(decision.refusal)
        if decision.creates:
            person = org.create_user(identity.email, identity.name or identity.email)
            User.update(sso_subject=identity.subject).where(User.id == person.id).execute()
            accounts.record_event(
                person.id, person.id, f"Created your account at your first sign-in with {label}"
            )
        else:
            person = decision.person
        if decision.links:
            User.update(sso_subject=identity.subject).where(User.id == person.id).execute()
            accounts.record_event(person.id, person.id, f"Linked your account to {label}")
        if (
            identity.email_verified
            and identity.email != person.email
            and not User.select().where(User.email == identity.email).exists()
        ):
            User.update(email=identity.email).where(User.id == person.id).execute()
            accounts.record_event(
                person.id, person.id, f"Changed your email to {identity.email}, as {label} has it"
            )
        if identity.is_admin is not None and identity.is_admin != person.is_admin:
            User.update(is_admin=identity.is_admin).where(User.id == person.id).execute()
            accounts.record_event(
                person.id,
                person.id,
                f"Made you an administrator, as {label} says"
                if identity.is_admin
                else f"You are no longer an administrator, as {label} says",
            )
        return User.get_by_id(person.id)


@bp.route("/login/sso/callback")
def callback():
    access.require_single_sign_on()
    settings = _settings()
    if any(len(value) > LONGEST_PARAMETER for value in request.args.values()):
        return _refusal_page("That sign-in answer is not one pmweb can read. Start again.", 400)
    if request.args.get("error"):
        # The person cancelled, or the provider refused them: its own words, short.
        said = request.args.get("error_description") or request.args["error"]
        return _refusal_page(f"{settings.provider_name} did not sign you in: {said[:200]}", 403)
    if not request.args.get("state") or not request.args.get("code"):
        return _refusal_page("That sign-in answer is incomplete. Start again.", 400)
    if not _flow_started_here(request.args["state"]):
        # A used, expired or someone else's sign-in (a link sent to trick you into
        # signing in to their account): the state binds the answer to this browser.
        return _refusal_page(
            "This sign-in was not started in this browser, or has already been used. Start again.",
            400,
        )
    try:
        _metadata()
        token = _provider().authorize_access_token(
            # Authlib alone takes the issuer from the discovery document, and lets a
            # token for another audience through when its azp names pmweb.
            claims_options={
                "iss": {"essential": True, "value": settings.issuer},
                "aud": {"essential": True, "value": settings.client_id},
            }
        )
    except JoseError as error:
        current_app.logger.warning("An ID token failed its checks: %s", error)
        return _refusal_page(
            f"The answer from {settings.provider_name} did not pass pmweb's checks "
            "(issuer, audience, nonce, expiry or signature). Start again.",
            400,
        )
    except OAuthError as error:
        current_app.logger.warning("The provider refused the sign-in: %s", error)
        return _refusal_page(
            f"{settings.provider_name} did not confirm this sign-in. Start again.", 400
        )
    except (ProviderMisconfigured, requests.RequestException, ValueError) as error:
        return _provider_unavailable(error)
    claims = token.get("userinfo")
    if not claims:
        return _refusal_page(f"{settings.provider_name} sent no ID token. Start again.", 400)
    next_page = same_site_path(session.pop(NEXT_PAGE, None))
    try:
        person = sign_in_with(_identity_from(claims, settings), settings)
    except (SignInRefused, org.OrgError) as refusal:
        return _refusal_page(str(refusal), 403)
    start_session(person)
    id_token = token.get("id_token", "")
    if len(id_token) <= LONGEST_KEPT_ID_TOKEN:
        session[ID_TOKEN] = id_token
    else:
        session[ID_TOKEN] = ""
    return redirect(next_page or url_for("meetings.home"), code=303)


def sign_out_redirect():
    """After pmweb's session ended: the provider's end-session page (RP-initiated
    logout), which comes back to the sign-in page; None when the provider has none or
    the person did not sign in through it."""
    if access.single_sign_on() is None or ID_TOKEN not in session:
        return None
    id_token = session.pop(ID_TOKEN)
    try:
        metadata = _metadata()
    except (OAuthError, ProviderMisconfigured, requests.RequestException, ValueError) as error:
        current_app.logger.warning("No sign-out at the provider: %s", error)
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    login_page = current_app.config["BASE_URL"].rstrip("/") + url_for("auth.login")
    # Not Authlib's logout_redirect, which keeps a state in the session to check on the
    # way back: the way back is the sign-in page, which acts on nothing it is given.
    logout = _provider().create_logout_url(
        post_logout_redirect_uri=login_page,
        id_token_hint=id_token or None,
        client_id=_settings().client_id,
    )
    return redirect(logout["url"], code=303)


def form_action_origins():
    """Origins a form's answer may lead to besides pmweb's own: signing out goes on to
    the provider's end-session page."""
    settings = access.single_sign_on()
    if settings is None:
        return ()
    origins = [settings.origin]
    # Known once the discovery document is loaded, which a sign-in through it did.
    metadata = _provider().server_metadata
    end_session = metadata.get("end_session_endpoint")
    if end_session:
        parts = urlsplit(end_session)
        if f"{parts.scheme}://{parts.netloc}" not in origins:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return tuple(origins)
