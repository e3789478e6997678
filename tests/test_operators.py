"""Operators are outsiders too. The administrator's ways into one-on-one content —
appointing themselves or a friend as someone's manager, resetting a password — are
closed: a new manager sees what the employee carries over at the handoff (until then
only the titles of the agreed goals), an administrator never manages anyone, never
holds a password, and the person sees every change to their account and lines."""

import dataclasses
import datetime
import email
import email.policy
import re
import urllib.error
import urllib.request

import pytest

from pmweb import accounts
from pmweb.meetings import service as meetings
from pmweb.models import AccessRecord, Handoff, ReportingLine, User
from pmweb.org import service as org
from pmweb.org.service import OrgError
from pmweb.sharing import handoffs
from tests import test_canary, test_digest
from tests.conftest import PASSWORD
from tests.servers import Gunicorn, free_port
from tests.test_canary import fetch_all, reachable_get_urls

# Canaries in every kind of Sam's content, written while Dana was his manager.
planted = test_canary.planted


def words_of(response):
    """The page's words as a reader sees them, without markup."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


@pytest.fixture
def admin(app, actors, login):
    return login(actors.admin, as_client=app.test_client())


def hand_sam_to_hana(actors, admin_client):
    """The administrator makes Hana Sam's manager from today, on the reporting lines
    page, as the demo company's attack did."""
    response = admin_client.post(
        "/admin/reporting-lines",
        data={
            "manager": actors.hr.email,
            "employee": actors.report.email,
            "starts_on": datetime.date.today().isoformat(),
        },
    )
    assert response.status_code == 303, words_of(response)
    return ReportingLine.get(
        (ReportingLine.employee == actors.report.id) & (ReportingLine.manager == actors.hr.id)
    )


# --- an administrator never manages anyone --------------------------------------------


def test_an_administrator_cannot_make_themselves_anyones_manager(admin, actors):
    response = admin.post(
        "/admin/reporting-lines",
        data={
            "manager": actors.admin.email,
            "employee": actors.report.email,
            "starts_on": datetime.date.today().isoformat(),
        },
    )
    assert response.status_code == 422
    assert "You cannot make yourself someone&#39;s manager" in words_of(response)
    assert not ReportingLine.select().where(ReportingLine.manager == actors.admin.id).exists()


def test_nor_through_a_new_account_or_the_import(admin, actors):
    response = admin.post(
        "/admin/people",
        data={"name": "Zoe", "email": "zoe@example.com", "manager": actors.admin.email},
    )
    assert response.status_code == 422
    assert not User.select().where(User.email == "zoe@example.com").exists()
    for row in ("sam@example.com,Sam Okafor", "zoe@example.com,Zoe"):  # one new, one not
        csv_text = f"email,name,manager_email\n{row},{actors.admin.email}\n"
        response = admin.post("/admin/people/import/confirm", data={"csv_text": csv_text})
        assert response.status_code == 422
        assert "You cannot make yourself" in words_of(response)
        assert not ReportingLine.select().where(ReportingLine.manager == actors.admin.id).exists()
    assert not User.select().where(User.email == "zoe@example.com").exists()


def test_another_administrator_or_the_command_line_may(actors, today):
    line = org.start_reporting_line(actors.admin, actors.report, today, "UTC", by=None)
    assert line.manager_id == actors.admin.id
    with pytest.raises(OrgError, match="yourself"):
        org.start_reporting_line(actors.admin, actors.other_employee, today, "UTC", by=actors.admin)


# --- the handoff ----------------------------------------------------------------------


def test_a_new_manager_sees_only_agreed_goal_titles_until_the_employee_chooses(
    app, actors, planted, admin, login
):
    hand_sam_to_hana(actors, admin)
    hana = login(actors.hr, as_client=app.test_client())
    pages = fetch_all(hana, reachable_get_urls(app, actors))
    for kind, canary in planted.items():
        if kind == "goal-title":
            continue
        leaks = [url for url, (_, body) in pages.items() if canary in body]
        assert leaks == [], f"{kind} reached the new manager: {leaks[:3]}"
    goals_page = words_of(hana.get(f"/people/{actors.report.id}/goals"))
    assert planted["goal-title"] in goals_page
    assert "you see their titles only" in goals_page


