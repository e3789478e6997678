"""The rules of a one-on-one: creating a pair's space, the agenda, notes, action
items, and completing a meeting with its carry-forward.

Every function takes its actors and clock explicitly and runs in one transaction;
none reads the request. Permission is checked before they are called (access.py)."""

import datetime
from zoneinfo import ZoneInfo

from peewee import fn

from pmweb.db import write_transaction
from pmweb.meetings.schedule import first_meeting_time, next_meeting_time
from pmweb.models import ActionItem, Meeting, OneOnOne, PrivateNote, TalkingPoint, utcnow


class StaleEdit(Exception):
    """The row changed since the editor loaded it; ``current`` is what it holds now."""

    def __init__(self, current):
        super().__init__("edited meanwhile")
        self.current = current


def local_now(one_on_one):
    return datetime.datetime.now(ZoneInfo(one_on_one.timezone)).replace(tzinfo=None, microsecond=0)


# --- the pair's space ----------------------------------------------------------


def open_one_on_one(manager, employee, timezone, now=None):
    """The pair's one-on-one, created with its first meeting if it doesn't exist yet.
    A pair that worked together before gets its old space back."""
    with write_transaction():
        pair, created = OneOnOne.get_or_create(
            manager=manager, employee=employee, defaults={"timezone": timezone}
        )
        now = now or local_now(pair)
        has_next = Meeting.open().where(Meeting.one_on_one == pair).exists()
        if not has_next:
            _meeting_at(pair, first_meeting_time(pair, now))
        return pair


def _meeting_at(pair, at):
    """The pair's meeting at ``at``, created if missing. The unique (pair, time) index
    makes two concurrent callers end up with the same row."""
    Meeting.insert(one_on_one=pair, scheduled_for=at).on_conflict_ignore().execute()
    return Meeting.get((Meeting.one_on_one == pair) & (Meeting.scheduled_for == at))


def next_meeting_after(meeting, now):
    """The pair's next open meeting after ``meeting``, created from the cadence if none."""
    pair = meeting.one_on_one
    following = (
        Meeting.open()
        .where((Meeting.one_on_one == pair) & (Meeting.scheduled_for > meeting.scheduled_for))
        .order_by(Meeting.scheduled_for)
        .first()
    )
    if following is not None:
        return following
    return _meeting_at(pair, next_meeting_time(pair, meeting.scheduled_for, now))


def set_cadence(pair, cadence, weekday, time_of_day, now):
    """Changes the pair's rhythm. Open meetings already planned keep their times."""
    with write_transaction():
        pair.cadence, pair.weekday, pair.time_of_day = cadence, weekday, time_of_day
        pair.save()
        if not Meeting.open().where(Meeting.one_on_one == pair).exists():
            _meeting_at(pair, first_meeting_time(pair, now))


# --- the agenda ----------------------------------------------------------------


def add_talking_point(meeting, author, text):
    with write_transaction():
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
        changed = (
            TalkingPoint.update(text=text, version=TalkingPoint.version + 1)
            .where((TalkingPoint.id == point.id) & (TalkingPoint.version == based_on_version))
            .execute()
        )
        current = TalkingPoint.get_by_id(point.id)
        if not changed:
            raise StaleEdit(current)
        return current


def set_discussed(point, discussed):
    # A toggle carries no text to lose: the last click wins.
    TalkingPoint.update(discussed=discussed).where(TalkingPoint.id == point.id).execute()


def move_talking_point(point, direction):
    """Swaps the point with its neighbour above (direction -1) or below (+1)."""
    with write_transaction():
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
    TalkingPoint.delete().where(TalkingPoint.id == point.id).execute()


# --- notes ---------------------------------------------------------------------


def save_shared_notes(meeting, text, based_on_version):
    with write_transaction():
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


def save_private_note(meeting, author, body):
    with write_transaction():
        (
            PrivateNote.insert(meeting=meeting, author=author, body=body, updated_at=utcnow())
            .on_conflict(
                conflict_target=[PrivateNote.meeting, PrivateNote.author],
                update={PrivateNote.body: body, PrivateNote.updated_at: utcnow()},
            )
            .execute()
        )
        return PrivateNote.get((PrivateNote.meeting == meeting) & (PrivateNote.author == author))


# --- action items --------------------------------------------------------------


def add_action_item(meeting, created_by, owner, text, due):
    return ActionItem.create(
        one_on_one=meeting.one_on_one_id,
        raised_in_meeting=meeting,
        created_by=created_by,
        owner=owner,
        text=text,
        due=due,
    )


def set_action_item_done(item, done, meeting, now=None):
    """Ticks an item done in ``meeting`` (or reopens it). Last click wins."""
    if done:
        values = {"done_at": now or utcnow(), "done_in_meeting": meeting.id}
    else:
        values = {"done_at": None, "done_in_meeting": None}
    ActionItem.update(values).where(ActionItem.id == item.id).execute()


# --- completing a meeting ------------------------------------------------------


def complete_meeting(meeting, completed_by, now=None):
    """Marks the meeting done and carries every undiscussed talking point into the
    pair's next meeting, ahead of what is already there. Returns the next meeting.

    Safe to repeat and to race: only the call that flips the status carries points
    forward, and a point can be carried only once (unique ``carried_from``)."""
    now = now or local_now(meeting.one_on_one)
    with write_transaction():
        claimed = (
            Meeting.update(status="done", completed_at=utcnow(), completed_by=completed_by)
            .where((Meeting.id == meeting.id) & (Meeting.status != "done"))
            .execute()
        )
        next_meeting = next_meeting_after(meeting, now)
        if claimed:
            _carry_forward(meeting, next_meeting)
        meeting.status = "done"
        return next_meeting


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
