"""The rules of a one-on-one: creating a pair's space and planning its meetings
(cadence, moving or skipping one), the agenda, notes, action items, and completing a
meeting with its carry-forward.

Nothing on an agenda is ever left behind or copied twice: completing a meeting
carries its undiscussed points to the pair's following meeting, skipping one moves
its whole agenda there, and a change of cadence moves each planned meeting, with
what was added to it, to the new rhythm.

Every function takes its actors and clock explicitly and runs in one transaction;
none reads the request. Permission is checked before they are called (pmweb.access);
what a rule depends on and another person can change meanwhile — whether the meeting
is still open — it checks again inside its transaction, holding the meeting's row."""

import contextlib
import datetime
from zoneinfo import ZoneInfo

from peewee import fn

from pmweb import formatting
from pmweb.access import ReadOnly
from pmweb.db import PreparedQuery, in_groups, insert_rows, locked, write_transaction
from pmweb.meetings.schedule import (
    HORIZON,
    cadence_times,
    first_meeting_time,
    next_meeting_time,
)
from pmweb.models import ActionItem, Meeting, OneOnOne, PrivateNote, TalkingPoint, utcnow

# Far enough back that no real meeting is there, a whole number of 400-year
# Gregorian cycles so weekdays and leap days stay valid (see ``set_cadence``).
PARKED = datetime.timedelta(days=146097)
LATEST_MOVE = datetime.timedelta(days=366)


class ScheduleError(Exception):
    """A meeting can't be moved there; the message says why, for the person."""


class StaleEdit(Exception):
    """The row changed since the editor loaded it; ``current`` is what it holds now."""

    def __init__(self, current):
        super().__init__("edited meanwhile")
        self.current = current


def local_now(one_on_one):
    return datetime.datetime.now(ZoneInfo(one_on_one.timezone)).replace(tzinfo=None, microsecond=0)


def local_today(one_on_one):
    return local_now(one_on_one).date()


def local_dates(one_on_ones):
    """{one-on-one id: today's date in its own time zone}."""
    return {pair.id: local_today(pair) for pair in one_on_ones}


# --- the pair's space ----------------------------------------------------------


@PreparedQuery
def _pair_of(manager_id: int, employee_id: int):
    return OneOnOne.select().where(
        (OneOnOne.manager == manager_id) & (OneOnOne.employee == employee_id)
    )


def open_one_on_one(manager, employee, timezone, now=None):
    """The pair's one-on-one, created with its meetings for the coming weeks if it
    doesn't exist yet. A pair that worked together before gets its old space back."""
    with write_transaction():
        pair = _pair_of.first(manager.id, employee.id)
        created = pair is None
        if created:
            # Opened by someone else meanwhile (PostgreSQL), theirs is the pair's: the
            # unique (manager, employee) index keeps one, with no savepoint to undo.
            row = _pair_row(manager, employee, timezone)
            created = insert_rows(OneOnOne, [row], ignore_conflicts=True) == 1
            pair = _pair_of.first(manager.id, employee.id)
        now = now or local_now(pair)
        if created:
            # A new pair's weeks ahead in one insert: a directory sync starts thousands.
            _plan_meetings(pair, _weeks_from(pair, first_meeting_time(pair, now), now))
            return pair
        if not Meeting.open().where(Meeting.one_on_one == pair).exists():
            _meeting_at(pair, first_meeting_time(pair, now))
        plan_ahead(pair, now)
        return pair


@contextlib.contextmanager
def _changing_schedule(pair_id):
    """A write transaction holding the pair's row, so that two people moving,
    skipping or completing the pair's meetings at once take turns and each sees the
    other's result."""
    with write_transaction():
        locked(OneOnOne.select(OneOnOne.id).where(OneOnOne.id == pair_id)).get()
        yield


def _status_for_change(meeting_id):
    """Inside a write transaction: the meeting's status now, holding its row so a
    skip or completion waits for this change (and then carries it along)."""
    return locked(Meeting.select(Meeting.status).where(Meeting.id == meeting_id)).scalar()