def test_what_the_employee_carries_over_the_new_manager_sees_and_nothing_else(
    app, actors, planted, admin, login
):
    hand_sam_to_hana(actors, admin)
    sam = login(actors.report, as_client=app.test_client())
    assert "Choose what to carry over" in words_of(sam.get("/"))
    assert sam.post("/handoff/carry-over", data={"plan": "carry"}).status_code == 422
    response = sam.post(
        "/handoff/carry-over", data={"goals": "keep", "plan": "carry", "feedback": "keep"}
    )
    assert response.status_code == 303
    assert "Choose what to carry over" not in words_of(sam.get("/"))
    hana = login(actors.hr, as_client=app.test_client())
    pages = fetch_all(hana, reachable_get_urls(app, actors))
    seen = {kind for kind, canary in planted.items() if any(canary in b for _, b in pages.values())}
    plan = {"plan-aspiration", "plan-strengths", "plan-growth-areas", "step-title"}
    plan |= {"step-notes", "win"}
    assert seen == plan | {"goal-title"}


def test_the_choice_is_the_employees_alone_and_only_while_the_line_lasts(admin, actors):
    line = hand_sam_to_hana(actors, admin)
    handoff = Handoff.get(Handoff.line == line.id)
    with pytest.raises(handoffs.HandoffRefused):
        handoffs.carry_over(handoff.id, actors.hr.id, {"goals", "plan", "feedback"})
    line.ends_on = datetime.date.today() - datetime.timedelta(days=1)
    line.save()
    with pytest.raises(handoffs.HandoffRefused):
        handoffs.carry_over(handoff.id, actors.report.id, {"goals"})
    assert not Handoff.get_by_id(handoff.id).carries_goals


def test_a_line_entered_with_a_past_start_does_not_open_the_months_before(actors):
    start = datetime.date.today() - datetime.timedelta(days=200)
    ReportingLine.update(starts_on=start - datetime.timedelta(days=10)).execute()
    line = org.start_reporting_line(actors.hr, actors.report, start, "UTC", by=None)
    handoff = Handoff.get(Handoff.line == line.id)
    assert handoff.content_since.date() == datetime.date.today()


def test_a_new_persons_first_line_has_nothing_to_decide(actors, today):
    newcomer = org.create_user("kim@example.com", "Kim Lee")
    line = org.start_reporting_line(actors.manager, newcomer, today, "UTC")
    assert Handoff.get(Handoff.line == line.id).decided_at is not None


# --- the employee is told --------------------------------------------------------------


def test_the_employee_and_manager_are_told_of_every_change_to_their_lines(
    app, admin, actors, login
):
    hand_sam_to_hana(actors, admin)
    sam = login(actors.report, as_client=app.test_client())
    for page in ("/", "/sharing/reads", "/account"):
        words = words_of(sam.get(page))
        assert "Ada Admin" in words, page
        assert "Your reporting line to Hana Berg starts on" in words, page
        assert "Your reporting line to Dana Reyes ended on" in words, page
    dana = login(actors.manager, as_client=app.test_client())
    assert "Sam Okafor&#39;s reporting line to you ended on" in words_of(dana.get("/"))


# --- nobody but the person holds their password -------------------------------------------


