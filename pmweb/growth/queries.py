"""Reading growth: a plan with its steps and history, an employee's feedback timeline
and wins, and what the forms offer to link to. A fixed number of queries each."""

from peewee import JOIN, Case, fn

from pmweb.db import PreparedQuery
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


def _steps_of(employee_id):
    return (
        PlanStep.select(PlanStep, Goal)
        .join_from(PlanStep, DevelopmentPlan)
        .join_from(PlanStep, Goal, JOIN.LEFT_OUTER)
        .where(DevelopmentPlan.employee == employee_id)
        .order_by(*_STEP_ORDER)
    )


# Every meeting page asks for these: their SQL is composed once.
@PreparedQuery
def _steps_for_meeting(employee_id: int):
    return _steps_of(employee_id)


@PreparedQuery
def _recent_wins(employee_id: int):
    return (
        Win.select(Win, Goal)
        .join(Goal, JOIN.LEFT_OUTER)
        .where(Win.employee == employee_id)
        .order_by(Win.achieved_on.desc(), Win.id.desc())
        .limit(5)
    )


def steps_of(employee_id):
    return list(_steps_of(employee_id))


def steps_for_meeting(employee_id):
    return _steps_for_meeting.all(employee_id)


def recent_wins(employee_id):
    return _recent_wins.all(employee_id)


def wins_of(employee_id, limit=None):
    query = (
        Win.select(Win, Goal)
        .join(Goal, JOIN.LEFT_OUTER)
        .where(Win.employee == employee_id)
        .order_by(Win.achieved_on.desc(), Win.id.desc())
    )
    return list(query.limit(limit) if limit else query)


def history_of(plan):
    """Every change to the plan, newest first, with who made it."""
    if plan.id is None:
        return []
    return list(
        PlanChange.select(PlanChange, Author)
        .join(Author, on=(PlanChange.author == Author.id))
        .where(PlanChange.plan == plan.id)
        .order_by(PlanChange.changed_at.desc(), PlanChange.id.desc())
    )


def timeline(visible_feedback):
    """Feedback (a query the access policy scoped) with the giver, and how many times
    each was corrected (``times_corrected``)."""
    # Drafts first (they wait for their giver), then newest first.
    feedback = list(
        visible_feedback.select_extend(Giver, Receiver, Meeting, OneOnOne, Goal, PlanStep)
        .join_from(Feedback, Giver, on=(Feedback.giver == Giver.id))
        .join_from(Feedback, Receiver, on=(Feedback.receiver == Receiver.id))
        .join_from(Feedback, Meeting, JOIN.LEFT_OUTER)
        .join_from(Meeting, OneOnOne, JOIN.LEFT_OUTER)
        .join_from(Feedback, Goal, JOIN.LEFT_OUTER)
        .join_from(Feedback, PlanStep, JOIN.LEFT_OUTER)
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


def goals_to_link(employee_id):
    """The employee's goals still being worked on, to link a step, feedback or win to."""
    return list(
        Goal.select(Goal.id, Goal.title)
        .where((Goal.employee == employee_id) & Goal.status.in_(["proposed", "agreed"]))
        .order_by(Goal.due, Goal.id)
    )


def goal_titles(employee_id):
    return {
        goal.id: goal.title
        for goal in Goal.select(Goal.id, Goal.title).where(Goal.employee == employee_id)
    }


def meetings_to_link(employee_id, manager_id, limit=12):
    """The employee's recent and coming meetings with their current manager."""
    if manager_id is None:
        return []
    return list(
        Meeting.select(Meeting.id, Meeting.scheduled_for)
        .join(OneOnOne)
        .where((OneOnOne.employee == employee_id) & (OneOnOne.manager == manager_id))
        .order_by(Meeting.scheduled_for.desc())
        .limit(limit)
    )
