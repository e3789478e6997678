"""The canary: the two people of a pair write unique strings into every kind of
one-on-one content, goals and growth; then every page anyone else can reach is
fetched, and no canary may appear in any of them. A private note's canary must not
reach the other participant either, nor a feedback draft's its receiver."""

import datetime
import io
import itertools
import shutil
import subprocess
import uuid
import zipfile

import pytest

from pmweb.goals import service as goals
from pmweb.goals.service import Terms
from pmweb.growth import service as growth
from pmweb.growth.service import FeedbackTerms, StepTerms
from pmweb.meetings import service
from pmweb.models import (
    CalendarFeed,
    Feedback,
    Goal,
    Meeting,
    Objective,
    PlanStep,
    Question,
    Win,
)
from tests.conftest import unavailable

OUTSIDERS = ["other_manager", "other_employee", "admin", "hr", "anonymous"]


# What both Sam and Dana see of Sam's growth (the draft is Dana's alone).
GROWTH = (
    "plan-aspiration",
    "plan-strengths",
    "plan-growth-areas",
    "step-title",
    "step-notes",
    "win",
    "feedback-sent",
)


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
    # A point added ahead to a meeting that is then skipped moves on with its agenda.
    skipped = actors.pair.meetings.order_by(Meeting.scheduled_for)[2]
    strings["point-skipped"] = canary("point-skipped")
    service.add_talking_point(skipped, actors.manager.id, strings["point-skipped"])
    service.skip_meeting(skipped, actors.manager.id, now=completed.scheduled_for)
    # Dana's own question bank, and both people's calendar feeds.
    strings["question"] = canary("question")
    Question.create(owner=actors.manager.id, theme="career", text=strings["question"])
    for person in (actors.manager, actors.report):
        CalendarFeed.create(user=person.id, token=canary(f"token-{person.id}"))
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
    for kind in GROWTH + ("feedback-draft",):
        strings[kind] = canary(kind)
    growth.save_plan(
        actors.report.id,
        actors.report.id,
        {
            "aspiration": strings["plan-aspiration"],
            "strengths": strings["plan-strengths"],
            "growth_areas": strings["plan-growth-areas"],
        },
        0,
    )
    growth.add_step(
        actors.report.id,
        actors.manager.id,
        StepTerms(kind="training", title=strings["step-title"], notes=strings["step-notes"]),
    )
    growth.record_win(actors.report.id, actors.report.id, strings["win"])
    for kind, send in (("feedback-sent", True), ("feedback-draft", False)):
        growth.write_feedback(
            actors.report.id,
            actors.manager.id,
            actors.report.id,
            FeedbackTerms(kind="suggestion", body=strings[kind]),
            send=send,
        )
    return strings


def reachable_get_urls(app, actors):
    """Every GET route, filled with the ids of the pair's objects (each of its meetings,
    each feedback — sent and draft), plus a search."""
    ids = {
        "pair_id": [actors.pair.id],
        # Held, next, skipped and the one after it: every state a meeting can be in.
        "meeting_id": [m.id for m in actors.pair.meetings.order_by(Meeting.scheduled_for)[:4]],
        "question_id": [q.id for q in Question.select(Question.id)],
        # A feed's token is its only credential: whoever has it reads the feed, which
        # must therefore hold no canary at all.
        "token": [feed.token for feed in CalendarFeed.select()],
        "user_id": [actors.report.id],
        "employee_id": [actors.report.id],
        "goal_id": [Goal.select(Goal.id).scalar()],
        "objective_id": [Objective.select(Objective.id).scalar()],
        "step_id": [PlanStep.select(PlanStep.id).scalar()],
        "win_id": [Win.select(Win.id).scalar()],
        "feedback_id": [f.id for f in Feedback.select(Feedback.id).order_by(Feedback.id)],
        "token_id": [],
        # SCIM answers every session with 401; the directory's own token is read in
        # tests/test_scim.py.
        "resource_endpoint": ["Users"],
        "resource_id": [actors.report.id, actors.manager.id],
        "path": ["Users"],
    }
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            unknown = set(rule.arguments) - set(ids)
            assert not unknown, f"canary test cannot fill {rule.endpoint} {unknown}"
            names = sorted(rule.arguments)
            for values in itertools.product(*(ids[name] for name in names)):
                urls.append(app.url_for(rule.endpoint, **dict(zip(names, values, strict=True))))
    pair_url = [u for u in urls if u.startswith("/one-on-ones/")][0]
    urls += [f"{pair_url}?q=canary", f"{pair_url}?page=2"]
    return urls


def pdf_text(data):
    """What a PDF says, without whitespace (a long canary may wrap onto the next line),
    or None where poppler's pdftotext is not installed."""
    if not shutil.which("pdftotext"):
        return None
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return "".join(text.split())


def readable(response):
    if response.mimetype == "application/zip":
        # The data export: every file in it is read.
        with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
            return "\n".join(archive.read(name).decode() for name in archive.namelist())
    if response.mimetype != "application/pdf":
        return response.get_data(as_text=True)
    # Without pdftotext the PDF goes unread here; the PDF test below then skips, or
    # fails under CI=true.
    return pdf_text(response.data) or ""


def fetch_all(client, urls):
    pages = {}
    for url in urls:
        for headers in ({}, {"HX-Request": "true", "HX-Request-Type": "partial"}):
            response = client.get(url, headers=headers)
            pages[(url, bool(headers))] = (response.status_code, readable(response))
    return pages


def plan_pdf_url(actors):
    return f"/people/{actors.report.id}/plan.pdf"


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_no_one_outside_the_pair_sees_any_canary(app, client, actors, login, planted, outsider):
    if outsider != "anonymous":
        login(getattr(actors, outsider))
    pages = fetch_all(client, reachable_get_urls(app, actors))
    assert pages, "no page was fetched"
    status, _body = pages[(plan_pdf_url(actors), False)]
    assert status == (302 if outsider == "anonymous" else 404)
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
    assert (planted["question"] in everything) is (viewer == "manager")
    assert planted["point-skipped"] in everything


@pytest.mark.parametrize(("viewer", "sees_draft"), [("manager", True), ("report", False)])
def test_a_feedback_draft_reaches_only_its_giver(
    app, client, actors, login, planted, viewer, sees_draft
):
    login(getattr(actors, viewer))
    pages = fetch_all(client, reachable_get_urls(app, actors))
    everything = "\n".join(body for _, body in pages.values())
    assert (planted["feedback-draft"] in everything) is sees_draft
    # The canary method works: both see the plan, its steps, wins and sent feedback.
    for kind in GROWTH:
        assert planted[kind] in everything, kind


@pytest.mark.parametrize("viewer", ["manager", "report"])
def test_the_plan_pdf_shows_the_plan_but_never_a_draft(client, actors, login, planted, viewer):
    login(getattr(actors, viewer))
    response = client.get(plan_pdf_url(actors))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    if text is None:
        unavailable("pdftotext (poppler-utils) is not installed")
    assert planted["plan-aspiration"] in text and planted["step-title"] in text
    assert planted["feedback-draft"] not in text
