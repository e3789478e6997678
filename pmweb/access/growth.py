"""Who may see and change an employee's goals and check-ins, development plan,
feedback and wins. They belong to the employee: the employee and their current manager
see and shape them; a former manager, another manager, an administrator: nobody else.
Upward feedback (the employee's to their manager) is for the manager it was given to;
a feedback draft is its giver's alone. Anyone else reads only through the employee's
grant of that scope, read-only, and each such read is recorded.

Objectives — titles and how many goals align to each — are for everyone signed in,
and kept by administrators and managers.

The loaders hand views an ``OwnerAccess``: the employee and how the viewer stands to
them. Whether that standing may change things is asked here, so a read-only role can
join without a view changing."""

import datetime
from typing import NamedTuple

from flask import abort
from peewee import Model

from pmweb.access.admin import is_administrator
from pmweb.access.common import (
    EMPLOYEE,
    GRANTEE,
    MANAGER,
    PARTICIPANTS,
    first_or_404,
    require_edit,
    today,
)
from pmweb.access.grants import active_grant, record_read
from pmweb.access.handoffs import (
    EVERYTHING,
    NOTHING,
    SEES_EVERYTHING,
    Since,
    current_line_of,
    sees_plan_texts,
    since_for_manager,
)
from pmweb.access.meetings import growth_role_in_meeting, require_meeting_editable
from pmweb.models import (
    DevelopmentPlan,
    Feedback,
    Goal,
    Grant,
    Objective,
    PlanStep,
    ReportingLine,
    User,
    Win,
)


class OwnerAccess(NamedTuple):
    """The employee whose goals, plan or feedback a loader let the viewer have."""

    employee: User
    viewer_id: int
    role: str  # EMPLOYEE (their own), MANAGER (their current manager) or GRANTEE
    manager_id: int | None  # the employee's current manager
    grant: Grant | None = None  # the grant a GRANTEE reads through
    # What a MANAGER sees of the employee's content from before their line began.
    since: Since = SEES_EVERYTHING
    # What a MANAGER has from before this moment is theirs to see only because the
    # employee carried it over: each read of it is recorded for the employee to see.
    carried_before: datetime.datetime | None = None


class Owned(NamedTuple):
    """A goal, plan step, feedback or win, with how the viewer stands to its employee."""

    item: Model
    owner: OwnerAccess


def _owner(user, employee_id, scope=None, what=None):
    """How ``user`` stands to the employee: one of the pair, or (with ``scope``) a
    grantee of that scope; None if neither. A grantee's read is recorded as ``what``."""
    line = current_line_of(employee_id)
    manager_id = line.manager_id if line else None
    role = _role(user, employee_id, manager_id)
    grant = None
    if role is None and scope is not None and user.is_authenticated:
        grant = active_grant(user.id, employee_id, scope)
        role = GRANTEE if grant else None
    if role is None:
        abort(404)
    employee = first_or_404(User.select().where(User.id == employee_id))
    if grant is not None:
        record_read(user.id, employee_id, what or Grant.SCOPES[scope], grant)
    elif role == MANAGER and scope is not None and _carried_over(line, scope):
        record_read(user.id, employee_id, what or Grant.SCOPES[scope], through_handoff=True)
    if role != MANAGER:
        return OwnerAccess(employee, user.id, role, manager_id, grant)
    handoff = line.handoff
    carried_before = handoff.content_since if handoff and handoff.chosen_by_employee else None
    return OwnerAccess(
        employee, user.id, role, manager_id, grant, since_for_manager(line), carried_before
    )


def _carried_over(line, scope):
    """Did the employee carry ``scope`` over to this line's manager? Their reads of it
    are then recorded: what the employee had before is shown to the new manager by the
    employee's choice, and the employee sees each time it is read."""
    handoff = line.handoff
    return handoff is not None and handoff.chosen_by_employee and handoff.carries(scope)


def _require_seen(created_at, owner, scope, what):
    """Something the employee had before their manager's line began, and did not carry
    over, is not found for that manager; what they carried over is recorded as read."""
    if created_at < getattr(owner.since, scope):
        abort(404)
    if owner.carried_before is not None and created_at < owner.carried_before:
        record_read(owner.viewer_id, owner.employee.id, what, through_handoff=True)


