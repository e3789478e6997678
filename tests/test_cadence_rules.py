"""The cadence rules, tested without Flask requests: meetings planned four weeks
ahead; moving, skipping and re-timing meetings; and carry-forward through each of
them, so that no talking point is stranded on a meeting nobody holds or copied twice.
Daylight-saving changes and month ends are covered."""

import datetime
import itertools

import pytest

from pmweb.access import ReadOnly
from pmweb.meetings import service
from pmweb.meetings.schedule import HORIZON, as_utc, cadence_times
from pmweb.models import Meeting, OneOnOne, PrivateNote, TalkingPoint
from tests.conftest import at_the_same_moment, make_user

NOW = datetime.datetime(2026, 11, 24, 9, 0)  # a Tuesday
TUESDAY_10 = datetime.datetime(2026, 11, 24, 10, 0)
WEEK = datetime.timedelta(weeks=1)


@pytest.fixture
def pair(app):
    manager, employee = make_user("Dana Reyes"), make_user("Sam Okafor")
    return service.open_one_on_one(manager, employee, "Europe/London", now=NOW)


def planned(pair):
    return list(Meeting.select().where(Meeting.one_on_one == pair).order_by(Meeting.scheduled_for))


def open_times(pair):
    return [m.scheduled_for for m in planned(pair) if m.status == "upcoming"]


def agenda(meeting):
    return [
        p.text
        for p in TalkingPoint.select()
        .where(TalkingPoint.meeting == meeting.id)
        .order_by(TalkingPoint.position)
    ]


def all_points(pair):
    return sorted(
        p.text for p in TalkingPoint.select().join(Meeting).where(Meeting.one_on_one == pair)
    )


def add(meeting, pair, text):
    return service.add_talking_point(meeting, pair.manager_id, text)


# --- planning ahead ----------------------------------------------------------------


def test_a_new_pair_has_weekly_meetings_for_four_weeks(pair):
    assert open_times(pair) == [TUESDAY_10 + n * WEEK for n in range(5)]


def test_planning_ahead_again_adds_nothing_until_time_passes(pair):
    service.plan_ahead(pair, NOW)
    assert len(planned(pair)) == 5
    service.plan_ahead(pair, NOW + 2 * WEEK)
    times = open_times(pair)
    assert times[-1] >= NOW + 2 * WEEK + HORIZON
    assert len(times) == len(set(times)) == 7


def test_a_pair_back_after_months_plans_from_today_not_the_past(pair):
    later = NOW + datetime.timedelta(days=120)
    service.plan_ahead(pair, later)
    new = [at for at in open_times(pair) if at > later]
    assert new[0] - later < WEEK
    assert all(at.weekday() == 1 and at.time() == datetime.time(10) for at in new)


def test_completing_a_meeting_keeps_four_weeks_planned(pair):
    first = planned(pair)[0]
    service.complete_meeting(first, pair.manager_id, now=first.scheduled_for + WEEK)
    assert open_times(pair)[-1] >= first.scheduled_for + WEEK + HORIZON


def test_every_pair_whose_weeks_ran_out_is_planned_at_once_and_the_others_are_left(app):
    from playhouse.test_utils import count_queries

    dana = make_user("Dana Reyes")

    def pairs_opened(count, weeks_ago):
        opened_at = NOW - weeks_ago * WEEK
        return [
            service.open_one_on_one(
                dana, make_user(f"Report {n}", f"r{weeks_ago}-{n}@example.com"), "UTC", opened_at
            )
            for n in range(count)
        ]

    one_behind, three_behind = pairs_opened(1, 6), pairs_opened(3, 8)
    current = service.open_one_on_one(dana, make_user("Kim Lee"), "UTC")
    planned_for_current = open_times(current)
    counts = []
    for pairs in (one_behind, three_behind):
        with count_queries(only_select=False) as counter:
            service.keep_planned([*pairs, current])
        counts.append(counter.count)
    assert counts[0] == counts[1]  # however many pairs are short
    for pair in one_behind + three_behind:
        now = service.local_now(pair)
        ahead = [at for at in open_times(pair) if at > now]
        assert ahead[0] - now < WEEK and ahead[-1] >= now + HORIZON
        assert all(later - earlier == WEEK for earlier, later in itertools.pairwise(ahead))
    assert open_times(current) == planned_for_current
    with count_queries(only_select=False) as counter:
        service.keep_planned([*one_behind, *three_behind, current])
    assert counter.count == 1  # nothing short: the one query that looks


