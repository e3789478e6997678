"""Live updates: content-free signals published after each write and streamed to the
other open pages of the meeting."""

import datetime
import re
import time

import pytest

from pmweb.db import db
from pmweb.goals import service as goals
from pmweb.goals.service import Terms
from pmweb.live import HEARTBEAT, InProcessBroker, PostgresBroker, others_here, week_event_stream
from pmweb.meetings import service
from pmweb.models import Meeting, MeetingPresence, ReportingLine, User, utcnow


def test_a_signal_reaches_every_page_of_that_meeting_and_no_other():
    broker = InProcessBroker()
    danas, sams, elsewhere = broker.subscribe([1]), broker.subscribe([1]), broker.subscribe([2])
    broker.publish(1, "agenda")
    assert danas.next_changes(timeout=0.1) == [(1, "agenda")]
    assert sams.next_changes(timeout=0.1) == [(1, "agenda")]
    assert elsewhere.next_changes(timeout=0.01) == []
    for subscription in (danas, sams, elsewhere):
        subscription.close()
    assert broker.subscriber_count() == 0


def test_a_closed_page_receives_nothing():
    broker = InProcessBroker()
    page = broker.subscribe([1])
    page.close()
    broker.publish(1, "notes")
    assert page.next_changes(timeout=0.01) == []


def test_a_burst_of_changes_is_one_refetch_per_part():
    broker = InProcessBroker()
    page = broker.subscribe([1])
    for part in ("agenda", "agenda", "notes", "agenda", "actions", "notes"):
        broker.publish(1, part)
    assert page.next_changes(timeout=0.1) == [(1, "agenda"), (1, "notes"), (1, "actions")]
    assert page.next_changes(timeout=0.01) == []
    page.close()


def test_one_page_can_follow_several_meetings_and_counts_once():
    broker = InProcessBroker()
    week = broker.subscribe([1, 2])
    broker.publish(2, "agenda")
    broker.publish(3, "agenda")
    broker.publish(1, "actions")
    assert week.next_changes(timeout=0.1) == [(2, "agenda"), (1, "actions")]
    assert broker.subscriber_count() == 1
    week.close()
    assert broker.subscriber_count() == 0


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_lost_postgresql_listener_resyncs_every_open_page(app):
    broker = app.extensions["pmweb_live"]
    page = broker.subscribe([1])
    db.execute_sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE query LIKE 'LISTEN%%' AND pid <> pg_backend_pid()"
    )
    assert page.next_changes(timeout=5) == [(None, "resync")]
    broker.publish(1, "agenda")
    assert page.next_changes(timeout=2) == [(1, "agenda")]
    page.close()


GOAL = Terms(
    title="Raise NPS",
    due=datetime.date.today() + datetime.timedelta(days=60),
    measure="number",
    start_value=32.0,
    target_value=45.0,
)


@pytest.fixture
def streaming(app):
    app.config.update(LIVE_STREAM_SECONDS=5, LIVE_HEARTBEAT_SECONDS=0.05)
    return app


def open_stream(client, meeting):
    response = client.get(f"/meetings/{meeting.id}/live", buffered=False)
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    assert response.headers["X-Accel-Buffering"] == "no"
    chunks = iter(response.response)
    assert "event: resync" in next(chunks).decode()
    return response, chunks


def next_event(chunks, skip=("presence", "alive")):
    """The next event that is not a heartbeat nor one of ``skip``; None if the stream
    ends first."""
    for chunk in chunks:
        for event in chunk.decode().split("\n\n"):
            if event and not event.startswith(":"):
                if not any(f"event: {name}\n" in event for name in skip):
                    return event
    return None


