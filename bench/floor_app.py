"""The floor: a bare Flask + Jinja + peewee page showing the same rows as the meeting
page (the current meeting's talking points with their authors, the pair's open
action items with their owners, the employee's agreed goals with their latest
check-in, the development plan's steps and recent wins), with nothing of pmweb — no
sign-in, no access checks, no forms. pmweb's meeting page is measured against it.

It has the floor of a directory sync too: a JSON person created or given another
manager in one transaction, with no validation, no SCIM and no reporting-line rules
(bench/directory_sync.py measures pmweb's SCIM endpoint against it).

It also has the floor of live updates: an event stream per open page fed by an
in-process queue fan-out, an edit that inserts a talking point and signals the
meeting's streams, and the agenda fragment those pages fetch again — again with no
sign-in, no access checks, no presence. bench/live_updates.py measures pmweb's
edit → event → fragment path against it."""

import datetime
import itertools
import os
import queue
import threading
import time
from collections import defaultdict
from pathlib import Path

from flask import Flask, Response, render_template, request
from peewee import (
    JOIN,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
    fn,
)

if os.environ.get("FLOOR_DATABASE", "").startswith("postgresql://"):
    from playhouse.db_url import connect as connect_to

    # Pooled, as pmweb's connections are: a new one per request would cost more than
    # the request.
    database = connect_to(
        os.environ["FLOOR_DATABASE"].replace("postgresql://", "postgresql+pool://")
    )
else:
    database = SqliteDatabase(
        os.environ.get("FLOOR_DATABASE", ":memory:"),
        # pmweb's own settings (pmweb/db.py).
        pragmas={
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": 5000,
            "synchronous": "normal",
        },
    )


class Base(Model):
    class Meta:
        database = database
        legacy_table_names = False


class User(Base):
    name = CharField()


class Meeting(Base):
    one_on_one_id = IntegerField()
    scheduled_for = DateTimeField()


class TalkingPoint(Base):
    meeting = ForeignKeyField(Meeting)
    author = ForeignKeyField(User)
    text = TextField()
    position = IntegerField()
    discussed = BooleanField()


class ActionItem(Base):
    one_on_one_id = IntegerField()
    owner = ForeignKeyField(User)
    text = TextField()
    due = DateField(null=True)
    done_at = DateTimeField(null=True)


class OneOnOne(Base):
    employee_id = IntegerField()


class Goal(Base):
    employee_id = IntegerField()
    title = CharField()
    status = CharField()
    unit = CharField()
    target_value = FloatField(null=True)
    due = DateField()


class CheckIn(Base):
    goal = ForeignKeyField(Goal)
    value = FloatField()
    confidence = CharField()
    created_at = DateTimeField()


class DevelopmentPlan(Base):
    employee_id = IntegerField()
    aspiration = TextField()


class PlanStep(Base):
    plan = ForeignKeyField(DevelopmentPlan)
    kind = CharField()
    title = CharField()
    status = CharField()
    target_date = DateField(null=True)


class Win(Base):
    employee_id = IntegerField()
    title = CharField()
    achieved_on = DateField()


class DirectoryPerson(Base):
    user_name = CharField(unique=True)
    name = CharField()
    email = CharField(unique=True)
    manager_id = IntegerField(null=True)


class DirectoryLine(Base):
    employee_id = IntegerField(index=True)
    manager_id = IntegerField()
    starts_on = DateField()
    ends_on = DateField(null=True)


app = Flask(__name__, template_folder=str(Path(__file__).parent / "floor_templates"))


@app.before_request
def connect():
    database.connect(reuse_if_open=True)


@app.teardown_request
def close(exc):
    if not database.is_closed():
        database.close()


@app.route("/meetings/<int:meeting_id>")
def meeting(meeting_id):
    current = Meeting.get_by_id(meeting_id)
    points = (
        TalkingPoint.select(TalkingPoint, User)
        .join(User)
        .where(TalkingPoint.meeting == current.id)
        .order_by(TalkingPoint.position)
    )
    items = (
        ActionItem.select(ActionItem, User)
        .join(User)
        .where((ActionItem.one_on_one_id == current.one_on_one_id) & ActionItem.done_at.is_null())
        .order_by(ActionItem.due)
    )
    employee_id = OneOnOne.get_by_id(current.one_on_one_id).employee_id
    latest = CheckIn.alias()
    goals = (
        Goal.select(Goal, latest)
        .join(
            latest,
            JOIN.LEFT_OUTER,
            on=(latest.id == CheckIn.select(fn.MAX(CheckIn.id)).where(CheckIn.goal == Goal.id)),
            attr="latest",
        )
        .where((Goal.employee_id == employee_id) & (Goal.status == "agreed"))
        .order_by(Goal.due)
    )
    plan = DevelopmentPlan.get_or_none(DevelopmentPlan.employee_id == employee_id)
    steps = (
        PlanStep.select()
        .join(DevelopmentPlan)
        .where(DevelopmentPlan.employee_id == employee_id)
        .order_by(PlanStep.target_date)
    )
    wins = (
        Win.select().where(Win.employee_id == employee_id).order_by(Win.achieved_on.desc()).limit(5)
    )
    return render_template(
        "meeting.html",
        meeting=current,
        points=points,
        items=items,
        goals=goals,
        plan=plan,
        steps=steps,
        wins=wins,
    )


