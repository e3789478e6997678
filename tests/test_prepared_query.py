"""Prepared queries: compiled once, run with new arguments, and returning exactly the
rows plain peewee returns for the same arguments — on SQLite and on PostgreSQL. Every
prepared query of the app is run against plain peewee from the table below, which
fails for a query nobody listed; everything that could make the two differ is refused."""

import datetime
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from peewee import SQL, Model

import pmweb
from pmweb.access.directory import token_hash
from pmweb.access.handoffs import EVERYTHING, NOTHING
from pmweb.db import PreparedQuery, PreparedQueryError, prepared_queries
from pmweb.goals import service as goals
from pmweb.growth import service as growth
from pmweb.growth.service import StepTerms
from pmweb.meetings import service
from pmweb.models import Meeting, ReportingLine, User, UserSession, utcnow
from pmweb.sharing import service as sharing
from tests.test_access import GOAL_TERMS


@PreparedQuery
def by_email(email: str):
    return User.select().where(User.email == email)


@PreparedQuery
def lines_of(employee_id: int, day: datetime.date):
    return ReportingLine.current_on(day).where(ReportingLine.employee == employee_id)


@PreparedQuery
def admins_by_email(email: str):
    return User.select().where((User.email == email) & (User.is_admin == True))  # noqa: E712


@PreparedQuery
def lines_ending_on(day: datetime.date):
    return ReportingLine.select().where(ReportingLine.ends_on == day)


# Each of these lies in its own way: refused on its first run, before any SQL is sent.


@PreparedQuery
def started_in_the_last_ten_years(day: datetime.date):
    return ReportingLine.select().where(
        ReportingLine.starts_on >= day - datetime.timedelta(days=3650)
    )


@PreparedQuery
def by_any_case_email(email: str):
    return User.select().where(User.email == email.lower())


@PreparedQuery
def the_user_before(first_id: int, second_id: int):
    return User.select().where((User.id == first_id - 1) | (User.id == second_id))


@PreparedQuery
def formatted_into_the_sql(user_id: int):
    return User.select().where(SQL(f"id = {user_id}"))


@PreparedQuery
def ignores_its_argument(user_id: int):
    return User.select()


# --- what a prepared query keeps of plain peewee -------------------------------------


def test_each_run_uses_its_own_arguments(actors):
    assert by_email.first("sam@example.com").id == actors.report.id
    assert by_email.first("dana@example.com").id == actors.manager.id
    assert by_email.first("nobody@example.com") is None


def test_ids_and_days_are_arguments_too(actors, today):
    assert [line.manager_id for line in lines_of.all(actors.report.id, today)] == [
        actors.manager.id
    ]
    assert lines_of.all(actors.report.id, datetime.date(2000, 1, 1)) == []
    assert lines_of.all(actors.admin.id, today) == []


def test_constants_written_in_the_query_stay_in_it(actors):
    assert admins_by_email.first("admin@example.com").id == actors.admin.id
    assert admins_by_email.first("dana@example.com") is None


# --- refused when defined ---------------------------------------------------------------


def test_a_parameter_without_a_declared_type_is_refused():
    def unannotated(user_id):
        return User.select().where(User.id == user_id)

    with pytest.raises(PreparedQueryError, match="user_id must be annotated"):
        PreparedQuery(unannotated)
    with pytest.raises(PreparedQueryError, match="must be annotated"):
        PreparedQuery(lambda user_id: User.select().where(User.id == user_id))


@pytest.mark.parametrize("kind", [bool, float, list, "datetime.date | None", User])
def test_a_parameter_of_another_type_is_refused(kind):
    def build(value):
        return User.select().where(User.id == value)

    build.__annotations__ = {"value": kind}
    with pytest.raises(PreparedQueryError, match="must be annotated"):
        PreparedQuery(build)


def test_a_parameter_with_a_default_or_passed_by_keyword_only_is_refused():
    def with_default(user_id: int = 1):
        return User.select().where(User.id == user_id)

    def keyword_only(*, user_id: int):
        return User.select().where(User.id == user_id)

    with pytest.raises(PreparedQueryError, match="default"):
        PreparedQuery(with_default)
    with pytest.raises(PreparedQueryError, match="positional"):
        PreparedQuery(keyword_only)


