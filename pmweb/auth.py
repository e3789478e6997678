"""Signing in and out. Sessions live in the database (``UserSession``): the cookie
carries only a random token, so signing out, deactivation or a password reset ends
a session at once in every server process. Failed sign-ins are counted in the
database too, so guessing is slowed down across every process."""

import datetime
import ipaddress
import math
import secrets
import unicodedata
from dataclasses import dataclass
from time import sleep
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFProtect
from wtforms import EmailField, PasswordField
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from pmweb import accounts, metrics
from pmweb.db import PreparedQuery, db, write_transaction
from pmweb.forms import BoundedForm
from pmweb.htmx import htmx
from pmweb.models import LoginFailure, User, UserSession, utcnow
from pmweb.passwords import hash_password, password_problem, verify_password

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
csrf = CSRFProtect()


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over https, so a
    deployment behind TLS is safe without a setting to remember."""

    def get_cookie_secure(self, app):
        return app.config["SESSION_COOKIE_SECURE"] or request.is_secure


def init_app(app):
    app.session_interface = HttpsAwareSessionInterface()
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    csrf.init_app(app)


# Every signed-in request loads its session through this.
@PreparedQuery
def _open_session(token: str):
    return (
        UserSession.select(UserSession, User)
        .join(User)
        .where(
            (UserSession.token == token)
            & UserSession.ended_at.is_null()
            & User.deactivated_at.is_null()
        )
    )


def session_is_open(token):
    """True while the sign-in behind ``token`` lasts: not signed out, the account not
    deactivated, the password not reset."""
    return _open_session.first(token) is not None


@login_manager.user_loader
def load_user(token):
    session_row = _open_session.first(token)
    if session_row is None:
        return None
    user = session_row.user
    user.session_token = session_row.token
    return user


@login_manager.unauthorized_handler
def unauthorized():
    login_url = url_for("auth.login", next=request.full_path.rstrip("?"))
    if htmx:
        # A login form swapped into a fragment would be nonsense: send the browser there.
        response = make_response("", 401)
        response.headers["HX-Redirect"] = login_url
        return response
    flash(login_manager.login_message, "info")
    return redirect(login_url)


def start_session(user):
    # A sign-in starts a new session (OWASP ASVS 5.0, V7.2.4): nothing of the anonymous
    # one is kept, its CSRF token least of all, so whatever someone planted in or read
    # from the cookie before the sign-in is worth nothing after it. Flask-WTF makes a
    # new token the next time a page asks for one.
    session.clear()
    user.session_token = secrets.token_urlsafe(32)
    UserSession.create(
        token=user.session_token,
        user=user,
        # For the person's own list of sign-ins: a sign-in they don't recognise is
        # how they learn that someone else used their account.
        address=(request.remote_addr or "")[:100],
        user_agent=request.user_agent.string[:250],
    )
    login_user(user)


# --- slowing down password guessing ------------------------------------------------
#
# Guessing must be slow, and it must never let an attacker shut someone else out: OWASP's
# Authentication Cheat Sheet ("Protect Against Automated Attacks", "Account Lockout")
# warns that a lockout becomes a way to deny others their accounts, and OWASP ASVS 5.0
# asks for rate limiting that is in place (V6.3.1) and documented, including how it
# prevents malicious account lockout (V6.1.1: this comment and the README). So:
#
# - Only a pair is ever refused: one account tried from one address, after
#   FAILURES_PER_PAIR failures within THROTTLE_WINDOW. An attacker's guesses lock out the
#   attacker's own pair; the person whose account it is still signs in from theirs.
# - An account failing from many addresses (guesses spread over many machines) and an
#   address failing against many accounts (password spraying, or an office behind one
#   address where someone keeps mistyping) are only slowed: past
#   FAILURES_BEFORE_SLOWING, each attempt waits before its password is checked, a second
#   at first and twice as long for every further failure, up to LONGEST_WAIT_SECONDS.
#   The right password is then still let in.
# - An attempt counts as a failure from the moment it starts and is forgotten when its
#   password proves right, so attempts sent at the same moment count each other: a burst
#   cannot slip between reading the count and adding to it.
# - An IPv6 address counts as its /64 network: one host usually holds all of it, and
#   could otherwise take a fresh address for every guess.
#
# Counts live in the database, so every server process sees the same ones. The address
# is the one the request came from, or the proxy's X-Forwarded-For with PROXY_FIX set.

THROTTLE_WINDOW = datetime.timedelta(minutes=15)
FAILURES_PER_PAIR = 5
FAILURES_BEFORE_SLOWING = 10
LONGEST_WAIT_SECONDS = 10


@dataclass(frozen=True)
class SignInAttempt:
    """What the throttle decided for one attempt before its password is checked: refused
    for some minutes (the password is not checked at all), or let through after a wait
    of some seconds (often none)."""

    refused_for_minutes: int = 0
    wait_seconds: int = 0


def network_of(address):
    """What the throttle counts an address as: an IPv4 address itself, an IPv6 address
    its /64 network."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network((int(ip), 64), strict=False))