# --- live updates -----------------------------------------------------------------

# The same heartbeat and stream lifetime as pmweb's defaults.
HEARTBEAT_SECONDS = 15
STREAM_SECONDS = 300


class WrittenTalkingPoint(TalkingPoint):
    """A new talking point, with the columns pmweb's schema requires that the reads
    above leave out."""

    version = IntegerField(default=1)
    created_at = DateTimeField(default=datetime.datetime.now)

    class Meta:
        table_name = "talking_point"


# Compiled once, as Flask does for a template file: render_template_string would
# compile it on every request and make the floor slower than it is.
AGENDA = app.jinja_env.from_string(
    """<section id="talking-points">
<ol>
{% for point in points %}
  <li class="{{ 'discussed' if point.discussed }}">{{ point.text }}
    <small>{{ point.author.name }}</small></li>
{% endfor %}
</ol>
</section>"""
)

_streams_lock = threading.Lock()
_streams_of_meeting = defaultdict(set)
_event_ids = itertools.count(1)


def _signal(meeting_id, part):
    with _streams_lock:
        streams = list(_streams_of_meeting.get(meeting_id, ()))
    for signals in streams:
        signals.put(part)


def _agenda_fragment(meeting_id):
    points = (
        TalkingPoint.select(TalkingPoint, User)
        .join(User)
        .where(TalkingPoint.meeting == meeting_id)
        .order_by(TalkingPoint.position)
    )
    return AGENDA.render(points=points)


@app.route("/meetings/<int:meeting_id>/live")
def live(meeting_id):
    signals = queue.SimpleQueue()
    with _streams_lock:
        _streams_of_meeting[meeting_id].add(signals)

    def events():
        try:
            yield "retry: 1000\n\n"
            deadline = time.monotonic() + STREAM_SECONDS
            while (remaining := deadline - time.monotonic()) > 0:
                try:
                    part = signals.get(timeout=min(HEARTBEAT_SECONDS, remaining))
                except queue.Empty:
                    yield ": ping\n\n"
                else:
                    yield f"id: {next(_event_ids)}\nevent: {part}\ndata:\n\n"
        finally:
            with _streams_lock:
                _streams_of_meeting[meeting_id].discard(signals)

    return Response(events(), mimetype="text/event-stream")


@app.route("/meetings/<int:meeting_id>/agenda")
def agenda(meeting_id):
    return _agenda_fragment(meeting_id)


@app.route("/meetings/<int:meeting_id>/talking-points", methods=["POST"])
def add_talking_point(meeting_id):
    # IMMEDIATE, as pmweb: two writers queue instead of one failing mid-way.
    with database.atomic("IMMEDIATE"):
        last = (
            TalkingPoint.select(fn.MAX(TalkingPoint.position))
            .where(TalkingPoint.meeting == meeting_id)
            .scalar()
        )
        WrittenTalkingPoint.create(
            meeting=meeting_id,
            author=int(request.form["author"]),
            text=request.form["text"],
            position=(last or 0) + 1,
            discussed=False,
        )
    _signal(meeting_id, "agenda")
    # As pmweb answers an htmx edit: with the updated fragment.
    return _agenda_fragment(meeting_id)


def _start_line(employee_id, manager_id):
    today = datetime.date.today()
    DirectoryLine.update(ends_on=today - datetime.timedelta(days=1)).where(
        (DirectoryLine.employee_id == employee_id) & DirectoryLine.ends_on.is_null()
    ).execute()
    DirectoryLine.create(employee_id=employee_id, manager_id=manager_id, starts_on=today)


def _immediate():
    return (
        database.atomic("IMMEDIATE") if isinstance(database, SqliteDatabase) else database.atomic()
    )


@app.route("/directory/people", methods=["POST"])
def create_directory_person():
    body = request.get_json()
    manager_id = body.get("manager_id")
    with _immediate():
        person = DirectoryPerson.create(
            user_name=body["userName"], name=body["displayName"], email=body["userName"]
        )
        if manager_id:
            _start_line(person.id, int(manager_id))
    return {"id": str(person.id)}, 201


@app.route("/directory/people/<int:person_id>", methods=["PATCH"])
def change_directory_manager(person_id):
    with _immediate():
        _start_line(person_id, int(request.get_json()["manager_id"]))
    return "", 204