def test_two_prepared_queries_of_one_name_are_refused():
    with pytest.raises(PreparedQueryError, match="two prepared queries"):
        PreparedQuery(by_email.build)


# --- refused on the first compile -----------------------------------------------------------


def test_a_value_computed_from_an_argument_is_refused(actors, today):
    # Compiled once, the day ten years back would stay the one of the first call.
    with pytest.raises(PreparedQueryError, match="computed from an argument"):
        started_in_the_last_ten_years.all(today)
    with pytest.raises(PreparedQueryError, match="computed from an argument"):
        by_any_case_email.first("Sam@Example.com")


def test_a_stand_in_taken_for_another_argument_is_refused(actors):
    # first_id - 1 is the second argument's stand-in in one compile, not in the other.
    with pytest.raises(PreparedQueryError, match="in one compile but not in the other"):
        the_user_before.all(actors.report.id, actors.manager.id)


def test_an_argument_written_into_the_sql_text_is_refused(actors):
    with pytest.raises(PreparedQueryError, match="SQL text changes"):
        formatted_into_the_sql.all(actors.report.id)


def test_an_argument_that_never_reaches_the_sql_is_refused(app):
    with pytest.raises(PreparedQueryError, match="user_id never reaches the SQL"):
        ignores_its_argument.all(1)


# --- refused on every run -------------------------------------------------------------------


def test_none_is_refused_where_peewee_would_write_is_null(actors):
    # Plain peewee turns == None into IS NULL: both lines are open-ended.
    assert len(list(lines_ending_on.build(None))) == 2
    with pytest.raises(PreparedQueryError, match="IS NULL"):
        lines_ending_on.all(None)


def test_a_bool_is_refused_where_an_int_is_declared(actors, today):
    with pytest.raises(PreparedQueryError, match="bool where int is declared"):
        lines_of.all(True, today)


@pytest.mark.parametrize("collection", [[1, 2], (1, 2), {1, 2}, frozenset({1})])
def test_a_collection_is_refused(actors, today, collection):
    with pytest.raises(PreparedQueryError, match="collection"):
        lines_of.all(collection, today)


def test_a_datetime_is_refused_where_a_date_is_declared(actors):
    with pytest.raises(PreparedQueryError, match="datetime where date is declared"):
        lines_of.all(actors.report.id, datetime.datetime.now())


def test_a_value_of_another_type_is_refused(actors, today):
    with pytest.raises(PreparedQueryError, match="str where int is declared"):
        lines_of.all(str(actors.report.id), today)
    with pytest.raises(PreparedQueryError, match="User where int is declared"):
        lines_of.all(actors.report, today)


def test_the_wrong_number_of_arguments_is_refused(actors, today):
    with pytest.raises(PreparedQueryError, match=r"takes \(employee_id, day\); 1 given"):
        lines_of.all(actors.report.id)
    with pytest.raises(PreparedQueryError, match=r"takes \(email\); 2 given"):
        by_email.first("sam@example.com", today)


REFUSALS_UNDER_O = """
import datetime
from peewee import SqliteDatabase
from pmweb.db import PreparedQuery, PreparedQueryError, db
from pmweb.models import ReportingLine

assert not __debug__, "run me with python -O"
db.initialize(SqliteDatabase(":memory:"))

@PreparedQuery
def lines_of(employee_id: int, day: datetime.date):
    return ReportingLine.current_on(day).where(ReportingLine.employee == employee_id)

@PreparedQuery
def ten_years_back(day: datetime.date):
    return ReportingLine.select().where(ReportingLine.starts_on >= day - datetime.timedelta(3650))

today = datetime.date.today()
for query, arguments in [
    (lines_of, (True, today)),
    (lines_of, (None, today)),
    (lines_of, ([1], today)),
    (lines_of, (1, datetime.datetime.now())),
    (ten_years_back, (today,)),
]:
    try:
        query.all(*arguments)
    except PreparedQueryError:
        continue
    raise SystemExit(f"{query} ran {arguments!r}")
print("all refused")
"""


