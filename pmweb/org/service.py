"""Rules of the organisation: accounts and reporting lines. Administrators run these;
none of them reads one-on-one content."""

import datetime
from dataclasses import dataclass

from pmweb import accounts, formatting
from pmweb.db import PreparedQuery, in_groups, insert_rows, write_transaction
from pmweb.meetings import service as meetings
from pmweb.models import AdminAction, ReportingLine, User, utcnow
from pmweb.passwords import hash_password
from pmweb.sharing import handoffs


class OrgError(Exception):
    """A request that breaks a rule of the organisation; the message says which."""


@dataclass(frozen=True)
class Directory:
    """The company's directory, changing people and reporting lines over SCIM with one
    of the tokens an administrator made. It is nobody in pmweb (``id`` None), and every
    change it makes says which token it came by."""

    token_name: str
    token_made_by: int | None = None
    id = None

    @property
    def via(self):
        return f"SCIM token “{self.token_name}”"


def normalise_email(email):
    return email.strip().lower()


def create_user(email, name, is_admin=False, password=None):
    """Creates an account. Without ``password`` — always, from the administration
    pages, the import and the command line — it has none until its person chooses one
    through a welcome link; the demo company and the tests pass one."""
    email = normalise_email(email)
    if _account_with_email.first(email):
        raise OrgError(f"{email} already has an account.")
    return User.create(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password) if password else "",
        is_admin=is_admin,
    )


# An import creates thousands of accounts in a row.
@PreparedQuery
def _account_with_email(email: str):
    return User.select(User.id).where(User.email == email)


@dataclass(frozen=True)
class FirstLines:
    """The reporting lines people added at once start with: ``managers`` maps the
    email of one of them to their manager's email (an account's, or another of the
    people's), every line from ``starts_on``, its one-on-one in ``timezone``."""

    managers: dict
    starts_on: datetime.date
    timezone: str


def add_people(people, by=None, welcome_links=True, is_admin=False, first_lines=None):
    """Creates an account for each ``(email, name)`` of ``people``, all or none, each
    told "Created your account" and, with ``welcome_links``, given its welcome link,
    and starts their ``first_lines`` — in a few statements per hundred people: an
    import brings thousands. ``by`` is the administrator (None: the command line).
    Returns [(user, token)] in order, each token None without ``welcome_links``
    (people sign in through the company's identity provider and pmweb keeps no
    passwords)."""
    rows = [
        {
            "email": normalise_email(email),
            "name": name.strip(),
            "password_hash": "",
            "is_admin": is_admin,
        }
        for email, name in people
    ]
    emails = [row["email"] for row in rows]
    with write_transaction():
        if len(set(emails)) < len(emails):
            raise OrgError("An email address is given twice.")
        for group in in_groups(emails):
            taken = _accounts_with(group).first()
            if taken is not None:
                raise OrgError(f"{taken.email} already has an account.")
        insert_rows(User, rows)
        made = {user.email: user for group in in_groups(emails) for user in _accounts_with(group)}
        users = [made[email] for email in emails]
        accounts.record_events([(user.id, "Created your account") for user in users], _id(by))
        tokens = accounts.issue_welcome_links(users, _id(by)) if welcome_links else {}
        if first_lines is not None:
            _start_first_lines(made, first_lines, by)
    return [(user, tokens.get(user.id)) for user in users]


def _start_first_lines(made, first_lines, by):
    """What ``start_reporting_line`` does for each newcomer of ``made`` ({email:
    account just made}) that ``first_lines`` gives a manager — the rules of who may
    start it, the line, its handoff, both told, the pair's one-on-one with its coming
    weeks — in a few statements per hundred lines. A newcomer has nothing from before
    (the handoff has nothing to decide), no line, and no one reporting to them but
    other newcomers, so a cycle can only run through the lines given here."""
    wanted = {
        normalise_email(email): normalise_email(manager_email)
        for email, manager_email in first_lines.managers.items()
    }
    managers = dict(made)
    others = [email for email in wanted.values() if email not in made]
    managers |= {user.email: user for group in in_groups(others) for user in _accounts_with(group)}
    lines = []
    for email, manager_email in wanted.items():
        if email not in made:
            raise OrgError(f"{email} is not among the people added.")
        if manager_email not in managers:
            raise OrgError(f"The manager {manager_email} has no account.")
        lines.append((managers[manager_email], made[email]))
    manager_of = {employee.id: manager for manager, employee in lines}
    for manager, employee in lines:
        _refuse_who_may_not_start(manager, employee, by)
        boss, seen = manager, set()
        while boss.id in manager_of and boss.id not in seen:
            seen.add(boss.id)
            boss = manager_of[boss.id]
            if boss.id == employee.id:
                raise OrgError(f"{manager.name} would report (directly or not) to {employee.name}.")
    starts_on = first_lines.starts_on
    insert_rows(
        ReportingLine,
        [{"manager": m.id, "employee": e.id, "starts_on": starts_on} for m, e in lines],
    )
    employee_ids = [employee.id for _, employee in lines]
    line_ids = [
        line_id
        for group in in_groups(employee_ids)
        for (line_id,) in ReportingLine.select(ReportingLine.id)
        .where(ReportingLine.employee.in_(group))
        .tuples()
    ]
    handoffs.open_first_handoffs(line_ids, starts_on, utcnow())
    what = f"starts on {formatting.dated(starts_on)}"
    accounts.record_events(
        [told for manager, employee in lines for told in _told(manager, employee, what)],
        _id(by),
        via=_via(by),
    )
    meetings.open_first_one_on_ones(lines, first_lines.timezone)


