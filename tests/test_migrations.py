"""The migrations build exactly the schema the models describe."""

import datetime

from peewee import SqliteDatabase
from playhouse.schema_diff import diff_models

from pmweb.db import db, is_sqlite, migration_runner
from pmweb.models import MODELS, TalkingPoint
from pmweb.passwords import hash_password
from tests.conftest import PASSWORD

# Searching names and emails reads these on PostgreSQL (0013); the models describe
# only what every database has.
POSTGRESQL_SEARCH_INDEXES = {"user_name_trigrams", "user_email_trigrams"}


def schema_differences():
    """How the database's schema differs from the models, PostgreSQL's search indexes
    aside (after checking that PostgreSQL has them)."""
    diff = diff_models(db.obj, MODELS)
    if not is_sqlite():
        missing = POSTGRESQL_SEARCH_INDEXES - {index.name for index in diff.drop_indexes}
        assert not missing, f"PostgreSQL's search indexes are missing: {missing}"
    return diff._replace(
        drop_indexes=[i for i in diff.drop_indexes if i.name not in POSTGRESQL_SEARCH_INDEXES]
    )


def test_migrations_on_an_empty_database_match_the_models(app):
    # The app fixture has applied every migration to its fresh database.
    diff = schema_differences()
    assert not diff, f"schema differs from the models:\n{diff}"


def test_a_search_of_part_of_a_name_can_read_an_index_on_postgresql(app):
    if is_sqlite():  # 0013 leaves SQLite as it was: it has no such index
        names = {row[0] for row in db.execute_sql("SELECT name FROM sqlite_master")}
        assert not names & POSTGRESQL_SEARCH_INDEXES
        return
    db.execute_sql("SET enable_seqscan = off")  # a test's few rows would be scanned anyway
    for column in ("name", "email"):
        plan = db.execute_sql(
            f'EXPLAIN SELECT id FROM "user" WHERE "{column}" ILIKE %s', ["%okafor%"]
        ).fetchall()
        assert f"user_{column}_trigrams" in "\n".join(row[0] for row in plan)
    db.execute_sql("RESET enable_seqscan")
    # Indexed as they are written, so a search just after an import reads no backlog.
    options = db.execute_sql(
        "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)",
        [list(POSTGRESQL_SEARCH_INDEXES)],
    ).fetchall()
    assert sorted(options) == [
        ("user_email_trigrams", ["fastupdate=off"]),
        ("user_name_trigrams", ["fastupdate=off"]),
    ]


def test_every_migration_is_applied_and_named_in_order(app):
    status = migration_runner().status()
    assert status and all(m.applied for m in status)
    assert [m.idx for m in status] == list(range(1, len(status) + 1))


def test_migrations_can_be_reverted_and_reapplied(app):
    runner = migration_runner()
    names = [m.name for m in runner.status()]
    for _ in names:
        runner.down()
    assert not set(db.get_tables()) & {m._meta.table_name for m in MODELS}
    assert runner.up() == names
    assert not schema_differences()


def test_sqlite_runs_with_wal_and_foreign_keys(app):
    if isinstance(db.obj, SqliteDatabase):
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_database_from_the_first_release_upgrades_with_its_data(app, client):
    """The README's upgrade procedure on a database created at the first migration,
    with people, a pair, a meeting and its agenda in it: `db upgrade`, and everything
    is there and works, the established pair's manager seeing what they saw before."""
    runner = migration_runner()
    while len([m for m in runner.status() if m.applied]) > 1:
        runner.down()
    now = datetime.datetime(2026, 11, 2, 9, 0)
    tomorrow = datetime.datetime.combine(datetime.date.today(), datetime.time(10)) + (
        datetime.timedelta(days=1)
    )
    # The first release's tables, written as it wrote them.
    first_release_rows = {
        "user": [
            {"id": 1, "email": "dana@example.com", "name": "Dana Reyes"},
            {"id": 2, "email": "sam@example.com", "name": "Sam Okafor"},
        ],
        "one_on_one": [
            {
                "id": 1,
                "manager_id": 1,
                "employee_id": 2,
                "cadence": "weekly",
                "weekday": tomorrow.weekday(),
                "time_of_day": datetime.time(10),
                "duration_minutes": 30,
                "timezone": "Europe/London",
                "created_at": now,
            },
        ],
        "reporting_line": [
            {"id": 1, "manager_id": 1, "employee_id": 2, "starts_on": datetime.date(2026, 1, 5)},
        ],
        "meeting": [
            {
                "id": 1,
                "one_on_one_id": 1,
                "scheduled_for": tomorrow,
                "status": "upcoming",
                "shared_notes": "Kept from the first release",
                "shared_notes_version": 1,
            },
        ],
        "talking_point": [
            {
                "id": 1,
                "meeting_id": 1,
                "author_id": 2,
                "position": 1,
                "discussed": False,
                "text": "Career growth, raised before the upgrade",
                "version": 1,
                "created_at": now,
            },
        ],
        "private_note": [
            {
                "id": 1,
                "meeting_id": 1,
                "author_id": 1,
                "updated_at": now,
                "body": "Dana's own note, before the upgrade",
            },
        ],
    }
    for person in first_release_rows["user"]:
        person |= {"password_hash": hash_password(PASSWORD), "is_admin": False, "created_at": now}
    with db.atomic():
        for table, rows in first_release_rows.items():
            for row in rows:
                columns = ", ".join(row)
                values = ", ".join([db.param] * len(row))
                db.execute_sql(
                    f'INSERT INTO "{table}" ({columns}) VALUES ({values})', list(row.values())
                )
    if not isinstance(db.obj, SqliteDatabase):  # explicit ids leave the sequences behind
        for table in (
            "user",
            "one_on_one",
            "reporting_line",
            "meeting",
            "talking_point",
            "private_note",
        ):
            db.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT MAX(id) FROM "{table}"))'
            )

    assert len(runner.up()) == len(runner.status()) - 1
    assert not schema_differences()

    client.post("/login", data={"email": "dana@example.com", "password": PASSWORD})
    page = client.get("/meetings/1").get_data(as_text=True)
    assert "Career growth, raised before the upgrade" in page
    assert (
        "Kept from the first release" in page and "Dana&#39;s own note, before the upgrade" in page
    )
    # The established line is carried over, as it was before handoffs existed.
    assert client.get("/people/2/goals").status_code == 200
    assert (
        client.post("/meetings/1/talking-points", data={"text": "After the upgrade"}).status_code
        == 303
    )
    assert [p.text for p in TalkingPoint.select().order_by(TalkingPoint.position)] == [
        "Career growth, raised before the upgrade",
        "After the upgrade",
    ]


def test_directory_user_names_from_before_their_key_get_it_lowercased(app):
    """People a directory sent before user names had a key of their own keep being
    found by it, whatever its case."""
    runner = migration_runner()
    runner.down("0012_directory_user_key")
    columns = {
        "email": "sam@example.com",
        "name": "Sam Okafor",
        "password_hash": "",
        "is_admin": False,
        "created_at": datetime.datetime(2026, 11, 2, 9, 0),
        "directory_user_name": "Sam.Okafor@Corp",
    }
    db.execute_sql(
        f'INSERT INTO "user" ({", ".join(columns)}) VALUES '
        f"({', '.join([db.obj.param] * len(columns))})",
        list(columns.values()),
    )
    runner.up()
    row = db.execute_sql('SELECT directory_user_name, directory_user_key FROM "user"').fetchone()
    assert tuple(row) == ("Sam.Okafor@Corp", "sam.okafor@corp")
    assert not schema_differences()
