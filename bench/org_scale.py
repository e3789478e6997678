"""A 10,000-person company on one machine: every administration list, "This week" of a
manager with 47 reports and the meeting page, timed on the server next to the floor
page, with their sizes and query counts; the CSV import of 10,000 people and the
weekly digest for everyone, with their time and peak memory; and on PostgreSQL the
meeting page's and This week's throughput at 1, 2 and 4 gunicorn workers.

The company: a tree of managers with eight reports each under one head, and one
manager with 47 reports; every reporting line a year old with its one-on-one and next
week's meeting; 500 pairs (the 47 among them) with a year of weekly meetings, three
talking points and an action item each, two agreed goals with check-ins, and feedback.

    .venv/bin/python bench/org_scale.py [--people 10000] [--requests 60]
        [--database sqlite postgres] [--no-check]

Exits non-zero when a page's median server time, an import or a digest misses the
issue's goal (``--no-check`` only reports)."""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from meeting_page import Server, free_port, request, sign_in  # noqa: E402
from playhouse.test_utils import count_queries  # noqa: E402

from pmweb import create_app  # noqa: E402
from pmweb.db import db, insert_rows, upgrade, write_transaction  # noqa: E402
from pmweb.goals import service as goals  # noqa: E402
from pmweb.goals.service import Terms  # noqa: E402
from pmweb.models import (  # noqa: E402
    ActionItem,
    Feedback,
    Handoff,
    Meeting,
    OneOnOne,
    ReportingLine,
    TalkingPoint,
    User,
)
from pmweb.passwords import hash_password  # noqa: E402
from tests.pg_server import PostgresServer, find_bindir  # noqa: E402

PASSWORD = "benchmark-password"
REPORTS_PER_MANAGER = 8
BIG_TEAM = 47
HISTORY_PAIRS = 500
WEEKS = 52
CHUNK = 500
SECRET = "org-scale-benchmark-secret-key-0123456789"

# Each page's goal for its median server time, in milliseconds (the table).
GOALS = {"admin": 50, "this week": 60}
MOST_THIS_WEEK_BYTES = 150_000
MOST_IMPORT_SECONDS = 30
MOST_DIGEST_SECONDS = 120


def manager_index(person):
    return None if person == 0 else (person - 1) // REPORTS_PER_MANAGER


def company(people):
    """{person index: manager index} with person 1 given 47 reports in all."""
    managers = {p: manager_index(p) for p in range(people)}
    managing = {m for m in managers.values() if m is not None}
    leaves = [p for p in range(people - 1, 0, -1) if p not in managing and managers[p] != 1]
    own = sum(1 for m in managers.values() if m == 1)
    for person in leaves[: BIG_TEAM - own]:
        managers[person] = 1
    return managers