def _role(user, employee_id, manager_id):
    """How ``user`` stands to an employee's own things as one of the pair: EMPLOYEE,
    MANAGER (their current manager) or None."""
    if not user.is_authenticated:
        return None
    if user.id == employee_id:
        return EMPLOYEE
    if manager_id is not None and manager_id == user.id:
        return MANAGER
    return None


# --- goals -------------------------------------------------------------------


def get_goal_owner_or_404(user, employee_id):
    """The employee whose goals ``user`` works on: the employee or their current
    manager."""
    return _owner(user, employee_id)


def get_goal_or_404(user, goal_id):
    """A goal to work on, as the employee or their current manager (if it is new
    since their line began, or the employee carried their goals over)."""
    goal = first_or_404(Goal.select().where(Goal.id == goal_id))
    owner = get_goal_owner_or_404(user, goal.employee_id)
    _require_seen(goal.created_at, owner, "goals", f"goal “{goal.title}”")
    return Owned(goal, owner)


def get_goal_owner_for_reading_or_404(user, employee_id):
    """Like ``get_goal_owner_or_404``, for reading only: a grantee of the employee's
    goals reads them too (the read recorded)."""
    return get_growth_owner_or_404(user, employee_id, "goals")


def get_goal_for_reading_or_404(user, goal_id):
    """Like ``get_goal_or_404``, for reading only: a grantee of the employee's goals
    reads it too, and the read is recorded."""
    goal = first_or_404(Goal.select().where(Goal.id == goal_id))
    what = f"goal “{goal.title}”"
    owner = get_growth_owner_or_404(user, goal.employee_id, "goals", what)
    _require_seen(goal.created_at, owner, "goals", what)
    return Owned(goal, owner)


def get_goal_of_meeting_or_404(user, found_meeting, goal_id):
    """A goal of the employee of a loaded meeting, to check in on inside it."""
    found = get_goal_or_404(user, goal_id)
    if found.item.employee_id != found_meeting.pair.employee_id:
        abort(404)
    return found


def can_maintain_objectives(user):
    """Administrators, and anyone who manages someone now."""
    if is_administrator(user):
        return True
    return (
        user.is_authenticated
        and ReportingLine.current_on(today()).where(ReportingLine.manager == user.id).exists()
    )


def require_objective_keeper(user):
    if not can_maintain_objectives(user):
        abort(404)


def get_objective_to_maintain_or_404(user, objective_id):
    require_objective_keeper(user)
    return first_or_404(Objective.select().where(Objective.id == objective_id))


# --- development plan, feedback and wins ---------------------------------------


def get_growth_owner_or_404(user, employee_id, scope, what=None):
    """The employee whose development plan (``scope`` "plan", which includes wins),
    feedback (``scope`` "feedback") or goals (``scope`` "goals") ``user`` wants: as
    the employee, their current manager, or a grantee of that scope, read-only. A
    grantee's read is recorded as ``what``."""
    return _owner(user, employee_id, scope, what)


def may_change_growth(owner):
    """May the viewer the loader saw change the employee's plan, feedback and wins?
    The employee and their current manager may."""
    return owner.role in PARTICIPANTS


def require_growth_change(owner):
    require_edit(may_change_growth(owner), "You can read this, but not change it.")


def require_growth_change_in_meeting(found_meeting):
    """The plan and wins are changed from a meeting that is still open, by the
    employee or their current manager."""
    require_meeting_editable(found_meeting)
    if growth_role_in_meeting(found_meeting) is None:
        abort(404)


def may_read_goals(owner):
    """Whether a page about an employee (as a growth loader gave it) may show their
    goals too: the pair may; a grantee only with a grant of the goals as well."""
    if owner.role in PARTICIPANTS:
        return True
    return active_grant(owner.viewer_id, owner.employee.id, "goals") is not None


def seen_since(owner, scope):
    """From when on the viewer the loader saw reads the employee's ``scope`` ("goals",
    "plan", "feedback"): everything, only what is newer than the handoff's cut (a
    manager the employee did not carry it over to), or NOTHING (a grantee of another
    scope). Every piece of every page asks it, not just the page's own scope."""
    if owner.role in PARTICIPANTS:
        return getattr(owner.since, scope)
    if owner.grant is not None and owner.grant.scope == scope:
        return EVERYTHING
    if active_grant(owner.viewer_id, owner.employee.id, scope) is not None:
        return EVERYTHING
    return NOTHING


