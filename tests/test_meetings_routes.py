"""The one-on-one pages through the Flask client: what each page shows, htmx
fragments versus full pages, and bad input that must store nothing."""

import datetime

import jinja2
import pytest

from pmweb import live
from pmweb.goals import service as goals
from pmweb.goals.service import Terms
from pmweb.growth import service as growth
from pmweb.growth.service import StepTerms
from pmweb.meetings import service
from pmweb.meetings.views import BLOCK_OF_PART
from pmweb.models import ActionItem, Meeting, PrivateNote, ReportingLine, TalkingPoint

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
def dana(client, actors, login):
    login(actors.manager)
    return client


def text_of(response):
    return response.get_data(as_text=True)


def test_home_lists_reports_with_next_meeting_and_open_actions(dana, actors):
    meeting = actors.meeting
    service.add_action_item(meeting, actors.manager.id, actors.report.id, "One", None)
    service.add_action_item(
        meeting, actors.manager.id, actors.report.id, "Late", datetime.date(2020, 1, 1)
    )
    page = text_of(dana.get("/"))
    assert "Your reports" in page and "Sam Okafor" in page
    assert f"/meetings/{meeting.id}" in page
    assert "2 open" in page and "1 overdue" in page
    assert "Alex Kim" not in page


def test_employee_home_shows_their_manager(client, actors, login):
    login(actors.report)
    page = text_of(client.get("/"))
    assert "With your manager" in page and "Dana Reyes" in page
    assert "Your reports" not in page


def test_adding_a_point_with_htmx_returns_only_the_fragment(dana, actors):
    response = dana.post(
        f"/meetings/{actors.meeting.id}/talking-points", data={"text": "Hiring plan"}, headers=HTMX
    )
    body = text_of(response)
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="talking-points"')
    assert "Hiring plan" in body and "<html" not in body
    assert "HX-Request" in response.headers["Vary"]


def test_adding_a_point_without_javascript_redirects_to_the_meeting(dana, actors):
    response = dana.post(f"/meetings/{actors.meeting.id}/talking-points", data={"text": "Hiring"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/meetings/{actors.meeting.id}#talking-points")
    assert "Hiring" in text_of(dana.get(f"/meetings/{actors.meeting.id}"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write something first."),
        ("   ", "Write something first."),
        ("x" * 20_000, "Keep a talking point under 1000 characters."),
    ],
)
def test_bad_talking_point_is_refused_with_a_message(dana, actors, text, message):
    for headers in ({}, HTMX):
        response = dana.post(
            f"/meetings/{actors.meeting.id}/talking-points", data={"text": text}, headers=headers
        )
        assert response.status_code == 422
        assert message in text_of(response)
    assert TalkingPoint.select().count() == 0


@pytest.mark.parametrize(
    ("due", "message"),
    [
        ("not-a-date", "Pick a date, or leave the due date empty."),
        ("2020-01-01", "Pick today or a later date."),
        ("9999-12-31", "Pick a date within the next three years."),
    ],
)
def test_bad_action_item_due_date_is_refused(dana, actors, due, message):
    response = dana.post(
        f"/meetings/{actors.meeting.id}/action-items",
        data={"text": "Draft the plan", "owner": actors.report.id, "due": due},
    )
    assert response.status_code == 422
    assert message in text_of(response)
    assert ActionItem.select().count() == 0


def test_action_item_owner_must_be_one_of_the_pair(dana, actors):
    response = dana.post(
        f"/meetings/{actors.meeting.id}/action-items",
        data={"text": "Sneaky", "owner": actors.other_employee.id},
    )
    assert response.status_code == 422
    assert "Pick one of you two as the owner." in text_of(response)
    assert ActionItem.select().count() == 0


def test_overlong_notes_are_refused(dana, actors):
    meeting = actors.meeting
    response = dana.post(
        f"/meetings/{meeting.id}/shared-notes", data={"shared_notes": "n" * 20_000, "version": "1"}
    )
    assert response.status_code == 422
    assert "Notes can be at most 10,000 characters." in text_of(response)
    response = dana.post(f"/meetings/{meeting.id}/private-note", data={"body": "n" * 20_000})
    assert response.status_code == 422
    assert Meeting.get_by_id(meeting.id).shared_notes == ""
    assert PrivateNote.select().count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/999999",
        "/meetings/abc",
        "/one-on-ones/999999",
    ],
)
def test_unknown_ids_are_not_found(dana, url):
    assert dana.get(url).status_code == 404