# --- skipping ----------------------------------------------------------------------


def test_skipping_moves_the_whole_agenda_to_the_next_meeting(pair):
    first, second = planned(pair)[:2]
    add(first, pair, "Skipped business")
    add(second, pair, "Next week's business")
    service.save_shared_notes(first, "Notes written ahead", 1)
    service.save_private_note(first, pair.manager_id, "Dana's prep")
    service.save_private_note(first, pair.employee_id, "Sam's prep")
    service.save_private_note(second, pair.employee_id, "Sam's later prep")

    following = service.skip_meeting(first, pair.manager_id, now=NOW)

    assert following.id == second.id
    assert Meeting.get_by_id(first.id).status == "skipped"
    assert agenda(first) == []
    assert agenda(second) == ["Skipped business", "Next week's business"]
    assert Meeting.get_by_id(second.id).shared_notes == "Notes written ahead"
    notes = {
        n.author_id: n.body for n in PrivateNote.select().where(PrivateNote.meeting == second.id)
    }
    assert notes == {
        pair.manager_id: "Dana's prep",
        pair.employee_id: "Sam's prep\n\nSam's later prep",
    }
    assert not PrivateNote.select().where(PrivateNote.meeting == first.id).exists()


def test_skipping_twice_moves_nothing_twice(pair):
    first, second = planned(pair)[:2]
    add(first, pair, "Once")
    service.skip_meeting(first, pair.manager_id, now=NOW)
    again = service.skip_meeting(Meeting.get_by_id(first.id), pair.employee_id, now=NOW)
    assert again.id == second.id
    assert all_points(pair) == ["Once"]


def test_points_carried_into_a_skipped_meeting_follow_to_the_next(pair):
    first, second, third = planned(pair)[:3]
    carried = add(first, pair, "Carried business")
    service.complete_meeting(first, pair.manager_id, now=first.scheduled_for)
    service.skip_meeting(second, pair.manager_id, now=first.scheduled_for)

    moved = TalkingPoint.get(TalkingPoint.meeting == third.id)
    assert moved.text == "Carried business"
    assert moved.carried_from_id == carried.id
    assert all_points(pair) == ["Carried business", "Carried business"]  # the original stays


def test_skipping_the_last_planned_meeting_plans_the_next(pair):
    *_, last = planned(pair)
    add(last, pair, "Far ahead")
    following = service.skip_meeting(last, pair.manager_id, now=NOW)
    assert following.scheduled_for == last.scheduled_for + WEEK
    assert agenda(following) == ["Far ahead"]


# --- moving one meeting ------------------------------------------------------------


def test_moving_a_meeting_keeps_its_agenda_and_the_rhythm(pair):
    first, second = planned(pair)[:2]
    add(first, pair, "Moved business")
    thursday = datetime.datetime(2026, 11, 26, 15, 30)

    moved = service.reschedule_meeting(first, thursday, now=NOW)

    assert moved.scheduled_for == thursday and moved.moved_from == TUESDAY_10
    assert agenda(moved) == ["Moved business"]
    following = service.complete_meeting(moved, pair.manager_id, now=thursday)
    assert following.id == second.id and agenda(second) == ["Moved business"]


def test_moving_twice_remembers_the_original_time(pair):
    first = planned(pair)[0]
    service.reschedule_meeting(first, datetime.datetime(2026, 11, 25, 10), now=NOW)
    moved = service.reschedule_meeting(first, datetime.datetime(2026, 11, 27, 10), now=NOW)
    assert moved.moved_from == TUESDAY_10


