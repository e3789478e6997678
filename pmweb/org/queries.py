"""Reads of the administration pages: accounts, reporting lines, numbers about how
often teams meet, and the administrators' own audit trail — never 1:1 content."""

from peewee import JOIN, fn

from pmweb.models import ActionItem, AdminAction, Meeting, OneOnOne, ReportingLine, User

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


def team_counts(day, since):
    """For each manager with reports today: how many, how many one-on-ones they held
    with them since ``since``, and their open and overdue action items — counts
    only."""
    lines = list(
        ReportingLine.current_on(day)
        .select(ReportingLine.manager, ReportingLine.employee, Manager.name.alias("manager_name"))
        .join(Manager, on=(ReportingLine.manager == Manager.id))
        .objects()
    )
    pairs = {
        (pair.manager_id, pair.employee_id): pair.id
        for pair in OneOnOne.select(OneOnOne.id, OneOnOne.manager, OneOnOne.employee)
    }
    held = dict(
        Meeting.select(Meeting.one_on_one, fn.COUNT(Meeting.id))
        .where((Meeting.status == "done") & (Meeting.completed_at >= since))
        .group_by(Meeting.one_on_one)
        .tuples()
    )
    still_open = ActionItem.done_at.is_null()
    open_items = dict(
        ActionItem.select(ActionItem.one_on_one, fn.COUNT(ActionItem.id))
        .where(still_open)
        .group_by(ActionItem.one_on_one)
        .tuples()
    )
    overdue = dict(
        ActionItem.select(ActionItem.one_on_one, fn.COUNT(ActionItem.id))
        .where(still_open & (ActionItem.due < day))
        .group_by(ActionItem.one_on_one)
        .tuples()
    )
    teams = {}
    for line in lines:
        team = teams.setdefault(
            line.manager_id,
            {"manager": line.manager_name, "reports": 0, "held": 0, "open": 0, "overdue": 0},
        )
        pair_id = pairs.get((line.manager_id, line.employee_id))
        team["reports"] += 1
        team["held"] += held.get(pair_id, 0)
        team["open"] += open_items.get(pair_id, 0)
        team["overdue"] += overdue.get(pair_id, 0)
    return sorted(teams.values(), key=lambda team: team["manager"].lower())


def admin_actions(limit=200):
    return list(
        AdminAction.select(AdminAction, User)
        .join(User, JOIN.LEFT_OUTER, on=(AdminAction.actor == User.id))
        .order_by(AdminAction.done_at.desc(), AdminAction.id.desc())
        .limit(limit)
    )
