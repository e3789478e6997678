"""Importing people from CSV (``email,name,manager_email``). The whole file is checked
first, so an administrator sees what every row will do — or what is wrong with it —
before anything changes; then it is applied in one transaction, all or nothing.

A row whose email has no account creates one. A row for an existing account renames
it if the name differs and, when ``manager_email`` names someone else than the current
manager, starts a reporting line to them from today. An empty ``manager_email`` leaves
an existing person's reporting line as it is."""

import csv
import dataclasses
import io

from email_validator import EmailNotValidError, validate_email

from pmweb import accounts
from pmweb.db import all_or_nothing
from pmweb.models import ReportingLine, User
from pmweb.org import service
from pmweb.org.service import OrgError, normalise_email

COLUMNS = ("email", "name", "manager_email")
MAX_ROWS = 10_000
# A hundred characters a row: a long name and two long addresses.
MAX_CHARACTERS = 1_000_000
# The most bytes MAX_CHARACTERS take in UTF-8 (four for a character outside the BMP):
# an uploaded file may be this long.
MAX_BYTES = MAX_CHARACTERS * 4
NAME_MAX = 200


@dataclasses.dataclass
class ImportRow:
    line: int
    email: str
    name: str
    manager_email: str
    errors: list = dataclasses.field(default_factory=list)
    user: User | None = None
    current_manager: User | None = None
    current_line: ReportingLine | None = None

    @property
    def creates_account(self):
        return self.user is None

    @property
    def renames(self):
        return self.user is not None and self.user.name != self.name

    @property
    def changes_manager(self):
        if not self.manager_email:
            return False
        return self.current_manager is None or self.current_manager.email != self.manager_email

    @property
    def changes(self):
        """What applying this row does, in words, for the preview."""
        if self.errors:
            return []
        changes = []
        if self.creates_account:
            changes.append("New account")
        elif self.renames:
            changes.append(f"Renamed from {self.user.name}")
        if self.changes_manager:
            was = f" (instead of {self.current_manager.name})" if self.current_manager else ""
            changes.append(f"Reports to {self.manager_email} from today{was}")
        return changes or ["No change"]


@dataclasses.dataclass
class ImportPlan:
    rows: list
    problems: list  # about the file as a whole

    @property
    def is_valid(self):
        return not self.problems and bool(self.rows) and not self.rows_with_errors

    @property
    def rows_with_errors(self):
        return [row for row in self.rows if row.errors]

    @property
    def new_accounts(self):
        return sum(row.creates_account for row in self.rows if not row.errors)

    @property
    def changed_accounts(self):
        return sum(
            not row.creates_account and (row.renames or row.changes_manager)
            for row in self.rows
            if not row.errors
        )


def plan_import(text, today):
    """Reads and checks ``text``; changes nothing."""
    if len(text) > MAX_CHARACTERS:
        return ImportPlan(
            [],
            [
                f"The file is too large: import at most {MAX_ROWS:,} people "
                f"({MAX_CHARACTERS:,} characters) at once, and split a larger file."
            ],
        )
    try:
        records = _records(text)
    except csv.Error as error:
        return ImportPlan([], [f"This is not a CSV file we can read ({error})."])
    if not records:
        return ImportPlan(
            [], ["The file is empty. The first line must be: email,name,manager_email"]
        )
    header = tuple(value.strip().lower() for value in records[0][1])
    if header != COLUMNS:
        return ImportPlan(
            [],
            [f"The first line must be “email,name,manager_email”, not “{','.join(header)}”."],
        )
    if len(records) - 1 > MAX_ROWS:
        return ImportPlan([], [f"Import at most {MAX_ROWS:,} people at once."])
    rows = [_read_row(line, record) for line, record in records[1:]]
    if not rows:
        return ImportPlan([], ["The file has a header but no people."])
    _check_against_organisation(rows, today)
    return ImportPlan(rows, [])


