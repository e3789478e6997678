"""The access policy: who may see or change what. Nothing else in pmweb decides it.

- A one-on-one's meetings, talking points, shared notes and action items: its two
  participants. Changing them also needs the pair's reporting line to be current
  and the meeting not completed; after a reporting line ends both keep read-only
  access to the meetings they took part in.
- A private note: its author only — not the other participant, not an administrator.
- Goals and their check-ins, the development plan, feedback and wins: the employee
  and their current manager. Upward feedback (the employee's to their manager) is for
  the manager it was given to; a feedback draft is its giver's alone.
- Objectives: titles and how many goals align to each, for everyone signed in;
  kept by administrators and managers.
- Administrators manage people and reporting lines and read no one-on-one content.
- Anyone else reads only through a grant the employee gave (a scope, a person, an
  expiry), read-only, and every such read is recorded for the employee to see.

Loaders return the object or abort with 404: someone who may not see a thing must
not learn that it exists. A participant who may read but not change (a completed
meeting, an ended reporting line) gets 409 with the reason instead.
"""

import datetime

from flask import abort, request
from peewee import fn

from pmweb.auth import session_is_open
from pmweb.db import PreparedQuery
from pmweb.models import (
    AccessRecord,
    ActionItem,
    CalendarFeed,
    DevelopmentPlan,
    Feedback,
    Goal,
    Grant,
    Meeting,
    Objective,
    OneOnOne,
    PlanStep,
    PrivateNote,
    Question,
    ReportingLine,
    TalkingPoint,
    User,
    Win,
)

Manager = User.alias("manager")
Employee = User.alias("employee")


class ReadOnly(Exception):
    """A participant tried to change something that is read-only for them now."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def today():
    return datetime.date.today()


# --- predicates --------------------------------------------------------------


def is_participant(user, one_on_one):
    return user.is_authenticated and user.id in (one_on_one.manager_id, one_on_one.employee_id)


def can_edit_one_on_one(user, one_on_one):
    return is_participant(user, one_on_one) and one_on_one.is_current


def can_edit_meeting(user, meeting):
    return can_edit_one_on_one(user, meeting.one_on_one) and not meeting.is_closed


def can_delete_talking_point(user, point):
    return point.author_id == user.id and can_edit_meeting(user, point.meeting)


def deletable_talking_points(user, meeting, points):
    """Ids of the points of ``meeting`` that ``user`` may delete: the meeting page asks
    once for the whole agenda."""
    if not can_edit_meeting(user, meeting):
        return set()
    return {point.id for point in points if point.author_id == user.id}


def can_write_private_note(user, meeting):
    # A completed meeting stays open for each person's own reflection; a skipped one
    # handed its notes to the next meeting, where they are written on.
    return is_participant(user, meeting.one_on_one) and not meeting.is_skipped


def require_private_note_writable(user, meeting):
    require_edit(
        can_write_private_note(user, meeting),
        "This meeting was skipped; your note moved to the next meeting.",
    )


def is_administrator(user):
    return user.is_authenticated and user.is_active and user.is_admin


def require_edit(allowed, reason):
    if not allowed:
        raise ReadOnly(reason)


def require_meeting_editable(user, meeting):
    if meeting.is_done:
        raise ReadOnly("This meeting is completed and can no longer be changed.")
    if meeting.is_skipped:
        raise ReadOnly("This meeting was skipped; its agenda moved to the next meeting.")
    require_edit(
        can_edit_meeting(user, meeting),
        "This one-on-one has ended; its meetings are kept read-only.",
    )


def require_meeting_completable(user, meeting):
    """Completing is editing, except that a meeting already completed may be completed
    again (a double click, or both people at once), which changes nothing and leads on
    to the next meeting — while the one-on-one lasts."""
    if meeting.is_done:
        require_edit(
            can_edit_one_on_one(user, meeting.one_on_one),
            "This one-on-one has ended; its meetings are kept read-only.",
        )
    else:
        require_meeting_editable(user, meeting)


# --- scoped queries ----------------------------------------------------------


def _pair_is_current(day):
    line = ReportingLine.current_on(day).where(
        (ReportingLine.manager == OneOnOne.manager) & (ReportingLine.employee == OneOnOne.employee)
    )
    return fn.EXISTS(line)


def _with_pair(query):
    """Join a Meeting-rooted query with its pair, both people, and whether the pair's
    reporting line is current — everything a permission check needs, in one query."""
    return (
        query.join_from(Meeting, OneOnOne)
        .join_from(OneOnOne, Manager, on=(OneOnOne.manager == Manager.id))
        .join_from(OneOnOne, Employee, on=(OneOnOne.employee == Employee.id))
    )


def one_on_ones_visible_to(user, day=None):
    day = day or today()
    return (
        OneOnOne.select(OneOnOne, Manager, Employee, _pair_is_current(day).alias("is_current"))
        .join_from(OneOnOne, Manager, on=(OneOnOne.manager == Manager.id))
        .join_from(OneOnOne, Employee, on=(OneOnOne.employee == Employee.id))
        .where((OneOnOne.manager == user.id) | (OneOnOne.employee == user.id))
    )


def current_one_on_ones_of(user, day=None):
    """The one-on-ones the user is in whose reporting line holds ``day``."""
    day = day or today()
    return one_on_ones_visible_to(user, day).where(_pair_is_current(day))


def current_reports_of(user, day=None):
    """The user's current one-on-ones as the manager: their reports."""
    return current_one_on_ones_of(user, day).where(OneOnOne.manager == user.id)


