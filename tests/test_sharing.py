"""Grants through the Flask client: Sam shares his development plan or his feedback
with one person, who reads it (read-only, nothing else) until it expires or Sam
revokes it; every read is on Sam's "Who has seen my data" page."""

import dataclasses
import datetime
import html
from html.parser import HTMLParser

import pytest

from pmweb.growth import service as growth
from pmweb.models import AccessRecord, DevelopmentPlan, Grant
from pmweb.sharing import service as sharing

PLAN = {"aspiration": "Lead a team", "strengths": "Writing", "growth_areas": "Delegation"}


def text_of(response):
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def sams_plan(actors):
    growth.save_plan(actors.report.id, actors.report.id, PLAN, 0)
    growth.add_step(
        actors.report.id, actors.report.id, growth.StepTerms("skill", "Public speaking")
    )


def grant_form(actors, **changes):
    return {"grantee": str(actors.hr.id), "scope": "plan", "days": "7", "message": ""} | changes


def test_sam_shares_his_plan_with_hana_who_reads_only_that(client, actors, login, sams_plan):
    login(actors.report)
    response = client.post("/sharing/grants", data=grant_form(actors, message="For mentoring"))
    assert response.status_code == 303
    grant = Grant.get()
    assert (grant.grantee_id, grant.scope) == (actors.hr.id, "plan")
    assert datetime.timedelta(days=6, hours=23) < grant.expires_at - grant.created_at

    login(actors.hr)
    page = text_of(client.get(f"/people/{actors.report.id}/plan"))
    assert "Lead a team" in page and "Public speaking" in page
    assert "Sam Okafor shared this with you until" in page and "For mentoring" in page
    assert "Edit the plan" not in page and "Add step" not in page
    assert "Sam Okafor's development plan" in text_of(client.get("/sharing"))
    for url in (
        f"/people/{actors.report.id}/feedback",
        f"/people/{actors.report.id}/goals",
        f"/meetings/{actors.meeting.id}",
        f"/one-on-ones/{actors.pair.id}",
    ):
        assert client.get(url).status_code == 404, url
    # Read-only: a change is refused, stores nothing, and is not a read.
    response = client.post(
        f"/people/{actors.report.id}/plan", data=PLAN | {"aspiration": "Hana's", "version": "1"}
    )
    assert response.status_code == 409
    assert DevelopmentPlan.get().aspiration == "Lead a team"
    assert AccessRecord.select().count() == 1

    login(actors.report)
    reads = text_of(client.get("/sharing/reads"))
    assert "Hana Berg" in reads and "Development plan" in reads
    assert "your grant of development plan" in reads


def test_a_revoked_grant_stops_at_the_next_request(client, actors, login, sams_plan):
    grant = sharing.give_grant(actors.report, actors.hr, "plan", 7)
    login(actors.hr)
    assert client.get(f"/people/{actors.report.id}/plan").status_code == 200
    login(actors.report)
    assert client.post(f"/grants/{grant.id}/revoke").status_code == 303
    login(actors.hr)
    assert client.get(f"/people/{actors.report.id}/plan").status_code == 404
    assert "Sam Okafor's development plan" not in text_of(client.get("/sharing"))


def test_an_expired_grant_stops_by_itself(client, actors, login, sams_plan):
    grant = sharing.give_grant(actors.report, actors.hr, "plan", 7)
    Grant.update(expires_at=datetime.datetime(2020, 1, 1)).where(Grant.id == grant.id).execute()
    login(actors.hr)
    assert client.get(f"/people/{actors.report.id}/plan").status_code == 404


def test_printing_and_the_pdf_count_as_reads(client, actors, login, sams_plan):
    sharing.give_grant(actors.report, actors.hr, "plan", 7)
    login(actors.hr)
    assert client.get(f"/people/{actors.report.id}/plan/print").status_code == 200
    assert client.get(f"/people/{actors.report.id}/plan.pdf").status_code == 200
    assert [r.what for r in AccessRecord.select().order_by(AccessRecord.id)] == [
        "printed development plan",
        "development plan PDF",
    ]


def test_shared_feedback_shows_what_was_sent_and_never_a_draft(client, actors, login):
    sam, dana = actors.report, actors.manager
    for giver, receiver, body, send in (
        (dana, sam, "SENT-PRAISE", True),
        (dana, sam, "DANA-DRAFT", False),
        (sam, dana, "SAM-DRAFT", False),
    ):
        terms = growth.FeedbackTerms("praise", body)
        growth.write_feedback(sam.id, giver.id, receiver.id, terms, send=send)
    sharing.give_grant(actors.report, actors.hr, "feedback", 30)
    login(actors.hr)
    page = text_of(client.get(f"/people/{actors.report.id}/feedback"))
    assert "SENT-PRAISE" in page
    assert "DANA-DRAFT" not in page and "SAM-DRAFT" not in page
    assert "Give" not in page
    assert client.get(f"/people/{actors.report.id}/plan").status_code == 404


