"""Sharing in Chromium: Sam shares his development plan with Hana, an HR partner,
for seven days. Hana reads it and nothing else of Sam's; Sam sees her read; Sam stops
sharing and Hana's next request finds nothing."""

import uuid

import pytest
from playwright.sync_api import expect

from pmweb.growth import service as growth
from pmweb.org import service as org
from tests.browser.conftest import PASSWORD, on_server
from tests.browser.test_meeting_page import screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def hana(server):
    """Hana, under a name of her own: other tests on the same server have a Hana Berg
    too, and the sharing form lists everyone."""
    tag = uuid.uuid4().hex[:6].upper()
    with on_server(server):
        person = org.create_user(
            f"hana.{tag.lower()}@example.com", f"Hana Berg-{tag}", password=PASSWORD
        )
    return person


def test_sam_shares_his_plan_with_hana_and_then_stops(sign_in, pair, hana, server):
    with on_server(server):
        texts = {"aspiration": "Lead a team", "strengths": "Calm", "growth_areas": "Delegation"}
        growth.save_plan(pair.employee.id, pair.employee.id, texts, 0)
    sam = sign_in(pair.employee)
    sam.locator(".site-header").get_by_role("link", name="Sharing").click()
    sam.get_by_label("Share with").select_option(label=hana.name)
    sam.get_by_label("What").select_option(label="Development plan")
    sam.get_by_label("For how many days").fill("7")
    sam.get_by_label("Message (optional)").fill("For our mentoring sessions")
    sam.get_by_role("button", name="Share", exact=True).click()
    grant = sam.locator("#grants li.grant", has_text=hana.name)
    expect(grant).to_contain_text("Development plan")
    screenshot(sam, "sharing")

    hana_page = sign_in(hana)
    hana_page.locator(".site-header").get_by_role("link", name="Sharing").click()
    hana_page.get_by_role("link", name="Sam Okafor's development plan").click()
    expect(hana_page.get_by_role("heading", name="Sam Okafor's development plan")).to_be_visible()
    expect(hana_page.locator(".shared-banner")).to_contain_text("For our mentoring sessions")
    expect(hana_page.get_by_text("Lead a team")).to_be_visible()
    expect(hana_page.get_by_text("Edit the plan")).to_have_count(0)
    screenshot(hana_page, "shared-plan")
    plan_url = hana_page.url
    for other in (
        f"/people/{pair.employee.id}/feedback",
        f"/people/{pair.employee.id}/goals",
        f"/meetings/{pair.meeting_id}",
    ):
        response = hana_page.goto(other)
        assert response.status == 404, other

    sam.get_by_role("button", name="Who has seen my data").click()
    row = sam.get_by_role("row", name=hana.name)
    expect(row).to_contain_text("Development plan")
    screenshot(sam, "who-has-seen-my-data")

    sam.get_by_role("link", name="Sharing").first.click()
    sam.locator("#grants li.grant", has_text=hana.name).get_by_role(
        "button", name="Stop sharing"
    ).click()
    expect(sam.get_by_text("You share nothing.")).to_be_visible()
    assert hana_page.goto(plan_url).status == 404


def test_after_a_change_of_manager_sam_shares_his_old_meetings_with_the_new_one(
    sign_in, pair, server
):
    import datetime

    with on_server(server):
        morgan = org.create_user(
            f"morgan.{uuid.uuid4().hex[:8]}@example.com", "Morgan Lee", password=PASSWORD
        )
        org.start_reporting_line(morgan, pair.employee, datetime.date.today(), "Europe/London")
    sam = sign_in(pair.employee)
    sam.get_by_role("link", name="See who can read what").click()
    expect(sam.get_by_role("heading", name="Morgan Lee, your manager now")).to_be_visible()
    screenshot(sam, "handoff")
    sam.get_by_role("button", name="Share these meetings with Morgan").click()
    expect(sam.get_by_text("You share these meetings with Morgan")).to_be_visible()

    morgan_page = sign_in(morgan)
    assert morgan_page.goto(f"/meetings/{pair.meeting_id}").status == 200
    expect(morgan_page.locator(".shared-banner")).to_contain_text("Sam Okafor shared this")
    expect(morgan_page.get_by_text("My private note")).to_have_count(0)
