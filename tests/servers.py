"""Real server processes for tests: pmweb in gunicorn, started from the repository
as production starts it (reading gunicorn.conf.py)."""

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url, server, log):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped at start-up:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the server did not answer within 30 s:\n{log.read_text()}")


class Gunicorn:
    """pmweb in a real gunicorn process on a fixed port, which a test may stop and
    start again: pages open in the browser then reconnect to the same address."""

    def __init__(self, folder, database_url, secret, name="server", workers=1, threads=64):
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / f"{name}.log"
        self.env = os.environ | {
            "DATABASE_URL": database_url,
            "PMWEB_SECRET_KEY": secret,
            # Every open meeting page holds a thread; a closed one frees it at the next
            # heartbeat, so tests that open many pages need them often.
            "PMWEB_LIVE_HEARTBEAT_SECONDS": "1",
            # Through gunicorn.conf.py, which keeps a share of them for ordinary requests.
            "PMWEB_THREADS": str(threads),
            # The workers' metrics in the test's folder, gone with it.
            "PROMETHEUS_MULTIPROC_DIR": str(folder / f"{name}-metrics"),
        }
        (folder / f"{name}-metrics").mkdir(exist_ok=True)
        self.process = None

    def start(self):
        command = [sys.executable, "-m", "gunicorn", "--workers", str(self.workers)]
        command += ["--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "1", "wsgi:app"]
        with self.log.open("a") as output:
            # A session of its own, so kill() can reach the workers too.
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=output,
                start_new_session=True,
            )
        wait_until_serving(f"{self.url}/login", self.process, self.log)

    def kill(self):
        """Stops gunicorn and its workers at once, as a crash or a power cut would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def pause(self):
        """Stops gunicorn and its workers where they are, closing nothing: an open stream
        then goes silent, as one does behind a closed laptop lid or a dropped Wi-Fi."""
        os.killpg(self.process.pid, signal.SIGSTOP)

    def resume(self):
        os.killpg(self.process.pid, signal.SIGCONT)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


class Visitor:
    """A signed-in person talking HTTP to one server, CSRF token and cookie included."""

    def __init__(self, server, email):
        self.port = server.port
        self.cookie = ""
        _, page = self.request("GET", "/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        form = {"csrf_token": token, "email": email, "password": PASSWORD}
        status, _ = self.request("POST", "/login", form=form)
        assert status == 303, f"sign-in failed: {status} {page[:300]}"
        _, page = self.request("GET", "/")
        self.csrf_token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)

    def connect(self, timeout):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def open(self, method, path, form=None, headers=None, timeout=10):
        """The connection and its response, unread: the caller closes both."""
        connection = self.connect(timeout)
        headers = {"Cookie": self.cookie} | (headers or {})
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("pmweb_session="):
                self.cookie = value.split(";", 1)[0]
        return connection, response

    def request(self, method, path, form=None, headers=None):
        connection, response = self.open(method, path, form, headers)
        with contextlib.closing(connection):
            return response.status, response.read().decode()

    def post(self, path, form):
        headers = HTMX | {"X-CSRFToken": self.csrf_token}
        status, _ = self.request("POST", path, form=form, headers=headers)
        return status

    @contextlib.contextmanager
    def stream(self, meeting_id):
        connection, response = self.open("GET", f"/meetings/{meeting_id}/live", timeout=5)
        with contextlib.closing(connection), contextlib.closing(response):
            assert response.status == 200
            yield response

    def get_part(self, meeting_id, part):
        _, body = self.request("GET", f"/meetings/{meeting_id}?part={part}", headers=HTMX)
        return body
