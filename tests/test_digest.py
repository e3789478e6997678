"""The weekly digest mail, sent through a real SMTP server on localhost (aiosmtpd):
who gets one, what it lists and links to, that it goes out once a week, that no
talking point, note, action item, goal, feedback or plan text is ever in it, and what
happens when the mail server is down or refuses someone."""

import asyncio
import datetime
import email
import os
import re
import subprocess
import sys
import time
from email import policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

from pmweb import formatting
from pmweb.goals import service as goals
from pmweb.goals.service import Terms
from pmweb.growth import service as growth
from pmweb.growth.service import FeedbackTerms, StepTerms
from pmweb.meetings import service
from pmweb.models import DigestSent, Meeting, OneOnOne, ReportingLine, User, utcnow
from pmweb.prep.digest import Digest
from tests.conftest import PASSWORD, make_reporting_line, make_user
from tests.servers import free_port

BASE_URL = "https://pmweb.example.com"
ROOT = Path(__file__).resolve().parent.parent


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts, raw, and refuses the
    addresses in ``refuse``."""

    def __init__(self):
        self.received = []  # (recipients, raw bytes)
        self.refuse = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def by_recipient(self):
        mails = {}
        for recipients, raw in self.received:
            for address in recipients:
                mails.setdefault(address, []).append(Mail(raw))
        return mails


class Mail:
    def __init__(self, raw):
        self.raw = raw
        self.parsed = email.message_from_bytes(raw, policy=policy.default)
        self.subject = str(self.parsed["Subject"])
        # Mail travels with CRLF line ends.
        self.text = self.parsed.get_body(("plain",)).get_content().replace("\r\n", "\n")
        self.html = self.parsed.get_body(("html",)).get_content().replace("\r\n", "\n")

    def links(self):
        return re.findall(r"https?://\S+", self.text)


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_TIMEOUT=5, BASE_URL=BASE_URL
    )
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def week(actors):
    """A day of the week of the pairs' first meeting (both pairs meet at the same time),
    so the week has a meeting whatever day the tests run on."""
    return actors.meeting.scheduled_for.date()


def digest(app, week, *options):
    return app.test_cli_runner().invoke(args=["digest", "--date", week.isoformat(), *options])


def week_meeting(pair, week):
    monday = week - datetime.timedelta(days=week.weekday())
    start = datetime.datetime.combine(monday, datetime.time())
    return (
        Meeting.select()
        .where(
            (Meeting.one_on_one == pair)
            & (Meeting.scheduled_for >= start)
            & (Meeting.scheduled_for < start + datetime.timedelta(days=7))
        )
        .get()
    )


def sign_in(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 303
    return client


def test_each_person_with_a_one_on_one_gets_one_mail_listing_their_week(app, actors, smtp, week):
    result = digest(app, week)

    assert result.exit_code == 0, result.output
    monday = week - datetime.timedelta(days=week.weekday())
    assert f"Sent 4 digests; 0 already sent for the week of {formatting.short_day(monday)}." in (
        result.output
    )
    mails = smtp.by_recipient()
    everyone = [actors.manager, actors.report, actors.other_manager, actors.other_employee]
    assert sorted(mails) == sorted(person.email for person in everyone)
    pairs = {
        actors.manager: (actors.pair, actors.report),
        actors.report: (actors.pair, actors.manager),
        actors.other_manager: (actors.other_pair, actors.other_employee),
        actors.other_employee: (actors.other_pair, actors.other_manager),
    }
    for person, (pair, other) in pairs.items():
        [mail] = mails[person.email]
        meeting = week_meeting(pair, week)
        at = meeting.scheduled_for
        assert mail.subject.startswith("Your one-on-ones this week (")
        assert mail.parsed["To"].addresses[0].display_name == person.name
        line = f"- {formatting.day(at)}, {at:%H:%M} "
        assert line in mail.text and f"with {other.name}" in mail.text
        assert f"{BASE_URL}/meetings/{meeting.id}" in mail.links()
        assert f'href="{BASE_URL}/meetings/{meeting.id}"' in mail.html
        # The other pair's people appear nowhere in this person's mail.
        strangers = set(pairs) - {person, other}
        assert not any(stranger.name in mail.text for stranger in strangers)
        client = sign_in(app, person)
        for link in mail.links():
            assert link.startswith(BASE_URL)
            assert client.get(urlsplit(link).path).status_code == 200, link
        assert f"{BASE_URL}/this-week" in mail.links()
    assert actors.hr.email not in mails and actors.admin.email not in mails


def test_action_items_are_counted_open_overdue_and_own_numbers_only(app, actors, smtp, week):
    today = datetime.date.today()
    meeting = actors.meeting
    dana, sam = actors.manager, actors.report
    service.add_action_item(meeting, dana, sam, "Late one", today - datetime.timedelta(days=1))
    service.add_action_item(meeting, dana, sam, "Due soon", today + datetime.timedelta(days=3))
    service.add_action_item(meeting, sam, dana, "No date", None)
    done = service.add_action_item(meeting, dana, dana, "Done late", today - datetime.timedelta(2))
    service.set_action_item_done(done, True, meeting)
    # A manager of two sees each one-on-one's numbers on its own line.
    lee = make_user("Lee Park")
    make_reporting_line(dana, lee)

    assert digest(app, week).exit_code == 0

    mails = smtp.by_recipient()
    [dana_mail] = mails[dana.email]
    [sam_mail] = mails[sam.email]
    assert "- With Sam Okafor: 3 open (1 yours), 1 overdue (0 yours)" in dana_mail.text
    assert "- With Lee Park: 0 open (0 yours), 0 overdue (0 yours)" in dana_mail.text
    assert "- With Dana Reyes: 3 open (2 yours), 1 overdue (1 yours)" in sam_mail.text
    assert "With Sam Okafor: 3 open (1 yours), 1 overdue (0 yours)" in dana_mail.html
    assert "with Lee Park" in dana_mail.text
    assert "Lee Park" not in sam_mail.text


def test_overdue_goes_by_each_pairs_own_date(app, actors, smtp, week):
    """Kiritimati (UTC+14) and Pago Pago (UTC-11) are always a day or more apart: an
    item due yesterday in one and today in the other tell the pair's date from the
    server's at any hour."""
    dana = actors.manager
    lee = make_user("Lee Park")
    east, west = actors.pair, make_reporting_line(dana, lee)
    for pair, zone in ((east, "Pacific/Kiritimati"), (west, "Pacific/Pago_Pago")):
        OneOnOne.update(timezone=zone).where(OneOnOne.id == pair.id).execute()
        pair.timezone = zone
    yesterday = service.local_today(east) - datetime.timedelta(days=1)
    service.add_action_item(actors.meeting, dana, dana, "Late", yesterday)
    service.add_action_item(west.meetings.first(), dana, dana, "Today", service.local_today(west))

    assert digest(app, week).exit_code == 0

    [dana_mail] = smtp.by_recipient()[dana.email]
    assert "- With Sam Okafor: 1 open (1 yours), 1 overdue (1 yours)" in dana_mail.text
    assert "- With Lee Park: 1 open (1 yours), 0 overdue (0 yours)" in dana_mail.text


