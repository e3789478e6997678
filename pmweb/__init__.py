"""pmweb: a private space for each manager and each person who reports to them."""

import os
import secrets
from pathlib import Path

from flask import Flask, request

from pmweb import config as default_config


def create_app(config=None):
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    app.config.from_object(default_config)
    app.config.from_prefixed_env("PMWEB")
    if os.environ.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
    if config:
        app.config.update(config)
    _require_secret_key(app)

    if proxies := int(app.config["PROXY_FIX"]):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    from pmweb import (
        access,
        auth,
        db,
        directory,
        formatting,
        goals,
        growth,
        health,
        htmx,
        ids,
        limits,
        live,
        meetings,
        metrics,
        org,
        prep,
        request_log,
        security,
        serving,
        sharing,
        sso,
        urls,
    )

    serving.redact_logs_of(app)
    # First, so that its after_request runs last and logs the final status.
    request_log.init_app(app)
    limits.init_app(app)
    ids.init_app(app)
    db.init_app(app)
    live.init_app(app)
    formatting.init_app(app)
    urls.init_app(app)
    app.jinja_env.globals["access"] = access
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    htmx.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    # Refuses to start on incomplete single sign-on settings, like a missing secret key.
    sso.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(metrics.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(sso.bp)
    app.register_blueprint(org.bp)
    app.register_blueprint(meetings.bp)
    app.register_blueprint(goals.bp)
    app.register_blueprint(growth.bp)
    app.register_blueprint(sharing.bp)
    app.register_blueprint(prep.bp)
    app.register_blueprint(prep.feed_bp)
    app.register_blueprint(directory.bp)
    directory.init_app(app)
    org.register_cli(app)

    from pmweb import demo

    demo.register_cli(app)
    from pmweb.prep import digest

    digest.register_cli(app)
    from pmweb import backups

    backups.register_cli(app)

    _register_error_pages(app)

    @app.after_request
    def never_store_pages(response):
        # Every page but static files carries someone's private content or account data:
        # no browser or proxy keeps a copy.
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response

    return app


BUSY_PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Busy · pmweb</title>"
    "<h1>pmweb is busy</h1><p>Too many people at once. Try again in a few seconds.</p>"
)

ERROR_PAGES = {
    400: ("Something went wrong with that request", "Reload the page and try again."),
    404: ("Not found", "There is nothing here, or it isn't yours to see."),
    405: ("Not allowed", "That address doesn't take this kind of request."),
    413: ("Too long to send", None),  # the message is the view's (pmweb/limits.py)
    500: ("Something broke", "The error has been logged. Try again in a moment."),
}


def _register_error_pages(app):
    from flask import make_response, render_template
    from playhouse.pool import MaxConnectionsExceeded

    from pmweb import access, limits, metrics
    from pmweb.htmx import is_partial_request, render_page

    def at_the_top(response):
        # htmx swaps error responses: put the message at the top, not in a fragment.
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
        return response

    def error_page(error):
        title, message = ERROR_PAGES[error.code]
        if error.code == 413:
            message = limits.too_much_message(app)
        if error.code == 400 and str(getattr(error, "description", "")).startswith("The CSRF"):
            message = "The form is out of date. Reload the page and try again."
        if is_partial_request():
            return at_the_top(
                render_page("error.html", "message", error.code, title=title, message=message)
            )
        return render_template("error.html", title=title, message=message), error.code

    for code in ERROR_PAGES:
        app.register_error_handler(code, error_page)

    def read_only(error):
        # Someone who may read but not change (a completed meeting, an ended pair, a
        # grantee): 409 with the reason, at the top of the page for htmx — and nothing
        # of what they may read.
        access.forget_reads()
        response = render_page(
            "meetings/read_only.html", "read_only", status=409, reason=error.reason
        )
        return at_the_top(response) if is_partial_request() else response

    app.register_error_handler(access.ReadOnly, read_only)

    def busy(error):
        # Every pooled connection is in use: come back in a moment, rather than a 500.
        # The page is plain, with nothing that would need the database.
        metrics.POOL_EXHAUSTED.inc()
        response = make_response(BUSY_PAGE, 503)
        response.headers["Retry-After"] = "5"
        return response

    app.register_error_handler(MaxConnectionsExceeded, busy)

    # Reads the loaders let a request make are written down as its response leaves.
    app.after_request(access.write_down_reads)


def _require_secret_key(app):
    if app.config.get("SECRET_KEY"):
        return
    if app.config.get("TESTING"):
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    elif app.config.get("DEMO"):
        app.config["SECRET_KEY"] = _demo_secret_key(Path(app.instance_path))
    else:
        raise RuntimeError(
            "pmweb needs a secret key: set PMWEB_SECRET_KEY to a long random string, "
            "e.g. from `python -c 'import secrets; print(secrets.token_hex(32))'`."
        )


def _demo_secret_key(instance_path):
    """A random key kept in the instance folder, so demo sessions survive a restart."""
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "demo_secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