def test_each_kind_of_edit_signals_its_part(streaming, client, actors, login):
    sam = login(actors.report, as_client=streaming.test_client())
    response, events = open_stream(sam, actors.meeting)
    dana = login(actors.manager)
    meeting = actors.meeting.id
    dana.post(f"/meetings/{meeting}/talking-points", data={"text": "Roadmap"})
    assert "event: agenda" in next_event(events)
    dana.post(f"/meetings/{meeting}/shared-notes", data={"shared_notes": "x", "version": "1"})
    assert "event: notes" in next_event(events)
    dana.post(
        f"/meetings/{meeting}/action-items",
        data={"text": "Book", "owner": str(actors.report.id), "due": ""},
    )
    assert "event: actions" in next_event(events)
    dana.post(f"/meetings/{meeting}/private-note", data={"body": "mine only"})
    dana.post(f"/meetings/{meeting}/complete")
    event = next_event(events)
    assert "event: meeting" in event  # the private note sent nothing
    assert "mine only" not in event and "Roadmap" not in event
    response.close()


def test_the_stream_sends_heartbeats_and_no_content(streaming, client, actors, login):
    service.add_talking_point(actors.meeting, actors.manager.id, "Salary review")
    login(actors.report)
    response, chunks = open_stream(client, actors.meeting)
    # Its own arrival, then heartbeats: names of parts and nothing else.
    assert re.fullmatch(rb"id: \d+\nevent: presence\ndata:\n\n", next(chunks))
    assert next(chunks) == b": ping\n\nevent: alive\ndata:\n\n"
    assert next(chunks) == b": ping\n\nevent: alive\ndata:\n\n"
    response.close()


def test_a_stream_that_is_never_read_leaves_nothing_behind(streaming, client, actors, login):
    # A HEAD request runs the view but never reads the body.
    login(actors.report)
    assert client.head(f"/meetings/{actors.meeting.id}/live").status_code == 200
    assert streaming.extensions["pmweb_live"].subscriber_count() == 0
    assert not MeetingPresence.select().exists()


def test_presence_outlasts_a_busy_meeting(streaming, client, actors, login):
    # Edits arriving faster than heartbeats must not let the page's presence lapse.
    sam = login(actors.report, as_client=streaming.test_client())
    response, events = open_stream(sam, actors.meeting)
    broker = streaming.extensions["pmweb_live"]
    busy_until = time.monotonic() + 10 * 0.05
    while time.monotonic() < busy_until:
        broker.publish(actors.meeting.id, "agenda")
        assert next_event(events) is not None
    danas_view = others_here(actors.meeting.id, actors.manager.id, heartbeat_seconds=0.05)
    assert [person.name for person in danas_view] == [actors.report.name]
    response.close()


def test_a_page_that_vanished_is_dropped_from_presence(streaming, client, actors, login):
    stale = utcnow() - datetime.timedelta(minutes=5)
    MeetingPresence.create(
        meeting=actors.meeting, user=actors.manager, stream="gone-page", seen_at=stale
    )
    sam = login(actors.report, as_client=streaming.test_client())
    response, _ = open_stream(sam, actors.meeting)
    assert not MeetingPresence.select().where(MeetingPresence.stream == "gone-page").exists()
    response.close()


def test_every_opened_stream_first_tells_the_page_to_fetch_everything(
    streaming, client, actors, login
):
    # Edits made while the page loaded or while it was disconnected are not lost:
    # open_stream checks that ``resync`` comes first, before and after a reconnection.
    login(actors.report)
    for _ in range(2):
        response, _ = open_stream(client, actors.meeting)
        response.close()


def test_the_other_participant_sees_who_is_here(streaming, client, actors, login):
    sam = login(actors.report, as_client=streaming.test_client())
    dana = login(actors.manager)
    part = f"/meetings/{actors.meeting.id}?part=presence"
    partial = {"HX-Request": "true", "HX-Request-Type": "partial"}
    assert "is here" not in dana.get(part, headers=partial).text
    response, events = open_stream(sam, actors.meeting)
    presence = dana.get(part, headers=partial).text
    assert "Sam is here" in presence and "<html" not in presence
    # Sam does not see himself.
    assert "is here" not in sam.get(part, headers=partial).text
    response.close()
    assert "is here" not in dana.get(part, headers=partial).text


def test_presence_is_announced_to_the_other_page(streaming, client, actors, login):
    dana = login(actors.manager, as_client=streaming.test_client())
    danas_page, danas_events = open_stream(dana, actors.meeting)
    assert "event: presence" in next_event(danas_events, skip=())  # her own arrival
    sam = login(actors.report)
    sams_page, _ = open_stream(sam, actors.meeting)
    assert "event: presence" in next_event(danas_events, skip=())
    sams_page.close()
    assert "event: presence" in next_event(danas_events, skip=())
    danas_page.close()


