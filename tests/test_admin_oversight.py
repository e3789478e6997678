"""What administrators see besides accounts: how often each team meets and how its
action items stand (numbers, never content), and an audit trail of every change
administrators make."""

import datetime
import html
import re

from pmweb.meetings import service as meetings
from pmweb.models import AdminAction


def text_of(response):
    return html.unescape(response.get_data(as_text=True))


def test_team_numbers_show_no_content(client, actors, login):
    meeting = actors.meeting
    meetings.add_talking_point(meeting, actors.report.id, "CONTENT-POINT")
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    meetings.add_action_item(
        meeting, actors.manager.id, actors.report.id, "CONTENT-ITEM", yesterday
    )
    meetings.add_action_item(meeting, actors.manager.id, actors.report.id, "Later", None)
    meetings.complete_meeting(meeting, actors.manager.id)
    login(actors.admin)
    page = text_of(client.get("/admin/overview"))
    row = next(line for line in page.split("<tr>") if "Dana Reyes" in line)
    cells = [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[:4] == ["Dana Reyes", "1", "1", "2"]
    assert ">1<" in cells[4]
    assert "CONTENT-POINT" not in page and "CONTENT-ITEM" not in page


def test_every_admin_change_is_in_the_activity_log(client, actors, login):
    login(actors.admin)
    response = client.post(
        "/admin/people",
        data={"email": "new@example.com", "name": "New Person", "manager": ""},
    )
    assert response.status_code == 200
    client.post(f"/admin/people/{actors.hr.id}/reset-password")
    client.post(f"/admin/people/{actors.hr.id}/deactivate")
    client.post(f"/admin/people/{actors.hr.id}/reactivate")
    client.post(
        "/admin/reporting-lines",
        data={
            "manager": actors.manager.email,
            "employee": actors.hr.email,
            "starts_on": datetime.date.today().isoformat(),
        },
    )
    actions = [a.action for a in AdminAction.select().order_by(AdminAction.id)]
    assert actions == [
        "Added an account",
        "Reset a password",
        "Deactivated an account",
        "Reactivated an account",
        "Started a reporting line",
    ]
    assert all(a.actor_id == actors.admin.id for a in AdminAction.select())
    page = text_of(client.get("/admin/activity"))
    assert "New Person <new@example.com>" in page and "Hana Berg reports to Dana Reyes" in page


def test_a_refused_change_is_not_logged(client, actors, login):
    login(actors.admin)
    client.post("/admin/people", data={"email": actors.hr.email, "name": "Dup", "manager": ""})
    assert AdminAction.select().count() == 0
