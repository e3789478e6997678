"""The handoff: when a reporting line starts, the employee chooses which of their goals,
development plan and feedback from before it the new manager sees (see
``access.handoffs`` for what each choice opens). The choice is the employee's alone,
can be changed at any time, and each change is written to their account's events."""

import datetime
import functools
import operator

from peewee import SQL, Select, fn

from pmweb import accounts
from pmweb.db import PreparedQuery, db, insert_rows, write_transaction
from pmweb.models import (
    DevelopmentPlan,
    Feedback,
    Goal,
    Handoff,
    PlanStep,
    ReportingLine,
    User,
    Win,
)

SCOPE_NAMES = {"goals": "goals", "plan": "development plan", "feedback": "feedback"}


class HandoffRefused(Exception):
    """The handoff is not the employee's to decide any more: their line has ended."""


def open_handoff(line, now):
    """The handoff of a new reporting line. With nothing from before to carry over (a
    new person's first line), there is nothing to decide either."""
    content_since = _content_since(line.starts_on, now)
    return Handoff.create(
        line=line.id,
        content_since=content_since,
        decided_at=None if has_earlier_content(line.employee_id, content_since) else now,
    )


def open_first_handoffs(line_ids, starts_on, now):
    """The handoffs of new people's first lines, all from ``starts_on``: with nothing
    from before, there is nothing to decide."""
    content_since = _content_since(starts_on, now)
    insert_rows(
        Handoff,
        [
            {"line": line_id, "content_since": content_since, "decided_at": now}
            for line_id in line_ids
        ],
    )


def _content_since(starts_on, now):
    # A line entered with a past start does not open the months before it.
    return max(datetime.datetime.combine(starts_on, datetime.time()), now)


# Every new reporting line asks this, a directory sync thousands of times in a row:
# one round trip, its SQL composed once.
@PreparedQuery
def _earlier_content(employee_id: int, before: datetime.datetime):
    queries = (
        Goal.select().where((Goal.employee == employee_id) & (Goal.created_at < before)),
        Feedback.select().where(
            (Feedback.employee == employee_id) & (Feedback.created_at < before)
        ),
        PlanStep.select()
        .join(DevelopmentPlan)
        .where((DevelopmentPlan.employee == employee_id) & (PlanStep.created_at < before)),
        Win.select().where((Win.employee == employee_id) & (Win.recorded_at < before)),
        DevelopmentPlan.select().where(
            (DevelopmentPlan.employee == employee_id) & (DevelopmentPlan.version > 0)
        ),
    )
    exists = (fn.EXISTS(query.select(SQL("1"))) for query in queries)
    return Select(columns=[functools.reduce(operator.or_, exists)]).bind(db).tuples()


def has_earlier_content(employee_id, before):
    """Whether the employee has goals, a plan, steps, wins or feedback from before."""
    return bool(_earlier_content.first(employee_id, before)[0])


def carry_over(handoff_id, employee_id, carried, now=None):
    """The employee carries over the scopes in ``carried`` (a set of Handoff.SCOPES) and
    keeps the others to themselves."""
    now = now or datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    with write_transaction():
        handoff = Handoff.get_by_id(handoff_id)
        line = handoff.line
        still_current = (
            ReportingLine.current_on(now.date()).where(ReportingLine.id == line.id).exists()
        )
        if line.employee_id != employee_id or not still_current:
            raise HandoffRefused("This reporting line has ended: there is nothing to carry over.")
        Handoff.update(
            carries_goals="goals" in carried,
            carries_plan="plan" in carried,
            carries_feedback="feedback" in carried,
            decided_at=now,
            chosen_by_employee=True,
        ).where(Handoff.id == handoff_id).execute()
        manager = User.get_by_id(line.manager_id)
        kept = [SCOPE_NAMES[scope] for scope in Handoff.SCOPES if scope not in carried]
        shared = [SCOPE_NAMES[scope] for scope in Handoff.SCOPES if scope in carried]
        parts = []
        if shared:
            parts.append(f"carried over your {', '.join(shared)}")
        if kept:
            parts.append(f"kept your earlier {', '.join(kept)} to yourself")
        accounts.record_event(
            employee_id, employee_id, f"For {manager.name}: " + "; ".join(parts), now
        )
