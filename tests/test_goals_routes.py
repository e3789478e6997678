"""The goal pages through the Flask client: proposing, agreeing, changing and seeing
what changed, checking in (also inside a meeting), closing, objectives, bad input,
and who may see goals after a change of manager."""

import datetime
import html

import pytest

from pmweb.goals import service as goals
from pmweb.goals.service import Terms
from pmweb.models import CheckIn, Goal, GoalVersion, Objective, ReportingLine
from tests.conftest import make_reporting_line

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}
IN_TWO_MONTHS = datetime.date.today() + datetime.timedelta(days=60)


def text_of(response):
    return html.unescape(response.get_data(as_text=True))


def goal_form(**changes):
    return {
        "title": "Raise NPS",
        "why": "Happy customers stay.",
        "objective": "0",
        "due": IN_TWO_MONTHS.isoformat(),
        "measure": "number",
        "start_value": "32",
        "target_value": "45",
        "unit": "NPS",
        "milestones": "",
    } | changes


def nps(**changes):
    terms = {
        "title": "Raise NPS",
        "due": IN_TWO_MONTHS,
        "measure": "number",
        "unit": "NPS",
        "start_value": 32.0,
        "target_value": 45.0,
    }
    return Terms(**(terms | changes))


@pytest.fixture
def agreed(actors):
    goal = goals.propose_goal(actors.report, actors.report, "employee", nps())
    return goals.agree(goal, "manager", actors.manager.id, 1, actors.manager.id)


def test_sam_proposes_and_dana_is_asked_to_agree(client, actors, login):
    login(actors.report)
    response = client.post(f"/people/{actors.report.id}/goals/new", data=goal_form())
    assert response.status_code == 303
    goal = Goal.get()
    assert (goal.status, goal.start_value, goal.target_value, goal.unit) == (
        "proposed",
        32.0,
        45.0,
        "NPS",
    )
    assert "Waiting for Dana to agree" in text_of(client.get(f"/people/{actors.report.id}/goals"))
    login(actors.manager)
    page = text_of(client.get(f"/goals/{goal.id}"))
    assert "Waiting for you to agree" in page and "Agree to this goal" in page
    assert client.post(f"/goals/{goal.id}/agree", data={"version": "1"}).status_code == 303
    assert Goal.get_by_id(goal.id).status == "agreed"


def test_a_changed_target_returns_to_proposed_and_shows_old_and_new(client, actors, login, agreed):
    login(actors.manager)
    form = goal_form(target_value="50", version="1")
    assert client.post(f"/goals/{agreed.id}/edit", data=form).status_code == 303
    login(actors.report)
    page = text_of(client.get(f"/goals/{agreed.id}"))
    assert "Waiting for you to agree" in page
    assert "Dana changed it (since version 1, the one you both agreed to)" in page
    assert '<th scope="row">Target</th><td class="old">45</td><td class="new">50</td>' in page
    assert GoalVersion.select().where(GoalVersion.goal == agreed).count() == 2


def test_agreeing_to_a_version_that_changed_meanwhile_shows_the_new_one(
    client, actors, login, agreed
):
    goals.change_terms(agreed, "employee", actors.report, nps(target_value=40.0), 1)
    login(actors.manager)
    response = client.post(f"/goals/{agreed.id}/agree", data={"version": "1"})
    assert response.status_code == 409
    page = text_of(response)
    assert "changed while you were looking" in page and "since version 1" in page
    assert Goal.get_by_id(agreed.id).status == "proposed"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Name the goal."),
        ({"target_value": "32"}, "The target must differ from where you start."),
        ({"due": "2001-01-01"}, "Pick today or a later date."),
        ({"due": "not a date"}, "Not a valid date value."),
        ({"start_value": "lots"}, "From must be a number"),
        ({"target_value": "1e400"}, "To is too large."),
        ({"measure": "milestones", "milestones": ""}, "List at least one milestone"),
        (
            {"measure": "milestones", "milestones": "\n".join(f"Step {n}" for n in range(200))},
            "Keep it to 20 milestones",
        ),
        ({"title": "x" * 201}, "Keep the goal under 200 characters."),
        ({"objective": "999999"}, "Not a valid choice"),
    ],
)
def test_bad_input_gets_a_clear_message_and_stores_nothing(client, actors, login, changes, message):
    login(actors.report)
    response = client.post(f"/people/{actors.report.id}/goals/new", data=goal_form(**changes))
    assert response.status_code == 422
    assert message in text_of(response)
    assert Goal.select().count() == 0