def start_attempt(email, address, now=None):
    """Counts an attempt to sign in to ``email`` from ``address`` and decides whether it
    may go ahead (see above). Its count stays as a failure unless ``forget_failures``
    follows."""
    now = now or utcnow()
    network = network_of(address)
    # Committed before counting, so that attempts running at the same moment see it.
    with write_transaction():
        attempt = LoginFailure.create(email=email, address=network, failed_at=now)
        # Old failures tell nothing any more.
        LoginFailure.delete().where(LoginFailure.failed_at < now - 4 * THROTTLE_WINDOW).execute()
    earlier = (LoginFailure.failed_at > now - THROTTLE_WINDOW) & (LoginFailure.id != attempt.id)
    by_account = earlier & (LoginFailure.email == email)
    by_address = earlier & (LoginFailure.address == network)

    pair_failures = [
        failure.failed_at
        for failure in LoginFailure.select(LoginFailure.failed_at)
        .where(by_account & by_address)
        .order_by(LoginFailure.failed_at.desc())
        .limit(FAILURES_PER_PAIR)
    ]
    if len(pair_failures) >= FAILURES_PER_PAIR:
        # Not a guess: asking again while refused must not make the wait longer.
        LoginFailure.delete_by_id(attempt.id)
        free_at = pair_failures[-1] + THROTTLE_WINDOW
        minutes = math.ceil((free_at - now).total_seconds() / 60)
        return SignInAttempt(refused_for_minutes=max(1, minutes))

    failures = max(
        LoginFailure.select().where(by_account).count(),
        LoginFailure.select().where(by_address).count(),
    )
    if failures < FAILURES_BEFORE_SLOWING:
        return SignInAttempt()
    # A second for the first failure past the limit, twice as long for each one after.
    return SignInAttempt(
        wait_seconds=min(2 ** (failures - FAILURES_BEFORE_SLOWING), LONGEST_WAIT_SECONDS)
    )


def forget_failures(email, address):
    """After the right password: that pair's failures (its own attempt's included) no
    longer count. Failures from elsewhere still do."""
    LoginFailure.delete().where(
        (LoginFailure.email == email) & (LoginFailure.address == network_of(address))
    ).execute()


def wait_before_checking(seconds):
    # The connection goes back to the pool meanwhile: a few dozen slowed attempts would
    # otherwise hold every one of them and leave everybody else's pages waiting.
    db.close()
    sleep(seconds)
    db.connect()


class LoginForm(BoundedForm):
    email = EmailField("Email", validators=[InputRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=256)])


class PasswordForm(BoundedForm):
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired(message="Enter your current password."), Length(max=256)],
    )
    new_password = PasswordField(
        "New password", validators=[InputRequired(message="Choose a new password.")]
    )
    new_password_again = PasswordField(
        "New password again",
        validators=[
            InputRequired(message="Type the new password a second time."),
            EqualTo("new_password", message="The two new passwords are not the same."),
        ],
    )

    def validate_new_password(self, field):
        if problem := password_problem(field.data):
            raise ValidationError(problem)


# Browsers read a URL after dropping these (WHATWG URL Standard, "basic URL parser"):
# C0 controls and spaces around it, and tabs and newlines anywhere in it.
_C0_CONTROL_OR_SPACE = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")


