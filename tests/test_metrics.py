"""Prometheus metrics: behind a bearer token, counts only — no person, email, id or
text in any label — and, under gunicorn, the counts of every worker added up."""

import re
import time
import urllib.request
import uuid

import pytest

from tests.servers import Gunicorn, Visitor
from tests.test_request_log import CANARY, CANARY_EMAIL

TOKEN = "metrics-token-5b1e"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def scraped(app):
    app.config["METRICS_TOKEN"] = TOKEN
    return lambda client: client.get("/metrics", headers=BEARER).get_data(as_text=True)


def test_without_the_token_there_is_nothing(app, client):
    assert client.get("/metrics").status_code == 404  # not configured
    app.config["METRICS_TOKEN"] = TOKEN
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers=BEARER).status_code == 200


def value_of(text, series):
    """A series' value in a scrape (0 when absent): counters live as long as the process."""
    found = re.search("^" + re.escape(series) + r" (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def test_labels_name_routes_methods_statuses_and_parts_only(client, actors, login, scraped):
    before = scraped(client)
    client.post("/login", data={"email": CANARY_EMAIL, "password": CANARY})
    login(actors.manager)
    meeting = actors.meeting.id
    client.post(f"/meetings/{meeting}/talking-points?q={CANARY}", data={"text": CANARY})
    client.get(f"/meetings/{meeting}?part=agenda&q={CANARY}")
    client.get(f"/nowhere/{CANARY}")
    text = scraped(client)
    assert CANARY not in text and actors.manager.email not in text
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        for name, value in re.findall(r'(\w+)="([^"]*)"', line):
            assert name in {"route", "method", "status", "part", "le"}, line
            if name == "route":
                assert value == "none" or value.startswith("/"), line
                assert not re.search(r"/\d", value), line  # a template, never an id
    assert 'route="/meetings/<int:meeting_id>/talking-points",status="303"' in text
    for series in (
        "pmweb_sign_in_failures_total",
        'pmweb_live_events_published_total{part="agenda"}',
    ):
        assert value_of(text, series) == value_of(before, series) + 1, series


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # several workers
def test_under_gunicorn_every_workers_counts_are_added_up(app, actors, database_url, tmp_path):
    server = Gunicorn(tmp_path, database_url, uuid.uuid4().hex, workers=3)
    server.env["PMWEB_METRICS_TOKEN"] = TOKEN
    server.start()
    try:
        for _ in range(30):
            urllib.request.urlopen(f"{server.url}/healthz").read()
        request = urllib.request.Request(f"{server.url}/metrics", headers=BEARER)
        for _ in range(5):  # whichever worker answers
            text = urllib.request.urlopen(request).read().decode()
            counted = re.search(
                r'pmweb_requests_total\{method="GET",route="/healthz",status="200"\} (\S+)', text
            )
            assert counted and float(counted.group(1)) >= 30  # the start-up check's too
        with Visitor(server, actors.manager.email).stream(actors.meeting.id):
            for _ in range(5):
                text = urllib.request.urlopen(request).read().decode()
                assert value_of(text, "pmweb_live_streams_open") == 1
        # A closed page's stream is noticed at its next heartbeat (a second here).
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            text = urllib.request.urlopen(request).read().decode()
            if value_of(text, "pmweb_live_streams_open") == 0:
                break
            time.sleep(0.2)
        assert value_of(text, "pmweb_live_streams_open") == 0
    finally:
        server.stop()
