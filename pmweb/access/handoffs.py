"""What a manager sees of what an employee had before their reporting line began.

Goals, the development plan and feedback belong to the employee and outlive a change
of manager, but a new manager does not inherit them by an administrator's click: the
employee carries each over (or not) on the handoff page. Until they do, the manager
sees the titles of the employee's agreed goals and nothing else from before the line
began; what the pair writes after it began, they both see. The employee themselves,
and a grantee of a scope, see that scope whole."""

import datetime
from typing import NamedTuple

from peewee import JOIN

from pmweb.access.common import today
from pmweb.models import DevelopmentPlan, Handoff, PlanChange, ReportingLine

# Earlier than anything pmweb stores: "everything"; later than anything: "nothing".
EVERYTHING = datetime.datetime(1970, 1, 1)
NOTHING = datetime.datetime(9999, 1, 1)


class Since(NamedTuple):
    """From when on the viewer sees each of an employee's own scopes: EVERYTHING, or
    the moment before which the employee did not carry the scope over."""

    goals: datetime.datetime = EVERYTHING
    plan: datetime.datetime = EVERYTHING
    feedback: datetime.datetime = EVERYTHING


SEES_EVERYTHING = Since()
SEES_NOTHING = Since(NOTHING, NOTHING, NOTHING)


def _with_handoff(lines):
    return lines.select_extend(Handoff).join(
        Handoff, JOIN.LEFT_OUTER, on=(Handoff.line == ReportingLine.id), attr="handoff"
    )


def _handoff_or_none(line):
    # A line the LEFT JOIN found no handoff for comes back with an empty one.
    if line is not None and getattr(line, "handoff", None) is not None:
        if line.handoff.id is None:
            line.handoff = None
    return line


def current_line_of(employee_id, day=None, manager_id=None):
    """The employee's current reporting line (to ``manager_id``, if given) with its
    handoff (``line.handoff``, or None), in one query."""
    lines = _with_handoff(ReportingLine.current_on(day or today())).where(
        ReportingLine.employee == employee_id
    )
    if manager_id is not None:
        lines = lines.where(ReportingLine.manager == manager_id)
    return _handoff_or_none(lines.order_by(ReportingLine.starts_on.desc()).first())


def since_for_manager(line):
    """What the manager of ``line`` (loaded with its handoff) sees of the employee's
    earlier content."""
    handoff = getattr(line, "handoff", None)
    if handoff is None:
        # A line without a handoff (entered some other way than the organisation's
        # rules) opens nothing from before its first day.
        cut = datetime.datetime.combine(line.starts_on, datetime.time())
        return Since(cut, cut, cut)
    return Since(
        *(
            EVERYTHING if handoff.carries(scope) else handoff.content_since
            for scope in Handoff.SCOPES
        )
    )


def since_for_reports(manager_id, employee_ids):
    """{employee id: what ``manager_id`` sees of them} for the manager's current
    reports among ``employee_ids``, in one query."""
    lines = _with_handoff(ReportingLine.current_on(today())).where(
        (ReportingLine.manager == manager_id) & ReportingLine.employee.in_(employee_ids)
    )
    return {line.employee_id: since_for_manager(_handoff_or_none(line)) for line in lines}


def sees_plan_texts(since, employee_id):
    """The plan's aspiration, strengths and growth areas are one text each, rewritten
    over time: seen whole if carried over or first written after the cut, else not at
    all."""
    return since.plan == EVERYTHING or not _plan_texts_written_before(employee_id, since.plan)


def _plan_texts_written_before(employee_id, moment):
    return (
        PlanChange.select()
        .join(DevelopmentPlan)
        .where(
            (DevelopmentPlan.employee == employee_id)
            & PlanChange.step.is_null()
            & (PlanChange.step_title == "")
            & (PlanChange.changed_at < moment)
        )
        .exists()
    )


def own_current_handoff(user):
    """The handoff of ``user``'s current reporting line, for them as its employee (the
    choice is theirs alone), or None."""
    line = current_line_of(user.id)
    if line is None or line.handoff is None:
        return None
    return line.handoff
