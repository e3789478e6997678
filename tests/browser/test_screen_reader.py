"""What a screen reader is told on a live meeting page, in Chromium: the other person's
changes arrive as one polite announcement per burst, one's own changes are not
announced, and an edit that crosses the other's is."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_co_editing import LIVE_ARRIVAL, connected
from tests.browser.test_meeting_page import open_meeting, talking_point

pytestmark = pytest.mark.browser

# Every text the page's polite region is given, as a screen reader would hear it.
RECORD_ANNOUNCEMENTS = """() => {
    const region = document.getElementById("live-changes");
    window.pmwebAnnounced = [];
    new MutationObserver(() => {
        if (region.textContent) window.pmwebAnnounced.push(region.textContent);
    }).observe(region, {childList: true, characterData: true, subtree: true});
}"""


@pytest.fixture
def dana_and_sam(sign_in, pair):
    """Dana and Sam on the meeting page, each following it live."""
    dana, sam = sign_in(pair.manager), sign_in(pair.employee)
    for page in (dana, sam):
        open_meeting(page, pair)
        connected(page)
    return dana, sam


def announced(page):
    return page.evaluate("window.pmwebAnnounced")


def add_by_enter(page, text):
    field = page.get_by_label("New talking point")
    field.fill(text)
    field.press("Enter")
    expect(field).to_have_value("")


def test_the_page_has_one_polite_region_for_changes(dana_and_sam):
    dana, _ = dana_and_sam
    region = dana.locator("#live-changes")
    expect(region).to_have_attribute("aria-live", "polite")
    # The other polite region says who is here, not what changed.
    expect(dana.locator("[aria-live=polite]")).to_have_count(2)
    expect(dana.locator("#presence")).to_have_attribute("aria-live", "polite")


def test_a_burst_of_the_others_changes_is_announced_once(dana_and_sam):
    dana, sam = dana_and_sam
    for page in (dana, sam):
        page.evaluate(RECORD_ANNOUNCEMENTS)
    for text in ("Hiring plan", "Offsite", "Budget"):
        add_by_enter(sam, text)
    sam.get_by_label("New action item").fill("Book the room")
    sam.get_by_role("button", name="Add action item").click()
    expect(sam.locator("li.action-item")).to_have_count(1)
    expect(talking_point(dana, "Budget")).to_be_visible(timeout=LIVE_ARRIVAL)
    expect(dana.locator("li.action-item")).to_have_count(1, timeout=LIVE_ARRIVAL)
    dana.wait_for_function("() => window.pmwebAnnounced.length > 0", timeout=LIVE_ARRIVAL)
    dana.wait_for_timeout(3500)  # longer than a burst can last: nothing more is said
    assert announced(dana) == ["Sam changed the agenda and the action items."]
    # Sam's own page knew of his changes from the answers to his saves.
    assert announced(sam) == []

    # Dana's own change is not announced to her; it is to Sam, as a burst of its own.
    add_by_enter(dana, "Dana's point")
    expect(talking_point(sam, "Dana's point")).to_be_visible(timeout=LIVE_ARRIVAL)
    sam.wait_for_function("() => window.pmwebAnnounced.length > 0", timeout=LIVE_ARRIVAL)
    dana.wait_for_timeout(2000)
    assert announced(dana) == ["Sam changed the agenda and the action items."]
    assert announced(sam) == ["Dana changed the agenda."]


def test_an_edit_crossing_the_others_is_announced(dana_and_sam):
    dana, sam = dana_and_sam
    add_by_enter(dana, "Hiring plan")
    expect(talking_point(sam, "Hiring plan")).to_be_visible(timeout=LIVE_ARRIVAL)
    dana.wait_for_timeout(1500)  # the burst of Dana's point is over
    sam.evaluate(RECORD_ANNOUNCEMENTS)
    # Sam types into the point while Dana changes it.
    sams_field = talking_point(sam, "Hiring plan").get_by_role("textbox", name="Talking point")
    sams_field.press("End")
    sams_field.type(" for Q1")
    danas_field = talking_point(dana, "Hiring plan").get_by_role("textbox", name="Talking point")
    danas_field.fill("Hiring plan, two roles")
    danas_field.press("Enter")
    sam.wait_for_function("() => window.pmwebAnnounced.length > 0", timeout=LIVE_ARRIVAL)
    # Sam's form is left as he typed it, so the agenda he sees is otherwise unchanged.
    assert announced(sam) == [
        "Dana changed the talking point you are editing: saving will show you both versions."
    ]
    # Saving shows both texts in an alert, which a screen reader says at once.
    sams_field.press("Enter")
    conflict = sam.get_by_role("alert").filter(has_text="changed this point")
    expect(conflict).to_contain_text("Hiring plan, two roles")
    expect(conflict).to_contain_text("Hiring plan for Q1")


def test_this_week_says_which_one_on_one_changed(sign_in, pair):
    sam = sign_in(pair.employee)
    sam.goto("/this-week")
    connected(sam)
    sam.evaluate(RECORD_ANNOUNCEMENTS)
    card = sam.locator("article.prep-card", has_text="Dana Reyes")
    dana = sign_in(pair.manager)
    open_meeting(dana, pair)
    add_by_enter(dana, "Quarterly priorities")
    expect(card).to_contain_text("Quarterly priorities", timeout=LIVE_ARRIVAL)
    sam.wait_for_function("() => window.pmwebAnnounced.length > 0", timeout=LIVE_ARRIVAL)
    sam.wait_for_timeout(1500)
    assert announced(sam) == ["Your one-on-one with Dana Reyes changed."]