def test_another_pairs_ids_are_not_found(dana, actors):
    other_meeting = actors.other_pair.meetings.get()
    point = service.add_talking_point(other_meeting, actors.other_employee.id, "Not yours")
    assert dana.get(f"/meetings/{other_meeting.id}").status_code == 404
    assert (
        dana.post(
            f"/talking-points/{point.id}/edit", data={"text": "mine", "version": "1"}
        ).status_code
        == 404
    )
    assert dana.post(f"/talking-points/{point.id}/delete").status_code == 404
    assert (
        dana.post(f"/meetings/{other_meeting.id}/talking-points", data={"text": "x"}).status_code
        == 404
    )
    assert TalkingPoint.get_by_id(point.id).text == "Not yours"


def test_a_stale_edit_shows_both_texts(dana, actors):
    point = service.add_talking_point(actors.meeting, actors.report.id, "Original")
    service.edit_talking_point(point, "Sam's newer text", based_on_version=1)
    response = dana.post(
        f"/talking-points/{point.id}/edit",
        data={"text": "Dana's text", "version": "1"},
        headers=HTMX,
    )
    body = text_of(response)
    assert response.status_code == 409
    assert "Sam&#39;s newer text" in body and "Dana&#39;s text" in body
    assert "Keep mine" in body and "Take theirs" in body
    assert TalkingPoint.get_by_id(point.id).text == "Sam's newer text"


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain form"])
def test_stale_shared_notes_keep_both_until_one_is_chosen(dana, actors, headers):
    meeting = actors.meeting
    service.save_shared_notes(meeting, "Sam: ship in May", based_on_version=1)
    url = f"/meetings/{meeting.id}/shared-notes"
    response = dana.post(
        url, data={"shared_notes": "Dana: ship in June", "version": "1"}, headers=headers
    )
    body = text_of(response)
    assert response.status_code == 409
    assert "Sam: ship in May" in body and "Dana: ship in June" in body
    assert "Keep mine" in body and "Take theirs" in body
    assert Meeting.get_by_id(meeting.id).shared_notes == "Sam: ship in May"
    # "Keep mine" sends her text again, now based on the version she has seen.
    response = dana.post(
        url, data={"shared_notes": "Dana: ship in June", "version": "2"}, headers=headers
    )
    assert response.status_code in (200, 303)
    assert Meeting.get_by_id(meeting.id).shared_notes == "Dana: ship in June"


def test_completing_redirects_to_the_next_meeting_with_carried_points(dana, actors):
    meeting = actors.meeting
    dana.post(f"/meetings/{meeting.id}/talking-points", data={"text": "Carry me"})
    response = dana.post(f"/meetings/{meeting.id}/complete")
    assert response.status_code == 303
    next_meeting = Meeting.get((Meeting.status == "upcoming") & (Meeting.one_on_one == actors.pair))
    assert response.headers["Location"].endswith(f"/meetings/{next_meeting.id}")
    page = text_of(dana.get(f"/meetings/{next_meeting.id}"))
    assert "Carry me" in page
    assert f"from {meeting.scheduled_for.day} {meeting.scheduled_for:%b}" in page