def _require_upcoming(meeting_id):
    # Only the meeting's status: the other person can complete or skip it a moment
    # before, and a change written after that would be lost. A reporting line ending
    # meanwhile loses nothing — the change is ordered before the end, a valid history.
    status = _status_for_change(meeting_id)
    if status == "done":
        raise ReadOnly("This meeting was completed meanwhile and can no longer be changed.")
    if status == "skipped":
        raise ReadOnly("This meeting was skipped meanwhile; its agenda moved to the next one.")


def _meeting_at(pair, at):
    """The pair's meeting at ``at``, created if missing. The unique (pair, time) index
    makes two concurrent callers end up with the same row."""
    Meeting.insert(one_on_one=pair, scheduled_for=at).on_conflict_ignore().execute()
    return Meeting.get((Meeting.one_on_one == pair) & (Meeting.scheduled_for == at))


def open_first_one_on_ones(people, timezone):
    """The one-on-ones of ``people``, (manager, employee) pairs of new people's first
    lines — pairs that never met — each with its coming weeks' meetings, in a few
    statements per hundred pairs."""
    insert_rows(OneOnOne, [_pair_row(manager, employee, timezone) for manager, employee in people])
    rows = []
    for group in in_groups([employee.id for _, employee in people]):
        for pair in OneOnOne.select().where(OneOnOne.employee.in_(group)):
            now = local_now(pair)
            rows += _meeting_rows(pair, _weeks_from(pair, first_meeting_time(pair, now), now))
    insert_rows(Meeting, rows)


def _pair_row(manager, employee, timezone):
    return {"manager": manager.id, "employee": employee.id, "timezone": timezone}


def _plan_meetings(pair, times):
    """The pair's meetings at ``times``, each created if missing, in one insert."""
    insert_rows(Meeting, _meeting_rows(pair, times), ignore_conflicts=True)


def _meeting_rows(pair, times):
    return [{"one_on_one": pair.id, "scheduled_for": at} for at in times]


def _weeks_from(pair, first, now):
    """``first`` and the cadence's times after it, until one lies at least four weeks
    after ``now``."""
    times = [first]
    if first < now + HORIZON:
        times += cadence_times(pair, first, first, now + HORIZON)
    return times


def _missing_times(pair, last, now):
    """The meetings to plan after the pair's latest one (``last``: None if it has
    none) so that one lies at least four weeks after ``now``."""
    until = now + HORIZON
    if last is None:
        return _weeks_from(pair, first_meeting_time(pair, now), now)
    if last.scheduled_for >= until:
        return []
    return cadence_times(pair, last.cadence_time, max(now, last.scheduled_for), until)


def _latest_meeting(pair):
    # Only what planning reads: a meeting's notes can be long.
    return (
        Meeting.select(Meeting.scheduled_for, Meeting.moved_from)
        .where(Meeting.one_on_one == pair)
        .order_by(Meeting.scheduled_for.desc())
        .first()
    )


def _latest_meetings(pair_ids):
    """{pair id: its latest meeting, with what planning reads} in one query."""
    newest = (
        Meeting.select(Meeting.one_on_one, fn.MAX(Meeting.scheduled_for).alias("at"))
        .where(Meeting.one_on_one.in_(pair_ids))
        .group_by(Meeting.one_on_one)
        .alias("newest")
    )
    latest = Meeting.select(Meeting.one_on_one, Meeting.scheduled_for, Meeting.moved_from).join(
        newest,
        on=(
            (Meeting.one_on_one == newest.c.one_on_one_id) & (Meeting.scheduled_for == newest.c.at)
        ),
    )
    return {meeting.one_on_one_id: meeting for meeting in latest}


def plan_ahead(pair, now):
    """Plans the pair's meetings from its cadence until one lies at least four weeks
    after ``now`` (the pair's wall-clock time). Cheap when nothing is missing."""
    times = _missing_times(pair, _latest_meeting(pair), now)
    if times:
        _plan_meetings(pair, times)


