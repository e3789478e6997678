"""A large history for the benchmark: one pair with five years of weekly meetings
and 50 talking points on the current one, written in bulk but shaped as the product
makes it (points carried from the meeting before, done and open action items), and an
employee with 30 agreed goals of 20 check-ins each, a development plan with 12 steps,
feedback and wins from those years."""

import datetime

from pmweb.db import db, write_transaction
from pmweb.goals import service as goals
from pmweb.goals.service import Terms
from pmweb.growth import service as growth
from pmweb.meetings import service as meetings
from pmweb.models import ActionItem, CheckIn, Feedback, Meeting, OneOnOne, TalkingPoint, Win
from pmweb.org import service as org

PASSWORD = "benchmark-password"
YEARS = 5
POINTS_PER_PAST_MEETING = 5
POINTS_ON_CURRENT = 50
OPEN_ACTION_ITEMS = 12
GOALS = 30
CHECK_INS_PER_GOAL = 20
PLAN_STEPS = 12


def seed_pair(manager_email, employee_email, weeks, points_now):
    """A pair whose next meeting has ``points_now`` talking points after ``weeks``
    completed weekly meetings. Returns the current meeting's id."""
    with write_transaction():
        manager = org.create_user(manager_email, "Dana Reyes", password=PASSWORD)
        employee = org.create_user(employee_email, "Sam Okafor", password=PASSWORD)
        today = datetime.date.today()
        org.start_reporting_line(
            manager, employee, today - datetime.timedelta(weeks=weeks + 1), "Europe/London"
        )
        pair = OneOnOne.get(OneOnOne.employee == employee.id)
        # The next of the meetings planned four weeks ahead.
        current = pair.meetings.order_by(Meeting.scheduled_for).first()
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
        _growth(manager, employee, weeks, today)
        return current.id


def _growth(manager, employee, weeks, today):
    """Goals with their check-ins, the development plan, and years of feedback and
    wins — what the meeting page's goals and plan sections read from. A pair with no
    history gets one goal with one check-in, one step and one win."""
    history = weeks > 0
    for n in range(GOALS if history else 1):
        terms = Terms(
            title=f"Goal {n}",
            due=today + datetime.timedelta(days=30 + n),
            measure="number",
            start_value=0.0,
            target_value=100.0,
        )
        goal = goals.propose_goal(employee, employee.id, "employee", terms)
        goals.agree(goal, "manager", manager.id, 1, manager.id)
        CheckIn.insert_many(
            {
                "goal": goal.id,
                "author": employee.id,
                "value": float(k * 5),
                "confidence": "on_track",
                "note": f"Check-in {k}",
                "created_at": datetime.datetime.now() - datetime.timedelta(weeks=20 - k),
            }
            for k in range(CHECK_INS_PER_GOAL if history else 1)
        ).execute()
    texts = {"aspiration": "Lead a team", "strengths": "Writing", "growth_areas": "Delegation"}
    growth.save_plan(employee.id, employee.id, texts, 0)
    for n in range(PLAN_STEPS if history else 1):
        step = growth.StepTerms("skill", f"Step {n}", status=("planned", "done")[n % 2])
        growth.add_step(employee.id, employee.id, step)
    Feedback.insert_many(
        {
            "employee": employee.id,
            "giver": manager.id,
            "receiver": employee.id,
            "kind": "praise",
            "body": f"Well done, week {week}",
            "sent_at": datetime.datetime.now() - datetime.timedelta(weeks=week),
        }
        for week in range(1, max(weeks, 2), 4)
    ).execute()
    Win.insert_many(
        {
            "employee": employee.id,
            "title": f"Win of week {week}",
            "achieved_on": today - datetime.timedelta(weeks=week),
            "recorded_by": employee.id,
        }
        for week in range(1, max(weeks, 2), 8)
    ).execute()


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
