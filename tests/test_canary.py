"""The canary: the two people of a pair write unique strings into every kind of
one-on-one content; then every page anyone else can reach is fetched, and no
canary may appear in any of them. A private note's canary must not reach the
other participant either."""

import datetime
import uuid

import pytest

from pmweb.goals import service as goals
from pmweb.goals.service import Terms
from pmweb.meetings import service
from pmweb.models import Goal, Objective

OUTSIDERS = ["other_manager", "other_employee", "admin", "hr", "anonymous"]


def canary(kind):
    return f"canary-{kind}-{uuid.uuid4().hex}"


@pytest.fixture
def planted(actors):
    """Canaries in a completed meeting and in the upcoming one, as both people."""
    strings = {}
    completed = actors.meeting
    for meeting, when in ((completed, "past"), (None, "next")):
        if meeting is None:
            meeting = service.complete_meeting(
                completed, actors.manager, now=completed.scheduled_for
            )
        strings[f"point-{when}"] = canary(f"point-{when}")
        service.add_talking_point(meeting, actors.report.id, strings[f"point-{when}"])
        strings[f"notes-{when}"] = canary(f"notes-{when}")
        meeting.shared_notes_version = type(meeting).get_by_id(meeting.id).shared_notes_version
        service.save_shared_notes(meeting, strings[f"notes-{when}"], meeting.shared_notes_version)
        strings[f"item-{when}"] = canary(f"item-{when}")
        service.add_action_item(
            meeting, actors.manager.id, actors.report.id, strings[f"item-{when}"], None
        )
        for author in ("manager", "report"):
            key = f"private-{author}-{when}"
            strings[key] = canary(key)
            service.save_private_note(meeting, getattr(actors, author).id, strings[key])
    for kind in ("goal-title", "goal-why", "milestone", "check-in"):
        strings[kind] = canary(kind)
    goal = goals.propose_goal(
        actors.report,
        actors.report,
        "employee",
        Terms(
            title=strings["goal-title"],
            why=strings["goal-why"],
            due=datetime.date.today() + datetime.timedelta(days=60),
            measure="milestones",
            objective_id=goals.create_objective(
                "Shared", "2027", actors.manager, actors.manager
            ).id,
            milestones=(strings["milestone"], "Second step"),
        ),
    )
    goals.agree(goal, "manager", actors.manager.id, 1, actors.manager.id)
    goals.check_in(goal, actors.manager, None, "at_risk", strings["check-in"])
    return strings


def reachable_get_urls(app, actors):
    """Every GET route, filled with the ids of the pair's objects, plus a search."""
    ids = {
        "pair_id": actors.pair.id,
        "meeting_id": actors.meeting.id,
        "user_id": actors.report.id,
        "employee_id": actors.report.id,
        "goal_id": Goal.select(Goal.id).scalar(),
        "objective_id": Objective.select(Objective.id).scalar(),
    }
    meetings = [m.id for m in actors.pair.meetings]
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            unknown = set(rule.arguments) - set(ids)
            assert not unknown, f"canary test cannot fill {rule.endpoint} {unknown}"
            if "meeting_id" in rule.arguments:
                for meeting_id in meetings:
                    urls.append(app.url_for(rule.endpoint, **(ids | {"meeting_id": meeting_id})))
            else:
                urls.append(app.url_for(rule.endpoint, **{a: ids[a] for a in rule.arguments}))
    pair_url = [u for u in urls if u.startswith("/one-on-ones/")][0]
    urls += [f"{pair_url}?q=canary", f"{pair_url}?page=2"]
    return urls


def fetch_all(client, urls):
    pages = {}
    for url in urls:
        for headers in ({}, {"HX-Request": "true", "HX-Request-Type": "partial"}):
            response = client.get(url, headers=headers)
            pages[(url, bool(headers))] = (response.status_code, response.get_data(as_text=True))
    return pages


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_no_one_outside_the_pair_sees_any_canary(app, client, actors, login, planted, outsider):
    if outsider != "anonymous":
        login(getattr(actors, outsider))
    pages = fetch_all(client, reachable_get_urls(app, actors))
    assert pages, "no page was fetched"
    for (url, partial), (_status, body) in pages.items():
        for kind, string in planted.items():
            assert string not in body, (
                f"{kind} canary leaked to {outsider} at {url} (htmx={partial})"
            )


@pytest.mark.parametrize(("viewer", "other"), [("manager", "report"), ("report", "manager")])
def test_a_private_note_never_reaches_the_other_participant(
    app, client, actors, login, planted, viewer, other
):
    login(getattr(actors, viewer))
    pages = fetch_all(client, reachable_get_urls(app, actors))
    everything = "\n".join(body for _, body in pages.values())
    for when in ("past", "next"):
        assert planted[f"private-{other}-{when}"] not in everything
        # The canary method works: the viewer does see shared content and their own note.
        assert planted[f"point-{when}"] in everything
        assert planted["goal-title"] in everything and planted["check-in"] in everything
        assert planted[f"private-{viewer}-{when}"] in everything
