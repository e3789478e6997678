"""The development plan, feedback and wins through the Flask client: both people shape
the plan and every change is kept, steps and their status (also inside a meeting),
feedback drafted privately, sent, corrected in the open, wins, the printable plan and
its PDF, and bad input."""

import datetime
import html
import re
import shutil
import subprocess
import zlib
from zoneinfo import ZoneInfo

import pytest

from pmweb.growth import service as growth
from pmweb.meetings.service import local_now
from pmweb.models import (
    DevelopmentPlan,
    Feedback,
    FeedbackRevision,
    Meeting,
    PlanChange,
    PlanStep,
    PrivateNote,
    ReportingLine,
    Win,
)
from tests.conftest import make_reporting_line, make_user, unavailable

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}
NEXT_QUARTER = datetime.date.today() + datetime.timedelta(days=90)


def text_of(response):
    return html.unescape(response.get_data(as_text=True))


def words_of(response):
    """What a person reads: the page without its tags."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def plan_form(version=0, **changes):
    return {
        "aspiration": "Lead a platform team within two years.",
        "strengths": "- Calm under pressure\n- Clear writing",
        "growth_areas": "Delegation.",
        "version": str(version),
    } | changes


def step_form(**changes):
    return {
        "kind": "training",
        "title": "Finish the SRE course",
        "target_date": NEXT_QUARTER.isoformat(),
        "status": "planned",
        "goal": "0",
        "notes": "Chapters 1-8.",
    } | changes


def feedback_form(**changes):
    return {
        "kind": "praise",
        "body": "The incident review was **excellent**.",
        "meeting": "0",
        "goal": "0",
        "step": "0",
        "win_title": "",
        "action": "send",
    } | changes


def hand_sam_to_a_new_manager(actors):
    """Dana's reporting line for Sam ended yesterday; Morgan manages him since."""
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    ReportingLine.update(ends_on=yesterday).execute()
    morgan = make_user("Morgan Lee")
    make_reporting_line(morgan, actors.report, starts_on=yesterday)
    return morgan


def steps_terms(title="Finish the SRE course", **changes):
    return growth.StepTerms(kind="training", title=title, **changes)


# --- the plan --------------------------------------------------------------------------


def test_both_shape_the_plan_and_every_change_is_kept(client, actors, login):
    login(actors.report)
    response = client.post(f"/people/{actors.report.id}/plan", data=plan_form())
    assert response.status_code == 303
    login(actors.manager)
    response = client.post(
        f"/people/{actors.report.id}/plan",
        data=plan_form(version=1, growth_areas="Delegation and saying no."),
    )
    assert response.status_code == 303
    plan = DevelopmentPlan.get()
    assert (plan.version, plan.growth_areas) == (2, "Delegation and saying no.")
    page = text_of(client.get(f"/people/{actors.report.id}/plan"))
    assert "Lead a platform team" in page and "<li>Calm under pressure</li>" in page
    history = words_of(client.get(f"/people/{actors.report.id}/plan/history"))
    zone = datetime.datetime.now(ZoneInfo(actors.pair.timezone)).tzname()  # the pair's
    assert history.count(f"{zone} · Sam Okafor") == 3 and f"{zone} · Dana Reyes" in history
    assert "Delegation and saying no." in history and "Changed the growth areas" in history
    assert [c.what for c in PlanChange.select().order_by(PlanChange.id)] == [
        "aspiration",
        "strengths",
        "growth_areas",
        "growth_areas",
    ]


