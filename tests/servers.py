"""Real server processes for tests: pmweb in gunicorn, started from the repository
as production starts it (reading gunicorn.conf.py)."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

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

    def __init__(self, folder, database_url, secret, name="server", workers=1):
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
        }
        self.process = None

    def start(self):
        command = [sys.executable, "-m", "gunicorn", "--workers", str(self.workers)]
        command += ["--threads", "64"]
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
