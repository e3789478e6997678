"""What every part of the access policy shares: the clock it decides by, the refusal
a reader who may not change gets, and the 404 everyone else gets."""

import datetime

from flask import abort

from pmweb.models import User

Manager = User.alias("manager")
Employee = User.alias("employee")

# How a person stands to a one-on-one or to an employee's goals, plan and feedback.
EMPLOYEE, MANAGER, GRANTEE = "employee", "manager", "grantee"
PARTICIPANTS = (EMPLOYEE, MANAGER)


class ReadOnly(Exception):
    """A participant tried to change something that is read-only for them now."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def today():
    return datetime.date.today()


def now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def require_edit(allowed, reason):
    if not allowed:
        raise ReadOnly(reason)


def first_or_404(query, *arguments):
    """The first row of ``query`` — a peewee query, or a prepared one with its
    arguments — or 404: what may not be seen is not found."""
    found = query.first(*arguments)
    if found is None:
        abort(404)
    return found