def test_a_stale_plan_save_shows_both_texts_and_keeps_the_newer(client, actors, login):
    growth.save_plan(actors.report.id, actors.report.id, plan_form() | {}, 0)
    login(actors.manager)
    response = client.post(
        f"/people/{actors.report.id}/plan",
        data=plan_form(version=0, aspiration="Become a staff engineer."),
        headers=HTMX,
    )
    assert response.status_code == 409
    page = text_of(response)
    assert "Lead a platform team" in page and "Become a staff engineer." in page
    assert "saved the plan while you were editing" in page
    assert DevelopmentPlan.get().aspiration == "Lead a platform team within two years."


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("aspiration", "x" * 50_000, "Keep the aspiration under 10,000 characters."),
        ("strengths", "y" * 10_001, "Keep the strengths under 10,000 characters."),
    ],
)
def test_an_oversized_plan_text_is_refused_and_nothing_stored(
    client, actors, login, field, value, message
):
    login(actors.report)
    response = client.post(f"/people/{actors.report.id}/plan", data=plan_form(**{field: value}))
    assert response.status_code == 422
    assert message in text_of(response)
    assert DevelopmentPlan.select().count() == 0


def test_markdown_in_the_plan_renders_without_scripts_htmx_or_javascript_links(
    client, actors, login
):
    login(actors.report)
    hostile = (
        "<script>alert(1)</script> [click](javascript:alert(2)) "
        '<div hx-get="/logout" hx-trigger="load">x</div> **bold**'
    )
    client.post(f"/people/{actors.report.id}/plan", data=plan_form(aspiration=hostile))
    for url in (f"/people/{actors.report.id}/plan", f"/people/{actors.report.id}/plan/print"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page
        assert 'href="javascript' not in page.lower()
        assert not re.search(r'<[^>]*hx-get="/logout"', page)
        assert "<strong>bold</strong>" in page


# --- steps -------------------------------------------------------------------------------


def test_steps_are_added_changed_and_removed_with_history(client, actors, login):
    login(actors.report)
    assert (
        client.post(f"/people/{actors.report.id}/plan/steps", data=step_form()).status_code == 303
    )
    step = PlanStep.get()
    login(actors.manager)
    response = client.post(
        f"/plan-steps/{step.id}",
        data=step_form(kind="stretch", title="Run the on-call rota", status="in_progress")
        | {"version": "1"},
    )
    assert response.status_code == 303
    step = PlanStep.get()
    assert (step.kind, step.title, step.status, step.version) == (
        "stretch",
        "Run the on-call rota",
        "in_progress",
        2,
    )
    assert client.post(f"/plan-steps/{step.id}/delete").status_code == 303
    assert PlanStep.select().count() == 0
    history = words_of(client.get(f"/people/{actors.report.id}/plan/history"))
    assert "Added the step Finish the SRE course" in history
    assert "Removed the step Run the on-call rota" in history
    assert "Training" in history and "Stretch assignment" in history and "In progress" in history


def test_a_stale_step_edit_is_refused_with_the_other_version_shown(client, actors, login):
    step = growth.add_step(actors.report.id, actors.report.id, steps_terms())
    growth.change_step(step, actors.report.id, steps_terms("Finish the SRE book"), 1)
    login(actors.manager)
    response = client.post(
        f"/plan-steps/{step.id}", data=step_form(title="Mine") | {"version": "1"}
    )
    assert response.status_code == 409
    page = text_of(response)
    assert "Finish the SRE book" in page and 'value="Mine"' in page
    assert PlanStep.get().title == "Finish the SRE book"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"title": "  "}, "Name the step."),
        ({"title": "t" * 201}, "Keep the step under 200 characters."),
        ({"notes": "n" * 50_000}, "Keep the notes under 5,000 characters."),
        ({"target_date": "next tuesday"}, "Give the target date as a date"),
        ({"target_date": "1850-01-01"}, "Pick a target date between 2000 and 2100."),
        ({"goal": "999999"}, "Pick one of the goals shown."),
        ({"kind": "astrology"}, "Not a valid choice"),
        ({"status": "forgotten"}, "Not a valid choice"),
    ],
)
def test_bad_step_input_gets_a_clear_message_and_nothing_is_stored(
    client, actors, login, changes, message
):
    login(actors.report)
    response = client.post(
        f"/people/{actors.report.id}/plan/steps", data=step_form(**changes), headers=HTMX
    )
    assert response.status_code == 422
    assert message in text_of(response)
    assert PlanStep.select().count() == 0


