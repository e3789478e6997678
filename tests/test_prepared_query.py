"""Queries whose SQL is composed once and run again with new arguments."""

import datetime

import pytest

from pmweb.db import PreparedQuery
from pmweb.models import ReportingLine, User

by_email = PreparedQuery(lambda email: User.select().where(User.email == email))
lines_of = PreparedQuery(
    lambda employee_id, day: ReportingLine.current_on(day).where(
        ReportingLine.employee == employee_id
    )
)


def test_each_run_uses_its_own_arguments(actors):
    assert by_email.first("sam@example.com").id == actors.report.id
    assert by_email.first("dana@example.com").id == actors.manager.id
    assert by_email.first("nobody@example.com") is None


def test_ids_and_days_are_arguments_too(actors):
    today = datetime.date.today()
    assert [line.manager_id for line in lines_of.all(actors.report.id, today)] == [
        actors.manager.id
    ]
    assert lines_of.all(actors.report.id, datetime.date(2000, 1, 1)) == []
    assert lines_of.all(actors.admin.id, today) == []


def test_an_argument_that_never_reaches_the_sql_is_refused(app):
    ignores_its_argument = PreparedQuery(lambda user_id: User.select())
    with pytest.raises(AssertionError):
        ignores_its_argument.all(1)
