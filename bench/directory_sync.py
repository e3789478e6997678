"""A company's directory syncing 10,000 people into pmweb over SCIM, against the floor.

1. **Creates**: every person POSTed to /scim/v2/Users with their manager (the
   enterprise extension's ``manager``), level by level down a tree of managers with
   eight reports each, so each manager exists before their reports arrive. Each create
   with a manager starts the reporting line, its handoff and the pair's one-on-one
   with its first meetings, as the administration page does.
2. **Re-sync**: 500 people PATCHed to another manager, which ends the old line the day
   before and starts the new one.

Both run against pmweb in gunicorn (gunicorn.conf.py) and against the floor
(bench/floor_app.py: the same JSON inserted with one row per person and per line, no
validation, no SCIM, no rules) in gunicorn too, from the same number of concurrent
clients with keep-alive connections, on SQLite and on PostgreSQL. Each database runs as
deployed (README, Production): one process on SQLite, whose live updates stay in one
process, and a worker per core on PostgreSQL (``--workers``, 2 on this machine).

    .venv/bin/python bench/directory_sync.py [--people 10000] [--moves 500]
        [--clients 4] [--database sqlite postgres]

It exits non-zero if a sync takes a minute or longer (``--no-check`` only reports)."""

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from meeting_page import free_port  # noqa: E402

from tests.pg_server import PostgresServer, find_bindir  # noqa: E402

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
REPORTS_PER_MANAGER = 8
LIMIT_SECONDS = 60


class Gunicorn:
    def __init__(self, name, target, env, log_dir, chdir, workers):
        self.name, self.port = name, free_port()
        self.log = log_dir / f"{name}.log"
        # The floor's worker as pmweb's (gunicorn.conf.py): threads, keep-alive.
        command = [sys.executable, "-m", "gunicorn", "--workers", str(workers)]
        command += ["--worker-class", "gthread", "--threads", "16", "--keep-alive", "5"]
        command += ["--bind", f"127.0.0.1:{self.port}", target]
        with self.log.open("w") as output:
            self.process = subprocess.Popen(
                command, cwd=chdir, env=os.environ | env, stdout=output, stderr=output
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"{name} stopped at start-up:\n{self.log.read_text()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                connection.request("GET", "/")
                connection.getresponse().read()
                return
            except OSError:
                time.sleep(0.1)
        sys.exit(f"{name} did not answer:\n{self.log.read_text()}")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class Clients:
    """Keep-alive connections, one per thread, and the latency of every request."""

    def __init__(self, port, headers):
        self.port, self.headers = port, headers
        self.local = threading.local()
        self.latencies = []
        self.lock = threading.Lock()

    def send(self, method, path, body):
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=60
            )
        started = time.perf_counter()
        connection.request(method, path, body=json.dumps(body), headers=self.headers)
        response = connection.getresponse()
        payload = response.read()
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latencies.append(elapsed)
        if response.status not in (200, 201, 204):
            raise RuntimeError(f"{method} {path}: {response.status} {payload[:300]!r}")
        return json.loads(payload) if payload else None


def levels(people):
    """Person indexes level by level down the tree; person 0 leads everyone."""
    level, start = [0], 1
    while level:
        yield level
        size = len(level) * REPORTS_PER_MANAGER
        level = list(range(start, min(start + size, people)))
        start += size


def manager_index(person):
    return None if person == 0 else (person - 1) // REPORTS_PER_MANAGER


def moves(people, count, seed=7):
    """``count`` people who manage nobody, each to another manager than their own."""
    managers = sorted({manager_index(p) for p in range(1, people)})
    leaves = [p for p in range(people) if p not in set(managers)]
    chosen = random.Random(seed).sample(leaves, count)
    result = []
    for person in chosen:
        options = [m for m in managers if m != manager_index(person)]
        result.append((person, random.Random(person).choice(options)))
    return result


class Pmweb:
    name = "pmweb SCIM"

    def __init__(self, port, token):
        self.clients = Clients(
            port, {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}
        )

    def create(self, index, manager_id):
        body = {
            "schemas": [CORE, ENTERPRISE],
            "userName": f"person{index}@example.com",
            "externalId": f"ext-{index}",
            "displayName": f"Person {index}",
            "emails": [{"value": f"person{index}@example.com", "primary": True}],
            "active": True,
        }
        if manager_id is not None:
            body[ENTERPRISE] = {"manager": {"value": manager_id}}
        return self.clients.send("POST", "/scim/v2/Users", body)["id"]

    def move(self, person_id, manager_id):
        operation = {
            "op": "replace",
            "path": f"{ENTERPRISE}:manager",
            "value": {"value": manager_id},
        }
        body = {"schemas": [PATCH_OP], "Operations": [operation]}
        self.clients.send("PATCH", f"/scim/v2/Users/{person_id}", body)


class Floor:
    name = "floor"

    def __init__(self, port):
        self.clients = Clients(port, {"Content-Type": "application/json"})

    def create(self, index, manager_id):
        body = {
            "userName": f"person{index}@example.com",
            "displayName": f"Person {index}",
            "manager_id": manager_id,
        }
        return self.clients.send("POST", "/directory/people", body)["id"]

    def move(self, person_id, manager_id):
        self.clients.send("PATCH", f"/directory/people/{person_id}", {"manager_id": manager_id})


