"""A change of manager in Chromium: the administrator makes Hana Sam's manager. Hana
sees only the titles of Sam's agreed goals; Sam learns of the change on Home and
carries his development plan over; Hana then reads the plan, and Sam sees her reads."""

import datetime
import uuid

import pytest
from playwright.sync_api import expect

from pmweb.goals import service as goals
from pmweb.growth import service as growth
from pmweb.growth.service import FeedbackTerms
from pmweb.org import service as org
from tests.browser.conftest import PASSWORD, on_server
from tests.browser.test_meeting_page import screenshot
from tests.test_access import GOAL_TERMS

pytestmark = pytest.mark.browser


def person(server, name, is_admin=False):
    # The browser tests share one server: a name of its own, so no other test picks
    # this person from a list by name.
    with on_server(server):
        return org.create_user(
            f"{name.split()[0].lower()}.{uuid.uuid4().hex[:8]}@example.com",
            name,
            is_admin=is_admin,
            password=PASSWORD,
        )


def test_a_new_manager_sees_what_sam_carries_over_and_sam_sees_her_reads(sign_in, pair, server):
    sam_id = pair.employee.id
    with on_server(server):
        goal = goals.propose_goal(pair.employee, pair.employee, "employee", GOAL_TERMS)
        goals.agree(goal, "manager", pair.manager.id, 1, pair.manager.id)
        goals.check_in(goal, pair.manager, 38.0, "at_risk", "Churn is the blocker")
        texts = {"aspiration": "Lead a team", "strengths": "Calm", "growth_areas": "Delegation"}
        growth.save_plan(sam_id, sam_id, texts, 0)
        growth.write_feedback(
            sam_id,
            pair.manager.id,
            sam_id,
            FeedbackTerms(kind="praise", body="Superb incident review"),
            send=True,
        )
    hana = person(server, "Hana Lindqvist")
    admin = person(server, "Ada Admin", is_admin=True)

    ada = sign_in(admin)
    ada.goto("/admin/reporting-lines")
    start_line = ada.locator("#start-line")
    # Typing part of a name fills the field's suggestions from the server.
    # (Every test has a Sam Okafor of its own: this one is told by his address.)
    employee = start_line.get_by_label("Person")
    employee.press_sequentially(pair.employee.email.split("@")[0], delay=20)
    suggestion = start_line.locator(f'#employee-choices option[value="{pair.employee.email}"]')
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_have_text("Sam Okafor")
    employee.fill(pair.employee.email)
    start_line.get_by_label("Reports to").fill(hana.email)
    start_line.locator("input[name=starts_on]").fill(datetime.date.today().isoformat())
    ada.get_by_role("button", name="Start reporting line").click()
    expect(ada.locator(".flash")).to_contain_text("reports to Hana Lindqvist")
    screenshot(ada, "handoff-admin")

    hana_page = sign_in(hana)
    hana_page.goto(f"/people/{sam_id}/goals")
    expect(hana_page.get_by_text(GOAL_TERMS.title)).to_be_visible()
    expect(hana_page.get_by_text("you see their titles only")).to_be_visible()
    expect(hana_page.get_by_text("Churn is the blocker")).to_have_count(0)
    screenshot(hana_page, "handoff-new-manager-goals")
    hana_page.goto(f"/people/{sam_id}/plan")
    expect(hana_page.get_by_text("has not carried their development plan over")).to_be_visible()
    expect(hana_page.get_by_text("Lead a team")).to_have_count(0)
    hana_page.goto(f"/people/{sam_id}/feedback")
    expect(hana_page.get_by_text("Superb incident review")).to_have_count(0)

    sam = sign_in(pair.employee)
    banner = sam.locator("#handoff-to-decide")
    expect(banner).to_contain_text("Hana Lindqvist is your manager from")
    expect(sam.locator("#account-changes")).to_contain_text("Ada Admin")
    expect(sam.locator("#account-changes")).to_contain_text("Your reporting line to Hana Lindqvist")
    screenshot(sam, "handoff-home")
    banner.get_by_role("button", name="Choose what to carry over").click()
    sam.get_by_role("group", name="Your goals").get_by_label("Keep to myself").check()
    sam.get_by_role("group", name="Your development plan").get_by_label("Carry over").check()
    sam.get_by_role("group", name="Your feedback").get_by_label("Keep to myself").check()
    screenshot(sam, "handoff-choice")
    sam.get_by_role("button", name="Save my choice").click()
    expect(sam.locator(".flash")).to_contain_text("Hana sees what you carried over")

    hana_page.goto(f"/people/{sam_id}/plan")
    expect(hana_page.locator("#plan-texts .prose").first).to_have_text("Lead a team")
    hana_page.goto(f"/people/{sam_id}/feedback")
    expect(hana_page.get_by_text("Superb incident review")).to_have_count(0)

    sam.goto("/sharing/reads")
    row = sam.get_by_role("row", name="Hana Lindqvist")
    expect(row.first).to_contain_text("what you carried over to them as your manager")
    screenshot(sam, "handoff-reads")