def test_a_completed_meeting_is_read_only_except_private_notes(dana, actors):
    meeting = actors.meeting
    point = service.add_talking_point(meeting, actors.manager.id, "Before")
    service.complete_meeting(meeting, actors.manager)
    for url, data in [
        (f"/meetings/{meeting.id}/talking-points", {"text": "After"}),
        (f"/talking-points/{point.id}/edit", {"text": "Changed", "version": "1"}),
        (f"/talking-points/{point.id}/discussed", {"discussed": "1"}),
        (f"/talking-points/{point.id}/delete", {}),
        (f"/meetings/{meeting.id}/shared-notes", {"shared_notes": "late", "version": "1"}),
    ]:
        response = dana.post(url, data=data, headers=HTMX)
        assert response.status_code == 409, url
        assert response.headers["HX-Retarget"] == "#messages"
        assert "completed" in text_of(response)
    assert TalkingPoint.get_by_id(point.id).text == "Before"
    page = text_of(dana.get(f"/meetings/{meeting.id}"))
    assert "Add a talking point" not in page and "Complete meeting" not in page
    assert (
        dana.post(f"/meetings/{meeting.id}/private-note", data={"body": "afterthought"}).status_code
        == 303
    )
    assert PrivateNote.get().body == "afterthought"


def test_completing_a_finished_meeting_again_goes_on_to_the_next_one(dana, actors):
    meeting = actors.meeting
    next_meeting = service.complete_meeting(meeting, actors.manager)
    response = dana.post(f"/meetings/{meeting.id}/complete")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/meetings/{next_meeting.id}")


@pytest.mark.parametrize("who", ["manager", "report"])
def test_a_finished_meeting_of_an_ended_one_on_one_cannot_be_completed_again(
    app, client, actors, login, today, who
):
    first = actors.meeting
    service.complete_meeting(first, actors.manager, now=first.scheduled_for)
    # Two meetings left, as for a pair that ended before its weeks were planned ahead.
    kept = [m.id for m in actors.pair.meetings.order_by(Meeting.scheduled_for).limit(2)]
    Meeting.delete().where((Meeting.one_on_one == actors.pair) & Meeting.id.not_in(kept)).execute()
    ReportingLine.update(ends_on=today - datetime.timedelta(days=1)).execute()
    page = live.broker(app).subscribe(kept)
    login(getattr(actors, who))

    response = client.post(f"/meetings/{first.id}/complete")

    assert response.status_code == 409
    assert "ended" in text_of(response)
    assert Meeting.select().where(Meeting.one_on_one == actors.pair).count() == 2
    assert page.next_changes(timeout=0.05) == []
    page.close()


def test_overdue_action_items_are_marked(dana, actors):
    service.add_action_item(
        actors.meeting, actors.manager.id, actors.report.id, "Late thing", datetime.date(2020, 5, 1)
    )
    page = text_of(dana.get(f"/meetings/{actors.meeting.id}"))
    assert 'class="action-item overdue"' in page
    assert "overdue" in page


def test_ticked_action_item_disappears_from_later_meetings(dana, actors):
    meeting = actors.meeting
    item = service.add_action_item(meeting, actors.manager.id, actors.report.id, "Ship it", None)
    dana.post(f"/meetings/{meeting.id}/action-items/{item.id}/done", data={"done": "1"})
    assert "Ship it" in text_of(dana.get(f"/meetings/{meeting.id}"))  # ticked, still in view here
    next_meeting = service.complete_meeting(Meeting.get_by_id(meeting.id), actors.manager)
    page = text_of(dana.get(f"/meetings/{next_meeting.id}"))
    open_items, _, done_before = page.partition('<details class="done-before">')
    assert "Ship it" not in open_items
    assert "Ship it" in done_before  # only to reopen it


def test_reordering_moves_a_point_up(dana, actors):
    meeting = actors.meeting
    service.add_talking_point(meeting, actors.manager.id, "First")
    second = service.add_talking_point(meeting, actors.manager.id, "Second")
    dana.post(f"/talking-points/{second.id}/move", data={"direction": "up"})
    page = text_of(dana.get(f"/meetings/{meeting.id}"))
    assert page.index('value="Second"') < page.index('value="First"')


