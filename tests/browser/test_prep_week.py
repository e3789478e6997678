"""Preparing in Chromium: during the week Lee picks a question from the bank and
types a point of his own on "This week"; Dana, who has their meeting page open,
sees both arrive live. Lee's prep note stays his."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from pmweb.org import service as org
from tests.browser.conftest import HeldRequest, make_pair, on_server
from tests.browser.test_co_editing import connected
from tests.browser.test_meeting_page import screenshot

pytestmark = pytest.mark.browser

QUESTION = "What is slowing you down right now?"


@pytest.fixture
def dana_and_lee(server):
    return make_pair(server, "Dana Reyes", "Lee Park")


def test_a_point_lee_adds_from_the_bank_reaches_danas_open_meeting(sign_in, dana_and_lee):
    pair = dana_and_lee
    dana = sign_in(pair.manager)
    dana.goto(f"/meetings/{pair.meeting_id}")
    connected(dana)
    # Dana can edit the points live: each one is a text box holding its text.
    points = dana.locator("#talking-points").get_by_role(
        "textbox", name="Talking point", exact=True
    )
    expect(points).to_have_count(0)

    lee = sign_in(pair.employee)
    lee.locator(".site-header").get_by_role("link", name="This week").click()
    card = lee.locator("article.prep-card", has_text="Dana Reyes")
    expect(card.get_by_text("You: nothing added yet")).to_be_visible()
    card.get_by_text("Question bank").click()
    card.get_by_role("button", name=QUESTION).click()

    expect(card.get_by_text("You: added points")).to_be_visible()
    expect(card.locator(".prep-points")).to_contain_text(QUESTION)
    expect(points).to_have_count(1)  # live, no reload on Dana's side
    expect(points.nth(0)).to_have_value(QUESTION)

    card = lee.locator("article.prep-card", has_text="Dana Reyes")
    card.get_by_placeholder("Add a talking point").fill("Pairing on the export job")
    card.get_by_role("button", name="Add", exact=True).click()
    expect(card.locator(".prep-points")).to_contain_text("Pairing on the export job")
    expect(points.nth(1)).to_have_value("Pairing on the export job")

    card.get_by_label("Your private prep note").fill("Mention the conference budget")
    card.get_by_role("button", name="Save note").click()
    expect(card.get_by_label("Your private prep note")).to_have_value(
        "Mention the conference budget"
    )
    screenshot(lee, "prep-week-lee")
    screenshot(dana, "prep-week-dana-meeting")
    dana.reload()
    expect(points).to_have_count(2)
    expect(dana.locator("body")).not_to_contain_text("Mention the conference budget")


def lees_week(sign_in, pair):
    """Lee's "This week", following live, and his card of the one-on-one with Dana."""
    lee = sign_in(pair.employee)
    lee.goto("/this-week")
    connected(lee)
    return lee, lee.locator("article.prep-card", has_text="Dana Reyes")


def dana_adds_a_point(sign_in, pair, text):
    dana = sign_in(pair.manager)
    dana.goto(f"/meetings/{pair.meeting_id}")
    dana.get_by_placeholder("Add a talking point").fill(text)
    dana.get_by_placeholder("Add a talking point").press("Enter")


def test_lees_week_shows_danas_points_live_and_keeps_what_he_is_typing(sign_in, dana_and_lee):
    pair = dana_and_lee
    lee, card = lees_week(sign_in, pair)
    expect(card.get_by_text("Dana: nothing added yet")).to_be_visible()
    card.get_by_placeholder("Add a talking point").fill("Half-typed thought")
    card.get_by_label("Your private prep note").fill("Unsaved prep")

    dana_adds_a_point(sign_in, pair, "Quarterly priorities")

    expect(card.locator(".prep-points")).to_contain_text("Quarterly priorities")
    expect(card.get_by_text("Dana: added points")).to_be_visible()
    expect(card.get_by_placeholder("Add a talking point")).to_have_value("Half-typed thought")
    expect(card.get_by_label("Your private prep note")).to_have_value("Unsaved prep")
    screenshot(lee, "prep-week-lee-live")


def test_a_prep_note_saved_in_another_tab_is_flagged_not_overwritten(sign_in, dana_and_lee):
    pair = dana_and_lee
    lee, card = lees_week(sign_in, pair)
    note = card.get_by_label("Your private prep note")
    note.fill("From this tab")

    meeting_tab = lee.context.new_page()
    meeting_tab.goto(f"/meetings/{pair.meeting_id}")
    meeting_tab.get_by_label("My private note").fill("From the meeting page")
    meeting_tab.get_by_role("button", name="Save private note").click()
    expect(meeting_tab.locator("#private-note")).to_contain_text("Saved")

    # Dana's point refreshes Lee's card; the note he is typing stays, and says why
    # saving it will need a look.
    dana_adds_a_point(sign_in, pair, "Hiring plan")
    expect(card.locator(".prep-points")).to_contain_text("Hiring plan")
    expect(card.locator("form.prep-note")).to_have_attribute(
        "data-changed-meanwhile", re.compile("^You changed this note elsewhere")
    )
    expect(note).to_have_value("From this tab")

    card.get_by_role("button", name="Save note").click()
    expect(card.get_by_text("Your note changed elsewhere")).to_be_visible()
    expect(card.locator("pre.theirs")).to_have_text("From the meeting page")
    expect(note).to_have_value("From this tab")