def meetings_visible_to(user, day=None):
    return _meetings_of(user.id, day or today())


def _meetings_of(user_id, day):
    query = Meeting.select(
        Meeting, OneOnOne, Manager, Employee, _pair_is_current(day).alias("pair_is_current")
    )
    return _with_pair(query).where((OneOnOne.manager == user_id) | (OneOnOne.employee == user_id))


# The meeting page and every one of its fragments load their meeting through this.
_visible_meeting = PreparedQuery(
    lambda user_id, meeting_id, day: _meetings_of(user_id, day).where(Meeting.id == meeting_id)
)
_own_private_note = PreparedQuery(
    lambda meeting_id, author_id: PrivateNote.select().where(
        (PrivateNote.meeting == meeting_id) & (PrivateNote.author == author_id)
    )
)


def _attach_pair_state(meeting):
    meeting.one_on_one.is_current = bool(meeting.pair_is_current)
    return meeting


# --- loaders -----------------------------------------------------------------


def get_one_on_one_or_404(user, one_on_one_id):
    pair = one_on_ones_visible_to(user).where(OneOnOne.id == one_on_one_id).first()
    if pair is None:
        abort(404)
    pair.is_current = bool(pair.is_current)
    return pair


def can_follow_meeting(user_id, meeting_id):
    """May this person follow the meeting live? One of the pair, with the reporting
    line current: an ended pair's meetings stay readable, but there is nothing to
    follow."""
    meeting = _visible_meeting.first(user_id, meeting_id, today())
    return meeting is not None and bool(meeting.pair_is_current)


def stream_may_continue(session_token, user_id, meeting_id):
    """Asked by an open live stream before everything it sends: the sign-in behind it
    still lasts (not signed out, not deactivated) and the person may still follow."""
    return session_is_open(session_token) and can_follow_meeting(user_id, meeting_id)


def week_stream_may_continue(session_token, user, pair_ids):
    """Asked by an open "This week" stream before everything it sends: the sign-in
    behind it still lasts (not signed out, not deactivated) and the user's current
    one-on-ones are still ``pair_ids`` — none ended, none began. Its signals carry no
    content; each card it refreshes is fetched through the access-checked page."""
    if not session_is_open(session_token):
        return False
    current = current_one_on_ones_of(user).select(OneOnOne.id).tuples()
    return {pair_id for (pair_id,) in current} == set(pair_ids)


def get_followable_meeting_or_404(user, meeting_id):
    """A meeting whose live stream this person may open."""
    if not can_follow_meeting(user.id, meeting_id):
        abort(404)
    return get_meeting_or_404(user, meeting_id)


def get_meeting_or_404(user, meeting_id):
    meeting = _visible_meeting.first(user.id, meeting_id, today())
    if meeting is None:
        abort(404)
    return _attach_pair_state(meeting)


_any_meeting = PreparedQuery(
    lambda meeting_id, day: _with_pair(
        Meeting.select(
            Meeting, OneOnOne, Manager, Employee, _pair_is_current(day).alias("pair_is_current")
        )
    ).where(Meeting.id == meeting_id)
)


