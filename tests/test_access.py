"""The policy table: every route of the app × every kind of actor, with the outcome
each must get. A route missing from the table fails the test, so a new route is
decided on purpose, not by accident."""

import datetime

import pytest
from scim2_server.routing import ROUTES as SCIM_ROUTES

from pmweb import accounts
from pmweb.directory import tokens as scim_tokens
from pmweb.goals import service as goals
from pmweb.goals.service import Terms
from pmweb.growth import service as growth
from pmweb.growth.service import FeedbackTerms, StepTerms
from pmweb.meetings import service
from pmweb.models import ActionItem, CalendarFeed, Feedback, Handoff, Question, ReportingLine
from pmweb.org import service as org
from pmweb.sharing import handoffs
from pmweb.sharing import service as sharing
from tests.conftest import PASSWORD, make_user

GOAL_TERMS = Terms(
    title="Raise NPS",
    due=datetime.date.today() + datetime.timedelta(days=90),
    measure="number",
    start_value=32.0,
    target_value=45.0,
)

ACTORS = ["manager", "report", "other_manager", "other_employee", "admin", "anonymous"]
PARTICIPANTS = ("manager", "report")

LOGIN = "login"  # redirected to the sign-in page
OK_PAGE, NOTHING_TO_SEND, DONE, UNAUTHORIZED, MISSING, READ_ONLY = 200, 204, 303, 401, 404, 409


class World:
    """One pair's meeting with a talking point and an action item by Dana, Sam's goal
    and development plan with a step and a win, feedback Dana sent Sam and a draft of
    hers, plus the ids every route needs."""

    def __init__(self, actors):
        self.actors = actors
        self.meeting = actors.meeting
        self.point = service.add_talking_point(self.meeting, actors.manager.id, "Roadmap")
        self.item = service.add_action_item(
            self.meeting, actors.manager.id, actors.report.id, "Write the RFC", None
        )
        self.line = ReportingLine.get(ReportingLine.employee == actors.report.id)
        # Sam's goal, agreed by both, and an objective Dana keeps.
        self.goal = goals.propose_goal(actors.report, actors.report, "employee", GOAL_TERMS)
        goals.agree(self.goal, "manager", actors.manager.id, 1, actors.manager.id)
        self.objective = goals.create_objective(
            "Self-serve", "2027 H1", actors.manager, actors.manager
        )
        # Sam's development plan (version 1 once saved), a step Dana added, a win of his.
        growth.save_plan(
            actors.report.id,
            actors.report.id,
            {"aspiration": "Lead a team", "strengths": "Writing", "growth_areas": "Delegation"},
            0,
        )
        self.step = growth.add_step(
            actors.report.id, actors.manager.id, StepTerms(kind="training", title="SRE course")
        )
        self.win = growth.record_win(actors.report.id, actors.report.id, "Shipped search")
        # Feedback from Dana to Sam: sent (version 2 after sending), and a draft.
        self.feedback = growth.write_feedback(
            actors.report.id,
            actors.manager.id,
            actors.report.id,
            FeedbackTerms(kind="praise", body="Great incident review"),
            send=True,
        ).feedback
        self.draft = growth.write_feedback(
            actors.report.id,
            actors.manager.id,
            actors.report.id,
            FeedbackTerms(kind="suggestion", body="Not ready to say yet"),
            send=False,
        ).feedback
        # Sam shares his plan with Hana, who is outside every row of the table.
        self.grant = sharing.give_grant(actors.report, actors.hr, "plan", 7)
        # A question in Dana's own bank, and her calendar feed.
        self.question = Question.create(owner=actors.manager.id, theme="career", text="Next?")
        self.feed = CalendarFeed.create(user=actors.manager.id, token="dana-feed-token-4f9c2a7e")
        # A token for the company's directory, made by the administrator.
        self.scim_token, _ = scim_tokens.make_token("Okta", actors.admin)

    @property
    def ids(self):
        return {
            "pair_id": self.actors.pair.id,
            "meeting_id": self.meeting.id,
            "point_id": self.point.id,
            "item_id": self.item.id,
            "user_id": self.actors.hr.id,
            "line_id": self.line.id,
            "employee_id": self.actors.report.id,
            "goal_id": self.goal.id,
            "objective_id": self.objective.id,
            "step_id": self.step.id,
            "win_id": self.win.id,
            # The sent feedback: Sam can read it but not change it (409), which tells
            # "only the giver words it" apart from "not visible" (404). The draft, which
            # Sam must not even learn of, has its own test below.
            "feedback_id": self.feedback.id,
            "grant_id": self.grant.id,
            "question_id": self.question.id,
            "token": self.feed.token,
            "token_id": self.scim_token.id,
            "resource_endpoint": "Users",
            "resource_id": str(self.actors.report.id),
            "path": "Users",
        }


