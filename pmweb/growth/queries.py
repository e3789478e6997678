"""Reading growth: a plan with its steps and history, an employee's feedback timeline
and wins, and what the forms offer to link to. A fixed number of queries each."""

import datetime
import functools
import operator

from peewee import JOIN, Case, fn

from pmweb.access.handoffs import EVERYTHING
from pmweb.db import PreparedQuery
from pmweb.meetings.service import local_now
from pmweb.models import (
    DevelopmentPlan,
    Feedback,
    FeedbackRevision,
    Goal,
    Meeting,
    OneOnOne,
    PlanChange,
    PlanStep,
    User,
    Win,
)

Author = User.alias("author")
Giver = User.alias("giver")
Receiver = User.alias("receiver")

# Open steps first, then by target date (undated last), then as added.
_STEP_ORDER = (
    Case(PlanStep.status, (("in_progress", 0), ("planned", 1), ("done", 2)), 3),
    PlanStep.target_date.is_null(),
    PlanStep.target_date,
    PlanStep.id,
)


# Every query of a plan's steps, wins and history takes ``since``, what the access
# policy lets the viewer see of the plan (``access.seen_since``): a manager sees what
# the employee had before their reporting line began only if it was carried over. A
# goal a step or win links to comes with it only if ``goals_since`` shows it too
# (peewee leaves ``step.goal`` None then, with no lazy load); templates still show a
# goal only to a viewer who may read the goals (a grant of the plan alone shows none).


def _steps_of(employee_id, since, goals_since):
    return (
        PlanStep.select(PlanStep, Goal)
        .join_from(PlanStep, DevelopmentPlan)
        .join_from(
            PlanStep,
            Goal,
            JOIN.LEFT_OUTER,
            on=((PlanStep.goal == Goal.id) & (Goal.created_at >= goals_since)),
        )
        .where((DevelopmentPlan.employee == employee_id) & (PlanStep.created_at >= since))
        .order_by(*_STEP_ORDER)
    )


def _wins_of(employee_id, since, goals_since):
    return (
        Win.select(Win, Goal)
        .join(
            Goal,
            JOIN.LEFT_OUTER,
            on=((Win.goal == Goal.id) & (Goal.created_at >= goals_since)),
        )
        .where((Win.employee == employee_id) & (Win.recorded_at >= since))
        .order_by(Win.achieved_on.desc(), Win.id.desc())
    )


# Every meeting page asks for these: their SQL is composed once.
@PreparedQuery
def _steps_for_meeting(employee_id: int, since: datetime.datetime, goals_since: datetime.datetime):
    return _steps_of(employee_id, since, goals_since)


@PreparedQuery
def _recent_wins(employee_id: int, since: datetime.datetime, goals_since: datetime.datetime):
    return _wins_of(employee_id, since, goals_since).limit(5)


def steps_of(employee_id, since, goals_since):
    return list(_steps_of(employee_id, since, goals_since))


def steps_for_meeting(employee_id, since, goals_since):
    return _steps_for_meeting.all(employee_id, since, goals_since)


def steps_by_employee(sinces):
    """{employee id: what ``steps_of`` returns for them} for {employee id: (since,
    goals_since)}, in one query."""
    found = {employee_id: [] for employee_id in sinces}
    if not sinces:
        return found

    def any_of(conditions):
        return functools.reduce(operator.or_, conditions)

    shown_goal = any_of(
        (DevelopmentPlan.employee == employee_id) & (Goal.created_at >= goals_since)
        for employee_id, (_, goals_since) in sinces.items()
    )
    seen = any_of(
        (DevelopmentPlan.employee == employee_id) & (PlanStep.created_at >= since)
        for employee_id, (since, _) in sinces.items()
    )
    query = (
        PlanStep.select(PlanStep, Goal, DevelopmentPlan.id, DevelopmentPlan.employee)
        .join_from(PlanStep, DevelopmentPlan)
        .join_from(PlanStep, Goal, JOIN.LEFT_OUTER, on=((PlanStep.goal == Goal.id) & shown_goal))
        .where(seen)
        .order_by(*_STEP_ORDER)
    )
    for step in query:
        found[step.plan.employee_id].append(step)
    return found


def recent_wins(employee_id, since, goals_since):
    return _recent_wins.all(employee_id, since, goals_since)


def wins_of(employee_id, since, goals_since, limit=None):
    query = _wins_of(employee_id, since, goals_since)
    return list(query.limit(limit) if limit else query)


