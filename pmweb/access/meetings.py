"""Who may see and change a one-on-one: its meetings, talking points, shared notes and
action items are its two participants'; changing them also needs the pair's reporting
line to be current and the meeting to be open. After the line ends both keep
read-only access to the meetings they took part in. A private note is its author's
alone. Anyone else reads a one-on-one's meetings only through the employee's grant.

The loaders hand views a small frozen value with what they decided — how the viewer
stands to the pair, whether its line holds today, the grant they read through — and
the predicates below answer from that value, never from attributes on model objects."""

import datetime
from typing import NamedTuple

from flask import abort
from peewee import fn

from pmweb.access.common import (
    EMPLOYEE,
    GRANTEE,
    MANAGER,
    PARTICIPANTS,
    Employee,
    Manager,
    ReadOnly,
    first_or_404,
    now,
    require_edit,
    today,
)
from pmweb.access.grants import record_read
from pmweb.access.handoffs import (
    SEES_EVERYTHING,
    SEES_NOTHING,
    current_line_of,
    since_for_manager,
    since_for_reports,
)
from pmweb.auth import session_is_open
from pmweb.db import PreparedQuery
from pmweb.models import (
    ActionItem,
    Grant,
    Meeting,
    OneOnOne,
    PrivateNote,
    ReportingLine,
    TalkingPoint,
)

ENDED = "This one-on-one has ended; its meetings are kept read-only."


class PairAccess(NamedTuple):
    """A one-on-one as its loader let the viewer have it."""

    pair: OneOnOne
    viewer_id: int
    role: str  # EMPLOYEE or MANAGER (one of the pair), or GRANTEE
    line_is_current: bool  # the pair's reporting line holds today
    grant: Grant | None = None  # the employee's grant a GRANTEE reads through


class MeetingAccess(NamedTuple):
    """A meeting (with its one-on-one and both people) as its loader let the viewer
    have it."""

    meeting: Meeting
    viewer_id: int
    role: str
    line_is_current: bool
    grant: Grant | None = None

    @property
    def pair(self):
        return self.meeting.one_on_one


class InMeeting(NamedTuple):
    """A talking point with the meeting it is on, as the loaders let the viewer have it."""

    item: TalkingPoint
    meeting: MeetingAccess


def _role_in(pair, user_id):
    if user_id == pair.employee_id:
        return EMPLOYEE
    if user_id == pair.manager_id:
        return MANAGER
    return GRANTEE


# --- predicates --------------------------------------------------------------


def is_participant(user, one_on_one):
    return user.is_authenticated and user.id in (one_on_one.manager_id, one_on_one.employee_id)


def can_edit_one_on_one(found):
    """For a ``PairAccess`` or a ``MeetingAccess``: one of the pair, line current."""
    return found.role in PARTICIPANTS and found.line_is_current


def can_edit_meeting(found):
    return can_edit_one_on_one(found) and not found.meeting.is_closed


def can_reopen_meeting(found):
    """Either of the pair may reopen a meeting they completed (for a short while, which
    the rules keep), while the one-on-one lasts."""
    return can_edit_one_on_one(found) and found.meeting.is_done


def require_meeting_reopenable(found):
    if found.role not in PARTICIPANTS:
        raise ReadOnly("Only the two people in this one-on-one can reopen its meetings.")
    if not found.meeting.is_done:
        raise ReadOnly("This meeting is not completed.")
    require_one_on_one_editable(found)


def can_delete_talking_point(found, point):
    return point.author_id == found.viewer_id and can_edit_meeting(found)


def deletable_talking_points(found, points):
    """Ids of the points of the meeting that its viewer may delete: the meeting page
    asks once for the whole agenda."""
    if not can_edit_meeting(found):
        return set()
    return {point.id for point in points if point.author_id == found.viewer_id}


def can_delete_action_item(found, item):
    """Only the person who added an action item deletes it: the other may have made
    plans around it. Changing its text, owner or due date is for both."""
    return item.created_by_id == found.viewer_id and can_edit_meeting(found)


def deletable_action_items(found, items):
    """Ids of the action items a loaded meeting shows that its viewer may delete."""
    if not can_edit_meeting(found):
        return set()
    return {item.id for item in items if item.created_by_id == found.viewer_id}


