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


def init_app(app):
    app.jinja_env.filters.update(
        day=day,
        short_day=short_day,
        long_day=long_day,
        dated=dated,
        time=time,
        markdown=markdown.render,
    )