def test_history_is_newest_first_and_paginated(app, dana, actors):
    app.config["MEETINGS_PER_PAGE"] = 2
    meeting = actors.meeting
    for _ in range(3):
        meeting = service.complete_meeting(meeting, actors.manager, now=meeting.scheduled_for)
    done = list(
        Meeting.select().where(Meeting.status == "done").order_by(Meeting.scheduled_for.desc())
    )
    first_page = text_of(dana.get(f"/one-on-ones/{actors.pair.id}"))
    assert first_page.index(f"/meetings/{done[0].id}") < first_page.index(f"/meetings/{done[1].id}")
    assert f'href="/meetings/{done[2].id}"' not in first_page
    assert "Page 1 of 2" in first_page
    second_page = text_of(dana.get(f"/one-on-ones/{actors.pair.id}?page=2"))
    assert f"/meetings/{done[2].id}" in second_page


def test_search_finds_this_pairs_content_only(dana, actors):
    service.add_talking_point(actors.meeting, actors.report.id, "Kubernetes migration")
    service.add_action_item(
        actors.meeting, actors.manager.id, actors.report.id, "Read the kubernetes doc", None
    )
    other = actors.other_pair.meetings.get()
    service.add_talking_point(other, actors.other_employee.id, "Kubernetes secret plan")
    service.save_private_note(actors.meeting, actors.manager.id, "kubernetes private worry")
    body = text_of(dana.get(f"/one-on-ones/{actors.pair.id}?q=kubernetes", headers=HTMX))
    assert "Kubernetes migration" in body and "Read the kubernetes doc" in body
    assert "secret plan" not in body and "private worry" not in body
    assert "2 results" in body


def test_search_treats_wildcards_literally(dana, actors):
    service.add_talking_point(actors.meeting, actors.report.id, "Budget")
    body = text_of(dana.get(f"/one-on-ones/{actors.pair.id}?q=%25"))
    assert "0 results" in body


def test_cadence_change_is_saved(dana, actors):
    response = dana.post(
        f"/one-on-ones/{actors.pair.id}/cadence",
        data={"cadence": "monthly", "weekday": "3", "time_of_day": "15:30"},
    )
    assert response.status_code == 303
    pair = type(actors.pair).get_by_id(actors.pair.id)
    assert (pair.cadence, pair.weekday, str(pair.time_of_day)[:5]) == ("monthly", 3, "15:30")


def test_cadence_with_bad_values_is_refused(dana, actors):
    response = dana.post(
        f"/one-on-ones/{actors.pair.id}/cadence",
        data={"cadence": "hourly", "weekday": "9", "time_of_day": "25:99"},
    )
    assert response.status_code == 422
    assert "Not a valid choice" in text_of(response)
    assert type(actors.pair).get_by_id(actors.pair.id).cadence == "weekly"


def test_not_found_in_an_htmx_request_goes_to_the_message_area(dana):
    response = dana.post(
        "/talking-points/999999/edit", data={"text": "x", "version": "1"}, headers=HTMX
    )
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#messages"
    assert "<html" not in text_of(response) and "Not found" not in text_of(response)
    assert "isn&#39;t yours to see" in text_of(response)


@pytest.fixture
def strict_templates(app):
    """Templates that fail on a name their context lacks, instead of rendering it
    empty: a block shown from its own loaders alone must have all it names."""
    lenient = app.jinja_env.undefined
    app.jinja_env.undefined = jinja2.StrictUndefined
    yield
    app.jinja_env.undefined = lenient


