"""Read-side queries for pages. Each takes objects already loaded through
``pmweb.access`` and never widens what they let the user see. Each page issues a
fixed number of queries, however long the pair's history."""

import collections
import dataclasses
import datetime
import functools
import operator

from peewee import JOIN, SQL, fn

from pmweb.db import PreparedQuery
from pmweb.models import (
    ActionItem,
    Meeting,
    OneOnOne,
    TalkingPoint,
    User,
    first_name,
    is_overdue,
)

Author = User.alias("author")
Owner = User.alias("owner")
Origin = TalkingPoint.alias("origin")
OriginMeeting = Meeting.alias("origin_meeting")


@dataclasses.dataclass(slots=True)
class AgendaPoint:
    """A talking point as the meeting page shows it: with its author's name and, when
    carried forward, the day of the meeting it came from."""

    id: int
    author_id: int
    text: str
    discussed: bool
    version: int
    author_name: str
    from_date: datetime.datetime | None

    @property
    def author_first_name(self):
        return first_name(self.author_name)


def agenda_query():
    """Talking points with what the agenda shows of each, in order; the caller
    narrows it to meetings."""
    return (
        TalkingPoint.select(
            TalkingPoint.id,
            TalkingPoint.author,
            TalkingPoint.text,
            TalkingPoint.discussed,
            TalkingPoint.version,
            Author.name,
            OriginMeeting.scheduled_for,
        )
        .join_from(TalkingPoint, Author, on=(TalkingPoint.author == Author.id))
        .join_from(
            TalkingPoint, Origin, JOIN.LEFT_OUTER, on=(TalkingPoint.carried_from == Origin.id)
        )
        .join_from(Origin, OriginMeeting, JOIN.LEFT_OUTER, on=(Origin.meeting == OriginMeeting.id))
        .order_by(TalkingPoint.position, TalkingPoint.id)
    )


# Plain rows: the page renders every point of the agenda on every refresh.
@PreparedQuery
def _agenda(meeting_id: int):
    return agenda_query().where(TalkingPoint.meeting == meeting_id).tuples()


def agenda(meeting):
    """The meeting's talking points in order (``AgendaPoint``)."""
    return [AgendaPoint(*row) for row in _agenda.all(meeting.id)]


@dataclasses.dataclass(slots=True)
class ShownActionItem:
    """An action item as the meeting page shows it, with its owner's name, and what
    its edit form and delete button need: the version, the owner and who added it."""

    id: int
    text: str
    due: datetime.date | None
    done_at: datetime.datetime | None
    owner_id: int
    created_by_id: int
    version: int
    owner_name: str

    @property
    def owner_first_name(self):
        return first_name(self.owner_name)

    def is_overdue(self, today):
        return is_overdue(self.done_at, self.due, today)


def _action_items_of(shown):
    return (
        ActionItem.select(
            ActionItem.id,
            ActionItem.text,
            ActionItem.due,
            ActionItem.done_at,
            ActionItem.owner,
            ActionItem.created_by,
            ActionItem.version,
            Owner.name,
        )
        .join_from(ActionItem, Owner, on=(ActionItem.owner == Owner.id))
        .where(shown)
        .order_by(
            ActionItem.done_at.is_null(False),
            ActionItem.due.is_null(),
            ActionItem.due,
            ActionItem.id,
        )
        .tuples()
    )


# An open meeting shows every open item of the pair plus those ticked off in it; a
# completed meeting shows what was raised or finished in it.
@PreparedQuery
def _items_of_open_meeting(pair_id: int, meeting_id: int):
    return _action_items_of(
        (ActionItem.one_on_one == pair_id)
        & (ActionItem.done_at.is_null() | (ActionItem.done_in_meeting == meeting_id))
    )


@PreparedQuery
def _items_of_completed_meeting(pair_id: int, meeting_id: int):
    return _action_items_of(
        (ActionItem.one_on_one == pair_id)
        & (
            (ActionItem.raised_in_meeting == meeting_id)
            | (ActionItem.done_in_meeting == meeting_id)
        )
    )


def action_items(meeting):
    shown = _items_of_completed_meeting if meeting.is_closed else _items_of_open_meeting
    return [ShownActionItem(*row) for row in shown.all(meeting.one_on_one_id, meeting.id)]


# Enough to undo a tick made by mistake in the last meetings; older ones stay in the
# records of the meetings they were finished in.
RECENTLY_DONE = 5


@PreparedQuery
def _items_done_before(pair_id: int, meeting_id: int):
    return (
        _action_items_of(
            (ActionItem.one_on_one == pair_id)
            & ActionItem.done_at.is_null(False)
            & (ActionItem.done_in_meeting.is_null() | (ActionItem.done_in_meeting != meeting_id))
        )
        .order_by(ActionItem.done_at.desc(), ActionItem.id.desc())
        .limit(RECENTLY_DONE)
    )


def items_done_before(meeting):
    """The pair's action items most recently finished outside this meeting, latest
    first: those an open meeting offers to reopen."""
    return [
        ShownActionItem(*row) for row in _items_done_before.all(meeting.one_on_one_id, meeting.id)
    ]


def open_meeting_ids_of_pair(pair_id):
    """The pair's meetings still to be held: each shows the pair's open action items."""
    return [
        meeting.id
        for meeting in Meeting.open().select(Meeting.id).where(Meeting.one_on_one == pair_id)
    ]


def _neighbour(name, before):
    def build(pair_id: int, meeting_id: int):
        this = Meeting.alias("this")
        at = this.select(this.scheduled_for).where(this.id == meeting_id)
        query = Meeting.select(Meeting.id, Meeting.scheduled_for).where(
            (Meeting.one_on_one == pair_id)
            & (Meeting.scheduled_for < at if before else Meeting.scheduled_for > at)
        )
        order = Meeting.scheduled_for.desc() if before else Meeting.scheduled_for
        return query.order_by(order).limit(1)

    # Both queries share one build: each needs a name of its own in the registry.
    return PreparedQuery(build, name=f"{__name__}.{name}")


