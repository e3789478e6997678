"""The administration lists at the size of a company: people, reporting lines and teams
a page at a time, searchable and filtered, and people picked by name or email from
suggestions instead of a list of everyone."""

import datetime
import re

import pytest

from pmweb.db import insert_rows
from pmweb.models import ReportingLine, User
from pmweb.org import service
from tests.conftest import make_user


@pytest.fixture
def admin(client, actors, login):
    return login(actors.admin)


def text_of(response):
    assert response.status_code in (200, 422), response.status_code
    return response.get_data(as_text=True)


def add_team(manager, size, today, prefix="Member"):
    """``size`` people reporting to ``manager`` since a month ago, written in bulk."""
    first = User.select().count()
    insert_rows(
        User,
        [
            {
                "email": f"{prefix.lower()}{first + n}@example.com",
                "name": f"{prefix} {first + n:04}",
                "password_hash": "",
            }
            for n in range(size)
        ],
    )
    members = list(User.select().where(User.name.startswith(prefix)).order_by(User.id))
    insert_rows(
        ReportingLine,
        [
            {"manager": manager.id, "employee": m.id, "starts_on": today - datetime.timedelta(30)}
            for m in members[-size:]
        ],
    )
    return members[-size:]


def row_ids(page, kind):
    return re.findall(rf'id="{kind}-(\d+)"', page)


def test_people_come_a_hundred_at_a_time_with_their_count(admin, actors, today):
    add_team(actors.manager, 150, today)
    first = text_of(admin.get("/admin/people"))
    assert len(row_ids(first, "person")) == 100
    assert "Page 1 of 2" in first and "156" in first
    second = text_of(admin.get("/admin/people?page=2"))
    assert len(row_ids(second, "person")) == 56
    assert not set(row_ids(first, "person")) & set(row_ids(second, "person"))
    past_the_end = text_of(admin.get("/admin/people?page=3"))
    assert row_ids(past_the_end, "person") == [] and "156" in past_the_end


def test_people_of_one_name_are_paged_in_a_fixed_order(admin, actors):
    insert_rows(
        User,
        [
            {"email": f"twin{n}@example.com", "name": "Lee Twin", "password_hash": ""}
            for n in range(130)
        ],
    )
    twins = [str(u.id) for u in User.select().where(User.name == "Lee Twin").order_by(User.id)]
    pages = [text_of(admin.get(f"/admin/people?q=twin&page={n}")) for n in (1, 2)]
    assert row_ids(pages[0], "person") + row_ids(pages[1], "person") == twins


def test_people_filters_show_active_deactivated_administrators_and_managers(admin, actors, today):
    service.deactivate(actors.hr, by=actors.admin)

    def shown(show):
        return {int(i) for i in row_ids(text_of(admin.get(f"/admin/people?show={show}")), "person")}

    everyone = {u.id for u in User.select()}
    assert shown("everyone") == everyone
    assert shown("active") == everyone - {actors.hr.id}
    assert shown("deactivated") == {actors.hr.id}
    assert shown("admins") == {actors.admin.id}
    assert shown("managers") == {actors.manager.id, actors.other_manager.id}
    # An unknown filter shows everyone rather than failing.
    assert shown("nonsense") == everyone
    # The search keeps the filter, and the filter the search.
    page = text_of(admin.get("/admin/people?show=managers&q=dana"))
    assert row_ids(page, "person") == [str(actors.manager.id)]
    assert 'name="show" value="managers"' in page


def test_a_search_for_percent_or_underscore_matches_them_literally(admin, actors):
    odd = make_user("Kim_Lee", "kim_lee@example.com")
    make_user("Kimxlee", "kimxlee@example.com")
    percent = make_user("Ana 100% Ops", "ana@example.com")
    backslash = make_user("Dev\\Ops Lee", "devops@example.com")
    for search, expected in (
        ("m_l", {odd.id}),
        ("%", {percent.id}),
        ("0%", {percent.id}),
        ("\\", {backslash.id}),
    ):
        page = text_of(admin.get("/admin/people", query_string={"q": search}))
        assert {int(i) for i in row_ids(page, "person")} == expected, search


def test_reporting_lines_are_paged_searched_and_split_into_current_and_ended(admin, actors, today):
    team = add_team(actors.other_manager, 120, today)
    ReportingLine.update(ends_on=today - datetime.timedelta(days=1)).where(
        ReportingLine.employee.in_([m.id for m in team[:30]])
    ).execute()
    current = text_of(admin.get("/admin/reporting-lines"))
    # Sam's and Alex's lines and 90 of the new team's.
    assert len(row_ids(current, "line")) == 92
    assert "Current (92)" in current and "Ended (30)" in current
    ended = text_of(admin.get("/admin/reporting-lines?show=ended"))
    assert len(row_ids(ended, "line")) == 30
    found = text_of(admin.get("/admin/reporting-lines?q=okafor"))
    sam_line = ReportingLine.get(ReportingLine.employee == actors.report.id)
    assert row_ids(found, "line") == [str(sam_line.id)]
    assert "Current (1)" in found and "Ended (0)" in found
    # A manager's name finds every line of theirs, a page at a time.
    add_team(actors.other_manager, 20, today, prefix="Later")
    theirs = text_of(admin.get("/admin/reporting-lines?q=natarajan"))
    assert len(row_ids(theirs, "line")) == 100 and "Page 1 of 2" in theirs
    rest = text_of(admin.get("/admin/reporting-lines?q=natarajan&page=2"))
    assert len(row_ids(rest, "line")) == 11