def _chunks(rows):
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def seed(database_url, people):
    """The company in ``database_url``; returns the ids the pages need."""
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "LOG_JSON": False})
    with app.app_context():
        upgrade()
        db.connect(reuse_if_open=True)
        today = datetime.date.today()
        year_ago = today - datetime.timedelta(weeks=WEEKS + 1)
        password = hash_password(PASSWORD)
        managers = company(people)
        with write_transaction():
            rows = [
                {
                    "email": f"person{p:05}@example.com",
                    "name": f"Person {p:05} {NAMES[p % len(NAMES)]}",
                    "password_hash": password if p in (1, 2) else "",
                    "is_admin": p == 2,
                }
                for p in range(people)
            ]
            for chunk in _chunks(rows):
                insert_rows(User, chunk)
            ids = dict(
                User.select(User.email, User.id).where(User.email.startswith("person")).tuples()
            )
            person_id = {p: ids[f"person{p:05}@example.com"] for p in range(people)}
            lines = [
                {"manager": person_id[m], "employee": person_id[p], "starts_on": year_ago}
                for p, m in managers.items()
                if m is not None
            ]
            for chunk in _chunks(lines):
                insert_rows(ReportingLine, chunk)
            since = datetime.datetime.combine(year_ago, datetime.time())
            handoffs = [
                {
                    "line": line_id,
                    "content_since": since,
                    "carries_goals": True,
                    "carries_plan": True,
                    "carries_feedback": True,
                    "decided_at": since,
                }
                for (line_id,) in ReportingLine.select(ReportingLine.id).tuples()
            ]
            for chunk in _chunks(handoffs):
                insert_rows(Handoff, chunk)
            pairs = [
                {
                    "manager": line["manager"],
                    "employee": line["employee"],
                    "weekday": n % 5,
                    "timezone": "Europe/London",
                    "created_at": since,
                }
                for n, line in enumerate(lines)
            ]
            for chunk in _chunks(pairs):
                insert_rows(OneOnOne, chunk)
        big_manager = person_id[1]
        pair_rows = list(OneOnOne.select(OneOnOne.id, OneOnOne.manager, OneOnOne.employee))
        with_history = [p for p in pair_rows if p.manager_id == big_manager]
        with_history += [p for p in pair_rows if p.manager_id != big_manager][
            : HISTORY_PAIRS - len(with_history)
        ]
        _history(with_history, today)
        _next_meetings(pair_rows, today)
        _growth(with_history, today)
        meeting = (
            Meeting.select(Meeting.id)
            .where((Meeting.one_on_one == with_history[0].id) & (Meeting.status == "upcoming"))
            .order_by(Meeting.scheduled_for)
            .first()
        )
        if not database_url.startswith("sqlite"):
            # What autovacuum does within a minute of a bulk load: without it, PostgreSQL
            # plans the pages' joins for the empty tables it last saw (a 35 ms agenda
            # query instead of 0.1 ms).
            db.execute_sql("ANALYZE")
        db.close()
    return {
        "manager": "person00001@example.com",
        "admin": "person00002@example.com",
        "meeting": meeting.id,
    }


NAMES = ["Reyes", "Okafor", "Natarajan", "Kim", "Berg", "Lindqvist", "O'Brien", "Müller"]


def _history(pairs, today):
    """A year of weekly meetings for each pair: three talking points and an action item
    each, the last meeting a week ago."""
    last = datetime.datetime.combine(today - datetime.timedelta(days=7), datetime.time(10))
    with write_transaction():
        meetings = [
            {
                "one_on_one": pair.id,
                "scheduled_for": last - datetime.timedelta(weeks=week),
                "status": "done",
                "shared_notes": f"Week {week}: the roadmap, hiring and how the team is doing.",
                "completed_at": last - datetime.timedelta(weeks=week),
                "completed_by": pair.manager_id,
            }
            for pair in pairs
            for week in range(WEEKS)
        ]
        for chunk in _chunks(meetings):
            insert_rows(Meeting, chunk)
        by_pair = {pair.id: pair for pair in pairs}
        held = Meeting.select(Meeting.id, Meeting.one_on_one, Meeting.scheduled_for).where(
            Meeting.one_on_one.in_(list(by_pair))
        )
        points, items = [], []
        for meeting in held:
            pair = by_pair[meeting.one_on_one_id]
            people = (pair.manager_id, pair.employee_id)
            points += [
                {
                    "meeting": meeting.id,
                    "author": people[n % 2],
                    "text": f"Talking point {n}: roadmap, hiring and feedback",
                    "position": n,
                    "discussed": True,
                }
                for n in range(3)
            ]
            items.append(
                {
                    "one_on_one": pair.id,
                    "owner": pair.employee_id,
                    "created_by": pair.manager_id,
                    "text": "Write up the follow-up",
                    "due": meeting.scheduled_for.date() + datetime.timedelta(days=7),
                    "done_at": meeting.scheduled_for + datetime.timedelta(days=5),
                    "raised_in_meeting": meeting.id,
                }
            )
        for chunk in _chunks(points):
            insert_rows(TalkingPoint, chunk)
        for chunk in _chunks(items):
            insert_rows(ActionItem, chunk)