def sync(target, people, moves_wanted, clients):
    ids = {}
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for level in levels(people):
            created = pool.map(
                lambda index: (index, target.create(index, ids.get(manager_index(index)))),
                level,
            )
            ids.update(created)
    create_seconds = time.perf_counter() - started
    create_latencies = list(target.clients.latencies)
    target.clients.latencies.clear()
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(lambda move: target.move(ids[move[0]], ids[move[1]]), moves_wanted))
    move_seconds = time.perf_counter() - started
    return create_seconds, create_latencies, move_seconds, list(target.clients.latencies)


def prepare_pmweb(database_url):
    """A migrated database with an administrator and a SCIM token; returns the token."""
    script = (
        "from pmweb import create_app\n"
        "from pmweb.db import db, upgrade\n"
        "from pmweb.directory import tokens\n"
        "from pmweb.models import User\n"
        "app = create_app({'TESTING': True, 'LOG_JSON': False})\n"
        "with app.app_context():\n"
        "    upgrade()\n"
        "    db.connect(reuse_if_open=True)\n"
        "    admin = User.create(name='Ada Admin', email='ada@example.com',\n"
        "                        password_hash='', is_admin=True)\n"
        "    print(tokens.make_token('Bench directory', admin)[1])\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=True,
    )
    return output.stdout.strip().splitlines()[-1]


def prepare_floor(database_url):
    script = (
        "import floor_app\n"
        "floor_app.database.create_tables([floor_app.DirectoryPerson, floor_app.DirectoryLine])\n"
    )
    subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT / "bench",
        env=os.environ | {"FLOOR_DATABASE": database_url},
        check=True,
    )


def milliseconds(latencies):
    ordered = sorted(latencies)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95)] * 1000


def run(database, arguments, work):
    postgres = PostgresServer(find_bindir()).start() if database == "postgres" else None
    try:
        if postgres:
            import psycopg

            with psycopg.connect(postgres.url(), autocommit=True) as connection:
                connection.execute("CREATE DATABASE pmweb_bench")
                connection.execute("CREATE DATABASE floor_bench")
            pmweb_url, floor_url = postgres.url("pmweb_bench"), postgres.url("floor_bench")
        else:
            pmweb_url = f"sqlite:///{work / 'pmweb.sqlite3'}"
            floor_url = str(work / "floor.sqlite3")
        token = prepare_pmweb(pmweb_url)
        prepare_floor(floor_url)
        env = {"DATABASE_URL": pmweb_url, "PMWEB_SECRET_KEY": "bench-" + "x" * 40}
        workers = 1 if database == "sqlite" else arguments.workers
        pmweb = Gunicorn(f"pmweb-{database}", "wsgi:app", env, work, ROOT, workers)
        floor = Gunicorn(
            f"floor-{database}",
            "floor_app:app",
            {"FLOOR_DATABASE": floor_url},
            work,
            ROOT / "bench",
            workers,
        )
        try:
            wanted = moves(arguments.people, arguments.moves)
            results = {}
            for target in (Pmweb(pmweb.port, token), Floor(floor.port)):
                results[target.name] = sync(target, arguments.people, wanted, arguments.clients)
        finally:
            pmweb.stop()
            floor.stop()
    finally:
        if postgres:
            postgres.stop()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--moves", type=int, default=500)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="on PostgreSQL")
    parser.add_argument("--database", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--no-check", action="store_true")
    arguments = parser.parse_args()
    too_slow = []
    print(
        f"{arguments.people} people created with their managers, then {arguments.moves} "
        f"moved to another manager; {arguments.clients} concurrent clients"
    )
    for database in arguments.database:
        with tempfile.TemporaryDirectory(prefix="pmweb-directory-") as folder:
            results = run(database, arguments, Path(folder))
        workers = 1 if database == "sqlite" else arguments.workers
        print(f"\n{database}, {workers} gunicorn worker{'s' if workers > 1 else ''} each")
        print(
            f"{'':24}{'creates s':>10}{'/s':>8}{'median ms':>11}{'p95 ms':>8}"
            f"{'moves s':>9}{'/s':>7}{'median ms':>11}{'p95 ms':>8}{'total s':>9}"
        )
        for name, (create_s, create_l, move_s, move_l) in results.items():
            create_median, create_p95 = milliseconds(create_l)
            move_median, move_p95 = milliseconds(move_l)
            print(
                f"{name:24}{create_s:10.1f}{len(create_l) / create_s:8.0f}{create_median:11.2f}"
                f"{create_p95:8.2f}{move_s:9.2f}{len(move_l) / move_s:7.0f}{move_median:11.2f}"
                f"{move_p95:8.2f}{create_s + move_s:9.1f}"
            )
        pmweb_total = results["pmweb SCIM"][0] + results["pmweb SCIM"][2]
        floor_total = results["floor"][0] + results["floor"][2]
        print(f"ratio to the floor: {pmweb_total / floor_total:.2f}x (total time)")
        if pmweb_total >= LIMIT_SECONDS:
            too_slow.append(f"{database}: {pmweb_total:.1f} s")
    if too_slow and not arguments.no_check:
        sys.exit(f"a directory sync took a minute or longer: {', '.join(too_slow)}")


if __name__ == "__main__":
    main()