def same_site_path(target):
    """``target`` as a browser would read it, if that is a path on this site (with its
    query and fragment); None for anything that could lead elsewhere.

    Modelled on Django's ``url_has_allowed_host_and_scheme`` (django/utils/http.py),
    the long-maintained reference for this check (Werkzeug has none). Where Django lets
    a list of hosts through, this lets none: pmweb only ever sends people to its own
    paths."""
    if not target:
        return None
    # Read it as the browser will: "/<tab>/evil.example" is "//evil.example" to it, and
    # so is "/\evil.example" (backslashes are slashes in http and https URLs).
    url = target.strip(_C0_CONTROL_OR_SPACE).translate(_TAB_OR_NEWLINE).replace("\\", "/")
    # Any other control character left inside has no place in a link of pmweb's.
    if any(unicodedata.category(character) == "Cc" for character in url):
        return None
    parts = urlsplit(url)
    # urlsplit reads "///evil.example" as the path "/evil.example"; browsers take
    # evil.example for the host. So the path must start with exactly one slash.
    if parts.scheme or parts.netloc or not url.startswith("/") or url.startswith("//"):
        return None
    return url


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("meetings.home"))
    form = LoginForm()
    if not access.passwords_in_use():
        if request.method == "POST":
            # No password is checked, not even one an account still has a hash of
            # from before single sign-on.
            metrics.SIGN_IN_FAILURES.inc()
            flash(
                f"pmweb takes no passwords: use “{access.single_sign_on().button_label}”.",
                "error",
            )
            return render_template("auth/login.html", form=form), 403
        return render_template("auth/login.html", form=form)
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        address = request.remote_addr or ""
        attempt = start_attempt(email, address)
        if minutes := attempt.refused_for_minutes:
            metrics.SIGN_IN_FAILURES.inc()
            form.password.errors.append(
                f"Too many failed sign-ins. Try again in {minutes} "
                f"minute{'s' if minutes > 1 else ''}."
            )
            return render_template("auth/login.html", form=form), 429
        if attempt.wait_seconds:
            wait_before_checking(attempt.wait_seconds)
        user = User.get_or_none(User.email == email)
        password_ok = verify_password(user.password_hash if user else None, form.password.data)
        if user and password_ok and user.is_active:
            forget_failures(email, address)
            start_session(user)
            next_page = same_site_path(request.args.get("next"))
            return redirect(next_page or url_for("meetings.home"), code=303)
        # The attempt stays counted: it was a failure.
        metrics.SIGN_IN_FAILURES.inc()
        form.password.errors.append("That email and password don't match an active account.")
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    UserSession.update(ended_at=utcnow()).where(
        UserSession.token == current_user.session_token
    ).execute()
    logout_user()
    from pmweb import sso

    # Signed in through the provider: signed out there too, when it offers that.
    if at_the_provider := sso.sign_out_redirect():
        return at_the_provider
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/account/password")
@login_required
def password():
    access.require_passwords()
    return render_template("auth/password.html", form=PasswordForm(formdata=None))


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    access.require_passwords()
    form = PasswordForm()
    if form.validate():
        if verify_password(current_user.password_hash, form.current_password.data):
            with write_transaction():
                User.update(password_hash=hash_password(form.new_password.data)).where(
                    User.id == current_user.id
                ).execute()
                accounts.end_sessions_of(current_user.id, keep_token=current_user.session_token)
                accounts.record_event(current_user.id, current_user.id, "Changed your password")
            flash("Your password is changed. Every other device has been signed out.", "success")
            return redirect(url_for("auth.password"), code=303)
        form.current_password.errors.append("That is not your current password.")
    return render_template("auth/password.html", form=form), 422


# --- choosing a password with a one-time link --------------------------------------


class ChoosePasswordForm(BoundedForm):
    new_password = PasswordField(
        "New password", validators=[InputRequired(message="Choose a password.")]
    )
    new_password_again = PasswordField(
        "New password again",
        validators=[
            InputRequired(message="Type the password a second time."),
            EqualTo("new_password", message="The two passwords are not the same."),
        ],
    )

    def validate_new_password(self, field):
        if problem := password_problem(field.data):
            raise ValidationError(problem)


def _link_page(token, form, link, status=200):
    response = make_response(
        render_template("auth/choose_password.html", token=token, form=form, link=link), status
    )
    # The address is a credential until used: no cache keeps it, and no request the
    # page makes (its style sheets, its own form) carries it in a Referer.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/password/<token>")
def password_link(token):
    access.require_passwords()
    link = accounts.usable_link(token)
    return _link_page(token, ChoosePasswordForm(formdata=None), link, 200 if link else 404)


@bp.route("/password/<token>", methods=["POST"])
def choose_password(token):
    access.require_passwords()
    form = ChoosePasswordForm()
    link = accounts.usable_link(token)
    if link is None:
        return _link_page(token, form, None, 404)
    if not form.validate():
        return _link_page(token, form, link, 422)
    try:
        user = accounts.choose_password(token, form.new_password.data)
    except accounts.LinkUnusable:
        return _link_page(token, form, None, 404)
    start_session(user)
    flash("Your password is set, and you are signed in.", "success")
    return redirect(url_for("meetings.home"), code=303)


@bp.route("/account")
@login_required
def account():
    """What was done to the person's account, and where they signed in: theirs alone."""
    return render_template(
        "auth/account.html",
        events=accounts.events_of(current_user),
        sign_ins=accounts.sign_ins_of(current_user),
        current_token=current_user.session_token,
    )


# Last: the access policy itself reads sessions through session_is_open above.
from pmweb import access  # noqa: E402