def test_only_the_employee_who_gave_a_grant_ends_it(client, actors, login):
    grant = sharing.give_grant(actors.report, actors.hr, "plan", 7)
    for someone in (actors.hr, actors.manager, actors.admin):
        login(someone)
        assert client.post(f"/grants/{grant.id}/revoke").status_code == 404
    assert Grant.get().revoked_at is None


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"days": "0"}, "A grant lasts from 1 to 90 days."),
        ({"days": "91"}, "A grant lasts from 1 to 90 days."),
        ({"days": "soon"}, "Not a valid integer value."),
        ({"days": ""}, "Say for how many days."),
        ({"grantee": "0"}, "Choose who to share with."),
        ({"grantee": "999999"}, "Not a valid choice"),
        ({"scope": "private_notes"}, "Not a valid choice"),
        ({"message": "m" * 5000}, "Keep the message under 1,000 characters."),
    ],
)
def test_bad_grants_get_a_clear_message_and_nothing_is_stored(
    client, actors, login, changes, message
):
    login(actors.report)
    response = client.post("/sharing/grants", data=grant_form(actors, **changes))
    assert response.status_code == 422
    assert message in text_of(response)
    assert Grant.select().count() == 0


def test_nobody_shares_with_themselves(client, actors, login):
    with pytest.raises(sharing.GrantError):
        sharing.give_grant(actors.report, actors.report, "plan", 7)
    login(actors.report)
    response = client.post(
        "/sharing/grants", data=grant_form(actors, grantee=str(actors.report.id))
    )
    assert response.status_code == 422
    assert Grant.select().count() == 0


def test_shared_goals_are_read_only_and_each_goal_read_is_recorded(client, actors, login):
    from pmweb.goals import service as goals
    from pmweb.models import CheckIn
    from tests.test_goals_routes import nps

    goal = goals.propose_goal(actors.report, actors.report, "employee", nps())
    goals.agree(goal, "manager", actors.manager.id, 1, actors.manager.id)
    sharing.give_grant(actors.report, actors.hr, "goals", 30)
    login(actors.hr)
    overview = text_of(client.get(f"/people/{actors.report.id}/goals"))
    assert "Raise NPS" in overview and "Propose a goal" not in overview
    assert "Sam Okafor shared this with you until" in overview
    page = text_of(client.get(f"/goals/{goal.id}"))
    assert "Raise NPS" in page
    assert 'id="check-in"' not in page and "Close this goal" not in page and ">Change<" not in page
    for url, data in (
        (f"/goals/{goal.id}/check-ins", {"value": "40", "confidence": "on_track"}),
        (f"/goals/{goal.id}/edit", {}),
        (f"/people/{actors.report.id}/goals/new", {}),
    ):
        assert client.post(url, data=data).status_code == 404, url
    assert client.get(f"/goals/{goal.id}/edit").status_code == 404
    assert CheckIn.select().count() == 0
    assert client.get(f"/people/{actors.report.id}/plan").status_code == 404
    assert [r.what for r in AccessRecord.select().order_by(AccessRecord.id)] == [
        "Goals",
        "goal “Raise NPS”",
    ]


def test_shared_meeting_records_are_read_only_and_never_show_private_notes(client, actors, login):
    from pmweb.meetings import service as meetings
    from pmweb.models import PrivateNote, TalkingPoint

    meeting = actors.meeting
    meetings.add_talking_point(meeting, actors.report.id, "SHARED-POINT")
    PrivateNote.create(meeting=meeting, author=actors.report, body="SAM-PRIVATE")
    PrivateNote.create(meeting=meeting, author=actors.manager, body="DANA-PRIVATE")
    with pytest.raises(sharing.GrantError):
        sharing.give_grant(actors.report, actors.hr, "meetings", 7)
    with pytest.raises(sharing.GrantError):  # not Dana's to share
        sharing.give_grant(actors.manager, actors.hr, "meetings", 7, one_on_one=actors.pair)
    grant = sharing.give_grant(actors.report, actors.hr, "meetings", 7, one_on_one=actors.pair)

    login(actors.hr)
    history = text_of(client.get(f"/one-on-ones/{actors.pair.id}"))
    assert "One-on-one of Dana Reyes and Sam Okafor" in history
    page = text_of(client.get(f"/meetings/{meeting.id}"))
    assert "SHARED-POINT" in page
    assert "SAM-PRIVATE" not in page and "DANA-PRIVATE" not in page
    assert "My private note" not in page and "hx-sse:connect" not in page
    assert "Sam Okafor shared this with you until" in page
    assert (
        client.post(f"/meetings/{meeting.id}/talking-points", data={"text": "x"}).status_code == 404
    )
    assert client.get(f"/meetings/{meeting.id}/live").status_code == 404
    assert client.get(f"/meetings/{actors.other_pair.meetings.get().id}").status_code == 404
    assert TalkingPoint.select().count() == 1
    assert {r.what for r in AccessRecord.select()} == {
        "one-on-one history",
        f"meeting of {meeting.scheduled_for:%d %b %Y}",
    }

    sharing.revoke_grant(grant)
    assert client.get(f"/meetings/{meeting.id}").status_code == 404


