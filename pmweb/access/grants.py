"""Grants and the record of reads. Anyone outside a pair reads an employee's data only
through a grant the employee gave: one scope, one person, until it expires or is
revoked. Every such read is recorded, and the employee alone sees the record."""

from flask import g, has_request_context, request

from pmweb.access.common import first_or_404, now
from pmweb.models import AccessRecord, Grant


def active_grant(grantee_id, employee_id, scope, one_on_one_id=None):
    query = Grant.select().where(
        (Grant.grantee == grantee_id)
        & (Grant.employee == employee_id)
        & (Grant.scope == scope)
        & Grant.revoked_at.is_null()
        & (Grant.expires_at > now())
    )
    if one_on_one_id is not None:
        query = query.where(Grant.one_on_one == one_on_one_id)
    return query.order_by(Grant.expires_at.desc()).first()


def record_read(actor_id, employee_id, what, grant=None, through_handoff=False):
    """Note that ``actor_id`` reads ``what`` of the employee's. Within a request it is
    written down when the response is made, whatever the request's method or status
    (``write_down_reads``): a refused form that shows the page again shows the data
    too. ``through_handoff``: a manager reading what the employee carried over."""
    read = {
        "actor": actor_id,
        "employee": employee_id,
        "what": what[:250],
        "path": request.full_path.rstrip("?")[:500] if has_request_context() else "",
        "grant": grant.id if grant else None,
        "through_handoff": through_handoff,
        "read_at": now(),
    }
    if has_request_context():
        queued = g.setdefault("reads", [])
        # The page's loaders may each note the same read: it is one read.
        if not any(_same_read(read, earlier) for earlier in queued):
            queued.append(read)
    else:
        AccessRecord.create(**read)


def _same_read(one, other):
    return all(one[key] == other[key] for key in ("actor", "employee", "what", "grant"))


def forget_reads():
    """The response carries none of what the request's loaders let it read (the
    refusal of a change): nothing was read."""
    g.pop("reads", None)


def write_down_reads(response):
    """Every response that carries someone's data to anyone but its two participants
    is recorded: all but a redirect, an empty answer and an error (an error page says
    only what went wrong)."""
    reads = g.pop("reads", None)
    carries_data = response.status_code < 300 and response.status_code != 204
    carries_data |= response.status_code in (409, 422)
    if reads and carries_data:
        AccessRecord.insert_many(reads).execute()
    return response


def grants_given_by(user):
    return Grant.select().where(Grant.employee == user.id)


def grants_received_by(user):
    """Grants to ``user`` that are still active."""
    return Grant.select().where(
        (Grant.grantee == user.id) & Grant.revoked_at.is_null() & (Grant.expires_at > now())
    )


def get_own_grant_or_404(user, grant_id):
    """A grant ``user`` gave; only the employee who gave it may end it."""
    return first_or_404(grants_given_by(user).where(Grant.id == grant_id))


def reads_of(user):
    """Who read the employee's data: for the employee alone."""
    return AccessRecord.select().where(AccessRecord.employee == user.id)
