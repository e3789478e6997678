"""The development plan in Chromium: Lee and Dana build Lee's plan with three steps,
Dana sends praise that records a win, and Lee prints the plan — the PDF has the steps
and the win, and neither a private note nor a feedback draft. A step's status changed
on the plan reaches their open meeting page live."""

import datetime
import os
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import make_pair
from tests.browser.test_co_editing import connected
from tests.browser.test_meeting_page import SCREENSHOTS, screenshot
from tests.conftest import unavailable

pytestmark = pytest.mark.browser


@pytest.fixture
def dana_and_lee(server):
    return make_pair(server, "Dana Reyes", "Lee Park")


def add_step(page, kind, title, weeks, status="Planned"):
    form = page.locator("#add-step")
    if not form.is_visible():
        page.locator(".add-step > summary").click()
    form.get_by_label("Kind").select_option(label=kind)
    form.get_by_label("Step").fill(title)
    due = datetime.date.today() + datetime.timedelta(weeks=weeks)
    form.get_by_label("Target date").fill(due.isoformat())
    form.get_by_label("Status").select_option(label=status)
    form.get_by_role("button", name="Add step").click()
    expect(page.locator("li.plan-step", has_text=title)).to_be_visible()


def pdf_text(path):
    if not shutil.which("pdftotext"):
        unavailable("pdftotext is missing (apt-get install poppler-utils)")
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_lee_and_dana_build_a_plan_and_lee_prints_it(sign_in, dana_and_lee, tmp_path):
    pair = dana_and_lee
    lee = sign_in(pair.employee)
    lee.locator(".site-header").get_by_role("link", name="Plan").click()
    expect(lee.get_by_role("heading", name="Your development plan")).to_be_visible()
    lee.get_by_text("Edit the plan").click()
    lee.get_by_label("Career aspiration").fill("Become the team's reliability lead, then staff.")
    lee.get_by_label("Strengths").fill("- Thorough reviews\n- Patient with new joiners")
    lee.get_by_label("Growth areas").fill("Saying **no** to side requests.")
    lee.get_by_role("button", name="Save the plan").click()
    expect(lee.locator("#plan-texts .prose strong")).to_have_text("no")
    add_step(lee, "Training", "SRE fundamentals course", 8)
    add_step(lee, "Skill", "Own the alerting review", 4, status="In progress")

    # A private note in their meeting: it must never reach paper.
    lee.goto(f"/meetings/{pair.meeting_id}")
    lee.get_by_label("My private note").fill("PRIVATE: ask about the team move")
    lee.get_by_role("button", name="Save private note").click()
    expect(lee.locator("#private-note")).to_contain_text("Saved")

    dana = sign_in(pair.manager)
    dana.get_by_role("row", name="Lee Park").get_by_role("link", name="Plan").click()
    expect(dana.get_by_role("heading", name="Lee Park's development plan")).to_be_visible()
    add_step(dana, "Stretch assignment", "Lead the Q2 incident drill", 10)

    dana.locator(".tabs").get_by_role("link", name="Feedback").click()
    dana.get_by_label("Feedback", exact=True).fill("DRAFT: thoughts on the roadmap talk")
    dana.get_by_role("button", name="Save as draft").click()
    expect(dana.get_by_text("Draft saved")).to_be_visible()
    dana.get_by_label("Praise").check()
    dana.get_by_label("Feedback", exact=True).fill("Your incident review was *superb*.")
    dana.get_by_text("Link it to a meeting").click()
    dana.get_by_label("About the plan step").select_option(label="Own the alerting review")
    dana.get_by_label("Record a win with it").fill("Led the March incident review")
    dana.get_by_role("button", name="Send to Lee").click()
    expect(dana.get_by_text("Sent to Lee.")).to_be_visible()
    screenshot(dana, "feedback-timeline")

    lee.goto(f"/people/{pair.employee.id}/feedback")
    expect(lee.locator(".feedback-item", has_text="superb")).to_contain_text(
        "Recorded as a win: Led the March incident review"
    )
    expect(lee.get_by_text("DRAFT: thoughts")).to_have_count(0)

    lee.get_by_role("link", name="Development plan").click()
    expect(lee.locator("#wins")).to_contain_text("Led the March incident review")
    screenshot(lee, "development-plan")
    lee.get_by_role("button", name="Printable view").click()
    expect(lee.get_by_role("heading", name="Lee Park")).to_be_visible()
    screenshot(lee, "development-plan-printable")
    with lee.expect_download() as download:
        lee.get_by_role("link", name="PDF (A4)").click()
    pdf = tmp_path / "plan.pdf"
    download.value.save_as(pdf)
    assert download.value.suggested_filename == "development-plan-lee-park.pdf"

    text = pdf_text(pdf)
    for expected in (
        "SRE fundamentals course",
        "Own the alerting review",
        "Lead the Q2 incident drill",
        "Led the March incident review",
        "Become the team's reliability lead",
    ):
        assert expected in text
    assert "PRIVATE" not in text and "DRAFT" not in text
    if SCREENSHOTS:
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", str(pdf), os.path.join(SCREENSHOTS, "plan-pdf")],
            check=True,
        )


def test_a_step_status_changed_on_the_plan_reaches_the_open_meeting_live(sign_in, dana_and_lee):
    pair = dana_and_lee
    lee = sign_in(pair.employee)
    lee.goto(f"/people/{pair.employee.id}/plan")
    add_step(lee, "Reading", "Read Site Reliability Engineering", 6)

    dana = sign_in(pair.manager)
    dana.goto(f"/meetings/{pair.meeting_id}")
    connected(dana)
    step = dana.locator("li.meeting-step", has_text="Read Site Reliability Engineering")
    expect(step.get_by_label("Status of Read Site Reliability Engineering")).to_have_value(
        "planned"
    )
    lee.locator("li.plan-step", has_text="Read Site Reliability Engineering").get_by_label(
        "Status of Read Site Reliability Engineering"
    ).select_option("in_progress")
    expect(step.get_by_label("Status of Read Site Reliability Engineering")).to_have_value(
        "in_progress", timeout=5000
    )
    dana.get_by_label("New win").fill("Finished the on-call handbook")
    dana.get_by_role("button", name="Record win").click()
    expect(dana.locator("#development")).to_contain_text("Finished the on-call handbook")
    screenshot(dana, "meeting-development")