def _next_meetings(pairs, today):
    """Every pair's next meeting, in the coming week."""
    monday = today - datetime.timedelta(days=today.weekday())
    with write_transaction():
        rows = [
            {
                "one_on_one": pair.id,
                "scheduled_for": datetime.datetime.combine(
                    monday + datetime.timedelta(days=7 + n % 5), datetime.time(10)
                ),
            }
            for n, pair in enumerate(pairs)
        ]
        for chunk in _chunks(rows):
            insert_rows(Meeting, chunk)


def _growth(pairs, today):
    """Two agreed goals with check-ins and monthly feedback for each pair with history."""
    for pair in pairs:
        employee = User.get_by_id(pair.employee_id)
        for n in range(2):
            terms = Terms(
                title=f"Goal {n}",
                due=today + datetime.timedelta(days=60),
                measure="number",
                start_value=0.0,
                target_value=100.0,
            )
            goal = goals.propose_goal(employee, employee.id, "employee", terms)
            goals.agree(goal, "manager", pair.manager_id, 1, pair.manager_id)
            goals.check_in(goal, employee, 40.0, "on_track")
    feedback = [
        {
            "employee": pair.employee_id,
            "giver": pair.manager_id,
            "receiver": pair.employee_id,
            "kind": "praise",
            "body": f"Well done in month {month}",
            "sent_at": datetime.datetime.now() - datetime.timedelta(days=30 * month),
        }
        for pair in pairs
        for month in range(12)
    ]
    with write_transaction():
        for chunk in _chunks(feedback):
            insert_rows(Feedback, chunk)


# --- the pages ---------------------------------------------------------------------

ADMIN_PAGES = [
    "/admin/people",
    "/admin/people?q=okafor",
    "/admin/people?show=managers",
    "/admin/people?page=50",
    "/admin/reporting-lines",
    "/admin/reporting-lines?q=person%2000001",
    "/admin/reporting-lines?q=okafor",
    "/admin/overview?q=okafor",
    "/admin/overview",
    "/admin/people/choices?field=manager&manager=person%20001",
]


def pages(ids):
    """(who, path, goal in ms or None) of every page measured."""
    measured = [("admin", path, GOALS["admin"]) for path in ADMIN_PAGES]
    measured.append(("manager", "/this-week", GOALS["this week"]))
    measured.append(("manager", f"/meetings/{ids['meeting']}", None))
    return measured


def query_counts(database_url, ids):
    """Queries and bytes of each page, asked in-process as a signed-in browser asks."""
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET,
            "WTF_CSRF_ENABLED": False,
            "LOG_JSON": False,
        }
    )
    clients = {}
    for who in ("admin", "manager"):
        clients[who] = app.test_client()
        signed = clients[who].post("/login", data={"email": ids[who], "password": PASSWORD})
        assert signed.status_code == 303, signed.status_code
    counts = {}
    for who, path, _ in pages(ids):
        clients[who].get(path)  # the first visit plans the weeks ahead
        with count_queries(only_select=False) as counter:
            response = clients[who].get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts[path] = (counter.count, len(response.data))
    if not db.is_closed():
        db.close()
    return counts


def server_times(database_url, ids, requests, log_dir):
    """Median and p95 server milliseconds of each page and of the floor page, asked in
    turn by one client, so each sees the same machine."""
    env = {"DATABASE_URL": database_url, "PMWEB_SECRET_KEY": SECRET, "PMWEB_LOG_JSON": "false"}
    pmweb = Server("pmweb", "wsgi:app", env, log_dir)
    # The floor takes a SQLite database as its file's path.
    floor_database = database_url.removeprefix("sqlite:///")
    floor = Server(
        "floor", "floor_app:app", {"FLOOR_DATABASE": floor_database}, log_dir, ROOT / "bench"
    )
    try:
        pmweb.wait("/login")
        floor.wait(f"/meetings/{ids['meeting']}")
        cookies = {who: sign_in(pmweb.port, ids[who], PASSWORD) for who in ("admin", "manager")}
        measured = pages(ids)
        floor_path = f"/meetings/{ids['meeting']}"
        for _ in range(requests):
            for who, path, _ in measured:
                status, _, _ = request(pmweb.port, "GET", path, {"Cookie": cookies[who]})
                assert status == 200, (path, status)
            request(floor.port, "GET", floor_path)
        times = {path: _spread(pmweb.server_times(path, requests)) for _, path, _ in measured}
        times["floor"] = _spread(floor.server_times(floor_path, requests))
        return times
    finally:
        pmweb.stop()
        floor.stop()