def test_a_reporting_lines_search_finds_either_person_by_name_or_email_literally(
    admin, actors, today
):
    odd = make_user("Kim_Lee", "kim_lee@corp.example")
    lookalike = make_user("Kimxlee", "kimxlee@corp.example")
    line = ReportingLine.create(manager=actors.other_manager, employee=odd, starts_on=today)
    ReportingLine.create(manager=actors.other_manager, employee=lookalike, starts_on=today)
    theirs = {
        str(each.id)
        for each in ReportingLine.select().where(ReportingLine.manager == actors.other_manager)
    }

    def found(search):
        page = text_of(admin.get("/admin/reporting-lines", query_string={"q": search}))
        return set(row_ids(page, "line"))

    assert found("m_l") == {str(line.id)}
    assert found("kim_lee@corp") == {str(line.id)}
    assert found("KIM_LEE") == {str(line.id)}
    # The manager's email finds all their lines; a line's two people match it once.
    assert found(actors.other_manager.email.split("@")[0]) == theirs
    assert found("%") == set()


def test_reporting_lines_of_one_name_are_paged_in_a_fixed_order(admin, actors, today):
    twins = add_team(actors.other_manager, 130, today, prefix="Twin")
    User.update(name="Lee Twin").where(User.id.in_([t.id for t in twins])).execute()
    lines = [
        str(line.id)
        for line in ReportingLine.select()
        .where(ReportingLine.employee.in_([t.id for t in twins]))
        .order_by(ReportingLine.id)
    ]
    pages = [text_of(admin.get(f"/admin/reporting-lines?q=twin&page={n}")) for n in (1, 2)]
    assert row_ids(pages[0], "line") + row_ids(pages[1], "line") == lines


def test_teams_are_paged_and_searched(admin, actors, today):
    page = text_of(admin.get("/admin/overview"))
    assert "Dana Reyes" in page and "Priya Natarajan" in page
    found = text_of(admin.get("/admin/overview?q=priya"))
    assert "Priya Natarajan" in found and "Dana Reyes" not in found
    assert "No manager matches" in text_of(admin.get("/admin/overview?q=zzz"))


def test_a_person_field_suggests_active_people_by_name_or_email(admin, actors):
    service.deactivate(actors.hr, by=actors.admin)
    options = text_of(admin.get("/admin/people/choices?field=manager&manager=a"))
    suggested = re.findall(r'<option value="([^"]+)">([^<]+)</option>', options)
    assert ("dana@example.com", "Dana Reyes") in suggested
    assert actors.hr.email not in options
    by_email = text_of(admin.get("/admin/people/choices?field=employee&employee=okafor"))
    assert re.findall(r'value="([^"]+)"', by_email) == ["sam@example.com"]
    assert "option" not in text_of(admin.get("/admin/people/choices?field=manager&manager="))
    for n in range(15):
        make_user(f"Alex Many {n}", f"many{n}@example.com")
    many = text_of(admin.get("/admin/people/choices?field=manager&manager=many"))
    assert many.count("<option") == 10


def test_two_people_of_one_name_are_told_apart_by_email(admin, actors, today):
    make_user("Sam Okafor", "sam.okafor@example.com")
    refused = admin.post(
        "/admin/reporting-lines",
        data={"employee": "Sam Okafor", "manager": "Priya Natarajan", "starts_on": today},
    )
    assert refused.status_code == 422
    assert "More than one person is called Sam Okafor" in text_of(refused)
    started = admin.post(
        "/admin/reporting-lines",
        data={
            "employee": "sam.okafor@example.com",
            "manager": "Priya Natarajan",
            "starts_on": today,
        },
    )
    assert started.status_code == 303


def test_a_deactivated_person_cannot_be_picked(admin, actors, today):
    service.deactivate(actors.hr, by=actors.admin)
    refused = admin.post(
        "/admin/reporting-lines",
        data={"employee": actors.hr.email, "manager": "Priya Natarajan", "starts_on": today},
    )
    assert refused.status_code == 422
    assert "No one with an active account" in text_of(refused)


@pytest.mark.parametrize("path", ["/admin/people", "/admin/reporting-lines", "/admin/overview"])
def test_a_page_far_past_the_end_is_empty_and_a_made_up_one_refused(admin, actors, path):
    assert admin.get(f"{path}?page=1000000&q=a").status_code == 200
    assert admin.get(f"{path}?q=a%00b").status_code == 400
    assert admin.get(f"{path}?q=" + "%25_" * 5000).status_code == 200
    for page in ("0", "-3", "two", "9" * 30):
        assert admin.get(f"{path}?page={page}").status_code == 400
