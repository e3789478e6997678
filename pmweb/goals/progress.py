"""Where a goal stands: the value it should have reached by a day on the straight
line from its start to its target, whether it is behind that pace, whether it needs
attention in the next one-on-one, and the points of its progress chart."""

import dataclasses
import datetime

# Behind pace: more than this share of the way from start to target short of the line.
BEHIND_BY = 0.10
# A goal with no check-in for this long is raised in the next one-on-one.
QUIET_DAYS = 30


def started_on(goal):
    return goal.created_at.date()


def expected_value(goal, day):
    """The value on the straight line from the start (the day the goal was set) to the
    target on its due date; the target itself from the due date on."""
    start, due = started_on(goal), goal.due
    if day >= due or due <= start:
        return goal.target_value
    share = max(0, (day - start).days) / (due - start).days
    return goal.start_value + share * (goal.target_value - goal.start_value)


def share_done(goal, value):
    span = goal.target_value - goal.start_value
    return (value - goal.start_value) / span if span else 1.0


def is_behind(goal, latest_value, day):
    if goal.status != "agreed":
        return False
    reached = goal.start_value if latest_value is None else latest_value
    expected = share_done(goal, expected_value(goal, day))
    return share_done(goal, reached) < expected - BEHIND_BY


def needs_attention(goal, latest, day):
    """Raised in the one-on-one: at risk or off track at the last check-in, or no
    check-in for a month."""
    if goal.status != "agreed":
        return False
    if latest is None:
        return (day - started_on(goal)).days >= QUIET_DAYS
    if latest.confidence in ("at_risk", "off_track"):
        return True
    return (day - latest.created_at.date()).days >= QUIET_DAYS


@dataclasses.dataclass
class Chart:
    """A progress chart in SVG user units: the plan as a line from start to target by
    the due date, the check-ins as points joined by a line, and today."""

    width: int
    height: int
    plan: tuple
    actual: list
    today_x: float | None
    y_labels: list
    x_labels: list


WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 240, 56, 16, 16, 32


def chart(goal, check_ins, day):
    """The chart of ``goal`` with its ``check_ins`` (oldest first) as of ``day``."""
    first = started_on(goal)
    last = max(
        [goal.due, first + datetime.timedelta(days=1)] + [c.created_at.date() for c in check_ins]
    )
    values = [goal.start_value, goal.target_value] + [c.value for c in check_ins]
    low, high = min(values), max(values)
    if high == low:
        high = low + 1

    def x(when):
        return LEFT + (when - first).days / (last - first).days * (WIDTH - LEFT - RIGHT)

    def y(value):
        return TOP + (high - value) / (high - low) * (HEIGHT - TOP - BOTTOM)

    actual = [(x(first), y(goal.start_value))] + [
        (x(c.created_at.date()), y(c.value)) for c in check_ins
    ]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        plan=((x(first), y(goal.start_value)), (x(goal.due), y(goal.target_value))),
        actual=[(round(px, 1), round(py, 1)) for px, py in actual],
        today_x=round(x(day), 1) if first <= day <= last else None,
        y_labels=[(round(y(v), 1), v) for v in sorted({goal.start_value, goal.target_value})],
        x_labels=[(round(x(first), 1), first), (round(x(goal.due), 1), goal.due)],
    )
