"""Prometheus metrics at ``/metrics``, behind a bearer token (``PMWEB_METRICS_TOKEN``;
without one the route is not there). Counts only: a label is a route template, a
method, a status or a kind of thing, never a person, an email, an id or a text.

Under gunicorn each worker process counts for itself in ``PROMETHEUS_MULTIPROC_DIR``
(gunicorn.conf.py makes one), and a scrape, whichever worker answers it, adds them up.
The weekly digest runs as a command, in a process of its own: what it sent is read from
the database at each scrape."""

import datetime
import hmac
import os

from flask import Blueprint, Response, abort, current_app, request
from peewee import fn
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

REQUESTS = Counter(
    "pmweb_requests", "Requests answered, by route template, method and status.",
    ["route", "method", "status"],
)  # fmt: skip
REQUEST_SECONDS = Histogram(
    "pmweb_request_duration_seconds", "Time to answer a request, by route template.",
    ["route"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)  # fmt: skip
STREAMS_OPEN = Gauge(
    "pmweb_live_streams_open", "Live streams open now (meeting and This week pages).",
    multiprocess_mode="livesum",
)  # fmt: skip
EVENTS_PUBLISHED = Counter(
    "pmweb_live_events_published", "Live changes published, by part of the page.", ["part"]
)
EVENTS_DELIVERED = Counter(
    "pmweb_live_events_delivered", "Live changes handed to an open stream of this process."
)
CONNECTION_WAIT_SECONDS = Histogram(
    "pmweb_db_connection_wait_seconds", "Time a request waited for a database connection.",
    buckets=(0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10),
)  # fmt: skip
POOL_EXHAUSTED = Counter(
    "pmweb_db_pool_exhausted", "Requests answered 503 because every connection was busy."
)
SIGN_IN_FAILURES = Counter("pmweb_sign_in_failures", "Sign-ins refused or failed.")

bp = Blueprint("metrics", __name__)


# A client may send any word as its method: anything else counts as "other", so no
# client can make series (or text) of its own.
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def known_method(method):
    return method if method in METHODS else "other"


def observe_request(route, method, status, seconds):
    route = route or "none"
    REQUESTS.labels(route, known_method(method), str(status)).inc()
    REQUEST_SECONDS.labels(route).observe(seconds)


class DigestCollector:
    """What the weekly digest command has sent, from the database."""

    def describe(self):
        return []  # nothing to ask the database until a scrape

    def collect(self):
        from pmweb.db import connected
        from pmweb.models import DigestSent

        try:
            with connected():
                count, last = DigestSent.select(
                    fn.COUNT(DigestSent.id), fn.MAX(DigestSent.sent_at)
                ).scalar(as_tuple=True)
        except Exception:  # noqa: BLE001 -- the other counts still matter when the database does not answer
            return
        sent = CounterMetricFamily("pmweb_digests_sent", "Weekly digests mailed, ever.")
        sent.add_metric([], count or 0)
        yield sent
        latest = GaugeMetricFamily(
            "pmweb_digest_last_sent_timestamp_seconds",
            "When the weekly digest last mailed someone (Unix time; 0: never).",
        )
        last = DigestSent.sent_at.python_value(last)  # SQLite's MAX() is untyped
        latest.add_metric([], last.replace(tzinfo=datetime.UTC).timestamp() if last else 0)
        yield latest


_COLLECTORS = (
    REQUESTS,
    REQUEST_SECONDS,
    STREAMS_OPEN,
    EVENTS_PUBLISHED,
    EVENTS_DELIVERED,
    CONNECTION_WAIT_SECONDS,
    POOL_EXHAUSTED,
    SIGN_IN_FAILURES,
)


def _registry():
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in _COLLECTORS:
            registry.register(collector)
    registry.register(DigestCollector())
    return registry


@bp.route("/metrics")
def metrics():
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not hmac.compare_digest(given.encode(), token.encode()):
        abort(404)
    return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)
