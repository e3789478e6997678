"""What administrators see: accounts and reporting lines. An administrator reads no
one-on-one content — no meeting, note, goal, plan or feedback — through any route."""

from flask import abort
from peewee import JOIN, fn

from pmweb.access.common import Employee, Manager, first_or_404
from pmweb.models import ReportingLine, User


def is_administrator(user):
    return user.is_authenticated and user.is_active and user.is_admin


def require_administrator(user):
    if not is_administrator(user):
        abort(404)


def people_visible_to_administrator():
    """Accounts and reporting lines only: an administrator's view has no 1:1 content."""
    return User.select().order_by(fn.LOWER(User.name), User.id)


def reporting_lines_visible_to_administrator():
    return (
        ReportingLine.select(ReportingLine, Manager, Employee)
        # Every line has both people; joined as outer joins, a count of lines (which
        # reads neither) leaves them out.
        .join_from(
            ReportingLine, Manager, JOIN.LEFT_OUTER, on=(ReportingLine.manager == Manager.id)
        )
        .join_from(
            ReportingLine, Employee, JOIN.LEFT_OUTER, on=(ReportingLine.employee == Employee.id)
        )
        .order_by(
            ReportingLine.ends_on.is_null(False),
            fn.LOWER(Manager.name),
            fn.LOWER(Employee.name),
            ReportingLine.id,
        )
    )


def get_person_for_administrator_or_404(user, person_id):
    require_administrator(user)
    return first_or_404(User.select().where(User.id == person_id))


def get_reporting_line_for_administrator_or_404(user, line_id):
    require_administrator(user)
    return first_or_404(
        reporting_lines_visible_to_administrator().where(ReportingLine.id == line_id)
    )