def keep_planned(pairs):
    """For pages and commands that may find a pair whose planned weeks ran out
    (nobody opened or completed a meeting for a while): plans those pairs ahead. One
    query finds them; then one transaction holds their rows, reads their latest
    meetings again and plans them all in one insert — the weekly digest plans every
    pair nobody opened lately."""
    if not pairs:
        return
    latest = dict(
        Meeting.select(Meeting.one_on_one, fn.MAX(Meeting.scheduled_for))
        .where(Meeting.one_on_one.in_([pair.id for pair in pairs]))
        .group_by(Meeting.one_on_one)
        .tuples()
    )
    short = {}
    for pair in pairs:
        now = local_now(pair)
        last = Meeting.scheduled_for.python_value(latest.get(pair.id))
        if last is None or last < now + HORIZON:
            short[pair.id] = (pair, now)
    if not short:
        return
    with write_transaction():
        # In id order, as two of these at once must take the rows in the same order.
        list(
            locked(
                OneOnOne.select(OneOnOne.id)
                .where(OneOnOne.id.in_(list(short)))
                .order_by(OneOnOne.id)
            )
        )
        latest_meetings = _latest_meetings(list(short))
        rows = []
        for pair_id, (pair, now) in short.items():
            rows += _meeting_rows(pair, _missing_times(pair, latest_meetings.get(pair_id), now))
        insert_rows(Meeting, rows, ignore_conflicts=True)


def next_meeting_after(meeting, now):
    """Where ``meeting``'s open business goes: the pair's first open meeting after it
    that is not already past (a planned meeting nobody held never swallows it),
    planned from the cadence if there is none."""
    following = _following_open_meeting(meeting, now)
    if following is not None:
        return following
    pair = meeting.one_on_one
    last = _latest_meeting(pair)
    return _meeting_at(
        pair, next_meeting_time(pair, last.cadence_time, max(now, last.scheduled_for))
    )


def start_of_day(now):
    return datetime.datetime.combine(now.date(), datetime.time())


def _following_open_meeting(meeting, now):
    return (
        Meeting.open()
        .where(
            (Meeting.one_on_one == meeting.one_on_one_id)
            & (Meeting.scheduled_for > meeting.scheduled_for)
            & (Meeting.scheduled_for >= start_of_day(now))
        )
        .order_by(Meeting.scheduled_for)
        .first()
    )


def set_cadence(pair, cadence, weekday, time_of_day, now):
    """Changes the pair's rhythm. Every meeting planned after ``now`` moves, in order,
    to the new rhythm with everything added to it (the first planned meeting becomes
    the first meeting of the new rhythm, and so on); a meeting already due stays.
    Returns the ids of the planned meetings it re-timed."""
    with _changing_schedule(pair.id):
        pair.cadence, pair.weekday, pair.time_of_day = cadence, weekday, time_of_day
        pair.save()
        planned = list(
            Meeting.open()
            .where((Meeting.one_on_one == pair) & (Meeting.scheduled_for > now))
            .order_by(Meeting.scheduled_for)
        )
        staying = Meeting.select(fn.MAX(Meeting.scheduled_for)).where(
            (Meeting.one_on_one == pair) & Meeting.id.not_in([m.id for m in planned])
        )
        latest_staying = Meeting.scheduled_for.python_value(staying.scalar())
        start = first_meeting_time(pair, max(now, latest_staying or now))
        times = [start] + cadence_times(
            pair, start, start, now + HORIZON, at_least=len(planned) - 1
        )
        # Two planned meetings may trade places (weekly to every two weeks keeps the
        # first time); parking them all first keeps the unique (pair, time) index
        # from ever seeing two meetings at one time.
        for meeting in planned:
            Meeting.update(scheduled_for=meeting.scheduled_for - PARKED).where(
                Meeting.id == meeting.id
            ).execute()
        for meeting, at in zip(planned, times, strict=False):
            Meeting.update(
                scheduled_for=at,
                moved_from=None,
                schedule_version=Meeting.schedule_version + (at != meeting.scheduled_for),
            ).where(Meeting.id == meeting.id).execute()
        for at in times[len(planned) :]:
            _meeting_at(pair, at)
        return [meeting.id for meeting in planned]


