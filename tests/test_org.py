"""The organisation: people, reporting lines and the CSV import, on the administration
pages and as ``flask users`` commands."""

import datetime
import re

import pytest
from playhouse.test_utils import count_queries

from pmweb import accounts
from pmweb.db import all_or_nothing, write_transaction
from pmweb.models import (
    AccountEvent,
    Handoff,
    Meeting,
    OneOnOne,
    PasswordLink,
    ReportingLine,
    User,
    UserSession,
)
from pmweb.org import csv_import, service
from pmweb.org.service import OrgError
from pmweb.passwords import verify_password
from tests.conftest import PASSWORD

HEADER = "email,name,manager_email\n"
NEW_PASSWORD = "a sentence only I know"


@pytest.fixture
def admin(client, actors, login):
    login(actors.admin)
    return client


def text_of(response):
    """The page with its whitespace collapsed, as a reader sees the words."""
    return " ".join(response.get_data(as_text=True).split())


def shown_link(page):
    """The path of the one-time link a page or command printed."""
    return re.search(r"(/password/[A-Za-z0-9_-]+)", page).group(1)


def choose_password(client, link, password=NEW_PASSWORD):
    return client.post(link, data={"new_password": password, "new_password_again": password})


def current_manager(user):
    line = ReportingLine.current_on(datetime.date.today()).where(ReportingLine.employee == user)
    line = line.first()
    return line.manager if line else None


# --- rules -------------------------------------------------------------------------


def test_a_new_reporting_line_ends_the_previous_one_and_opens_a_one_on_one(actors, today):
    service.start_reporting_line(actors.other_manager, actors.report, today, "Europe/London")
    old = ReportingLine.get(
        (ReportingLine.employee == actors.report.id) & (ReportingLine.manager == actors.manager.id)
    )
    assert old.ends_on == today - datetime.timedelta(days=1)
    assert current_manager(actors.report).id == actors.other_manager.id
    pair = OneOnOne.get(
        (OneOnOne.manager == actors.other_manager.id) & (OneOnOne.employee == actors.report.id)
    )
    assert pair.meetings.where(Meeting.status == "upcoming").count() == 5  # four weeks ahead


@pytest.mark.parametrize(
    ("manager", "employee", "message"),
    [
        ("report", "report", "themselves"),
        ("report", "manager", "already reports"),
        ("manager", "report", "already reports to"),
    ],
)
def test_reporting_line_rules(actors, manager, employee, message, today):
    with pytest.raises(OrgError, match=message):
        service.start_reporting_line(
            getattr(actors, manager), getattr(actors, employee), today, "Europe/London"
        )


def test_a_reporting_line_cannot_end_before_it_starts(actors):
    line = ReportingLine.get(ReportingLine.employee == actors.report.id)
    with pytest.raises(OrgError):
        service.end_reporting_line(line, line.starts_on - datetime.timedelta(days=1))


def test_add_person_with_a_manager_is_all_or_nothing(actors, monkeypatch, today):
    def refuse(*args, **kwargs):
        raise OrgError("refused")

    monkeypatch.setattr(service, "start_reporting_line", refuse)
    with pytest.raises(OrgError):
        service.add_person("zoe@example.com", "Zoe", False, actors.manager, today, "UTC")
    assert not User.select().where(User.email == "zoe@example.com").exists()


def test_an_email_has_one_account_whatever_its_case(actors, today):
    with pytest.raises(OrgError, match="already has an account"):
        service.add_person(" SAM@Example.com", "Sam Two", False, None, today, "UTC")
    assert User.select().where(User.email.contains("sam@")).count() == 1


@pytest.mark.parametrize(
    ("people", "message"),
    [
        ([("kim@example.com", "Kim Lee"), (" Sam@example.com", "Sam")], "already has an account"),
        ([("kim@example.com", "Kim Lee"), ("KIM@example.com", "Kim")], "given twice"),
    ],
)
def test_people_added_at_once_are_added_all_or_none(actors, people, message):
    accounts_before = User.select().count()
    with pytest.raises(OrgError, match=message):
        service.add_people(people)
    assert User.select().count() == accounts_before
    assert not PasswordLink.select().exists() and not AccountEvent.select().exists()


