"""The rules of a one-on-one, tested without Flask requests: carry-forward (also
repeated and raced), the cadence, optimistic versions of edits."""

import datetime
import functools

import pytest

from pmweb import access
from pmweb.access import ReadOnly
from pmweb.access.meetings import MeetingAccess
from pmweb.meetings import queries, service
from pmweb.meetings.schedule import first_meeting_time, following_day, next_meeting_time
from pmweb.models import ActionItem, Meeting, OneOnOne, TalkingPoint
from tests.conftest import at_the_same_moment

NOW = datetime.datetime(2026, 11, 24, 9, 0)  # a Tuesday


def agenda_texts(meeting):
    return [p.text for p in meeting.talking_points.order_by(TalkingPoint.position)]


def test_a_new_pair_has_its_meetings_planned_four_weeks_ahead(actors):
    meetings = list(actors.pair.meetings.order_by(Meeting.scheduled_for))
    assert all(meeting.status == "upcoming" for meeting in meetings)
    assert meetings[0].scheduled_for > datetime.datetime.now() - datetime.timedelta(days=1)
    assert meetings[-1].scheduled_for >= datetime.datetime.now() + datetime.timedelta(weeks=4)
    gaps = {b.scheduled_for - a.scheduled_for for a, b in zip(meetings, meetings[1:], strict=False)}
    assert gaps == {datetime.timedelta(weeks=1)}


def test_undiscussed_points_move_to_next_meeting(actors):
    meeting = actors.meeting
    done_point = service.add_talking_point(meeting, actors.manager, "Roadmap review")
    service.add_talking_point(meeting, actors.report, "On-call load")
    service.add_talking_point(meeting, actors.manager, "Conference talk")
    service.set_discussed(done_point, True)

    next_meeting = service.complete_meeting(meeting, actors.manager, now=meeting.scheduled_for)

    assert Meeting.get_by_id(meeting.id).status == "done"
    assert next_meeting.id != meeting.id
    assert next_meeting.scheduled_for == meeting.scheduled_for + datetime.timedelta(days=7)
    carried = list(next_meeting.talking_points.order_by(TalkingPoint.position))
    assert [p.text for p in carried] == ["On-call load", "Conference talk"]
    assert [p.author_id for p in carried] == [actors.report.id, actors.manager.id]
    assert all(p.carried_from.meeting_id == meeting.id for p in carried)
    assert not any(p.discussed for p in carried)


def test_carried_points_come_before_points_added_ahead(actors):
    meeting = actors.meeting
    service.add_talking_point(meeting, actors.manager, "Old business")
    upcoming = service.next_meeting_after(meeting, now=meeting.scheduled_for)
    service.add_talking_point(upcoming, actors.report, "New business")

    next_meeting = service.complete_meeting(meeting, actors.manager, now=meeting.scheduled_for)

    assert next_meeting.id == upcoming.id
    assert agenda_texts(next_meeting) == ["Old business", "New business"]


def test_completing_twice_never_duplicates(actors):
    meeting = actors.meeting
    service.add_talking_point(meeting, actors.manager, "Only once")
    first = service.complete_meeting(meeting, actors.manager, now=meeting.scheduled_for)
    planned = Meeting.select().where(Meeting.one_on_one == actors.pair).count()
    second = service.complete_meeting(
        Meeting.get_by_id(meeting.id), actors.report, now=meeting.scheduled_for
    )

    assert first.id == second.id
    assert agenda_texts(first) == ["Only once"]
    assert Meeting.select().where(Meeting.one_on_one == actors.pair).count() == planned


def test_both_completing_at_the_same_moment_never_duplicates(actors, app):
    meeting = actors.meeting
    for n in range(5):
        service.add_talking_point(meeting, actors.manager, f"Point {n}")
    planned = Meeting.select().where(Meeting.one_on_one == actors.pair).count()

    def complete(user):
        fresh = Meeting.get_by_id(meeting.id)
        fresh.one_on_one = OneOnOne.get_by_id(fresh.one_on_one_id)
        return service.complete_meeting(fresh, user, now=meeting.scheduled_for).id

    users = (actors.manager, actors.report, actors.manager, actors.report)
    results = at_the_same_moment(app, *(functools.partial(complete, user) for user in users))

    assert len(set(results)) == 1
    next_meeting = Meeting.get_by_id(results[0])
    assert sorted(agenda_texts(next_meeting)) == [f"Point {n}" for n in range(5)]
    assert Meeting.select().where(Meeting.one_on_one == actors.pair).count() == planned


