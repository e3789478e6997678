"""No log line holds a credential. A one-time password link and a calendar feed's
address are credentials carried in the URL, so whoever reads the logs (an operator)
must not find them there: not in gunicorn's access log (the request line, the path or
the Referer a page sends when it posts to itself), nor in the app's own log, whose
"Exception on <path>" and tracebacks name the URL."""

import logging
import re

from flask import has_request_context, request
from gunicorn.glogging import Logger

SECRETS_IN_PATHS = re.compile(r"(/password/|/calendar/)[^/\s?\"]+")


def redact(text):
    return SECRETS_IN_PATHS.sub(r"\1[redacted]", text)


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        return {
            name: redact(value) if isinstance(value, str) else value
            for name, value in super().atoms(resp, req, environ, request_time).items()
        }


class RedactingFilter(logging.Filter):
    """Redacts a record's message and traceback before any handler formats them: the
    credentials in any path, and the one in the request being served wherever it
    appears (an error's message may quote it without its path)."""

    def filter(self, record):
        secret = _credential_of_request()
        record.msg, record.args = _redacted(record.getMessage(), secret), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _redacted(record.exc_text, secret)
        # Formatters (the JSON one among them) would format the traceback again from
        # exc_info, unredacted: only the redacted text is left to them.
        record.exc_info = None
        return True


def _credential_of_request():
    if has_request_context() and request.view_args:
        return request.view_args.get("token")
    return None


def _redacted(text, secret):
    text = redact(text)
    # A guess too short to be one of ours would blank out ordinary words.
    return text.replace(secret, "[redacted]") if secret and len(secret) >= 16 else text


def redact_logs_of(app):
    """The app's log and the development server's request log."""
    for logger in (app.logger, logging.getLogger("werkzeug")):
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())
