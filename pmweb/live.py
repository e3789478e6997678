"""Live updates of the meeting page and of "This week". After each committed write a
signal "part P of meeting M changed" is published; every open page following that
meeting receives it over Server-Sent Events and fetches the part again through its
normal, access-checked route. Signals carry no content, so nothing private can travel
through them.

One interface, two brokers, chosen by ``LIVE_BACKEND`` (``auto`` picks by database):
in-process fan-out for a single server process (the SQLite default) and PostgreSQL
LISTEN/NOTIFY for several processes or hosts."""

import collections
import contextlib
import datetime
import itertools
import logging
import queue
import secrets
import threading
import time
from collections import defaultdict

from flask import Response, current_app

from pmweb import metrics
from pmweb.db import connected, db, pool_size
from pmweb.models import MeetingPresence, User, utcnow

# The parts of a meeting page that change on their own.
PARTS = ("agenda", "notes", "actions", "goals", "plan", "meeting", "presence")

CHANNEL = "pmweb_live"

logger = logging.getLogger(__name__)


class Subscription:
    """The signals for one open page: of one meeting, or of several ("This week")."""

    def __init__(self, broker, meeting_ids):
        self.broker = broker
        self.meeting_ids = tuple(meeting_ids)
        self.signals = queue.SimpleQueue()

    def next_changes(self, timeout):
        """The (meeting id, part) pairs changed since the last call, each once, in the
        order they first changed; empty after ``timeout`` seconds without a change. A
        burst of edits to an agenda is one refetch, not one per edit. ``resync``
        comes as (None, "resync")."""
        try:
            changes = [self.signals.get(timeout=timeout)]
        except queue.Empty:
            return []
        while True:
            try:
                change = self.signals.get_nowait()
            except queue.Empty:
                return changes
            if change not in changes:
                changes.append(change)

    def close(self):
        self.broker.unsubscribe(self)


class InProcessBroker:
    """Fan-out to the subscribers of this process only."""

    def __init__(self):
        self._lock = threading.Lock()
        self._subscribers = defaultdict(set)

    def publish(self, meeting_id, part):
        self.deliver(meeting_id, part)

    def deliver(self, meeting_id, part):
        with self._lock:
            subscribers = list(self._subscribers.get(meeting_id, ()))
        metrics.EVENTS_DELIVERED.inc(len(subscribers))
        for subscription in subscribers:
            subscription.signals.put((meeting_id, part))

    def deliver_to_everyone(self, part):
        with self._lock:
            subscribers = {s for group in self._subscribers.values() for s in group}
        for subscription in subscribers:
            subscription.signals.put((None, part))

    def subscribe(self, meeting_ids):
        subscription = Subscription(self, meeting_ids)
        with self._lock:
            for meeting_id in subscription.meeting_ids:
                self._subscribers[meeting_id].add(subscription)
        return subscription

    def unsubscribe(self, subscription):
        with self._lock:
            self._forget(subscription)

    def follow(self, subscription, meeting_ids):
        """Makes an open subscription follow ``meeting_ids`` from now on."""
        with self._lock:
            self._forget(subscription)
            subscription.meeting_ids = tuple(meeting_ids)
            for meeting_id in subscription.meeting_ids:
                self._subscribers[meeting_id].add(subscription)

    def _forget(self, subscription):
        for meeting_id in subscription.meeting_ids:
            subscribers = self._subscribers.get(meeting_id)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._subscribers[meeting_id]

    def close(self):
        """Stops delivering; nothing to release in process."""

    def is_ready(self):
        """Whether signals reach this process's subscribers: always, in-process."""
        return True

    def subscriber_count(self):
        """Open streams, each counted once however many meetings it follows."""
        with self._lock:
            return len({s for group in self._subscribers.values() for s in group})