def test_running_twice_in_a_week_sends_no_second_mail_and_force_resends(app, actors, smtp, week):
    assert digest(app, week).exit_code == 0
    again = digest(app, week)

    assert again.exit_code == 0
    assert "Sent 0 digests; 4 already sent for the week of" in again.output
    assert len(smtp.received) == 4
    # Another day of the same week is the same week.
    assert digest(app, week + datetime.timedelta(days=1)).exit_code == 0
    assert len(smtp.received) == 4

    forced = digest(app, week, "--force")

    assert forced.exit_code == 0 and "Sent 4 digests; 0 already sent" in forced.output
    assert len(smtp.received) == 8
    assert DigestSent.select().count() == 4


def test_dry_run_lists_who_would_get_one_and_sends_nothing(app, actors, smtp, week):
    result = digest(app, week, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "Would send to Dana Reyes <dana@example.com>" in result.output
    assert "Would send to Alex Kim <alex@example.com>" in result.output
    assert "Hana" not in result.output and "Ada" not in result.output
    assert "Would send 4 digests; 0 already sent" in result.output
    assert smtp.received == [] and DigestSent.select().count() == 0


def test_deactivated_accounts_and_ended_one_on_ones_get_nothing(app, actors, smtp, week):
    User.update(deactivated_at=utcnow()).where(User.id == actors.report.id).execute()
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    ReportingLine.update(ends_on=yesterday).where(
        ReportingLine.employee == actors.other_employee.id
    ).execute()

    result = digest(app, week)

    assert result.exit_code == 0 and "Sent 1 digest;" in result.output
    assert list(smtp.by_recipient()) == [actors.manager.email]


def test_skipped_meetings_are_left_out_and_held_ones_marked_held(app, actors, smtp, week):
    skipped = week_meeting(actors.pair, week)
    service.skip_meeting(skipped, actors.manager, now=skipped.scheduled_for)
    held = week_meeting(actors.other_pair, week)
    service.complete_meeting(held, actors.other_manager, now=held.scheduled_for)

    assert digest(app, week).exit_code == 0

    mails = smtp.by_recipient()
    [dana_mail] = mails[actors.manager.email]
    assert "No one-on-one meetings are planned this week" in dana_mail.text
    assert f"/meetings/{skipped.id}" not in dana_mail.text
    [priya_mail] = mails[actors.other_manager.email]
    assert f"with Alex Kim (held)\n  {BASE_URL}/meetings/{held.id}" in priya_mail.text


def test_no_talking_point_note_action_item_goal_feedback_or_plan_text_in_any_mail(
    app, actors, smtp, week
):
    dana, sam = actors.manager, actors.report
    meeting = week_meeting(actors.pair, week)
    canaries = {
        "talking point": "canary-point-3f9a",
        "shared notes": "canary-shared-8c21",
        "Dana's private note": "canary-dana-private-51d0",
        "Sam's private note": "canary-sam-private-e7b4",
        "action item": "canary-action-02ce",
        "goal title": "canary-goal-title-9b6d",
        "goal why": "canary-goal-why-4a17",
        "feedback": "canary-feedback-c3e8",
        "plan aspiration": "canary-plan-aspiration-77f2",
        "plan strengths": "canary-plan-strengths-a0e3",
        "plan growth areas": "canary-plan-growth-6c58",
        "plan step": "canary-plan-step-1d5b",
    }
    service.add_talking_point(meeting, sam, canaries["talking point"])
    service.save_shared_notes(meeting, canaries["shared notes"], meeting.shared_notes_version)
    service.save_private_note(meeting, dana, canaries["Dana's private note"])
    service.save_private_note(meeting, sam, canaries["Sam's private note"])
    service.add_action_item(meeting, dana, sam, canaries["action item"], datetime.date(2020, 1, 1))
    terms = Terms(
        title=canaries["goal title"],
        why=canaries["goal why"],
        due=datetime.date.today() + datetime.timedelta(days=90),
        measure="number",
        start_value=1.0,
        target_value=2.0,
    )
    goals.propose_goal(sam, sam, "employee", terms)
    growth.write_feedback(
        sam.id, dana.id, sam.id, FeedbackTerms(kind="praise", body=canaries["feedback"]), send=True
    )
    plan = {
        "aspiration": canaries["plan aspiration"],
        "strengths": canaries["plan strengths"],
        "growth_areas": canaries["plan growth areas"],
    }
    growth.save_plan(sam.id, sam.id, plan, 0)
    growth.add_step(sam.id, dana.id, StepTerms(kind="training", title=canaries["plan step"]))

    assert digest(app, week).exit_code == 0

    assert len(smtp.received) == 4
    for _, raw in smtp.received:
        mail = Mail(raw)
        decoded = "\n".join([mail.subject, mail.text, mail.html])
        for what, canary in canaries.items():
            assert canary.encode() not in raw, what
            assert canary not in decoded, what
    # The mail does tell Dana and Sam something is there, as a number.
    [dana_mail] = smtp.by_recipient()[dana.email]
    assert "1 open (0 yours), 1 overdue (0 yours)" in dana_mail.text


def test_names_are_escaped_in_the_html_part(app, actors, smtp, week):
    mallory = make_user('<b>Mal</b> "O\'Brien" & co', "mallory@example.com")
    make_reporting_line(actors.manager, mallory)

    assert digest(app, week).exit_code == 0

    [mail] = smtp.by_recipient()[actors.manager.email]
    assert "<b>Mal</b>" not in mail.html
    assert "&lt;b&gt;Mal&lt;/b&gt; &#34;O&#39;Brien&#34; &amp; co" in mail.html
    assert '<b>Mal</b> "O\'Brien" & co' in mail.text


def test_with_the_mail_server_down_the_command_fails_and_records_nothing(app, actors, week):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=5)

    result = digest(app, week)

    assert result.exit_code == 1
    assert "Error: could not reach the mail server 127.0.0.1:" in result.stderr
    assert "Not sent to Dana Reyes <dana@example.com>" in result.stderr
    assert "Sent 0 digests; 4 not sent; 0 already sent" in result.output
    assert DigestSent.select().count() == 0