def may_see_plan_texts(owner):
    """The plan's aspiration, strengths and growth areas are one text each, written
    over time: a manager sees them once the employee carried the plan over, or if
    they were first written after the manager's line began."""
    return sees_plan_texts(owner.since, owner.employee.id)


def require_plan_texts(owner):
    require_edit(
        may_see_plan_texts(owner),
        f"{owner.employee.first_name} has not carried their development plan over to you, "
        "so its texts are theirs alone for now.",
    )


def may_give_feedback(owner):
    """The manager gives feedback to the employee; the employee to a current manager."""
    return may_change_growth(owner) and (owner.role == MANAGER or owner.manager_id is not None)


def feedback_receiver(owner):
    """Who feedback given now goes to: the employee, or their current manager."""
    require_growth_change(owner)
    require_edit(may_give_feedback(owner), "You have no manager to give feedback to right now.")
    return owner.manager_id if owner.role == EMPLOYEE else owner.employee.id


def get_plan_step_or_404(user, step_id):
    step = first_or_404(
        PlanStep.select(PlanStep, DevelopmentPlan)
        .join(DevelopmentPlan)
        .where(PlanStep.id == step_id)
    )
    owner = get_growth_owner_or_404(user, step.plan.employee_id, "plan")
    _require_seen(step.created_at, owner, "plan", Grant.SCOPES["plan"])
    return Owned(step, owner)


def get_plan_step_of_meeting_or_404(user, found_meeting, step_id):
    """A step of the plan of the employee of a loaded meeting."""
    found = get_plan_step_or_404(user, step_id)
    if found.item.plan.employee_id != found_meeting.pair.employee_id:
        abort(404)
    return found


def feedback_visible_to(owner):
    """The feedback of the employee's space that the viewer may read: everything sent,
    but upward feedback only for the manager it was given to (or a grantee of the
    employee's); drafts only their giver's."""
    visible = Feedback.sent_at.is_null(False) | (Feedback.giver == owner.viewer_id)
    if owner.role == MANAGER:
        visible &= (Feedback.giver != owner.employee.id) | (Feedback.receiver == owner.viewer_id)
    elif owner.role == GRANTEE:
        # The employee shared their feedback: what was sent, in both directions.
        visible = Feedback.sent_at.is_null(False)
    elif owner.role != EMPLOYEE:
        return Feedback.select().where(False)
    visible &= Feedback.created_at >= owner.since.feedback
    return Feedback.select().where((Feedback.employee == owner.employee.id) & visible)


def get_feedback_or_404(user, feedback_id):
    """Feedback ``user`` may read, with how they stand to its employee."""
    employee_id = first_or_404(
        Feedback.select(Feedback.employee).where(Feedback.id == feedback_id)
    ).employee_id
    owner = get_growth_owner_or_404(user, employee_id, "feedback")
    return Owned(first_or_404(feedback_visible_to(owner).where(Feedback.id == feedback_id)), owner)


def may_change_feedback(feedback, owner):
    """Only its giver words feedback, and only while still one of the pair."""
    return feedback.giver_id == owner.viewer_id and may_change_growth(owner)


def require_feedback_giver(feedback, owner):
    require_edit(
        may_change_feedback(feedback, owner), "Only the person who gave feedback can change it."
    )


def require_feedback_sendable(feedback, owner):
    """A draft goes only to someone still in the pair: an upward draft written for a
    manager who has since left is not delivered to them."""
    require_feedback_giver(feedback, owner)
    still_in_pair = feedback.receiver_id in (owner.employee.id, owner.manager_id)
    require_edit(
        not feedback.is_draft or still_in_pair,
        "The person this draft was for is no longer your manager, so it can't be sent. "
        "Copy what still matters into new feedback.",
    )


def get_win_or_404(user, win_id):
    win = first_or_404(Win.select().where(Win.id == win_id))
    owner = get_growth_owner_or_404(user, win.employee_id, "plan")
    _require_seen(win.recorded_at, owner, "plan", Grant.SCOPES["plan"])
    return Owned(win, owner)


def may_remove_win(win, owner):
    """Whoever recorded a win may take it back — while still one of the pair."""
    return win.recorded_by_id == owner.viewer_id and may_change_growth(owner)


def require_win_remover(win, owner):
    require_edit(may_remove_win(win, owner), "Only the person who recorded a win can remove it.")
