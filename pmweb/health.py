"""For a load balancer or an orchestrator: ``/healthz`` says the process answers;
``/readyz`` says it can serve — the database answers, every migration is applied, and
live updates reach this process. Neither needs a sign-in, sets a cookie, or says
anything about versions or content: a failed check is named, nothing more."""

from flask import Blueprint, Response, current_app

from pmweb import live
from pmweb.db import connected, db, migration_runner

bp = Blueprint("health", __name__)


def _text(body, status=200):
    return Response(body + "\n", status, mimetype="text/plain")


@bp.route("/healthz")
def healthz():
    return _text("ok")


def _database_answers():
    with connected():
        return db.execute_sql("SELECT 1").fetchone()[0] == 1


def _migrations_applied():
    with connected():
        return all(migration.applied for migration in migration_runner().status())


def _live_updates_listening():
    return live.broker(current_app).is_ready()


CHECKS = (
    ("database", _database_answers),
    ("migrations", _migrations_applied),
    ("live updates", _live_updates_listening),
)


@bp.route("/readyz")
def readyz():
    failed = []
    for name, check in CHECKS:
        try:
            passed = check()
        except Exception:  # noqa: BLE001 -- a check that cannot run has failed, and says so
            current_app.logger.exception("readiness check failed: %s", name)
            passed = False
        if not passed:
            failed.append(name)
    if failed:
        return _text("not ready: " + ", ".join(failed), 503)
    return _text("ready")