def _records(text):
    """[(line number, values)] of the non-blank records, numbered as an editor shows
    the file."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    return [(reader.line_num, record) for record in reader if any(v.strip() for v in record)]


def _read_row(line, record):
    values = [value.strip() for value in record]
    if len(values) != len(COLUMNS):
        row = ImportRow(line, values[0] if values else "", "", "")
        row.errors.append(f"Expected 3 values (email, name, manager_email), found {len(values)}.")
        return row
    email, name, manager_email = values
    row = ImportRow(line, normalise_email(email), name, normalise_email(manager_email))
    if not _is_email(row.email):
        row.errors.append(f"“{email}” is not an email address.")
    if not name:
        row.errors.append("The name is missing.")
    elif len(name) > NAME_MAX:
        row.errors.append(f"The name is longer than {NAME_MAX} characters.")
    if row.manager_email and not _is_email(row.manager_email):
        row.errors.append(f"The manager “{manager_email}” is not an email address.")
    elif row.manager_email and row.manager_email == row.email:
        row.errors.append("Someone cannot be their own manager.")
    return row


def _is_email(value):
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _check_against_organisation(rows, today):
    """Errors that need the rest of the file and the accounts already there."""
    emails = {row.email for row in rows}
    wanted = emails | {row.manager_email for row in rows if row.manager_email}
    users = {user.email: user for user in User.select().where(User.email.in_(list(wanted)))}
    current_managers = _current_managers(today)
    first_line = {}
    for row in rows:
        if row.email in first_line:
            row.errors.append(f"{row.email} is also on line {first_line[row.email]}.")
            continue
        first_line[row.email] = row.line
        row.user = users.get(row.email)
        if row.user is not None:
            row.current_line, row.current_manager = current_managers.get(row.user.id, (None, None))
        if row.user is not None and not row.user.is_active:
            row.errors.append(f"{row.email} has a deactivated account; reactivate it first.")
    rows_by_email = {row.email: row for row in rows if first_line[row.email] == row.line}
    for row in rows:
        if row.errors or not row.manager_email:
            continue
        manager_row = rows_by_email.get(row.manager_email)
        manager = users.get(row.manager_email)
        if manager is None and manager_row is None:
            row.errors.append(
                f"The manager {row.manager_email} has no account and is not in the file."
            )
        elif manager is not None and not manager.is_active:
            row.errors.append(f"The manager {row.manager_email} has a deactivated account.")
        elif manager_row is not None and manager_row.errors:
            row.errors.append(f"The manager's own row (line {manager_row.line}) has errors.")
        elif row.changes_manager and row.current_line and row.current_line.starts_on >= today:
            row.errors.append(
                f"{row.email}'s current reporting line starts on {row.current_line.starts_on}; "
                "change it on the reporting lines page."
            )
    _check_for_cycles(rows_by_email, current_managers, users)


def _current_managers(today):
    """{employee id: (line, manager)} for every current reporting line."""
    lines = (
        ReportingLine.current_on(today)
        .select(ReportingLine, User)
        .join(User, on=(ReportingLine.manager == User.id))
    )
    return {line.employee_id: (line, line.manager) for line in lines}


def _final_manager_emails(rows_by_email, current_managers, users):
    """Who reports to whom once the import is applied, by email."""
    by_id = {user.id: user.email for user in users.values()}
    final = {}
    for employee_id, (_, manager) in current_managers.items():
        employee_email = by_id.get(employee_id)
        if employee_email:
            final[employee_email] = manager.email
    for email, row in rows_by_email.items():
        if row.manager_email and not row.errors:
            final[email] = row.manager_email
    return final


def _check_for_cycles(rows_by_email, current_managers, users):
    final = _final_manager_emails(rows_by_email, current_managers, users)
    for email, row in rows_by_email.items():
        if row.errors or not row.manager_email:
            continue
        chain, boss = [], row.manager_email
        while boss in final and boss not in chain:
            if boss == email:
                break
            chain.append(boss)
            boss = final[boss]
        if boss == email:
            row.errors.append(
                f"{email} would end up reporting to themselves (through {row.manager_email})."
            )


def apply_import(plan, today, timezone, by=None, welcome_links=True):
    """Applies a valid plan in one transaction, for administrator ``by`` (None: the
    command line). Returns [(user, welcome link token)] for the accounts it created;
    without ``welcome_links`` (no passwords in pmweb) each token is None.
    Raises OrgError, changing nothing, if a rule fails — among them an administrator
    naming themselves someone's manager."""
    if not plan.is_valid:
        raise OrgError("Fix the errors in the file first.")
    by_id = by.id if by else None
    newcomers = [row for row in plan.rows if row.creates_account]
    others = [row for row in plan.rows if not row.creates_account]
    with all_or_nothing():
        # The newcomers first, with their first lines: their managers' accounts then
        # exist for the others' rows.
        created = service.add_people(
            [(row.email, row.name) for row in newcomers],
            by,
            welcome_links,
            first_lines=service.FirstLines(
                {row.email: row.manager_email for row in newcomers if row.manager_email},
                today,
                timezone,
            ),
        )
        users = {user.email: user for user, _ in created}
        for row in others:
            if row.renames:
                User.update(name=row.name).where(User.id == row.user.id).execute()
                accounts.record_event(row.user.id, by_id, f"Renamed you to {row.name}")
            users[row.email] = row.user
        for row in _managers_first(others):
            manager = users.get(row.manager_email) or User.get(User.email == row.manager_email)
            service.start_reporting_line(manager, users[row.email], today, timezone, by=by)
    return created


def _managers_first(rows):
    """Rows that change a manager, each after the row of its new manager, so no chain
    looks circular half-way through."""
    changing = {row.email: row for row in rows if row.changes_manager}

    def depth(row):
        seen, level = set(), 0
        while row.manager_email in changing and row.manager_email not in seen:
            seen.add(row.manager_email)
            row = changing[row.manager_email]
            level += 1
        return level

    return sorted(changing.values(), key=depth)