@pytest.mark.parametrize("how", ["reporting line ended", "account deactivated", "signed out"])
def test_a_stream_stops_when_its_reader_loses_access(app, client, actors, login, how):
    # Heartbeats far apart: the very next event must find the access gone.
    app.config.update(LIVE_STREAM_SECONDS=30, LIVE_HEARTBEAT_SECONDS=20)
    sam = login(actors.report, as_client=app.test_client())
    response, events = open_stream(sam, actors.meeting)
    if how == "reporting line ended":
        ReportingLine.update(ends_on=datetime.date.today() - datetime.timedelta(days=1)).execute()
    elif how == "account deactivated":
        User.update(deactivated_at=datetime.datetime(2026, 1, 1)).where(
            User.id == actors.report.id
        ).execute()
    else:
        sam.post("/logout")
    dana = login(actors.manager)
    dana.post(f"/meetings/{actors.meeting.id}/talking-points", data={"text": "After"})
    assert next_event(events) is None  # the stream ended instead
    response.close()


def test_outsiders_cannot_open_a_stream(client, actors, login):
    login(actors.other_manager)
    assert client.get(f"/meetings/{actors.meeting.id}/live").status_code == 404


def test_the_postgresql_broker_is_chosen_on_postgresql(app):
    broker = app.extensions["pmweb_live"]
    on_postgresql = app.config["DATABASE_URL"].startswith("postgresql")
    assert isinstance(broker, PostgresBroker) == on_postgresql


def test_a_former_participant_cannot_reopen_a_stream(client, actors, login):
    # Reading an ended pair's meetings stays allowed; following them live does not,
    # so a page whose access ended stops reconnecting instead of looping.
    ReportingLine.update(ends_on=datetime.date.today() - datetime.timedelta(days=1)).execute()
    login(actors.report)
    assert client.get(f"/meetings/{actors.meeting.id}").status_code == 200
    assert client.get(f"/meetings/{actors.meeting.id}/live").status_code == 404


def test_a_full_process_asks_new_pages_to_retry_later(streaming, client, actors, login):
    streaming.config["LIVE_MAX_STREAMS"] = 1
    login(actors.report)
    first, _ = open_stream(client, actors.meeting)
    second = client.get(f"/meetings/{actors.meeting.id}/live")
    assert second.status_code == 503 and second.headers["Retry-After"]
    first.close()
    again, _ = open_stream(client, actors.meeting)
    again.close()


def test_goal_changes_reach_the_open_meetings_of_the_employee(streaming, client, actors, login):
    goal = goals.propose_goal(actors.report, actors.report, "employee", GOAL)
    goals.agree(goal, "manager", actors.manager.id, 1, actors.manager.id)
    sam = login(actors.report, as_client=streaming.test_client())
    response, events = open_stream(sam, actors.meeting)
    dana = login(actors.manager)
    dana.post(f"/goals/{goal.id}/check-ins", data={"value": "36", "confidence": "on_track"})
    assert "event: goals" in next_event(events)
    response.close()


# --- "This week" follows every open meeting of the user's one-on-ones ---------------


def open_week_stream(client):
    response = client.get("/this-week/live", buffered=False)
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    chunks = iter(response.response)
    assert "event: resync" in next(chunks).decode()
    return response, chunks