def get_meeting_for_reading_or_404(user, meeting_id):
    """A meeting to read: as one of the pair (``get_meeting_or_404``), or through the
    employee's grant of this one-on-one's meeting records (``meeting.grant`` set).
    A read by anyone but the pair's current two — a grantee, a former manager — is
    recorded for the employee."""
    meeting = _visible_meeting.first(user.id, meeting_id, today())
    grant = None
    if meeting is None:
        meeting = _any_meeting.first(meeting_id, today())
        pair = meeting.one_on_one if meeting else None
        grant = pair and active_grant(user.id, pair.employee_id, "meetings", pair.id)
        if not grant:
            abort(404)
    meeting = _attach_pair_state(meeting)
    meeting.grant = grant
    pair = meeting.one_on_one
    if grant or (user.id == pair.manager_id and not pair.is_current):
        record_read(user, pair.employee_id, f"meeting of {meeting.scheduled_for:%d %b %Y}", grant)
    return meeting


def get_one_on_one_for_reading_or_404(user, one_on_one_id):
    """A one-on-one's page to read: as one of the pair, or through the employee's grant
    of its meeting records; recorded like a meeting read."""
    pair = one_on_ones_visible_to(user).where(OneOnOne.id == one_on_one_id).first()
    grant = None
    if pair is None:
        pair = (
            OneOnOne.select(
                OneOnOne, Manager, Employee, _pair_is_current(today()).alias("is_current")
            )
            .join_from(OneOnOne, Manager, on=(OneOnOne.manager == Manager.id))
            .join_from(OneOnOne, Employee, on=(OneOnOne.employee == Employee.id))
            .where(OneOnOne.id == one_on_one_id)
            .first()
        )
        grant = pair and active_grant(user.id, pair.employee_id, "meetings", pair.id)
        if not grant:
            abort(404)
    pair.is_current = bool(pair.is_current)
    pair.grant = grant
    if grant or (user.id == pair.manager_id and not pair.is_current):
        record_read(user, pair.employee_id, "one-on-one history", grant)
    return pair


def get_talking_point_or_404(user, point_id):
    point = TalkingPoint.get_or_none(TalkingPoint.id == point_id)
    if point is None:
        abort(404)
    point.meeting = get_meeting_or_404(user, point.meeting_id)
    return point


def get_action_item_of_meeting_or_404(user, meeting, item_id):
    """An action item of the pair that ``meeting`` (already access-checked) belongs to."""
    item = ActionItem.get_or_none(
        (ActionItem.id == item_id) & (ActionItem.one_on_one == meeting.one_on_one_id)
    )
    if item is None or not is_participant(user, meeting.one_on_one):
        abort(404)
    return item


def private_notes_of(user, meeting_ids):
    """The user's own private notes on these meetings; never anyone else's."""
    if not meeting_ids:
        return []
    return list(
        PrivateNote.select().where(
            PrivateNote.meeting.in_(meeting_ids) & (PrivateNote.author == user.id)
        )
    )


def private_note_of(user, meeting):
    """The user's own private note on a meeting. There is deliberately no way to ask
    for someone else's."""
    return _own_private_note.first(meeting.id, user.id)


def require_administrator(user):
    if not is_administrator(user):
        abort(404)


def get_person_for_administrator_or_404(user, person_id):
    require_administrator(user)
    person = User.get_or_none(User.id == person_id)
    if person is None:
        abort(404)
    return person


def get_reporting_line_for_administrator_or_404(user, line_id):
    require_administrator(user)
    line = reporting_lines_visible_to_administrator().where(ReportingLine.id == line_id).first()
    if line is None:
        abort(404)
    return line


def people_visible_to_administrator():
    """Accounts and reporting lines only: an administrator's view has no 1:1 content."""
    return User.select().order_by(fn.LOWER(User.name))


def reporting_lines_visible_to_administrator():
    return (
        ReportingLine.select(ReportingLine, Manager, Employee)
        .join_from(ReportingLine, Manager, on=(ReportingLine.manager == Manager.id))
        .join_from(ReportingLine, Employee, on=(ReportingLine.employee == Employee.id))
        .order_by(
            ReportingLine.ends_on.is_null(False), fn.LOWER(Manager.name), fn.LOWER(Employee.name)
        )
    )