def test_refusals_hold_under_python_dash_O():
    project = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-O", "-c", REFUSALS_UNDER_O],
        cwd=project,
        env={"PYTHONPATH": str(project)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, "all refused\n"), result.stderr


# --- every prepared query of the app returns what plain peewee returns ------------------------


class Seeded:
    """Dana and Sam's first meeting, completed, and the meeting it led to: talking
    points by both (an undiscussed one carried forward), action items raised in it (one
    ticked done there, one left open) and one raised in the next; Dana's private note;
    an open, an ended and a deactivated person's session; Sam's goals (agreed with two
    check-ins, agreed with none, only proposed); his plan with a done and a planned
    step and two wins, one for a goal. The other pair has only its planned meetings."""

    def __init__(self, actors, today):
        self.actors, self.today = actors, today
        self.long_ago = datetime.date(2000, 1, 1)
        manager, report = actors.manager, actors.report
        first = actors.meeting
        service.add_talking_point(first, manager.id, "Roadmap")
        discussed = service.add_talking_point(first, report.id, "Hiring")
        service.set_discussed(discussed, True)
        service.add_action_item(
            first, manager.id, report.id, "Write the RFC", today + datetime.timedelta(days=7)
        )
        done = service.add_action_item(first, report.id, manager.id, "Book the room", None)
        service.set_action_item_done(done, True, first)
        service.save_private_note(first, manager.id, "Sam seemed tired")
        self.next_meeting = service.complete_meeting(first, manager, now=first.scheduled_for)
        self.completed_meeting = Meeting.get_by_id(first.id)
        service.add_action_item(self.next_meeting, report.id, report.id, "Draft the plan", None)
        self.last_meeting = actors.pair.meetings.order_by(Meeting.scheduled_for.desc()).first()
        self.other_meeting = actors.other_pair.meetings.order_by(Meeting.scheduled_for).first()

        sharing.give_grant(report, actors.other_employee, "meetings", 7, one_on_one=actors.pair)
        self.now = utcnow()
        self.later = self.now + datetime.timedelta(days=8)

        UserSession.create(token="open-session", user=manager)
        UserSession.create(token="ended-session", user=report, ended_at=utcnow())
        UserSession.create(token="deactivated-session", user=actors.hr)
        User.update(deactivated_at=utcnow()).where(User.id == actors.hr.id).execute()

        self.goal = goals.propose_goal(report, report, "employee", GOAL_TERMS)
        goals.agree(self.goal, "manager", manager.id, 1, manager.id)
        goals.check_in(self.goal, report, 36.0, "on_track")
        goals.check_in(self.goal, manager, 38.0, "at_risk")
        quiet = goals.propose_goal(report, report, "employee", GOAL_TERMS)
        goals.agree(quiet, "manager", manager.id, 1, manager.id)
        goals.propose_goal(report, report, "employee", GOAL_TERMS)

        growth.save_plan(
            report.id,
            report.id,
            {"aspiration": "Lead a team", "strengths": "Writing", "growth_areas": "Delegation"},
            0,
        )
        course = growth.add_step(
            report.id, manager.id, StepTerms(kind="training", title="SRE course")
        )
        growth.set_step_status(course, manager.id, "done")
        growth.add_step(
            report.id,
            report.id,
            StepTerms(
                kind="project",
                title="Run the incident review",
                target_date=today + datetime.timedelta(days=30),
                goal_id=self.goal.id,
            ),
        )
        growth.record_win(report.id, report.id, "Shipped search", goal_id=self.goal.id)
        growth.record_win(
            report.id, manager.id, "Ran the retro", achieved_on=today - datetime.timedelta(days=30)
        )


SOME, NONE = "some rows", "no rows"

