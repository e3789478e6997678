"""The agreement state machine of a goal: every transition, and two people acting at
once. Plain functions, no Flask."""

import dataclasses
import datetime

import pytest

from pmweb.goals import service
from pmweb.goals.service import GoalError, StaleGoal, Terms
from pmweb.models import CheckIn, Goal, GoalVersion, Milestone
from tests.conftest import at_the_same_moment

DUE = datetime.date.today() + datetime.timedelta(days=90)


def nps_goal(**changes):
    terms = {
        "title": "Raise NPS",
        "due": DUE,
        "measure": "number",
        "why": "Customers stay when they are happy.",
        "unit": "NPS",
        "start_value": 32.0,
        "target_value": 45.0,
    }
    return Terms(**(terms | changes))


@pytest.fixture
def proposed(actors):
    """Sam proposes a goal to Dana."""
    return service.propose_goal(actors.report, actors.report, "employee", nps_goal())


def test_a_proposal_is_agreed_by_the_proposer_and_waits_for_the_other(proposed):
    assert proposed.status == "proposed"
    assert proposed.agreed_by_employee_at is not None
    assert proposed.agreed_by_manager_at is None
    assert GoalVersion.select().where(GoalVersion.goal == proposed).count() == 1


def test_the_goal_is_agreed_once_both_have_agreed(actors, proposed):
    goal = service.agree(proposed, "manager", actors.manager.id, 1, actors.manager.id)
    assert goal.status == "agreed"
    assert goal.agreed_by_manager_at is not None


def test_agreeing_to_your_own_proposal_again_changes_nothing(actors, proposed):
    assert (
        service.agree(proposed, "employee", actors.report.id, 1, actors.manager.id).status
        == "proposed"
    )


def test_changing_an_agreed_term_asks_the_other_to_agree_again(actors, proposed):
    service.agree(proposed, "manager", actors.manager.id, 1, actors.manager.id)
    goal, made = service.change_terms(
        proposed, "manager", actors.manager, nps_goal(target_value=50.0), based_on_version=1
    )
    assert goal.status == "proposed" and goal.version == 2
    assert goal.agreed_by_manager_at is not None and goal.agreed_by_employee_at is None
    assert made == [("Target", 45.0, 50.0)]
    goal = service.agree(goal, "employee", actors.report.id, 2, actors.manager.id)
    assert goal.status == "agreed"


def test_every_version_is_kept_with_its_author(actors, proposed):
    service.change_terms(proposed, "manager", actors.manager, nps_goal(title="Raise NPS to 50"), 1)
    versions = list(
        GoalVersion.select().where(GoalVersion.goal == proposed).order_by(GoalVersion.number)
    )
    assert [(v.number, v.title, v.written_by_id) for v in versions] == [
        (1, "Raise NPS", actors.report.id),
        (2, "Raise NPS to 50", actors.manager.id),
    ]
    assert service.changes(Terms.of_version(versions[0]), Terms.of_version(versions[1])) == [
        ("Title", "Raise NPS", "Raise NPS to 50")
    ]


def test_rewording_why_it_matters_keeps_the_agreement(actors, proposed):
    service.agree(proposed, "manager", actors.manager.id, 1, actors.manager.id)
    goal, made = service.change_terms(
        proposed, "employee", actors.report, nps_goal(why="Churn costs us most."), 1
    )
    assert goal.status == "agreed" and goal.version == 2
    assert [label for label, _, _ in made] == ["Why it matters"]


def test_unchanged_terms_make_no_version(actors, proposed):
    goal, made = service.change_terms(proposed, "manager", actors.manager, nps_goal(), 1)
    assert made == [] and goal.version == 1


def test_agreeing_to_terms_changed_meanwhile_is_refused(actors, proposed):
    # Dana looked at version 1; Sam changed the target before she clicked Agree.
    service.change_terms(proposed, "employee", actors.report, nps_goal(target_value=40.0), 1)
    with pytest.raises(StaleGoal) as stale:
        service.agree(proposed, "manager", actors.manager.id, 1, actors.manager.id)
    assert stale.value.goal.version == 2
    assert Goal.get_by_id(proposed.id).status == "proposed"


