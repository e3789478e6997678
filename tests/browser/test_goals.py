"""Goals in Chromium, as Sam and Dana agree on one: Sam proposes, Dana agrees, Dana
raises the target and the goal waits for Sam again, Sam agrees, and a check-in made
in their meeting shows on the goal's progress chart."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.test_co_editing import connected
from tests.browser.test_meeting_page import open_meeting, screenshot

pytestmark = pytest.mark.browser


def test_sam_and_dana_agree_on_a_goal_and_track_it_in_their_meeting(sign_in, pair):
    sam = sign_in(pair.employee)
    sam.get_by_role("link", name="Goals", exact=True).click()
    sam.get_by_role("button", name="Propose a goal").click()
    sam.get_by_label("Goal", exact=True).fill("Raise the onboarding NPS")
    sam.get_by_label("Why it matters").fill("New customers who struggle early leave early.")
    due = datetime.date.today() + datetime.timedelta(days=90)
    sam.get_by_label("Due").fill(due.isoformat())
    expect(sam.locator("textarea[name=milestones]")).to_be_hidden()
    sam.get_by_role("radio", name="Milestones").check()
    expect(sam.get_by_label("From")).to_be_hidden()
    expect(sam.locator("textarea[name=milestones]")).to_be_visible()
    sam.get_by_role("radio", name="A number").check()
    sam.get_by_label("From").fill("32")
    sam.get_by_label("To", exact=True).fill("45")
    sam.get_by_label("Unit").fill("NPS")
    sam.get_by_role("button", name="Propose").click()
    expect(sam.get_by_role("heading", name="Waiting for Dana to agree")).to_be_visible()
    goal_url = sam.url

    dana = sign_in(pair.manager)
    dana.get_by_role("row", name="Sam Okafor").get_by_role("link", name="Goals").click()
    dana.get_by_role("link", name="Raise the onboarding NPS").click()
    expect(dana.get_by_role("heading", name="Waiting for you to agree")).to_be_visible()
    dana.get_by_role("button", name="Agree to this goal").click()
    expect(dana.locator(".goal-status .badge")).to_have_text("Agreed")

    dana.get_by_role("button", name="Change").click()
    dana.get_by_label("To", exact=True).fill("50")
    dana.get_by_role("button", name="Save and ask to agree").click()
    expect(dana.get_by_role("heading", name="Waiting for Sam to agree")).to_be_visible()

    sam.goto(goal_url)
    agreement = sam.locator("#agreement")
    expect(agreement.get_by_role("heading")).to_have_text("Waiting for you to agree")
    expect(agreement.get_by_role("row", name="Target")).to_contain_text("45")
    expect(agreement.get_by_role("row", name="Target")).to_contain_text("50")
    screenshot(sam, "goal-changed-awaiting-agreement")
    sam.get_by_role("button", name="Agree to this goal").click()
    expect(sam.locator(".goal-status .badge")).to_have_text("Agreed")
    expect(sam.locator(".goal-chart circle")).to_have_count(0)

    open_meeting(dana, pair)
    connected(dana)
    goal_row = dana.locator("li.meeting-goal", has_text="Raise the onboarding NPS")
    expect(goal_row).to_contain_text("No check-in yet")
    goal_row.get_by_label("Now at").fill("38")
    goal_row.get_by_label("Confidence").select_option("at_risk")
    goal_row.get_by_label("Check-in note").fill("Survey response rate is low")
    goal_row.get_by_role("button", name="Check in").click()
    expect(goal_row).to_contain_text("38 NPS of 50 NPS")
    expect(goal_row).to_contain_text("At risk")
    expect(goal_row.get_by_label("Check-in note")).to_have_value("")
    screenshot(dana, "goal-in-meeting")

    sam.reload()
    expect(sam.locator(".goal-chart circle")).to_have_count(1)
    expect(sam.locator(".progress-summary .big")).to_have_text("38 NPS")
    expect(sam.get_by_text("Survey response rate is low")).to_be_visible()
    screenshot(sam, "goal-page")


def test_a_milestone_list_has_one_mark_per_milestone_inside_its_card(sign_in, server, pair):
    import dataclasses

    from pmweb.goals import service as goals
    from pmweb.models import User
    from tests.browser.conftest import on_server
    from tests.test_access import GOAL_TERMS

    terms = dataclasses.replace(
        GOAL_TERMS, measure="milestones", milestones=("Interview five customers", "Ship a fix")
    )
    with on_server(server):
        sam = User.get_by_id(pair.employee.id)
        goal = goals.propose_goal(sam, sam, "employee", terms)
        goals.agree(goal, "manager", pair.manager.id, 1, pair.manager.id)
    page = sign_in(pair.employee)
    page.goto(f"/goals/{goal.id}")
    milestones = page.locator("ul.milestones > li")
    expect(milestones).to_have_count(2)
    for index in range(2):
        style = milestones.nth(index).evaluate("li => getComputedStyle(li).listStyleType")
        assert style == "none"
    card = page.locator("ul.milestones").evaluate(
        "ul => ul.closest('section, article, .card').getBoundingClientRect().left"
    )
    first = milestones.first.evaluate("li => li.getBoundingClientRect().left")
    assert first >= card
    screenshot(page, "goal-with-milestones")
