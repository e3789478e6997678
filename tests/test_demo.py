"""The demo company that `make run` seeds into an empty database."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pmweb import access
from pmweb.demo import PASSWORD
from pmweb.meetings import queries
from pmweb.models import (
    ActionItem,
    CheckIn,
    Goal,
    Meeting,
    OneOnOne,
    PrivateNote,
    ReportingLine,
    TalkingPoint,
    User,
)

EMAILS = [
    "admin@example.com",
    "dana@example.com",
    "sam@example.com",
    "lee@example.com",
    "priya@example.com",
    "alex@example.com",
    "hana@example.com",
]


@pytest.fixture
def seeded(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result


def sign_in(app, email):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 303, email
    return client


def test_every_demo_account_signs_in_with_the_demo_password(app, seeded):
    assert sorted(user.email for user in User.select()) == sorted(EMAILS)
    for email in EMAILS:
        sign_in(app, email)
    assert "demo-pass-1234" in seeded.output


def test_roles_and_reporting_lines(seeded):
    def manager_of(email):
        employee = User.get(User.email == email)
        line = ReportingLine.current_on(datetime.date.today()).where(
            ReportingLine.employee == employee.id
        )
        return [current.manager.email for current in line]

    assert manager_of("sam@example.com") == ["dana@example.com"]
    assert manager_of("lee@example.com") == ["dana@example.com"]
    assert manager_of("alex@example.com") == ["priya@example.com"]
    assert manager_of("hana@example.com") == [] and manager_of("admin@example.com") == []
    assert User.get(User.email == "admin@example.com").is_admin
    assert not User.select().where(User.is_admin & (User.email != "admin@example.com")).exists()
    hana = User.get(User.email == "hana@example.com")
    assert not ReportingLine.select().where(ReportingLine.manager == hana.id).exists()


def test_each_pair_has_three_months_of_meetings_and_four_weeks_planned(seeded):
    today = datetime.date.today()
    pairs = list(OneOnOne.select())
    assert len(pairs) == 3
    for pair in pairs:
        done = pair.meetings.where(Meeting.status == "done")
        assert done.count() >= 12
        oldest = done.order_by(Meeting.scheduled_for).first().scheduled_for.date()
        assert today - oldest >= datetime.timedelta(weeks=12)
        upcoming = list(
            pair.meetings.where(Meeting.status == "upcoming").order_by(Meeting.scheduled_for)
        )
        assert today <= upcoming[0].scheduled_for.date() <= today + datetime.timedelta(days=7)
        assert upcoming[0].talking_points.count() >= 1
        assert upcoming[-1].scheduled_for.date() >= today + datetime.timedelta(weeks=4)


def test_the_history_is_made_the_way_people_make_it(seeded):
    today = datetime.date.today()
    carried = TalkingPoint.select().where(TalkingPoint.carried_from.is_null(False))
    assert carried.count() >= 5
    for point in carried:
        assert point.text == point.carried_from.text
        assert point.author_id == point.carried_from.author_id
    assert Meeting.select().where(Meeting.shared_notes != "").count() >= 36
    authors = {note.author_id for note in PrivateNote.select()}
    assert len(authors) >= 4  # managers and reports both keep private notes
    open_items = ActionItem.select().where(ActionItem.done_at.is_null())
    assert any(item.is_overdue(today) for item in open_items)
    assert ActionItem.select().where(ActionItem.done_at.is_null(False)).count() >= 10


def test_dana_sees_sam_and_lee_with_open_actions(app, seeded):
    page = sign_in(app, "dana@example.com").get("/").get_data(as_text=True)
    assert "Sam Okafor" in page and "Lee Park" in page and "Alex Kim" not in page
    assert "overdue" in page


def test_the_administrator_has_no_one_on_one(seeded):
    admin = User.get(User.email == "admin@example.com")
    assert list(queries.home_rows(access.one_on_ones_visible_to(admin), access.today())) == []


def test_if_empty_leaves_a_seeded_database_alone_and_a_second_seed_is_refused(app, seeded):
    counts = [model.select().count() for model in (User, Meeting, TalkingPoint, ActionItem)]
    result = app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0 and "not added" in result.output
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 1 and "already has accounts" in result.output
    after = [model.select().count() for model in (User, Meeting, TalkingPoint, ActionItem)]
    assert after == counts


def test_the_run_commands_work_from_a_shell(tmp_path):
    """What `make run` does before serving, as separate processes on a new database."""
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'pmweb.sqlite3'}",
        "PMWEB_SECRET_KEY": "a-key-for-this-test-only",
    }
    flask = [sys.executable, "-m", "flask", "--app", "pmweb"]
    root = Path(__file__).resolve().parent.parent

    def run(*args):
        return subprocess.run(
            flask + list(args), env=env, cwd=root, capture_output=True, text=True, timeout=120
        )

    assert run("db", "upgrade").returncode == 0
    seeded = run("demo", "--if-empty")
    assert seeded.returncode == 0, seeded.stderr
    assert "Demo company ready" in seeded.stdout
    again = run("demo", "--if-empty")
    assert again.returncode == 0 and "not added" in again.stdout
    created = run(
        "users", "create", "new@example.com", "New Person", "--manager", "dana@example.com"
    )
    assert created.returncode == 0, created.stderr
    assert "Reports to Dana Reyes" in created.stdout


def test_goals_are_agreed_tracked_and_one_waits_for_sam(app, seeded):
    sam = User.get(User.email == "sam@example.com")
    statuses = sorted(goal.status for goal in Goal.select().where(Goal.employee == sam))
    assert statuses == ["agreed", "agreed", "proposed"]
    assert CheckIn.select().join(Goal).where(Goal.employee == sam).count() >= 5
    page = sign_in(app, "sam@example.com").get(f"/people/{sam.id}/goals").get_data(as_text=True)
    assert "Waiting for you to agree" in page and "Raise the onboarding NPS" in page
    objectives = sign_in(app, "hana@example.com").get("/objectives").get_data(as_text=True)
    assert "Customers onboard themselves in a day" in objectives