def _spread(seconds):
    ordered = sorted(seconds)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95)] * 1000


def throughput(database_url, ids, workers, seconds, log_dir, clients=8):
    """Requests a second of the meeting page and This week, from ``clients`` at once,
    against gunicorn with ``workers`` gthread workers."""
    from tests.servers import Gunicorn  # pmweb's gunicorn.conf.py, as deployed

    server = Gunicorn(log_dir, database_url, SECRET, name=f"w{workers}", workers=workers)
    server.start()
    try:
        cookie = sign_in(server.port, ids["manager"], PASSWORD)
        result = {}
        for path in (f"/meetings/{ids['meeting']}", "/this-week"):
            started = time.monotonic()
            deadline = started + seconds
            with ThreadPoolExecutor(clients) as pool:
                asked = [(server.port, path, cookie, deadline)] * clients
                done = sum(pool.map(_requests_until, *zip(*asked, strict=True)))
            result[path] = done / (time.monotonic() - started)
        return result
    finally:
        server.stop()


def _requests_until(port, path, cookie, deadline):
    count = 0
    while time.monotonic() < deadline:
        status, _, _ = request(port, "GET", path, {"Cookie": cookie})
        assert status == 200, (path, status)
        count += 1
    return count


# --- the import and the digest -------------------------------------------------------


def _flask(args, env):
    """Runs ``flask args`` as its own process: (seconds, its peak MiB, output)."""
    command = [sys.executable, "-m", "flask", "--app", "wsgi:app", *args]
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=os.environ | env, stdout=output, stderr=subprocess.STDOUT
        )
        peak = _peak_memory_until_exit(process)
        seconds = time.perf_counter() - started
        output.seek(0)
        text = output.read()
    if process.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{text[-3000:]}")
    return seconds, peak, text