def test_a_goal_of_someone_else_cannot_be_linked(client, actors, login):
    from pmweb.goals import service as goals
    from tests.test_goals_routes import nps

    others = goals.propose_goal(actors.other_employee, actors.other_employee, "employee", nps())
    login(actors.report)
    response = client.post(
        f"/people/{actors.report.id}/plan/steps", data=step_form(goal=str(others.id))
    )
    assert response.status_code == 422
    assert PlanStep.select().count() == 0


def test_a_script_in_a_step_title_is_stored_as_text_and_shown_escaped(client, actors, login):
    login(actors.report)
    client.post(
        f"/people/{actors.report.id}/plan/steps", data=step_form(title="<script>x()</script>")
    )
    page = client.get(f"/people/{actors.report.id}/plan").get_data(as_text=True)
    assert "<script>x()" not in page and "&lt;script&gt;x()" in page


def test_a_step_status_set_in_the_meeting_shows_there_and_on_the_plan(client, actors, login):
    step = growth.add_step(actors.report.id, actors.report.id, steps_terms())
    meeting = actors.meeting
    login(actors.manager)
    response = client.post(
        f"/meetings/{meeting.id}/plan-steps/{step.id}/status",
        data={"status": "done"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert 'id="development"' in response.get_data(as_text=True)
    assert PlanStep.get().status == "done"
    page = text_of(client.get(f"/meetings/{meeting.id}"))
    assert "Finish the SRE course" in page
    change = PlanChange.get(PlanChange.what == "status")
    assert (change.before, change.after, change.author_id) == ("Planned", "Done", actors.manager.id)


def test_a_step_of_another_employee_cannot_be_set_from_this_meeting(client, actors, login):
    others = growth.add_step(actors.other_employee.id, actors.other_employee.id, steps_terms())
    login(actors.manager)
    response = client.post(
        f"/meetings/{actors.meeting.id}/plan-steps/{others.id}/status", data={"status": "done"}
    )
    assert response.status_code == 404
    assert PlanStep.get().status == "planned"


# --- wins ---------------------------------------------------------------------------------


def test_a_win_recorded_in_the_meeting_shows_on_the_plan(client, actors, login):
    login(actors.report)
    response = client.post(
        f"/meetings/{actors.meeting.id}/wins", data={"title": "Shipped billing v2"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "Shipped billing v2" in text_of(response)
    assert "Shipped billing v2" in text_of(client.get(f"/people/{actors.report.id}/plan"))


@pytest.mark.parametrize(
    "data, message",
    [
        ({"title": ""}, "Say what was achieved."),
        ({"title": "w" * 50_000}, "Keep the win under 200 characters."),
        ({"title": "Won", "achieved_on": "2999-01-01"}, "pick today or earlier"),
        ({"title": "Won", "achieved_on": "31/02/2026"}, "Give the date as a date"),
    ],
)
def test_bad_win_input_gets_a_clear_message(client, actors, login, data, message):
    login(actors.manager)
    response = client.post(f"/people/{actors.report.id}/wins", data=data, headers=HTMX)
    assert response.status_code == 422
    assert message in text_of(response)
    assert Win.select().count() == 0


# --- feedback ------------------------------------------------------------------------------


def test_praise_with_a_win_is_sent_and_the_win_recorded(client, actors, login):
    today = local_now(actors.pair).replace(hour=0, minute=1, second=0)
    Meeting.update(scheduled_for=today).where(Meeting.id == actors.meeting.id).execute()
    login(actors.manager)
    response = client.post(
        f"/people/{actors.report.id}/feedback",
        data=feedback_form(win_title="Led the incident review", meeting=str(actors.meeting.id)),
    )
    assert response.status_code == 303
    feedback = Feedback.get()
    assert (feedback.giver_id, feedback.receiver_id, feedback.employee_id) == (
        actors.manager.id,
        actors.report.id,
        actors.report.id,
    )
    assert feedback.sent_at is not None
    win = Win.get()
    assert (win.title, win.feedback_id) == ("Led the incident review", feedback.id)
    login(actors.report)
    page = text_of(client.get(f"/people/{actors.report.id}/feedback"))
    assert "<strong>excellent</strong>" in page and "Recorded as a win" in page
    assert "Led the incident review" in text_of(client.get(f"/meetings/{actors.meeting.id}"))


def test_a_draft_never_reaches_the_other_person(client, actors, login):
    login(actors.manager)
    client.post(
        f"/people/{actors.report.id}/feedback",
        data=feedback_form(
            body="DRAFT-CANARY unfinished thought", action="draft", win_title="DRAFT-WIN"
        ),
    )
    feedback = Feedback.get()
    assert feedback.is_draft and Win.select().count() == 0
    assert "DRAFT-CANARY" in text_of(client.get(f"/people/{actors.report.id}/feedback"))
    login(actors.report)
    for url in (
        f"/people/{actors.report.id}/feedback",
        f"/people/{actors.report.id}/plan",
        f"/people/{actors.report.id}/plan/print",
        f"/meetings/{actors.meeting.id}",
    ):
        page = text_of(client.get(url))
        assert "DRAFT-CANARY" not in page and "DRAFT-WIN" not in page, url
    assert client.get(f"/feedback/{feedback.id}/edit").status_code == 404
    assert client.post(f"/feedback/{feedback.id}/send").status_code == 404
    assert Feedback.get().is_draft


def test_a_draft_is_sent_when_ready_and_records_its_win(client, actors, login):
    login(actors.manager)
    client.post(
        f"/people/{actors.report.id}/feedback",
        data=feedback_form(action="draft", win_title="Mentored two new hires"),
    )
    feedback = Feedback.get()
    assert client.post(f"/feedback/{feedback.id}/send").status_code == 303
    assert Feedback.get().sent_at is not None
    assert Win.get().title == "Mentored two new hires"
    # Sending twice records one win.
    client.post(f"/feedback/{feedback.id}/send")
    assert Win.select().count() == 1


def test_sent_feedback_is_corrected_in_the_open(client, actors, login):
    login(actors.manager)
    client.post(f"/people/{actors.report.id}/feedback", data=feedback_form(body="Grate work."))
    feedback = Feedback.get()
    response = client.post(
        f"/feedback/{feedback.id}",
        data=feedback_form(body="Great work.", kind="suggestion") | {"version": "2"},
    )
    assert response.status_code == 303
    corrected = Feedback.get()
    assert (corrected.body, corrected.kind) == ("Great work.", "praise")
    assert corrected.edited_at is not None
    assert [r.body for r in FeedbackRevision.select()] == ["Grate work."]
    login(actors.report)
    page = text_of(client.get(f"/people/{actors.report.id}/feedback"))
    assert ">edited 1 time<" in page and "Great work." in page
    assert f'href="/feedback/{feedback.id}/wordings"' in page
    wordings = text_of(client.get(f"/feedback/{feedback.id}/wordings"))
    assert "Grate work." in wordings and "Great work." in wordings
    # Sent feedback is not deleted, and only its giver changes it.
    assert client.post(f"/feedback/{feedback.id}", data=feedback_form()).status_code == 409
    login(actors.manager)
    assert client.post(f"/feedback/{feedback.id}/delete").status_code == 409
    assert Feedback.select().count() == 1


def correct(feedback, times, body=lambda n: f"Wording {n}."):
    for n in range(times):
        current = Feedback.get_by_id(feedback.id)
        growth.change_feedback(
            current, growth.FeedbackTerms(kind=current.kind, body=body(n)), current.version
        )


def test_earlier_wordings_are_read_on_their_own_page_a_few_at_a_time_newest_first(
    client, actors, login
):
    login(actors.manager)
    client.post(f"/people/{actors.report.id}/feedback", data=feedback_form(body="Wording 0."))
    feedback = Feedback.get()
    correct(feedback, 12, body=lambda n: f"Wording {n + 1}.")  # now "Wording 12."
    login(actors.report)

    timeline = text_of(client.get(f"/people/{actors.report.id}/feedback"))
    assert "Wording 12." in timeline and ">edited 12 times<" in timeline
    assert "Wording 11." not in timeline

    def wordings_on(page):
        shown = text_of(client.get(f"/feedback/{feedback.id}/wordings?page={page}"))
        return [int(n) for n in re.findall(r"Wording (\d+)\.", shown)]

    # The first page has what it says now, then the five wordings before it.
    assert wordings_on(1) == [12, 11, 10, 9, 8, 7]
    assert wordings_on(2) == [6, 5, 4, 3, 2]
    assert wordings_on(3) == [1, 0]
    assert wordings_on(4) == []
    assert "Page 3 of 3" in text_of(client.get(f"/feedback/{feedback.id}/wordings?page=3"))
    assert client.get(f"/feedback/{feedback.id}/wordings?page=0").status_code == 400


def test_a_draft_has_no_earlier_wordings_and_only_its_giver_finds_the_page(client, actors, login):
    login(actors.manager)
    client.post(f"/people/{actors.report.id}/feedback", data=feedback_form(action="draft"))
    draft = Feedback.get()
    assert "never been corrected" in text_of(client.get(f"/feedback/{draft.id}/wordings"))
    login(actors.report)
    assert client.get(f"/feedback/{draft.id}/wordings").status_code == 404


def test_upward_feedback_goes_to_the_current_manager(client, actors, login):
    login(actors.report)
    response = client.post(
        f"/people/{actors.report.id}/feedback",
        data=feedback_form(kind="suggestion", body="UPWARD: shorter stand-ups please."),
    )
    assert response.status_code == 303
    feedback = Feedback.get()
    assert (feedback.giver_id, feedback.receiver_id) == (actors.report.id, actors.manager.id)
    login(actors.manager)
    assert "UPWARD" in text_of(client.get(f"/people/{actors.report.id}/feedback"))


def test_after_a_manager_change_upward_feedback_stays_with_the_manager_it_was_for(
    client, actors, login
):
    growth.write_feedback(
        actors.report.id,
        actors.report.id,
        actors.manager.id,
        growth.FeedbackTerms("suggestion", "UPWARD-TO-DANA"),
        send=True,
    )
    growth.write_feedback(
        actors.report.id,
        actors.manager.id,
        actors.report.id,
        growth.FeedbackTerms("praise", "PRAISE-FROM-DANA"),
        send=True,
    )
    new_manager = hand_sam_to_a_new_manager(actors)
    login(new_manager)
    page = text_of(client.get(f"/people/{actors.report.id}/feedback"))
    assert "PRAISE-FROM-DANA" in page and "UPWARD-TO-DANA" not in page
    login(actors.manager)
    assert client.get(f"/people/{actors.report.id}/feedback").status_code == 404
    assert client.get(f"/people/{actors.report.id}/plan").status_code == 404


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"body": "   "}, "Write the feedback first."),
        ({"body": "b" * 50_000}, "Keep this under 10,000 characters."),
        ({"kind": "complaint"}, "Not a valid choice"),
        ({"meeting": "424242"}, "Pick one of the meetings shown."),
        ({"step": "424242"}, "Pick one of the plan steps shown."),
    ],
)
def test_bad_feedback_gets_a_clear_message_and_nothing_is_stored(
    client, actors, login, changes, message
):
    login(actors.manager)
    response = client.post(
        f"/people/{actors.report.id}/feedback", data=feedback_form(**changes), headers=HTMX
    )
    assert response.status_code == 422
    assert message in text_of(response)
    assert Feedback.select().count() == 0