def require_action_item_deletable(found, item):
    require_meeting_editable(found)
    require_edit(
        can_delete_action_item(found, item),
        "Only the person who added an action item can delete it. You can change its"
        " text, owner and due date, or mark it done.",
    )


def can_write_private_note(found):
    # A completed meeting stays open for each person's own reflection; a skipped one
    # handed its notes to the next meeting, where they are written on.
    return found.role in PARTICIPANTS and not found.meeting.is_skipped


def require_private_note_writable(found):
    require_edit(
        can_write_private_note(found),
        "This meeting was skipped; your note moved to the next meeting.",
    )


def require_one_on_one_editable(found, reason=ENDED):
    require_edit(can_edit_one_on_one(found), reason)


def require_meeting_editable(found):
    meeting = found.meeting
    if meeting.is_done:
        raise ReadOnly("This meeting is completed and can no longer be changed.")
    if meeting.is_skipped:
        raise ReadOnly("This meeting was skipped; its agenda moved to the next meeting.")
    require_one_on_one_editable(found)


def require_meeting_completable(found):
    """Completing is editing, except that a meeting already completed may be completed
    again (a double click, or both people at once), which changes nothing and leads on
    to the next meeting — while the one-on-one lasts."""
    if found.meeting.is_done:
        require_one_on_one_editable(found)
    else:
        require_meeting_editable(found)


def growth_role_in_meeting(found):
    """How the viewer of a loaded meeting stands to the employee's goals, development
    plan and wins, without another query: a current pair's manager is the employee's
    current manager."""
    return _growth_role(found.viewer_id, found.pair, found.line_is_current)


def growth_role_in_listed_one_on_one(user, pair):
    """The same for a pair listed by ``one_on_ones_visible_to`` or
    ``current_one_on_ones_of``, which select whether its line is current."""
    return _growth_role(user.id, pair, bool(pair.is_current))


def growth_since_in_meeting(found):
    """What the viewer of a loaded meeting sees of the employee's goals and plan from
    before the pair's reporting line began (see ``handoffs``)."""
    if growth_role_in_meeting(found) != MANAGER:
        return SEES_EVERYTHING
    # The handoff of this pair's own line: never another manager's.
    line = current_line_of(found.pair.employee_id, manager_id=found.pair.manager_id)
    return since_for_manager(line)


def growth_sinces_of_listed_one_on_ones(user, pairs):
    """{pair id: what ``user`` sees of its employee's goals and plan} for pairs listed
    by ``current_one_on_ones_of`` and the like, in one query: everything for the
    employee, the handoff's cut for their current manager; None for anyone else."""
    reports = [p.employee_id for p in pairs if growth_role_in_listed_one_on_one(user, p) == MANAGER]
    as_manager = since_for_reports(user.id, reports) if reports else {}
    sinces = {}
    for pair in pairs:
        role = growth_role_in_listed_one_on_one(user, pair)
        if role == EMPLOYEE:
            sinces[pair.id] = SEES_EVERYTHING
        elif role == MANAGER:
            # A report with no line found now shows nothing rather than everything.
            sinces[pair.id] = as_manager.get(pair.employee_id, SEES_NOTHING)
        else:
            sinces[pair.id] = None
    return sinces


def _growth_role(user_id, pair, line_is_current):
    if user_id == pair.employee_id:
        return EMPLOYEE
    if user_id == pair.manager_id and line_is_current:
        return MANAGER
    return None


# --- scoped queries ----------------------------------------------------------


def _pair_is_current(day):
    line = ReportingLine.current_on(day).where(
        (ReportingLine.manager == OneOnOne.manager) & (ReportingLine.employee == OneOnOne.employee)
    )
    return fn.EXISTS(line)


def _with_people(query):
    return query.join_from(OneOnOne, Manager, on=(OneOnOne.manager == Manager.id)).join_from(
        OneOnOne, Employee, on=(OneOnOne.employee == Employee.id)
    )


def _pairs(day):
    """One-on-ones with both people and whether the reporting line holds ``day``."""
    return _with_people(
        OneOnOne.select(OneOnOne, Manager, Employee, _pair_is_current(day).alias("is_current"))
    )


def one_on_ones_visible_to(user, day=None):
    return _pairs(day or today()).where(
        (OneOnOne.manager == user.id) | (OneOnOne.employee == user.id)
    )