# query name: [(its arguments, taken from the seeded data; whether rows come back)]
CASES = {
    "pmweb.access.meetings._visible_meeting": [
        (lambda s: (s.actors.manager.id, s.next_meeting.id, s.today), SOME),
        # Before the reporting line began: the meeting, with its pair not current.
        (lambda s: (s.actors.report.id, s.completed_meeting.id, s.long_ago), SOME),
        (lambda s: (s.actors.manager.id, s.other_meeting.id, s.today), NONE),
    ],
    "pmweb.access.meetings._own_private_note": [
        (lambda s: (s.completed_meeting.id, s.actors.manager.id), SOME),
        (lambda s: (s.completed_meeting.id, s.actors.report.id), NONE),
    ],
    # Sam shares the records of his one-on-one with Alex (see Seeded).
    "pmweb.access.meetings._granted_meeting": [
        (lambda s: (s.actors.other_employee.id, s.completed_meeting.id, s.today, s.now), SOME),
        (lambda s: (s.actors.other_employee.id, s.completed_meeting.id, s.today, s.later), NONE),
        (lambda s: (s.actors.other_employee.id, s.other_meeting.id, s.today, s.now), NONE),
        (lambda s: (s.actors.hr.id, s.completed_meeting.id, s.today, s.now), NONE),
        (lambda s: (s.actors.other_employee.id, s.next_meeting.id + 10_000, s.today, s.now), NONE),
    ],
    # Dana manages Sam from early 2026 (tests/conftest.py); before that, nobody did.
    "pmweb.org.service._account_with_email": [
        (lambda s: (s.actors.report.email,), SOME),
        (lambda s: ("nobody@example.com",), NONE),
        (lambda s: (s.actors.report.email.upper(),), NONE),
    ],
    "pmweb.org.service._current_line": [
        (lambda s: (s.actors.report.id, s.today), SOME),
        (lambda s: (s.actors.report.id, s.long_ago), NONE),
        (lambda s: (s.actors.manager.id, s.today), NONE),
    ],
    # One row either way, saying whether there is anything to hand over: Sam has a goal.
    "pmweb.sharing.handoffs._earlier_content": [
        (lambda s: (s.actors.report.id, s.later), SOME),
        (lambda s: (s.actors.other_employee.id, s.later), SOME),
    ],
    "pmweb.access.directory._unrevoked_token": [
        (lambda s: (token_hash("no such token"),), NONE),
    ],
    "pmweb.access.directory._person_for_directory": [
        (lambda s: (s.actors.report.id,), SOME),
        (lambda s: (s.actors.report.id + 10_000,), NONE),
    ],
    # Dana's line to Sam began in January 2026: one from a later day is not there.
    "pmweb.org.service._latest_line_from": [
        (lambda s: (s.actors.report.id, s.long_ago, 0), SOME),
        (lambda s: (s.actors.report.id, s.today, 0), NONE),
    ],
    "pmweb.meetings.service._pair_of": [
        (lambda s: (s.actors.manager.id, s.actors.report.id), SOME),
        (lambda s: (s.actors.report.id, s.actors.manager.id), NONE),
    ],
    "pmweb.org.service._manages_anyone": [
        (lambda s: (s.actors.manager.id, s.today), SOME),
        (lambda s: (s.actors.report.id, s.today), NONE),
    ],
    "pmweb.org.service._current_manager_id": [
        (lambda s: (s.actors.report.id, s.today), SOME),
        (lambda s: (s.actors.report.id, s.long_ago), NONE),
        (lambda s: (s.actors.manager.id, s.today), NONE),
    ],
    "pmweb.auth._open_session": [
        (lambda s: ("open-session",), SOME),
        (lambda s: ("ended-session",), NONE),
        (lambda s: ("deactivated-session",), NONE),
        (lambda s: ("never-issued",), NONE),
    ],
    "pmweb.meetings.queries._agenda": [
        (lambda s: (s.completed_meeting.id,), SOME),
        # The point carried forward, with the day of the meeting it came from.
        (lambda s: (s.next_meeting.id,), SOME),
        (lambda s: (s.other_meeting.id,), NONE),
    ],
    "pmweb.meetings.queries._items_of_open_meeting": [
        (lambda s: (s.actors.pair.id, s.next_meeting.id), SOME),
        (lambda s: (s.actors.other_pair.id, s.other_meeting.id), NONE),
    ],
    # Ticked off in the completed meeting: done before the next one, not before itself.
    "pmweb.meetings.queries._items_done_before": [
        (lambda s: (s.actors.pair.id, s.next_meeting.id), SOME),
        (lambda s: (s.actors.pair.id, s.completed_meeting.id), NONE),
    ],
    "pmweb.meetings.queries._items_of_completed_meeting": [
        (lambda s: (s.actors.pair.id, s.completed_meeting.id), SOME),
        (lambda s: (s.actors.pair.id, s.other_meeting.id), NONE),
    ],
    "pmweb.meetings.queries._previous_meeting": [
        (lambda s: (s.actors.pair.id, s.next_meeting.id), SOME),
        (lambda s: (s.actors.pair.id, s.completed_meeting.id), NONE),
    ],
    "pmweb.meetings.queries._following_meeting": [
        (lambda s: (s.actors.pair.id, s.completed_meeting.id), SOME),
        (lambda s: (s.actors.pair.id, s.last_meeting.id), NONE),
    ],
    # ``since``: everything, or a cut after which nothing was written.
    "pmweb.goals.queries._agreed_goals_of": [
        (lambda s: (s.actors.report.id, EVERYTHING), SOME),
        (lambda s: (s.actors.report.id, NOTHING), NONE),
        (lambda s: (s.actors.other_employee.id, EVERYTHING), NONE),
    ],
    "pmweb.growth.queries._steps_for_meeting": [
        (lambda s: (s.actors.report.id, EVERYTHING, EVERYTHING), SOME),
        (lambda s: (s.actors.report.id, EVERYTHING, NOTHING), SOME),
        (lambda s: (s.actors.report.id, NOTHING, EVERYTHING), NONE),
        (lambda s: (s.actors.other_employee.id, EVERYTHING, EVERYTHING), NONE),
    ],
    "pmweb.growth.queries._recent_wins": [
        (lambda s: (s.actors.report.id, EVERYTHING, EVERYTHING), SOME),
        (lambda s: (s.actors.report.id, EVERYTHING, NOTHING), SOME),
        (lambda s: (s.actors.report.id, NOTHING, NOTHING), NONE),
        (lambda s: (s.actors.manager.id, EVERYTHING, EVERYTHING), NONE),
    ],
    "pmweb.growth.service._plan_of": [
        (lambda s: (s.actors.report.id,), SOME),
        (lambda s: (s.actors.other_employee.id,), NONE),
    ],
}


