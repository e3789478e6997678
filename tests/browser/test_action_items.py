"""Action items on the meeting page in Chromium: edited in place and seen live by the
other person, deleted by whoever added them after a second step, reopened from an
earlier meeting — with htmx and without JavaScript."""

import datetime

import pytest
from playwright.sync_api import expect

from pmweb.meetings import service
from pmweb.models import Meeting, OneOnOne
from tests.browser.conftest import make_pair, on_server
from tests.browser.test_co_editing import LIVE_ARRIVAL, connected
from tests.browser.test_meeting_page import open_meeting, remember_this_page, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def pair(server):
    # Names of their own: the session's server holds every browser test's people.
    return make_pair(server, "Dana Ferreira", "Sam Lindqvist")


def action_item(page, text):
    return page.locator("li.action-item", has_text=text)


def add_action_item(page, text):
    page.get_by_label("New action item").fill(text)
    page.get_by_role("button", name="Add action item").click()
    expect(action_item(page, text)).to_be_visible()


def short_day(day):
    return f"{day.day} {day:%b}"


@pytest.fixture
def dana_and_sam(sign_in, pair):
    dana, sam = sign_in(pair.manager), sign_in(pair.employee)
    for page in (dana, sam):
        open_meeting(page, pair)
        connected(page)
        remember_this_page(page)
    return dana, sam


def test_an_edited_item_changes_on_the_other_page_live(dana_and_sam):
    dana, sam = dana_and_sam
    add_action_item(dana, "Draft the plan")
    expect(action_item(sam, "Draft the plan")).to_be_visible(timeout=LIVE_ARRIVAL)

    row = action_item(dana, "Draft the plan")
    row.locator("details.edit-item > summary").click()
    editor = row.locator("form.edit-item-form")
    expect(editor).to_be_visible()
    due = datetime.date.today() + datetime.timedelta(days=9)
    editor.get_by_label("What").fill("Draft the hiring plan")
    editor.get_by_label("Owner").select_option(label="Dana Ferreira")
    editor.get_by_label("Due").fill(due.isoformat())
    screenshot(dana, "action-item-being-edited")
    editor.get_by_role("button", name="Save").click()

    edited = action_item(sam, "Draft the hiring plan")
    expect(edited).to_be_visible(timeout=LIVE_ARRIVAL)
    expect(edited.locator(".meta")).to_have_text(f"Dana · due {short_day(due)}")
    # Saved: Dana's editor closes on the new text.
    expect(action_item(dana, "Draft the hiring plan").locator("form.edit-item-form")).to_be_hidden()
    assert dana.evaluate("window.pmwebSamePage") and sam.evaluate("window.pmwebSamePage")
    screenshot(sam, "action-item-edited-as-sam")


def test_what_the_other_is_typing_in_an_item_is_kept_and_a_crossing_edit_shows_both(
    dana_and_sam,
):
    dana, sam = dana_and_sam
    add_action_item(dana, "Book the room")
    sam_row = action_item(sam, "Book the room")
    expect(sam_row).to_be_visible(timeout=LIVE_ARRIVAL)
    sam_row.locator("details.edit-item > summary").click()
    sam_text = sam_row.get_by_label("What")
    sam_text.fill("Book the big room")

    dana_row = action_item(dana, "Book the room")
    dana_row.locator("details.edit-item > summary").click()
    dana_row.get_by_label("What").fill("Book room 4")
    dana_row.get_by_role("button", name="Save").click()
    expect(action_item(dana, "Book room 4")).to_be_visible()

    # Sam's page learned of it, and his typing is still there.
    expect(sam.locator("form[data-changed-meanwhile]")).to_have_count(1, timeout=LIVE_ARRIVAL)
    expect(sam_text).to_have_value("Book the big room")
    sam.locator("form[data-changed-meanwhile]").get_by_role("button", name="Save").click()
    conflict = sam.locator("#action-items .conflict")
    expect(conflict).to_contain_text("Dana changed this action item while you were editing.")
    expect(conflict.locator(".theirs")).to_contain_text("Book room 4")
    expect(conflict.locator(".mine")).to_contain_text("Book the big room")
    screenshot(sam, "action-item-conflict")
    conflict.get_by_role("button", name="Keep mine").click()
    expect(action_item(dana, "Book the big room")).to_be_visible(timeout=LIVE_ARRIVAL)


def test_dana_deletes_her_own_item_after_confirming(dana_and_sam):
    dana, sam = dana_and_sam
    add_action_item(dana, "Order the laptops")
    sam_row = action_item(sam, "Order the laptops")
    expect(sam_row).to_be_visible(timeout=LIVE_ARRIVAL)
    sam_row.locator("details.edit-item > summary").click()
    expect(sam_row.locator("details.delete-item")).to_have_count(0)  # Dana added it, not Sam

    row = action_item(dana, "Order the laptops")
    row.locator("details.edit-item > summary").click()
    row.locator("details.delete-item > summary").click()
    expect(row.get_by_text("Delete this action item for you both?")).to_be_visible()
    screenshot(dana, "action-item-delete-confirmation")
    row.get_by_role("button", name="Delete action item").click()

    expect(action_item(dana, "Order the laptops")).to_have_count(0)
    expect(action_item(sam, "Order the laptops")).to_have_count(0, timeout=LIVE_ARRIVAL)


def test_an_item_done_in_the_last_meeting_is_reopened(sign_in, server, pair):
    with on_server(server):
        meeting = Meeting.get_by_id(pair.meeting_id)
        item = service.add_action_item(
            meeting, pair.manager.id, pair.employee.id, "Send the survey", None
        )
        service.set_action_item_done(item, True, meeting)
        meeting.one_on_one = OneOnOne.get_by_id(meeting.one_on_one_id)
        following = service.complete_meeting(meeting, pair.manager.id, now=meeting.scheduled_for)
    dana, sam = sign_in(pair.manager), sign_in(pair.employee)
    for page in (dana, sam):
        page.goto(f"/meetings/{following.id}")
        connected(page)
    expect(sam.locator("ul.action-items > li", has_text="Send the survey")).to_be_hidden()

    sam.get_by_text("Done in earlier meetings").click()
    screenshot(sam, "action-items-done-before")
    sam.get_by_role("button", name="Reopen Send the survey").click()

    for page in (sam, dana):
        reopened = page.locator("li.action-item:not(.done)", has_text="Send the survey")
        expect(reopened).to_be_visible(timeout=LIVE_ARRIVAL)
        expect(reopened.get_by_role("button", name="Mark as done")).to_be_visible()
    expect(sam.get_by_text("Done in earlier meetings")).to_have_count(0)


def test_items_are_edited_and_deleted_without_javascript(sign_in, pair):
    page = sign_in(pair.manager, javascript=False)
    open_meeting(page, pair)
    add_action_item(page, "Write the brief")

    row = action_item(page, "Write the brief")
    row.locator("details.edit-item > summary").click()
    row.get_by_label("What").fill("")
    row.get_by_role("button", name="Save").click()
    row = action_item(page, "Write the brief")
    expect(row.get_by_text("Write something first.")).to_be_visible()  # opened again
    row.get_by_label("What").fill("Write the short brief")
    row.get_by_role("button", name="Save").click()

    row = action_item(page, "Write the short brief")
    expect(row).to_be_visible()
    row.locator("details.edit-item > summary").click()
    row.locator("details.delete-item > summary").click()
    row.get_by_role("button", name="Delete action item").click()
    expect(action_item(page, "Write the short brief")).to_have_count(0)
    expect(page.get_by_text("No open action items.")).to_be_visible()