def test_moving_the_last_meeting_keeps_later_meetings_on_the_cadence(pair):
    *_, last = planned(pair)
    service.reschedule_meeting(last, last.scheduled_for + datetime.timedelta(days=2), now=NOW)
    service.plan_ahead(pair, NOW + WEEK)
    assert open_times(pair)[-1] == last.scheduled_for + WEEK  # the Tuesday, not the Thursday


@pytest.mark.parametrize(
    "at, message",
    [
        (TUESDAY_10 + WEEK, "The next meeting is on Tue 1 Dec 2026, 10:00"),
        (TUESDAY_10 + 2 * WEEK, "The next meeting is on Tue 1 Dec 2026, 10:00"),
    ],
)
def test_a_meeting_cannot_jump_past_the_next_one(pair, at, message):
    first = planned(pair)[0]
    with pytest.raises(service.ScheduleError, match=message):
        service.reschedule_meeting(first, at, now=NOW)
    assert planned(pair)[0].scheduled_for == TUESDAY_10


def test_a_meeting_cannot_move_before_the_previous_one(pair):
    first, second = planned(pair)[:2]
    with pytest.raises(service.ScheduleError, match="after the meeting of Tue 24 Nov 2026"):
        service.reschedule_meeting(second, TUESDAY_10 - datetime.timedelta(hours=1), now=NOW)


def test_a_held_or_skipped_meeting_cannot_move(pair):
    first, second = planned(pair)[:2]
    service.complete_meeting(first, pair.manager_id, now=NOW)
    service.skip_meeting(second, pair.manager_id, now=NOW)
    for meeting in (first, second):
        with pytest.raises(service.ScheduleError, match="no longer upcoming"):
            service.reschedule_meeting(
                meeting, meeting.scheduled_for + datetime.timedelta(hours=2), now=NOW
            )


# --- changing the cadence ----------------------------------------------------------


def test_a_new_cadence_moves_each_planned_meeting_with_its_agenda(pair):
    meetings = planned(pair)
    for n, meeting in enumerate(meetings):
        add(meeting, pair, f"For meeting {n}")
    before = all_points(pair)

    service.set_cadence(pair, "biweekly", 3, datetime.time(14, 0), NOW)

    after = planned(pair)
    assert all_points(pair) == before  # nothing lost, nothing doubled
    assert [m.id for m in after[: len(meetings)]] == [m.id for m in meetings]
    assert [agenda(m) for m in after[: len(meetings)]] == [[f"For meeting {n}"] for n in range(5)]
    thursday = datetime.datetime(2026, 11, 26, 14, 0)
    assert [m.scheduled_for for m in after] == [thursday + n * 2 * WEEK for n in range(5)]


def test_the_same_time_on_a_new_cadence_never_collides(pair):
    first = planned(pair)[0]
    add(first, pair, "Still first")
    service.set_cadence(pair, "biweekly", 1, datetime.time(10, 0), NOW)
    times = open_times(pair)
    assert times[:3] == [TUESDAY_10, TUESDAY_10 + 2 * WEEK, TUESDAY_10 + 4 * WEEK]
    assert agenda(planned(pair)[0]) == ["Still first"]


def test_a_monthly_cadence_keeps_every_planned_meeting(pair):
    for meeting in planned(pair):
        add(meeting, pair, f"Point of {meeting.id}")
    service.set_cadence(pair, "monthly", 1, datetime.time(10, 0), NOW)
    times = open_times(pair)
    assert len(times) == 5 and all(at.weekday() == 1 for at in times)
    assert [at.month for at in times] == [11, 12, 1, 2, 3]
    assert len(all_points(pair)) == 5


def test_a_new_cadence_leaves_a_meeting_already_due(pair):
    first = planned(pair)[0]
    add(first, pair, "Being discussed")
    during = TUESDAY_10 + datetime.timedelta(minutes=20)
    service.set_cadence(pair, "weekly", 4, datetime.time(9, 0), during)
    times = open_times(pair)
    assert times[0] == TUESDAY_10
    assert times[1] == datetime.datetime(2026, 11, 27, 9, 0)
    assert agenda(planned(pair)[0]) == ["Being discussed"]


