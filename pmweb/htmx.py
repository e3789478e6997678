"""htmx on the server: one URL renders its full page, or only the fragment that an
htmx partial request asks for."""

from flask import make_response, redirect, render_template, request
from flask_htmx import HTMX
from jinja2_fragments.flask import render_block

htmx = HTMX()


def init_app(app):
    htmx.init_app(app)

    @app.after_request
    def vary_on_htmx(response):
        response.vary.add("HX-Request")
        return response


def is_partial_request():
    # A boosted or history request wants the whole page even though htmx sent it.
    return bool(htmx) and request.headers.get("HX-Request-Type", "partial") == "partial"


def render_page(template, block, status=200, **context):
    """The whole page, or only ``block`` of it for an htmx partial request."""
    if is_partial_request():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    return make_response(body, status)


def done(template, block, location, context):
    """After a successful POST: the updated fragment for htmx, a 303 to the page
    otherwise, so a reload never resubmits the form. ``context`` is a function giving
    what the fragment shows: a redirect computes none of it."""
    if is_partial_request():
        return make_response(render_block(template, block, **context()))
    return redirect(location, code=303)