_previous_meeting = _neighbour("_previous_meeting", before=True)
_following_meeting = _neighbour("_following_meeting", before=False)


def neighbours(meeting):
    """The pair's meetings just before and just after this one."""
    return (
        _previous_meeting.first(meeting.one_on_one_id, meeting.id),
        _following_meeting.first(meeting.one_on_one_id, meeting.id),
    )


def home_rows(pairs, today):
    """For each visible pair: its next open meeting from ``today`` on and how many
    action items are open and overdue. ``pairs`` is a scoped query from access."""
    coming = (
        (Meeting.one_on_one == OneOnOne.id)
        & (Meeting.status == "upcoming")
        & (Meeting.scheduled_for >= datetime.datetime.combine(today, datetime.time()))
    )
    next_meeting = Meeting.select(fn.MIN(Meeting.scheduled_for)).where(coming)
    next_meeting_id = (
        Meeting.select(Meeting.id).where(coming).order_by(Meeting.scheduled_for).limit(1)
    )
    open_actions = ActionItem.select(fn.COUNT(ActionItem.id)).where(
        (ActionItem.one_on_one == OneOnOne.id) & ActionItem.done_at.is_null()
    )
    rows = list(
        pairs.select_extend(
            next_meeting.alias("next_meeting_at"),
            next_meeting_id.alias("next_meeting_id"),
            open_actions.alias("open_action_count"),
        )
    )
    for row in rows:
        # A subquery's column comes back untyped (text on SQLite).
        row.next_meeting_at = Meeting.scheduled_for.python_value(row.next_meeting_at)
        row.is_current = bool(row.is_current)
    return rows


def overdue_on(today_of):
    """Whether an action item is past its due date as of its pair's own date.
    ``today_of`` maps pair ids to the date in each pair's time zone: far-apart pairs
    can be a day apart."""
    if not today_of:
        return SQL("1 = 0")
    pair_ids_of_day = collections.defaultdict(list)
    for pair_id, day in today_of.items():
        pair_ids_of_day[day].append(pair_id)
    return functools.reduce(
        operator.or_,
        (
            ActionItem.one_on_one.in_(pair_ids) & (ActionItem.due < day)
            for day, pair_ids in pair_ids_of_day.items()
        ),
    )


def overdue_counts(today_of):
    """{pair id: how many open action items are overdue}, each as of its pair's date."""
    if not today_of:
        return {}
    rows = (
        ActionItem.select(ActionItem.one_on_one, fn.COUNT(ActionItem.id).alias("n"))
        .where(ActionItem.done_at.is_null() & overdue_on(today_of))
        .group_by(ActionItem.one_on_one)
    )
    return {row.one_on_one_id: row.n for row in rows}


def _coming(today):
    """Meetings still ahead as of the pair's ``today``: those to be held, and those
    skipped whose day has not come (a holiday skipped in advance is still ahead)."""
    from_today = Meeting.scheduled_for >= datetime.datetime.combine(today, datetime.time())
    return (Meeting.status == "upcoming") | ((Meeting.status == "skipped") & from_today)


def timezone_of(user_id):
    """The time zone of the person's newest one-on-one, as either of its pair; None
    for someone in none."""
    return (
        OneOnOne.select(OneOnOne.timezone)
        .where((OneOnOne.employee == user_id) | (OneOnOne.manager == user_id))
        .order_by(OneOnOne.id.desc())
        .scalar()
    )


def past_meetings(pair, today, page, per_page):
    """Held meetings, and skipped ones whose day has passed, newest first, with how
    many talking points each had."""
    points = TalkingPoint.select(fn.COUNT(TalkingPoint.id)).where(
        TalkingPoint.meeting == Meeting.id
    )
    query = (
        Meeting.select(Meeting, points.alias("point_count"))
        .where((Meeting.one_on_one == pair.id) & ~_coming(today))
        .order_by(Meeting.scheduled_for.desc())
    )
    total = query.count()
    return list(query.paginate(page, per_page)), total


def upcoming_meetings(pair, today):
    """Every meeting still to be held, the past ones nobody completed or skipped
    included, and those skipped ahead of their day, each with how many talking points
    it has."""
    points = TalkingPoint.select(fn.COUNT(TalkingPoint.id)).where(
        TalkingPoint.meeting == Meeting.id
    )
    return list(
        Meeting.select(Meeting, points.alias("point_count"))
        .where((Meeting.one_on_one == pair.id) & _coming(today))
        .order_by(Meeting.scheduled_for)
    )


def search(pair, text, limit=50):
    """Talking points, shared notes and action items of this pair only that contain
    ``text`` (case-insensitive). Private notes are never searched."""
    points = list(
        TalkingPoint.select(TalkingPoint, Meeting)
        .join(Meeting)
        .where((Meeting.one_on_one == pair.id) & TalkingPoint.text.contains(text))
        .order_by(Meeting.scheduled_for.desc(), TalkingPoint.position)
        .limit(limit)
    )
    notes = list(
        Meeting.select()
        .where((Meeting.one_on_one == pair.id) & Meeting.shared_notes.contains(text))
        .order_by(Meeting.scheduled_for.desc())
        .limit(limit)
    )
    items = list(
        ActionItem.select(ActionItem, Owner)
        .join_from(ActionItem, Owner, on=(ActionItem.owner == Owner.id))
        .where((ActionItem.one_on_one == pair.id) & ActionItem.text.contains(text))
        .order_by(ActionItem.created_at.desc())
        .limit(limit)
    )
    return points, notes, items
