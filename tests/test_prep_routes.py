"""Preparation pages through the Flask client: "This week" with its cards, adding to
an agenda ahead of time (typed or from the question bank), the private prep note,
the question bank, the calendar feed parsed back with icalendar, moving and skipping
a meeting, and a manager's team in numbers."""

import datetime

import icalendar
import pytest

from pmweb.goals import service as goals
from pmweb.goals.service import Terms
from pmweb.growth import service as growth
from pmweb.growth.service import StepTerms
from pmweb.meetings import service
from pmweb.meetings.schedule import as_utc
from pmweb.models import (
    CalendarFeed,
    Handoff,
    Meeting,
    OneOnOne,
    PrivateNote,
    Question,
    ReportingLine,
    TalkingPoint,
    User,
)
from pmweb.org import service as org
from pmweb.prep.questions import BUILT_IN
from pmweb.sharing import handoffs
from tests.conftest import make_reporting_line, make_user

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}
WEEK = datetime.timedelta(days=7)
QUARTER = datetime.timedelta(days=90)


def text_of(response):
    return response.get_data(as_text=True)


def meetings_of(pair):
    return list(pair.meetings.order_by(Meeting.scheduled_for))


def agenda(meeting):
    return [p.text for p in meeting.talking_points.order_by(TalkingPoint.position)]


@pytest.fixture
def dana(client, actors, login):
    login(actors.manager)
    return client


# --- this week --------------------------------------------------------------------


def test_this_week_shows_what_waits_for_each_meeting(dana, actors, today):
    first = actors.meeting
    service.add_talking_point(first, actors.report.id, "Carried question")
    following = service.complete_meeting(first, actors.manager.id, now=first.scheduled_for)
    service.add_talking_point(following, actors.report.id, "Sam adds this")
    service.add_action_item(first, actors.manager.id, actors.report.id, "Later one", None)
    service.add_action_item(
        first, actors.manager.id, actors.report.id, "Late one", today - datetime.timedelta(days=3)
    )
    goal = goals.propose_goal(
        actors.report,
        actors.report,
        "employee",
        Terms(
            title="Raise NPS",
            due=today + datetime.timedelta(days=90),
            measure="number",
            start_value=30.0,
            target_value=40.0,
        ),
    )
    goals.agree(goal, "manager", actors.manager.id, 1, actors.manager.id)
    growth.add_step(
        actors.report.id,
        actors.manager.id,
        StepTerms(kind="training", title="SRE course", target_date=today + datetime.timedelta(7)),
    )
    growth.add_step(
        actors.report.id,
        actors.manager.id,
        StepTerms(kind="reading", title="Far-off book", target_date=today + datetime.timedelta(90)),
    )

    page = text_of(dana.get("/this-week"))

    assert "Your reports" in page and "Sam Okafor" in page
    assert "Alex Kim" not in page  # another manager's report
    assert "Carried question" in page and "Carried over" in page
    assert "Sam adds this" in page and "Added for this meeting" in page
    assert page.index("Late one") < page.index("Later one")  # overdue first
    assert "Overdue" in page
    assert "Raise NPS" in page and "no check-in yet" in page
    assert "SRE course" in page and "Far-off book" not in page
    assert "You: nothing added yet" in page and "Sam: added points" in page
    assert f"/meetings/{following.id}" in page


def agreed_goal_and_due_step(employee, manager, title, today):
    terms = Terms(
        title=f"{title} goal",
        due=today + QUARTER,
        measure="number",
        start_value=0.0,
        target_value=10.0,
    )
    goal = goals.propose_goal(employee, employee, "employee", terms)
    goals.agree(goal, "manager", manager.id, 1, manager.id)
    growth.add_step(
        employee.id,
        manager.id,
        StepTerms(kind="training", title=f"{title} step", target_date=today + WEEK),
    )