# --- goals -------------------------------------------------------------------
#
# Goals and their check-ins belong to the employee: the employee and their current
# manager see and work on them. A former manager, another manager, an administrator:
# nobody else.


def current_manager_id(employee_id, day=None):
    day = day or today()
    line = (
        ReportingLine.current_on(day)
        .where(ReportingLine.employee == employee_id)
        .order_by(ReportingLine.starts_on.desc())
        .first()
    )
    return line.manager_id if line else None


def _goal_role(user, employee_id, manager_id):
    """How ``user`` stands to an employee's goals: ``employee`` (their own),
    ``manager`` (their current manager) or None (no access at all)."""
    if not user.is_authenticated:
        return None
    if user.id == employee_id:
        return "employee"
    if manager_id is not None and manager_id == user.id:
        return "manager"
    return None


def get_goal_owner_or_404(user, employee_id):
    """The employee whose goals ``user`` wants, with ``viewer_role`` and
    ``manager_id`` (their current manager's) set."""
    manager_id = current_manager_id(employee_id)
    role = _goal_role(user, employee_id, manager_id)
    employee = User.get_or_none(User.id == employee_id) if role else None
    if employee is None:
        abort(404)
    employee.viewer_role, employee.manager_id = role, manager_id
    return employee


def get_goal_or_404(user, goal_id):
    """A goal, with ``viewer_role`` (how ``user`` works on it) and ``manager_id``
    (the employee's current manager) set."""
    goal = Goal.get_or_none(Goal.id == goal_id)
    manager_id = current_manager_id(goal.employee_id) if goal else None
    role = _goal_role(user, goal.employee_id, manager_id) if goal else None
    if role is None:
        abort(404)
    goal.viewer_role, goal.manager_id = role, manager_id
    return goal


def get_goal_owner_for_reading_or_404(user, employee_id):
    """Like ``get_goal_owner_or_404``, for reading only: a grantee of the employee's
    goals reads them too (``viewer_role`` "grantee", the read recorded)."""
    return get_growth_owner_or_404(user, employee_id, "goals")


def get_goal_for_reading_or_404(user, goal_id):
    """Like ``get_goal_or_404``, for reading only: a grantee of the employee's goals
    reads it too, and the read is recorded."""
    goal = Goal.get_or_none(Goal.id == goal_id)
    if goal is None:
        abort(404)
    owner = get_growth_owner_or_404(user, goal.employee_id, "goals", f"goal “{goal.title}”")
    goal.viewer_role, goal.manager_id, goal.grant = (
        owner.viewer_role,
        owner.manager_id,
        owner.grant,
    )
    return goal


def get_goal_of_meeting_or_404(user, meeting, goal_id):
    """A goal of the employee of ``meeting`` (already access-checked), to check in on
    inside that meeting."""
    goal = get_goal_or_404(user, goal_id)
    if goal.employee_id != meeting.one_on_one.employee_id:
        abort(404)
    return goal


def goal_role_in_meeting(user, meeting):
    """How a participant of a loaded meeting stands to the employee's goals,
    development plan and wins, without another query: a current pair's manager is the
    employee's current manager."""
    return goal_role_in_one_on_one(user, meeting.one_on_one)


def goal_role_in_one_on_one(user, pair):
    """The same for a loaded pair (with ``is_current``)."""
    if user.id == pair.employee_id:
        return "employee"
    if user.id == pair.manager_id and pair.is_current:
        return "manager"
    return None


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
    objective = Objective.get_or_none(Objective.id == objective_id)
    if objective is None:
        abort(404)
    return objective


# --- development plan, feedback and wins ---------------------------------------
#
# Like goals, they belong to the employee: the employee and their current manager see
# them and shape them. The loaders hand views the employee with ``viewer_role`` set;
# whether that role may change things is asked here (``require_growth_change``), so a
# read-only role can join without a view changing.

CHANGING_ROLES = ("employee", "manager")


