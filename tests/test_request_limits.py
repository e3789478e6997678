"""How much a request may send, and how much of it comes back: a body over its bound
is refused with 413 and a page that says so (a message at the top for htmx); the CSV
import takes a file larger than other forms may send; a form refused for an over-long
field shows back at most what the field may hold."""

import inspect
import io
import re

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart
from wtforms import TextAreaField
from wtforms.validators import Length

from pmweb import forms as form_base
from pmweb.goals import forms as goal_forms
from pmweb.growth import forms as growth_forms
from pmweb.meetings import forms as meeting_forms
from pmweb.models import LoginFailure, TalkingPoint, User
from pmweb.org import csv_import
from pmweb.org import forms as org_forms
from pmweb.org import service as org_service
from pmweb.prep import forms as prep_forms
from pmweb.sharing import views as sharing_views
from tests.test_access import POLICY
from tests.test_fuzz_forms import Form

MiB = 1024 * 1024
HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


def text_of(response):
    return response.get_data(as_text=True)


# --- the bound on a request's body ---------------------------------------------------


def test_a_2_mib_post_to_the_sign_in_page_is_refused_with_a_page_before_anything_runs(client):
    response = client.post("/login", data={"email": "dana@example.com", "password": "x" * 2 * MiB})

    assert response.status_code == 413
    page = text_of(response)
    assert "<html" in page and "Too long to send" in page
    assert "more text than pmweb takes at once" in page
    # The sign-in never ran: nothing was counted against the account.
    assert LoginFailure.select().count() == 0


def test_an_htmx_post_over_the_bound_gets_the_message_at_the_top_of_the_page(client, actors, login):
    login(actors.manager)
    response = client.post(
        f"/meetings/{actors.meeting.id}/talking-points",
        data={"text": "x" * 2 * MiB},
        headers=HTMX,
    )

    assert response.status_code == 413
    assert response.headers["HX-Retarget"] == "#messages"
    fragment = text_of(response)
    assert "<html" not in fragment
    assert "more text than pmweb takes at once" in fragment
    assert TalkingPoint.select().count() == 0


def test_the_default_bound_is_one_mib(app):
    assert app.config["MAX_CONTENT_LENGTH"] == MiB


# --- the CSV import takes a file -----------------------------------------------------

# 1,800 people whose names take three bytes a character: over 1 MiB, under the 1,000,000
# characters the import reads.
ROWS = 1800


def big_csv():
    lines = ["email,name,manager_email"]
    lines += [f"person{n:04}@example.com,{'王' * 190}," for n in range(ROWS)]
    text = "\n".join(lines) + "\n"
    assert len(text) <= csv_import.MAX_CHARACTERS
    assert len(text.encode()) > MiB
    return text


def post_multipart(client, url, fields):
    """Posts ``fields`` as a browser posts a form with enctype="multipart/form-data". The
    body is built in memory: the test client would spool a large one to a temporary
    file it never closes."""
    boundary, body = encode_multipart(
        {
            name: FileStorage(io.BytesIO(value[0]), value[1]) if isinstance(value, tuple) else value
            for name, value in fields.items()
        }
    )
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_the_import_previews_an_uploaded_file_larger_than_other_forms_may_send(
    client, actors, login
):
    text = big_csv()
    login(actors.admin)
    upload = {"csv_file": (text.encode(), "people.csv"), "csv_text": ""}
    response = post_multipart(client, "/admin/people/import/preview", upload)

    assert response.status_code == 200, text_of(response)[:500]
    assert f"Ready: {ROWS} new accounts" in text_of(response)
    # The same body anywhere else is refused.
    other = {"name": "王" * 190, "email": "x@example.com", "padding": text}
    assert client.post("/admin/people", data=other).status_code == 413


def test_the_import_applies_a_file_larger_than_other_forms_may_send(
    client, actors, login, monkeypatch
):
    # Hashing 1,800 passwords would take a minute; the body's size is what is tested.
    monkeypatch.setattr(org_service, "hash_password", lambda password: "not-a-hash")
    text = big_csv()
    login(actors.admin)
    # Pasted into the preview form, then confirmed with the form the preview renders:
    # both post multipart/form-data.
    preview = post_multipart(client, "/admin/people/import/preview", {"csv_text": text})
    assert f"Ready: {ROWS} new accounts" in text_of(preview)
    assert 'action="/admin/people/import/confirm" enctype="multipart/form-data"' in text_of(preview)
    response = post_multipart(client, "/admin/people/import/confirm", {"csv_text": text})

    assert response.status_code == 200, text_of(response)[:500]
    assert User.select().where(User.email.startswith("person")).count() == ROWS


