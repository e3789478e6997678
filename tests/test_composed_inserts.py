"""Inserts whose SQL is composed once: ``BaseModel.create`` and ``insert_rows`` write
exactly the rows peewee's own ``create`` and ``insert_many`` write, on SQLite and on
PostgreSQL, and refuse rather than send other parameters than peewee would."""

import datetime
import itertools

import pytest
from peewee import SQL, CharField, IntegerField, Model

from pmweb import db as database
from pmweb.db import BaseModel, PreparedQueryError, insert_rows
from pmweb.meetings import service
from pmweb.models import AccountEvent, Meeting, ReportingLine, User, utcnow
from tests.conftest import make_user

peewee_create = Model.create.__func__


def _columns(row):
    return {name: value for name, value in row.__data__.items() if name != "id"}


def _stored(model, row_id):
    return _columns(model.get_by_id(row_id))


@pytest.fixture
def compositions(monkeypatch):
    """How many times each insert's SQL was composed."""
    counted = []
    compose = database._composed_insert

    def counting(db, model, rows, ignore_conflicts, returning):
        counted.append((model, frozenset(rows[0]), len(rows)))
        return compose(db, model, rows, ignore_conflicts, returning)

    monkeypatch.setattr(database, "_composed_insert", counting)
    return counted


def test_create_stores_what_peewee_create_stores(app, today):
    dana, sam = make_user("Dana Reyes"), make_user("Sam Okafor")
    now = datetime.datetime(2026, 11, 2, 9, 30, 15, 250000)
    cases = [
        # Defaults that are called (created_at) are the next test's.
        (User, {"email": "ana@example.com", "name": "Ana", "password_hash": "", "created_at": now}),
        (
            User,
            {
                "email": "bo@x.example",
                "name": "Bo",
                "password_hash": "",
                "created_at": now,
                "is_admin": True,
            },
        ),
        # A model instance for a foreign key, and None for a nullable one.
        (AccountEvent, {"person": sam, "actor": None, "what": "Created", "happened_at": now}),
        (ReportingLine, {"manager": dana, "employee": sam.id, "starts_on": today}),
    ]
    for model, values in cases:
        ours = model.create(**values)
        theirs = peewee_create(model, **{**values, **_unique_again(model, values)})
        assert isinstance(ours.id, int) and ours.id != theirs.id
        assert _stored(model, ours.id) == {**_stored(model, theirs.id), **_unique(model, values)}
        assert _columns(ours) == {**_columns(theirs), **_unique(model, values)}
        assert not ours.is_dirty()


def _unique_again(model, values):
    # Rows with a unique column get another value for the copy peewee writes.
    if model is User:
        return {"email": "copy-" + values["email"]}
    if model is ReportingLine:
        return {"starts_on": values["starts_on"] + datetime.timedelta(days=1)}
    return {}


def _unique(model, values):
    return {name: values[name] for name in _unique_again(model, values)}


def test_a_default_that_is_called_is_called_for_each_row(app):
    before = utcnow()
    first = User.create(email="one@example.com", name="One", password_hash="")
    second = User.create(email="two@example.com", name="Two", password_hash="")
    assert before <= first.created_at <= second.created_at <= utcnow()
    assert User.get_by_id(first.id).created_at == first.created_at


def test_each_insert_is_composed_once_per_set_of_columns(app, compositions):
    for number in range(3):
        User.create(email=f"p{number}@example.com", name=f"P{number}", password_hash="")
    User.create(email="admin@example.com", name="A", password_hash="", is_admin=True)
    assert len(compositions) == 1
    User.create(email="ext@example.com", name="E", password_hash="", external_id="e-1")
    assert len(compositions) == 2
    assert User.select().count() == 5