def get_growth_owner_or_404(user, employee_id, scope, what=None):
    """The employee whose development plan (``scope`` "plan", which includes wins),
    feedback (``scope`` "feedback") or goals (``scope`` "goals") ``user`` wants, with
    ``viewer_role`` — ``employee``, ``manager``, or ``grantee`` through an active
    grant, read-only —, ``manager_id`` and ``grant`` set. A grantee's read is recorded
    as ``what``."""
    manager_id = current_manager_id(employee_id)
    role = _goal_role(user, employee_id, manager_id)
    grant = None
    if role is None and user.is_authenticated:
        grant = active_grant(user.id, employee_id, scope)
        role = "grantee" if grant else None
    employee = User.get_or_none(User.id == employee_id) if role else None
    if employee is None:
        abort(404)
    employee.viewer_role, employee.manager_id, employee.grant = role, manager_id, grant
    if grant is not None:
        record_read(user, employee_id, what or Grant.SCOPES[scope], grant)
    return employee


def may_change_growth(owner):
    """May the viewer the loader saw (``owner.viewer_role``) change the employee's
    plan, feedback and wins? The employee and their current manager may."""
    return owner.viewer_role in CHANGING_ROLES


def require_growth_change(owner):
    require_edit(may_change_growth(owner), "You can read this, but not change it.")


def require_growth_change_in_meeting(user, meeting):
    """The plan and wins are changed from a meeting that is still open, by the
    employee or their current manager."""
    require_meeting_editable(user, meeting)
    if goal_role_in_meeting(user, meeting) is None:
        abort(404)


def may_read_goals(user, owner):
    """Whether a page about ``owner`` (as a growth loader gave it) may show their goals
    too: the pair may; a grantee only with a grant of the goals as well."""
    if owner.viewer_role in CHANGING_ROLES:
        return True
    return active_grant(user.id, owner.id, "goals") is not None


def may_give_feedback(owner):
    """The manager gives feedback to the employee; the employee to a current manager."""
    return may_change_growth(owner) and (
        owner.viewer_role == "manager" or owner.manager_id is not None
    )


def feedback_receiver(owner):
    """Who feedback given now goes to: the employee, or their current manager."""
    require_growth_change(owner)
    require_edit(may_give_feedback(owner), "You have no manager to give feedback to right now.")
    return owner.manager_id if owner.viewer_role == "employee" else owner.id


def get_plan_step_or_404(user, step_id):
    """A step with its ``owner`` (the employee, as ``get_growth_owner_or_404`` gives)."""
    step = (
        PlanStep.select(PlanStep, DevelopmentPlan)
        .join(DevelopmentPlan)
        .where(PlanStep.id == step_id)
        .first()
    )
    if step is None:
        abort(404)
    step.owner = get_growth_owner_or_404(user, step.plan.employee_id, "plan")
    return step


def feedback_visible_to(user, owner):
    """The feedback of ``owner``'s space that ``user`` may read: everything sent, but
    upward feedback only for the manager it was given to (or a grantee of the
    employee's); drafts only their giver's."""
    visible = Feedback.sent_at.is_null(False) | (Feedback.giver == user.id)
    if owner.viewer_role == "manager":
        visible &= (Feedback.giver != owner.id) | (Feedback.receiver == user.id)
    elif owner.viewer_role == "grantee":
        # The employee shared their feedback: what was sent, in both directions.
        visible = Feedback.sent_at.is_null(False)
    elif owner.viewer_role != "employee":
        return Feedback.select().where(False)
    return Feedback.select().where((Feedback.employee == owner.id) & visible)


def get_feedback_or_404(user, feedback_id):
    """Feedback ``user`` may read, with its ``owner`` (the employee) set."""
    employee_id = Feedback.select(Feedback.employee).where(Feedback.id == feedback_id).scalar()
    if employee_id is None:
        abort(404)
    owner = get_growth_owner_or_404(user, employee_id, "feedback")
    feedback = feedback_visible_to(user, owner).where(Feedback.id == feedback_id).first()
    if feedback is None:
        abort(404)
    feedback.owner = owner
    return feedback


def may_change_feedback(user, feedback, owner):
    """Only its giver words feedback, and only while still one of the pair."""
    return feedback.giver_id == user.id and may_change_growth(owner)


def require_feedback_giver(user, feedback):
    """For feedback loaded by ``get_feedback_or_404``."""
    require_edit(
        may_change_feedback(user, feedback, feedback.owner),
        "Only the person who gave feedback can change it.",
    )