class _GrantFormOnPage(HTMLParser):
    """The share form as a browser sees it: each field's name, its value (a select's
    selected option, else its first), and each select's options by label."""

    def __init__(self):
        super().__init__()
        self.values, self.options = {}, {}
        self._in_form = False
        self._select = self._option = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_form = attrs.get("action") == "/sharing/grants"
        elif not self._in_form:
            return
        elif tag == "input" and attrs.get("type") != "submit":
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs["name"]
            self.options[self._select] = {}
        elif tag == "option":
            self._option = attrs["value"]
            if self._select not in self.values or "selected" in attrs:
                self.values[self._select] = self._option
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.values[self._textarea] = ""

    def handle_data(self, data):
        if self._option is not None:
            self.options[self._select][data.strip()] = self._option
        elif self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "option":
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def test_sam_shares_the_records_of_his_one_on_one_through_the_form_on_the_page(
    client, actors, login
):
    login(actors.report)
    form = _GrantFormOnPage()
    form.feed(client.get("/sharing").get_data(as_text=True))
    chosen = {
        "grantee": form.options["grantee"]["Hana Berg"],
        "scope": form.options["scope"]["Meeting records"],
        "one_on_one": form.options["one_on_one"]["With Dana Reyes"],
    }
    response = client.post("/sharing/grants", data=form.values | chosen | {"days": "7"})

    assert response.status_code == 303
    grant = Grant.get()
    assert (grant.grantee_id, grant.scope, grant.one_on_one_id) == (
        actors.hr.id,
        "meetings",
        actors.pair.id,
    )
    login(actors.hr)
    assert client.get(f"/meetings/{actors.meeting.id}").status_code == 200


def test_sharing_meeting_records_without_choosing_a_one_on_one_says_which_to_choose(
    client, actors, login
):
    login(actors.report)
    response = client.post("/sharing/grants", data=grant_form(actors, scope="meetings"))

    assert response.status_code == 422
    assert "Choose which one-on-one's meetings to share." in text_of(response)
    assert Grant.select().count() == 0


def test_a_former_managers_reads_of_old_meetings_are_recorded(client, actors, login):
    from tests.test_growth_routes import hand_sam_to_a_new_manager

    hand_sam_to_a_new_manager(actors)
    login(actors.manager)
    assert client.get(f"/meetings/{actors.meeting.id}").status_code == 200
    assert client.get(f"/people/{actors.report.id}/plan").status_code == 404
    record = AccessRecord.get()
    assert (record.actor_id, record.employee_id, record.grant_id) == (
        actors.manager.id,
        actors.report.id,
        None,
    )
    login(actors.report)
    reads = text_of(client.get("/sharing/reads"))
    assert "Dana Reyes" in reads and "Meeting of" in reads


def test_the_export_has_everything_of_ones_own_and_nothing_of_the_others_private(
    client, actors, login
):
    import io
    import json
    import zipfile

    from pmweb.meetings import service as meetings
    from pmweb.models import PrivateNote

    meetings.add_talking_point(actors.meeting, actors.manager.id, "EXPORT-POINT")
    PrivateNote.create(meeting=actors.meeting, author=actors.report, body="SAM-OWN-NOTE")
    PrivateNote.create(meeting=actors.meeting, author=actors.manager, body="DANA-PRIVATE")
    growth.save_plan(
        actors.report.id, actors.report.id, PLAN | {"aspiration": "<script>x</script>"}, 0
    )
    for giver, receiver, body, send in (
        (actors.manager, actors.report, "SENT-TO-SAM", True),
        (actors.manager, actors.report, "DANA-DRAFT", False),
        (actors.report, actors.manager, "SAM-DRAFT", False),
    ):
        terms = growth.FeedbackTerms("praise", body)
        growth.write_feedback(actors.report.id, giver.id, receiver.id, terms, send=send)
    sharing.give_grant(actors.report, actors.hr, "plan", 7)

    login(actors.report)
    response = client.get("/account/export")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        data = json.loads(archive.read("pmweb-data.json"))
        readable = archive.read("pmweb-data.html").decode()
    everything = json.dumps(data)
    for text in ("EXPORT-POINT", "SAM-OWN-NOTE", "SENT-TO-SAM", "SAM-DRAFT", "Hana Berg"):
        assert text in everything and text in readable
    for text in ("DANA-PRIVATE", "DANA-DRAFT"):
        assert text not in everything and text not in readable
    assert data["development_plan"]["aspiration"] == "<script>x</script>"
    assert "<script>x" not in readable