def reschedule_meeting(meeting, at, now):
    """Moves one upcoming meeting to ``at``, between the pair's meetings before and
    after it, so every meeting keeps its place in the order and its agenda. The
    cadence goes on from the meeting's original time."""
    with _changing_schedule(meeting.one_on_one_id):
        current = Meeting.get_by_id(meeting.id)
        if current.is_closed:
            raise ScheduleError("This meeting is no longer upcoming.")
        if at < start_of_day(now):
            raise ScheduleError("Pick a time from today on.")
        pair_meetings = Meeting.select().where(
            (Meeting.one_on_one == current.one_on_one_id) & (Meeting.id != current.id)
        )
        before = (
            pair_meetings.where(Meeting.scheduled_for < current.scheduled_for)
            .order_by(Meeting.scheduled_for.desc())
            .first()
        )
        after = (
            pair_meetings.where(Meeting.scheduled_for > current.scheduled_for)
            .order_by(Meeting.scheduled_for)
            .first()
        )
        if before is not None and at <= before.scheduled_for:
            raise ScheduleError(f"Pick a time after the meeting of {_when(before.scheduled_for)}.")
        if after is not None and at >= after.scheduled_for:
            raise ScheduleError(
                f"The next meeting is on {_when(after.scheduled_for)}: pick an earlier"
                " time, or skip this meeting and its agenda moves there."
            )
        if at > now + LATEST_MOVE:
            raise ScheduleError("Pick a time within the next year.")
        Meeting.update(
            scheduled_for=at,
            moved_from=fn.COALESCE(Meeting.moved_from, Meeting.scheduled_for),
            schedule_version=Meeting.schedule_version + 1,
        ).where(Meeting.id == current.id).execute()
        plan_ahead(current.one_on_one, now)
        return Meeting.get_by_id(current.id)


def _when(at):
    return f"{formatting.long_day(at)}, {formatting.time(at)}"


def skip_meeting(meeting, skipped_by, now):
    """Marks an upcoming meeting skipped and moves its whole agenda — talking points,
    shared notes, each person's private note — to the pair's following meeting,
    which it returns. Safe to repeat and to race."""
    return _close(
        meeting,
        now,
        _move_agenda,
        "skipped",
        skipped_at=utcnow(),
        skipped_by=skipped_by,
        schedule_version=Meeting.schedule_version + 1,
    )


def _close(meeting, now, hand_over, status, before=None, **stamp):
    """Closes an upcoming meeting as ``status`` and has ``hand_over`` pass its open
    business to the pair's following meeting, which it returns. Only the call that
    flips the status hands anything over, so repeating or racing it does no harm.
    ``before(row)``, given the meeting as it is now, may refuse first."""
    with _changing_schedule(meeting.one_on_one_id):
        if before is not None:
            before(Meeting.get_by_id(meeting.id))
        claimed = (
            Meeting.update(status=status, **stamp)
            .where((Meeting.id == meeting.id) & (Meeting.status == "upcoming"))
            .execute()
        )
        following = next_meeting_after(meeting, now)
        if claimed:
            hand_over(meeting, following)
        plan_ahead(meeting.one_on_one, now)
        meeting.status = status
        return following