def _peak_memory_until_exit(process):
    """The process's peak resident memory in MiB, read from its VmHWM every 50 ms
    until it exits. (Its rusage would not do: Linux carries the parent's peak over a
    fork into the child's ru_maxrss, so every command showed the benchmark's own.)"""
    peak = 0
    status_file = Path(f"/proc/{process.pid}/status")
    while True:
        try:
            for line in status_file.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except (FileNotFoundError, ProcessLookupError):
            pass
        pid, status = os.waitpid(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return peak / 1024
        time.sleep(0.05)


def _last_line(text):
    return text.strip().splitlines()[-1]


def timed_import(database_url, people, folder):
    """A CSV of ``people`` rows with their managers imported into an empty database."""
    rows = ["email,name,manager_email"]
    for p, m in company(people).items():
        manager = "" if m is None else f"new{m:05}@example.com"
        rows.append(f"new{p:05}@example.com,New Person {p},{manager}")
    csv_file = folder / "people.csv"
    csv_file.write_text("\n".join(rows) + "\n")
    env = {"DATABASE_URL": database_url, "PMWEB_SECRET_KEY": SECRET}
    _flask(["db", "upgrade"], env)
    seconds, peak, output = _flask(["users", "import", str(csv_file)], env)
    assert f"Imported: {people} new" in output, output[-500:]
    return seconds, peak


def timed_digest(database_url):
    """The weekly digest for everyone through a real SMTP server, then again: the
    second run must send no one a second mail."""
    from aiosmtpd.controller import Controller

    class Count:
        messages = 0

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            Count.messages += 1
            return "250 OK"

    controller = Controller(Count(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        env = {
            "DATABASE_URL": database_url,
            "PMWEB_SECRET_KEY": SECRET,
            "PMWEB_MAIL_SERVER": "127.0.0.1",
            "PMWEB_MAIL_PORT": str(controller.port),
        }
        seconds, peak, output = _flask(["digest"], env)
        sent = Count.messages
        _, _, again = _flask(["digest"], env)
        return seconds, peak, sent, Count.messages - sent, _last_line(output), _last_line(again)
    finally:
        controller.stop()


# --- the run -------------------------------------------------------------------------


def run(database, arguments, folder):
    failures = []
    postgres = None
    if database == "postgres":
        postgres = PostgresServer(find_bindir()).start()

    def fresh(name):
        if postgres is None:
            return f"sqlite:///{folder / name}.sqlite3"
        import psycopg

        with psycopg.connect(postgres.url(), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return postgres.url(name)

    try:
        url = fresh("company")
        started = time.perf_counter()
        ids = seed(url, arguments.people)
        print(
            f"\n{database}: seeded {arguments.people:,} people in "
            f"{time.perf_counter() - started:.0f} s"
        )
        counts = query_counts(url, ids)
        times = server_times(url, ids, arguments.requests, folder)
        floor_median, floor_p95 = times["floor"]
        print(f"{'page':58} {'median ms':>9} {'p95 ms':>7} {'x floor':>7} {'KB':>6} {'queries':>7}")
        for who, path, goal in pages(ids):
            median, p95 = times[path]
            queries, size = counts[path]
            mark = ""
            if goal is not None and median > goal:
                mark = f"  over {goal} ms"
                failures.append(f"{database} {path}: {median:.1f} ms")
            if path == "/this-week" and size > MOST_THIS_WEEK_BYTES:
                mark += f"  over {MOST_THIS_WEEK_BYTES // 1000} KB"
                failures.append(f"{database} {path}: {size:,} bytes")
            print(
                f"{who + ' ' + path:58} {median:9.1f} {p95:7.1f} {median / floor_median:7.1f} "
                f"{size / 1000:6.0f} {queries:7}{mark}"
            )
        print(f"{'floor /meetings/<id>':58} {floor_median:9.1f} {floor_p95:7.1f}")
        import_seconds, import_peak = timed_import(fresh("imported"), arguments.people, folder)
        print(
            f"import of {arguments.people:,} rows: {import_seconds:.1f} s, "
            f"peak {import_peak:.0f} MiB"
        )
        if import_seconds > MOST_IMPORT_SECONDS:
            failures.append(f"{database} import: {import_seconds:.1f} s")
        seconds, peak, sent, resent, output, again = timed_digest(url)
        print(f"digest: {seconds:.1f} s, peak {peak:.0f} MiB, {sent:,} mails; {output}")
        print(f"digest again: {resent} mails; {again}")
        if seconds > MOST_DIGEST_SECONDS:
            failures.append(f"{database} digest: {seconds:.1f} s")
        if resent:
            failures.append(f"{database} digest sent {resent} mails twice")
        if postgres is not None:
            print("throughput (8 clients, gthread workers), requests a second:")
            for workers in (1, 2, 4):
                rates = throughput(url, ids, workers, arguments.seconds, folder)
                print(
                    f"  {workers} worker{'s' if workers > 1 else ' '}: "
                    + ", ".join(f"{path} {rate:.0f}/s" for path, rate in rates.items())
                )
    finally:
        if postgres is not None:
            postgres.stop()
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60, help="of each page (default 60)")
    parser.add_argument("--seconds", type=float, default=10, help="of each throughput run")
    parser.add_argument("--database", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--no-check", action="store_true")
    arguments = parser.parse_args()
    failures = []
    for database in arguments.database:
        with tempfile.TemporaryDirectory() as folder:
            failures += run(database, arguments, Path(folder))
    if failures and not arguments.no_check:
        sys.exit("missed: " + "; ".join(failures))


if __name__ == "__main__":
    main()
