"""How much one request may send. A form's body is read into memory before the view
runs, so a body without a bound lets one request take a worker's memory (a 200 MB
post to the sign-in page took a worker from 190 MB to 750 MB). Every request may send
``MAX_CONTENT_LENGTH`` bytes (1 MiB unless ``PMWEB_MAX_CONTENT_LENGTH`` says
otherwise); a view that takes more, like the CSV import, says how much with
``takes_up_to``. A request over its bound is refused with 413 before its form is read.
"""

from typing import NamedTuple

from flask import request

# What a form sends besides its largest field: the CSRF token, its other fields and,
# in multipart/form-data, the boundaries and headers of each part.
FORM_ROOM = 16 * 1024

TOO_MUCH = "That was more text than pmweb takes at once. Shorten it and send it again."


class BodyLimit(NamedTuple):
    """What a view takes: how many bytes, and what to tell a request that sends more."""

    most_bytes: int
    too_much: str


def takes_up_to(most_bytes, too_much=TOO_MUCH):
    """Lets a view's requests send up to ``most_bytes``, and says ``too_much`` to a
    request that sends more."""

    def allow(view):
        view.body_limit = BodyLimit(most_bytes, too_much)
        return view

    return allow


def _body_limit(app):
    view = app.view_functions.get(request.endpoint)
    return getattr(view, "body_limit", None)


def too_much_message(app):
    """What to tell a request refused for its size: the view's own words, if it has
    any."""
    found = _body_limit(app)
    return found.too_much if found else TOO_MUCH


def init_app(app):
    # Registered before any other hook: the NUL check and CSRF read the form, and the
    # bound must be set before anything reads it.
    @app.before_request
    def allow_what_the_view_takes():
        found = _body_limit(app)
        if found is not None:
            # Flask's MAX_FORM_MEMORY_SIZE (500 kB) bounds each field of a multipart
            # form on its own: a view that takes more takes it in one field too.
            request.max_content_length = request.max_form_memory_size = found.most_bytes