def test_each_card_shows_what_its_own_handoff_lets_the_manager_see(client, actors, login, today):
    # Hana takes Sam over today and has a report of longer standing; both cards' goals
    # and steps come in one query, each from its own handoff's cut.
    agreed_goal_and_due_step(actors.report, actors.manager, "Sam's earlier", today)
    org.start_reporting_line(actors.hr, actors.report, today, "Europe/London")
    kim = make_user("Kim Lee", "kim@example.com")
    make_reporting_line(actors.hr, kim)
    agreed_goal_and_due_step(kim, actors.hr, "Kim's", today)
    login(actors.hr)

    page = text_of(client.get("/this-week"))
    assert "Sam Okafor" in page and "Kim Lee" in page
    assert "Kim&#39;s goal" in page and "Kim&#39;s step" in page
    assert "Sam&#39;s earlier" not in page

    hanas_line = ReportingLine.get(
        (ReportingLine.employee == actors.report.id) & (ReportingLine.manager == actors.hr.id)
    )
    handoff = Handoff.get(Handoff.line == hanas_line.id)
    handoffs.carry_over(handoff.id, actors.report.id, {"goals", "plan"})
    page = text_of(client.get("/this-week"))
    assert "Sam&#39;s earlier goal" in page and "Sam&#39;s earlier step" in page
    assert "Kim&#39;s goal" in page


def test_each_cards_links_say_whose_meetings_they_are(dana, actors):
    page = text_of(dana.get("/this-week"))
    assert '<nav aria-label="Meetings with Sam">' in page
    day = actors.meeting.scheduled_for
    visible = f"{day:%a} {day.day} {day:%b}"
    assert (
        f'<span class="visually-hidden">The meeting of </span>{visible}'
        '<span class="visually-hidden"> with Sam</span>'
    ) in page
    assert "All meetings with Sam and the rhythm" in page


def test_an_employee_sees_only_their_own_one_on_one(client, actors, login):
    login(actors.report)
    page = text_of(client.get("/this-week"))
    assert "With your manager" in page and "Dana Reyes" in page
    assert "Your reports" not in page and "Priya" not in page


def test_a_talking_point_added_ahead_lands_on_the_next_meeting(dana, actors):
    meeting = actors.meeting
    response = dana.post(
        f"/this-week/meetings/{meeting.id}/talking-points", data={"text": "Hiring plan"}
    )
    assert response.status_code == 303
    pair_id = actors.pair.id
    assert response.headers["Location"].endswith(f"/this-week?open={pair_id}#one-on-one-{pair_id}")
    assert agenda(meeting) == ["Hiring plan"]


def add_reports(manager, count, today):
    """``count`` more reports, each with a meeting a day later than the one before."""
    pairs = []
    for n in range(count):
        pair = make_reporting_line(manager, make_user(f"Report {n:02}", f"report{n}@example.com"))
        first = pair.meetings.order_by(Meeting.scheduled_for).first()
        Meeting.update(
            scheduled_for=datetime.datetime.combine(
                today + datetime.timedelta(days=1 + n), datetime.time(9)
            )
        ).where(Meeting.id == first.id).execute()
        pairs.append(pair)
    return pairs


def test_a_manager_of_many_sees_the_soonest_cards_whole_and_the_rest_folded(dana, actors, today):
    pairs = add_reports(actors.manager, 11, today)
    page = dana.get("/this-week").get_data(as_text=True)
    assert page.count('class="prep-card"') == 8
    assert page.count('class="prep-card folded"') == 4
    # The latest meetings fold: their name and time show, and they fetch themselves.
    last = pairs[-1]
    folded = page[page.index(f'id="one-on-one-{last.id}"') :].split("</article>")[0]
    assert "Report 10" in folded and f'hx-get="/this-week?card={last.id}"' in folded
    assert "intersect once" in folded and "add-point" not in folded
    whole = dana.get(f"/this-week?card={last.id}").get_data(as_text=True)
    assert 'class="prep-card"' in whole and "add-point" in whole
    # A card just changed comes back whole, where its form finds its part again.
    meeting = last.meetings.order_by(Meeting.scheduled_for).first()
    added = dana.post(f"/this-week/meetings/{meeting.id}/talking-points", data={"text": "Q3"})
    again = dana.get(added.headers["Location"]).get_data(as_text=True)
    assert f'id="prep-agenda-{last.id}"' in again and "Q3" in again
    assert again.count('class="prep-card folded"') == 3
    # A refused change shows its message on the card, whole.
    refused = dana.post(f"/this-week/meetings/{meeting.id}/talking-points", data={"text": ""})
    assert refused.status_code == 422
    assert f'id="prep-agenda-{last.id}"' in refused.get_data(as_text=True)