def history_of(plan, since, shows_texts, shows_goals):
    """Every change to the plan the viewer may see, newest first, with who made it.
    Seen from a handoff's cut (``since`` not EVERYTHING), that is the changes to steps
    added since: a change of anything older would show what came before. Changes of
    the texts only with ``shows_texts``, and of a step's goal (which name goals) only
    with ``shows_goals``."""
    if plan.id is None:
        return []
    query = (
        PlanChange.select(PlanChange, Author)
        .join(Author, on=(PlanChange.author == Author.id))
        .where(PlanChange.plan == plan.id)
        .order_by(PlanChange.changed_at.desc(), PlanChange.id.desc())
    )
    if since != EVERYTHING:
        seen = PlanChange.step_created_at >= since
        if shows_texts:
            seen |= PlanChange.step.is_null() & (PlanChange.step_title == "")
        query = query.where(seen)
    if not shows_texts:
        query = query.where(PlanChange.step_title != "")
    if not shows_goals:
        query = query.where(PlanChange.what != "goal_id")
    return list(query)


def timeline(visible_feedback, plan_since, goals_since):
    """Feedback (a query the access policy scoped) with the giver, and how many times
    each was corrected (``times_corrected``). The goal or plan step it is about comes
    with it only if the viewer sees that goal or step (``plan_since``,
    ``goals_since``)."""
    # Drafts first (they wait for their giver), then newest first.
    feedback = list(
        visible_feedback.select_extend(Giver, Receiver, Meeting, OneOnOne, Goal, PlanStep)
        .join_from(Feedback, Giver, on=(Feedback.giver == Giver.id))
        .join_from(Feedback, Receiver, on=(Feedback.receiver == Receiver.id))
        .join_from(Feedback, Meeting, JOIN.LEFT_OUTER)
        .join_from(Meeting, OneOnOne, JOIN.LEFT_OUTER)
        .join_from(
            Feedback,
            Goal,
            JOIN.LEFT_OUTER,
            on=((Feedback.goal == Goal.id) & (Goal.created_at >= goals_since)),
        )
        .join_from(
            Feedback,
            PlanStep,
            JOIN.LEFT_OUTER,
            on=((Feedback.step == PlanStep.id) & (PlanStep.created_at >= plan_since)),
        )
        .order_by(
            Feedback.sent_at.is_null(False),
            fn.COALESCE(Feedback.sent_at, Feedback.created_at).desc(),
            Feedback.id.desc(),
        )
    )
    # Earlier wordings are counted, not read: each may be 10,000 characters of Markdown,
    # and sixty corrections of one took the page ten seconds to render. They are read
    # a few at a time on their own page (``earlier_wordings``).
    corrections = {}
    edited = [item.id for item in feedback if item.edited_at]
    if edited:
        corrections = dict(
            FeedbackRevision.select(FeedbackRevision.feedback, fn.COUNT(FeedbackRevision.id))
            .where(FeedbackRevision.feedback.in_(edited))
            .group_by(FeedbackRevision.feedback)
            .tuples()
        )
    for item in feedback:
        item.times_corrected = corrections.get(item.id, 0)
    return feedback


def earlier_wordings(feedback, page, per_page):
    """One page of the wordings ``feedback`` had before its corrections, newest first,
    and how many there are in all."""
    wordings = FeedbackRevision.select().where(FeedbackRevision.feedback == feedback.id)
    total = wordings.count()
    newest_first = wordings.order_by(FeedbackRevision.written_at.desc(), FeedbackRevision.id.desc())
    return list(newest_first.paginate(page, per_page)), total


def goals_to_link(employee_id, since):
    """The employee's goals still being worked on, to link a step, feedback or win to."""
    return list(
        Goal.select(Goal.id, Goal.title)
        .where(
            (Goal.employee == employee_id)
            & Goal.status.in_(["proposed", "agreed"])
            & (Goal.created_at >= since)
        )
        .order_by(Goal.due, Goal.id)
    )


def goal_titles(employee_id, since):
    """{goal id: title} of the goals the viewer may see; a link to any other goal is
    shown without its title."""
    return {
        goal.id: goal.title
        for goal in Goal.select(Goal.id, Goal.title).where(
            (Goal.employee == employee_id) & (Goal.created_at >= since)
        )
    }


def meetings_to_link(employee_id, manager_id, limit=12):
    """The employee's meetings with their current manager that feedback can come
    from: those whose day has come (in the pair's own time), today's included, most
    recent first. Not one still ahead, nor one that was skipped."""
    if manager_id is None:
        return []
    between_them = (OneOnOne.employee == employee_id) & (OneOnOne.manager == manager_id)
    pair = OneOnOne.select().where(between_them).order_by(OneOnOne.id.desc()).first()
    if pair is None:
        return []
    tomorrow = datetime.datetime.combine(
        local_now(pair).date() + datetime.timedelta(days=1), datetime.time()
    )
    return list(
        Meeting.select(Meeting.id, Meeting.scheduled_for)
        .join(OneOnOne)
        .where(
            between_them
            & (Meeting.status != "skipped")
            & ((Meeting.status == "done") | (Meeting.scheduled_for < tomorrow))
        )
        .order_by(Meeting.scheduled_for.desc())
        .limit(limit)
    )