def test_a_goal_of_milestones_is_checked_in_by_ticking_them(client, actors, login):
    login(actors.manager)
    form = goal_form(measure="milestones", milestones="Spec\nBuild\nLaunch", unit="")
    client.post(f"/people/{actors.report.id}/goals/new", data=form)
    goal = Goal.get()
    assert goal.target_value == 3
    goals.agree(goal, "employee", actors.report.id, 1, actors.manager.id)
    spec, build, _ = goals.milestones_of(goal)
    data = {
        "milestones_shown": "1",
        "milestones": [str(spec.id), str(build.id)],
        "confidence": "on_track",
    }
    assert client.post(f"/goals/{goal.id}/check-ins", data=data).status_code == 303
    assert CheckIn.get().value == 2
    assert "2 of 3" in text_of(client.get(f"/goals/{goal.id}"))


def test_check_in_bad_input_gets_a_message(client, actors, login, agreed):
    login(actors.report)
    for value, message in (("", "Give a number"), ("abc", "must be a number")):
        response = client.post(
            f"/goals/{agreed.id}/check-ins", data={"value": value, "confidence": "on_track"}
        )
        assert response.status_code == 422 and message in text_of(response)
    assert CheckIn.select().count() == 0


def test_the_next_check_in_starts_from_the_last_confidence(client, actors, login, agreed):
    from tests.test_edit_round_trips import AsSubmitted

    goals.check_in(agreed, actors.report, 33.0, "at_risk")
    login(actors.manager)
    meeting = actors.meeting.id
    for page_url, action in (
        (f"/goals/{agreed.id}", f"/goals/{agreed.id}/check-ins"),
        (f"/meetings/{meeting}", f"/meetings/{meeting}/goals/{agreed.id}/check-ins"),
    ):
        parser = AsSubmitted()
        parser.feed(client.get(page_url).get_data(as_text=True))
        assert dict(parser.forms[action])["confidence"] == "at_risk", page_url


def test_the_goal_page_charts_progress_and_flags_a_goal_behind_pace(client, actors, login, agreed):
    Goal.update(created_at=datetime.datetime.now() - datetime.timedelta(days=60)).execute()
    goals.check_in(agreed, actors.report, 33.0, "on_track")
    login(actors.report)
    page = text_of(client.get(f"/goals/{agreed.id}"))
    assert '<svg class="goal-chart"' in page and 'class="plan"' in page
    assert "Behind pace" in page


def test_closing_takes_both_and_shows_the_reason(client, actors, login, agreed):
    login(actors.report)
    form = {"outcome": "dropped", "reason": "", "version": "1"}
    response = client.post(f"/goals/{agreed.id}/close", data=form)
    assert response.status_code == 422 and "Say why the goal is dropped." in text_of(response)
    form["reason"] = "The team was reorganised"
    assert client.post(f"/goals/{agreed.id}/close", data=form).status_code == 303
    login(actors.manager)
    page = text_of(client.get(f"/goals/{agreed.id}"))
    assert "Sam proposed to close this goal as dropped: “The team was reorganised”" in page
    client.post(f"/goals/{agreed.id}/close/agree", data={"outcome": "dropped", "version": "1"})
    assert Goal.get_by_id(agreed.id).status == "dropped"


def test_the_meeting_page_shows_agreed_goals_and_takes_a_check_in(client, actors, login, agreed):
    goals.check_in(agreed, actors.report, 35.0, "at_risk")
    login(actors.manager)
    meeting = actors.meeting
    page = text_of(client.get(f"/meetings/{meeting.id}"))
    assert 'id="meeting-goal-' in page and "meeting-goal attention" in page and "At risk" in page
    response = client.post(
        f"/meetings/{meeting.id}/goals/{agreed.id}/check-ins",
        data={"value": "38", "confidence": "on_track", "note": "Survey back"},
        headers=HTMX,
    )
    assert response.status_code == 200
    fragment = text_of(response)
    assert fragment.lstrip().startswith('<section id="goals"') and "38 NPS" in fragment
    assert CheckIn.select().order_by(CheckIn.id.desc()).get().meeting_id == meeting.id


def test_a_goal_of_someone_else_cannot_be_checked_in_through_this_meeting(client, actors, login):
    theirs = goals.propose_goal(actors.other_employee, actors.other_employee, "employee", nps())
    goals.agree(theirs, "manager", actors.other_manager.id, 1, actors.other_manager.id)
    login(actors.manager)
    response = client.post(
        f"/meetings/{actors.meeting.id}/goals/{theirs.id}/check-ins",
        data={"value": "38", "confidence": "on_track"},
    )
    assert response.status_code == 404
    assert CheckIn.select().count() == 0


