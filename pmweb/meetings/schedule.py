"""When a pair's meetings fall: the cadence (weekly, every two weeks, monthly on the
same weekday of the month) in the pair's own wall-clock time."""

import datetime
from zoneinfo import ZoneInfo

WEEK = datetime.timedelta(days=7)
# A pair always has meetings planned this far ahead: what one adds "for later" has a
# meeting to go to, and a calendar shows the coming weeks.
HORIZON = datetime.timedelta(weeks=4)


def _on_or_after(day, weekday):
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _nth_weekday_of_month(year, month, weekday, nth):
    first = _on_or_after(datetime.date(year, month, 1), weekday)
    return first + (nth - 1) * WEEK


def following_day(cadence, weekday, previous):
    """The meeting day that follows one held (or planned) on ``previous``."""
    if cadence == "weekly":
        return _on_or_after(previous + datetime.timedelta(days=1), weekday)
    if cadence == "biweekly":
        return _on_or_after(previous + datetime.timedelta(days=8), weekday)
    if cadence == "monthly":
        # The same "n-th Tuesday" as the previous meeting; a fifth one becomes the fourth
        # so that every month has it.
        nth = min((previous.day - 1) // 7 + 1, 4)
        year, month = (
            (previous.year + 1, 1) if previous.month == 12 else (previous.year, previous.month + 1)
        )
        return _nth_weekday_of_month(year, month, weekday, nth)
    raise ValueError(f"unknown cadence {cadence!r}")


def next_meeting_time(one_on_one, after, not_before):
    """The first meeting time in the pair's cadence following the meeting at ``after``
    that is later than ``not_before`` (both naive wall-clock datetimes)."""
    day = after.date()
    while True:
        day = following_day(one_on_one.cadence, one_on_one.weekday, day)
        at = datetime.datetime.combine(day, one_on_one.time_of_day)
        if at > not_before:
            return at


def first_meeting_time(one_on_one, now):
    """The pair's first meeting: the next matching weekday at the pair's time."""
    day = _on_or_after(now.date(), one_on_one.weekday)
    at = datetime.datetime.combine(day, one_on_one.time_of_day)
    return at if at > now else at + WEEK


def cadence_times(one_on_one, after, not_before, until, at_least=0):
    """Meeting times in the pair's cadence following the cadence time ``after``:
    each later than ``not_before``, until one lies at or beyond ``until``, and at
    least ``at_least`` of them."""
    times = []
    at = after
    while not times or times[-1] < until or len(times) < at_least:
        at = next_meeting_time(one_on_one, at, not_before)
        times.append(at)
    return times


def as_utc(at, timezone):
    """The instant a wall-clock meeting time in ``timezone`` stands for. A time that a
    daylight-saving change skips (02:30 on the spring-forward night) is read with the
    offset before the change, so it falls an hour later on the clock."""
    return at.replace(tzinfo=ZoneInfo(timezone)).astimezone(datetime.UTC)