def _move_agenda(source, target):
    """Puts ``source``'s agenda ahead of what ``target`` already has."""
    _, moving_last = _positions(source.id)
    target_first, _ = _positions(target.id)
    if moving_last is not None:
        shift = (target_first if target_first is not None else 1) - moving_last - 1
        TalkingPoint.update(meeting=target.id, position=TalkingPoint.position + shift).where(
            TalkingPoint.meeting == source.id
        ).execute()
    source_notes = Meeting.get_by_id(source.id).shared_notes
    if source_notes.strip():
        target_notes = Meeting.get_by_id(target.id).shared_notes
        Meeting.update(
            shared_notes=_joined(source_notes, target_notes),
            shared_notes_version=Meeting.shared_notes_version + 1,
        ).where(Meeting.id == target.id).execute()
        Meeting.update(shared_notes="").where(Meeting.id == source.id).execute()
    for note in PrivateNote.select().where(PrivateNote.meeting == source.id):
        # Each note moves on its own author's key: never read into anyone else's.
        existing = PrivateNote.get_or_none(
            (PrivateNote.meeting == target.id) & (PrivateNote.author == note.author_id)
        )
        if existing is None:
            PrivateNote.update(meeting=target.id).where(PrivateNote.id == note.id).execute()
        else:
            PrivateNote.update(
                body=_joined(note.body, existing.body),
                version=PrivateNote.version + 1,
                updated_at=utcnow(),
            ).where(PrivateNote.id == existing.id).execute()
            PrivateNote.delete().where(PrivateNote.id == note.id).execute()


def _positions(meeting_id):
    """The first and last position on a meeting's agenda (None, None when empty)."""
    return (
        TalkingPoint.select(fn.MIN(TalkingPoint.position), fn.MAX(TalkingPoint.position))
        .where(TalkingPoint.meeting == meeting_id)
        .tuples()
        .get()
    )


def _joined(first, second):
    return "\n\n".join(text for text in (first.strip(), second.strip()) if text)


# --- the agenda ----------------------------------------------------------------


def add_talking_point(meeting, author, text):
    with write_transaction():
        _require_upcoming(meeting.id)
        last = (
            TalkingPoint.select(fn.MAX(TalkingPoint.position))
            .where(TalkingPoint.meeting == meeting)
            .scalar()
        )
        return TalkingPoint.create(
            meeting=meeting, author=author, text=text, position=(last or 0) + 1
        )


def edit_talking_point(point, text, based_on_version):
    """Saves new text only if nobody changed the point since ``based_on_version``."""
    with write_transaction():
        _require_upcoming(point.meeting_id)
        changed = (
            TalkingPoint.update(text=text, version=TalkingPoint.version + 1)
            .where((TalkingPoint.id == point.id) & (TalkingPoint.version == based_on_version))
            .execute()
        )
        current = TalkingPoint.get_or_none(TalkingPoint.id == point.id)
        if current is None:
            # Gone a moment ago: deleted, or taken back by a reopened meeting.
            raise ReadOnly("This talking point is no longer on this meeting's agenda.")
        if not changed:
            raise StaleEdit(current)
        return current


def set_discussed(point, discussed):
    # A toggle carries no text to lose: the last click wins.
    with write_transaction():
        _require_upcoming(point.meeting_id)
        TalkingPoint.update(discussed=discussed).where(TalkingPoint.id == point.id).execute()


def move_talking_point(point, direction):
    """Swaps the point with its neighbour above (direction -1) or below (+1)."""
    with write_transaction():
        _require_upcoming(point.meeting_id)
        point = TalkingPoint.get_by_id(point.id)
        if direction < 0:
            neighbour_filter = TalkingPoint.position < point.position
            order = TalkingPoint.position.desc()
        else:
            neighbour_filter = TalkingPoint.position > point.position
            order = TalkingPoint.position.asc()
        neighbour = (
            TalkingPoint.select()
            .where((TalkingPoint.meeting == point.meeting_id) & neighbour_filter)
            .order_by(order)
            .first()
        )
        if neighbour is None:
            return
        TalkingPoint.update(position=neighbour.position).where(
            TalkingPoint.id == point.id
        ).execute()
        TalkingPoint.update(position=point.position).where(
            TalkingPoint.id == neighbour.id
        ).execute()


