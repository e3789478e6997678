"""What pmweb changes in gunicorn: its access log never holds a credential. A one-time
password link and a calendar feed's address are credentials carried in the URL, so
whoever reads the log (an operator) must not find them there — in the request line,
the path or the Referer a page sends when it posts to itself."""

import re

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