def test_this_week_hears_of_any_open_meeting_of_its_pairs_by_card(streaming, client, actors, login):
    sam = login(actors.report, as_client=streaming.test_client())
    response, chunks = open_week_stream(sam)
    dana = login(actors.manager)
    # Another pair's meeting and Dana's private note tell Sam's page nothing.
    priya = login(actors.other_manager, as_client=streaming.test_client())
    other_meeting = actors.other_pair.meetings.first()
    priya.post(f"/meetings/{other_meeting.id}/talking-points", data={"text": "Elsewhere"})
    dana.post(f"/meetings/{actors.meeting.id}/private-note", data={"body": "mine only"})
    assert [next(chunks) for _ in range(5)] == [HEARTBEAT.encode()] * 5

    later = actors.pair.meetings.order_by(Meeting.scheduled_for.desc()).first()
    dana.post(f"/meetings/{later.id}/talking-points", data={"text": "Roadmap"})
    event = next_event(chunks)
    assert re.fullmatch(rf"id: \d+\nevent: changed-{actors.pair.id}\ndata:", event)
    dana.post(f"/meetings/{actors.meeting.id}/complete")
    assert f"event: changed-{actors.pair.id}\n" in next_event(chunks)
    response.close()


def test_a_week_stream_follows_meetings_planned_after_it_opened(app):
    broker = InProcessBroker()
    # Meeting 1 of pair 10 is completed, and the completion plans meeting 2.
    body = week_event_stream(
        broker,
        {1: 10},
        lambda: {2: 10},
        may_continue=lambda: True,
        heartbeat=0.05,
        lifetime=5,
    )
    assert "event: resync" in next(body)
    broker.publish(1, "meeting")
    assert "event: changed-10\n" in next(body)
    broker.publish(2, "agenda")
    assert "event: changed-10\n" in next(body)
    broker.publish(1, "agenda")  # late, from a page still open on the completed one
    assert "event: changed-10\n" in next(body)
    body.close()
    assert broker.subscriber_count() == 0


def test_this_week_stops_when_a_one_on_one_ends(app, client, actors, login):
    app.config.update(LIVE_STREAM_SECONDS=30, LIVE_HEARTBEAT_SECONDS=20)
    sam = login(actors.report, as_client=app.test_client())
    response, chunks = open_week_stream(sam)
    ReportingLine.update(ends_on=datetime.date.today() - datetime.timedelta(days=1)).where(
        ReportingLine.employee == actors.report.id
    ).execute()
    login(actors.manager).post(
        f"/meetings/{actors.meeting.id}/talking-points", data={"text": "After"}
    )
    assert next_event(chunks) is None  # the page reconnects and follows what is current
    response.close()
    # Its card, fetched again, is gone.
    card = sam.get(f"/this-week?card={actors.pair.id}").get_data(as_text=True)
    assert "one-on-one-" not in card


def test_someone_without_one_on_ones_gets_no_week_stream(client, actors, login):
    login(actors.hr)
    assert client.get("/this-week/live").status_code == 204


def test_this_week_stops_when_the_sign_in_ends(app, client, actors, login):
    app.config.update(LIVE_STREAM_SECONDS=30, LIVE_HEARTBEAT_SECONDS=20)
    sam = login(actors.report, as_client=app.test_client())
    response, events = open_week_stream(sam)
    sam.post("/logout")
    login(actors.manager).post(
        f"/meetings/{actors.meeting.id}/talking-points", data={"text": "After"}
    )
    assert next_event(events) is None
    response.close()
    assert app.extensions["pmweb_live"].subscriber_count() == 0


def test_a_card_fetched_alone_is_only_ever_ones_own(client, actors, login):
    dana = login(actors.manager)
    own = dana.get(f"/this-week?card={actors.pair.id}").get_data(as_text=True)
    assert f'id="one-on-one-{actors.pair.id}"' in own and "<html" not in own
    others = dana.get(f"/this-week?card={actors.other_pair.id}")
    assert others.status_code == 200
    assert "one-on-one-" not in others.get_data(as_text=True)
    assert "Alex Kim" not in others.get_data(as_text=True)


def test_a_new_rhythm_reaches_the_open_pages_of_the_meetings_it_moved(
    streaming, client, actors, login
):
    sam = login(actors.report, as_client=streaming.test_client())
    later = actors.pair.meetings.order_by(Meeting.scheduled_for.desc()).first()
    response, events = open_stream(sam, later)
    login(actors.manager).post(
        f"/one-on-ones/{actors.pair.id}/cadence",
        data={"cadence": "biweekly", "weekday": "3", "time_of_day": "15:00"},
    )
    assert "event: meeting" in next_event(events)
    response.close()
