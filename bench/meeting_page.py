"""Meeting page benchmark: pmweb's meeting page for a pair with five years of weekly
meetings and 50 talking points on the current one, against the floor — a bare
Flask + Jinja + peewee page with the same rows (bench/floor_app.py) — both served by
gunicorn (one sync worker each) from the same SQLite file and requested alternately
by the same load generator, so the ratio holds on a noisy machine.

Also counts the SQL queries of the meeting page for the large history and for a pair
with the same agenda and no history: the two must be equal. Then times each live part
of the page as an open page refetches it (``?part=``, as htmx asks for it after a
signal), with its queries and size, next to the full page.

    .venv/bin/python bench/meeting_page.py [--requests 1000] [--part-requests 300] [--no-check]

Exits non-zero when the median exceeds 1.5 × the floor or the query count grows."""

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import floor_app  # noqa: E402
import seed  # noqa: E402
from playhouse.test_utils import count_queries  # noqa: E402

from pmweb import create_app  # noqa: E402
from pmweb.db import db, upgrade  # noqa: E402

TARGET_RATIO = 1.5
MARKER = "Talking point 0 of meeting"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A gunicorn process with one sync worker."""

    def __init__(self, name, target, env, log_dir, chdir=ROOT):
        self.name = name
        self.port = free_port()
        self.log = log_dir / f"{name}.log"
        self.access_log = log_dir / f"{name}-access.log"
        command = [sys.executable, "-m", "gunicorn", "--workers", "1", "--worker-class", "sync"]
        # %(D)s: microseconds the server spent on the request, from its own clock.
        command += [
            "--access-logfile",
            str(self.access_log),
            "--access-logformat",
            "%(m)s %(U)s ?%(q)s %(D)s",
        ]
        command += ["--bind", f"127.0.0.1:{self.port}", "--chdir", str(chdir), target]
        with self.log.open("w") as output:
            self.process = subprocess.Popen(
                command, env=os.environ | env, stdout=output, stderr=output
            )

    def wait(self, path):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"{self.name} stopped at start-up:\n{self.log.read_text()}")
            try:
                status, _, _ = request(self.port, "GET", path)
                if status < 500:
                    return
            except OSError:
                time.sleep(0.1)
        sys.exit(f"{self.name} did not answer:\n{self.log.read_text()}")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def server_times(self, path, last):
        """Server-side seconds of the last ``last`` GETs of ``path``."""
        times = []
        for line in self.access_log.read_text().splitlines():
            method, logged_path, query, micros = line.split()
            if query != "?":
                logged_path += query
            if method == "GET" and logged_path == path:
                times.append(int(micros) / 1_000_000)
        return times[-last:]


def request(port, method, path, headers=None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode()
    finally:
        connection.close()


def cookie_from(headers):
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("pmweb_session="):
            return value.split(";", 1)[0]
    return None


def sign_in(port, email, password):
    """The session cookie of a signed-in browser, the way a browser gets it."""
    status, headers, page = request(port, "GET", "/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password})
    status, headers, _ = request(
        port,
        "POST",
        "/login",
        headers={
            "Cookie": cookie_from(headers),
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=form,
    )
    assert status == 303, f"sign-in failed with {status}"
    return cookie_from(headers)


def timed_get(port, path, headers, marker=MARKER):
    started = time.perf_counter()
    status, _, page = request(port, "GET", path, headers)
    elapsed = time.perf_counter() - started
    if status != 200 or marker not in page:
        sys.exit(f"GET {path} on port {port} gave {status} without {marker!r}")
    return elapsed


# Each live part of the meeting page, as the page refetches it after a signal, and a
# piece of text that its answer must contain.
PARTS = {
    "agenda": MARKER,
    "notes": 'id="shared-notes"',
    "actions": 'id="action-items"',
    "goals": 'id="goals"',
    "plan": 'id="development"',
    "presence": 'id="presence"',
    "meeting": MARKER,
}
PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def query_counts(database_url, meeting_ids):
    """Queries per meeting page (small and large history) and per floor page."""
    app = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False}
    )
    # No app context held around the requests: each gets its own, as in production,
    # so the sign-in session is loaded (and counted) on every page.
    client = app.test_client()
    response = client.post("/login", data={"email": "dana@example.com", "password": seed.PASSWORD})
    assert response.status_code == 303
    counts = {}
    for size, meeting_id in meeting_ids.items():
        if size == "small":
            client.post("/logout")
            client.post("/login", data={"email": "priya@example.com", "password": seed.PASSWORD})
        with count_queries(only_select=True) as counter:
            assert client.get(f"/meetings/{meeting_id}").status_code == 200
        counts[size] = counter.count
        if size == "large":
            for part in PARTS:
                with count_queries(only_select=True) as counter:
                    path = f"/meetings/{meeting_id}?part={part}"
                    assert client.get(path, headers=PARTIAL).status_code == 200
                counts[part] = counter.count
    floor_client = floor_app.app.test_client()
    with count_queries(only_select=True) as counter:
        assert floor_client.get(f"/meetings/{meeting_ids['large']}").status_code == 200
    counts["floor"] = counter.count
    if not db.is_closed():
        db.close()
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000, help="per server (default 1000)")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument(
        "--part-requests", type=int, default=300, help="per live part (default 300)"
    )
    parser.add_argument("--no-check", action="store_true", help="report only; always exit 0")
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="pmweb-bench-"))
    database_file = folder / "bench.sqlite3"
    database_url = f"sqlite:///{database_file}"
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench"})
    started = time.perf_counter()
    with app.app_context():
        upgrade()
    meeting_ids = seed.seed(app)
    print(f"seeded {seed.YEARS} years of weekly meetings in {time.perf_counter() - started:.1f} s")

    floor_app.database.init(str(database_file))
    counts = query_counts(database_url, meeting_ids)

    secret = "benchmark-secret-key"
    pmweb = Server(
        "pmweb", "wsgi:app", {"DATABASE_URL": database_url, "PMWEB_SECRET_KEY": secret}, folder
    )
    floor = Server(
        "floor", "floor_app:app", {"FLOOR_DATABASE": str(database_file)}, folder, ROOT / "bench"
    )
    try:
        pmweb.wait("/login")
        floor.wait(f"/meetings/{meeting_ids['large']}")
        cookie = {"Cookie": sign_in(pmweb.port, "dana@example.com", seed.PASSWORD)}
        path = f"/meetings/{meeting_ids['large']}"
        for _ in range(options.warmup):
            timed_get(pmweb.port, path, cookie)
            timed_get(floor.port, path, {})
        latency = {"pmweb": [], "floor": []}
        for _ in range(options.requests):
            latency["pmweb"].append(timed_get(pmweb.port, path, cookie))
            latency["floor"].append(timed_get(floor.port, path, {}))
        part_sizes = {}
        for part, marker in PARTS.items():
            part_path = f"{path}?part={part}"
            for _ in range(options.part_requests):
                timed_get(pmweb.port, part_path, cookie | PARTIAL, marker)
            part_sizes[part] = len(request(pmweb.port, "GET", part_path, cookie | PARTIAL)[2])
        part_sizes["page"] = len(request(pmweb.port, "GET", path, cookie)[2])
    finally:
        pmweb.stop()
        floor.stop()
    server = {
        "pmweb": pmweb.server_times(path, options.requests),
        "floor": floor.server_times(path, options.requests),
    }
    ratio = report(options.requests, server, latency, counts)
    parts = {
        part: pmweb.server_times(f"{path}?part={part}", options.part_requests) for part in PARTS
    }
    report_parts(options.part_requests, server["pmweb"], parts, part_sizes, counts)

    failures = []
    if ratio > TARGET_RATIO:
        failures.append(f"median server time {ratio:.2f}x the floor exceeds {TARGET_RATIO}x")
    if counts["large"] != counts["small"]:
        failures.append("the query count grows with the history")
    for failure in failures:
        print(f"FAIL: {failure}")
    if failures and not options.no_check:
        sys.exit(1)


def report(requests, server, latency, counts):
    """Prints the table; returns the ratio of median server times."""

    def ms(samples):
        return statistics.median(samples) * 1000, percentile(samples, 0.95) * 1000

    rows = [
        ("pmweb meeting page, 5-year pair", "pmweb", counts["large"]),
        ("floor: Flask + Jinja + peewee", "floor", counts["floor"]),
    ]
    print(f"\n{requests} requests each, alternating, concurrency 1, one sync worker each")
    print(f"{'':<34}{'server time ms':>18}{'client latency ms':>20}{'queries':>9}")
    print(f"{'':<34}{'median':>9}{'p95':>9}{'median':>10}{'p95':>10}")
    for label, name, queries in rows:
        server_median, server_p95 = ms(server[name])
        client_median, client_p95 = ms(latency[name])
        print(
            f"{label:<34}{server_median:>9.2f}{server_p95:>9.2f}"
            f"{client_median:>10.2f}{client_p95:>10.2f}{queries:>9}"
        )
    ratio = statistics.median(server["pmweb"]) / statistics.median(server["floor"])
    p95_ratio = percentile(server["pmweb"], 0.95) / percentile(server["floor"], 0.95)
    client_ratio = statistics.median(latency["pmweb"]) / statistics.median(latency["floor"])
    print(
        f"ratio to the floor: server median {ratio:.2f}x, server p95 {p95_ratio:.2f}x, "
        f"client median {client_ratio:.2f}x (target <= {TARGET_RATIO}x)"
    )
    print(
        f"queries per meeting page: {counts['small']} with no history, "
        f"{counts['large']} with 5 years"
    )
    return ratio


def report_parts(requests, page_times, parts, sizes, counts):
    """Prints what each live refresh costs next to the whole page."""
    print(f"\neach live part as an open page refetches it, {requests} requests each")
    print(f"{'':<34}{'server time ms':>18}{'KB':>8}{'queries':>9}")
    print(f"{'':<34}{'median':>9}{'p95':>9}")
    rows = [("whole page", page_times, sizes["page"], counts["large"])]
    rows += [(f"?part={part}", parts[part], sizes[part], counts[part]) for part in parts]
    for label, samples, size, queries in rows:
        print(
            f"{label:<34}{statistics.median(samples) * 1000:>9.2f}"
            f"{percentile(samples, 0.95) * 1000:>9.2f}{size / 1024:>8.1f}{queries:>9}"
        )


if __name__ == "__main__":
    main()
