"""The strict Content-Security-Policy in Chromium: every page pmweb serves runs its
scripts (htmx, the live stream, the page's own) and nothing is refused."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_co_editing import connected
from tests.browser.test_meeting_page import add_talking_point, talking_point

pytestmark = pytest.mark.browser


def test_no_page_breaks_the_content_security_policy(sign_in, pair):
    refused = []
    sam = sign_in(pair.employee)

    def watch(message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            refused.append(message.text)

    sam.on("console", watch)
    for path in (
        "/",
        f"/people/{pair.employee.id}/goals",
        f"/people/{pair.employee.id}/plan",
        f"/people/{pair.employee.id}/plan/print",
        f"/people/{pair.employee.id}/feedback",
        "/sharing",
        "/questions",
        "/calendar",
        "/team",
    ):
        sam.goto(path)
        sam.wait_for_load_state("networkidle")
    # The live pages never go idle: their stream stays open.
    sam.goto("/this-week")
    connected(sam)
    sam.goto(f"/meetings/{pair.meeting_id}")
    connected(sam)  # htmx and the stream's extension ran under the policy
    add_talking_point(sam, "Under a strict policy")
    expect(talking_point(sam, "Under a strict policy")).to_be_visible()
    assert refused == []