def current_one_on_ones_of(user, day=None):
    """The one-on-ones the user is in whose reporting line holds ``day``."""
    day = day or today()
    return one_on_ones_visible_to(user, day).where(_pair_is_current(day))


def current_reports_of(user, day=None):
    """The user's current one-on-ones as the manager: their reports."""
    return current_one_on_ones_of(user, day).where(OneOnOne.manager == user.id)


def one_on_ones_to_export(user):
    """The one-on-ones whose meetings go into ``user``'s own data export: every one
    they are in. An ended pair's meetings go to its former manager as a read of the
    employee's, recorded like any other."""
    pairs = list(one_on_ones_visible_to(user))
    for pair in pairs:
        if pair.manager_id == user.id and not pair.is_current:
            record_read(user.id, pair.employee_id, "meetings with you, in their data export")
    return pairs


def one_on_ones_to_share(user):
    """The one-on-ones whose meeting records ``user`` may share: those in which they
    are the employee. A manager shares nobody's meetings."""
    return one_on_ones_visible_to(user).where(OneOnOne.employee == user.id)


def _meetings(day):
    """Meetings with their pair, both people, and whether the pair's reporting line
    holds ``day`` — everything a permission check needs, in one query."""
    query = Meeting.select(
        Meeting, OneOnOne, Manager, Employee, _pair_is_current(day).alias("pair_is_current")
    ).join_from(Meeting, OneOnOne)
    return _with_people(query)


def _meetings_of(user_id, day):
    return _meetings(day).where((OneOnOne.manager == user_id) | (OneOnOne.employee == user_id))


# The meeting page and every one of its fragments load their meeting through this.
@PreparedQuery
def _visible_meeting(user_id: int, meeting_id: int, day: datetime.date):
    return _meetings_of(user_id, day).where(Meeting.id == meeting_id)


# An outsider's meeting is looked for together with their grant, in one query: a
# meeting that exists but is not theirs costs what a missing one costs, so the time
# of a 404 does not tell them which it was.
@PreparedQuery
def _granted_meeting(user_id: int, meeting_id: int, day: datetime.date, now: datetime.datetime):
    return (
        _with_meetings_grant(_meetings(day), user_id, now)
        .where(Meeting.id == meeting_id)
        .order_by(Grant.expires_at.desc())
    )


def _with_meetings_grant(query, user_id, now):
    """``query`` of one-on-ones (or their meetings) with ``user_id``'s active grant of
    their meeting records (``one_on_one.grant``); one-on-ones without one drop out."""
    return query.select_extend(Grant).join_from(
        OneOnOne,
        Grant,
        on=(
            (Grant.one_on_one == OneOnOne.id)
            & (Grant.employee == OneOnOne.employee)
            & (Grant.grantee == user_id)
            & (Grant.scope == "meetings")
            & Grant.revoked_at.is_null()
            & (Grant.expires_at > now)
        ),
        attr="grant",
    )


@PreparedQuery
def _own_private_note(meeting_id: int, author_id: int):
    return PrivateNote.select().where(
        (PrivateNote.meeting == meeting_id) & (PrivateNote.author == author_id)
    )


# --- loaders -----------------------------------------------------------------


def _role_or_404(pair, user_id, grant):
    """One of the pair, or a grantee only with the grant in hand."""
    role = _role_in(pair, user_id)
    if role == GRANTEE and grant is None:
        abort(404)
    return role


def _pair_access(pair, user_id, grant=None):
    role = _role_or_404(pair, user_id, grant)
    return PairAccess(pair, user_id, role, bool(pair.is_current), grant)


def _meeting_access(meeting, user_id, grant=None):
    role = _role_or_404(meeting.one_on_one, user_id, grant)
    return MeetingAccess(meeting, user_id, role, bool(meeting.pair_is_current), grant)


def get_one_on_one_or_404(user, one_on_one_id):
    """A one-on-one of the user's. A former manager's load of it is a read of the
    employee's, recorded if the response shows it (``grants.write_down_reads``)."""
    pair = first_or_404(one_on_ones_visible_to(user).where(OneOnOne.id == one_on_one_id))
    found = _pair_access(pair, user.id)
    _record_if_former_manager(found, "one-on-one history")
    return found