def test_completing_after_a_cadence_change_carries_to_the_new_first_meeting(pair):
    first = planned(pair)[0]
    add(first, pair, "Carry me")
    service.set_cadence(pair, "weekly", 4, datetime.time(9, 0), TUESDAY_10)
    following = service.complete_meeting(first, pair.manager_id, now=TUESDAY_10)
    assert following.scheduled_for == datetime.datetime(2026, 11, 27, 9, 0)
    assert agenda(following) == ["Carry me"]


# --- meetings nobody held ----------------------------------------------------------


def test_completing_late_passes_over_meetings_nobody_held(pair):
    first, second, third, fourth = planned(pair)[:4]
    add(first, pair, "Open question")
    add(second, pair, "Prepared but never held")
    late = third.scheduled_for + datetime.timedelta(days=1)

    following = service.complete_meeting(first, pair.manager_id, now=late)

    assert following.id == fourth.id
    assert agenda(fourth) == ["Open question"]
    assert agenda(second) == ["Prepared but never held"]  # waits there until skipped
    service.skip_meeting(second, pair.manager_id, now=late)
    assert agenda(fourth) == ["Prepared but never held", "Open question"]


# --- daylight saving and month ends ------------------------------------------------


def test_meetings_keep_their_wall_clock_time_across_daylight_saving(app):
    pair = service.open_one_on_one(
        make_user("Dana Reyes"),
        make_user("Sam Okafor"),
        "Europe/Berlin",
        now=datetime.datetime(2026, 3, 20, 9, 0),
    )
    before, after = [m for m in planned(pair) if m.scheduled_for.day in (24, 31)]
    assert before.scheduled_for.time() == after.scheduled_for.time() == datetime.time(10, 0)
    assert as_utc(before.scheduled_for, pair.timezone).hour == 9  # CET
    assert as_utc(after.scheduled_for, pair.timezone).hour == 8  # CEST since 29 March


def test_a_time_the_clock_skips_still_names_one_instant():
    skipped_hour = datetime.datetime(2026, 3, 29, 2, 30)
    assert as_utc(skipped_hour, "Europe/Berlin") == datetime.datetime(
        2026, 3, 29, 1, 30, tzinfo=datetime.UTC
    )
    autumn_twice = datetime.datetime(2026, 10, 25, 2, 30)  # the first of the two 02:30s
    assert as_utc(autumn_twice, "Europe/Berlin").hour == 0


@pytest.mark.parametrize(
    "after, expected",
    [
        # The 5th Thursday of October becomes the 4th of November...
        (datetime.datetime(2026, 10, 29, 10), [(11, 26), (12, 24), (1, 28)]),
        # ...and December's rolls into January of the next year.
        (datetime.datetime(2026, 12, 3, 10), [(1, 7), (2, 4), (3, 4)]),
    ],
)
def test_monthly_meetings_across_month_and_year_ends(after, expected):
    pair = OneOnOne(cadence="monthly", weekday=3, time_of_day=datetime.time(10, 0))
    times = cadence_times(pair, after, after, after, at_least=3)
    assert [(at.month, at.day) for at in times] == expected


def test_biweekly_meetings_run_through_the_year_end():
    pair = OneOnOne(cadence="biweekly", weekday=3, time_of_day=datetime.time(10, 0))
    start = datetime.datetime(2026, 12, 24, 10)
    times = cadence_times(pair, start, start, start, at_least=3)
    assert times == [
        datetime.datetime(2027, 1, 7, 10),
        datetime.datetime(2027, 1, 21, 10),
        datetime.datetime(2027, 2, 4, 10),
    ]


