"""Reads of the administration pages: accounts and reporting lines, nothing else."""

from peewee import JOIN, fn

from pmweb.models import ReportingLine, User

Manager = User.alias("manager")
Report = ReportingLine.alias("report_line")


def _current(line, day):
    return (line.starts_on <= day) & (line.ends_on.is_null() | (line.ends_on >= day))


def people_with_managers(people, day, search=""):
    """``people`` (a User query) with each one's current manager and number of
    current reports, optionally only those whose name or email contains ``search``."""
    reports = Report.select(fn.COUNT(Report.id)).where(
        (Report.manager == User.id) & _current(Report, day)
    )
    query = (
        people.select_extend(
            Manager.name.alias("manager_name"),
            Manager.email.alias("manager_email"),
            reports.alias("report_count"),
        )
        .join_from(
            User,
            ReportingLine,
            JOIN.LEFT_OUTER,
            on=(ReportingLine.employee == User.id) & _current(ReportingLine, day),
        )
        .join_from(
            ReportingLine, Manager, JOIN.LEFT_OUTER, on=(ReportingLine.manager == Manager.id)
        )
    )
    if search:
        query = query.where(User.name.contains(search) | User.email.contains(search))
    # Every selected column lands on the User row itself (person.manager_name).
    return query.objects()


def active_people():
    return User.active().order_by(fn.LOWER(User.name))