def test_two_edits_based_on_one_version_keep_the_first_and_refuse_the_second(actors, proposed):
    service.change_terms(proposed, "employee", actors.report, nps_goal(target_value=40.0), 1)
    with pytest.raises(StaleGoal):
        service.change_terms(proposed, "manager", actors.manager, nps_goal(target_value=55.0), 1)
    assert Goal.get_by_id(proposed.id).target_value == 40.0
    assert GoalVersion.select().where(GoalVersion.goal == proposed).count() == 2


def test_closing_needs_both(actors, proposed):
    service.agree(proposed, "manager", actors.manager.id, 1, actors.manager.id)
    goal = service.propose_closing(proposed, actors.report.id, "achieved", "", 1)
    assert goal.status == "agreed" and goal.closing_as == "achieved"
    with pytest.raises(GoalError):
        service.agree_to_close(goal, actors.report.id, "achieved", 1, actors.manager.id)
    goal = service.agree_to_close(goal, actors.manager.id, "achieved", 1, actors.manager.id)
    assert goal.status == "achieved" and goal.closed_at is not None
    with pytest.raises(GoalError):
        service.change_terms(goal, "manager", actors.manager, nps_goal(title="Later"), 1)


def test_dropping_needs_a_reason_and_can_be_withdrawn(actors, proposed):
    service.agree(proposed, "manager", actors.manager.id, 1, actors.manager.id)
    with pytest.raises(GoalError):
        service.propose_closing(proposed, actors.manager.id, "dropped", "  ", 1)
    goal = service.propose_closing(proposed, actors.manager.id, "dropped", "Reorg", 1)
    goal = service.withdraw_closing(goal, 1)
    assert goal.status == "agreed" and goal.closing_as is None


def test_only_an_agreed_goal_closes_or_takes_check_ins(actors, proposed):
    with pytest.raises(GoalError):
        service.propose_closing(proposed, actors.report.id, "achieved", "", 1)
    with pytest.raises(GoalError):
        service.check_in(proposed, actors.report, 35.0, "on_track")


def test_a_change_of_terms_cancels_a_proposal_to_close(actors, proposed):
    service.agree(proposed, "manager", actors.manager.id, 1, actors.manager.id)
    service.propose_closing(proposed, actors.report.id, "achieved", "", 1)
    goal, _ = service.change_terms(
        proposed, "manager", actors.manager, nps_goal(due=DUE + datetime.timedelta(days=30)), 1
    )
    assert goal.status == "proposed" and goal.closing_as is None


def test_check_ins_record_value_confidence_and_note(actors, proposed):
    service.agree(proposed, "manager", actors.manager.id, 1, actors.manager.id)
    service.check_in(proposed, actors.report, 36.0, "on_track", "Survey in")
    service.check_in(proposed, actors.manager, 37.5, "at_risk")
    assert [(c.value, c.confidence) for c in CheckIn.select().order_by(CheckIn.id)] == [
        (36.0, "on_track"),
        (37.5, "at_risk"),
    ]
    with pytest.raises(GoalError):
        service.check_in(proposed, actors.report, 38.0, "fine")


def test_a_milestones_goal_counts_its_done_milestones(actors):
    terms = Terms(
        title="Ship the importer",
        due=DUE,
        measure="milestones",
        milestones=("Spec", "Build", "Launch"),
    )
    goal = service.propose_goal(actors.report, actors.manager, "manager", terms)
    assert (goal.start_value, goal.target_value) == (0, 3.0)
    service.agree(goal, "employee", actors.report.id, 1, actors.manager.id)
    spec, build, _ = service.milestones_of(goal)
    foreign = 10_000  # an id that is not one of this goal's milestones counts for nothing
    check = service.check_in(
        goal, actors.report, None, "on_track", done_milestones=[spec.id, build.id, foreign]
    )
    assert check.value == 2.0
    # Renaming the last milestone keeps the first two done.
    goal, _ = service.change_terms(
        goal,
        "employee",
        actors.report,
        Terms(
            title="Ship the importer",
            due=DUE,
            measure="milestones",
            milestones=("Spec", "Build", "Go live"),
        ),
        1,
    )
    assert [m.done_at is not None for m in service.milestones_of(goal)] == [True, True, False]
    assert Milestone.select().where(Milestone.goal == goal).count() == 3


