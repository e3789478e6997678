"""A large history for the benchmark: one pair with five years of weekly meetings
and 50 talking points on the current one, written in bulk but shaped as the product
makes it (points carried from the meeting before, done and open action items)."""

import datetime

from pmweb.db import db, write_transaction
from pmweb.meetings import service as meetings
from pmweb.models import ActionItem, Meeting, OneOnOne, TalkingPoint
from pmweb.org import service as org

PASSWORD = "benchmark-password"
YEARS = 5
POINTS_PER_PAST_MEETING = 5
POINTS_ON_CURRENT = 50
OPEN_ACTION_ITEMS = 12


def seed_pair(manager_email, employee_email, weeks, points_now):
    """A pair whose next meeting has ``points_now`` talking points after ``weeks``
    completed weekly meetings. Returns the current meeting's id."""
    with write_transaction():
        manager, _ = org.create_user(manager_email, "Dana Reyes", PASSWORD)
        employee, _ = org.create_user(employee_email, "Sam Okafor", PASSWORD)
        today = datetime.date.today()
        org.start_reporting_line(
            manager, employee, today - datetime.timedelta(weeks=weeks + 1), "Europe/London"
        )
        pair = OneOnOne.get(OneOnOne.employee == employee.id)
        current = pair.meetings.get()
        people = (manager.id, employee.id)
        previous_points = []
        for week in range(weeks, 0, -1):
            held = current.scheduled_for - datetime.timedelta(weeks=week)
            meeting = Meeting.create(
                one_on_one=pair,
                scheduled_for=held,
                status="done",
                shared_notes=f"Week {week}: agreed next steps for the migration and hiring.",
                completed_at=held,
                completed_by=manager,
            )
            previous_points = _points(meeting, people, previous_points, POINTS_PER_PAST_MEETING)
            ActionItem.insert_many(
                {
                    "one_on_one": pair.id,
                    "owner": people[n % 2],
                    "created_by": manager.id,
                    "text": f"Follow-up {n} from week {week}",
                    "due": held.date() + datetime.timedelta(days=7),
                    "done_at": held + datetime.timedelta(days=6),
                    "raised_in_meeting": meeting.id,
                }
                for n in range(2)
            ).execute()
        _points(current, people, previous_points, points_now)
        for n in range(OPEN_ACTION_ITEMS):
            meetings.add_action_item(
                current,
                manager.id,
                people[n % 2],
                f"Open action {n}",
                today + datetime.timedelta(days=n - 4),
            )
        return current.id


def _points(meeting, people, carried_in, count):
    """Talking points on a meeting: the undiscussed ones carried in first, then new
    ones; every fifth new point stays undiscussed and is carried on."""
    rows = [
        {
            "meeting": meeting.id,
            "author": point.author_id,
            "text": point.text,
            "position": position,
            "carried_from": point.id,
            "discussed": True,
        }
        for position, point in enumerate(carried_in)
    ]
    rows += [
        {
            "meeting": meeting.id,
            "author": people[n % 2],
            "text": f"Talking point {n} of meeting {meeting.id}: roadmap, hiring and feedback",
            "position": len(carried_in) + n,
            "discussed": meeting.status == "done" and n % 5 != 4,
        }
        for n in range(count - len(carried_in))
    ]
    TalkingPoint.insert_many(rows).execute()
    return list(
        TalkingPoint.select().where(
            (TalkingPoint.meeting == meeting.id) & (TalkingPoint.discussed == False)  # noqa: E712
        )
    )


def seed(app):
    """The large pair and a small one with the same current agenda but no history.
    Returns {"large": meeting id, "small": meeting id}."""
    with app.app_context():
        db.connect(reuse_if_open=True)
        try:
            return {
                "large": seed_pair(
                    "dana@example.com", "sam@example.com", YEARS * 52, POINTS_ON_CURRENT
                ),
                "small": seed_pair("priya@example.com", "alex@example.com", 0, POINTS_ON_CURRENT),
            }
        finally:
            db.close()