def only_participants(outcome):
    return {actor: outcome if actor in PARTICIPANTS else MISSING for actor in ACTORS} | {
        "anonymous": LOGIN
    }


def only_admin(outcome):
    return {actor: MISSING for actor in ACTORS} | {"admin": outcome, "anonymous": LOGIN}


def everyone_signed_in(outcome):
    return {actor: outcome for actor in ACTORS} | {"anonymous": LOGIN}


def managers_and_admin(outcome):
    """Those who keep the objectives: administrators and anyone managing someone."""
    return {actor: MISSING for actor in ACTORS} | {
        "manager": outcome,
        "other_manager": outcome,
        "admin": outcome,
        "anonymous": LOGIN,
    }


def only_the_giver(outcome):
    """Feedback Dana gave: Sam, who receives it, reads it but may not change it."""
    return only_participants(outcome) | {"report": READ_ONLY}


def step_form(**changes):
    return {
        "kind": "training",
        "title": "SRE course, part 2",
        "target_date": "{in_a_month}",
        "status": "in_progress",
        "goal": "0",
        "notes": "Chapters 1-8.",
    } | changes


def feedback_form(**changes):
    return {
        "kind": "praise",
        "body": "Clear and calm in the review.",
        "meeting": "0",
        "goal": "0",
        "step": "0",
        "win_title": "",
        "action": "send",
    } | changes


def goal_form(**changes):
    return {
        "title": "Raise NPS to 50",
        "why": "",
        "objective": "0",
        "due": "{in_a_month}",
        "measure": "number",
        "start_value": "32",
        "target_value": "50",
        "unit": "NPS",
        "milestones": "",
    } | changes


