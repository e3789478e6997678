"""Ids and page numbers that come from outside — a path, a query, a form — are numbers
a row could have before any query sees them. Both databases keep ids in 64 bits:
SQLite cannot take a larger Python int (OverflowError) and PostgreSQL refuses one
(bigint out of range), either a 500. So a larger number is not found in a path (404),
and refused in a query (400); a form checks its ids against the choices it offered."""

from flask import abort, request
from werkzeug.routing import IntegerConverter

# The largest id either database holds: SQLite's INTEGER and PostgreSQL's bigint.
LARGEST = 2**63 - 1


def _numbers_up_to(largest):
    """A regular expression of the numbers from 0 to ``largest`` in plain digits: those
    shorter, and for each of its digits, those that agree before it and are smaller
    there."""
    digits = str(largest)
    smaller_at = [
        f"{digits[:i]}[0-{int(digit) - 1}][0-9]{{{len(digits) - i - 1}}}"
        for i, digit in enumerate(digits)
        if digit != "0"
    ]
    return "|".join([f"[0-9]{{1,{len(digits) - 1}}}", *smaller_at, digits])


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: a number past LARGEST matches no route, so it is not
    found like any other id nobody has."""

    # Refused by the pattern, not only by ``max``: werkzeug converts a value after it
    # chose the rule, and a refused conversion on a URL that also takes another method
    # answers 405, not 404.
    regex = _numbers_up_to(LARGEST)

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST)
        super().__init__(map, *args, **kwargs)


def from_text(text):
    """The id ``text`` spells in plain digits, or None: a number no row can have, or
    anything else, is no id."""
    # isdigit() alone takes other scripts' digits ("٣") and superscripts ("²").
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(LARGEST)):
        return None
    number = int(text)
    return number if number <= LARGEST else None


def id_from_query(name):
    """The id in ``?<name>=``, or None when there is none. Anything else was not written
    by a page of ours: 400."""
    text = request.args.get(name, "")
    if not text:
        return None
    found = from_text(text)
    if found is None:
        abort(400)
    return found


def page_from_query(per_page):
    """The page number in ``?page=`` of a list shown ``per_page`` rows at a time: 1 when
    there is none. One whose rows would start past what the database counts (or any
    other text) was not written by a page of ours: 400."""
    text = request.args.get("page", "")
    if not text:
        return 1
    page = from_text(text)
    if page is None or page < 1 or (page - 1) * per_page > LARGEST:
        abort(400)
    return page


def init_app(app):
    # Before any blueprint is registered: each rule picks its converter when added.
    app.url_map.converters["int"] = IdConverter