def test_a_point_carried_twice_keeps_its_author_and_chain(actors):
    meeting = actors.meeting
    service.add_talking_point(meeting, actors.report, "Promotion criteria")
    second = service.complete_meeting(meeting, actors.manager, now=meeting.scheduled_for)
    third = service.complete_meeting(second, actors.manager, now=second.scheduled_for)

    point = third.talking_points.get()
    assert point.author_id == actors.report.id
    assert point.carried_from.meeting_id == second.id
    assert point.carried_from.carried_from.meeting_id == meeting.id


def test_completing_late_plans_the_next_meeting_in_the_future(actors):
    meeting = actors.meeting
    three_weeks_later = meeting.scheduled_for + datetime.timedelta(days=22, hours=1)
    next_meeting = service.complete_meeting(meeting, actors.manager, now=three_weeks_later)
    assert next_meeting.scheduled_for > three_weeks_later
    assert next_meeting.scheduled_for.weekday() == actors.pair.weekday


def test_open_action_items_stay_until_done(actors):
    meeting = actors.meeting
    item = service.add_action_item(
        meeting, actors.manager.id, actors.report.id, "Write the RFC", None
    )
    next_meeting = service.complete_meeting(meeting, actors.manager, now=meeting.scheduled_for)

    assert ActionItem.open().where(ActionItem.one_on_one == actors.pair).count() == 1
    service.set_action_item_done(item, True, next_meeting)
    done = ActionItem.get_by_id(item.id)
    assert done.done_at is not None and done.done_in_meeting_id == next_meeting.id
    service.set_action_item_done(item, False, next_meeting)
    assert ActionItem.get_by_id(item.id).done_at is None


# --- action items: edited with versions, deleted by whoever added them, reopened ---


def test_an_action_item_edit_saves_text_owner_and_due_as_a_new_version(actors):
    item = service.add_action_item(actors.meeting, actors.manager.id, actors.report.id, "RFC", None)
    due = datetime.date(2026, 12, 18)
    saved = service.edit_action_item(
        item, actors.meeting, "Write the RFC", actors.manager.id, due, based_on_version=1
    )
    stored = ActionItem.get_by_id(item.id)
    assert (stored.text, stored.owner_id, stored.due, stored.version) == (
        "Write the RFC",
        actors.manager.id,
        due,
        2,
    )
    assert saved.version == 2
    assert stored.created_by_id == actors.manager.id


def test_an_action_item_edit_based_on_a_stale_version_is_refused(actors):
    item = service.add_action_item(actors.meeting, actors.manager.id, actors.report.id, "RFC", None)
    service.edit_action_item(item, actors.meeting, "Dana's RFC", actors.report.id, None, 1)
    with pytest.raises(service.StaleEdit) as stale:
        service.edit_action_item(
            item, actors.meeting, "Sam's RFC", actors.manager.id, datetime.date(2027, 1, 4), 1
        )
    assert stale.value.current.text == "Dana's RFC"
    stored = ActionItem.get_by_id(item.id)
    assert (stored.text, stored.owner_id, stored.due, stored.version) == (
        "Dana's RFC",
        actors.report.id,
        None,
        2,
    )


def test_ticking_an_action_item_off_meanwhile_is_no_conflict_for_an_edit(actors):
    item = service.add_action_item(actors.meeting, actors.manager.id, actors.report.id, "RFC", None)
    service.set_action_item_done(item, True, actors.meeting)
    service.edit_action_item(item, actors.meeting, "RFC, sent", actors.report.id, None, 1)
    stored = ActionItem.get_by_id(item.id)
    assert stored.text == "RFC, sent" and stored.done_at is not None


def test_an_action_item_deleted_meanwhile_is_not_edited_back_into_being(actors):
    item = service.add_action_item(actors.meeting, actors.manager.id, actors.report.id, "RFC", None)
    service.delete_action_item(item, actors.meeting)
    with pytest.raises(ReadOnly, match="deleted meanwhile"):
        service.edit_action_item(item, actors.meeting, "RFC v2", actors.report.id, None, 1)
    assert ActionItem.select().count() == 0


