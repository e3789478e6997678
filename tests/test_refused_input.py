"""Input the fuzzing found to end in a 500, now refused with a clear answer."""

from pmweb.models import PrivateNote, TalkingPoint
from tests.conftest import PASSWORD


def test_a_nul_character_is_refused_before_the_database(client, actors, login):
    assert (
        client.post("/login", data={"email": "a\x00@example.com", "password": "x"}).status_code
        == 400
    )
    login(actors.report)
    response = client.post(
        f"/meetings/{actors.meeting.id}/talking-points", data={"text": "Hello\x00"}
    )
    assert response.status_code == 400
    assert TalkingPoint.select().count() == 0
    assert client.get(f"/one-on-ones/{actors.pair.id}?q=a%00b").status_code == 400
    assert client.post("/login", data={"email": actors.report.email, "password": PASSWORD})


def test_a_private_note_posted_without_its_field_is_an_empty_note(client, actors, login):
    login(actors.report)
    assert client.post(f"/meetings/{actors.meeting.id}/private-note", data={}).status_code == 303
    assert PrivateNote.get().body == ""


def test_a_version_no_page_could_have_written_is_refused(client, actors, login):
    login(actors.report)
    response = client.post(
        f"/meetings/{actors.meeting.id}/shared-notes",
        data={"shared_notes": "x", "version": "99999999999999999999"},
    )
    assert response.status_code == 422


def test_an_unreadable_csv_is_explained(client, actors, login):
    login(actors.admin)
    header = "email,name,manager_email\n"
    for text in (header + "a@example.com,A\r0,\n", header + "a@example.com,A," + "b" * 140_000):
        response = client.post("/admin/people/import/preview", data={"csv_text": text})
        # The preview page shows what is wrong with the file.
        assert response.status_code == 200
        assert "This is not a CSV file we can read" in response.get_data(as_text=True)


BEYOND_ANY_ID = 2**63


def test_an_id_past_what_the_database_holds_is_not_found(client, actors, login):
    login(actors.report)
    for url in (
        f"/meetings/{BEYOND_ANY_ID}",
        f"/goals/{2**64}",
        f"/people/{BEYOND_ANY_ID}/plan",
        f"/one-on-ones/{BEYOND_ANY_ID}?page=1",
    ):
        assert client.get(url).status_code == 404, url
    # Also where the same address takes another method: not found, not "not allowed".
    assert client.post(f"/people/{BEYOND_ANY_ID}/plan", data={}).status_code == 404
    assert client.get(f"/meetings/{BEYOND_ANY_ID - 1}").status_code == 404


def test_a_page_or_card_no_page_could_have_written_is_refused(client, actors, login):
    login(actors.manager)
    pair = f"/one-on-ones/{actors.pair.id}"
    for url in (f"{pair}?page={BEYOND_ANY_ID}", f"{pair}?page=0", f"{pair}?page=two"):
        assert client.get(url).status_code == 400, url
    # Past the last page is an empty page, as far as the database counts.
    assert client.get(f"{pair}?page=99999").status_code == 200
    assert client.get(f"/this-week?card={BEYOND_ANY_ID}").status_code == 400
    assert client.get(f"/this-week?card={actors.pair.id}").status_code == 200
    login(actors.admin)
    assert client.get(f"/admin/people?page={2**64}").status_code == 400


def test_a_milestone_id_a_page_could_not_have_written_ticks_nothing(client, actors, login):
    from pmweb.goals import service as goals
    from pmweb.models import CheckIn, Goal
    from tests.test_goals_routes import goal_form

    login(actors.manager)
    form = goal_form(measure="milestones", milestones="Spec\nBuild", unit="")
    client.post(f"/people/{actors.report.id}/goals/new", data=form)
    goal = Goal.get()
    goals.agree(goal, "employee", actors.report.id, 1, actors.manager.id)
    spec, build = goals.milestones_of(goal)
    # Build's id in Arabic-Indic digits: a digit to Python, never written by a page.
    build_in_other_digits = str(build.id).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    data = {
        "milestones_shown": "1",
        "milestones": [str(spec.id), str(BEYOND_ANY_ID), build_in_other_digits],
        "confidence": "on_track",
    }
    assert client.post(f"/goals/{goal.id}/check-ins", data=data).status_code == 303
    assert CheckIn.get().value == 1
