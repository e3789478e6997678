"""One JSON line per request, for a log a machine reads: a request id, the route's
template (``/meetings/<int:meeting_id>``, never the path itself), the method, the
status, how long it took and the signed-in person's id. Nothing a person typed or
was sent: no form field, no query string, no path with an id or a credential in it,
no email, no name.

The request id comes from the proxy's ``X-Request-Id`` when it is one a proxy would
make, and is made here otherwise; the response carries it back, so one line of the
proxy's log and one of pmweb's can be matched."""

import logging
import re
import sys
import time
import uuid

from flask import g, request
from flask.logging import default_handler
from pythonjsonlogger.json import JsonFormatter

from pmweb import metrics
from pmweb.serving import RedactingFilter

logger = logging.getLogger("pmweb.requests")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def _request_id():
    given = request.headers.get("X-Request-Id", "")
    return given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _user_id():
    # Only a person the request already loaded: looking them up here would cost a query
    # on routes that need none (and have no connection, like the health checks).
    # flask-login keeps the loaded user in g._login_user (flask-login 0.6.3, pinned).
    user = g.get("_login_user")
    return user.id if user is not None and user.is_authenticated else None


class _StandardError:
    """Standard error as it is when a line is written (a test runner swaps it)."""

    def write(self, text):
        sys.stderr.write(text)

    def flush(self):
        sys.stderr.flush()


def json_handler(stream=None):
    handler = logging.StreamHandler(stream or _StandardError())
    handler.setFormatter(
        JsonFormatter(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
        )
    )
    handler.addFilter(RedactingFilter())
    return handler


def init_app(app):
    if app.config["LOG_JSON"]:
        if not logger.handlers:
            logger.addHandler(json_handler())
            logger.setLevel(logging.INFO)
            logger.propagate = False
        # The app's own errors too, as JSON lines on the same stream.
        app.logger.removeHandler(default_handler)
        if not app.logger.handlers:
            app.logger.addHandler(json_handler())

    @app.before_request
    def start_clock():
        g.request_started = time.perf_counter()
        g.request_id = _request_id()

    @app.after_request
    def log_request(response):
        started = g.get("request_started")
        if started is None:  # a request refused before its first hook
            return response
        response.headers["X-Request-Id"] = g.request_id
        seconds = time.perf_counter() - started
        route = request.url_rule.rule if request.url_rule else None
        metrics.observe_request(route, request.method, response.status_code, seconds)
        logger.info(
            "request",
            extra={
                "request_id": g.request_id,
                "method": metrics.known_method(request.method),
                "route": route,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
                "user_id": _user_id(),
            },
        )
        return response