def test_only_the_person_who_added_an_action_item_may_delete_it(actors):
    item = service.add_action_item(actors.meeting, actors.manager.id, actors.report.id, "RFC", None)
    shown = queries.action_items(actors.meeting)
    as_dana = MeetingAccess(actors.meeting, actors.manager.id, "manager", True)
    as_sam = MeetingAccess(actors.meeting, actors.report.id, "employee", True)
    assert access.can_delete_action_item(as_dana, item)
    assert not access.can_delete_action_item(as_sam, item)  # though he owns it
    assert access.deletable_action_items(as_dana, shown) == {item.id}
    assert access.deletable_action_items(as_sam, shown) == set()
    with pytest.raises(ReadOnly, match="Only the person who added"):
        access.require_action_item_deletable(as_sam, item)

    service.delete_action_item(item, actors.meeting)
    assert ActionItem.get_or_none(ActionItem.id == item.id) is None


def test_a_former_manager_deletes_nothing(actors):
    item = service.add_action_item(actors.meeting, actors.manager.id, actors.report.id, "RFC", None)
    former = MeetingAccess(actors.meeting, actors.manager.id, "manager", False)
    assert not access.can_delete_action_item(former, item)
    with pytest.raises(ReadOnly, match="ended"):
        access.require_action_item_deletable(former, item)


def test_a_reopened_action_item_is_open_again_in_every_open_meeting(actors):
    meeting = actors.meeting
    item = service.add_action_item(meeting, actors.manager.id, actors.report.id, "RFC", None)
    service.set_action_item_done(item, True, meeting)
    next_meeting = service.complete_meeting(meeting, actors.manager, now=meeting.scheduled_for)
    later = service.next_meeting_after(next_meeting, now=next_meeting.scheduled_for)
    assert [i.id for i in queries.action_items(next_meeting)] == []
    assert [i.id for i in queries.items_done_before(next_meeting)] == [item.id]

    service.set_action_item_done(item, False, next_meeting)

    for open_meeting in (next_meeting, later):
        shown = queries.action_items(open_meeting)
        assert [(i.id, i.done_at) for i in shown] == [(item.id, None)]
        assert queries.items_done_before(open_meeting) == []
    stored = ActionItem.get_by_id(item.id)
    assert stored.done_at is None and stored.done_in_meeting_id is None


def test_an_item_finished_in_an_earlier_meeting_is_reopened_before_it_changes(actors):
    meeting = actors.meeting
    item = service.add_action_item(meeting, actors.manager.id, actors.report.id, "RFC", None)
    service.set_action_item_done(item, True, meeting)
    next_meeting = service.complete_meeting(meeting, actors.manager, now=meeting.scheduled_for)

    with pytest.raises(ReadOnly, match="finished in an earlier meeting"):
        service.edit_action_item(item, next_meeting, "RFC v2", actors.report.id, None, 1)
    with pytest.raises(ReadOnly, match="finished in an earlier meeting"):
        service.delete_action_item(item, next_meeting)
    # The completed meeting's record still lists it as finished there.
    assert [i.text for i in queries.action_items(Meeting.get_by_id(meeting.id))] == ["RFC"]

    service.set_action_item_done(item, False, next_meeting)
    service.edit_action_item(item, next_meeting, "RFC v2", actors.report.id, None, 1)
    assert ActionItem.get_by_id(item.id).text == "RFC v2"


ITEM_CHANGES = {
    "edit": lambda item, meeting: service.edit_action_item(
        item, meeting, "RFC v2", item.owner_id, None, 1
    ),
    "delete": lambda item, meeting: service.delete_action_item(item, meeting),
}


@pytest.mark.parametrize("change", ITEM_CHANGES.values(), ids=ITEM_CHANGES.keys())
def test_an_action_item_change_checked_before_completion_is_refused_after_it(actors, change):
    meeting = actors.meeting
    item = service.add_action_item(meeting, actors.manager.id, actors.report.id, "RFC", None)
    seen_open = Meeting.get_by_id(meeting.id)
    service.complete_meeting(meeting, actors.report, now=meeting.scheduled_for)

    with pytest.raises(ReadOnly, match="completed meanwhile"):
        change(item, seen_open)

    stored = ActionItem.get_by_id(item.id)
    assert (stored.text, stored.version) == ("RFC", 1)