def app_queries():
    """Every prepared query pmweb defines, each of its modules imported: a query in a
    module nothing imported yet is still found."""
    for module in pkgutil.walk_packages(pmweb.__path__, "pmweb."):
        importlib.import_module(module.name)
    return {name: query for name, query in prepared_queries().items() if name.startswith("pmweb.")}


def test_every_prepared_query_is_in_the_table():
    names = set(app_queries())
    missing = sorted(names - set(CASES))
    assert missing == [], f"prepared queries with no cases in CASES: {missing}"
    stale = sorted(set(CASES) - names)
    assert stale == [], f"CASES lists prepared queries that no longer exist: {stale}"


def comparable(value):
    """A row as plain data: a model instance's fields, the instances joined to it and
    the extra columns it carries, recursively (peewee compares models by id alone)."""
    if isinstance(value, Model):
        return (type(value).__name__, comparable(vars(value)))
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(comparable(item) for item in value)
    return value


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_prepared_query_returns_what_plain_peewee_returns(actors, today, name):
    query = app_queries()[name]
    seeded = Seeded(actors, today)
    for arguments_of, expected in CASES[name]:
        arguments = arguments_of(seeded)
        prepared = query.all(*arguments)
        assert comparable(prepared) == comparable(list(query.build(*arguments))), arguments
        assert (SOME if prepared else NONE) == expected, arguments
        assert comparable(query.first(*arguments)) == comparable(prepared[0] if prepared else None)