def test_a_reset_is_shown_to_the_person_with_every_sign_in_since(app, admin, actors, login):
    response = admin.post(f"/admin/people/{actors.manager.id}/reset-password")
    page = words_of(response)
    assert "PASSWORD" not in page and PASSWORD not in page
    link = re.search(r"(/password/[\w-]+)", page).group(1)
    # Whoever uses the link — here the administrator — is seen by the person.
    intruder = app.test_client()
    intruder.post(
        link,
        data={"new_password": "chosen by someone", "new_password_again": "chosen by someone"},
        headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    account = words_of(intruder.get("/account"))
    assert "Ada Admin Reset your password" in account
    assert "Chose a password with a one-time link (after a reset) made by Ada Admin" in account
    assert "203.0.113.7 Firefox on Linux This browser" in account


def test_an_expired_or_unknown_link_is_refused_and_changes_nothing(app, actors):
    token = org.reset_password(actors.report)
    later = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + datetime.timedelta(days=2)
    with pytest.raises(accounts.LinkUnusable):
        accounts.choose_password(token, "a long new password", now=later)
    client = app.test_client()
    assert client.get("/password/not-a-real-token").status_code == 404
    assert "no longer works" in words_of(client.get("/password/not-a-real-token"))
    assert User.get_by_id(actors.report.id).password_hash == ""


def test_a_new_link_replaces_the_last(app, actors):
    first = org.reset_password(actors.report)
    second = org.reset_password(actors.report)
    client = app.test_client()
    assert client.get(f"/password/{first}").status_code == 404
    assert client.get(f"/password/{second}").status_code == 200


def test_importing_people_hashes_no_password(admin, actors):
    rows = "".join(f"p{n}@example.com,Person {n},dana@example.com\n" for n in range(200))
    response = admin.post(
        "/admin/people/import/confirm", data={"csv_text": "email,name,manager_email\n" + rows}
    )
    assert response.status_code == 200
    assert len(re.findall(r"/password/[\w-]+", response.get_data(as_text=True))) == 200
    # Nobody chose these passwords, so none is hashed (200 hashes took a minute here).
    assert User.select().where(User.password_hash == "").count() == 200


# --- every response that carries data to an outsider is recorded ----------------------


def end_danas_line(actors):
    ReportingLine.update(ends_on=datetime.date.today() - datetime.timedelta(days=1)).where(
        ReportingLine.employee == actors.report.id
    ).execute()


@pytest.mark.parametrize(
    "form",
    [
        {"body": "afterthought", "version": "1"},  # a stale version: 409, the whole page
        {"body": "n" * 20_000},  # too long: 422, the whole page again
    ],
)
def test_a_former_managers_refused_note_that_shows_the_meeting_is_a_recorded_read(
    client, actors, login, form
):
    for body in ("first", "second"):
        meetings.save_private_note(actors.meeting, actors.manager.id, body)
    end_danas_line(actors)
    login(actors.manager)
    response = client.post(f"/meetings/{actors.meeting.id}/private-note", data=form)
    assert response.status_code in (409, 422)
    assert 'id="talking-points"' in response.get_data(as_text=True)
    record = AccessRecord.get()
    assert (record.actor_id, record.employee_id) == (actors.manager.id, actors.report.id)


def test_a_former_managers_export_is_a_recorded_read(client, actors, login):
    end_danas_line(actors)
    login(actors.manager)
    assert client.get("/account/export").status_code == 200
    record = AccessRecord.get()
    assert (record.actor_id, record.employee_id) == (actors.manager.id, actors.report.id)
    assert "data export" in record.what


def test_a_refusal_that_shows_nothing_records_nothing(client, actors, login):
    end_danas_line(actors)
    login(actors.manager)
    response = client.post(f"/meetings/{actors.meeting.id}/talking-points", data={"text": "late"})
    assert response.status_code == 409
    assert not AccessRecord.select().exists()


def test_the_new_managers_reads_of_what_was_carried_over_are_listed(app, admin, actors, login):
    from pmweb.growth import service as growth

    growth.save_plan(
        actors.report.id,
        actors.report.id,
        {"aspiration": "Lead a team", "strengths": "", "growth_areas": ""},
        0,
    )
    line = hand_sam_to_hana(actors, admin)
    handoffs.carry_over(Handoff.get(Handoff.line == line.id).id, actors.report.id, {"plan"})
    hana = login(actors.hr, as_client=app.test_client())
    assert "Lead a team" in words_of(hana.get(f"/people/{actors.report.id}/plan"))
    sam = login(actors.report, as_client=app.test_client())
    reads = words_of(sam.get("/sharing/reads"))
    assert "Hana Berg Development plan what you carried over to them as your manager" in reads


def test_each_carried_over_goal_the_new_manager_opens_is_recorded_and_a_new_one_is_not(
    app, admin, actors, login
):
    from pmweb.goals import service as goals
    from tests.test_access import GOAL_TERMS

    earlier = goals.propose_goal(actors.report, actors.report, "employee", GOAL_TERMS)
    line = hand_sam_to_hana(actors, admin)
    handoffs.carry_over(Handoff.get(Handoff.line == line.id).id, actors.report.id, {"goals"})
    AccessRecord.delete().execute()
    later_terms = dataclasses.replace(GOAL_TERMS, title="Mentor two engineers")
    later = goals.propose_goal(actors.report, actors.report, "employee", later_terms)
    hana = login(actors.hr, as_client=app.test_client())
    assert hana.get(f"/goals/{earlier.id}/edit").status_code == 200
    assert hana.get(f"/goals/{later.id}/edit").status_code == 200
    recorded = [(r.what, r.through_handoff) for r in AccessRecord.select()]
    assert recorded == [("goal “Raise NPS”", True)]


# --- a grant of one scope shows nothing of another ---------------------------------------


def test_shared_feedback_or_plan_history_names_no_goal(app, actors, login):
    from pmweb.goals import service as goals
    from pmweb.growth import service as growth
    from pmweb.growth.service import FeedbackTerms, StepTerms
    from pmweb.sharing import service as sharing
    from tests.test_access import GOAL_TERMS

    goal = goals.propose_goal(
        actors.report,
        actors.report,
        "employee",
        dataclasses.replace(GOAL_TERMS, title="Secret goal title"),
    )
    growth.write_feedback(
        actors.report.id,
        actors.manager.id,
        actors.report.id,
        FeedbackTerms(kind="praise", body="Well done", goal_id=goal.id),
        send=True,
    )
    step = growth.add_step(actors.report.id, actors.report.id, StepTerms(kind="skill", title="S"))
    growth.change_step(
        step,
        actors.report.id,
        StepTerms(kind="skill", title="S", goal_id=goal.id),
        step.version,
        goal_titles={goal.id: goal.title},
    )
    sharing.give_grant(actors.report, actors.hr, "feedback", 7)
    sharing.give_grant(actors.report, actors.hr, "plan", 7)
    hana = login(actors.hr, as_client=app.test_client())
    for url in (
        f"/people/{actors.report.id}/feedback",
        f"/people/{actors.report.id}/plan",
        f"/people/{actors.report.id}/plan/history",
    ):
        response = hana.get(url)
        assert response.status_code == 200, url
        assert "Secret goal title" not in response.get_data(as_text=True), url


# --- with mail, the link goes to the person alone --------------------------------------------

smtp = test_digest.smtp


def test_with_mail_the_link_goes_to_the_person_and_the_administrator_never_sees_it(
    app, admin, actors, smtp
):
    app.config["MAIL_PASSWORD_LINKS"] = True
    page = admin.post(f"/admin/people/{actors.report.id}/reset-password").get_data(as_text=True)
    assert "was mailed to" in page and "/password/" not in page
    [(recipients, raw)] = smtp.received
    assert recipients == [actors.report.email]
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    assert mail["Subject"] == "Your pmweb password was reset"
    link = re.search(r"https://pmweb\.example\.com(/password/[\w-]+)", mail.get_content())
    sam = app.test_client()
    response = sam.post(
        link.group(1),
        data={"new_password": "my very own words", "new_password_again": "my very own words"},
    )
    assert response.status_code == 303


def test_when_the_mail_cannot_go_the_link_is_shown_with_the_reason(app, admin, actors, smtp):
    app.config.update(MAIL_PASSWORD_LINKS=True, MAIL_PORT=free_port())
    page = words_of(admin.post(f"/admin/people/{actors.report.id}/reset-password"))
    assert "The link could not be mailed: could not reach the mail server" in page
    assert "/password/" in page


def test_a_shown_link_is_at_the_address_people_use_not_the_requests_host(app, admin, actors):
    app.config["BASE_URL"] = "https://pmweb.example.com/team"
    page = words_of(admin.post(f"/admin/people/{actors.report.id}/reset-password"))
    assert re.search(r"https://pmweb\.example\.com/team/password/[\w-]{20,}", page), page
    assert "//localhost/" not in page  # the request's own host


def test_after_a_reset_the_persons_old_sessions_reach_nothing(app, admin, actors, login, planted):
    sam = login(actors.report, as_client=app.test_client())
    admin.post(f"/admin/people/{actors.report.id}/reset-password")
    for url in reachable_get_urls(app, actors):
        response = sam.get(url)
        if url in ("/login", "/healthz", "/readyz") or "/password/" in url or ".ics" in url:
            continue  # pages for anyone, and a feed's address is its own credential
        # The directory's SCIM API answers any cookie with its own 401.
        assert response.status_code in ((401,) if url.startswith("/scim/") else (302, 404)), url
        body = response.get_data(as_text=True)
        assert not any(canary in body for canary in planted.values()), url


# --- no log line opens a way in ---------------------------------------------------------------


def test_the_access_log_never_holds_a_password_link(app, actors, tmp_path):
    token = org.reset_password(actors.report)
    server = Gunicorn(tmp_path, app.config["DATABASE_URL"], app.config["SECRET_KEY"])
    access_log = tmp_path / "access.log"
    server.env["PMWEB_ACCESS_LOG"] = str(access_log)
    server.start()
    try:
        link = f"{server.url}/password/{token}"
        with urllib.request.urlopen(link) as response:
            assert response.status == 200
        request = urllib.request.Request(link, data=b"new_password=x", headers={"Referer": link})
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request)  # refused (no CSRF token), but logged
    finally:
        server.stop()
    logged = access_log.read_text()
    assert logged.count("/password/[redacted]") >= 3  # two request lines and a Referer
    assert token not in logged