def delete_talking_point(point):
    with write_transaction():
        _require_upcoming(point.meeting_id)
        TalkingPoint.delete().where(TalkingPoint.id == point.id).execute()


# --- notes ---------------------------------------------------------------------


def save_shared_notes(meeting, text, based_on_version):
    with write_transaction():
        _require_upcoming(meeting.id)
        changed = (
            Meeting.update(shared_notes=text, shared_notes_version=Meeting.shared_notes_version + 1)
            .where((Meeting.id == meeting.id) & (Meeting.shared_notes_version == based_on_version))
            .execute()
        )
        current = (
            Meeting.select(Meeting.shared_notes, Meeting.shared_notes_version)
            .where(Meeting.id == meeting.id)
            .get()
        )
        meeting.shared_notes = current.shared_notes
        meeting.shared_notes_version = current.shared_notes_version
        if not changed:
            raise StaleEdit(current)
        return meeting


def save_private_note(meeting, author, body, based_on_version=None):
    """The author's own note on the meeting. With ``based_on_version`` (pages always
    send it; 0 when they showed no note) a save from an older copy is refused."""
    with write_transaction():
        if _status_for_change(meeting.id) == "skipped":
            raise ReadOnly("This meeting was skipped; your note moved to the next meeting.")
        mine = (PrivateNote.meeting == meeting) & (PrivateNote.author == author)
        current = PrivateNote.get_or_none(mine)
        seen = current.version if current else 0
        if based_on_version is not None and based_on_version != seen:
            raise StaleEdit(current or PrivateNote(body="", version=0))
        (
            PrivateNote.insert(meeting=meeting, author=author, body=body, updated_at=utcnow())
            .on_conflict(
                conflict_target=[PrivateNote.meeting, PrivateNote.author],
                update={
                    PrivateNote.body: body,
                    PrivateNote.version: PrivateNote.version + 1,
                    PrivateNote.updated_at: utcnow(),
                },
            )
            .execute()
        )
        return PrivateNote.get(mine)


# --- action items --------------------------------------------------------------


def add_action_item(meeting, created_by, owner, text, due):
    # Not refused when the meeting closes meanwhile: an item belongs to the pair and
    # shows in each open meeting until it is done, so one raised as the other person
    # completes is not lost — it waits in the next meeting, and the completed one's
    # record lists it as raised there, which it was.
    return ActionItem.create(
        one_on_one=meeting.one_on_one_id,
        raised_in_meeting=meeting,
        created_by=created_by,
        owner=owner,
        text=text,
        due=due,
    )


def set_action_item_done(item, done, meeting, now=None):
    """Ticks an item done in ``meeting``, or reopens it — also one finished in an
    earlier meeting, which then shows as open in every open meeting of the pair again;
    the record of the meeting it was ticked in no longer lists it as finished there
    (it wasn't). Last click wins."""
    if done:
        values = {"done_at": now or utcnow(), "done_in_meeting": meeting.id}
    else:
        values = {"done_at": None, "done_in_meeting": None}
    with write_transaction():
        _require_upcoming(meeting.id)
        ActionItem.update(values).where(ActionItem.id == item.id).execute()


def _item_to_change(item_id, meeting_id):
    """Inside a write transaction: the item as it is now, if the open meeting shows it
    — open, or ticked off in this meeting — and so may change it. One finished in an
    earlier meeting belongs to that meeting's record until it is reopened."""
    current = locked(ActionItem.select().where(ActionItem.id == item_id)).first()
    if current is None:
        raise ReadOnly("This action item was deleted meanwhile.")
    if current.done_at is not None and current.done_in_meeting_id != meeting_id:
        raise ReadOnly(
            "This action item was finished in an earlier meeting; reopen it to change it."
        )
    return current