def test_an_edit_based_on_a_stale_version_is_refused(actors):
    point = service.add_talking_point(actors.meeting, actors.manager, "Original")
    service.edit_talking_point(point, "Dana's change", based_on_version=1)
    with pytest.raises(service.StaleEdit) as stale:
        service.edit_talking_point(point, "Sam's change", based_on_version=1)
    assert stale.value.current.text == "Dana's change"
    assert TalkingPoint.get_by_id(point.id).text == "Dana's change"


def test_shared_notes_keep_the_newer_text_on_a_stale_save(actors):
    meeting = actors.meeting
    service.save_shared_notes(meeting, "first", based_on_version=1)
    with pytest.raises(service.StaleEdit):
        service.save_shared_notes(meeting, "stale", based_on_version=1)
    assert Meeting.get_by_id(meeting.id).shared_notes == "first"


def test_moving_a_point_swaps_it_with_its_neighbour(actors):
    meeting = actors.meeting
    first = service.add_talking_point(meeting, actors.manager, "A")
    service.add_talking_point(meeting, actors.manager, "B")
    last = service.add_talking_point(meeting, actors.manager, "C")
    service.move_talking_point(last, -1)
    assert agenda_texts(meeting) == ["A", "C", "B"]
    service.move_talking_point(first, -1)  # already at the top: nothing moves
    assert agenda_texts(meeting) == ["A", "C", "B"]


def test_private_note_is_one_per_author_and_meeting(actors):
    meeting = actors.meeting
    service.save_private_note(meeting, actors.manager.id, "first thought")
    note = service.save_private_note(meeting, actors.manager.id, "second thought")
    assert note.body == "second thought"
    assert type(note).select().count() == 1


@pytest.mark.parametrize(
    ("cadence", "previous", "expected"),
    [
        ("weekly", datetime.date(2026, 11, 24), datetime.date(2026, 12, 1)),
        ("weekly", datetime.date(2026, 11, 25), datetime.date(2026, 12, 1)),  # moved to a Wednesday
        ("biweekly", datetime.date(2026, 11, 24), datetime.date(2026, 12, 8)),
        ("monthly", datetime.date(2026, 11, 24), datetime.date(2026, 12, 22)),  # 4th Tuesday
        ("monthly", datetime.date(2026, 12, 29), datetime.date(2027, 1, 26)),  # 5th becomes 4th
        ("monthly", datetime.date(2026, 11, 3), datetime.date(2026, 12, 1)),  # 1st Tuesday
    ],
)
def test_following_meeting_day_by_cadence(cadence, previous, expected):
    assert following_day(cadence, 1, previous) == expected


def test_next_meeting_time_skips_dates_already_past():
    pair = OneOnOne(cadence="weekly", weekday=1, time_of_day=datetime.time(10, 0))
    after = datetime.datetime(2026, 11, 3, 10, 0)
    assert next_meeting_time(pair, after, NOW) == datetime.datetime(2026, 11, 24, 10, 0)


def test_first_meeting_is_later_today_or_next_week():
    pair = OneOnOne(cadence="weekly", weekday=1, time_of_day=datetime.time(10, 0))
    assert first_meeting_time(pair, NOW) == datetime.datetime(2026, 11, 24, 10, 0)
    assert first_meeting_time(pair, NOW.replace(hour=11)) == datetime.datetime(2026, 12, 1, 10, 0)


# --- changes racing a completion -------------------------------------------------
#
# A view checks that the meeting is open, then calls the rule; the other person may
# complete the meeting in between. Each rule checks again inside its own transaction,
# holding the meeting's row, so a change lands before the completion (and is carried
# forward with it) or is refused after it; it never writes to a closed meeting.

AGENDA_CHANGES = {
    "edit": lambda point, meeting: service.edit_talking_point(point, "Roadmap v2", 1),
    "discussed": lambda point, meeting: service.set_discussed(point, True),
    "move": lambda point, meeting: service.move_talking_point(point, -1),
    "delete": lambda point, meeting: service.delete_talking_point(point),
}