# endpoint: (method, form data, expected outcome per actor)
POLICY = {
    "static": ("GET", None, None),  # public files; checked separately below
    # For a load balancer: anyone, signed in or not, gets the same plain answer.
    "health.healthz": ("GET", None, {actor: OK_PAGE for actor in ACTORS}),
    "health.readyz": ("GET", None, {actor: OK_PAGE for actor in ACTORS}),
    # For Prometheus only, with its bearer token: no session opens it (tests/test_metrics.py).
    "metrics.metrics": ("GET", None, {actor: MISSING for actor in ACTORS}),
    "auth.login": ("GET", None, {a: 302 for a in ACTORS} | {"anonymous": OK_PAGE}),
    "auth.logout": ("POST", {}, everyone_signed_in(DONE)),
    "auth.password": ("GET", None, everyone_signed_in(OK_PAGE)),
    "auth.account": ("GET", None, everyone_signed_in(OK_PAGE)),
    # Single sign-on is off in this table's app: neither route is there for anyone.
    # With it on, see tests/test_sso.py (test_who_gets_what_from_the_sso_routes).
    "sso.start": ("GET", None, {actor: MISSING for actor in ACTORS}),
    "sso.callback": ("GET", None, {actor: MISSING for actor in ACTORS}),
    # A one-time link's token is its only credential: an unknown one is not found for
    # everyone, signed in or not (the feed's token stands in for a guess).
    "auth.password_link": ("GET", None, {actor: MISSING for actor in ACTORS}),
    "auth.choose_password": ("POST", {}, {actor: MISSING for actor in ACTORS}),
    "auth.change_password": (
        "POST",
        {
            "current_password": "correct-horse-battery",
            "new_password": "a brand new passphrase",
            "new_password_again": "a brand new passphrase",
        },
        everyone_signed_in(DONE),
    ),
    "meetings.home": ("GET", None, everyone_signed_in(OK_PAGE)),
    "meetings.one_on_one": ("GET", None, only_participants(OK_PAGE)),
    "meetings.set_cadence": (
        "POST",
        {"cadence": "biweekly", "weekday": "2", "time_of_day": "14:30"},
        only_participants(DONE),
    ),
    "meetings.meeting": ("GET", None, only_participants(OK_PAGE)),
    "meetings.live_updates": ("GET", None, only_participants(OK_PAGE)),
    "meetings.add_talking_point": ("POST", {"text": "Hiring plan"}, only_participants(DONE)),
    "meetings.edit_talking_point": (
        "POST",
        {"text": "Roadmap v2", "version": "1"},
        only_participants(DONE),
    ),
    "meetings.mark_discussed": ("POST", {"discussed": "1"}, only_participants(DONE)),
    "meetings.move_talking_point": ("POST", {"direction": "up"}, only_participants(DONE)),
    # Only the author (Dana) may delete her point; Sam is told why.
    "meetings.delete_talking_point": (
        "POST",
        {},
        only_participants(DONE) | {"report": READ_ONLY},
    ),
    "meetings.save_shared_notes": (
        "POST",
        {"shared_notes": "Agreed on scope", "version": "1"},
        only_participants(DONE),
    ),
    "meetings.save_private_note": ("POST", {"body": "mine"}, only_participants(DONE)),
    "meetings.add_action_item": (
        "POST",
        {"text": "Book the room", "owner": "{report_id}", "due": ""},
        only_participants(DONE),
    ),
    "meetings.edit_action_item": (
        "POST",
        {
            "text": "Write the RFC, v2",
            "owner": "{report_id}",
            "due": "{in_a_month}",
            "version": "1",
        },
        only_participants(DONE),
    ),
    # Only Dana, who added the item, may delete it; Sam, its owner, is told why.
    "meetings.delete_action_item": (
        "POST",
        {},
        only_participants(DONE) | {"report": READ_ONLY},
    ),
    "meetings.mark_action_item_done": ("POST", {"done": "1"}, only_participants(DONE)),
    "meetings.confirm_completion": ("GET", None, only_participants(OK_PAGE)),
    "meetings.complete_meeting": ("POST", {}, only_participants(DONE)),
    # The world's meeting is not completed: there is nothing to reopen.
    "meetings.reopen_meeting": ("POST", {}, only_participants(READ_ONLY)),
    "meetings.reschedule_meeting": ("POST", {"at": "{an_hour_later}"}, only_participants(DONE)),
    "meetings.skip_meeting": ("POST", {}, only_participants(DONE)),
    # Preparation: each person's own week, questions, calendar feed and team numbers.
    "prep.this_week": ("GET", None, everyone_signed_in(OK_PAGE)),
    # Someone in no one-on-one (the administrator here) has nothing to follow.
    "prep.live_updates": ("GET", None, everyone_signed_in(OK_PAGE) | {"admin": NOTHING_TO_SEND}),
    "prep.add_talking_point": ("POST", {"text": "Hiring plan"}, only_participants(DONE)),
    "prep.save_private_note": ("POST", {"body": "prep"}, only_participants(DONE)),
    "prep.questions": ("GET", None, everyone_signed_in(OK_PAGE)),
    "prep.add_question": (
        "POST",
        {"theme": "career", "text": "Where next?"},
        everyone_signed_in(DONE),
    ),
    "prep.delete_question": ("POST", {}, only_participants(MISSING) | {"manager": DONE}),
    "prep.calendar_settings": ("GET", None, everyone_signed_in(OK_PAGE)),
    "prep.new_calendar_address": ("POST", {}, everyone_signed_in(DONE)),
    "prep.turn_calendar_off": ("POST", {}, everyone_signed_in(DONE)),
    # The token is the credential: calendar apps have no session.
    "prep_feed.calendar_feed": ("GET", None, {actor: OK_PAGE for actor in ACTORS}),
    "prep.team": ("GET", None, everyone_signed_in(OK_PAGE)),
    # Goals: the employee (Sam) and his current manager (Dana), nobody else.
    "goals.my_goals": ("GET", None, everyone_signed_in(302)),
    "goals.overview": ("GET", None, only_participants(OK_PAGE)),
    "goals.new_goal": ("GET", None, only_participants(OK_PAGE)),
    "goals.propose_goal": ("POST", goal_form(), only_participants(DONE)),
    "goals.goal": ("GET", None, only_participants(OK_PAGE)),
    "goals.edit_goal": ("GET", None, only_participants(OK_PAGE)),
    "goals.change_goal": ("POST", goal_form(version="1"), only_participants(DONE)),
    # The goal is agreed already: the step is refused with the reason.
    "goals.agree": ("POST", {"version": "1"}, only_participants(READ_ONLY)),
    "goals.check_in": (
        "POST",
        {"value": "36", "confidence": "on_track", "note": ""},
        only_participants(DONE),
    ),
    "goals.propose_closing": (
        "POST",
        {"outcome": "achieved", "reason": "", "version": "1"},
        only_participants(DONE),
    ),
    # Nobody has proposed closing it yet.
    "goals.agree_to_close": (
        "POST",
        {"outcome": "achieved", "version": "1"},
        only_participants(READ_ONLY),
    ),
    "goals.withdraw_closing": ("POST", {"version": "1"}, only_participants(DONE)),
    "goals.objectives": ("GET", None, everyone_signed_in(OK_PAGE)),
    "goals.create_objective": (
        "POST",
        {"title": "Fewer tickets", "period": "2027 H1", "owner": "{report_id}"},
        managers_and_admin(DONE),
    ),
    "goals.edit_objective": ("GET", None, managers_and_admin(OK_PAGE)),
    "goals.change_objective": (
        "POST",
        {"title": "Self-serve in a day", "period": "2027 H1", "owner": "{report_id}"},
        managers_and_admin(DONE),
    ),
    "goals.archive_objective": ("POST", {}, managers_and_admin(DONE)),
    "meetings.check_in_goal": (
        "POST",
        {"value": "37", "confidence": "at_risk", "note": ""},
        only_participants(DONE),
    ),
    # Development plan, feedback and wins: Sam's, seen and shaped by Sam and Dana only.
    "growth.my_plan": ("GET", None, everyone_signed_in(302)),
    "growth.plan": ("GET", None, only_participants(OK_PAGE)),
    "growth.save_plan": (
        "POST",
        {
            "aspiration": "Lead a platform team",
            "strengths": "Clear writing",
            "growth_areas": "Delegation",
            "version": "1",
        },
        only_participants(DONE),
    ),
    "growth.add_step": ("POST", step_form(), only_participants(DONE)),
    "growth.step": ("GET", None, only_participants(OK_PAGE)),
    "growth.change_step": ("POST", step_form(version="1"), only_participants(DONE)),
    "growth.set_step_status": ("POST", {"status": "done"}, only_participants(DONE)),
    "growth.remove_step": ("POST", {}, only_participants(DONE)),
    "growth.plan_history": ("GET", None, only_participants(OK_PAGE)),
    "growth.printable_plan": ("GET", None, only_participants(OK_PAGE)),
    "growth.plan_pdf": ("GET", None, only_participants(OK_PAGE)),
    "growth.record_win": (
        "POST",
        {"title": "Led the launch", "details": "", "achieved_on": "{today}", "goal": "0"},
        only_participants(DONE),
    ),
    # Sam recorded the win: only he takes it back; Dana reads it but may not.
    "growth.remove_win": ("POST", {}, only_participants(DONE) | {"manager": READ_ONLY}),
    "growth.my_feedback": ("GET", None, everyone_signed_in(302)),
    "growth.feedback": ("GET", None, only_participants(OK_PAGE)),
    # Dana's goes down to Sam, Sam's up to Dana.
    "growth.give_feedback": ("POST", feedback_form(), only_participants(DONE)),
    "growth.edit_feedback": ("GET", None, only_the_giver(OK_PAGE)),
    # Sent feedback is corrected in the open, by its giver.
    "growth.change_feedback": ("POST", feedback_form(version="2"), only_the_giver(DONE)),
    # What corrected feedback said before: for whoever reads the feedback.
    "growth.feedback_wordings": ("GET", None, only_participants(OK_PAGE)),
    # Sending what is already sent changes nothing and is not an error.
    "growth.send_feedback": ("POST", {}, only_the_giver(DONE)),
    # Sent feedback stays, even for Dana; Sam may not delete it anyway.
    "growth.delete_feedback": ("POST", {}, only_participants(READ_ONLY)),
    "meetings.set_step_status": ("POST", {"status": "done"}, only_participants(DONE)),
    "meetings.record_win": ("POST", {"title": "Closed the quarter"}, only_participants(DONE)),
    # Each person's own sharing: everyone signed in has one; a grant is its giver's.
    "sharing.sharing": ("GET", None, everyone_signed_in(OK_PAGE)),
    "sharing.reads": ("GET", None, everyone_signed_in(OK_PAGE)),
    "sharing.export": ("GET", None, everyone_signed_in(OK_PAGE)),
    # Nobody in the table has changed manager: the page says so, the form does nothing.
    "sharing.handoff": ("GET", None, everyone_signed_in(OK_PAGE)),
    "sharing.share_with_new_manager": ("POST", {}, everyone_signed_in(DONE)),
    # Sam's own handoff, posted with no choice made, asks for one; nobody else has one
    # to decide and is sent back to the page.
    "sharing.carry_over": ("POST", {}, everyone_signed_in(DONE) | {"report": 422}),
    "sharing.give_grant": (
        "POST",
        {"grantee": "{hr_id}", "scope": "plan", "days": "30"},
        everyone_signed_in(DONE),
    ),
    "sharing.revoke_grant": (
        "POST",
        {},
        {actor: MISSING for actor in ACTORS} | {"report": DONE, "anonymous": LOGIN},
    ),
    "org.people": ("GET", None, only_admin(OK_PAGE)),
    "org.person_choices": ("GET", None, only_admin(OK_PAGE)),
    "org.overview": ("GET", None, only_admin(OK_PAGE)),
    "org.activity": ("GET", None, only_admin(OK_PAGE)),
    "org.create_person": (
        "POST",
        {"email": "new.person@example.com", "name": "New Person"},
        only_admin(OK_PAGE),  # shows the one-time link to choose a password
    ),
    "org.deactivate_person": ("POST", {}, only_admin(DONE)),
    "org.reactivate_person": ("POST", {}, only_admin(DONE)),
    "org.reset_password": ("POST", {}, only_admin(OK_PAGE)),
    "org.reporting_lines": ("GET", None, only_admin(OK_PAGE)),
    "org.start_reporting_line": (
        "POST",
        {"manager": "{other_manager_email}", "employee": "{hr_email}", "starts_on": "{today}"},
        only_admin(DONE),
    ),
    "org.end_reporting_line": ("POST", {"ends_on": "{today}"}, only_admin(DONE)),
    "org.import_people": ("GET", None, only_admin(OK_PAGE)),
    "org.preview_import": (
        "POST",
        {"csv_text": "email,name,manager_email\nnew@example.com,New Person,\n"},
        only_admin(OK_PAGE),
    ),
    "org.confirm_import": (
        "POST",
        {"csv_text": "email,name,manager_email\nnew@example.com,New Person,\n"},
        only_admin(OK_PAGE),  # shows each new person's one-time link
    ),
    "directory.tokens": ("GET", None, only_admin(OK_PAGE)),
    "directory.make_token": ("POST", {"name": "Okta"}, only_admin(OK_PAGE)),
    "directory.revoke_token": ("POST", {}, only_admin(DONE)),
    # SCIM takes the directory's bearer token and nothing else: every session, an
    # administrator's too, gets the SCIM error 401 (tests/test_scim.py).
    **{
        f"scim.{route.name}": (route.method, {}, {actor: UNAUTHORIZED for actor in ACTORS})
        for route in SCIM_ROUTES
    },
    "scim.fallback": ("GET", None, {actor: UNAUTHORIZED for actor in ACTORS}),
}