def test_a_refused_address_fails_alone_and_gets_its_mail_on_the_next_run(app, actors, smtp, week):
    smtp.refuse = {actors.report.email}

    result = digest(app, week)

    assert result.exit_code == 1
    assert "Not sent to Sam Okafor <sam@example.com>: the server refused the address (550" in (
        result.stderr
    )
    assert "Sent 3 digests; 1 not sent; 0 already sent" in result.output
    assert actors.report.email not in smtp.by_recipient() and len(smtp.received) == 3
    assert DigestSent.select().where(DigestSent.user == actors.report.id).count() == 0

    smtp.refuse = set()
    again = digest(app, week)

    assert again.exit_code == 0 and "Sent 1 digest; 3 already sent" in again.output
    assert len(smtp.by_recipient()[actors.report.email]) == 1


def test_a_scheduler_runs_the_command_as_its_own_process(app, actors, smtp, week):
    env = os.environ | {
        "DATABASE_URL": app.config["DATABASE_URL"],
        "PMWEB_SECRET_KEY": "a-key-for-this-test-only",
        "PMWEB_MAIL_SERVER": "127.0.0.1",
        "PMWEB_MAIL_PORT": str(smtp.port),
        "PMWEB_MAIL_FROM": "One-on-ones <one-on-ones@example.com>",
        "PMWEB_BASE_URL": "https://one-on-ones.example.com/pmweb",
    }
    command = [sys.executable, "-m", "flask", "--app", "pmweb", "digest"]
    command += ["--date", week.isoformat()]

    ran = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert ran.returncode == 0, ran.stderr
    assert "Sent 4 digests; 0 already sent" in ran.stdout
    mails = smtp.by_recipient()
    assert len(mails) == 4
    [mail] = mails[actors.manager.email]
    assert mail.parsed["From"].addresses[0].addr_spec == "one-on-ones@example.com"
    meeting = week_meeting(actors.pair, week)
    assert f"https://one-on-ones.example.com/pmweb/meetings/{meeting.id}" in mail.links()
    assert DigestSent.select().count() == 4


