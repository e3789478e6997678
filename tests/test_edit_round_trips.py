"""Every edit form shows what is stored: opened and saved without a change, as a
browser submits it, it changes nothing. A select that does not mark the stored option
makes the browser send its first option instead, which silently rewrites the item
(an objective's owner, a step's goal); a radio group that marks none sends nothing."""

import dataclasses
import datetime
from html.parser import HTMLParser

import pytest
from playhouse.shortcuts import model_to_dict

from pmweb.goals import service as goals
from pmweb.growth import service as growth
from pmweb.growth.service import FeedbackTerms, StepTerms
from pmweb.meetings import service
from pmweb.models import (
    ActionItem,
    DevelopmentPlan,
    Feedback,
    Goal,
    Objective,
    OneOnOne,
    PlanStep,
)
from tests.test_access import GOAL_TERMS

# What saving may change even when nothing else does.
BOOKKEEPING = {"version", "updated_at", "changed_at"}


class AsSubmitted(HTMLParser):
    """Each form of a page, by its action, as a browser would submit it untouched: a
    text field's value, a ticked box or radio, the marked option of a select (or its
    first, when none is marked), a textarea's text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = {}
        self._form = None
        self._select = None  # [name, marked value or None, first value or None]
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = self.forms.setdefault(attrs.get("action") or "", [])
        elif self._form is None or (tag != "option" and not attrs.get("name")):
            return
        elif tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "reset", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._form.append(
                (
                    attrs["name"],
                    attrs.get("value") or ("on" if kind in ("checkbox", "radio") else ""),
                )
            )
        elif tag == "select":
            self._select = [attrs["name"], None, None]
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select[2] is None:
                self._select[2] = value
            if "selected" in attrs:
                self._select[1] = value
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            name, marked, first = self._select
            if marked is not None or first is not None:
                self._form.append((name, marked if marked is not None else first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._form.append((name, text.removeprefix("\n")))
            self._textarea = None


def submit_unchanged(client, page_url, action):
    page = client.get(page_url)
    assert page.status_code == 200, page_url
    parser = AsSubmitted()
    parser.feed(page.get_data(as_text=True))
    assert action in parser.forms, f"no form posting to {action} on {page_url}"
    data = {}
    for name, value in parser.forms[action]:
        data.setdefault(name, []).append(value)
    return client.post(action, data=data)


def stored(model, row_id):
    row = model_to_dict(model.get_by_id(row_id), recurse=False)
    return {name: value for name, value in row.items() if name not in BOOKKEEPING}


@pytest.fixture
def linked(actors):
    """Sam's goal aligned to Dana's objective, a step of his plan towards it, and a draft
    of Dana's linked to the meeting, the goal and the step: every select set to
    something other than its first option."""
    objective = goals.create_objective("Self-serve", "2027 H1", actors.manager, actors.manager)
    terms = dataclasses.replace(GOAL_TERMS, objective_id=objective.id)
    goal = goals.propose_goal(actors.report, actors.report, "employee", terms)
    goals.agree(goal, "manager", actors.manager.id, 1, actors.manager.id)
    growth.save_plan(
        actors.report.id,
        actors.report.id,
        {"aspiration": "Lead a team", "strengths": "Writing", "growth_areas": "Delegation"},
        0,
    )
    step = growth.add_step(
        actors.report.id,
        actors.manager.id,
        StepTerms(
            kind="training",
            title="SRE course",
            target_date=datetime.date.today() + datetime.timedelta(days=60),
            status="in_progress",
            goal_id=goal.id,
            notes="Ask about the budget",
        ),
    )
    draft = growth.write_feedback(
        actors.report.id,
        actors.manager.id,
        actors.report.id,
        FeedbackTerms(
            kind="suggestion",
            body="Shorter updates",
            meeting_id=actors.meeting.id,
            goal_id=goal.id,
            step_id=step.id,
        ),
        send=False,
    ).feedback
    return objective, goal, step, draft


def test_an_objective_keeps_its_owner(client, actors, login, linked):
    objective, *_ = linked
    login(actors.manager)
    before = stored(Objective, objective.id)
    url = f"/objectives/{objective.id}/edit"
    assert submit_unchanged(client, url, url).status_code == 303
    assert stored(Objective, objective.id) == before


def test_a_goal_keeps_its_terms(client, actors, login, linked):
    _, goal, *_ = linked
    login(actors.manager)
    before = stored(Goal, goal.id)
    url = f"/goals/{goal.id}/edit"
    assert submit_unchanged(client, url, url).status_code == 303
    assert stored(Goal, goal.id) == before


def test_a_plan_step_keeps_its_kind_status_and_goal(client, actors, login, linked):
    *_, step, _ = linked
    login(actors.manager)
    before = stored(PlanStep, step.id)
    url = f"/plan-steps/{step.id}"
    assert submit_unchanged(client, url, url).status_code == 303
    assert stored(PlanStep, step.id) == before


def test_a_feedback_draft_keeps_its_kind_and_links(client, actors, login, linked):
    *_, draft = linked
    login(actors.manager)
    before = stored(Feedback, draft.id)
    response = submit_unchanged(client, f"/feedback/{draft.id}/edit", f"/feedback/{draft.id}")
    assert response.status_code == 303
    assert stored(Feedback, draft.id) == before


def test_the_plan_keeps_its_texts(client, actors, login, linked):
    login(actors.report)
    plan = DevelopmentPlan.get(DevelopmentPlan.employee == actors.report.id)
    before = stored(DevelopmentPlan, plan.id)
    url = f"/people/{actors.report.id}/plan"
    assert submit_unchanged(client, url, url).status_code == 303
    assert stored(DevelopmentPlan, plan.id) == before


def test_a_one_on_ones_rhythm_keeps_its_day_and_time(client, actors, login):
    pair = actors.pair
    OneOnOne.update(cadence="biweekly", weekday=3, time_of_day=datetime.time(10, 10)).where(
        OneOnOne.id == pair.id
    ).execute()
    login(actors.manager)
    before = stored(OneOnOne, pair.id)
    response = submit_unchanged(
        client, f"/one-on-ones/{pair.id}", f"/one-on-ones/{pair.id}/cadence"
    )
    assert response.status_code in (200, 303)
    assert stored(OneOnOne, pair.id) == before


def test_an_overdue_action_item_keeps_its_owner_and_date(client, actors, login):
    # Dana owns it (not the first option) and it fell overdue (a date no longer offered).
    meeting = actors.meeting
    item = service.add_action_item(
        meeting,
        actors.report.id,
        actors.manager.id,
        "Sign off the budget",
        datetime.date(2020, 1, 1),
    )
    login(actors.report)
    before = stored(ActionItem, item.id)
    response = submit_unchanged(
        client, f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/action-items/{item.id}/edit"
    )
    assert response.status_code == 303
    assert stored(ActionItem, item.id) == before
