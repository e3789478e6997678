"""Reading goals: an employee's goals with their latest check-in, a goal's history,
and the objectives with how many goals align to each. A fixed number of queries,
however many goals and check-ins there are."""

import datetime
import functools
import itertools
import operator

from peewee import JOIN, fn

from pmweb.db import PreparedQuery
from pmweb.models import (
    CheckIn,
    Goal,
    GoalVersion,
    Meeting,
    Milestone,
    Objective,
    OneOnOne,
    User,
)

STATUS_ORDER = {"proposed": 0, "agreed": 1, "achieved": 2, "dropped": 3}


def latest_check_ins(goal_ids):
    """{goal id: its latest check-in} for the given goals."""
    if not goal_ids:
        return {}
    latest = (
        CheckIn.select(fn.MAX(CheckIn.id)).where(CheckIn.goal.in_(goal_ids)).group_by(CheckIn.goal)
    )
    return {c.goal_id: c for c in CheckIn.select().where(CheckIn.id.in_(latest))}


def _goals_of(employee_id, since):
    return (
        Goal.select(Goal, Objective)
        .join(Objective, JOIN.LEFT_OUTER)
        .where((Goal.employee == employee_id) & (Goal.created_at >= since))
        .order_by(Goal.due, Goal.id)
    )


Latest = CheckIn.alias("latest")


def _seen(employee_id, since):
    return (Goal.employee == employee_id) & (Goal.created_at >= since)


def _agreed_with_latest(seen):
    """The columns a meeting shows of each agreed goal that ``seen`` picks, with its
    latest check-in."""
    newest = CheckIn.select(fn.MAX(CheckIn.id)).where(CheckIn.goal == Goal.id)
    return (
        Goal.select(
            Goal.id,
            Goal.employee,
            Goal.title,
            Goal.status,
            Goal.measure,
            Goal.unit,
            Goal.start_value,
            Goal.target_value,
            Goal.due,
            Goal.created_at,
            Latest.id,
            Latest.value,
            Latest.confidence,
            Latest.created_at,
        )
        .join_from(Goal, Latest, JOIN.LEFT_OUTER, on=(Latest.id == newest), attr="latest")
        .where((Goal.status == "agreed") & seen)
        .order_by(Goal.due, Goal.id)
    )


# Every meeting page asks for these: its SQL is composed once, and the latest
# check-in comes in the same query.
@PreparedQuery
def _agreed_goals_of(employee_id: int, since: datetime.datetime):
    return _agreed_with_latest(_seen(employee_id, since))


# Every query of an employee's goals takes ``since``, what the access policy lets the
# viewer see (``access.seen_since``): a manager sees goals from before their reporting
# line began only if the employee carried them over.


def goals_of(employee_id, since):
    """The employee's goals, each with ``latest`` (its last check-in or None)."""
    return _with_latest(list(_goals_of(employee_id, since)))


def earlier_goal_titles(employee_id, since):
    """The titles of the agreed goals from before ``since``: all a new manager sees of
    them until the employee carries their goals over."""
    return [
        goal.title
        for goal in Goal.select(Goal.title)
        .where(
            (Goal.employee == employee_id) & (Goal.status == "agreed") & (Goal.created_at < since)
        )
        .order_by(Goal.due, Goal.id)
    ]


def agreed_goals_of(employee_id, since):
    """The employee's agreed goals (the ones being worked on), with ``latest``."""
    return _with_latest_or_none(_agreed_goals_of.all(employee_id, since))


def agreed_goals_by_employee(sinces):
    """{employee id: what ``agreed_goals_of`` returns for them} for {employee id:
    since}, in one query."""
    found = {employee_id: [] for employee_id in sinces}
    if sinces:
        seen = functools.reduce(operator.or_, itertools.starmap(_seen, sinces.items()))
        for goal in _with_latest_or_none(list(_agreed_with_latest(seen))):
            found[goal.employee_id].append(goal)
    return found


def _with_latest_or_none(goals):
    # A goal without check-ins comes back with an empty ``latest`` from the outer join.
    for goal in goals:
        latest = getattr(goal, "latest", None)
        goal.latest = latest if latest is not None and latest.id is not None else None
    return goals


def _with_latest(goals):
    latest = latest_check_ins([goal.id for goal in goals])
    for goal in goals:
        goal.latest = latest.get(goal.id)
    return goals


def milestones_by_goal(goal_ids):
    """{goal id: its milestones in order} for the given goals, in one query."""
    grouped = {goal_id: [] for goal_id in goal_ids}
    if goal_ids:
        for milestone in (
            Milestone.select()
            .where(Milestone.goal.in_(goal_ids))
            .order_by(Milestone.goal, Milestone.position)
        ):
            grouped[milestone.goal_id].append(milestone)
    return grouped


def check_ins_of(goal):
    return list(
        CheckIn.select(CheckIn, User)
        .join(User, on=(CheckIn.author == User.id))
        .where(CheckIn.goal == goal)
        .order_by(CheckIn.created_at, CheckIn.id)
    )


def check_ins_by_goal(goal_ids):
    """{goal id: its check-ins, oldest first} for several goals in one query."""
    by_goal = {}
    if goal_ids:
        for check_in in (
            CheckIn.select()
            .where(CheckIn.goal.in_(goal_ids))
            .order_by(CheckIn.created_at, CheckIn.id)
        ):
            by_goal.setdefault(check_in.goal_id, []).append(check_in)
    return by_goal


def versions_of(goal):
    return list(
        GoalVersion.select(GoalVersion, User)
        .join(User, on=(GoalVersion.written_by == User.id))
        .where(GoalVersion.goal == goal)
        .order_by(GoalVersion.number.desc())
    )


def open_objectives():
    return list(
        Objective.select()
        .where(Objective.archived_at.is_null())
        .order_by(Objective.period.desc(), Objective.title)
    )


def objectives_to_choose(goal=None):
    """The objectives a goal may align to: the open ones, and the goal's own even if
    it was archived since, so saving the goal keeps its alignment."""
    objectives = open_objectives()
    if (
        goal is not None
        and goal.objective_id
        and goal.objective_id not in {o.id for o in objectives}
    ):
        objectives.append(Objective.get_by_id(goal.objective_id))
    return objectives


def open_meeting_ids_of(employee_id):
    """The employee's meetings still to be held, in any of their one-on-ones."""
    return [
        meeting.id
        for meeting in Meeting.select(Meeting.id)
        .join(OneOnOne)
        .where((OneOnOne.employee == employee_id) & (Meeting.status == "upcoming"))
    ]


def objectives_with_counts():
    """Every open objective with its owner and how many agreed or proposed goals align
    to it — a number only: the goals stay with their people."""
    aligned = fn.COUNT(Goal.id)
    return list(
        Objective.select(Objective, User, aligned.alias("goal_count"))
        .join_from(Objective, User, on=(Objective.owner == User.id))
        .join_from(
            Objective,
            Goal,
            JOIN.LEFT_OUTER,
            on=(
                (Goal.objective == Objective.id)
                & Goal.status.in_(["proposed", "agreed", "achieved"])
            ),
        )
        .where(Objective.archived_at.is_null())
        .group_by(Objective.id, User.id)
        .order_by(Objective.period.desc(), Objective.title)
    )
