"""The floor: a bare Flask + Jinja + peewee page showing the same rows as the meeting
page (the current meeting's talking points with their authors and the pair's open
action items with their owners), with nothing of pmweb — no sign-in, no access
checks, no forms. pmweb's meeting page is measured against it."""

import os
from pathlib import Path

from flask import Flask, render_template
from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
)

database = SqliteDatabase(
    os.environ.get("FLOOR_DATABASE", ":memory:"),
    pragmas={"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000},
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
    return render_template("meeting.html", meeting=current, points=points, items=items)
