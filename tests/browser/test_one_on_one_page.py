"""The one-on-one's own page in Chromium: searching its past meetings."""

import pytest
from playwright.sync_api import expect

from pmweb.meetings import service
from pmweb.models import Meeting
from tests.browser.conftest import on_server

pytestmark = pytest.mark.browser


def test_a_search_of_past_meetings_reads_as_text_and_can_be_bookmarked(sign_in, server, pair):
    with on_server(server):
        meeting = Meeting.get_by_id(pair.meeting_id)
        Meeting.update(shared_notes="We agreed to **ship the roadmap** by _June_.").where(
            Meeting.id == meeting.id
        ).execute()
        service.complete_meeting(meeting, pair.manager.id)
    page = sign_in(pair.manager)
    page.goto(f"/one-on-ones/{meeting.one_on_one_id}")
    history = page.locator("#history")
    expect(history).to_contain_text("We agreed to ship the roadmap by June.")
    page.get_by_role("searchbox", name="Search this one-on-one").fill("roadmap")
    expect(history).to_contain_text("1 result for “roadmap”")
    expect(history).to_contain_text("We agreed to ship the roadmap by June.")
    expect(history).not_to_contain_text("**")
    expect(page).to_have_url(f"{server.url}/one-on-ones/{meeting.one_on_one_id}?q=roadmap")
    page.reload()
    expect(page.locator("#history")).to_contain_text("1 result for “roadmap”")