def a_full_meeting(actors, today):
    """Sam and Dana's open meeting with something in every part, and a completed one."""
    meeting = actors.meeting
    service.add_talking_point(meeting, actors.report.id, "Carried over")
    service.add_action_item(meeting, actors.manager.id, actors.report.id, "RFC", today)
    service.save_private_note(meeting, actors.manager.id, "Dana's own")
    completed = meeting
    meeting = service.complete_meeting(meeting, actors.manager, now=meeting.scheduled_for)
    service.add_talking_point(meeting, actors.manager.id, "Roadmap")
    service.save_shared_notes(meeting, "Agreed: ship", meeting.shared_notes_version)
    for measure in ("number", "milestones"):
        terms = Terms(
            title=f"A {measure} goal",
            due=today + datetime.timedelta(days=60),
            measure=measure,
            start_value=0.0,
            target_value=2.0,
            milestones=("Spec", "Launch") if measure == "milestones" else (),
        )
        goal = goals.propose_goal(actors.report, actors.report, "employee", terms)
        goals.agree(goal, "manager", actors.manager.id, 1, actors.manager.id)
    growth.add_step(actors.report.id, actors.manager.id, StepTerms(kind="reading", title="Book"))
    growth.record_win(actors.report.id, actors.manager.id, "Shipped search")
    return meeting, completed


@pytest.mark.parametrize("part", sorted(BLOCK_OF_PART))
@pytest.mark.parametrize("which", ["open", "completed"])
def test_each_live_part_renders_from_its_own_loaders(
    dana, actors, today, strict_templates, part, which
):
    open_meeting, completed = a_full_meeting(actors, today)
    meeting = open_meeting if which == "open" else completed
    response = dana.get(f"/meetings/{meeting.id}?part={part}", headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in text_of(response)


def test_the_whole_page_is_the_union_of_its_parts(dana, actors, today):
    meeting, _ = a_full_meeting(actors, today)
    page = text_of(dana.get(f"/meetings/{meeting.id}"))
    for shown in (
        "Roadmap",
        "Carried over",
        "RFC",
        "Agreed: ship",
        "A milestones goal",
        "Book",
        "Shipped search",
        'id="private-note"',
        "Complete meeting",
    ):
        assert shown in page, shown


@pytest.mark.parametrize("part", sorted(BLOCK_OF_PART))
def test_each_live_part_shows_outsiders_nothing_and_readers_no_private_part(
    client, actors, login, today, part
):
    from pmweb.sharing import service as sharing

    meeting, _ = a_full_meeting(actors, today)
    url = f"/meetings/{meeting.id}?part={part}"
    # Hana holds a grant of Sam's plan, not of his meetings; Priya and the administrator none.
    sharing.give_grant(actors.report, actors.hr, "plan", 7)
    for outsider in (actors.hr, actors.other_manager, actors.admin):
        login(outsider)
        assert client.get(url, headers=HTMX).status_code == 404, outsider.name
    # With a grant of this one-on-one's meetings Hana reads the part, read-only, and
    # never Dana's private note, who is here, or Sam's goals and plan.
    sharing.give_grant(actors.report, actors.hr, "meetings", 7, one_on_one=actors.pair)
    login(actors.hr)
    body = text_of(client.get(url, headers=HTMX))
    for private in ("Dana's own", "is here", "A milestones goal", "Shipped search", "<form"):
        assert private not in body, private


# --- completing, in order and with a confirmation; reopening --------------------------------


def test_completing_asks_first_and_says_what_will_move(dana, actors):
    meeting = actors.meeting
    service.set_discussed(service.add_talking_point(meeting, actors.manager.id, "Roadmap"), True)
    service.add_talking_point(meeting, actors.report.id, "On-call load")
    service.add_action_item(meeting, actors.manager.id, actors.report.id, "Write the RFC", None)
    following = list(actors.pair.meetings.order_by(Meeting.scheduled_for))[1]
    for headers in ({}, HTMX):
        page = text_of(dana.get(f"/meetings/{meeting.id}/complete", headers=headers))
        assert "Complete this meeting?" in page
        assert "1 talking point not marked discussed moves to the meeting of" in page
        assert f"{following.scheduled_for:%a} {following.scheduled_for.day}" in page
        assert "On-call load" in page and "Roadmap" not in page
        assert "1 open action item stays open" in page
        assert f'action="/meetings/{meeting.id}/complete"' in page
    assert Meeting.get_by_id(meeting.id).status == "upcoming"  # asking changed nothing
    # The meeting page offers the question, not the completion itself.
    page = text_of(dana.get(f"/meetings/{meeting.id}"))
    assert f'href="/meetings/{meeting.id}/complete"' in page
    assert f'action="/meetings/{meeting.id}/complete"' not in page


def test_a_later_meeting_is_not_completed_before_an_earlier_one(dana, actors):
    first, second, *_ = actors.pair.meetings.order_by(Meeting.scheduled_for)
    page = text_of(dana.get(f"/meetings/{second.id}"))
    assert "comes first" in page and f'href="/meetings/{second.id}/complete"' not in page
    for headers in ({}, HTMX):
        response = dana.post(f"/meetings/{second.id}/complete", headers=headers)
        assert response.status_code == 409
        assert f"The meeting of {first.scheduled_for:%a} {first.scheduled_for.day}" in text_of(
            response
        )
    assert Meeting.get_by_id(second.id).status == "upcoming"


def test_either_person_reopens_a_meeting_just_completed(client, actors, login, dana):
    meeting = actors.meeting
    dana.post(f"/meetings/{meeting.id}/talking-points", data={"text": "Carry me"})
    assert dana.post(f"/meetings/{meeting.id}/complete").status_code == 303
    assert TalkingPoint.select().where(TalkingPoint.carried_from.is_null(False)).count() == 1
    sam = login(actors.report, as_client=client.application.test_client())
    page = text_of(sam.get(f"/meetings/{meeting.id}"))
    assert "Reopen meeting" in page and "Either of you can reopen it until" in page
    response = sam.post(f"/meetings/{meeting.id}/reopen")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    assert Meeting.get_by_id(meeting.id).status == "upcoming"
    assert TalkingPoint.select().where(TalkingPoint.carried_from.is_null(False)).count() == 0


def test_reopening_after_the_time_is_up_says_why_and_changes_nothing(dana, actors):
    meeting = actors.meeting
    dana.post(f"/meetings/{meeting.id}/complete")
    long_ago = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) - datetime.timedelta(
        hours=1
    )
    Meeting.update(completed_at=long_ago).where(Meeting.id == meeting.id).execute()
    assert "Reopen meeting" not in text_of(dana.get(f"/meetings/{meeting.id}"))
    response = dana.post(f"/meetings/{meeting.id}/reopen", follow_redirects=True)
    assert "can be reopened for 30 minutes" in text_of(response)
    assert Meeting.get_by_id(meeting.id).status == "done"


