"""Read-side queries for pages. Each takes objects already loaded through
``pmweb.access`` and never widens what they let the user see. Each page issues a
fixed number of queries, however long the pair's history."""

from peewee import JOIN, fn

from pmweb.models import ActionItem, Meeting, OneOnOne, TalkingPoint, User

Author = User.alias("author")
Owner = User.alias("owner")
Origin = TalkingPoint.alias("origin")
OriginMeeting = Meeting.alias("origin_meeting")


def agenda(meeting):
    """The meeting's talking points in order, each with its author and, when carried
    forward, the date of the meeting it came from (``point.from_date``)."""
    rows = (
        TalkingPoint.select(
            TalkingPoint, Author, Origin.id, OriginMeeting.id, OriginMeeting.scheduled_for
        )
        .join_from(TalkingPoint, Author, on=(TalkingPoint.author == Author.id), attr="author")
        .join_from(
            TalkingPoint,
            Origin,
            JOIN.LEFT_OUTER,
            on=(TalkingPoint.carried_from == Origin.id),
            attr="carried_from",
        )
        .join_from(
            Origin,
            OriginMeeting,
            JOIN.LEFT_OUTER,
            on=(Origin.meeting == OriginMeeting.id),
            attr="meeting",
        )
        .where(TalkingPoint.meeting == meeting.id)
        .order_by(TalkingPoint.position, TalkingPoint.id)
    )
    points = list(rows)
    for point in points:
        point.meeting = meeting  # the access-checked meeting, not one lazy query per point
        point.from_date = (
            point.carried_from.meeting.scheduled_for if point.carried_from_id else None
        )
    return points


def action_items(meeting):
    """An open meeting shows every open item of the pair plus those ticked off in it;
    a completed meeting shows what was raised or finished in it."""
    if meeting.is_done:
        shown = (ActionItem.raised_in_meeting == meeting.id) | (
            ActionItem.done_in_meeting == meeting.id
        )
    else:
        shown = ActionItem.done_at.is_null() | (ActionItem.done_in_meeting == meeting.id)
    rows = (
        ActionItem.select(ActionItem, Owner)
        .join_from(ActionItem, Owner, on=(ActionItem.owner == Owner.id))
        .where((ActionItem.one_on_one == meeting.one_on_one_id) & shown)
        .order_by(
            ActionItem.done_at.is_null(False),
            ActionItem.due.is_null(),
            ActionItem.due,
            ActionItem.id,
        )
    )
    return list(rows)


def neighbours(meeting):
    """The pair's meetings just before and just after this one."""
    same_pair = Meeting.select(Meeting.id, Meeting.scheduled_for).where(
        Meeting.one_on_one == meeting.one_on_one_id
    )
    previous = (
        same_pair.where(Meeting.scheduled_for < meeting.scheduled_for)
        .order_by(Meeting.scheduled_for.desc())
        .first()
    )
    following = (
        same_pair.where(Meeting.scheduled_for > meeting.scheduled_for)
        .order_by(Meeting.scheduled_for)
        .first()
    )
    return previous, following


def home_rows(pairs):
    """For each visible pair: its next open meeting and how many action items are
    open and overdue. ``pairs`` is a scoped query from access."""
    next_meeting = Meeting.select(fn.MIN(Meeting.scheduled_for)).where(
        (Meeting.one_on_one == OneOnOne.id) & (Meeting.status != "done")
    )
    next_meeting_id = (
        Meeting.select(Meeting.id)
        .where((Meeting.one_on_one == OneOnOne.id) & (Meeting.status != "done"))
        .order_by(Meeting.scheduled_for)
        .limit(1)
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


def overdue_counts(pair_ids, today):
    if not pair_ids:
        return {}
    rows = (
        ActionItem.select(ActionItem.one_on_one, fn.COUNT(ActionItem.id).alias("n"))
        .where(
            ActionItem.one_on_one.in_(pair_ids)
            & ActionItem.done_at.is_null()
            & (ActionItem.due < today)
        )
        .group_by(ActionItem.one_on_one)
    )
    return {row.one_on_one_id: row.n for row in rows}


def past_meetings(pair, page, per_page):
    """Completed meetings, newest first, with how many talking points each had."""
    points = TalkingPoint.select(fn.COUNT(TalkingPoint.id)).where(
        TalkingPoint.meeting == Meeting.id
    )
    query = (
        Meeting.select(Meeting, points.alias("point_count"))
        .where((Meeting.one_on_one == pair.id) & (Meeting.status == "done"))
        .order_by(Meeting.scheduled_for.desc())
    )
    total = query.count()
    return list(query.paginate(page, per_page)), total


def upcoming_meetings(pair):
    return list(Meeting.open().where(Meeting.one_on_one == pair.id).order_by(Meeting.scheduled_for))


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