def test_the_card_forms_pick_their_part_from_the_page_they_are_sent_to(dana, actors):
    # The forms carry hx-select, so htmx asks for the whole page ("full") and swaps in
    # only the agenda (or the note), leaving what is typed in the other box alone.
    pair_id = actors.pair.id
    page = text_of(dana.get("/this-week"))
    assert f'hx-select="#prep-agenda-{pair_id}"' in page
    assert f'hx-select="#prep-note-{pair_id}"' in page
    response = dana.post(
        f"/this-week/meetings/{actors.meeting.id}/talking-points",
        data={"text": "Hiring plan"},
        headers={"HX-Request": "true", "HX-Request-Type": "full"},
        follow_redirects=True,
    )
    body = text_of(response)
    agenda_part = body[body.index(f'id="prep-agenda-{pair_id}"') :]
    assert "Hiring plan" in agenda_part[: agenda_part.index("</form>")]
    assert f'id="prepared-{pair_id}"' in body and "You: added points" in body


def test_a_question_from_the_bank_is_added_with_one_click(dana, actors):
    question = BUILT_IN["wellbeing"][0]
    page = text_of(dana.get("/this-week"))
    assert 'name="text" value="How is your workload this week' in page
    dana.post(f"/this-week/meetings/{actors.meeting.id}/talking-points", data={"text": question})
    assert agenda(actors.meeting) == [question]


@pytest.mark.parametrize(
    "text, message", [("   ", "Write something first."), ("x" * 1001, "under 1000 characters")]
)
def test_a_bad_talking_point_is_explained_and_nothing_is_stored(dana, actors, text, message):
    for headers in ({}, HTMX):
        response = dana.post(
            f"/this-week/meetings/{actors.meeting.id}/talking-points",
            data={"text": text},
            headers=headers,
        )
        assert response.status_code == 422
        assert message in text_of(response)
    assert agenda(actors.meeting) == []


def test_the_prep_note_is_the_private_note_of_the_meeting(client, dana, actors, login):
    meeting = actors.meeting
    dana.post(f"/this-week/meetings/{meeting.id}/private-note", data={"body": "Ask about Q3"})
    note = PrivateNote.get(PrivateNote.meeting == meeting.id)
    assert (note.author_id, note.body) == (actors.manager.id, "Ask about Q3")
    assert "Ask about Q3" in text_of(dana.get(f"/meetings/{meeting.id}"))
    login(actors.report)
    assert "Ask about Q3" not in text_of(client.get("/this-week"))
    assert "Ask about Q3" not in text_of(client.get(f"/meetings/{meeting.id}"))