def test_after_a_manager_change_sam_decides_what_the_new_manager_reads(client, actors, login):
    from tests.test_growth_routes import hand_sam_to_a_new_manager

    morgan = hand_sam_to_a_new_manager(actors)
    login(morgan)
    assert client.get(f"/meetings/{actors.meeting.id}").status_code == 404
    assert client.get(f"/people/{actors.report.id}/plan").status_code == 200

    login(actors.report)
    assert "Your manager changed" in text_of(client.get("/"))
    page = text_of(client.get("/handoff"))
    assert "Morgan Lee, your manager now" in page and "Dana Reyes, your earlier manager" in page
    response = client.post("/handoff", data={"one_on_one": str(actors.pair.id), "days": "14"})
    assert response.status_code == 303
    grant = Grant.get()
    assert (grant.grantee_id, grant.scope, grant.one_on_one_id) == (
        morgan.id,
        "meetings",
        actors.pair.id,
    )
    assert "You share these meetings with Morgan" in text_of(client.get("/handoff"))
    assert client.post("/handoff", data={"one_on_one": "0"}).status_code == 422

    login(morgan)
    assert client.get(f"/meetings/{actors.meeting.id}").status_code == 200
    assert AccessRecord.get().grant_id == grant.id


def test_without_a_change_of_manager_there_is_nothing_to_decide(client, actors, login):
    login(actors.report)
    assert "Your manager changed" not in text_of(client.get("/"))
    assert "nothing to decide" in text_of(client.get("/handoff"))
    assert client.post("/handoff", data={"one_on_one": str(actors.pair.id)}).status_code == 303
    assert Grant.select().count() == 0


def test_a_plan_grant_does_not_open_the_goals_its_steps_and_wins_are_for(client, actors, login):
    from pmweb.goals import service as goals
    from tests.test_goals_routes import nps

    goal = goals.propose_goal(actors.report, actors.report, "employee", nps(title="GOAL-TITLE"))
    goals.agree(goal, "manager", actors.manager.id, 1, actors.manager.id)
    growth.add_step(
        actors.report.id, actors.report.id, growth.StepTerms("skill", "A step", goal_id=goal.id)
    )
    growth.record_win(actors.report.id, actors.report.id, "A win", goal_id=goal.id)
    grant = sharing.give_grant(actors.report, actors.hr, "plan", 7)
    login(actors.hr)
    for url in (f"/people/{actors.report.id}/plan", f"/people/{actors.report.id}/plan/print"):
        page = text_of(client.get(url))
        assert "A step" in page and "A win" in page and "GOAL-TITLE" not in page
    sharing.give_grant(actors.report, actors.hr, "goals", 7)
    assert "GOAL-TITLE" in text_of(client.get(f"/people/{actors.report.id}/plan"))
    sharing.revoke_grant(grant)


def test_the_read_log_shows_titles_as_they_were_written(client, actors, login):
    from pmweb.goals import service as goals
    from tests.test_access import GOAL_TERMS

    terms = dataclasses.replace(GOAL_TERMS, title="raise the onboarding NPS for EMEA")
    goal = goals.propose_goal(actors.report, actors.report, "employee", terms)
    sharing.give_grant(actors.report, actors.hr, "goals", 7)
    login(actors.hr)
    assert client.get(f"/goals/{goal.id}").status_code == 200
    login(actors.report)
    reads = text_of(client.get("/sharing/reads"))
    assert "Goal “raise the onboarding NPS for EMEA”" in reads


def test_the_sharing_form_says_who_is_ones_manager_and_who_administers(client, actors, login):
    login(actors.report)
    page = text_of(client.get("/sharing"))
    assert "Dana Reyes (your manager)" in page
    assert "Ada Admin (an administrator)" in page
    assert "Hana Berg<" in page  # anyone else, by name alone
    assert "An administrator sees nothing of yours unless you share it" in page


def test_the_read_log_tells_the_time_where_the_person_meets(client, actors, login):
    from pmweb.models import OneOnOne

    OneOnOne.update(timezone="Asia/Tokyo").where(OneOnOne.id == actors.pair.id).execute()
    AccessRecord.create(
        actor=actors.hr.id,
        employee=actors.report.id,
        what="Development plan",
        read_at=datetime.datetime(2026, 12, 1, 15, 0),
    )
    login(actors.report)
    assert "2 Dec 2026, 00:00 JST" in text_of(client.get("/sharing/reads"))