def test_agreeing_while_the_other_changes_the_terms_never_agrees_to_unseen_terms(
    actors, app, proposed
):
    # Dana agrees to version 1 at the moment Sam changes the target: whichever commits
    # first, the goal must not end up agreed to version 2 without Dana.
    at_the_same_moment(
        app,
        lambda: service.agree(proposed, "manager", actors.manager.id, 1, actors.manager.id),
        lambda: service.change_terms(
            proposed, "employee", actors.report, nps_goal(target_value=60.0), 1
        ),
        tolerated=StaleGoal,
    )
    goal = Goal.get_by_id(proposed.id)
    if goal.version == 2:
        assert goal.status == "proposed" and goal.agreed_by_manager_at is None
    else:
        assert goal.status == "agreed" and goal.target_value == 45.0


def test_rewording_a_milestones_goal_keeps_its_agreement_and_its_milestones(actors):
    terms = Terms(title="Ship", due=DUE, measure="milestones", milestones=("Spec", "Build"))
    goal = service.propose_goal(actors.report, actors.report.id, "employee", terms)
    goal = service.agree(goal, "manager", actors.manager.id, 1, actors.manager.id)
    before = [m.id for m in service.milestones_of(goal)]
    goal, made = service.change_terms(
        goal, "employee", actors.report.id, dataclasses.replace(terms, why="Customers wait."), 1
    )
    assert [label for label, _, _ in made] == ["Why it matters"]
    assert goal.status == "agreed"
    assert [m.id for m in service.milestones_of(goal)] == before
    goal, made = service.change_terms(
        goal, "employee", actors.report.id, dataclasses.replace(terms, why="Customers wait."), 2
    )
    assert made == [] and goal.version == 2


def test_closing_is_agreed_to_the_outcome_that_was_shown(actors, proposed):
    service.agree(proposed, "manager", actors.manager.id, 1, actors.manager.id)
    service.propose_closing(proposed, actors.report.id, "achieved", "", 1)
    with pytest.raises(GoalError):
        service.propose_closing(proposed, actors.manager.id, "dropped", "Reorg", 1)
    service.withdraw_closing(proposed, 1)
    service.propose_closing(proposed, actors.report.id, "dropped", "Reorg", 1)
    with pytest.raises(GoalError):
        service.agree_to_close(proposed, actors.manager.id, "achieved", 1, actors.manager.id)
    assert Goal.get_by_id(proposed.id).status == "agreed"


def test_a_former_managers_agreement_does_not_count_for_the_new_one(actors):
    # Dana agreed to her own proposal; then Priya became Sam's manager.
    goal = service.propose_goal(actors.report, actors.manager.id, "manager", nps_goal())
    priya = actors.other_manager.id
    goal = service.agree(goal, "employee", actors.report.id, 1, manager_id=priya)
    assert goal.status == "proposed"
    assert service.waiting_on(goal, priya) == "manager"
    goal = service.agree(goal, "manager", priya, 1, manager_id=priya)
    assert goal.status == "agreed" and service.waiting_on(goal, priya) is None


def test_a_former_managers_proposal_to_close_cannot_be_agreed(actors, proposed):
    service.agree(proposed, "manager", actors.manager.id, 1, actors.manager.id)
    service.propose_closing(proposed, actors.manager.id, "achieved", "", 1)
    priya = actors.other_manager.id
    with pytest.raises(GoalError):
        service.agree_to_close(proposed, actors.report.id, "achieved", 1, manager_id=priya)
    assert Goal.get_by_id(proposed.id).status == "agreed"