def edit_action_item(item, meeting, text, owner, due, based_on_version):
    """Saves an item's text, owner and due date only if nobody changed them since
    ``based_on_version``; a tick or a reopening in between is no conflict."""
    with write_transaction():
        _require_upcoming(meeting.id)
        current = _item_to_change(item.id, meeting.id)
        if current.version != based_on_version:
            raise StaleEdit(current)
        ActionItem.update(text=text, owner=owner, due=due, version=ActionItem.version + 1).where(
            (ActionItem.id == item.id) & (ActionItem.version == based_on_version)
        ).execute()
        return ActionItem.get_by_id(item.id)


def delete_action_item(item, meeting):
    """Removes the item for good, from every meeting of the pair. Nothing of it is
    kept: a deletion is for an item that should never have been, and any meeting's
    record that listed it no longer does."""
    with write_transaction():
        _require_upcoming(meeting.id)
        _item_to_change(item.id, meeting.id)
        ActionItem.delete().where(ActionItem.id == item.id).execute()


# --- completing a meeting ------------------------------------------------------


class CompletionRefused(Exception):
    """The meeting can't be completed or reopened now; the message says why."""


# How long after completing a meeting either person may reopen it: long enough to
# undo a mistaken click or add what was forgotten, short enough that the next
# meeting's agenda has not yet been worked on.
REOPENABLE_FOR = datetime.timedelta(minutes=30)
REOPENABLE_MINUTES = REOPENABLE_FOR // datetime.timedelta(minutes=1)


def complete_meeting(meeting, completed_by, now=None):
    """Marks the meeting done and carries every undiscussed talking point into the
    pair's next meeting, ahead of what is already there. Returns the next meeting.

    Meetings are completed in order (``why_not_completable``).

    Safe to repeat and to race: only the call that flips the status carries points
    forward, and a point can be carried only once (unique ``carried_from``)."""
    now = now or local_now(meeting.one_on_one)

    def not_in_the_future(current):
        if current.status == "upcoming" and (refusal := why_not_completable(current, now)):
            raise CompletionRefused(refusal)

    return _close(
        meeting,
        now,
        _carry_forward,
        "done",
        before=not_in_the_future,
        completed_at=utcnow(),
        completed_by=completed_by,
    )


def why_not_completable(meeting, now):
    """Why an upcoming meeting can't be completed at ``now`` (the pair's time), or None.
    Meetings are held in order: the pair's next meeting may be completed (early, when
    they met before its day), a later one not while an earlier one is still to come.
    One whose day passed unheld holds nothing up: it can be completed or skipped later."""
    earlier = (
        Meeting.select(Meeting.scheduled_for)
        .where(
            (Meeting.one_on_one == meeting.one_on_one_id)
            & (Meeting.status == "upcoming")
            & (Meeting.scheduled_for < meeting.scheduled_for)
            & (Meeting.scheduled_for >= start_of_day(now))
        )
        .order_by(Meeting.scheduled_for)
        .first()
    )
    if earlier is not None:
        return (
            f"The meeting of {formatting.day(earlier.scheduled_for)} comes first: this one, "
            f"on {formatting.long_day(meeting.scheduled_for)}, has not happened yet. "
            "Complete or skip that one first, or move this one to today."
        )
    return None


def completion_preview(meeting, now):
    """What completing the meeting now would do: the undiscussed points that move and
    the meeting they move to (None when a new one would be planned), and the number of
    action items that stay open."""
    moving = list(
        TalkingPoint.select(TalkingPoint.id, TalkingPoint.text)
        .where((TalkingPoint.meeting == meeting.id) & (TalkingPoint.discussed == False))  # noqa: E712
        .order_by(TalkingPoint.position)
    )
    staying_open = (
        ActionItem.select()
        .where((ActionItem.one_on_one == meeting.one_on_one_id) & ActionItem.done_at.is_null())
        .count()
    )
    return moving, _following_open_meeting(meeting, now), staying_open


def in_zone(moment, timezone):
    """A stored UTC moment as wall-clock time in ``timezone``."""
    local = moment.replace(tzinfo=datetime.UTC).astimezone(ZoneInfo(timezone))
    return local.replace(tzinfo=None)