def test_after_a_manager_change_the_new_manager_sees_the_goals_and_the_old_one_does_not(
    client, actors, login, agreed
):
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    ReportingLine.update(ends_on=yesterday).execute()
    make_reporting_line(actors.other_manager, actors.report, starts_on=datetime.date.today())
    login(actors.manager)
    assert client.get(f"/goals/{agreed.id}").status_code == 404
    assert client.get(f"/people/{actors.report.id}/goals").status_code == 404
    login(actors.other_manager)
    assert client.get(f"/goals/{agreed.id}").status_code == 200
    assert "Raise NPS" in text_of(client.get(f"/people/{actors.report.id}/goals"))


def test_objectives_show_how_many_goals_align_but_never_which(client, actors, login):
    objective = goals.create_objective(
        "Self-serve onboarding", "2027 H1", actors.manager, actors.manager
    )
    goal = goals.propose_goal(
        actors.report,
        actors.report,
        "employee",
        nps(objective_id=objective.id, title="Secret plan"),
    )
    goals.agree(goal, "manager", actors.manager.id, 1, actors.manager.id)
    login(actors.hr)
    page = text_of(client.get("/objectives"))
    assert "Self-serve onboarding" in page and '<td data-label="Goals aligned">1</td>' in page
    assert "Secret plan" not in page
    assert (
        client.post(
            "/objectives", data={"title": "x", "period": "y", "owner": str(actors.hr.id)}
        ).status_code
        == 404
    )
    login(actors.manager)
    response = client.post(
        "/objectives", data={"title": "", "period": "", "owner": str(actors.manager.id)}
    )
    assert response.status_code == 422 and "Name the objective." in text_of(response)
    assert Objective.select().count() == 1


def test_milestones_are_ticked_right_inside_the_meeting(client, actors, login):
    terms = Terms(
        title="Ship the importer",
        due=IN_TWO_MONTHS,
        measure="milestones",
        milestones=("Spec", "Build", "Launch"),
    )
    goal = goals.propose_goal(actors.report, actors.report, "employee", terms)
    goals.agree(goal, "manager", actors.manager.id, 1, actors.manager.id)
    spec, build, launch = goals.milestones_of(goal)
    login(actors.report)
    page = text_of(client.get(f"/meetings/{actors.meeting.id}"))
    assert f'name="milestones" value="{launch.id}"' in page
    data = {"milestones_shown": "1", "milestones": [str(spec.id)], "confidence": "on_track"}
    response = client.post(
        f"/meetings/{actors.meeting.id}/goals/{goal.id}/check-ins", data=data, headers=HTMX
    )
    assert response.status_code == 200 and "1 of 3" in text_of(response)
    # A check-in that shows no milestones leaves them as they are.
    client.post(f"/goals/{goal.id}/check-ins", data={"confidence": "at_risk"})
    assert [m.done_at is not None for m in goals.milestones_of(goal)] == [True, False, False]


def test_the_other_sees_every_change_since_the_terms_both_agreed_to(client, actors, login, agreed):
    goals.change_terms(agreed, "employee", actors.report.id, nps(target_value=50.0), 1)
    later = IN_TWO_MONTHS + datetime.timedelta(days=30)
    goals.change_terms(agreed, "employee", actors.report.id, nps(target_value=50.0, due=later), 2)
    login(actors.manager)
    page = text_of(client.get(f"/goals/{agreed.id}"))
    assert '<th scope="row">Target</th>' in page and '<th scope="row">Due</th>' in page


def test_an_archived_objective_stays_on_the_goals_aligned_to_it(client, actors, login):
    objective = goals.create_objective("Old aim", "2026 H2", actors.manager, actors.manager)
    goal = goals.propose_goal(
        actors.report, actors.report.id, "employee", nps(objective_id=objective.id)
    )
    goals.archive_objective(objective)
    login(actors.report)
    page = text_of(client.get(f"/goals/{goal.id}/edit"))
    assert "Old aim" in page
    form = goal_form(objective=str(objective.id), why="Reworded", version="1")
    assert client.post(f"/goals/{goal.id}/edit", data=form).status_code == 303
    assert Goal.get_by_id(goal.id).objective_id == objective.id


def test_an_objective_is_changed_by_those_who_keep_them(client, actors, login):
    objective = goals.create_objective("Self-serve", "2027 H1", actors.manager, actors.manager)
    login(actors.manager)
    url = f"/objectives/{objective.id}/edit"
    assert "Self-serve" in text_of(client.get(url))
    response = client.post(
        url, data={"title": "", "period": "2027 H1", "owner": str(actors.manager.id)}
    )
    assert response.status_code == 422 and "Name the objective." in text_of(response)
    form = {
        "title": "Self-serve in a day",
        "period": "2027 H2",
        "owner": str(actors.other_manager.id),
    }
    assert client.post(url, data=form).status_code == 303
    changed = Objective.get_by_id(objective.id)
    assert (changed.title, changed.period, changed.owner_id) == (
        "Self-serve in a day",
        "2027 H2",
        actors.other_manager.id,
    )
