"""A meeting page rides out a server restart, a stream gone silent and a first
connection refused: it says it is reconnecting, reconnects by itself, and shows what
changed while it was away — without a reload."""

import pytest
from playwright.sync_api import expect

from pmweb.db import connected as database
from pmweb.meetings import service
from pmweb.models import Meeting
from tests.browser.test_co_editing import connected
from tests.browser.test_meeting_page import (
    open_meeting,
    remember_this_page,
    screenshot,
    talking_point,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def server(own_server):
    return own_server


def test_a_restarted_server_resyncs_both_pages(sign_in, pair, server):
    pages = [sign_in(pair.manager), sign_in(pair.employee)]
    for page in pages:
        open_meeting(page, pair)
        connected(page)
        remember_this_page(page)

    server.server.kill()
    for page in pages:
        expect(page.get_by_text("Connection lost — reconnecting")).to_be_visible(timeout=5000)
    screenshot(pages[0], "live-reconnecting")
    # Sam writes notes meanwhile; his save fails, and what he wrote stays.
    sams_notes = pages[1].get_by_label("Shared notes")
    sams_notes.fill("Written while offline")
    pages[1].get_by_role("button", name="Save notes").click()
    # An edit that lands while the pages are cut off: it reaches no stream.
    with server.app.app_context(), database():
        meeting = Meeting.get_by_id(pair.meeting_id)
        service.add_talking_point(meeting, pair.manager.id, "Written during the outage")
    server.server.start()

    for page in pages:
        expect(talking_point(page, "Written during the outage")).to_be_visible(timeout=15_000)
        expect(page.get_by_text("Connection lost — reconnecting")).to_be_hidden()
        assert page.evaluate("window.pmwebSamePage")
    expect(sams_notes).to_have_value("Written while offline")
    pages[1].get_by_role("button", name="Save notes").click()
    expect(pages[0].get_by_label("Shared notes")).to_have_value("Written while offline")
    pages[0].get_by_label("New talking point").fill("After the restart")
    pages[0].get_by_role("button", name="Add", exact=True).click()
    expect(talking_point(pages[1], "After the restart")).to_be_visible(timeout=5000)


def test_a_silent_stream_is_dropped_and_the_page_resyncs(sign_in, pair, server):
    dana = sign_in(pair.manager)
    open_meeting(dana, pair)
    connected(dana)
    remember_this_page(dana)

    # Nothing closes: the stream just stops bringing heartbeats (a second apart here).
    server.server.pause()
    try:
        expect(dana.get_by_text("Connection lost — reconnecting")).to_be_visible(timeout=10_000)
        with server.app.app_context(), database():
            meeting = Meeting.get_by_id(pair.meeting_id)
            service.add_talking_point(meeting, pair.employee.id, "Written while it was silent")
    finally:
        server.server.resume()

    expect(talking_point(dana, "Written while it was silent")).to_be_visible(timeout=15_000)
    expect(dana.get_by_text("Connection lost — reconnecting")).to_be_hidden()
    assert dana.evaluate("window.pmwebSamePage")


def test_a_refused_first_connection_is_tried_again(sign_in, pair):
    dana, sam = sign_in(pair.manager), sign_in(pair.employee)
    refused = []

    def refuse_the_first(route):
        if refused:
            route.continue_()
        else:
            refused.append(route)
            route.fulfill(status=503, body="Too many open pages; try again shortly.")

    # As the server answers a stream beyond its limit; the extension alone would give up.
    dana.route("**/meetings/*/live", refuse_the_first)
    open_meeting(dana, pair)
    connected(dana)
    assert refused
    open_meeting(sam, pair)
    connected(sam)
    sam.get_by_label("New talking point").fill("Seen on the second try")
    sam.get_by_role("button", name="Add", exact=True).click()
    expect(talking_point(dana, "Seen on the second try")).to_be_visible(timeout=5000)
