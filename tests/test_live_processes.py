"""Live updates across real server processes: on PostgreSQL an edit made through one
process reaches a page whose stream another process serves; on SQLite, where signals
stay inside one process, gunicorn refuses to start several workers."""

import contextlib
import os
import subprocess
import sys
import time
import uuid

import pytest

from tests.servers import ROOT, Gunicorn, Visitor


def next_event(stream, within):
    """The name of the next event on an open stream, skipping heartbeats and presence."""
    deadline = time.monotonic() + within
    name = None
    while time.monotonic() < deadline:
        line = stream.fp.readline().decode().strip()
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif not line and name:
            if name not in ("presence", "resync", "alive"):
                return name
            name = None
    return None


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_an_edit_through_one_process_reaches_a_stream_of_another(
    database_url, app, actors, tmp_path
):
    secret = uuid.uuid4().hex
    first = Gunicorn(tmp_path, database_url, secret, name="first")
    second = Gunicorn(tmp_path, database_url, secret, name="second")
    first.start()
    second.start()
    try:
        meeting = actors.meeting.id
        sam = Visitor(second, actors.report.email)
        dana = Visitor(first, actors.manager.email)
        with sam.stream(meeting) as stream:
            sent = time.monotonic()
            edit = {"text": "Across processes"}
            assert dana.post(f"/meetings/{meeting}/talking-points", edit) == 200
            assert next_event(stream, within=2) == "agenda"
            assert time.monotonic() - sent < 1
        assert "Across processes" in sam.get_part(meeting, "agenda")
    finally:
        first.stop()
        second.stop()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_several_workers_of_one_server_share_signals_on_postgresql(
    database_url, app, actors, tmp_path
):
    server = Gunicorn(tmp_path, database_url, uuid.uuid4().hex, workers=3)
    server.start()
    try:
        meeting = actors.meeting.id
        sam = Visitor(server, actors.report.email)
        dana = Visitor(server, actors.manager.email)
        # Several streams, so the workers that serve them are not all the same one.
        with contextlib.ExitStack() as open_pages:
            streams = [open_pages.enter_context(sam.stream(meeting)) for _ in range(6)]
            notes = {"shared_notes": "Seen by every worker", "version": "1"}
            assert dana.post(f"/meetings/{meeting}/shared-notes", notes) == 200
            assert [next_event(stream, within=2) for stream in streams] == ["notes"] * 6
    finally:
        server.stop()


def test_several_workers_with_in_process_signals_refuse_to_start(tmp_path):
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'pmweb.sqlite3'}",
        "PMWEB_SECRET_KEY": uuid.uuid4().hex,
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", "127.0.0.1:0"]
    result = subprocess.run(
        [*command, "wsgi:app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "cannot run 2 worker processes with in-process live updates" in result.stderr
