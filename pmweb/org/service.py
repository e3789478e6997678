"""Rules of the organisation: accounts and reporting lines. Administrators run these;
none of them reads one-on-one content."""

import datetime
import secrets

from pmweb import auth, formatting
from pmweb.db import write_transaction
from pmweb.meetings import service as meetings
from pmweb.models import AdminAction, ReportingLine, User, utcnow
from pmweb.passwords import hash_password


class OrgError(Exception):
    """A request that breaks a rule of the organisation; the message says which."""


def normalise_email(email):
    return email.strip().lower()


def create_user(email, name, password=None, is_admin=False):
    """Creates an account. Without a password a random one is set; the person gets a
    real one through a reset. Returns (user, password)."""
    email = normalise_email(email)
    if User.select().where(User.email == email).exists():
        raise OrgError(f"{email} already has an account.")
    password = password or generate_password()
    user = User.create(
        email=email, name=name.strip(), password_hash=hash_password(password), is_admin=is_admin
    )
    return user, password


def add_person(email, name, is_admin, manager, today, timezone, password=None):
    """Creates an account and, with a manager, the reporting line from ``today``: both
    or neither. Returns (user, password)."""
    with write_transaction():
        user, password = create_user(email, name, password=password, is_admin=is_admin)
        if manager is not None:
            start_reporting_line(manager, user, today, timezone)
    return user, password


def generate_password():
    return secrets.token_urlsafe(12)


def reset_password(user, password=None):
    """Sets a new password and signs the person out everywhere. Returns the password."""
    password = password or generate_password()
    with write_transaction():
        User.update(password_hash=hash_password(password)).where(User.id == user.id).execute()
        auth.end_sessions_of(user)
    return password


def deactivate(user, by):
    """The person can no longer sign in and is signed out everywhere. Their reporting
    lines and one-on-ones stay as they are."""
    if user.id == by.id:
        raise OrgError("You cannot deactivate your own account.")
    with write_transaction():
        User.update(deactivated_at=utcnow()).where(
            (User.id == user.id) & User.deactivated_at.is_null()
        ).execute()
        auth.end_sessions_of(user)


def reactivate(user):
    User.update(deactivated_at=None).where(User.id == user.id).execute()


def current_line_of(employee, day):
    return ReportingLine.current_on(day).where(ReportingLine.employee == employee).first()


def start_reporting_line(manager, employee, starts_on, timezone, now=None):
    """``employee`` reports to ``manager`` from ``starts_on``. A current line to another
    manager ends the day before. Opens the pair's one-on-one with its meetings for the
    coming weeks (from ``now``, the pair's wall-clock time; the clock's if not given)."""
    if manager.id == employee.id:
        raise OrgError("Someone cannot report to themselves.")
    if _is_above(employee, manager, starts_on):
        raise OrgError(f"{manager.name} already reports (directly or not) to {employee.name}.")
    with write_transaction():
        current = current_line_of(employee, starts_on)
        if current is not None and current.manager_id == manager.id:
            raise OrgError(f"{employee.name} already reports to {manager.name}.")
        later = (
            ReportingLine.select()
            .where((ReportingLine.employee == employee.id) & (ReportingLine.starts_on >= starts_on))
            .order_by(ReportingLine.starts_on.desc())
            .first()
        )
        if later is not None:
            raise OrgError(
                f"{employee.name} has a reporting line from {formatting.dated(later.starts_on)}; "
                "pick a later start date."
            )
        if current is not None:
            current.ends_on = starts_on - datetime.timedelta(days=1)
            current.save()
        line = ReportingLine.create(manager=manager, employee=employee, starts_on=starts_on)
        meetings.open_one_on_one(manager, employee, timezone, now)
        return line


def end_reporting_line(line, ends_on):
    if ends_on < line.starts_on:
        raise OrgError("A reporting line cannot end before it starts.")
    line.ends_on = ends_on
    line.save()


def _is_above(boss, person, day):
    """True if ``boss`` is ``person``'s manager, or that manager's, and so on."""
    seen = set()
    while person is not None and person.id not in seen:
        if person.id == boss.id:
            return True
        seen.add(person.id)
        line = current_line_of(person, day)
        person = line.manager if line else None
    return False


def log_admin_action(actor, action, subject=""):
    """Write down what an administrator did (``actor`` None: the command line)."""
    AdminAction.create(
        actor=actor.id if actor else None, action=action, subject=subject[:250], done_at=utcnow()
    )