# Routes whose answer depends on the session: each is its own test in every table below.
# SCIM answers every session alike, 401 (it takes the directory's bearer token, never a
# cookie), so one test walks all its routes for every actor.
BY_SESSION = sorted(e for e in POLICY if e != "static" and not e.startswith("scim."))
SCIM_ENDPOINTS = sorted(e for e in POLICY if e.startswith("scim."))


def rules_by_endpoint(app):
    rules = {}
    for rule in app.url_map.iter_rules():
        rules.setdefault(rule.endpoint, []).append(rule)
    return rules


def test_every_route_is_in_the_policy_table(app):
    missing = sorted(set(rules_by_endpoint(app)) - set(POLICY))
    assert missing == [], f"routes with no access decision in POLICY: {missing}"
    stale = sorted(set(POLICY) - set(rules_by_endpoint(app)))
    assert stale == [], f"POLICY lists routes that no longer exist: {stale}"


def _fill(value, world):
    if not isinstance(value, str):
        return value
    actors = world.actors
    return value.format(
        report_id=actors.report.id,
        hr_id=actors.hr.id,
        hr_email=actors.hr.email,
        other_manager_email=actors.other_manager.email,
        today=datetime.date.today().isoformat(),
        in_a_month=(datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
        an_hour_later=f"{world.meeting.scheduled_for + datetime.timedelta(hours=1):%Y-%m-%dT%H:%M}",
    )


def _request(app, client, world, endpoint):
    """The route's request as the policy table writes it, with the world's ids."""
    method, data, _ = POLICY[endpoint]
    # SCIM's catch-all has two rules, for its root and for any path below it.
    rule = rules_by_endpoint(app)[endpoint][-1]
    with app.test_request_context():
        url = app.url_for(
            endpoint, _method=method, **{arg: world.ids[arg] for arg in rule.arguments}
        )
    if method == "GET":
        return client.get(url)
    if endpoint.startswith("scim."):
        return client.open(url, method=method, json=data)
    return client.post(url, data={k: _fill(v, world) for k, v in data.items()})


@pytest.mark.parametrize("endpoint", BY_SESSION)
@pytest.mark.parametrize("actor", ACTORS)
def test_policy(app, client, actors, login, endpoint, actor):
    expected = POLICY[endpoint][2]
    world = World(actors)
    if actor != "anonymous":
        login(getattr(actors, actor))
    response = _request(app, client, world, endpoint)

    outcome = expected[actor]
    if outcome == LOGIN:
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == outcome, response.get_data(as_text=True)[:500]


def test_scim_routes_answer_every_session_alike(app, client, actors, login):
    world = World(actors)
    for actor in ACTORS:
        if actor == "anonymous":
            client.post("/logout")
        else:
            login(getattr(actors, actor))
        for endpoint in SCIM_ENDPOINTS:
            response = _request(app, client, world, endpoint)
            assert response.status_code == POLICY[endpoint][2][actor], (actor, endpoint)


def test_pages_are_never_stored_by_browsers_or_proxies(client, actors, login):
    login(actors.manager)
    assert client.get(f"/meetings/{actors.meeting.id}").headers["Cache-Control"] == "no-store"


def test_static_files_are_public(client):
    with client.get("/static/css/app.css") as response:
        assert response.status_code == 200


def test_htmx_request_without_session_gets_401_with_redirect(client, actors):
    response = client.post(
        f"/meetings/{actors.meeting.id}/talking-points",
        data={"text": "x"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_former_manager_reads_but_cannot_change_old_meetings(client, actors, login):
    meeting = actors.meeting
    ReportingLine.update(ends_on=datetime.date.today() - datetime.timedelta(days=1)).execute()
    login(actors.manager)
    assert client.get(f"/meetings/{meeting.id}").status_code == 200
    response = client.post(f"/meetings/{meeting.id}/talking-points", data={"text": "late"})
    assert response.status_code == 409
    assert "ended" in response.get_data(as_text=True)


def test_an_action_item_of_another_pair_is_not_found(client, actors, login):
    other_meeting = actors.other_pair.meetings.get()
    foreign = service.add_action_item(
        other_meeting, actors.other_manager.id, actors.other_employee.id, "Theirs", None
    )
    login(actors.manager)
    response = client.post(
        f"/meetings/{actors.meeting.id}/action-items/{foreign.id}/done", data={"done": "1"}
    )
    assert response.status_code == 404
    assert ActionItem.get_by_id(foreign.id).done_at is None


@pytest.mark.parametrize("actor", ["report", "other_manager", "other_employee", "admin"])
def test_a_feedback_draft_is_not_found_by_anyone_but_its_giver(client, actors, login, actor):
    draft = World(actors).draft
    login(getattr(actors, actor))
    assert client.get(f"/feedback/{draft.id}/edit").status_code == MISSING
    for url, data in (
        (f"/feedback/{draft.id}", feedback_form(version="1")),
        (f"/feedback/{draft.id}/send", {}),
        (f"/feedback/{draft.id}/delete", {}),
    ):
        assert client.post(url, data=data).status_code == MISSING, url
    assert Feedback.get_by_id(draft.id).sent_at is None


def test_the_giver_deletes_her_draft(client, actors, login):
    draft = World(actors).draft
    login(actors.manager)
    assert client.get(f"/feedback/{draft.id}/edit").status_code == OK_PAGE
    assert client.post(f"/feedback/{draft.id}/delete").status_code == DONE
    assert Feedback.get_or_none(Feedback.id == draft.id) is None


# --- a new manager, before the employee chose what to carry over ------------------------
#
# The administrator hands Sam to Morgan through the organisation's rules. Morgan is now
# Sam's manager, and everything of Sam's in the table above was written before: Morgan
# gets what an outsider gets, except on the pages of Sam's as a manager — his goals,
# plan and feedback pages and what Morgan adds there — where every earlier goal, step,
# win and feedback is not found, and the plan's texts are Sam's alone.
AS_SAMS_MANAGER_NOW = {
    "goals.overview": OK_PAGE,
    "goals.new_goal": OK_PAGE,
    "goals.propose_goal": DONE,
    "growth.plan": OK_PAGE,
    "growth.save_plan": READ_ONLY,
    "growth.add_step": DONE,
    "growth.plan_history": OK_PAGE,
    "growth.printable_plan": OK_PAGE,
    "growth.plan_pdf": OK_PAGE,
    "growth.record_win": DONE,
    "growth.feedback": OK_PAGE,
    "growth.give_feedback": DONE,
    # Morgan manages someone now, so keeps the objectives like any manager.
    "goals.create_objective": DONE,
    "goals.edit_objective": OK_PAGE,
    "goals.change_objective": DONE,
    "goals.archive_objective": DONE,
}


@pytest.mark.parametrize("endpoint", BY_SESSION)
def test_policy_for_a_new_manager_before_the_carry_over(app, client, actors, login, endpoint):
    expected = POLICY[endpoint][2]
    world = World(actors)
    morgan = make_user("Morgan Lee")
    org.start_reporting_line(morgan, actors.report, datetime.date.today(), "UTC", by=actors.admin)
    login(morgan)
    response = _request(app, client, world, endpoint)
    outcome = AS_SAMS_MANAGER_NOW.get(endpoint, expected["other_manager"])
    assert response.status_code == outcome, response.get_data(as_text=True)[:500]


# --- the same new manager, once Sam carried everything over ------------------------------
#
# Morgan then works on Sam's earlier goals, plan and feedback as Dana did — except that
# Dana's feedback stays Dana's to word and send (read-only for Morgan, as for Sam).
CARRIED_OVER_TO_MORGAN = [
    "goals.goal",
    "goals.edit_goal",
    "goals.change_goal",
    "goals.agree",
    "goals.check_in",
    "goals.propose_closing",
    "goals.agree_to_close",
    "goals.withdraw_closing",
    "growth.save_plan",
    "growth.step",
    "growth.change_step",
    "growth.set_step_status",
    "growth.remove_step",
    "growth.remove_win",
    "growth.feedback_wordings",
    "growth.delete_feedback",
]
ONLY_DANA_WORDS_HER_FEEDBACK = [
    "growth.edit_feedback",
    "growth.change_feedback",
    "growth.send_feedback",
]


@pytest.mark.parametrize("endpoint", BY_SESSION)
def test_policy_for_a_new_manager_after_the_carry_over(app, client, actors, login, endpoint):
    expected = POLICY[endpoint][2]
    world = World(actors)
    morgan = make_user("Morgan Lee")
    line = org.start_reporting_line(
        morgan, actors.report, datetime.date.today(), "UTC", by=actors.admin
    )
    handoff = Handoff.get(Handoff.line == line.id)
    handoffs.carry_over(handoff.id, actors.report.id, {"goals", "plan", "feedback"})
    login(morgan)
    response = _request(app, client, world, endpoint)
    if endpoint in CARRIED_OVER_TO_MORGAN:
        outcome = expected["manager"]
    elif endpoint in ONLY_DANA_WORDS_HER_FEEDBACK:
        outcome = READ_ONLY
    else:
        outcome = AS_SAMS_MANAGER_NOW.get(endpoint, expected["other_manager"])
    assert response.status_code == outcome, response.get_data(as_text=True)[:500]


# --- the administrator's own ways in, closed on every route -------------------------------
#
# An administrator who has just made Morgan Sam's manager and reset Dana's and Sam's
# passwords holds nothing more than before: on every route the administrator's column.
# Whoever was signed in before a reset holds nothing at all: the anonymous column, until
# the person chooses a new password with their link and signs in again.


@pytest.mark.parametrize("endpoint", BY_SESSION)
def test_policy_for_the_administrator_after_appointing_and_resetting(
    app, client, actors, login, endpoint
):
    world = World(actors)
    login(actors.admin)
    morgan = make_user("Morgan Lee")
    org.start_reporting_line(morgan, actors.report, datetime.date.today(), "UTC", by=actors.admin)
    org.reset_password(actors.manager, by=actors.admin)
    org.reset_password(actors.report, by=actors.admin)
    response = _request(app, client, world, endpoint)
    outcome = POLICY[endpoint][2]["admin"]
    assert response.status_code == outcome, response.get_data(as_text=True)[:500]


@pytest.mark.parametrize("endpoint", BY_SESSION)
@pytest.mark.parametrize("actor", PARTICIPANTS)
def test_policy_for_a_session_from_before_a_password_reset(
    app, client, actors, login, endpoint, actor
):
    world = World(actors)
    person = getattr(actors, actor)
    stale = login(person, as_client=app.test_client())
    token = org.reset_password(person, by=actors.admin)
    response = _request(app, stale, world, endpoint)
    outcome = POLICY[endpoint][2]["anonymous"]
    if outcome == LOGIN:
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == outcome

    # The same words as before, so that the table's change-of-password request holds.
    accounts.choose_password(token, PASSWORD)
    login(person)
    response = _request(app, client, world, endpoint)
    assert response.status_code == POLICY[endpoint][2][actor], endpoint