def _accounts_with(emails):
    return User.select().where(User.email.in_(emails))


def add_person(email, name, is_admin, manager, today, timezone, by=None, welcome_link=True):
    """Creates an account and, with a manager, the reporting line from ``today``: both
    or neither. ``by`` is the administrator (None: the command line). Returns (user,
    the token of the person's welcome link) as ``add_people`` does."""
    with write_transaction():
        [(user, token)] = add_people([(email, name)], by, welcome_link, is_admin)
        if manager is not None:
            start_reporting_line(manager, user, today, timezone, by=by)
    return user, token


def reset_password(user, by=None):
    """The person's password stops working and they are signed out everywhere; the
    returned token is the one-time link with which they choose a new one."""
    return accounts.issue_password_link(user, "reset", _id(by))


def deactivate(user, by):
    """The person can no longer sign in and is signed out everywhere. Their reporting
    lines and one-on-ones stay as they are."""
    if by.id is not None and user.id == by.id:
        raise OrgError("You cannot deactivate your own account.")
    with write_transaction():
        changed = (
            User.update(deactivated_at=utcnow())
            .where((User.id == user.id) & User.deactivated_at.is_null())
            .execute()
        )
        accounts.end_sessions_of(user.id)
        if changed:
            accounts.record_event(user.id, by.id, "Deactivated your account", via=_via(by))


def reactivate(user, by):
    with write_transaction():
        changed = (
            User.update(deactivated_at=None)
            .where((User.id == user.id) & User.deactivated_at.is_null(False))
            .execute()
        )
        if changed:
            accounts.record_event(user.id, by.id, "Reactivated your account", via=_via(by))


def _id(user):
    return user.id if user is not None else None


def _via(by):
    return by.via if isinstance(by, Directory) else ""


# Every new reporting line asks these, a directory sync thousands of times in a row.
@PreparedQuery
def _current_line(employee_id: int, day: datetime.date):
    return ReportingLine.current_on(day).where(ReportingLine.employee == employee_id)


@PreparedQuery
def _current_manager_id(employee_id: int, day: datetime.date):
    return (
        ReportingLine.current_on(day)
        .select(ReportingLine.manager)
        .where(ReportingLine.employee == employee_id)
        .tuples()
    )


@PreparedQuery
def _manages_anyone(manager_id: int, day: datetime.date):
    return (
        ReportingLine.select(ReportingLine.id)
        .where(
            (ReportingLine.manager == manager_id)
            & (ReportingLine.ends_on.is_null() | (ReportingLine.ends_on >= day))
        )
        .limit(1)
    )


@PreparedQuery
def _latest_line_from(employee_id: int, day: datetime.date, other_than: int):
    return (
        ReportingLine.select()
        .where(
            (ReportingLine.employee == employee_id)
            & (ReportingLine.starts_on >= day)
            & (ReportingLine.id != other_than)
        )
        .order_by(ReportingLine.starts_on.desc())
        .limit(1)
    )


def _line_on(employee, day):
    return _current_line.first(employee.id, day)