class PostgresBroker(InProcessBroker):
    """NOTIFY, sent right after the write committed, and in each process one listening
    connection that fans the signals out to that process's subscribers. A signal lost
    in between (a crash at that instant) is made good by the resync of every page at
    its next reconnection."""

    def __init__(self, connect):
        super().__init__()
        self._connect = connect
        self._listener = None
        self._listening = threading.Event()
        self._connected = threading.Event()  # listening now, not reconnecting
        self._closed = threading.Event()

    def publish(self, meeting_id, part):
        db.execute_sql("SELECT pg_notify(%s, %s)", (CHANNEL, f"{meeting_id}:{part}"))

    def subscribe(self, meeting_ids):
        self._start_listening()
        return super().subscribe(meeting_ids)

    def _start_listening(self, wait=10):
        with self._lock:
            if self._listener is None:
                self._listener = threading.Thread(
                    target=self._listen, name="pmweb-live-listener", daemon=True
                )
                self._listener.start()
        # A subscriber must not miss a signal sent just after it subscribed.
        self._listening.wait(timeout=wait)

    def is_ready(self):
        """Whether this process's listener is connected: starts it if nobody has
        subscribed yet, and waits a moment for it."""
        self._start_listening(wait=0)
        return self._connected.wait(timeout=2)

    def close(self):
        self._closed.set()
        if self._listener is not None:
            self._listener.join(timeout=5)

    def _listen(self):
        while not self._closed.is_set():
            try:
                with self._connect() as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    if self._listening.is_set():
                        # Signals sent while the listener was away are lost: every
                        # open page of this process fetches everything again.
                        self.deliver_to_everyone("resync")
                    self._listening.set()
                    self._connected.set()
                    while not self._closed.is_set():
                        for notification in connection.notifies(timeout=1):
                            meeting_id, _, part = notification.payload.partition(":")
                            self.deliver(int(meeting_id), part)
            except Exception:  # noqa: BLE001 -- the listener outlives a database restart
                self._connected.clear()
                if self._closed.is_set():
                    return
                logger.exception("live updates: lost the PostgreSQL listener; reconnecting")
                time.sleep(1)


def _postgres_connection_factory(database):
    import psycopg

    params = dict(database.connect_params)
    params.pop("prefer_psycopg3", None)

    def connect():
        return psycopg.connect(dbname=database.database, autocommit=True, **params)

    return connect


def backend_for(setting, database_url):
    """The broker a configuration uses: ``memory`` or ``postgresql``."""
    if setting == "auto":
        return "postgresql" if database_url.startswith("postg") else "memory"
    if setting not in ("memory", "postgresql"):
        raise RuntimeError(f"LIVE_BACKEND must be auto, memory or postgresql, not {setting!r}")
    if setting == "postgresql" and not database_url.startswith("postg"):
        raise RuntimeError("LIVE_BACKEND=postgresql needs a PostgreSQL DATABASE_URL.")
    return setting


def refuse_lost_events(backend, processes):
    """Several server processes with the in-process broker would each hear only their
    own writes: a page served by one process would miss edits made through another."""
    if backend == "memory" and processes > 1:
        raise RuntimeError(
            f"pmweb cannot run {processes} worker processes with in-process live updates: "
            "each process would miss the edits made through the others. Run one worker "
            "(with threads), or use PostgreSQL (DATABASE_URL=postgresql://...), whose "
            "LISTEN/NOTIFY reaches every process."
        )


def init_app(app):
    backend = backend_for(app.config["LIVE_BACKEND"], app.config["DATABASE_URL"])
    if backend == "postgresql":
        broker = PostgresBroker(_postgres_connection_factory(db.obj))
    else:
        broker = InProcessBroker()
    app.extensions["pmweb_live"] = broker
    app.extensions["pmweb_stream_quota"] = StreamQuota()


def broker(app=None):
    return (app or current_app).extensions["pmweb_live"]


def too_many_streams():
    """The answer to a page asking for a stream when this process holds as many as it
    may (the page retries by itself, with growing pauses); None while there is room."""
    limit = current_app.config["LIVE_MAX_STREAMS"]
    if limit is not None and broker().subscriber_count() >= limit:
        return Response("Too many open live pages; retrying.", 503, {"Retry-After": "5"})
    return None