def test_insert_rows_writes_what_insert_many_writes(app, compositions):
    dana, sam = make_user("Dana Reyes"), make_user("Sam Okafor")
    one_on_one = service.open_one_on_one(dana, sam, "Europe/London")
    Meeting.delete().execute()
    start = datetime.datetime(2027, 1, 4, 10, 0)
    rows = [
        {"one_on_one": one_on_one.id, "scheduled_for": start + datetime.timedelta(weeks=week)}
        for week in range(4)
    ]
    insert_rows(Meeting, rows, ignore_conflicts=True)
    ours = [_columns(m) for m in Meeting.select().order_by(Meeting.scheduled_for)]
    Meeting.delete().execute()
    Meeting.insert_many(rows).on_conflict_ignore().execute()
    theirs = [_columns(m) for m in Meeting.select().order_by(Meeting.scheduled_for)]
    assert ours == theirs and len(ours) == 4
    # The conflict clause is part of what is composed: the same rows again change nothing.
    insert_rows(Meeting, rows, ignore_conflicts=True)
    assert Meeting.select().count() == 4
    assert compositions.count((Meeting, frozenset(rows[0]), 4)) == 1


def test_rows_with_other_columns_each_or_sql_values_are_peewee_s_own(app, compositions):
    sam = make_user("Sam Okafor")
    now = utcnow()
    mixed = [
        {"person": sam.id, "actor": None, "what": "One", "happened_at": now},
        {"person": sam.id, "what": "Two", "happened_at": now},
    ]
    insert_rows(AccountEvent, mixed)
    insert_rows(
        AccountEvent,
        [
            {
                "person": sam.id,
                "actor": None,
                "what": "Three",
                "happened_at": SQL("CURRENT_TIMESTAMP"),
            }
        ],
    )
    insert_rows(AccountEvent, [{"person_id": sam.id, "what": "Four", "happened_at": now}])
    assert [e.what for e in AccountEvent.select().order_by(AccountEvent.id)] == [
        "One",
        "Two",
        "Three",
        "Four",
    ]
    assert [model for model, _, _ in compositions] == [User]


def test_an_insert_whose_parameters_are_not_its_values_is_refused(app):
    counter = itertools.count()

    class Counted(IntegerField):
        def db_value(self, value):
            return next(counter)

    class Tally(BaseModel):
        count = Counted()

    database.db.create_tables([Tally])
    with pytest.raises(PreparedQueryError, match="sends 0 for count, not its value 1"):
        Tally.create(count=5)
    assert Tally.select(SQL("count(*)")).scalar() == 0


def test_a_model_without_an_automatic_id_is_peewee_s_own(app, compositions):
    class Code(BaseModel):
        code = CharField(primary_key=True)
        meaning = CharField()

    database.db.create_tables([Code])
    Code.create(code="ok", meaning="fine")
    assert Code.get_by_id("ok").meaning == "fine"
    assert compositions == []


def test_a_new_row_s_id_is_the_database_s(app):
    # PostgreSQL answers it by RETURNING, SQLite by its last row id.
    ids = [make_user(f"Person {n}", f"p{n}@example.com").id for n in range(3)]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert [u.id for u in User.select().order_by(User.id)] == ids


def test_many_rows_go_in_statements_of_a_few_and_the_count_is_of_those_written(app, compositions):
    sam = make_user("Sam Okafor")
    now = utcnow()
    # 7,000 rows of five columns are more parameters than SQLite takes in one statement.
    rows = [
        {"person": sam.id, "actor": None, "what": f"Event {n}", "happened_at": now, "via": ""}
        for n in range(7_000)
    ]
    assert insert_rows(AccountEvent, rows) == 7_000
    assert AccountEvent.select().where(AccountEvent.person == sam.id).count() == 7_000
    statement_rows = {rows for model, _, rows in compositions if model is AccountEvent}
    assert statement_rows == {
        database.MOST_ROWS_COMPOSED_ONCE,
        7_000 % database.MOST_ROWS_COMPOSED_ONCE,
    }
    dana = make_user("Dana Reyes")
    one_on_one = service.open_one_on_one(dana, sam, "Europe/London")
    planned = [
        {"one_on_one": one_on_one.id, "scheduled_for": m.scheduled_for} for m in one_on_one.meetings
    ]
    later = {"one_on_one": one_on_one.id, "scheduled_for": datetime.datetime(2031, 1, 6, 10)}
    assert insert_rows(Meeting, [*planned, later], ignore_conflicts=True) == 1