def start_reporting_line(manager, employee, starts_on, timezone, now=None, by=None):
    """``employee`` reports to ``manager`` from ``starts_on``. A current line to another
    manager ends the day before. Opens the pair's one-on-one with its meetings for the
    coming weeks (from ``now``, the pair's wall-clock time; the clock's if not given),
    and the handoff in which the employee chooses what of theirs the manager sees.

    ``by`` is the administrator who asks (None: the command line or the import's own
    rows). An administrator never makes themselves anyone's manager: that would be a
    way into the employee's data that nobody else approved."""
    _refuse_who_may_not_start(manager, employee, by)
    with write_transaction():
        # Inside the transaction: two lines started at once must not build a cycle.
        # Someone who manages nobody is above nobody: most people, and every newcomer.
        if _manages_anyone.first(employee.id, starts_on) and _is_above(
            employee, manager, starts_on
        ):
            raise OrgError(f"{manager.name} already reports (directly or not) to {employee.name}.")
        current = _line_on(employee, starts_on)
        if current is not None and current.manager_id == manager.id:
            raise OrgError(f"{employee.name} already reports to {manager.name}.")
        later = _latest_line_from.first(
            employee.id, starts_on, current.id if current is not None else 0
        )
        if later is not None:
            raise OrgError(
                f"{employee.name} has a reporting line from {formatting.dated(later.starts_on)}; "
                "pick a later start date."
            )
        if current is not None and current.starts_on == starts_on:
            # A line replaced on its first day was a mistake put right (a directory
            # correcting itself): it never takes effect.
            _withdraw(current, by)
        elif current is not None:
            current.ends_on = starts_on - datetime.timedelta(days=1)
            current.save()
            _tell_both(current, by, f"ended on {formatting.dated(current.ends_on)}")
        line = ReportingLine.create(manager=manager, employee=employee, starts_on=starts_on)
        handoffs.open_handoff(line, utcnow())
        _tell_both(line, by, f"starts on {formatting.dated(starts_on)}")
        meetings.open_one_on_one(manager, employee, timezone, now)
        return line


def _refuse_who_may_not_start(manager, employee, by):
    if manager.id == employee.id:
        raise OrgError("Someone cannot report to themselves.")
    if by is not None and by.id is not None and by.id == manager.id:
        raise OrgError(
            "You cannot make yourself someone's manager. Another administrator, "
            "or the command line, must start this reporting line."
        )
    if isinstance(by, Directory) and by.token_made_by == manager.id:
        # The same rule through a token of one's own: its maker holds it as well.
        raise OrgError(
            f"{manager.name} made this SCIM token and cannot be made a manager through it. "
            "Another administrator's token, or the command line, must start this line."
        )


def _withdraw(line, by):
    """``line`` never takes effect: it ends the day before it starts, so it is current on
    no day. What was written in the pair's one-on-one meanwhile stays its two people's."""
    line.ends_on = line.starts_on - datetime.timedelta(days=1)
    line.save()
    _tell_both(line, by, "was withdrawn before it began")


def withdraw_reporting_line(line, by=None):
    with write_transaction():
        _withdraw(line, by)


def end_reporting_line(line, ends_on, by=None):
    """``line`` ends on ``ends_on``. Never on or after a later line's first day: two
    current lines would give the employee two managers at once, each reading by the
    other's handoff."""
    if ends_on < line.starts_on:
        raise OrgError("A reporting line cannot end before it starts.")
    with write_transaction():
        later = (
            ReportingLine.select()
            .where(
                (ReportingLine.employee == line.employee_id)
                & (ReportingLine.starts_on > line.starts_on)
                & (ReportingLine.id != line.id)
            )
            .order_by(ReportingLine.starts_on)
            .first()
        )
        if later is not None and ends_on >= later.starts_on:
            raise OrgError(
                f"{line.employee.name} reports to {later.manager.name} from "
                f"{formatting.dated(later.starts_on)}: this line must end before then."
            )
        ReportingLine.update(ends_on=ends_on).where(ReportingLine.id == line.id).execute()
        line.ends_on = ends_on
        _tell_both(line, by, f"ends on {formatting.dated(ends_on)}")


def _tell_both(line, by, what_happened):
    """Both people of a reporting line are told of every change to it, and by whom."""
    accounts.record_events(_told(line.manager, line.employee, what_happened), _id(by), _via(by))


def _told(manager, employee, what_happened):
    return [
        (employee.id, f"Your reporting line to {manager.name} {what_happened}"),
        (manager.id, f"{employee.name}'s reporting line to you {what_happened}"),
    ]


def _is_above(boss, person, day):
    """True if ``boss`` is ``person``'s manager, or that manager's, and so on."""
    seen = set()
    person_id = person.id
    while person_id is not None and person_id not in seen:
        if person_id == boss.id:
            return True
        seen.add(person_id)
        row = _current_manager_id.first(person_id, day)
        person_id = row[0] if row else None
    return False


def log_admin_action(actor, action, subject=""):
    """Write down what an administrator did (``actor`` None: the command line; a
    ``Directory``: the company's directory over SCIM)."""
    AdminAction.create(
        actor=_id(actor),
        action=action,
        subject=subject[:250],
        done_at=utcnow(),
        via=_via(actor),
    )
