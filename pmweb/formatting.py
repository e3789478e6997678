"""How dates, times and long texts read on every page: "Tue 3 Nov", "3 Nov 2026", "10:00",
and Markdown rendered safe."""

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


def moment(value):
    """A stored moment (UTC) as "3 Nov 2026, 10:00 UTC"."""
    return f"{dated(value)}, {time(value)} UTC" if value else ""


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
        moment=moment,
        browser=browser,
        markdown=markdown.render,
    )
