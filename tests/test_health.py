"""Health for a load balancer: /healthz (the process answers) and /readyz (the database
answers, the migrations are current, live updates reach the process), for anyone,
with no cookie, no content and nothing about versions."""

import re

from peewee import fn

from pmweb import create_app, live
from pmweb.db import close_pool, db, migration_runner
from tests.servers import free_port


def test_the_process_answers_for_anyone(client):
    response = client.get("/healthz")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ok\n")
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_ready_when_the_database_the_migrations_and_live_updates_are(client, actors):
    response = client.get("/readyz")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ready\n")
    assert "Set-Cookie" not in response.headers


def test_a_pending_migration_is_not_ready(client):
    history = migration_runner().History
    last = history.select(fn.MAX(history.name)).scalar()
    history.delete().where(history.name == last).execute()
    response = client.get("/readyz")
    assert (response.status_code, response.get_data(as_text=True)) == (
        503,
        "not ready: migrations\n",
    )


def test_a_database_that_does_not_answer_is_named_and_nothing_else(app, tmp_path):
    close_pool()
    unreachable = f"postgresql://pmweb@127.0.0.1:{free_port()}/pmweb?connect_timeout=1"
    broken = create_app({"DATABASE_URL": unreachable, "SECRET_KEY": "x" * 32, "TESTING": True})
    try:
        response = broken.test_client().get("/readyz")
        body = response.get_data(as_text=True)
        assert response.status_code == 503
        assert body.startswith("not ready: database")
        # No error text, address or version escapes in the answer.
        assert not re.search(r"127\.0\.0\.1|psycopg|peewee|[0-9]+\.[0-9]+\.[0-9]+", body)
    finally:
        live.broker(broken).close()
        close_pool()
        db.initialize(None)
        create_app({"DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "x" * 32})