def require_feedback_sendable(user, feedback):
    """A draft goes only to someone still in the pair: an upward draft written for a
    manager who has since left is not delivered to them."""
    require_feedback_giver(user, feedback)
    owner = feedback.owner
    still_in_pair = feedback.receiver_id in (owner.id, owner.manager_id)
    require_edit(
        not feedback.is_draft or still_in_pair,
        "The person this draft was for is no longer your manager, so it can't be sent. "
        "Copy what still matters into new feedback.",
    )


def get_plan_step_of_meeting_or_404(user, meeting, step_id):
    """A step of the plan of the employee of ``meeting`` (already access-checked)."""
    step = get_plan_step_or_404(user, step_id)
    if step.plan.employee_id != meeting.one_on_one.employee_id:
        abort(404)
    return step


def get_win_or_404(user, win_id):
    """A win with its ``owner`` (the employee, as ``get_growth_owner_or_404`` gives)."""
    win = Win.get_or_none(Win.id == win_id)
    if win is None:
        abort(404)
    win.owner = get_growth_owner_or_404(user, win.employee_id, "plan")
    return win


def may_remove_win(user, win, owner):
    """Whoever recorded a win may take it back — while still one of the pair."""
    return win.recorded_by_id == user.id and may_change_growth(owner)


def require_win_remover(user, win):
    """For a win loaded by ``get_win_or_404``."""
    require_edit(
        may_remove_win(user, win, win.owner), "Only the person who recorded a win can remove it."
    )


# --- grants and the record of reads -----------------------------------------------
#
# Anyone outside the pair reads an employee's data only through a grant the employee
# gave: one scope, one person, until it expires or is revoked. Every such read is
# recorded, and the employee sees the record.


def now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def active_grant(grantee_id, employee_id, scope, one_on_one_id=None):
    query = Grant.select().where(
        (Grant.grantee == grantee_id)
        & (Grant.employee == employee_id)
        & (Grant.scope == scope)
        & Grant.revoked_at.is_null()
        & (Grant.expires_at > now())
    )
    if one_on_one_id is not None:
        query = query.where(Grant.one_on_one == one_on_one_id)
    return query.order_by(Grant.expires_at.desc()).first()


def record_read(actor, employee_id, what, grant=None):
    """Write down that ``actor`` read ``what`` of the employee's. A request that only
    tried to change something (and was refused) read nothing."""
    if request and request.method not in ("GET", "HEAD"):
        return
    AccessRecord.create(
        actor=actor.id,
        employee=employee_id,
        what=what,
        path=request.full_path.rstrip("?")[:500] if request else "",
        grant=grant.id if grant else None,
        read_at=now(),
    )


def grants_given_by(user):
    return Grant.select().where(Grant.employee == user.id)


def grants_received_by(user):
    """Grants to ``user`` that are still active."""
    return Grant.select().where(
        (Grant.grantee == user.id) & Grant.revoked_at.is_null() & (Grant.expires_at > now())
    )


def get_own_grant_or_404(user, grant_id):
    """A grant ``user`` gave; only the employee who gave it may end it."""
    grant = grants_given_by(user).where(Grant.id == grant_id).first()
    if grant is None:
        abort(404)
    return grant


def reads_of(user):
    """Who read the employee's data: for the employee alone."""
    return AccessRecord.select().where(AccessRecord.employee == user.id)


def one_on_ones_to_share(user):
    """The one-on-ones whose meeting records ``user`` may share: those in which they
    are the employee. A manager shares nobody's meetings."""
    return one_on_ones_visible_to(user).where(OneOnOne.employee == user.id)


# --- preparation: question bank and calendar feed -------------------------------


def get_own_question_or_404(user, question_id):
    """A question of the user's own bank; everyone else's are not found."""
    question = Question.get_or_none((Question.id == question_id) & (Question.owner == user.id))
    if question is None:
        abort(404)
    return question


def calendar_feed_of(user):
    return CalendarFeed.get_or_none(CalendarFeed.user == user.id)


def get_calendar_owner_or_404(token):
    """The person whose feed ``token`` opens. The token is the only credential a
    calendar app can send, so a wrong, replaced or turned-off token, or a deactivated
    account, is simply not found."""
    feed = (
        CalendarFeed.select(CalendarFeed, User)
        .join(User)
        .where((CalendarFeed.token == token) & User.deactivated_at.is_null())
        .first()
    )
    if feed is None:
        abort(404)
    return feed.user