def test_a_former_manager_cannot_reopen(dana, actors):
    meeting = actors.meeting
    dana.post(f"/meetings/{meeting.id}/complete")
    ReportingLine.update(ends_on=datetime.date.today() - datetime.timedelta(days=1)).execute()
    assert dana.post(f"/meetings/{meeting.id}/reopen").status_code == 409
    assert Meeting.get_by_id(meeting.id).status == "done"


def test_a_meeting_skipped_ahead_of_its_day_is_still_coming_up(dana, actors):
    first, second, *_ = actors.pair.meetings.order_by(Meeting.scheduled_for)
    service.skip_meeting(second, actors.manager.id, service.local_now(actors.pair))
    page = text_of(dana.get(f"/one-on-ones/{actors.pair.id}"))
    coming_up, past = page.split("Past meetings", 1)
    assert f'href="/meetings/{second.id}"' in coming_up and "Skipped" in coming_up
    assert f'href="/meetings/{second.id}"' not in past


# --- action items: edited in place, deleted by whoever added them, reopened ---------


@pytest.fixture
def item(actors):
    """Dana's action item for Sam, with no due date yet."""
    return service.add_action_item(actors.meeting, actors.manager.id, actors.report.id, "RFC", None)


def edit_of(actors, item_id, **changes):
    return (
        f"/meetings/{actors.meeting.id}/action-items/{item_id}/edit",
        {"text": "Write the RFC", "owner": actors.report.id, "due": "", "version": "1"} | changes,
    )


def stored_item(item):
    row = ActionItem.get_by_id(item.id)
    return row.text, row.owner_id, row.due, row.version


