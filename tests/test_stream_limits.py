"""One person cannot take the room everyone else needs: each signed-in browser, and each
person, holds only a few live pages open at once; past that they are asked to come
back later (429), and a pool with every connection busy answers 503 with Retry-After,
never a 500."""

import threading

import pytest

from pmweb.db import db


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
