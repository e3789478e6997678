"""The meeting page in Chromium, as Dana and Sam use it: with htmx, without
JavaScript, with bad input, and with private notes that stay private."""

import datetime
import os
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("PMWEB_SCREENSHOTS")


def screenshot(page, name):
    """Full-page screenshots for looking at the pages, when PMWEB_SCREENSHOTS names a
    folder."""
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def talking_point(page, text):
    return page.locator(f'li.talking-point:has(input[value="{text}"])')


def add_talking_point(page, text):
    page.get_by_label("New talking point").fill(text)
    page.get_by_role("button", name="Add", exact=True).click()
    expect(talking_point(page, text)).to_be_visible()


def expect_agenda(page, texts):
    fields = page.get_by_role("textbox", name="Talking point", exact=True)
    expect(fields).to_have_count(len(texts))
    for position, text in enumerate(texts):
        expect(fields.nth(position)).to_have_value(text)


def open_meeting(page, pair):
    page.goto(f"/meetings/{pair.meeting_id}")
    expect(page.get_by_role("heading", name="Talking points")).to_be_visible()


def complete_meeting(page):
    """Completing asks first, saying what moves on; then it completes."""
    page.get_by_role("button", name="Complete meeting…").click()
    expect(page.get_by_role("heading", name="Complete this meeting?")).to_be_visible()
    page.get_by_role("button", name="Complete meeting", exact=True).click()


def remember_this_page(page):
    """Marks the loaded document: a full reload would lose the mark."""
    page.evaluate("window.pmwebSamePage = true")


def is_same_page(page):
    return page.evaluate("window.pmwebSamePage === true")


def test_dana_runs_a_meeting_and_finds_the_open_point_in_the_next_one(sign_in, pair):
    page = sign_in(pair.manager)
    page.get_by_role("link", name="Sam Okafor").click()
    page.get_by_role("link", name=re.compile(r"\d{1,2}:\d{2}")).first.click()
    expect(page.get_by_role("heading", name="Talking points")).to_be_visible()
    remember_this_page(page)

    add_talking_point(page, "Hiring plan for Q1")
    add_talking_point(page, "Feedback on the incident review")
    talking_point(page, "Feedback on the incident review").get_by_role(
        "button", name="Mark as discussed"
    ).click()
    expect(
        talking_point(page, "Feedback on the incident review").get_by_role(
            "button", name="Discussed — mark as not discussed"
        )
    ).to_be_visible()

    due = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    page.get_by_label("New action item").fill("Draft the hiring plan")
    page.get_by_label("Owner").select_option(label="Sam Okafor")
    page.get_by_label("Due").fill(due)
    page.get_by_role("button", name="Add action item").click()
    item = page.locator("li.action-item", has_text="Draft the hiring plan")
    expect(item).to_contain_text("Sam")
    assert is_same_page(page), "htmx forms must not reload the page"
    held_on = page.get_by_role("heading", level=1).inner_text()
    screenshot(page, "meeting-before-completing")

    page.get_by_role("button", name="Complete meeting…").click()
    confirmation = page.locator("#complete-meeting")
    expect(confirmation).to_contain_text("1 talking point not marked discussed moves to")
    expect(confirmation).to_contain_text("Hiring plan for Q1")
    assert is_same_page(page), "the question comes in place, without a reload"
    screenshot(page, "meeting-asking-to-complete")
    confirmation.get_by_role("button", name="Complete meeting", exact=True).click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text(held_on)
    carried = talking_point(page, "Hiring plan for Q1")
    expect(carried).to_be_visible()
    day = datetime.datetime.strptime(held_on.split(",")[0], "%a %d %b %Y")
    expect(carried.locator(".carried")).to_have_text(f"from {day.day} {day:%b}")
    expect(talking_point(page, "Feedback on the incident review")).to_have_count(0)
    expect(page.locator("li.action-item", has_text="Draft the hiring plan")).to_be_visible()
    screenshot(page, "next-meeting")


