"""Every form that takes text from people, fuzzed: random, oversized, unicode,
HTML/script and SQL-looking input. No request may fail with a 500, no stored text may
come back as markup on the pages that show it, and a refused request saves nothing.

The routes come from the policy table in ``test_access.py`` (every POST route with
form data, signed in as someone the table lets through), and each form's fields from
that table plus the fields of the matching ``<form>`` on the pages that person sees —
so a route or a field added later is fuzzed without touching this file.

Then numbers no row can have (2**63 and past, -1) go everywhere an id or a page number
comes from outside: every route's ``<int:…>`` path arguments, and every query argument
and form field the app asks a request for — which names those are is noted while the
app answers, so they are found here, not listed."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException

from pmweb.models import (
    MODELS,
    AccessRecord,
    AdminAction,
    Feedback,
    Goal,
    LoginFailure,
    Objective,
    PlanStep,
    UserSession,
)
from tests.conftest import PASSWORD
from tests.test_access import (
    ACTORS,
    DONE,
    MISSING,
    OK_PAGE,
    POLICY,
    World,
    _fill,
    rules_by_endpoint,
)

# About two minutes for the file on both databases. Raise it to look harder. What the
# first runs found (NUL characters, notes forms without their field, unreadable CSV,
# versions beyond 32 bits) is fixed and pinned in tests/test_refused_input.py.
EXAMPLES_PER_FORM = 12

# Signing in is a form too, though the policy table only lists its page (GET).
SIGN_IN = "auth.login"

FUZZED = sorted(
    endpoint
    for endpoint, (method, data, _) in POLICY.items()
    # Forms with no fields (delete, complete, send, logout) take no text.
    if method == "POST" and data
) + [SIGN_IN]

# Tables that change on a refused request by design: a failed sign-in is counted, a
# read by a grantee is shown to the employee, sessions and the admins' audit trail.
CHANGE_ON_REFUSAL = {LoginFailure, AccessRecord, UserSession, AdminAction}

# GET routes that are not HTML pages showing stored text: a stream, a PDF, a zip.
NOT_PAGES = {"meetings.live_updates", "growth.plan_pdf", "sharing.export", "auth.login"}

# A page may show the newest row as well as the one the policy table's world made.
NEWEST = {"goal_id": Goal, "step_id": PlanStep, "objective_id": Objective, "feedback_id": Feedback}

# Every piece of markup carries MARKER in an id, a script or a link, so an injected
# element is told apart from the page's own.
MARKER = "pmfuzz"
MARKUP = [
    f'<script id="{MARKER}">alert(1)</script>',
    f"<img id={MARKER} src=x onerror=alert(1)>",
    f'<div hx-get="/logout" hx-trigger="load" id="{MARKER}">',
    f'" onmouseover="alert(1)" id="{MARKER}',
    f"' onmouseover='alert(1)' id='{MARKER}",
    f'</textarea></title><b id="{MARKER}">',
    f'[click](javascript:alert("{MARKER}"))',
    f'<a href="javascript:alert(1)" id="{MARKER}">x</a>',
    f"<svg><style><img id={MARKER} src=x onerror=alert(1)></style></svg>",
]
SQL = [
    "'; DROP TABLE user; --",
    "1 OR 1=1",
    "' OR '1'='1",
    '"; DELETE FROM meeting; --',
    "1); SELECT pg_sleep(10); --",
]
# Past 2**63 - 1 no database id can go.
BEYOND_IDS = [str(2**63), str(2**64)]
NUMBERS = ["1e400", "-0", "NaN", "inf", "-1", "0", "1,5", "0x10", "٣", *BEYOND_IDS]
DATES = ["2026-02-30", "0000-00-00", "9999-12-31", "0001-01-01", "2026-13-01", "12/31/2026"]
ODD = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eevil",
    "\ufeff",
    "🙂" * 50,
    "\r\n" * 20,
    "x" * 60_000,
    "é" * 30_000,
    "y" * 200_000,
    "%s%s%n",
    "{{ config }}",
]
SPECIAL = MARKUP + SQL + NUMBERS + DATES + ODD
ABSENT = object()


# Form values travel as UTF-8: anything but a lone surrogate can be typed.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


def field_value(valid):
    return st.one_of(
        st.sampled_from(SPECIAL),
        TEXT,
        # A value the form accepts with something appended, so it gets as far as storage.
        st.sampled_from(MARKUP + SQL + ["\x00", "\r", "x" * 60_000, "y" * 200_000]).map(
            lambda tail: valid + tail
        ),
        st.just(ABSENT),
    )


@st.composite
def form_data(draw, valid):
    data = dict(valid)
    names = sorted(valid)
    for name in draw(st.lists(st.sampled_from(names), min_size=1, unique=True)):
        value = draw(field_value(valid[name]))
        if value is ABSENT:
            del data[name]
        else:
            data[name] = value
    return data


class _Forms(HTMLParser):
    """The fields, with their shown values, of each form on a page, by its action."""

    def __init__(self):
        super().__init__()
        self.fields = {}
        self._action = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._action = self.fields.setdefault(attrs.get("action") or "", {})
        elif self._action is not None and attrs.get("name") and tag in ("input", "select"):
            # A checkbox counts as ticked: leaving it out is one of the values tried.
            if attrs.get("type") not in ("submit", "button"):
                self._action.setdefault(attrs["name"], attrs.get("value") or "")
        elif self._action is not None and attrs.get("name") and tag == "textarea":
            self._textarea = attrs["name"]
            self._action.setdefault(self._textarea, "")

    def handle_data(self, data):
        if self._textarea:
            self._action[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._action = None
        elif tag == "textarea":
            self._textarea = None


class _Injected(HTMLParser):
    """Elements and attributes that can only have come from stored markup."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        self._script = tag == "script"
        for name, value in attrs:
            value = value or ""
            if (
                name.startswith("on")  # the app has no inline handlers: the CSP forbids them
                or (name == "id" and MARKER in value)
                or (name.startswith("hx-") and value == "/logout")
                or (name in ("href", "src") and value.strip().lower().startswith("javascript:"))
            ):
                self.found.append(self.get_starttag_text())

    def handle_data(self, data):
        if self._script and MARKER in data:
            self.found.append(f"<script>{data}")

    def handle_endtag(self, tag):
        self._script = False