def carried_agenda(meeting, next_meeting):
    """The closed meeting's undiscussed points in order, and what reached the next one."""
    left = [
        p.text
        for p in meeting.talking_points.where(TalkingPoint.discussed == False).order_by(  # noqa: E712
            TalkingPoint.position
        )
    ]
    arrived = [
        p.text
        for p in next_meeting.talking_points.where(
            TalkingPoint.carried_from.is_null(False)
        ).order_by(TalkingPoint.position)
    ]
    return left, arrived


@pytest.mark.parametrize("change", AGENDA_CHANGES.values(), ids=AGENDA_CHANGES.keys())
def test_a_point_change_checked_before_completion_is_refused_after_it(actors, change):
    meeting = actors.meeting
    service.add_talking_point(meeting, actors.manager.id, "Hiring")
    point = service.add_talking_point(meeting, actors.manager.id, "Roadmap")
    seen_open = Meeting.get_by_id(meeting.id)
    next_meeting = service.complete_meeting(meeting, actors.report, now=meeting.scheduled_for)

    with pytest.raises(ReadOnly, match="completed meanwhile"):
        change(point, seen_open)

    assert carried_agenda(meeting, next_meeting) == (["Hiring", "Roadmap"], ["Hiring", "Roadmap"])
    assert TalkingPoint.get_by_id(point.id).version == 1


def test_an_action_item_ticked_after_completion_is_refused(actors):
    meeting = actors.meeting
    item = service.add_action_item(meeting, actors.manager.id, actors.report.id, "RFC", None)
    seen_open = Meeting.get_by_id(meeting.id)
    service.complete_meeting(meeting, actors.report, now=meeting.scheduled_for)

    with pytest.raises(ReadOnly, match="completed meanwhile"):
        service.set_action_item_done(item, True, seen_open)

    assert ActionItem.get_by_id(item.id).done_at is None


@pytest.mark.parametrize("change", AGENDA_CHANGES.values(), ids=AGENDA_CHANGES.keys())
def test_a_point_change_racing_completion_lands_before_it_or_not_at_all(app, actors, change):
    meeting = actors.meeting
    service.add_talking_point(meeting, actors.manager.id, "Hiring")
    point = service.add_talking_point(meeting, actors.manager.id, "Roadmap")

    def complete():
        fresh = Meeting.get_by_id(meeting.id)
        fresh.one_on_one = OneOnOne.get_by_id(fresh.one_on_one_id)
        return service.complete_meeting(fresh, actors.report, now=meeting.scheduled_for).id

    next_id, _ = at_the_same_moment(
        app, complete, lambda: change(point, meeting), tolerated=(ReadOnly,)
    )

    left, arrived = carried_agenda(meeting, Meeting.get_by_id(next_id))
    assert left == arrived


# --- which meetings may be completed, and reopening one ---------------------------------


def meetings_in_order(pair):
    return list(pair.meetings.order_by(Meeting.scheduled_for))


def test_meetings_are_completed_in_order_the_next_one_early_included(actors):
    first, second, *_ = meetings_in_order(actors.pair)
    now = service.local_now(actors.pair)
    with pytest.raises(service.CompletionRefused, match="comes first"):
        service.complete_meeting(second, actors.manager, now=now)
    assert Meeting.get_by_id(second.id).status == "upcoming"
    # The next meeting, held before its day, may be.
    assert first.scheduled_for > now
    service.complete_meeting(first, actors.manager, now=now)
    assert Meeting.get_by_id(first.id).status == "done"


def test_a_meeting_whose_day_passed_unheld_holds_nothing_up(actors):
    first, second, *_ = meetings_in_order(actors.pair)
    a_week_later = first.scheduled_for + datetime.timedelta(days=7, hours=1)
    assert service.why_not_completable(second, a_week_later) is None
    service.complete_meeting(second, actors.manager, now=a_week_later)
    assert Meeting.get_by_id(second.id).status == "done"
    assert Meeting.get_by_id(first.id).status == "upcoming"  # still there to complete or skip


