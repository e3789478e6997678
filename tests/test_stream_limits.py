"""One person cannot take the room everyone else needs: each signed-in browser, and each
person, holds only a few live pages open at once; past that they are asked to come
back later (429), and a pool with every connection busy answers 503 with Retry-After,
never a 500."""

import collections
import concurrent.futures
import contextlib
import threading
import time

import pytest

from pmweb.db import db
from tests.conftest import make_reporting_line, make_user
from tests.servers import Gunicorn, Visitor


def open_streams(client, meeting, count):
    return [client.get(f"/meetings/{meeting.id}/live") for _ in range(count)]


@pytest.fixture
def limits(app):
    app.config.update(LIVE_STREAMS_PER_SESSION=3, LIVE_STREAMS_PER_PERSON=5)


def test_a_browser_holds_a_few_live_pages_and_is_asked_to_retry_past_them(
    app, actors, login, limits
):
    dana = login(actors.manager, as_client=app.test_client())
    held = open_streams(dana, actors.meeting, 3)
    assert [r.status_code for r in held] == [200, 200, 200]
    refused = dana.get(f"/meetings/{actors.meeting.id}/live")
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    held.pop().close()
    again = dana.get(f"/meetings/{actors.meeting.id}/live")
    assert again.status_code == 200
    for response in held + [again]:
        response.close()


def test_a_person_across_browsers_has_a_limit_too_and_others_are_unaffected(
    app, actors, login, limits
):
    first = login(actors.manager, as_client=app.test_client())
    second = login(actors.manager, as_client=app.test_client())
    held = open_streams(first, actors.meeting, 3) + open_streams(second, actors.meeting, 2)
    assert all(r.status_code == 200 for r in held)
    third = login(actors.manager, as_client=app.test_client())
    assert third.get(f"/meetings/{actors.meeting.id}/live").status_code == 429
    sam = login(actors.report, as_client=app.test_client())
    sams = sam.get(f"/meetings/{actors.meeting.id}/live")
    assert sams.status_code == 200
    for response in held + [sams]:
        response.close()


def test_a_stream_never_read_still_gives_its_place_back(app, actors, login, limits):
    dana = login(actors.manager, as_client=app.test_client())
    for _ in range(10):
        response = dana.head(f"/meetings/{actors.meeting.id}/live")
        assert response.status_code == 200
        response.close()


def test_a_busy_pool_answers_503_with_retry_after_not_500(app, actors, login):
    dana = login(actors.manager, as_client=app.test_client())
    pool = db.obj
    # peewee's pool keeps its limits in these attributes (playhouse.pool, pinned).
    limit, wait = pool._max_connections, pool._wait_timeout
    pool._max_connections, pool._wait_timeout = len(pool._in_use), 0.05
    answers = []
    # Another thread, as a request of its own: this one holds the test's connection.
    asking = threading.Thread(target=lambda: answers.append(dana.get("/")))
    try:
        asking.start()
        asking.join()
    finally:
        pool._max_connections, pool._wait_timeout = limit, wait
    [response] = answers
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "pmweb is busy" in response.get_data(as_text=True)


def test_under_gunicorn_hundreds_of_streams_leave_ordinary_pages_served(app, actors, tmp_path):
    """The attack that took a worker down: one person asks for 200 live pages, fifty
    people hold 300 more. The process keeps 16 of its 160 threads for ordinary requests
    (gunicorn.conf.py), so pages are still served at once, and every stream it cannot
    take is asked to come back: 429 for the person, 503 for the process, never a 500."""
    pairs = [
        make_reporting_line(
            make_user(f"Manager {n}", f"manager{n}@example.com"),
            make_user(f"Report {n}", f"report{n}@example.com"),
        )
        for n in range(25)
    ]
    server = Gunicorn(tmp_path, app.config["DATABASE_URL"], app.config["SECRET_KEY"], threads=160)
    server.start()
    statuses = collections.Counter()
    try:
        with contextlib.ExitStack() as held:

            def ask_for_stream(visitor, meeting_id):
                connection, response = visitor.open("GET", f"/meetings/{meeting_id}/live")
                statuses[response.status] += 1
                if response.status == 200:
                    held.callback(connection.close)
                else:
                    response.read()
                    connection.close()

            dana = Visitor(server, actors.manager.email)
            for _ in range(200):
                ask_for_stream(dana, actors.meeting.id)
            assert statuses == {200: 6, 429: 194}

            for pair in pairs:
                meeting = pair.meetings.get()
                for person in (pair.manager, pair.employee):
                    visitor = Visitor(server, person.email)
                    for _ in range(6):
                        ask_for_stream(visitor, meeting.id)
            assert statuses == {200: 144, 429: 194, 503: 162}

            sam = Visitor(server, actors.report.email)

            def ordinary_page(_):
                started = time.monotonic()
                status, _ = sam.request("GET", "/")
                return status, time.monotonic() - started

            with concurrent.futures.ThreadPoolExecutor(16) as requests:
                answers = list(requests.map(ordinary_page, range(48)))
            assert {status for status, _ in answers} == {200}
            assert max(seconds for _, seconds in answers) < 5, answers
    finally:
        server.stop()
    log = server.log.read_text()
    assert "Traceback" not in log and "WORKER TIMEOUT" not in log, log[-3000:]