def test_feedback_comes_only_from_a_meeting_held_or_held_today(client, actors, login):
    Meeting.delete().execute()
    now = local_now(actors.pair)
    held, today, skipped, coming = (
        Meeting.create(one_on_one=actors.pair.id, scheduled_for=at, status=status)
        for at, status in (
            (now - datetime.timedelta(days=7), "done"),
            (now.replace(hour=23, minute=59, second=0), "upcoming"),
            (now - datetime.timedelta(days=14), "skipped"),
            (now + datetime.timedelta(days=1), "upcoming"),
        )
    )
    login(actors.manager)
    page = client.get(f"/people/{actors.report.id}/feedback").get_data(as_text=True)
    offered = set(
        re.findall(
            r'<option value="(\d+)"', page.split('name="meeting"', 1)[1].split("</select>")[0]
        )
    )
    assert offered == {"0", str(held.id), str(today.id)}
    for unheld in (skipped, coming):
        response = client.post(
            f"/people/{actors.report.id}/feedback",
            data=feedback_form(meeting=str(unheld.id)),
            headers=HTMX,
        )
        assert response.status_code == 422
    assert Feedback.select().count() == 0


# --- the printable plan ---------------------------------------------------------------------


@pytest.fixture
def full_plan(actors):
    from pmweb.goals import service as goals
    from tests.test_goals_routes import nps

    growth.save_plan(actors.report.id, actors.report.id, plan_form(), 0)
    for title, status in [("Finish the SRE course", "in_progress"), ("Read Accelerate", "done")]:
        growth.add_step(actors.report.id, actors.report.id, steps_terms(title, status=status))
    goal = goals.propose_goal(actors.report, actors.report, "employee", nps())
    goal = goals.agree(goal, "manager", actors.manager.id, 1, actors.manager.id)
    goals.check_in(goal, actors.report.id, 38, "on_track", "")
    growth.write_feedback(
        actors.report.id,
        actors.manager.id,
        actors.report.id,
        growth.FeedbackTerms("praise", "Well done", win_title="Cut p95 latency in half"),
        send=True,
    )
    growth.write_feedback(
        actors.report.id,
        actors.manager.id,
        actors.report.id,
        growth.FeedbackTerms("suggestion", "DRAFT-NOT-FOR-PAPER"),
        send=False,
    )
    PrivateNote.create(meeting=actors.meeting, author=actors.report, body="PRIVATE-NOT-FOR-PAPER")
    return goal