def test_a_meeting_moved_to_a_month_end_keeps_the_monthly_rhythm(app):
    pair = service.open_one_on_one(
        make_user("Dana Reyes"),
        make_user("Sam Okafor"),
        "Europe/London",
        now=datetime.datetime(2027, 1, 1, 9),
    )
    service.set_cadence(pair, "monthly", 0, datetime.time(10, 0), datetime.datetime(2027, 1, 1, 9))
    first = planned(pair)[0]  # Monday 4 January
    service.reschedule_meeting(first, datetime.datetime(2027, 1, 29, 16), now=first.scheduled_for)
    assert [at.date() for at in open_times(pair)[:3]] == [
        datetime.date(2027, 1, 29),
        datetime.date(2027, 2, 1),
        datetime.date(2027, 3, 1),
    ]


# --- races and stale copies --------------------------------------------------------


def test_a_point_added_to_a_meeting_closed_meanwhile_is_refused(pair):
    first = planned(pair)[0]
    service.skip_meeting(first, pair.manager_id, now=NOW)
    with pytest.raises(ReadOnly, match="skipped meanwhile"):
        add(first, pair, "Too late")
    second = planned(pair)[1]
    service.complete_meeting(second, pair.manager_id, now=NOW)
    with pytest.raises(ReadOnly, match="completed meanwhile"):
        service.save_shared_notes(second, "Too late", 1)
    assert all_points(pair) == []


def test_a_note_saved_from_a_copy_older_than_a_skip_merge_is_refused(pair):
    first, second = planned(pair)[:2]
    seen = service.save_private_note(second, pair.manager_id, "Plan for B")
    service.save_private_note(first, pair.manager_id, "Plan for A")
    service.skip_meeting(first, pair.manager_id, now=NOW)
    with pytest.raises(service.StaleEdit) as stale:
        service.save_private_note(second, pair.manager_id, "Plan for B, more", seen.version)
    assert stale.value.current.body == "Plan for A\n\nPlan for B"
    with pytest.raises(ReadOnly, match="skipped"):
        service.save_private_note(first, pair.manager_id, "On the skipped one")


def test_a_meeting_cannot_move_into_the_past(pair):
    first = planned(pair)[0]
    with pytest.raises(service.ScheduleError, match="from today on"):
        service.reschedule_meeting(first, NOW - datetime.timedelta(days=1), now=NOW)


def test_each_change_of_time_or_status_counts_for_calendars(pair):
    first, second, third = planned(pair)[:3]
    service.reschedule_meeting(first, TUESDAY_10 + datetime.timedelta(days=1), now=NOW)
    service.reschedule_meeting(first, TUESDAY_10 + datetime.timedelta(days=2), now=NOW)
    service.skip_meeting(second, pair.manager_id, now=NOW)
    service.set_cadence(pair, "weekly", 4, datetime.time(10), NOW)
    versions = {m.id: m.schedule_version for m in planned(pair)}
    assert versions[first.id] == 3  # moved twice, then onto the new rhythm
    assert versions[second.id] == 1  # skipped; a skipped meeting keeps its time
    assert versions[third.id] == 1  # re-timed by the new rhythm


def test_skipping_one_while_the_other_completes_the_next_strands_nothing(app, pair):
    first, second = planned(pair)[:2]
    add(first, pair, "From the skipped one")
    add(second, pair, "Undiscussed in the held one")
    at_the_same_moment(
        app,
        lambda: service.skip_meeting(Meeting.get_by_id(first.id), pair.manager_id, now=NOW),
        lambda: service.complete_meeting(Meeting.get_by_id(second.id), pair.employee_id, now=NOW),
        # Completing first is refused: the skipped meeting still came before it.
        tolerated=(service.CompletionRefused,),
    )
    # Whichever went first, every point ends on an open meeting, exactly once there.
    open_points = [
        p.text
        for p in TalkingPoint.select()
        .join(Meeting)
        .where((Meeting.one_on_one == pair) & (Meeting.status == "upcoming"))
    ]
    assert sorted(open_points) == ["From the skipped one", "Undiscussed in the held one"]
