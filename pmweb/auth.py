"""Signing in and out. Sessions live in the database (``UserSession``): the cookie
carries only a random token, so signing out, deactivation or a password reset ends
a session at once in every server process."""

import secrets

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length

from pmweb.htmx import htmx
from pmweb.models import User, UserSession, utcnow
from pmweb.passwords import verify_password

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


@login_manager.user_loader
def load_user(token):
    session_row = (
        UserSession.select(UserSession, User)
        .join(User)
        .where(
            (UserSession.token == token)
            & UserSession.ended_at.is_null()
            & User.deactivated_at.is_null()
        )
        .first()
    )
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
    user.session_token = secrets.token_urlsafe(32)
    UserSession.create(token=user.session_token, user=user)
    login_user(user)


def end_sessions_of(user):
    """Ends every session of a user: on deactivation and password reset."""
    UserSession.update(ended_at=utcnow()).where(
        (UserSession.user == user.id) & UserSession.ended_at.is_null()
    ).execute()


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=256)])


def _safe_next(target):
    # Only a path on this site: never an absolute URL to somewhere else.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("meetings.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("meetings.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = User.get_or_none(User.email == form.email.data.strip().lower())
        password_ok = verify_password(user.password_hash if user else None, form.password.data)
        if user and password_ok and user.is_active:
            start_session(user)
            return redirect(_safe_next(request.args.get("next")), code=303)
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
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"), code=303)