def test_the_printable_plan_shows_the_plan_steps_goals_and_wins(client, actors, login, full_plan):
    login(actors.report)
    response = client.get(f"/people/{actors.report.id}/plan/print")
    page = text_of(response)
    # Its own icon, so the browser does not ask for a /favicon.ico that is not there.
    assert 'rel="icon" href="/static/favicon.svg"' in page
    for text in (
        "Lead a platform team",
        "Finish the SRE course",
        "Read Accelerate",
        "In progress",
        "Raise NPS",
        "38 NPS of 45 NPS",
        "Cut p95 latency in half",
        'class="goal-chart"',
    ):
        assert text in page
    assert "DRAFT-NOT-FOR-PAPER" not in page and "PRIVATE-NOT-FOR-PAPER" not in page
    assert "site-header" not in page  # no navigation on paper


def test_the_plan_downloads_as_a_pdf_on_a4_or_letter(client, actors, login, full_plan):
    login(actors.manager)
    sizes = {}
    for paper in ("a4", "letter"):
        response = client.get(f"/people/{actors.report.id}/plan.pdf?paper={paper}")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/pdf"
        assert "attachment" in response.headers["Content-Disposition"]
        assert response.data.startswith(b"%PDF")
        sizes[paper] = response.data
    if not shutil.which("pdfinfo"):
        unavailable("pdfinfo (poppler-utils) is not installed")
    points = {}
    for paper, data in sizes.items():
        info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True)
        points[paper] = next(
            line for line in info.stdout.decode().splitlines() if line.startswith("Page size")
        )
    assert "595.28 x 841.89" in points["a4"] or "595.276 x 841.89" in points["a4"]
    assert "612 x 792" in points["letter"]
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=sizes["a4"], capture_output=True, check=True
    ).stdout.decode()
    assert "Finish the SRE course" in text and "Cut p95 latency in half" in text
    assert "DRAFT-NOT-FOR-PAPER" not in text and "PRIVATE-NOT-FOR-PAPER" not in text