def get_one_on_one_for_reading_or_404(user, one_on_one_id):
    """A one-on-one's page to read: as one of the pair, or through the employee's grant
    of its meeting records; recorded like a meeting read."""
    pair = one_on_ones_visible_to(user).where(OneOnOne.id == one_on_one_id).first()
    grant = None
    if pair is None:
        # With the grant, in one query: see ``_granted_meeting``.
        pair = first_or_404(
            _with_meetings_grant(_pairs(today()), user.id, now())
            .where(OneOnOne.id == one_on_one_id)
            .order_by(Grant.expires_at.desc())
        )
        grant = pair.grant
    found = _pair_access(pair, user.id, grant)
    if grant:
        record_read(user.id, pair.employee_id, "one-on-one history", grant)
    else:
        _record_if_former_manager(found, "one-on-one history")
    return found


def get_meeting_or_404(user, meeting_id):
    """A meeting of one of the user's one-on-ones. A former manager's load of it is a
    read of the employee's, recorded if the response shows the meeting — a refused
    change that renders the page again does (``grants.write_down_reads``)."""
    meeting = first_or_404(_visible_meeting, user.id, meeting_id, today())
    found = _meeting_access(meeting, user.id)
    _record_if_former_manager(found, _meeting_read(meeting))
    return found


def _meeting_read(meeting):
    return f"meeting of {meeting.scheduled_for:%d %b %Y}"


def _record_if_former_manager(found, what):
    """Anyone but the pair's current two reading is recorded: a former manager too."""
    if found.role == MANAGER and not found.line_is_current:
        record_read(found.viewer_id, found.pair.employee_id, what)


def get_editable_meeting_or_404(user, meeting_id):
    """A meeting the user may change now (409 with the reason if only readable)."""
    found = get_meeting_or_404(user, meeting_id)
    require_meeting_editable(found)
    return found


def get_meeting_for_reading_or_404(user, meeting_id):
    """A meeting to read: as one of the pair, or through the employee's grant of this
    one-on-one's meeting records. A read by anyone but the pair's current two — a
    grantee, a former manager — is recorded for the employee."""
    meeting = _visible_meeting.first(user.id, meeting_id, today())
    grant = None
    if meeting is None:
        meeting = first_or_404(_granted_meeting, user.id, meeting_id, today(), now())
        grant = meeting.one_on_one.grant
    found = _meeting_access(meeting, user.id, grant)
    if grant:
        record_read(user.id, found.pair.employee_id, _meeting_read(meeting), grant)
    else:
        _record_if_former_manager(found, _meeting_read(meeting))
    return found


def can_follow_meeting(user_id, meeting_id):
    """May this person follow the meeting live? One of the pair, with the reporting
    line current: an ended pair's meetings stay readable, but there is nothing to
    follow."""
    meeting = _visible_meeting.first(user_id, meeting_id, today())
    return meeting is not None and bool(meeting.pair_is_current)


def get_followable_meeting_or_404(user, meeting_id):
    """A meeting whose live stream this person may open."""
    found = get_meeting_or_404(user, meeting_id)
    if not found.line_is_current:
        abort(404)
    return found


def stream_may_continue(session_token, user_id, meeting_id):
    """Asked by an open live stream before everything it sends: the sign-in behind it
    still lasts (not signed out, not deactivated) and the person may still follow."""
    return session_is_open(session_token) and can_follow_meeting(user_id, meeting_id)


def get_talking_point_or_404(user, point_id):
    point = first_or_404(TalkingPoint.select().where(TalkingPoint.id == point_id))
    return InMeeting(point, get_meeting_or_404(user, point.meeting_id))


def get_action_item_of_meeting_or_404(found, item_id):
    """An action item of the pair that the loaded meeting ``found`` belongs to."""
    if found.role not in PARTICIPANTS:
        abort(404)
    return first_or_404(
        ActionItem.select().where(
            (ActionItem.id == item_id) & (ActionItem.one_on_one == found.meeting.one_on_one_id)
        )
    )


def private_notes_of(user, meeting_ids):
    """The user's own private notes on these meetings; never anyone else's."""
    if not meeting_ids:
        return []
    return list(
        PrivateNote.select().where(
            PrivateNote.meeting.in_(meeting_ids) & (PrivateNote.author == user.id)
        )
    )


def private_note_of(found):
    """The viewer's own private note on a loaded meeting. There is deliberately no way
    to ask for someone else's."""
    return _own_private_note.first(found.meeting.id, found.viewer_id)