def test_a_meeting_nobody_held_is_pointed_out_and_can_be_skipped_from_the_week(dana, actors, today):
    first, second = meetings_of(actors.pair)[:2]
    service.add_talking_point(first, actors.report.id, "Stranded?")
    past = datetime.datetime.combine(today - datetime.timedelta(days=3), datetime.time(10))
    Meeting.update(scheduled_for=past).where(Meeting.id == first.id).execute()

    page = text_of(dana.get("/this-week"))
    assert "was never completed" in page and "still holds talking points" in page

    response = dana.post(f"/meetings/{first.id}/skip", data={"back_to": "week"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/this-week")
    assert agenda(second) == ["Stranded?"]
    page = text_of(dana.get("/this-week"))
    assert "was never completed" not in page and "its agenda moved" in page


def test_a_closed_meeting_takes_no_more_points_from_the_week(dana, actors):
    meeting = actors.meeting
    service.complete_meeting(meeting, actors.manager.id)
    response = dana.post(
        f"/this-week/meetings/{meeting.id}/talking-points", data={"text": "Too late"}
    )
    assert response.status_code == 409
    assert "Too late" not in agenda(meeting)


# --- the question bank ------------------------------------------------------------


def test_own_questions_join_the_bank_and_only_their_owner_sees_them(client, dana, actors, login):
    response = dana.post("/questions", data={"theme": "career", "text": "What would you teach?"})
    assert response.status_code == 303
    assert "What would you teach?" in text_of(dana.get("/this-week"))
    assert "What would you teach?" in text_of(dana.get("/questions"))
    question = Question.get()
    login(actors.report)
    assert "What would you teach?" not in text_of(client.get("/this-week"))
    assert client.post(f"/questions/{question.id}/delete").status_code == 404
    assert Question.select().count() == 1


def test_the_questions_page_lists_own_questions_apart_from_the_built_in_ones(dana):
    dana.post("/questions", data={"theme": "career", "text": "What would you teach?"})
    page = text_of(dana.get("/questions"))
    yours, built_in = page.split("The built-in bank")
    assert "What would you teach?" in yours
    assert "What would you teach?" not in built_in
    assert BUILT_IN["career"][0] in built_in


@pytest.mark.parametrize(
    "data, message",
    [
        ({"theme": "career", "text": ""}, "Write something first."),
        ({"theme": "gossip", "text": "Who?"}, "Not a valid choice"),
    ],
)
def test_a_bad_question_is_explained_and_not_kept(dana, data, message):
    response = dana.post("/questions", data=data)
    assert response.status_code == 422 and message in text_of(response)
    assert Question.select().count() == 0


def test_removing_a_question(dana, actors):
    question = Question.create(owner=actors.manager.id, theme="goals", text="Still right?")
    assert dana.post(f"/questions/{question.id}/delete").status_code == 303
    assert Question.select().count() == 0


# --- the calendar feed ------------------------------------------------------------


def feed_url(client):
    client.post("/calendar/address")
    token = CalendarFeed.get().token
    return f"/calendar/{token}.ics"


def events_of(response):
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return {str(e["uid"]): e for e in icalendar.Calendar.from_ical(response.data).walk("VEVENT")}


def test_the_feed_lists_upcoming_one_on_ones_and_nothing_said_in_them(client, dana, actors):
    meeting = actors.meeting
    service.add_talking_point(meeting, actors.report.id, "Secret agenda item")
    service.save_private_note(meeting, actors.manager.id, "Secret note")
    url = feed_url(dana)
    client.post("/logout")  # a calendar app has no session, only the address

    response = client.get(url)
    events = events_of(response)

    assert b"Secret" not in response.data
    planned = meetings_of(actors.pair)
    assert set(events) == {f"meeting-{m.id}@pmweb" for m in planned}
    event = events[f"meeting-{meeting.id}@pmweb"]
    assert event.decoded("dtstart") == as_utc(meeting.scheduled_for, "Europe/London")
    assert event.decoded("dtend") - event.decoded("dtstart") == datetime.timedelta(minutes=30)
    assert str(event["summary"]) == "One-on-one: Sam Okafor"
    assert str(event["url"]).endswith(f"/meetings/{meeting.id}")
    assert str(event["status"]) == "CONFIRMED"


def test_a_moved_meeting_moves_and_a_skipped_one_is_cancelled(dana, actors):
    first, second = meetings_of(actors.pair)[:2]
    moved_to = first.scheduled_for + datetime.timedelta(days=1, hours=2)
    service.reschedule_meeting(first, moved_to, now=first.scheduled_for - datetime.timedelta(1))
    service.skip_meeting(second, actors.manager.id, now=first.scheduled_for)

    events = events_of(dana.get(feed_url(dana)))

    moved = events[f"meeting-{first.id}@pmweb"]
    assert moved.decoded("dtstart") == as_utc(moved_to, "Europe/London")
    assert int(moved["sequence"]) == 1
    assert str(events[f"meeting-{second.id}@pmweb"]["status"]) == "CANCELLED"


def test_a_new_address_retires_the_old_one_and_off_turns_it_off(dana, actors):
    old = feed_url(dana)
    new = feed_url(dana)
    assert old != new
    assert dana.get(old).status_code == 404
    assert dana.get(new).status_code == 200
    page = text_of(dana.get("/calendar"))
    assert new in page
    dana.post("/calendar/off")
    assert dana.get(new).status_code == 404
    assert "The feed is off" in text_of(dana.get("/calendar"))


def test_a_deactivated_persons_feed_is_gone(dana, actors):
    url = feed_url(dana)
    org.deactivate(User.get_by_id(actors.manager.id), actors.admin)
    assert dana.get(url).status_code == 404


def test_a_guessed_token_is_not_found(client):
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404


# --- moving and skipping a meeting ------------------------------------------------


def test_moving_a_meeting_from_its_page(dana, actors):
    meeting = actors.meeting
    later = meeting.scheduled_for + datetime.timedelta(days=2)
    response = dana.post(
        f"/meetings/{meeting.id}/reschedule", data={"at": f"{later:%Y-%m-%dT%H:%M}"}
    )
    assert response.status_code == 303
    moved = Meeting.get_by_id(meeting.id)
    assert moved.scheduled_for == later and moved.moved_from == meeting.scheduled_for


@pytest.mark.parametrize(
    "at, message",
    [
        ("", "Pick a day and a time."),
        ("next tuesday", "Pick a day and a time."),
        ("{past_next}", "The next meeting is on"),
    ],
)
def test_a_bad_new_time_is_explained_and_nothing_moves(dana, actors, at, message):
    meeting, following = meetings_of(actors.pair)[:2]
    at = at.format(
        past_next=f"{following.scheduled_for + datetime.timedelta(hours=1):%Y-%m-%dT%H:%M}"
    )
    response = dana.post(f"/meetings/{meeting.id}/reschedule", data={"at": at})
    assert response.status_code == 422
    assert message in text_of(response)
    assert Meeting.get_by_id(meeting.id).scheduled_for == meeting.scheduled_for


def test_skipping_from_the_meeting_page_opens_the_next_with_the_agenda(dana, actors):
    meeting, following = meetings_of(actors.pair)[:2]
    service.add_talking_point(meeting, actors.manager.id, "Moves on")
    response = dana.post(f"/meetings/{meeting.id}/skip")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/meetings/{following.id}")
    assert agenda(following) == ["Moves on"]
    page = text_of(dana.get(f"/meetings/{meeting.id}"))
    assert "This meeting was skipped" in page and "Skipped" in page
    assert dana.post(f"/meetings/{meeting.id}/skip").status_code == 409
    assert (
        dana.post(f"/meetings/{meeting.id}/reschedule", data={"at": "2030-01-01T10:00"}).status_code
        == 409
    )
    assert "Skipped" in text_of(dana.get(f"/one-on-ones/{actors.pair.id}"))


def test_a_new_rhythm_moves_the_planned_meetings(dana, actors):
    before = meetings_of(actors.pair)
    service.add_talking_point(before[1], actors.manager.id, "Stays with its meeting")
    response = dana.post(
        f"/one-on-ones/{actors.pair.id}/cadence",
        data={"cadence": "biweekly", "weekday": "3", "time_of_day": "15:00"},
    )
    assert response.status_code == 303
    after = meetings_of(actors.pair)
    assert [m.id for m in after[: len(before)]] == [m.id for m in before]
    assert all(m.scheduled_for.weekday() == 3 and m.scheduled_for.hour == 15 for m in after)
    assert agenda(after[1]) == ["Stays with its meeting"]


# --- the team in numbers ----------------------------------------------------------


def test_a_manager_sees_numbers_for_each_report_and_no_content(dana, actors):
    today = service.local_today(actors.pair)
    first, second, third = meetings_of(actors.pair)[:3]
    service.add_talking_point(first, actors.manager.id, "Content never shown")
    service.add_action_item(
        first, actors.manager.id, actors.report.id, "Overdue item", today - datetime.timedelta(2)
    )
    service.add_action_item(first, actors.manager.id, actors.report.id, "Open item", None)
    held_on = datetime.datetime.combine(today - datetime.timedelta(days=9), datetime.time(10))
    skipped_on = held_on + datetime.timedelta(days=3)
    Meeting.update(scheduled_for=held_on).where(Meeting.id == first.id).execute()
    Meeting.update(scheduled_for=skipped_on).where(Meeting.id == second.id).execute()
    service.complete_meeting(Meeting.get_by_id(first.id), actors.manager.id)
    service.skip_meeting(Meeting.get_by_id(second.id), actors.manager.id, now=skipped_on)

    page = text_of(dana.get("/team"))

    assert "Sam Okafor" in page and "Alex Kim" not in page
    row = page[page.index('id="report-') :]
    row = row[: row.index("</tr>")]
    assert 'data-days="9"' in row and "9 days ago" in row
    cells = [cell.split(">")[-1].strip() for cell in row.split("</td>")[2:6]]
    assert cells[:3] == ["1", "0", "2"]
    assert ">1</span>" in row  # one overdue
    assert "Content never shown" not in page and "Overdue item" not in page


def test_overdue_items_go_by_each_pairs_own_date(dana, actors):
    """Kiritimati (UTC+14) and Pago Pago (UTC-11) are always a day or more apart, so an
    item due yesterday in one and one due today in the other (and a meeting held
    yesterday in each) tell the pair's date from the server's at any hour."""
    east = actors.pair
    west = make_reporting_line(actors.manager, make_user("Lee Park"))
    for pair, zone in ((east, "Pacific/Kiritimati"), (west, "Pacific/Pago_Pago")):
        OneOnOne.update(timezone=zone).where(OneOnOne.id == pair.id).execute()
        pair.timezone = zone
    east_today, west_today = service.local_today(east), service.local_today(west)
    dana_id, lee_id = actors.manager.id, west.employee_id
    yesterday = east_today - datetime.timedelta(days=1)
    service.add_action_item(meetings_of(east)[0], dana_id, actors.report.id, "Late", yesterday)
    service.add_action_item(meetings_of(west)[0], dana_id, lee_id, "Due today", west_today)
    # Each pair met yesterday, by its own calendar.
    for pair, day in ((east, east_today), (west, west_today)):
        held = meetings_of(pair)[0]
        at = datetime.datetime.combine(day - datetime.timedelta(days=1), datetime.time(10))
        Meeting.update(scheduled_for=at).where(Meeting.id == held.id).execute()
        service.complete_meeting(Meeting.get_by_id(held.id), dana_id)

    team = text_of(dana.get("/team"))
    home = text_of(dana.get("/"))

    def row(page, row_id):
        page = page[page.index(f'id="{row_id}"') :]
        return page[: page.index("</tr>")]

    sams_row, lees_row = row(team, f"report-{actors.report.id}"), row(team, f"report-{lee_id}")
    assert '<span class="badge overdue">1</span>' in sams_row
    assert "badge overdue" not in lees_row
    assert 'data-days="1"' in sams_row and 'data-days="1"' in lees_row
    assert "1 overdue" in row(home, f"one-on-one-{east.id}")
    assert "overdue" not in row(home, f"one-on-one-{west.id}")


def test_someone_without_reports_is_told_so(client, actors, login):
    login(actors.report)
    assert "Nobody reports to you" in text_of(client.get("/team"))


def test_a_stale_prep_note_is_shown_beside_the_saved_one(dana, actors):
    meeting = actors.meeting
    url = f"/this-week/meetings/{meeting.id}/private-note"
    dana.post(url, data={"body": "First thought", "version": "0"})
    response = dana.post(url, data={"body": "From an old tab", "version": "0"})
    assert response.status_code == 409
    body = text_of(response)
    assert "Your note changed elsewhere" in body and "First thought" in body
    assert "From an old tab" in body
    assert PrivateNote.get(PrivateNote.meeting == meeting.id).body == "First thought"


def test_a_stale_note_on_the_meeting_page_is_refused_with_both_texts(dana, actors):
    meeting = actors.meeting
    dana.post(f"/meetings/{meeting.id}/private-note", data={"body": "One", "version": "0"})
    response = dana.post(
        f"/meetings/{meeting.id}/private-note", data={"body": "Two", "version": "0"}, headers=HTMX
    )
    assert response.status_code == 409
    assert "Your note changed elsewhere" in text_of(response)
    assert PrivateNote.get().body == "One"


def test_no_private_note_is_written_on_a_skipped_meeting(dana, actors):
    meeting = actors.meeting
    service.skip_meeting(meeting, actors.manager.id, now=meeting.scheduled_for)
    response = dana.post(f"/meetings/{meeting.id}/private-note", data={"body": "Lost?"})
    assert response.status_code == 409
    assert not PrivateNote.select().exists()


def test_feed_sequence_grows_with_each_move(dana, actors):
    meeting = actors.meeting
    for days in (1, 2):
        service.reschedule_meeting(
            meeting,
            meeting.scheduled_for + datetime.timedelta(days=days),
            now=meeting.scheduled_for,
        )
    events = events_of(dana.get(feed_url(dana)))
    assert int(events[f"meeting-{meeting.id}@pmweb"]["sequence"]) == 2


@pytest.mark.parametrize("token", ["%00", "a%00b" * 5, "x" * 300, "..%2F..%2Fetc"])
def test_an_odd_token_is_refused_without_an_error(client, token):
    assert client.get(f"/calendar/{token}.ics").status_code in (400, 404)


def test_an_ended_one_on_one_lists_no_meetings_to_come(dana, actors, today):
    line = ReportingLine.get(ReportingLine.employee == actors.report.id)
    org.end_reporting_line(line, today - datetime.timedelta(days=1))
    page = text_of(dana.get(f"/one-on-ones/{actors.pair.id}"))
    assert "has ended; no more meetings are held in it" in page
    assert f"/meetings/{meetings_of(actors.pair)[1].id}" not in page
    assert "Sam Okafor" not in text_of(dana.get("/this-week"))