def assert_no_markup(response, where):
    if response.mimetype != "text/html":
        return
    body = response.get_data(as_text=True)
    parser = _Injected()
    parser.feed(body)
    assert parser.found == [], f"stored markup renders as HTML on {where}"
    assert "<Config " not in body, f"stored text was run as a template on {where}"


def snapshot():
    """Every row of every table a refused request must leave alone."""
    return {
        model.__name__: list(model.select().order_by(model._meta.primary_key).tuples())
        for model in MODELS
        if model not in CHANGE_ON_REFUSAL
    }


def actor_for(expected):
    """The person the policy table lets through: the report, else the manager, else an
    administrator; for a route refused to all (an agreed goal), one who may try it."""
    for outcome in (DONE, OK_PAGE):
        for actor in ("report", "manager", "admin"):
            if expected[actor] == outcome:
                return actor
    return next(actor for actor in ("report", "manager") if expected[actor] != MISSING)


def url_of(app, endpoint, ids):
    rule = rules_by_endpoint(app)[endpoint][-1]
    with app.test_request_context():
        return app.url_for(endpoint, **{arg: ids[arg] for arg in rule.arguments})


class Pages:
    """The pages ``actor`` may open, each with the World's ids and the newest rows'."""

    def __init__(self, app, client, world, actor):
        self.app, self.client, self.world = app, client, world
        self.endpoints = [
            endpoint
            for endpoint, (method, _, expected) in POLICY.items()
            if method == "GET" and expected and expected[actor] == OK_PAGE
            if endpoint not in NOT_PAGES
        ]

    def urls(self):
        newest = dict(self.world.ids)
        for arg, model in NEWEST.items():
            newest[arg] = model.select().order_by(model.id.desc()).first().id
        return {
            url_of(self.app, endpoint, ids)
            for endpoint in self.endpoints
            for ids in (self.world.ids, newest)
        }

    def assert_no_markup(self):
        """Each page opens (a stored value may not break it) and shows no markup."""
        for url in sorted(self.urls()):
            response = self.client.get(url)
            assert response.status_code < 500, url
            assert_no_markup(response, url)


_forms_seen = {}


def forms_seen_by(actor, app, pages):
    """Each route's fields, with the values shown, as found in the ``<form>``s of the
    pages ``actor`` opens. Read once per actor: the forms are the same in every test."""
    if actor not in _forms_seen:
        adapter = app.url_map.bind("localhost")
        found = {}
        for url in sorted(pages.urls()):
            forms = _Forms()
            forms.feed(pages.client.get(url).get_data(as_text=True))
            for action, fields in forms.fields.items():
                try:
                    endpoint, _ = adapter.match(action, method="POST")
                except HTTPException:
                    continue  # a search form (GET) or somewhere else
                fields.pop("csrf_token", None)
                found.setdefault(endpoint, {}).update(fields)
        _forms_seen[actor] = found
    return _forms_seen[actor]


class Form:
    """One route's form as its person fills it in: where it posts, from which signed-in
    client, the values it accepts, and the pages to check afterwards."""

    def __init__(self, app, actors, login, endpoint):
        self.world = World(actors)
        self.url = url_of(app, endpoint, self.world.ids)
        if endpoint == SIGN_IN:
            self.client = app.test_client()
            self.pages = None
            self.valid = {"email": actors.manager.email, "password": PASSWORD}
            return
        _, data, expected = POLICY[endpoint]
        actor = actor_for(expected)
        self.client = login(getattr(actors, actor))
        self.pages = Pages(app, self.client, self.world, actor)
        filled = {name: _fill(value, self.world) for name, value in data.items()}
        self.valid = forms_seen_by(actor, app, self.pages).get(endpoint, {}) | filled


@pytest.fixture
def database(request):
    return request.node.callspec.params["database_url"]


@pytest.fixture
def form(app, actors, login, endpoint):
    # Function-scoped: Hypothesis runs every example of one test against this one world,
    # so earlier examples change what later ones meet — the assertions hold regardless.
    return Form(app, actors, login, endpoint)


