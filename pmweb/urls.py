"""URLs for the rows of a long list. A meeting page has a few hundred of them (each
talking point's edit, discussed, move and delete, each action item, goal and step), and
``url_for`` costs about as much per call as the rest of a row's rendering: a page
that called it for every row was a quarter slower. ``url_maker`` calls it once per
list, with a stand-in id, and then only puts each row's id in its place."""

from flask import url_for
from markupsafe import Markup, escape

# An id no row has, and whose digits can't appear elsewhere in a path of ours.
STAND_IN = 918273645546372819


def url_maker(endpoint, varying, **fixed):
    """A function of one integer id that gives ``url_for(endpoint, **fixed,
    varying=id)``."""
    url = url_for(endpoint, **fixed, **{varying: STAND_IN})
    head, found, tail = url.partition(str(STAND_IN))
    if not found or str(STAND_IN) in tail:
        raise ValueError(f"{endpoint}'s URL does not take {varying} once, as an integer")
    head, tail = escape(head), escape(tail)

    def make(row_id):
        # An int only: its digits are all a converter like <int:...> would put there.
        if type(row_id) is not int:
            raise TypeError(f"{varying} must be an int, not {type(row_id).__name__}")
        return Markup(f"{head}{row_id}{tail}")

    return make


def row_url(make, row_id):
    """``{{ edit_url|row_url(point.id) }}``: a filter, because Jinja calls a filter
    directly, while a call from a template goes through machinery that cost more than
    making the URL (a millisecond on a meeting page)."""
    return make(row_id)


def init_app(app):
    app.jinja_env.globals["url_maker"] = url_maker
    app.jinja_env.filters["row_url"] = row_url
