"""Two people on one meeting page: what one does appears on the other's screen
within a second, without a reload, and without disturbing what they are typing."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_meeting_page import open_meeting, remember_this_page, talking_point

pytestmark = pytest.mark.browser

WITHIN_A_SECOND = 1000


def connected(page):
    # The stream is open once the extension has fetched it.
    page.wait_for_function(
        "() => document.getElementById('live')?._htmx?.sse !== undefined", timeout=5000
    )


@pytest.fixture
def dana_and_sam(sign_in, pair):
    dana, sam = sign_in(pair.manager), sign_in(pair.employee)
    for page in (dana, sam):
        open_meeting(page, pair)
        connected(page)
        remember_this_page(page)
    return dana, sam


def test_a_point_added_by_one_appears_on_the_other_page(dana_and_sam):
    dana, sam = dana_and_sam
    dana.get_by_label("New talking point").fill("Hiring plan")
    dana.get_by_role("button", name="Add", exact=True).click()
    expect(talking_point(sam, "Hiring plan")).to_be_visible(timeout=WITHIN_A_SECOND)
    talking_point(sam, "Hiring plan").get_by_role("button", name="Mark as discussed").click()
    expect(
        talking_point(dana, "Hiring plan").get_by_role(
            "button", name="Discussed — mark as not discussed"
        )
    ).to_be_visible(timeout=WITHIN_A_SECOND)
    assert sam.evaluate("window.pmwebSamePage") and dana.evaluate("window.pmwebSamePage")


def test_shared_notes_and_action_items_follow(dana_and_sam):
    dana, sam = dana_and_sam
    sam.get_by_label("Shared notes").fill("Agreed: ship in March")
    sam.get_by_role("button", name="Save notes").click()
    expect(dana.get_by_label("Shared notes")).to_have_value(
        "Agreed: ship in March", timeout=WITHIN_A_SECOND
    )
    dana.get_by_label("New action item").fill("Draft the plan")
    dana.get_by_role("button", name="Add action item").click()
    expect(sam.locator("li.action-item", has_text="Draft the plan")).to_be_visible(
        timeout=WITHIN_A_SECOND
    )


def test_what_the_other_is_typing_is_kept(dana_and_sam):
    dana, sam = dana_and_sam
    typing = sam.get_by_label("New talking point")
    typing.click()
    typing.press_sequentially("Half a thought")
    dana.get_by_label("New talking point").fill("Budget")
    dana.get_by_role("button", name="Add", exact=True).click()
    expect(talking_point(sam, "Budget")).to_be_visible(timeout=WITHIN_A_SECOND)
    expect(typing).to_have_value("Half a thought")
    expect(typing).to_be_focused()
    typing.press_sequentially(", finished")
    expect(typing).to_have_value("Half a thought, finished")


def test_completing_turns_the_other_page_read_only(dana_and_sam):
    dana, sam = dana_and_sam
    dana.get_by_role("button", name="Complete meeting").click()
    expect(sam.get_by_text("This meeting is completed and read-only.")).to_be_visible(
        timeout=WITHIN_A_SECOND
    )
    expect(sam.get_by_role("button", name="Complete meeting")).to_have_count(0)


def test_a_private_note_never_travels(dana_and_sam):
    dana, sam = dana_and_sam
    dana.get_by_label("My private note").fill("Only mine")
    dana.get_by_role("button", name="Save private note").click()
    expect(dana.get_by_text("Saved")).to_be_visible()
    dana.get_by_label("New talking point").fill("Visible to both")
    dana.get_by_role("button", name="Add", exact=True).click()
    expect(talking_point(sam, "Visible to both")).to_be_visible(timeout=WITHIN_A_SECOND)
    assert "Only mine" not in sam.content()
