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