def test_people_added_at_once_are_told_and_get_their_links_in_order(actors):
    people = [(f"new{n}@example.com", f"New Person {n}") for n in range(70)]
    added = service.add_people(people, by=actors.admin)
    assert [user.email for user, _ in added] == [email for email, _ in people]
    for user, token in added:
        link = PasswordLink.get(PasswordLink.user == user.id)
        assert link.purpose == "welcome" and link.created_by_id == actors.admin.id
        assert accounts.usable_link(token).id == link.id
        event = AccountEvent.get(AccountEvent.person == user.id)
        assert event.what == "Created your account" and event.actor_id == actors.admin.id
    without_links = service.add_people([("sso@example.com", "Signs In Elsewhere")], None, False)
    assert without_links[0][1] is None
    assert not PasswordLink.select().where(PasswordLink.user == without_links[0][0].id).exists()


def test_an_all_or_nothing_transaction_joins_its_nested_rules_and_undoes_them(actors):
    class Later(Exception):
        pass

    def savepoints(counter):
        return [q for q in counter.get_queries() if "SAVEPOINT" in q.msg[0]]

    with count_queries() as counter, pytest.raises(Later), all_or_nothing():
        service.add_people([("kim@example.com", "Kim Lee")])  # its own write_transaction
        raise Later
    assert not User.select().where(User.email == "kim@example.com").exists()
    assert savepoints(counter) == []
    # Elsewhere a nested rule is a savepoint: when it fails, only its own writes go.
    with count_queries() as counter, write_transaction():
        service.add_people([("lee@example.com", "Lee Park")])
        with pytest.raises(Later), write_transaction():
            service.add_people([("ann@example.com", "Ann Berg")])
            raise Later
    assert User.select().where(User.email == "lee@example.com").exists()
    assert not User.select().where(User.email == "ann@example.com").exists()
    assert savepoints(counter) != []


def test_newcomers_imported_at_once_start_as_one_added_alone_does(actors, today):
    # Kim (one added alone) and the imported Lee, Ann under Lee, and Bo under Ann: each
    # gets the same line, handoff, events and weeks of meetings.
    kim, _ = service.add_person("kim@example.com", "Kim", False, actors.manager, today, "UTC")
    csv_text = HEADER + "bo@example.com,Bo,ann@example.com\n"
    csv_text += "ann@example.com,Ann,lee@example.com\nlee@example.com,Lee,dana@example.com\n"
    plan = csv_import.plan_import(csv_text, today)
    csv_import.apply_import(plan, today, "UTC")

    def told(whom, what):
        events = AccountEvent.select().where(
            (AccountEvent.person == whom.id) & AccountEvent.what.startswith(what)
        )
        return [(event.what.split(" starts on ")[1], event.actor_id) for event in events]

    def meeting_times(pair):
        return [m.scheduled_for for m in pair.meetings.order_by(Meeting.scheduled_for)]

    def how_it_started(person):
        line = ReportingLine.get(ReportingLine.employee == person.id)
        handoff = Handoff.get(Handoff.line == line.id)
        pair = OneOnOne.get(OneOnOne.employee == person.id)
        manager = line.manager
        return {
            "line": (line.starts_on, line.ends_on, pair.manager_id == manager.id),
            "handoff": (
                handoff.decided_at is not None,
                handoff.content_since >= datetime.datetime.combine(today, datetime.time()),
                handoff.carries_goals or handoff.carries_plan or handoff.carries_feedback,
            ),
            "told": [
                told(person, "Your reporting line to"),
                told(manager, f"{person.name}'s reporting line to you"),
            ],
            "meetings": [m - times[0] for times in [meeting_times(pair)] for m in times],
        }

    alone = how_it_started(kim)
    for email in ("lee@example.com", "ann@example.com", "bo@example.com"):
        assert how_it_started(User.get(User.email == email)) == alone, email
    assert current_manager(User.get(User.email == "bo@example.com")).email == "ann@example.com"


def test_first_lines_that_would_run_in_a_circle_are_refused_whole(actors, today):
    circle = service.FirstLines(
        {"lee@example.com": "ann@example.com", "ann@example.com": "lee@example.com"}, today, "UTC"
    )
    lines_before = ReportingLine.select().count()
    with pytest.raises(OrgError, match="would report"):
        service.add_people(
            [("lee@example.com", "Lee"), ("ann@example.com", "Ann")], first_lines=circle
        )
    assert not User.select().where(User.email.in_(["lee@example.com", "ann@example.com"])).exists()
    assert ReportingLine.select().count() == lines_before


