"""Grants and the record of reads. Anyone outside a pair reads an employee's data only
through a grant the employee gave: one scope, one person, until it expires or is
revoked. Every such read is recorded, and the employee alone sees the record."""

from flask import request

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


def record_read(actor, employee_id, what, grant=None):
    """Write down that ``actor`` read ``what`` of the employee's. A request that only
    tried to change something (and was refused) read nothing."""
    if request and request.method not in ("GET", "HEAD"):
        return
    AccessRecord.create(
        actor=actor.id,
        employee=employee_id,
        what=what,
        path=request.full_path.rstrip("?")[:500] if request else "",
        grant=grant.id if grant else None,
        read_at=now(),
    )


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
