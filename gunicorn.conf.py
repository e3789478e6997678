"""gunicorn settings for pmweb, read by gunicorn from the working directory.

Each open meeting page holds one Server-Sent Events stream for as long as it is open,
so a worker needs many threads: a stream mostly waits on a queue, costing a thread's
memory and no CPU (bench/README.md has the measurements behind these numbers).
Every setting can be overridden on the command line or by the environment below."""

import os
import shutil
import tempfile

# Each worker counts its metrics in files here, which a scrape of any worker adds up
# (pmweb/metrics.py). Set before pmweb is imported: the metrics library reads it then.
_metrics_folder = None
if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
    _metrics_folder = tempfile.mkdtemp(prefix="pmweb-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_folder

from pmweb import config as defaults  # noqa: E402
from pmweb import live  # noqa: E402

bind = os.environ.get("PMWEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
worker_class = "gthread"
# Open streams plus ordinary requests per process.
threads = int(os.environ.get("PMWEB_THREADS", "1000"))
# Streams beyond this are asked to retry (503), so ordinary requests always find a
# thread; without it, pages holding every thread would leave the app answering nobody.
os.environ.setdefault("PMWEB_LIVE_MAX_STREAMS", str(threads - max(10, threads // 10)))
worker_connections = threads + 100
# A stream is a long request; the worker's own heartbeat keeps it alive meanwhile.
timeout = 30
graceful_timeout = 5
keepalive = 5
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("PMWEB_ACCESS_LOG")
logger_class = "pmweb.serving.RedactingLogger"


def on_starting(server):
    backend = live.backend_for(
        os.environ.get("PMWEB_LIVE_BACKEND", defaults.LIVE_BACKEND),
        os.environ.get("DATABASE_URL", defaults.DATABASE_URL),
    )
    live.refuse_lost_events(backend, server.cfg.workers)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    # A worker that is gone no longer counts its open streams.
    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _metrics_folder is not None:
        shutil.rmtree(_metrics_folder, ignore_errors=True)