@pytest.mark.parametrize(
    ("managers", "message"),
    [
        ({"nobody@example.com": "dana@example.com"}, "not among the people added"),
        ({"lee@example.com": "ghost@example.com"}, "ghost@example.com has no account"),
    ],
)
def test_first_lines_name_people_who_are_there(actors, today, managers, message):
    with pytest.raises(OrgError, match=message):
        service.add_people(
            [("lee@example.com", "Lee")], first_lines=service.FirstLines(managers, today, "UTC")
        )
    assert not User.select().where(User.email == "lee@example.com").exists()


def test_first_lines_take_emails_whatever_their_case(actors, today):
    lines = service.FirstLines({" Lee@Example.com": "DANA@example.com "}, today, "UTC")
    [(lee, _)] = service.add_people([("lee@example.com", "Lee")], first_lines=lines)
    assert current_manager(lee).id == actors.manager.id


def test_an_import_of_newcomers_costs_a_few_statements_per_hundred(actors, today):
    def statements_to_import(count, prefix):
        rows = [f"{prefix}{n}@example.com,Person {n},dana@example.com" for n in range(count)]
        plan = csv_import.plan_import(HEADER + "\n".join(rows) + "\n", today)
        with count_queries() as counter:
            csv_import.apply_import(plan, today, "UTC")
        return counter.count

    assert statements_to_import(100, "b") - statements_to_import(20, "a") < 40


def test_a_person_cannot_deactivate_themselves(actors):
    with pytest.raises(OrgError):
        service.deactivate(actors.admin, by=actors.admin)
    assert User.get_by_id(actors.admin.id).is_active


# --- the people page ---------------------------------------------------------------


def test_people_page_lists_accounts_and_managers_but_no_one_on_one_content(admin, actors):
    from pmweb.meetings import service as meetings

    meetings.add_talking_point(actors.meeting, actors.manager.id, "Secret salary talk")
    page = text_of(admin.get("/admin/people"))
    sams_row = re.search(f'id="person-{actors.report.id}".*?</tr>', page).group(0)
    assert "Sam Okafor" in sams_row and "sam@example.com" in sams_row
    assert "Dana Reyes" in sams_row  # his manager
    assert "Secret salary talk" not in page
    assert "/meetings/" not in page and "/one-on-ones/" not in page


def test_people_search(admin, actors):
    page = text_of(admin.get("/admin/people?q=okaf"))
    assert f'id="person-{actors.report.id}"' in page
    assert f'id="person-{actors.other_employee.id}"' not in page


def test_a_new_person_chooses_their_own_password_with_a_one_time_link(admin, actors, app):
    response = admin.post(
        "/admin/people",
        data={"name": " Lee Park ", "email": "Lee@Example.com", "manager": "DANA@example.com"},
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    link = shown_link(text_of(response))
    lee = User.get(User.email == "lee@example.com")
    assert lee.name == "Lee Park" and not lee.is_admin
    assert current_manager(lee).id == actors.manager.id
    assert OneOnOne.select().where(OneOnOne.employee == lee.id).count() == 1
    # Nobody holds a password for the account until Lee chooses one.
    assert lee.password_hash == ""
    for guess in ("", "pmweb-no-such-user", link):
        assert not verify_password(lee.password_hash, guess)
    lee_browser = app.test_client()
    assert "Choose your password" in text_of(lee_browser.get(link))
    assert choose_password(lee_browser, link).status_code == 303
    assert lee_browser.get("/").status_code == 200
    assert verify_password(User.get_by_id(lee.id).password_hash, NEW_PASSWORD)
    # The link works once.
    assert choose_password(app.test_client(), link, "another sentence here").status_code == 404
    assert link not in text_of(admin.get("/admin/people"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "email": "x@example.com"}, "Write the person&#39;s name."),
        ({"name": "X", "email": "not-an-email"}, "That is not an email address."),
        ({"name": "X" * 201, "email": "x@example.com"}, "under 200 characters"),
        ({"name": "Sam Again", "email": "SAM@example.com"}, "already has an account"),
        ({"name": "X", "email": "x@example.com", "manager": "nobody@example.com"}, "No one"),
        ({"name": "X", "email": "x@example.com", "manager": "Nobody Here"}, "is called"),
        ({"name": "X", "email": "x@example.com", "manager": "x" * 300}, "too long"),
    ],
)
def test_bad_person_input_is_explained_and_stores_nothing(admin, actors, data, message):
    before = User.select().count()
    response = admin.post("/admin/people", data=data)
    assert response.status_code == 422
    assert message in text_of(response)
    assert User.select().count() == before


