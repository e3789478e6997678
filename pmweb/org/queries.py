"""Reads of the administration pages: accounts, reporting lines, numbers about how
often teams meet, and the administrators' own audit trail — never 1:1 content."""

from peewee import JOIN, Case, fn

from pmweb.access.common import Manager
from pmweb.models import ActionItem, AdminAction, Meeting, OneOnOne, ReportingLine, User
from pmweb.org.service import normalise_email

Report = ReportingLine.alias("report_line")


def _current(line, day):
    return (line.starts_on <= day) & (line.ends_on.is_null() | (line.ends_on >= day))


# The people page's filters: what each shows.
PEOPLE_SHOWN = {
    "everyone": "Everyone",
    "active": "Active",
    "deactivated": "Deactivated",
    "admins": "Administrators",
    "managers": "Managers",
}


def people_shown(people, day, search="", show="everyone"):
    """``people`` (a User query) who are what ``show`` (a key of PEOPLE_SHOWN) names
    and whose name or email contains ``search``."""
    if show == "active":
        people = people.where(User.deactivated_at.is_null())
    elif show == "deactivated":
        people = people.where(User.deactivated_at.is_null(False))
    elif show == "admins":
        people = people.where(User.is_admin)
    elif show == "managers":
        people = people.where(fn.EXISTS(Report.select(Report.id).where(_reports_now(day))))
    if search:
        people = people.where(named_like(User, search))
    return people


def _reports_now(day):
    return (Report.manager == User.id) & _current(Report, day)


def people_page(people, day, page, per_page):
    """Page ``page`` of ``people`` (``people_shown``), each with their current manager
    and number of current reports, and how many ``people`` there are. One pass over
    them finds the page's ids with the count (a window over all of them); only the
    page's people are read whole."""
    found = list(people.select(User.id, fn.COUNT(User.id).over()).paginate(page, per_page).tuples())
    if not found:  # a page past the end
        return [], people.count()
    reports = Report.select(fn.COUNT(Report.id)).where(_reports_now(day))
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
        .where(User.id.in_([person_id for person_id, _ in found]))
    )
    # Every selected column lands on the User row itself (person.manager_name).
    return list(query.objects()), found[0][1]


def named_like(person, search):
    """People (``person``: User or an alias of it) whose name or email contains
    ``search``, its ``%`` and ``_`` taken as they are."""
    return person.name.contains(search) | person.email.contains(search)


def people_named(people, text):
    """Up to two active people among ``people`` whom ``text`` names: by email address
    when it is one, else by their whole name, whatever its case."""
    if "@" in text:
        named = User.email == normalise_email(text)
    else:
        named = fn.LOWER(User.name) == text.lower()
    return list(people.where(named & User.deactivated_at.is_null()).limit(2))


def people_suggested(people, text, limit=10):
    """Active people among ``people`` whose name or email contains ``text``."""
    return list(people.where(named_like(User, text) & User.deactivated_at.is_null()).limit(limit))


def reporting_lines(lines, day, ended, search=""):
    """The lines among ``lines`` (joined to their Manager and Employee) that are still
    current or starting later — or, with ``ended``, that ended before ``day`` — whose
    manager or employee matches ``search``."""
    return _matching(lines, search).where(~_still_on(day) if ended else _still_on(day))


def line_counts(lines, day, search=""):
    """(still current or starting later, ended) of the lines that ``reporting_lines``
    lists, both in one query."""
    ended = fn.SUM(Case(None, [(_still_on(day), 0)], 1))
    every, ended = (
        _matching(lines, search).select(fn.COUNT(ReportingLine.id), ended).order_by().tuples().get()
    )
    return every - (ended or 0), ended or 0


def _still_on(day):
    return ReportingLine.ends_on.is_null() | (ReportingLine.ends_on >= day)


def _matching(lines, search):
    if search:
        # The matching people found once, on their own (by their trigram indexes on
        # PostgreSQL), rather than each line's two people compared in turn. Kept as a
        # table: as a subquery PostgreSQL plans it for its first row, and scans.
        people = (
            User.select(User.id)
            .where(named_like(User, search))
            .cte("matching_people", materialized=True)
        )
        lines = lines.with_cte(people).where(
            ReportingLine.manager.in_(people.select(people.c.id))
            | ReportingLine.employee.in_(people.select(people.c.id))
        )
    return lines


def page_of_lines(every_line, lines, page, per_page):
    """Page ``page`` of ``lines`` (those of ``every_line`` that ``reporting_lines``
    chose, in the same order): the page's ids are sorted out first, on their own, so
    only the page's lines are read whole, and without the search made again."""
    on_page = lines.select(ReportingLine.id).paginate(page, per_page)
    return every_line.where(ReportingLine.id.in_(on_page))


def teams(day, search=""):
    """Managers with reports on ``day`` (whose name or email matches ``search``), by
    name, each with ``report_count``: a query to page through."""
    managers = (
        ReportingLine.current_on(day)
        .select(Manager.id, Manager.name, fn.COUNT(ReportingLine.id).alias("report_count"))
        .join(Manager, on=(ReportingLine.manager == Manager.id))
        .group_by(Manager.id, Manager.name)
        .order_by(fn.LOWER(Manager.name), Manager.id)
    )
    if search:
        # Each manager compared once, not once for each of their reports.
        managers = managers.having(named_like(Manager, search))
    return managers.dicts()


def team_counts(teams, day, since):
    """For each team of ``teams`` (a page of ``teams(…)``): how many one-on-ones its
    manager held with their current reports since ``since``, and their open and
    overdue action items — counts only, in three queries whatever the page's size."""
    teams = list(teams)
    managers = [team["id"] for team in teams]
    line = ReportingLine.alias("current_line")
    # One-on-ones of a current pair: the manager's with someone reporting to them now.
    is_current_pair = (
        (line.manager == OneOnOne.manager)
        & (line.employee == OneOnOne.employee)
        & _current(line, day)
    )

    def per_manager(model, condition):
        return dict(
            model.select(OneOnOne.manager, fn.COUNT(model.id))
            .join(OneOnOne, on=(model.one_on_one == OneOnOne.id))
            .join(line, on=is_current_pair)
            .where(OneOnOne.manager.in_(managers) & condition)
            .group_by(OneOnOne.manager)
            .tuples()
        )

    held = per_manager(Meeting, (Meeting.status == "done") & (Meeting.completed_at >= since))
    still_open = ActionItem.done_at.is_null()
    open_items = per_manager(ActionItem, still_open)
    overdue = per_manager(ActionItem, still_open & (ActionItem.due < day))
    return [
        {
            "manager": team["name"],
            "reports": team["report_count"],
            "held": held.get(team["id"], 0),
            "open": open_items.get(team["id"], 0),
            "overdue": overdue.get(team["id"], 0),
        }
        for team in teams
    ]


def admin_actions(limit=200):
    return list(
        AdminAction.select(AdminAction, User)
        .join(User, JOIN.LEFT_OUTER, on=(AdminAction.actor == User.id))
        .order_by(AdminAction.done_at.desc(), AdminAction.id.desc())
        .limit(limit)
    )