@pytest.mark.parametrize("endpoint", FUZZED)
@settings(
    max_examples=EXAMPLES_PER_FORM,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_form_takes_any_input_without_error_markup_or_half_saving(database, form, endpoint, data):
    sent = data.draw(form_data(form.valid), label="form")
    htmx = data.draw(st.booleans(), label="htmx")
    headers = {"HX-Request": "true", "HX-Request-Type": "partial"} if htmx else {}

    before = snapshot()
    response = form.client.post(form.url, data=sent, headers=headers)

    event(f"status {response.status_code}")  # --hypothesis-show-statistics tells them
    assert response.status_code < 500
    assert_no_markup(response, f"the response of {endpoint}")
    if 400 <= response.status_code < 500:
        assert snapshot() == before, f"{endpoint} refused ({response.status_code}) yet saved"
    elif form.pages and sent != form.valid:
        form.pages.assert_no_markup()
    if endpoint == SIGN_IN and response.status_code == 303:
        form.client.post("/logout")


# --- numbers no row can have --------------------------------------------------------

# Ids in a path: past what a database holds, and below any id.
PATH_NUMBERS = [2**63, 2**64, -1]


def int_arguments(rule):
    # The rule's own pattern says which arguments are <int:…>.
    return re.findall(r"<int(?:\([^)]*\))?:(\w+)>", rule.rule)


def _signed_in(app, actors, login, actor):
    if actor == "anonymous":
        return app.test_client()
    return login(getattr(actors, actor))


@pytest.mark.parametrize("actor", ACTORS)
def test_an_id_no_row_can_have_is_not_found_on_any_route(app, actors, login, actor):
    world = World(actors)
    client = _signed_in(app, actors, login, actor)
    routes = [rule for rule in app.url_map.iter_rules() if int_arguments(rule)]
    assert len(routes) > 40
    for rule in routes:
        for argument in int_arguments(rule):
            for number in PATH_NUMBERS:
                ids = {name: world.ids[name] for name in rule.arguments} | {argument: number}
                with app.test_request_context():
                    url = app.url_for(rule.endpoint, **ids)
                method, data, _ = POLICY[rule.endpoint]
                if method == "GET":
                    response = client.get(url)
                else:
                    response = client.post(url, data={k: _fill(v, world) for k, v in data.items()})
                assert response.status_code == 404, url


# Names the app asked a request's query or form for, while it answered.
ASKED = set()


class _NotingWhatIsAsked(ImmutableMultiDict):
    """A request's query arguments or form fields, noting each name the app asks for,
    whether or not the request sent it."""

    def __contains__(self, key):
        ASKED.add(key)
        return super().__contains__(key)

    def __getitem__(self, key):
        ASKED.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):
        ASKED.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        ASKED.add(key)
        return super().getlist(key, type)


@pytest.fixture
def noting(app):
    app.request_class = type(
        "NotingRequest", (app.request_class,), {"parameter_storage_class": _NotingWhatIsAsked}
    )

    def send(request):
        ASKED.clear()
        response = request()
        assert response.status_code < 500
        return response, set(ASKED)

    return send


def _beyond_ids_everywhere_asked(noting, send, sent, asked, depth=0):
    """Sends each name the app asked for as a number no row can have, on top of
    ``sent``; a name asked for only once another was sent is then sent along with it."""
    for name in sorted(asked):
        for number in BEYOND_IDS:
            attempt = sent | {name: number}
            _, now_asked = noting(lambda attempt=attempt: send(attempt))
            if depth < 2 and now_asked - asked:
                _beyond_ids_everywhere_asked(noting, send, attempt, now_asked - asked, depth + 1)


@pytest.mark.parametrize("actor", ACTORS)
def test_a_query_argument_beyond_any_id_is_no_error(app, actors, login, noting, actor):
    world = World(actors)
    client = _signed_in(app, actors, login, actor)
    pages = [endpoint for endpoint, (method, _, _) in POLICY.items() if method == "GET"]
    for endpoint in sorted(set(pages) - {"static"}):
        url = url_of(app, endpoint, world.ids)

        def send(query, url=url):
            return client.get(url, query_string=query)

        _, asked = noting(lambda send=send: send({}))
        _beyond_ids_everywhere_asked(noting, send, {}, asked)


@pytest.mark.parametrize("actor", ACTORS)
def test_a_form_field_beyond_any_id_is_no_error(app, actors, login, noting, actor):
    world = World(actors)
    client = _signed_in(app, actors, login, actor)
    # Signing out takes no form, and would leave the routes after it to someone signed out.
    posted = [e for e, (method, _, _) in POLICY.items() if method == "POST" and e != "auth.logout"]
    for endpoint in sorted(posted):
        url = url_of(app, endpoint, world.ids)
        valid = {k: _fill(v, world) for k, v in POLICY[endpoint][1].items()}

        def send(form, url=url):
            return client.post(url, data=form)

        _, asked = noting(lambda send=send, valid=valid: send(valid))
        _beyond_ids_everywhere_asked(noting, send, valid, asked)