def reopen_until(meeting, now_utc):
    """Until when a completed meeting may be reopened (a UTC moment), or None when it
    is not completed or that time has passed at ``now_utc``."""
    if meeting.status != "done" or meeting.completed_at is None:
        return None
    until = meeting.completed_at + REOPENABLE_FOR
    return until if now_utc <= until else None


def reopen_meeting(meeting, now_utc=None):
    """Opens a meeting completed moments ago again and undoes its carry-forward
    exactly: each point carried from it leaves the meeting it went to, which keeps
    everything else. Refused once a carried point was changed there (reopening would
    lose that change), after ``REOPENABLE_FOR``, or when a later meeting of the pair
    was completed since."""
    now_utc = now_utc or utcnow()
    with _changing_schedule(meeting.one_on_one_id):
        current = Meeting.get_by_id(meeting.id)
        if current.status != "done":
            raise CompletionRefused("This meeting is not completed.")
        if reopen_until(current, now_utc) is None:
            completed = in_zone(current.completed_at, current.one_on_one.timezone)
            raise CompletionRefused(
                f"A meeting can be reopened for {REOPENABLE_MINUTES} minutes after "
                f"it was completed; this one was completed at {formatting.time(completed)}."
            )
        completed_since = (
            Meeting.select()
            .where(
                (Meeting.one_on_one == current.one_on_one_id)
                & (Meeting.status == "done")
                & (Meeting.scheduled_for > current.scheduled_for)
            )
            .exists()
        )
        if completed_since:
            raise CompletionRefused("A later meeting of this one-on-one was completed since.")
        Original = TalkingPoint.alias()
        carried = list(
            TalkingPoint.select(TalkingPoint, Meeting)
            .join(Original, on=(TalkingPoint.carried_from == Original.id))
            .switch(TalkingPoint)
            .join(Meeting, on=(TalkingPoint.meeting == Meeting.id))
            .where(Original.meeting == current.id)
        )
        changed_since = CompletionRefused(
            "A talking point carried from this meeting has changed since in the next one: "
            "reopening would undo that. Add what you forgot to the next meeting."
        )
        undiscussed = (
            TalkingPoint.select()
            .where((TalkingPoint.meeting == current.id) & (TalkingPoint.discussed == False))  # noqa: E712
            .count()
        )
        if len(carried) != undiscussed:  # one was deleted there
            raise changed_since
        if any(point.meeting.status != "upcoming" for point in carried):
            raise changed_since
        # Only copies still as they were carried: an edit committed a moment ago (which
        # waits on the next meeting's row, not this pair's) makes the count fall short,
        # and the refusal rolls the deletion back.
        removed = (
            TalkingPoint.delete()
            .where(
                TalkingPoint.id.in_([point.id for point in carried])
                & (TalkingPoint.version == 1)
                & (TalkingPoint.discussed == False)  # noqa: E712
            )
            .execute()
        )
        if removed != len(carried):
            raise changed_since
        Meeting.update(
            status="upcoming",
            completed_at=None,
            completed_by=None,
            schedule_version=Meeting.schedule_version + 1,
        ).where(Meeting.id == current.id).execute()
        return {point.meeting.id for point in carried}


def _carry_forward(meeting, next_meeting):
    undiscussed = list(
        TalkingPoint.select()
        .where((TalkingPoint.meeting == meeting) & (TalkingPoint.discussed == False))  # noqa: E712
        .order_by(TalkingPoint.position)
    )
    if not undiscussed:
        return
    first = (
        TalkingPoint.select(fn.MIN(TalkingPoint.position))
        .where(TalkingPoint.meeting == next_meeting)
        .scalar()
    )
    start = (first if first is not None else 1) - len(undiscussed)
    rows = [
        {
            "meeting": next_meeting.id,
            "author": point.author_id,
            "text": point.text,
            "position": start + offset,
            "carried_from": point.id,
        }
        for offset, point in enumerate(undiscussed)
    ]
    TalkingPoint.insert_many(rows).on_conflict_ignore().execute()