def test_a_reset_ends_the_password_and_sessions_and_gives_a_link(admin, actors, app, login):
    sam = login(actors.report, as_client=app.test_client())
    response = admin.post(f"/admin/people/{actors.report.id}/reset-password")
    link = shown_link(text_of(response))
    assert User.get_by_id(actors.report.id).password_hash == ""
    assert sam.get("/").status_code == 302
    fresh = app.test_client()
    old = fresh.post("/login", data={"email": "sam@example.com", "password": PASSWORD})
    assert old.status_code == 422
    assert choose_password(fresh, link).status_code == 303
    again = app.test_client().post(
        "/login", data={"email": "sam@example.com", "password": NEW_PASSWORD}
    )
    assert again.status_code == 303


def test_deactivate_and_reactivate(admin, actors, app, login):
    sam = login(actors.report, as_client=app.test_client())
    response = admin.post(f"/admin/people/{actors.report.id}/deactivate")
    assert response.status_code == 303
    assert "can no longer sign in" in text_of(admin.get(response.headers["Location"]))
    assert sam.get("/").status_code == 302
    assert (
        not UserSession.select()
        .where((UserSession.user == actors.report.id) & UserSession.ended_at.is_null())
        .exists()
    )
    assert "deactivated" in text_of(admin.get("/admin/people?q=sam"))
    admin.post(f"/admin/people/{actors.report.id}/reactivate")
    assert User.get_by_id(actors.report.id).is_active


def test_an_administrator_cannot_deactivate_themselves(admin, actors):
    response = admin.post(f"/admin/people/{actors.admin.id}/deactivate")
    assert "cannot deactivate your own account" in text_of(admin.get(response.headers["Location"]))
    assert User.get_by_id(actors.admin.id).is_active


def test_unknown_person_is_not_found(admin):
    assert admin.post("/admin/people/999999/reset-password").status_code == 404


# --- the reporting lines page ------------------------------------------------------


def test_reporting_lines_page_starts_and_ends_lines(admin, actors, today):
    page = text_of(admin.get("/admin/reporting-lines"))
    assert "Dana Reyes" in page and "Sam Okafor" in page
    response = admin.post(
        "/admin/reporting-lines",
        data={
            # By name or by address, whatever the case.
            "manager": "priya natarajan",
            "employee": actors.hr.email.upper(),
            "starts_on": today.isoformat(),
        },
    )
    assert response.status_code == 303
    assert ReportingLine.get(ReportingLine.employee == actors.hr.id).manager_id == (
        actors.other_manager.id
    )
    assert "Their one-on-one is ready" in text_of(admin.get(response.headers["Location"]))
    line = ReportingLine.get(ReportingLine.employee == actors.hr.id)
    response = admin.post(
        f"/admin/reporting-lines/{line.id}/end", data={"ends_on": today.isoformat()}
    )
    assert response.status_code == 303
    assert ReportingLine.get_by_id(line.id).ends_on == today


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"manager": "", "employee": "{report}", "starts_on": "{today}"}, "who their manager is"),
        ({"manager": "{hr}", "employee": "", "starts_on": "{today}"}, "Write who reports"),
        ({"manager": "{report}", "employee": "{report}", "starts_on": "{today}"}, "themselves"),
        ({"manager": "{report}", "employee": "{manager}", "starts_on": "{today}"}, "already"),
        ({"manager": "{hr}", "employee": "{report}", "starts_on": "31/02/2026"}, "Not a valid"),
        ({"manager": "{hr}", "employee": "{report}", "starts_on": "2025-01-01"}, "later start"),
    ],
)
def test_bad_reporting_lines_are_explained_and_store_nothing(admin, actors, data, message, today):
    ids = {"report": actors.report.email, "manager": actors.manager.email, "hr": actors.hr.email}
    filled = {k: v.format(today=today.isoformat(), **ids) for k, v in data.items()}
    before = ReportingLine.select().count()
    response = admin.post("/admin/reporting-lines", data=filled)
    assert response.status_code == 422
    assert message in text_of(response)
    assert ReportingLine.select().count() == before