def test_what_lee_types_while_his_prep_note_saves_stays_in_the_box(sign_in, dana_and_lee):
    pair = dana_and_lee
    lee, card = lees_week(sign_in, pair)
    first_save = HeldRequest(lee, "**/private-note")
    note = card.get_by_label("Your private prep note")
    note.fill("Ask about")
    card.get_by_role("button", name="Save note").click()
    first_save.wait()
    note.click()
    note.press("End")
    note.press_sequentially(" the budget")
    first_save.release()
    expect(card.get_by_text(re.compile("^Saved"))).to_be_visible()
    expect(note).to_have_value("Ask about the budget")
    card.get_by_role("button", name="Save note").click()
    expect(card.locator("form.prep-note[data-unsaved]")).to_have_count(0)
    lee.reload()
    expect(note).to_have_value("Ask about the budget")
    expect(card.get_by_role("alert")).to_have_count(0)


def test_a_new_report_appears_on_lees_open_week(sign_in, server, dana_and_lee):
    pair = dana_and_lee
    lee, card = lees_week(sign_in, pair)
    kim = make_pair(server, "Kim Ito", "Ola Berg")  # someone to report to Lee
    with on_server(server):
        org.start_reporting_line(pair.employee, kim.employee, datetime.date.today(), "UTC")
    # The next signal finds Lee's one-on-ones changed: his page reconnects and brings
    # every card up to date, the new one included.
    dana_adds_a_point(sign_in, pair, "Team growth")
    expect(lee.locator("article.prep-card", has_text="Ola Berg")).to_be_visible()
    expect(card.locator(".prep-points")).to_contain_text("Team growth")


def test_a_question_bank_lee_opened_stays_open_through_a_refresh(sign_in, dana_and_lee):
    lee = sign_in(dana_and_lee.employee)
    # The refetch of every card that the stream asks for on connecting, held until Lee
    # has opened the bank; the page itself loads as usual.
    held = []

    def hold_the_refresh(route):
        if route.request.is_navigation_request() or held:
            route.continue_()
        else:
            held.append(route)

    lee.route(re.compile(r"/this-week$"), hold_the_refresh)
    lee.goto("/this-week")
    card = lee.locator("article.prep-card", has_text="Dana Reyes")
    card.get_by_text("Question bank").click()
    bank = card.locator("details.question-bank")
    expect(bank).to_have_attribute("open", "")
    for _ in range(50):
        if held:
            break
        lee.wait_for_timeout(100)
    with lee.expect_response(re.compile(r"/this-week$")):
        held[0].continue_()
    lee.wait_for_timeout(300)  # the answer's morph
    expect(bank).to_have_attribute("open", "")
    expect(card.get_by_role("button", name=QUESTION)).to_be_visible()


def test_a_folded_card_comes_whole_as_it_scrolls_into_view(sign_in, dana_and_lee, server):
    pair = dana_and_lee
    with on_server(server):
        for n in range(11):
            report = org.create_user(
                f"report{n}.{pair.manager.email}", f"Report {n:02} Of Dana", password=None
            )
            org.start_reporting_line(
                pair.manager,
                report,
                datetime.date.today() - datetime.timedelta(days=30),
                "Europe/London",
            )
    dana = sign_in(pair.manager)
    dana.set_viewport_size({"width": 1280, "height": 700})
    dana.goto("/this-week")
    cards = dana.locator("article.prep-card")
    expect(cards).to_have_count(12)
    folded = dana.locator("article.prep-card.folded")
    expect(folded).to_have_count(4)
    last = folded.last
    expect(last.get_by_role("link")).to_be_visible()
    expect(last.get_by_placeholder("Add a talking point")).to_have_count(0)
    last.scroll_into_view_if_needed()
    expect(dana.locator("article.prep-card.folded")).to_have_count(0)
    card = cards.last
    card.get_by_placeholder("Add a talking point").fill("The team's on-call rota")
    card.get_by_role("button", name="Add", exact=True).click()
    expect(card.locator(".prep-points")).to_contain_text("The team's on-call rota")
    screenshot(dana, "prep-week-many-reports")
