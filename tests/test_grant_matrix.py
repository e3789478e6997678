"""Grants under test from every side.

The authorization matrix: every route for a grantee (Hana) under each grant state —
none, active, expired, revoked — and each scope, matching the route or not. Routes a
grant opens are listed in GRANTEE; every other route must treat Hana exactly as the
policy table treats an outsider, even while she holds an active grant of every scope.
A route missing from the policy table fails there; a GRANTEE entry that names no
route fails here.

The canary, for grantees and former managers: with one scope shared, Hana sees exactly
that scope's canaries on every reachable page and nothing else — never a private note
or a draft; a former manager sees the meetings they took part in and nothing else."""

import datetime

import pytest

from pmweb.models import Grant
from pmweb.sharing import service as sharing
from tests.test_access import BY_SESSION, POLICY, World, _fill, rules_by_endpoint
from tests.test_canary import GROWTH, fetch_all, planted, reachable_get_urls  # noqa: F401
from tests.test_growth_routes import hand_sam_to_a_new_manager

SCOPES = ("goals", "plan", "feedback", "meetings")
OK, READ_ONLY = 200, 409

# What an active grant of its scope opens to the grantee: pages to read (200), and
# changes that are then refused as read-only (409) instead of not found.
GRANTEE = {
    "goals.overview": ("goals", OK),
    "goals.goal": ("goals", OK),
    "growth.plan": ("plan", OK),
    "growth.plan_history": ("plan", OK),
    "growth.printable_plan": ("plan", OK),
    "growth.plan_pdf": ("plan", OK),
    "growth.step": ("plan", OK),
    "growth.save_plan": ("plan", READ_ONLY),
    "growth.add_step": ("plan", READ_ONLY),
    "growth.change_step": ("plan", READ_ONLY),
    "growth.set_step_status": ("plan", READ_ONLY),
    "growth.remove_step": ("plan", READ_ONLY),
    "growth.record_win": ("plan", READ_ONLY),
    "growth.remove_win": ("plan", READ_ONLY),
    "growth.feedback": ("feedback", OK),
    "growth.feedback_wordings": ("feedback", OK),
    "growth.give_feedback": ("feedback", READ_ONLY),
    "growth.edit_feedback": ("feedback", READ_ONLY),
    "growth.change_feedback": ("feedback", READ_ONLY),
    "growth.send_feedback": ("feedback", READ_ONLY),
    "growth.delete_feedback": ("feedback", READ_ONLY),
    "meetings.meeting": ("meetings", OK),
    "meetings.one_on_one": ("meetings", OK),
}

# Hana is outside every pair, as the policy table's "other_employee" is.
OUTSIDER = "other_employee"


def give(actors, scope, state):
    pair = actors.pair if scope == "meetings" else None
    grant = sharing.give_grant(actors.report, actors.hr, scope, 7, one_on_one=pair)
    if state == "expired":
        past = datetime.datetime(2020, 1, 1)
        Grant.update(expires_at=past).where(Grant.id == grant.id).execute()
    elif state == "revoked":
        sharing.revoke_grant(grant)


def request_as_hana(app, client, world, endpoint):
    method, data, _expected = POLICY[endpoint]
    rule = rules_by_endpoint(app)[endpoint][-1]
    with app.test_request_context():
        url = app.url_for(endpoint, **{arg: world.ids[arg] for arg in rule.arguments})
    if method == "GET":
        return client.get(url)
    return client.post(url, data={k: _fill(v, world) for k, v in data.items()})


# Routes whose answer depends on having one-on-ones of one's own. Hana has none: there
# she answers as the administrator does, who has none either.
BY_OWN_ONE_ON_ONES = {"prep.live_updates"}


def outsider_status(endpoint):
    actor = "admin" if endpoint in BY_OWN_ONE_ON_ONES else OUTSIDER
    return POLICY[endpoint][2][actor]


def test_every_grantee_entry_names_a_route(app):
    assert set(GRANTEE) <= set(rules_by_endpoint(app))
    assert set(GRANTEE) <= set(POLICY)


# A grant of the route's own scope in each state, and active grants of every other
# scope at once: a scope that doesn't match opens nothing.
CASES = [
    ("none", "its scope"),
    ("active", "its scope"),
    ("expired", "its scope"),
    ("revoked", "its scope"),
    ("active", "every other scope"),
]


@pytest.mark.parametrize("endpoint", sorted(GRANTEE))
@pytest.mark.parametrize(("state", "which"), CASES)
def test_a_grant_opens_its_scope_while_active_and_nothing_else(
    app, client, actors, login, endpoint, state, which
):
    world = World(actors)
    Grant.delete().execute()  # the world's own grant is not part of this matrix
    route_scope, opened = GRANTEE[endpoint]
    scopes = [route_scope] if which == "its scope" else [s for s in SCOPES if s != route_scope]
    if state != "none":
        for scope in scopes:
            give(actors, scope, state)
    login(actors.hr)
    response = request_as_hana(app, client, world, endpoint)
    matches = state == "active" and which == "its scope"
    expected = opened if matches else outsider_status(endpoint)
    assert response.status_code == expected, (endpoint, state, which)


# Routes where Hana's outcome differs from an outsider's for a reason of their own.
NOT_COMPARABLE = {
    # The table's form shares with Hana, and nobody shares with themselves.
    "sharing.give_grant",
    "auth.logout",
    "static",  # public files, for everyone
}


@pytest.mark.parametrize(
    "endpoint", sorted(e for e in BY_SESSION if e not in GRANTEE and e not in NOT_COMPARABLE)
)
def test_every_other_route_treats_a_grantee_as_an_outsider(app, client, actors, login, endpoint):
    world = World(actors)
    Grant.delete().execute()
    for scope in SCOPES:
        give(actors, scope, "active")
    login(actors.hr)
    response = request_as_hana(app, client, world, endpoint)
    assert response.status_code == outsider_status(endpoint), endpoint


# --- the canary, for grantees and former managers --------------------------------------

MEETING_CANARIES = {
    f"{kind}-{when}" for kind in ("point", "notes", "item") for when in ("past", "next")
} | {"point-skipped"}
SEEN_UNDER = {
    "goals": {"goal-title", "goal-why", "milestone", "check-in"},
    "plan": set(GROWTH) - {"feedback-sent"},
    "feedback": {"feedback-sent"},
    "meetings": MEETING_CANARIES,
}


@pytest.mark.parametrize("scope", SCOPES)
def test_a_grantee_sees_exactly_the_shared_scope(app, client, actors, login, planted, scope):  # noqa: F811
    give(actors, scope, "active")
    login(actors.hr)
    pages = fetch_all(client, reachable_get_urls(app, actors))
    everything = "\n".join(body for _, body in pages.values())
    seen = {kind for kind, string in planted.items() if string in everything}
    assert seen == SEEN_UNDER[scope]


def test_a_former_manager_sees_only_the_meetings_they_took_part_in(
    app,
    client,
    actors,
    login,
    planted,  # noqa: F811
):
    hand_sam_to_a_new_manager(actors)
    login(actors.manager)
    pages = fetch_all(client, reachable_get_urls(app, actors))
    everything = "\n".join(body for _, body in pages.values())
    seen = {kind for kind, string in planted.items() if string in everything}
    # Besides the meetings: her own notes and the question in her own bank.
    assert seen == MEETING_CANARIES | {"private-manager-past", "private-manager-next", "question"}