def test_ending_a_line_before_it_starts_is_refused(admin, actors):
    line = ReportingLine.get(ReportingLine.employee == actors.report.id)
    response = admin.post(f"/admin/reporting-lines/{line.id}/end", data={"ends_on": "2000-01-01"})
    assert "cannot end before it starts" in text_of(admin.get(response.headers["Location"]))
    assert ReportingLine.get_by_id(line.id).ends_on is None


# --- the CSV import -----------------------------------------------------------------


def test_import_preview_changes_nothing_and_confirm_applies_everything(admin, actors):
    csv_text = (
        HEADER
        + "lee@example.com,Lee Park,dana@example.com\n"
        + "mo@example.com,Mo Ali,lee@example.com\n"
        + "sam@example.com,Samuel Okafor,\n"
    )
    before = User.select().count()
    preview = admin.post("/admin/people/import/preview", data={"csv_text": csv_text})
    page = text_of(preview)
    assert preview.status_code == 200
    assert "Ready: 2 new accounts, 1 changed" in page
    assert "Reports to dana@example.com from today" in page
    assert "Renamed from Sam Okafor" in page
    assert User.select().count() == before

    done = admin.post("/admin/people/import/confirm", data={"csv_text": csv_text})
    page = text_of(done)
    assert done.status_code == 200
    mo = User.get(User.email == "mo@example.com")
    assert current_manager(mo).email == "lee@example.com"
    assert current_manager(User.get(User.email == "lee@example.com")).id == actors.manager.id
    assert User.get_by_id(actors.report.id).name == "Samuel Okafor"
    assert current_manager(actors.report).id == actors.manager.id  # empty manager: unchanged
    # Mo chooses a password with the link shown beside the address, once.
    link = re.search(
        r"mo@example.com</td><td[^>]*><code>[^<]*(/password/[\w-]+)</code>", page
    ).group(1)
    assert mo.password_hash == ""
    assert choose_password(admin.application.test_client(), link).status_code == 303
    assert verify_password(User.get_by_id(mo.id).password_hash, NEW_PASSWORD)


def test_import_lists_every_row_error_and_imports_nothing(admin, actors):
    csv_text = (
        HEADER
        + "ok@example.com,Okay Person,dana@example.com\n"
        + "not-an-email,Bad Email,\n"
        + "noname@example.com,,\n"
        + "ok@example.com,Twice,\n"
        + "ghost@example.com,Ghost,nobody@example.com\n"
        + "loop@example.com,Loop,loop@example.com\n"
        + "short@example.com,Short\n"
        + "dana@example.com,Dana Reyes,sam@example.com\n"
    )
    before = User.select().count()
    page = text_of(admin.post("/admin/people/import/preview", data={"csv_text": csv_text}))
    for message in [
        "7 of 8 rows need fixing",
        "“not-an-email” is not an email address.",
        "The name is missing.",
        "ok@example.com is also on line 2.",
        "nobody@example.com has no account and is not in the file",
        "cannot be their own manager",
        "Expected 3 values",
        "would end up reporting to themselves",
    ]:
        assert message in page, message
    assert "Import 8 rows" not in page
    response = admin.post("/admin/people/import/confirm", data={"csv_text": csv_text})
    assert response.status_code == 422
    assert User.select().count() == before


@pytest.mark.parametrize(
    ("csv_text", "message"),
    [
        ("", "The file is empty"),
        ("name,email\nA,a@example.com\n", "The first line must be"),
        (HEADER, "header but no people"),
    ],
)
def test_import_file_problems(admin, csv_text, message):
    page = text_of(admin.post("/admin/people/import/preview", data={"csv_text": csv_text}))
    assert message in page


def test_import_accepts_an_uploaded_file_with_a_byte_order_mark(admin, actors):
    import io

    upload = ("\ufeff" + HEADER + "uma@example.com,Uma Shah,priya@example.com\n").encode()
    response = admin.post(
        "/admin/people/import/preview",
        data={"csv_file": (io.BytesIO(upload), "people.csv"), "csv_text": ""},
        content_type="multipart/form-data",
    )
    assert "Ready: 1 new account" in text_of(response)