class StreamQuota:
    """How many live pages each signed-in browser and each person holds open in this
    process. A stream is counted from the moment its response is made until it is
    closed, whether or not its body was ever read (a HEAD request)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._by_session = collections.Counter()
        self._by_person = collections.Counter()

    def reserve(self, user_id, session_token, per_session, per_person):
        """A release function for a stream that fits the quota, or None."""
        with self._lock:
            if (
                self._by_session[session_token] >= per_session
                or self._by_person[user_id] >= per_person
            ):
                return None
            self._by_session[session_token] += 1
            self._by_person[user_id] += 1
        metrics.STREAMS_OPEN.inc()
        released = threading.Event()

        def release():
            if released.is_set():
                return
            released.set()
            metrics.STREAMS_OPEN.dec()
            with self._lock:
                for counter, key in ((self._by_session, session_token), (self._by_person, user_id)):
                    counter[key] -= 1
                    if counter[key] <= 0:
                        del counter[key]

        return release


def stream_response(body, user_id, session_token):
    """The response of a live stream, or 429 (this browser or person has enough open)
    or 503 (this process has) with Retry-After: the page comes back by itself."""
    busy = too_many_streams()
    if busy is not None:
        return busy
    config = current_app.config
    release = current_app.extensions["pmweb_stream_quota"].reserve(
        user_id,
        session_token,
        config["LIVE_STREAMS_PER_SESSION"],
        config["LIVE_STREAMS_PER_PERSON"],
    )
    if release is None:
        return Response(
            "You have many live pages open; close some. Retrying.", 429, {"Retry-After": "30"}
        )
    response = Response(body, mimetype="text/event-stream")
    response.headers["X-Accel-Buffering"] = "no"
    response.call_on_close(release)
    return response


# Streams check access and presence with short connections of their own. However many
# streams are open, they use at most this share of the pool at once, so ordinary
# requests always find a connection.
STREAM_SHARE_OF_POOL = 0.5


@contextlib.contextmanager
def stream_connection():
    """A connection for a stream's short checks, waiting (in the stream's own thread)
    for the streams' share of the pool rather than taking an ordinary request's."""
    with _stream_slots():
        with connected():
            yield


# Per process, as the pool is that they are a share of; made on first use, when the
# pool's size is known.
_slots = None
_slots_lock = threading.Lock()


def _stream_slots():
    global _slots
    with _slots_lock:
        if _slots is None:
            size = max(1, int(pool_size() * STREAM_SHARE_OF_POOL))
            _slots = threading.BoundedSemaphore(size)
    return _slots


def publish(meeting_id, part):
    assert part in PARTS, part
    broker().publish(meeting_id, part)
    metrics.EVENTS_PUBLISHED.labels(part).inc()


_event_ids = itertools.count(1)


class OpenPage:
    """One person's open meeting page, as its stream sees it: whether they may still
    follow the meeting, and their presence for the other participant's "is here" line.
    Every method opens its own short database connection: a stream holds none while
    it waits."""

    def __init__(self, broker, meeting_id, user_id, may_continue, heartbeat):
        self.broker = broker
        self.meeting_id = meeting_id
        self.user_id = user_id
        self.may_continue = may_continue
        self.heartbeat = heartbeat
        self.stream = secrets.token_urlsafe(16)
        self._seen_at = 0.0

    def arrive(self):
        with stream_connection():
            self._mark_present()
            self._forget_departed()
            self.broker.publish(self.meeting_id, "presence")

    def still_allowed(self):
        """Checks access again, and every heartbeat keeps this page's presence fresh and
        clears what pages that went away without a word left behind."""
        with stream_connection():
            if not self.may_continue():
                return False
            if time.monotonic() - self._seen_at >= self.heartbeat:
                self._mark_present()
                if self._forget_departed():
                    self.broker.publish(self.meeting_id, "presence")
            return True

    def leave(self):
        with stream_connection():
            MeetingPresence.delete().where(MeetingPresence.stream == self.stream).execute()
            self.broker.publish(self.meeting_id, "presence")

    def _mark_present(self):
        now = utcnow()
        MeetingPresence.insert(
            meeting=self.meeting_id, user=self.user_id, stream=self.stream, seen_at=now
        ).on_conflict(
            conflict_target=[MeetingPresence.stream], update={MeetingPresence.seen_at: now}
        ).execute()
        self._seen_at = time.monotonic()

    def _forget_departed(self):
        return (
            MeetingPresence.delete()
            .where(
                (MeetingPresence.meeting == self.meeting_id)
                & (MeetingPresence.seen_at < _presence_cutoff(self.heartbeat))
            )
            .execute()
        )


def _presence_cutoff(heartbeat_seconds):
    # A page whose stream missed two heartbeats is gone: its server stopped, or the
    # page never came back after its stream ended.
    return utcnow() - datetime.timedelta(seconds=2 * heartbeat_seconds + 1)


def others_here(meeting_id, user_id, heartbeat_seconds):
    """The other people who have this meeting open now."""
    return list(
        User.select(User.id, User.name)
        .join(MeetingPresence, on=(MeetingPresence.user == User.id))
        .where(
            (MeetingPresence.meeting == meeting_id)
            & (MeetingPresence.user != user_id)
            & (MeetingPresence.seen_at >= _presence_cutoff(heartbeat_seconds))
        )
        .distinct()
        .order_by(User.name)
    )


# A comment keeps proxies from closing a quiet stream; the named event lets the page
# notice a connection that died without closing (the extension drops comments).
HEARTBEAT = ": ping\n\nevent: alive\ndata:\n\n"


def event_stream(page, lifetime):
    """The SSE body for one open meeting page. Ends when the person may no longer see
    the meeting, or after ``lifetime`` seconds (the browser reconnects by itself).
    Nothing is subscribed until the body is read, so a response never sent (a HEAD
    request) leaves nothing behind."""
    subscription = page.broker.subscribe([page.meeting_id])
    coming_back = False
    try:
        page.arrive()
        # When the stream ends on schedule the page comes straight back: its presence
        # stays, so "Sam is here" does not flicker on the other screen every few minutes.
        coming_back = yield from _events(
            subscription,
            page.still_allowed,
            lambda changes: [part for _, part in changes],
            page.heartbeat,
            lifetime,
        )
    finally:
        subscription.close()
        if not coming_back:
            page.leave()


def week_event_stream(broker, pair_of_meeting, open_meetings, may_continue, heartbeat, lifetime):
    """The SSE body for one open "This week" page: ``changed-<pair id>`` when a meeting
    of that pair changed, for its card to fetch itself again. ``pair_of_meeting`` maps
    the open meetings of the user's one-on-ones to their pair; ``open_meetings()`` reads
    it again after a completion or a new rhythm, which plan meetings this stream does
    not follow yet. Nobody is marked present: preparing is not being in the meeting.
    Ends when ``may_continue()`` says no (signed out, or the one-on-ones changed: the
    page reconnects and follows the new ones)."""
    pair_of_meeting = dict(pair_of_meeting)
    subscription = broker.subscribe(list(pair_of_meeting))

    def still_allowed():
        with stream_connection():
            return may_continue()

    def names_of(changes):
        names = []
        for meeting_id, part in changes:
            if part == "presence":
                continue
            name = "resync" if meeting_id is None else f"changed-{pair_of_meeting[meeting_id]}"
            if name not in names:
                names.append(name)
        if any(part == "meeting" for _, part in changes):
            # Meetings only ever join: a late signal of one no longer open still finds
            # its pair.
            with stream_connection():
                pair_of_meeting.update(open_meetings())
            broker.follow(subscription, list(pair_of_meeting))
        return names

    try:
        yield from _events(subscription, still_allowed, names_of, heartbeat, lifetime)
    finally:
        subscription.close()


def _events(subscription, still_allowed, names_of, heartbeat, lifetime):
    """What every live stream sends: ``resync`` first (whatever changed while the page
    loaded, or while it was disconnected, is fetched again), then the names of what
    changed, or a heartbeat every ``heartbeat`` seconds. Stops when ``still_allowed()``
    says no; returns True when ``lifetime`` ran out instead."""
    yield _event("resync")
    deadline = time.monotonic() + lifetime
    while (remaining := deadline - time.monotonic()) > 0:
        changes = subscription.next_changes(timeout=min(heartbeat, remaining))
        if not still_allowed():
            return False
        names = names_of(changes)
        yield "".join(map(_event, names)) if names else HEARTBEAT
    return True


def _event(name):
    return f"id: {next(_event_ids)}\nevent: {name}\ndata:\n\n"