def pdf_objects(data):
    """The PDF's bytes with every compressed stream inflated: WeasyPrint keeps the
    document catalog in a compressed object stream."""
    inflated = []
    for stream in re.finditer(rb"(?<!end)stream\r?\n(.*?)endstream", data, re.S):
        # A decompressor object, not zlib.decompress: the end of line before
        # "endstream" is not part of the data, and may or may not be there.
        try:
            inflated.append(zlib.decompressobj().decompress(stream.group(1)))
        except zlib.error:
            pass  # a stream of another filter (an image, a font) holds no catalog
    return data + b"".join(inflated)


def test_the_pdf_is_tagged_for_screen_readers_with_its_language(client, actors, login, full_plan):
    login(actors.report)
    data = client.get(f"/people/{actors.report.id}/plan.pdf").data
    objects = pdf_objects(data)
    assert b"/StructTreeRoot" in objects and b"/MarkInfo" in objects
    assert re.findall(rb"/Lang\s*\(([^)]*)\)", objects) == [b"en"]
    assert b"pdfuaid" in objects  # the PDF/UA identification in its metadata
    if not shutil.which("pdfinfo"):
        unavailable("pdfinfo (poppler-utils) is not installed")
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True)
    lines = info.stdout.decode().splitlines()
    assert "Tagged:          yes" in lines
    assert any(line.startswith("Title:") and "Development plan" in line for line in lines)


