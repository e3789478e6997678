"""How dates, times and long texts read on every page: "Tue 3 Nov", "3 Nov 2026", "10:00",
and Markdown rendered safe."""

import datetime
from zoneinfo import ZoneInfo

from flask import g
from flask_login import current_user

from pmweb import markdown


def day(value):
    return f"{value:%a} {value.day} {value:%b}" if value else ""


def short_day(value):
    return f"{value.day} {value:%b}" if value else ""


def long_day(value):
    return f"{value:%a} {value.day} {value:%b %Y}" if value else ""


def dated(value):
    return f"{value.day} {value:%b %Y}" if value else ""


def time(value):
    return f"{value:%H:%M}" if value else ""


def moment(value, timezone="UTC"):
    """A stored moment (UTC) as wall-clock time in ``timezone``: "3 Nov 2026, 10:00 GMT"."""
    if not value:
        return ""
    local = value.replace(tzinfo=datetime.UTC).astimezone(ZoneInfo(timezone))
    return f"{dated(local)}, {time(local)} {local.tzname()}"


def viewer_timezone():
    """The time zone the signed-in person meets in (their newest one-on-one's), which
    their pages show moments in; UTC for anyone else. Looked up once a request."""
    if "viewer_timezone" not in g:
        from pmweb.meetings.queries import timezone_of

        known = current_user.is_authenticated and timezone_of(current_user.id)
        g.viewer_timezone = known or "UTC"
    return g.viewer_timezone


# The names a browser's User-Agent gives itself, checked in this order: Edge and Opera
# also say Chrome, and Chrome also says Safari.
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def browser(user_agent):
    """ "Firefox on Linux" from a User-Agent header, or the header itself if unknown."""
    name = next((label for marker, label in _BROWSERS if marker in user_agent), None)
    system = next((label for marker, label in _SYSTEMS if marker in user_agent), None)
    if name and system:
        return f"{name} on {system}"
    return name or system or (user_agent[:80] or "unknown")


def sentence_start(text):
    """``text`` starting a sentence: its first letter in capitals, the rest as written.
    (Jinja's ``capitalize`` lowercases the rest, titles people wrote included.)"""
    return text[:1].upper() + text[1:]


def init_app(app):
    app.jinja_env.filters.update(
        sentence_start=sentence_start,
        day=day,
        short_day=short_day,
        long_day=long_day,
        dated=dated,
        time=time,
        moment=lambda value: moment(value, viewer_timezone()),
        browser=browser,
        markdown=markdown.render,
    )
