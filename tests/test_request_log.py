"""The request log: one JSON line per request with its id, route template, status,
duration and user id — and nothing anyone typed. Canaries go into every field of every
route's form, into query strings and into a sign-in's email; none may reach the log."""

import io
import json
import logging

import pytest

from pmweb import request_log
from tests.test_access import POLICY, World, rules_by_endpoint

CANARY = "canary-3e9d1f"
CANARY_EMAIL = f"{CANARY}@example.com"
FIELDS = {"request_id", "method", "route", "status", "duration_ms", "user_id", "time", "level"}


@pytest.fixture
def logged(app):
    """What the request log and the app's own log write, as text."""
    stream = io.StringIO()
    handler = request_log.json_handler(stream)
    loggers = (request_log.logger, app.logger)
    levels = [each.level for each in loggers]
    for each in loggers:
        each.addHandler(handler)
        each.setLevel(logging.INFO)
    yield stream
    for each, level in zip(loggers, levels, strict=True):
        each.removeHandler(handler)
        each.setLevel(level)


def lines_of(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_request_is_one_line_with_its_route_template(client, actors, login, logged):
    login(actors.manager)
    response = client.get(f"/meetings/{actors.meeting.id}", headers={"X-Request-Id": "lb-1234abcd"})
    assert response.headers["X-Request-Id"] == "lb-1234abcd"
    line = lines_of(logged)[-1]
    assert FIELDS <= set(line)
    assert line["request_id"] == "lb-1234abcd"
    assert (line["method"], line["route"], line["status"]) == (
        "GET",
        "/meetings/<int:meeting_id>",
        200,
    )
    assert line["user_id"] == actors.manager.id
    assert isinstance(line["duration_ms"], float)


def test_a_request_id_a_proxy_would_not_make_is_replaced(client, logged):
    response = client.get("/healthz", headers={"X-Request-Id": "<script>" + "x" * 100})
    made = response.headers["X-Request-Id"]
    assert len(made) == 32 and made.isalnum()
    assert lines_of(logged)[-1]["request_id"] == made


def with_canaries(value):
    return f"{CANARY} {value}" if isinstance(value, str) else value


def test_no_field_query_or_email_reaches_the_log(app, client, actors, login, logged):
    world = World(actors)
    client.post("/login", data={"email": CANARY_EMAIL, "password": CANARY})
    login(actors.manager)
    rules = rules_by_endpoint(app)
    for endpoint, (method, data, _) in sorted(POLICY.items()):
        if endpoint in ("static", "auth.logout"):
            continue
        rule = rules[endpoint][-1]
        with app.test_request_context():
            url = app.url_for(endpoint, **{arg: world.ids[arg] for arg in rule.arguments})
        query = f"?q={CANARY}&next=/{CANARY}&page={CANARY}"
        if method == "GET":
            client.get(url + query)
        else:
            client.post(url + query, data={k: with_canaries(v) for k, v in (data or {}).items()})
    text = logged.getvalue()
    assert CANARY not in text
    assert actors.manager.email not in text and actors.manager.name not in text
    lines = lines_of(logged)
    assert len(lines) >= len(POLICY) - 2
    # Paths hold ids and credentials; only route templates are written.
    assert not any(str(world.ids["token"]) in (line["route"] or "") for line in lines)