def test_the_apps_own_log_of_a_failure_never_holds_a_password_link(
    app, actors, caplog, monkeypatch
):
    token = org.reset_password(actors.report)

    def failing(given, now=None):
        raise RuntimeError(f"the database went away looking up {given}")

    monkeypatch.setattr(accounts, "usable_link", failing)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: logged, answered 500
    with caplog.at_level("ERROR"):
        assert app.test_client().get(f"/password/{token}").status_code == 500
    logged = "\n".join(
        f"{record.getMessage()}\n{record.exc_text or ''}" for record in caplog.records
    )
    assert "Exception on /password/[redacted] [GET]" in logged
    assert "looking up" in logged and token not in logged


def test_the_json_log_of_a_failure_never_holds_a_password_link(app, actors, monkeypatch):
    import io

    from pmweb import request_log

    token = org.reset_password(actors.report)

    def failing(given, now=None):
        raise RuntimeError(f"the database went away looking up /password/{given}")

    monkeypatch.setattr(accounts, "usable_link", failing)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    written = io.StringIO()
    handler = request_log.json_handler(written)
    app.logger.addHandler(handler)
    try:
        assert app.test_client().get(f"/password/{token}").status_code == 500
    finally:
        app.logger.removeHandler(handler)
    assert "Exception on /password/[redacted] [GET]" in written.getvalue()
    assert "RuntimeError" in written.getvalue() and token not in written.getvalue()


def test_a_line_cannot_end_on_or_after_the_next_ones_first_day(admin, actors):
    line = hand_sam_to_hana(actors, admin)
    earlier = ReportingLine.get(
        (ReportingLine.employee == actors.report.id) & (ReportingLine.manager == actors.manager.id)
    )
    with pytest.raises(OrgError, match="must end before then"):
        org.end_reporting_line(earlier, line.starts_on)
    assert ReportingLine.get_by_id(earlier.id).ends_on < line.starts_on


def test_a_rename_by_the_import_is_told_to_the_person(admin, actors):
    csv_text = "email,name,manager_email\nsam@example.com,Samuel Okafor,\n"
    assert (
        admin.post("/admin/people/import/confirm", data={"csv_text": csv_text}).status_code == 200
    )
    assert [e.what for e in accounts.events_of(actors.report)] == ["Renamed you to Samuel Okafor"]


def test_a_link_page_sends_its_address_nowhere(app, actors):
    token = org.reset_password(actors.report)
    response = app.test_client().get(f"/password/{token}")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