def test_a_file_over_the_imports_own_bound_is_refused_in_the_imports_words(client, actors, login):
    login(actors.admin)
    too_big = b"x" * (csv_import.MAX_BYTES + 64 * 1024)
    response = post_multipart(
        client, "/admin/people/import/preview", {"csv_file": (too_big, "people.csv")}
    )

    assert response.status_code == 413
    assert "too large for one import" in text_of(response)


def test_the_import_takes_the_largest_file_it_reads_and_no_more(app):
    from pmweb.org import views

    limit = views.preview_import.body_limit.most_bytes
    assert views.confirm_import.body_limit.most_bytes == limit
    # Every character of the largest CSV in UTF-8's widest form, plus the form around it.
    assert csv_import.MAX_BYTES == 4 * csv_import.MAX_CHARACTERS
    assert csv_import.MAX_BYTES < limit <= csv_import.MAX_BYTES + 64 * 1024
    (length,) = org_forms.ImportForm.csv_text.kwargs["validators"]
    assert length.max == csv_import.MAX_CHARACTERS


# --- a refused form shows back at most what a field may hold --------------------------

# Just under the 1 MiB bound once URL-encoded.
OVER_LONG = "Z" * 900_000


def _longest_run(text):
    return max((len(run) for run in re.findall("Z+", text)), default=0)


def _url(kind, actors):
    meeting, employee = actors.meeting.id, actors.report.id
    return {
        "talking point": f"/meetings/{meeting}/talking-points",
        "private note": f"/meetings/{meeting}/private-note",
        "shared notes": f"/meetings/{meeting}/shared-notes",
        "feedback": f"/people/{employee}/feedback",
        "goal's start value": f"/people/{employee}/goals/new",
        "grant message": "/sharing/grants",
    }[kind]


CASES = [
    ("talking point", {"text": OVER_LONG}, meeting_forms.TALKING_POINT_MAX),
    ("private note", {"body": OVER_LONG}, meeting_forms.NOTES_MAX),
    ("shared notes", {"shared_notes": OVER_LONG, "version": "1"}, meeting_forms.NOTES_MAX),
    (
        "feedback",
        {"kind": "praise", "body": OVER_LONG, "action": "send"},
        growth_forms.TEXT_MAX,
    ),
    # A field with no Length of its own shows back a number's worth.
    (
        "goal's start value",
        {"title": "NPS", "due": "2099-01-01", "measure": "number", "start_value": OVER_LONG},
        form_base.SHORT_VALUE_MAX,
    ),
    ("grant message", {"grantee": "0", "scope": "plan", "days": "7", "message": OVER_LONG}, 1000),
]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize(("kind", "data", "limit"), CASES, ids=[case[0] for case in CASES])
def test_a_refused_over_long_field_comes_back_cut_to_its_limit_and_says_so(
    client, actors, login, kind, data, limit, htmx
):
    login(actors.report)
    response = client.post(_url(kind, actors), data=data, headers=HTMX if htmx else {})

    assert response.status_code == 422
    body = text_of(response)
    assert _longest_run(body) == limit
    assert f"Only its first {limit:,} characters are shown here." in body
    assert len(body) < limit + 200_000


# Every route's refusal, field by field: no field shows back more than the longest any
# form takes, but the import's pasted CSV.
LONGEST_FIELD = 10_000
IMPORT = {"org.preview_import", "org.confirm_import"}
POSTED = sorted(
    endpoint
    for endpoint, (method, data, _) in POLICY.items()
    if method == "POST" and data and endpoint not in IMPORT
)


@pytest.mark.parametrize("endpoint", POSTED)
def test_no_refused_form_shows_back_more_than_its_longest_field(app, actors, login, endpoint):
    form = Form(app, actors, login, endpoint)
    for name in sorted(form.valid):
        response = form.client.post(form.url, data=form.valid | {name: "Z" * 400_000})

        assert response.status_code < 500, name
        assert _longest_run(text_of(response)) <= LONGEST_FIELD, (endpoint, name)


FORM_MODULES = [meeting_forms, goal_forms, growth_forms, org_forms, prep_forms, sharing_views]


def test_every_form_builds_on_the_bounded_form_and_every_text_area_has_a_limit():
    classes = [
        cls
        for module in FORM_MODULES
        for cls in vars(module).values()
        if inspect.isclass(cls) and issubclass(cls, FlaskForm) and cls.__module__ == module.__name__
    ]
    assert len(classes) > 20
    for cls in classes:
        assert issubclass(cls, form_base.BoundedForm), cls.__name__
        for name, unbound in inspect.getmembers(cls, lambda member: hasattr(member, "field_class")):
            if issubclass(unbound.field_class, TextAreaField):
                validators = unbound.kwargs.get("validators") or []
                assert any(isinstance(v, Length) for v in validators), (
                    f"{cls.__name__}.{name} has no Length: refused, it would show back only "
                    f"{form_base.SHORT_VALUE_MAX} characters"
                )