def test_an_action_item_is_edited_in_place_and_every_open_meeting_is_told(
    app, dana, actors, item, today
):
    meetings = [m.id for m in actors.pair.meetings.where(Meeting.status == "upcoming")]
    page = live.broker(app).subscribe(meetings)
    due = today + datetime.timedelta(days=7)
    url, data = edit_of(actors, item.id, owner=actors.manager.id, due=due.isoformat())

    response = dana.post(url, data=data, headers=HTMX)

    assert response.status_code == 200
    body = text_of(response)
    assert body.lstrip().startswith('<section id="action-items"') and "<html" not in body
    assert "Write the RFC" in body and f"due {due.day} {due:%b}" in body
    assert stored_item(item) == ("Write the RFC", actors.manager.id, due, 2)
    assert sorted(page.next_changes(timeout=1)) == sorted((m, "actions") for m in meetings)
    page.close()


def test_an_action_item_edit_without_javascript_redirects_to_the_item(dana, actors, item):
    url, data = edit_of(actors, item.id)
    response = dana.post(url, data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        f"/meetings/{actors.meeting.id}#action-item-{item.id}"
    )
    assert "Write the RFC" in text_of(dana.get(f"/meetings/{actors.meeting.id}"))


def test_a_stale_action_item_edit_is_refused_showing_both_versions(client, actors, login, item):
    login(actors.report)
    url, data = edit_of(actors, item.id, text="Sam's RFC")
    assert client.post(url, data=data).status_code == 303
    login(actors.manager)
    url, data = edit_of(actors, item.id, text="Dana's RFC", owner=actors.manager.id)

    for headers in ({}, HTMX):
        response = client.post(url, data=data, headers=headers)
        assert response.status_code == 409
        body = text_of(response)
        assert "Sam changed this action item while you were editing." in body
        assert "Sam&#39;s RFC · Sam · no due date" in body  # theirs
        assert "Dana&#39;s RFC · Dana · no due date" in body  # mine, still in the form
        assert 'name="version" value="2"' in body  # "Keep mine" saves over theirs
    assert stored_item(item) == ("Sam's RFC", actors.report.id, None, 2)

    assert client.post(url, data=data | {"version": "2"}).status_code == 303
    assert stored_item(item) == ("Dana's RFC", actors.manager.id, None, 3)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": ""}, "Write something first."),
        ({"text": "   "}, "Write something first."),
        ({"text": "x" * 20_000}, "Keep an action item under 1000 characters."),
        ({"due": "next Friday"}, "Pick a date, or leave the due date empty."),
        ({"due": "2020-01-01"}, "Pick today or a later date."),
        ({"owner": "{outsider}"}, "Pick one of you two as the owner."),
        ({"owner": "Dana"}, "Pick one of you two as the owner."),
        ({"version": ""}, "Reload the page and try again."),
    ],
)
def test_bad_action_item_edit_is_refused_with_a_message_and_stores_nothing(
    dana, actors, item, changes, message
):
    if changes.get("owner") == "{outsider}":
        changes = {"owner": actors.other_employee.id}
    url, data = edit_of(actors, item.id, **changes)
    for headers in ({}, HTMX):
        response = dana.post(url, data=data, headers=headers)
        assert response.status_code == 422
        body = text_of(response)
        assert message in body
        assert f'<details class="edit-item" id="edit-action-item-{item.id}" open>' in body
    assert stored_item(item) == ("RFC", actors.report.id, None, 1)


def test_an_overdue_action_item_keeps_its_date_when_its_text_changes(dana, actors):
    late = datetime.date(2020, 1, 1)
    overdue = service.add_action_item(
        actors.meeting, actors.manager.id, actors.report.id, "Late", late
    )
    url, data = edit_of(actors, overdue.id, text="Late, but on it", due=late.isoformat())
    assert dana.post(url, data=data).status_code == 303
    assert stored_item(overdue) == ("Late, but on it", actors.report.id, late, 2)


