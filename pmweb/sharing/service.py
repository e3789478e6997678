"""The rules of grants: an employee gives one person one scope of their data until a
date at most 90 days away, and may end it at any moment. Functions take their actors
and clock explicitly."""

import datetime

from pmweb.db import write_transaction
from pmweb.models import Grant, utcnow

LONGEST_DAYS = 90
DEFAULT_DAYS = 30
OFFERED_SCOPES = ("goals", "plan", "feedback", "meetings")


class GrantError(Exception):
    """A grant the rules don't allow; the message says why, for people."""


def give_grant(employee, grantee, scope, days, message="", one_on_one=None, now=None):
    """``employee`` lets ``grantee`` read ``scope`` for ``days``; meeting records are
    those of one of the employee's one-on-ones (``one_on_one``)."""
    now = now or utcnow()
    if grantee.id == employee.id:
        raise GrantError("You can already see your own data.")
    if not grantee.is_active:
        raise GrantError(f"{grantee.name}'s account is deactivated.")
    if scope not in OFFERED_SCOPES:
        raise GrantError("Pick what to share.")
    if scope == "meetings" and (one_on_one is None or one_on_one.employee_id != employee.id):
        raise GrantError("Choose which of your one-on-ones to share the meetings of.")
    if not 1 <= days <= LONGEST_DAYS:
        raise GrantError(f"A grant lasts from 1 to {LONGEST_DAYS} days.")
    with write_transaction():
        return Grant.create(
            employee=employee.id,
            grantee=grantee.id,
            scope=scope,
            one_on_one=one_on_one.id if scope == "meetings" else None,
            message=message,
            created_at=now,
            expires_at=now + datetime.timedelta(days=days),
        )


def revoke_grant(grant, now=None):
    """End a grant now; the grantee's next request is refused."""
    with write_transaction():
        Grant.update(revoked_at=now or utcnow()).where(
            (Grant.id == grant.id) & Grant.revoked_at.is_null()
        ).execute()