def test_import_rejects_a_file_that_is_not_utf8(admin):
    import io

    response = admin.post(
        "/admin/people/import/preview",
        data={"csv_file": (io.BytesIO("email\n\xe9".encode("latin-1")), "x.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "UTF-8" in text_of(response)


def test_import_can_reverse_a_chain_of_managers(actors, today):
    # Today Sam reports to Dana. The file puts Dana under Priya and Sam under Dana's
    # peer Alex: applied top-down, no step looks circular.
    csv_text = HEADER + "sam@example.com,Sam Okafor,alex@example.com\n"
    csv_text += "dana@example.com,Dana Reyes,sam@example.com\n"
    plan = csv_import.plan_import(csv_text, today)
    assert plan.is_valid, [row.errors for row in plan.rows]
    csv_import.apply_import(plan, today, "UTC")
    assert current_manager(actors.manager).id == actors.report.id
    assert current_manager(actors.report).id == actors.other_employee.id


# --- the command line -----------------------------------------------------------------


def test_cli_creates_an_administrator_who_chooses_their_password(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "boss@example.com", "Bo Ss", "--admin"])
    assert result.exit_code == 0, result.output
    assert "http://localhost:5000/password/" in result.output
    boss = User.get(User.email == "boss@example.com")
    assert boss.is_admin and boss.password_hash == ""
    assert choose_password(app.test_client(), shown_link(result.output)).status_code == 303
    assert verify_password(User.get_by_id(boss.id).password_hash, NEW_PASSWORD)


def test_cli_resets_a_password(app, actors):
    result = app.test_cli_runner().invoke(args=["users", "reset-password", "SAM@example.com"])
    assert result.exit_code == 0, result.output
    assert choose_password(app.test_client(), shown_link(result.output)).status_code == 303


def test_cli_create_with_manager_and_bad_input(app, actors):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "kim@example.com", "Kim", "--manager", "DANA@example.com"]
    )
    assert result.exit_code == 0, result.output
    assert current_manager(User.get(User.email == "kim@example.com")).id == actors.manager.id
    result = runner.invoke(args=["users", "create", "kim@example.com", "Kim"])
    assert result.exit_code == 1 and "already has an account" in result.output
    result = runner.invoke(args=["users", "create", "y@example.com", "Y", "--manager", "no@x.org"])
    assert result.exit_code == 1
    assert not User.select().where(User.email.in_(["x@example.com", "y@example.com"])).exists()


def test_cli_import_dry_run_then_for_real(app, actors, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(HEADER + "lee@example.com,Lee Park,dana@example.com\n")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "import", str(people), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run: 1 new, 0 changed" in result.output
    assert not User.select().where(User.email == "lee@example.com").exists()
    result = runner.invoke(args=["users", "import", str(people)])
    assert result.exit_code == 0, result.output
    assert "lee@example.com\t" in result.output
    assert current_manager(User.get(User.email == "lee@example.com")).id == actors.manager.id


def test_cli_import_with_errors_changes_nothing(app, actors, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(HEADER + "new@example.com,New,\nbad,Bad,\n")
    result = app.test_cli_runner().invoke(args=["users", "import", str(people)])
    assert result.exit_code == 1
    assert "line 3: bad: “bad” is not an email address." in result.output
    assert not User.select().where(User.email == "new@example.com").exists()


def test_cli_refuses_a_100000_row_file_naming_the_limit_and_reading_only_its_start(
    app, actors, tmp_path, monkeypatch
):
    people = tmp_path / "people.csv"
    with people.open("w") as out:
        out.write(HEADER)
        for n in range(100_000):
            out.write(f"person{n:06}@example.com,Person {n},\n")
    read = []
    plan_import = csv_import.plan_import
    monkeypatch.setattr(
        csv_import,
        "plan_import",
        lambda text, today: read.append(len(text)) or plan_import(text, today),
    )
    result = app.test_cli_runner().invoke(args=["users", "import", str(people)])
    assert result.exit_code == 1
    assert "import at most 10,000 people (1,000,000 characters) at once" in result.output
    assert read == [csv_import.MAX_CHARACTERS + 1]
    assert User.select().count() == 6


def test_an_import_of_10000_rows_with_one_bad_row_in_the_middle_writes_nothing(
    app, actors, tmp_path
):
    rows = [f"person{n:05}@example.com,Person {n},dana@example.com" for n in range(10_000)]
    rows[5_000] = "person05000@example,Person 5000,dana@example.com"
    people = tmp_path / "people.csv"
    people.write_text(HEADER + "\n".join(rows) + "\n")
    result = app.test_cli_runner().invoke(args=["users", "import", str(people)])
    assert result.exit_code == 1
    assert "line 5002: person05000@example: “person05000@example” is not an email address." in (
        result.output
    )
    assert "nothing was imported" in result.output
    assert User.select().count() == 6