def test_the_core_flow_works_without_javascript(sign_in, pair):
    page = sign_in(pair.manager, javascript=False)
    open_meeting(page, pair)
    add_talking_point(page, "Career conversation")
    add_talking_point(page, "Team offsite")
    talking_point(page, "Team offsite").get_by_role("button", name="Mark as discussed").click()
    expect(
        talking_point(page, "Team offsite").get_by_role(
            "button", name="Discussed — mark as not discussed"
        )
    ).to_be_visible()
    page.get_by_label("New action item").fill("Book the offsite venue")
    page.get_by_role("button", name="Add action item").click()
    expect(page.locator("li.action-item", has_text="Book the offsite venue")).to_be_visible()

    complete_meeting(page)
    expect(talking_point(page, "Career conversation")).to_be_visible()
    expect(talking_point(page, "Team offsite")).to_have_count(0)
    expect(page.locator("li.action-item", has_text="Book the offsite venue")).to_be_visible()


def test_a_meeting_completed_too_soon_is_reopened_with_its_points(sign_in, pair):
    page = sign_in(pair.manager)
    open_meeting(page, pair)
    held_on = page.get_by_role("heading", level=1).inner_text()
    add_talking_point(page, "Forgotten before completing")
    complete_meeting(page)
    expect(page.get_by_role("heading", level=1)).not_to_have_text(held_on)
    page.get_by_role("link", name=re.compile("^←")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(held_on)
    page.get_by_role("button", name="Reopen meeting").click()
    expect(page.get_by_role("button", name="Complete meeting…")).to_be_visible()
    expect(talking_point(page, "Forgotten before completing")).to_be_visible()
    screenshot(page, "meeting-reopened")


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
def test_bad_input_gets_a_clear_message_and_stores_nothing(sign_in, pair, javascript):
    page = sign_in(pair.manager, javascript=javascript)
    open_meeting(page, pair)
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Write something first.")).to_be_visible()

    field = page.get_by_label("New talking point")
    # The page limits typing; a crafted request gets the server's answer.
    field.evaluate("input => input.removeAttribute('maxlength')")
    field.fill("x" * 1001)
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Keep a talking point under 1000 characters.")).to_be_visible()
    expect(page.locator("li.talking-point")).to_have_count(0)

    page.get_by_label("New action item").fill("Backdated")
    page.get_by_label("Due").fill("2001-01-01")
    page.get_by_role("button", name="Add action item").click()
    expect(page.get_by_text("Pick today or a later date.")).to_be_visible()
    expect(page.locator("li.action-item")).to_have_count(0)
    screenshot(page, f"bad-input-{'htmx' if javascript else 'plain'}")


def test_a_private_note_never_reaches_the_other_person(sign_in, pair):
    dana = sign_in(pair.manager)
    open_meeting(dana, pair)
    dana.get_by_label("My private note").fill("Sam seems tired; ask about on-call")
    dana.get_by_role("button", name="Save private note").click()
    expect(dana.get_by_text("Saved")).to_be_visible()
    dana.reload()
    expect(dana.get_by_label("My private note")).to_have_value("Sam seems tired; ask about on-call")

    sam = sign_in(pair.employee)
    open_meeting(sam, pair)
    expect(sam.get_by_label("My private note")).to_have_value("")
    assert "Sam seems tired" not in sam.content()
    expect(sam.get_by_text("Only you can see this — not Dana")).to_be_visible()


def test_edit_and_reorder_talking_points(sign_in, pair):
    page = sign_in(pair.manager)
    open_meeting(page, pair)
    for text in ("First", "Second", "Third"):
        add_talking_point(page, text)

    field = talking_point(page, "Second").get_by_role("textbox", name="Talking point")
    field.fill("Second, reworded")
    field.press("Enter")
    expect(talking_point(page, "Second, reworded")).to_be_visible()

    talking_point(page, "Third").get_by_role("button", name="Move up").click()
    order = ["First", "Third", "Second, reworded"]
    expect_agenda(page, order)
    page.reload()
    expect_agenda(page, order)


def test_the_other_person_sees_the_changes_after_a_reload(sign_in, pair):
    dana = sign_in(pair.manager)
    open_meeting(dana, pair)
    add_talking_point(dana, "Promotion case")
    sam = sign_in(pair.employee)
    open_meeting(sam, pair)
    expect(talking_point(sam, "Promotion case")).to_be_visible()
    # Only the author may delete a point: Sam has no delete button on Dana's.
    expect(talking_point(sam, "Promotion case").get_by_role("button", name="Delete")).to_have_count(
        0
    )
    add_talking_point(sam, "Conference budget")
    screenshot(sam, "meeting-as-sam")
    dana.reload()
    expect(talking_point(dana, "Conference budget")).to_be_visible()