class SlowInbox(Inbox):
    """Takes a tenth of a second over each mail, so a run can be stopped half-way."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.1)
        return await super().handle_DATA(server, session, envelope)


def test_a_run_killed_half_way_and_run_again_sends_no_one_a_second_mail(app, actors, week):
    for n in range(12):
        make_reporting_line(actors.other_manager, make_user(f"Member {n}", f"m{n}@example.com"))
    recipients = 4 + 12  # the actors' two pairs, and Priya's twelve new reports
    inbox = SlowInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = os.environ | {
        "DATABASE_URL": app.config["DATABASE_URL"],
        "PMWEB_SECRET_KEY": "a-key-for-this-test-only",
        "PMWEB_MAIL_SERVER": "127.0.0.1",
        "PMWEB_MAIL_PORT": str(controller.port),
    }
    command = [sys.executable, "-m", "flask", "--app", "pmweb", "digest"]
    command += ["--date", week.isoformat()]
    try:
        first = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while len(inbox.received) < 5 and time.monotonic() < deadline:
            time.sleep(0.02)
        first.kill()  # as a power cut would, mid-run
        first.wait()
        assert 5 <= len(inbox.received) < recipients
        again = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
        assert again.returncode == 0, again.stderr
    finally:
        controller.stop()
    mails = inbox.by_recipient()
    assert all(len(received) == 1 for received in mails.values()), {
        address: len(received) for address, received in mails.items() if len(received) > 1
    }
    # A mail is claimed before it is sent: the one in flight at the kill may be lost,
    # never doubled.
    assert recipients - 1 <= len(mails) <= recipients


@pytest.mark.parametrize(
    "monday, subject",
    [
        (datetime.date(2026, 11, 23), "Your one-on-ones this week (23–29 Nov)"),
        (datetime.date(2026, 11, 30), "Your one-on-ones this week (30 Nov – 6 Dec)"),
        (datetime.date(2026, 12, 28), "Your one-on-ones this week (28 Dec – 3 Jan)"),
    ],
)
def test_the_subject_names_the_week_across_a_month_end(monday, subject):
    assert Digest(None, monday, [], [], "").subject == subject
