"""The meeting page by keyboard alone, in Chromium: the skip link is the first stop and
leads past the navigation; talking points and action items are added one after another
with Enter; points are reordered; the meeting is completed; and where the keyboard is
can be seen."""

import os

import pytest
from playwright.sync_api import expect

from tests.browser.test_meeting_page import (
    SCREENSHOTS,
    expect_agenda,
    open_meeting,
    screenshot,
)

pytestmark = pytest.mark.browser

FOCUSED_IN_MAIN = "() => document.activeElement && document.activeElement.closest('main') !== null"


def focused(page):
    """The focused element's tag, accessible text and classes, to compare and report."""
    return page.evaluate(
        """() => { const e = document.activeElement;
                   return {tag: e.tagName.toLowerCase(), id: e.id, name: e.name || "",
                           text: (e.getAttribute("aria-label") || e.innerText || "").trim(),
                           classes: e.className}; }"""
    )


def tab_to(page, accessible_text, limit=200):
    """Presses Tab until the focused element says ``accessible_text``; how many presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if focused(page)["text"] == accessible_text:
            return presses
    raise AssertionError(f"{accessible_text!r} not reached in {limit} Tabs")


def test_the_skip_link_is_the_first_stop_and_leads_to_the_main_content(sign_in, pair):
    page = sign_in(pair.manager)
    open_meeting(page, pair)
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_in_viewport()
    screenshot(page, "keyboard-skip-link")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED_IN_MAIN), focused(page)
    # The first stop in the main content: the breadcrumb, not the site's navigation.
    assert focused(page)["text"] == "One-on-ones"
    assert page.evaluate("() => document.activeElement.closest('nav[aria-label=breadcrumb]')")


def test_three_talking_points_and_three_action_items_in_a_row_with_enter(sign_in, pair):
    page = sign_in(pair.manager)
    open_meeting(page, pair)
    new_point = page.get_by_label("New talking point")
    new_point.focus()
    texts = ["Hiring plan", "Offsite dates", "Budget"]
    for count, text in enumerate(texts, start=1):
        page.keyboard.type(text)
        page.keyboard.press("Enter")
        expect(page.get_by_role("textbox", name="Talking point", exact=True)).to_have_count(count)
        expect(new_point).to_be_focused()
        expect(new_point).to_have_value("")
    expect_agenda(page, texts)

    new_item = page.get_by_label("New action item")
    new_item.focus()
    for count, text in enumerate(["Book the room", "Send the agenda", "Order lunch"], start=1):
        page.keyboard.type(text)
        page.keyboard.press("Enter")
        expect(page.locator("li.action-item")).to_have_count(count)
        expect(page.locator("li.action-item").nth(count - 1)).to_contain_text(text)
        expect(new_item).to_be_focused()
        expect(new_item).to_have_value("")


def test_points_are_reordered_and_the_meeting_completed_by_keyboard(sign_in, pair):
    page = sign_in(pair.manager)
    open_meeting(page, pair)
    new_point = page.get_by_label("New talking point")
    for text in ("First", "Second"):
        new_point.focus()
        page.keyboard.type(text)
        page.keyboard.press("Enter")
        expect(page.get_by_role("textbox", name="Talking point", exact=True).last).to_have_value(
            text
        )
    page.get_by_role("textbox", name="Talking point", exact=True).first.focus()
    page.keyboard.press("Shift+Tab")
    assert focused(page)["text"] == "Mark as discussed"
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="Discussed — mark as not discussed")).to_be_focused()
    screenshot(page, "keyboard-check-button-focus")
    if SCREENSHOTS:
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            page.wait_for_timeout(300)  # Pico's colour transitions
            page.locator("li.talking-point").first.screenshot(
                path=os.path.join(SCREENSHOTS, f"keyboard-check-button-focus-{scheme}.png")
            )
        page.emulate_media(color_scheme="light")
    # The check button's ring: a solid outline, not Pico's faint glow.
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] == "solid" and outline[1] >= 2, outline

    page.keyboard.press("Tab")  # the point's text
    page.keyboard.press("Tab")  # Move up: the first point's is disabled, so Move down
    assert focused(page)["text"] == "Move down"
    page.keyboard.press("Enter")
    expect_agenda(page, ["Second", "First"])

    presses = tab_to(page, "Complete meeting…")
    assert presses < 80
    page.keyboard.press("Enter")  # the question comes in its place, its answer focused
    expect(page.get_by_role("heading", name="Complete this meeting?")).to_be_visible()
    expect(page.get_by_role("button", name="Complete meeting", exact=True)).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(f"/meetings/{pair.meeting_id}")
    expect(page.locator(".badge.done")).to_have_text("Completed")