def test_the_person_who_added_an_action_item_deletes_it(app, dana, actors, item):
    page = live.broker(app).subscribe([actors.meeting.id])
    response = dana.post(f"/meetings/{actors.meeting.id}/action-items/{item.id}/delete")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/meetings/{actors.meeting.id}#action-items")
    assert ActionItem.get_or_none(ActionItem.id == item.id) is None
    assert page.next_changes(timeout=1) == [(actors.meeting.id, "actions")]
    page.close()


def test_the_other_participant_may_not_delete_an_action_item(client, actors, login, item):
    login(actors.report)
    page = text_of(client.get(f"/meetings/{actors.meeting.id}"))
    assert f"/action-items/{item.id}/edit" in page
    assert f"/action-items/{item.id}/delete" not in page
    for headers in ({}, HTMX):
        response = client.post(
            f"/meetings/{actors.meeting.id}/action-items/{item.id}/delete", headers=headers
        )
        assert response.status_code == 409
        assert "Only the person who added an action item can delete it." in text_of(response)
    assert ActionItem.get_or_none(ActionItem.id == item.id) is not None


def test_an_item_done_in_an_earlier_meeting_is_reopened_from_the_next(dana, actors, item):
    meeting = actors.meeting
    service.set_action_item_done(item, True, meeting)
    next_meeting = service.complete_meeting(meeting, actors.manager, now=meeting.scheduled_for)
    url = f"/meetings/{next_meeting.id}/action-items/{item.id}"
    # Finished there, it is that meeting's record until reopened.
    response = dana.post(f"{url}/edit", data=edit_of(actors, item.id)[1])
    assert response.status_code == 409
    assert "finished in an earlier meeting" in text_of(response)

    response = dana.post(f"{url}/done", data={"done": "0"}, headers=HTMX)

    assert response.status_code == 200
    open_items, _, done_before = text_of(response).partition('<details class="done-before">')
    assert f'id="action-item-{item.id}" class="action-item"' in open_items
    assert f"edit-action-item-{item.id}" in open_items  # editable again
    assert done_before == ""
    assert ActionItem.get_by_id(item.id).done_at is None
    # The completed meeting it was raised in lists it as it is now: open.
    record = text_of(dana.get(f"/meetings/{meeting.id}?part=actions", headers=HTMX))
    assert f'id="action-item-{item.id}" class="action-item"' in record


@pytest.mark.parametrize("action", ["edit", "delete", "done"])
def test_an_action_item_of_another_pair_is_not_found_on_any_action(dana, actors, action):
    other_meeting = actors.other_pair.meetings.get()
    foreign = service.add_action_item(
        other_meeting, actors.other_manager.id, actors.other_employee.id, "Theirs", None
    )
    data = {"edit": edit_of(actors, foreign.id)[1], "delete": {}, "done": {"done": "1"}}[action]
    response = dana.post(
        f"/meetings/{actors.meeting.id}/action-items/{foreign.id}/{action}", data=data
    )
    assert response.status_code == 404
    stored = ActionItem.get_by_id(foreign.id)
    assert (stored.text, stored.version, stored.done_at) == ("Theirs", 1, None)


@pytest.mark.parametrize("action", ["edit", "delete", "done"])
def test_a_former_manager_changes_no_action_item(dana, actors, item, today, action):
    ReportingLine.update(ends_on=today - datetime.timedelta(days=1)).execute()
    data = {"edit": edit_of(actors, item.id)[1], "delete": {}, "done": {"done": "1"}}[action]
    response = dana.post(
        f"/meetings/{actors.meeting.id}/action-items/{item.id}/{action}", data=data
    )
    assert response.status_code == 409
    assert "This one-on-one has ended" in text_of(response)
    stored = ActionItem.get_by_id(item.id)
    assert (stored.text, stored.version, stored.done_at) == ("RFC", 1, None)
    page = text_of(dana.get(f"/meetings/{actors.meeting.id}"))
    assert "/action-items/" not in page  # read-only: no edit, delete or tick