def test_the_preview_says_what_completing_will_do(actors):
    first, second, *_ = meetings_in_order(actors.pair)
    discussed = service.add_talking_point(first, actors.manager.id, "Roadmap")
    service.set_discussed(discussed, True)
    service.add_talking_point(first, actors.report.id, "On-call load")
    service.add_action_item(first, actors.manager.id, actors.report.id, "Write the RFC", None)
    moving, to, staying_open = service.completion_preview(first, service.local_now(actors.pair))
    assert [point.text for point in moving] == ["On-call load"]
    assert (to.id, staying_open) == (second.id, 1)


def complete_with_points(actors):
    first, second, *_ = meetings_in_order(actors.pair)
    service.set_discussed(service.add_talking_point(first, actors.manager.id, "Roadmap"), True)
    service.add_talking_point(first, actors.report.id, "On-call load")
    service.add_talking_point(second, actors.manager.id, "Already there")
    service.complete_meeting(first, actors.manager, now=service.local_now(actors.pair))
    return Meeting.get_by_id(first.id), second


def test_reopening_undoes_the_carry_forward_exactly(actors):
    first, second = complete_with_points(actors)
    assert agenda_texts(second) == ["On-call load", "Already there"]
    left = service.reopen_meeting(first)
    assert left == {second.id}
    reopened = Meeting.get_by_id(first.id)
    assert (reopened.status, reopened.completed_at, reopened.completed_by_id) == (
        "upcoming",
        None,
        None,
    )
    assert agenda_texts(reopened) == ["Roadmap", "On-call load"]
    assert agenda_texts(second) == ["Already there"]
    # And it can be completed again, carrying the same point once more.
    service.complete_meeting(reopened, actors.report, now=service.local_now(actors.pair))
    assert agenda_texts(second) == ["On-call load", "Already there"]


def test_reopening_is_refused_once_a_carried_point_changed_or_the_time_is_up(actors):
    first, second = complete_with_points(actors)
    [carried] = [p for p in second.talking_points if p.carried_from_id]
    service.edit_talking_point(carried, "On-call load, and the pager", 1)
    with pytest.raises(service.CompletionRefused, match="has changed since"):
        service.reopen_meeting(first)
    assert Meeting.get_by_id(first.id).status == "done"
    assert TalkingPoint.get_or_none(TalkingPoint.id == carried.id) is not None

    later = first.completed_at + service.REOPENABLE_FOR + datetime.timedelta(seconds=1)
    with pytest.raises(service.CompletionRefused, match="30 minutes"):
        service.reopen_meeting(first, now_utc=later)


def test_reopening_is_refused_once_a_later_meeting_was_completed(actors):
    first, second = complete_with_points(actors)
    [carried] = [p for p in second.talking_points if p.carried_from_id]
    service.set_discussed(carried, True)
    service.complete_meeting(second, actors.manager, now=service.local_now(actors.pair))
    with pytest.raises(service.CompletionRefused, match="later meeting"):
        service.reopen_meeting(first)


def test_reopening_and_completing_at_once_leave_one_consistent_agenda(app, actors):
    first, second = complete_with_points(actors)
    for _ in range(3):
        at_the_same_moment(
            app,
            lambda: service.reopen_meeting(first),
            lambda: service.complete_meeting(
                first, actors.report, now=service.local_now(actors.pair)
            ),
            tolerated=(service.CompletionRefused,),
        )
        status = Meeting.get_by_id(first.id).status
        carried = [p for p in Meeting.get_by_id(second.id).talking_points if p.carried_from_id]
        assert len(carried) == (1 if status == "done" else 0)


def test_reopening_is_refused_once_a_carried_point_was_deleted_there(actors):
    first, second = complete_with_points(actors)
    [carried] = [p for p in second.talking_points if p.carried_from_id]
    service.delete_talking_point(carried)
    with pytest.raises(service.CompletionRefused, match="has changed since"):
        service.reopen_meeting(first)
    assert Meeting.get_by_id(first.id).status == "done"


def test_editing_a_point_a_reopen_took_back_is_refused_not_an_error(actors):
    first, second = complete_with_points(actors)
    [carried] = [p for p in second.talking_points if p.carried_from_id]
    service.reopen_meeting(first)
    with pytest.raises(ReadOnly, match="no longer on this meeting"):
        service.edit_talking_point(carried, "Too late", 1)