# --- after review: sending, drafts and links across a change of manager ------------------


def test_feedback_posted_without_choosing_send_stays_a_draft(client, actors, login):
    login(actors.manager)
    data = feedback_form(win_title="Led the review")
    del data["action"]  # Enter in a field: the form's first button is "Save as draft"
    assert client.post(f"/people/{actors.report.id}/feedback", data=data).status_code == 303
    assert Feedback.get().is_draft and Win.select().count() == 0


def test_an_upward_draft_for_a_manager_who_left_is_not_delivered(client, actors, login):
    login(actors.report)
    client.post(
        f"/people/{actors.report.id}/feedback",
        data=feedback_form(kind="suggestion", body="For Dana only", action="draft"),
    )
    draft = Feedback.get()
    hand_sam_to_a_new_manager(actors)
    response = client.post(f"/feedback/{draft.id}/send")
    assert response.status_code == 409
    assert "no longer your manager" in text_of(response)
    response = client.post(
        f"/feedback/{draft.id}",
        data=feedback_form(kind="suggestion", body="For Dana only") | {"version": "1"},
    )
    assert response.status_code == 409
    assert Feedback.get().is_draft


def test_a_later_manager_is_not_led_into_the_earlier_one_on_one(client, actors, login):
    growth.write_feedback(
        actors.report.id,
        actors.manager.id,
        actors.report.id,
        growth.FeedbackTerms("praise", "From our meeting", meeting_id=actors.meeting.id),
        send=True,
    )
    morgan = hand_sam_to_a_new_manager(actors)
    login(morgan)
    page = text_of(client.get(f"/people/{actors.report.id}/feedback"))
    assert "From our meeting" in page and "From a one-on-one" in page
    assert f"/meetings/{actors.meeting.id}" not in page
    login(actors.report)
    page = text_of(client.get(f"/people/{actors.report.id}/feedback"))
    assert f"/meetings/{actors.meeting.id}" in page


def test_only_who_recorded_a_win_removes_it(client, actors, login):
    win = growth.record_win(actors.report.id, actors.manager.id, "Shipped search")
    login(actors.report)
    assert client.post(f"/wins/{win.id}/delete").status_code == 409
    login(actors.manager)
    assert client.post(f"/wins/{win.id}/delete").status_code == 303
    assert Win.select().count() == 0


def test_the_pdf_is_named_after_the_person_whatever_their_name(client, actors, login):
    actors.report.name = 'Sam "Q" O\'Kafor\\Jr'
    actors.report.save()
    login(actors.report)
    response = client.get(f"/people/{actors.report.id}/plan.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=development-plan-sam-q-o-kafor-jr.pdf"
    )
