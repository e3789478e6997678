"""Pages issue a fixed number of SQL queries, however long a pair's history is."""

import datetime

from playhouse.test_utils import count_queries

from pmweb.goals import service as goals
from pmweb.goals.service import Terms
from pmweb.meetings import service
from tests.conftest import make_reporting_line, make_user


def queries_for(client, url):
    with count_queries(only_select=True) as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def grow_history(actors, meetings, points_per_meeting):
    meeting = actors.meeting
    for n in range(meetings):
        for p in range(points_per_meeting):
            point = service.add_talking_point(meeting, actors.report.id, f"Point {n}.{p}")
            service.set_discussed(point, p % 2 == 0)
        service.add_action_item(meeting, actors.manager.id, actors.report.id, f"Item {n}", None)
        meeting = service.complete_meeting(meeting, actors.manager, now=meeting.scheduled_for)
    return meeting


def test_meeting_page_queries_do_not_grow_with_history(client, actors, login):
    login(actors.manager)
    small = queries_for(client, f"/meetings/{actors.meeting.id}")
    current = grow_history(actors, meetings=12, points_per_meeting=6)
    large = queries_for(client, f"/meetings/{current.id}")
    assert large == small


def test_home_and_pair_pages_queries_do_not_grow_with_history(client, actors, login):
    login(actors.manager)
    urls = ["/", f"/one-on-ones/{actors.pair.id}", f"/one-on-ones/{actors.pair.id}?q=Point"]
    before = [queries_for(client, url) for url in urls]
    grow_history(actors, meetings=8, points_per_meeting=3)
    after = [queries_for(client, url) for url in urls]
    assert after == before


def test_goal_lists_query_counts_do_not_grow_with_goals(client, actors, login):
    login(actors.manager)
    urls = [f"/meetings/{actors.meeting.id}", f"/people/{actors.report.id}/goals"]
    add_agreed_goals(actors, 1)
    before = [queries_for(client, url) for url in urls]
    add_agreed_goals(actors, 15)
    after = [queries_for(client, url) for url in urls]
    assert after == before


def add_agreed_goals(actors, count):
    due = datetime.date.today() + datetime.timedelta(days=60)
    for n in range(count):
        terms = Terms(
            title=f"Goal {n}", due=due, measure="number", start_value=0.0, target_value=10.0
        )
        goal = goals.propose_goal(actors.report, actors.report, "employee", terms)
        goals.agree(goal, "manager", actors.manager.id, 1, actors.manager.id)
        goals.check_in(goal, actors.report, 3.0, "on_track")


def test_this_week_costs_the_same_queries_for_one_report_and_for_five(client, actors, login):
    from tests.conftest import make_reporting_line, make_user

    login(actors.manager)
    grow_history(actors, meetings=6, points_per_meeting=3)
    add_agreed_goals(actors, 2)
    one_report = queries_for(client, "/this-week")
    for n in range(4):
        make_reporting_line(actors.manager, make_user(f"Report {n}", f"report{n}@example.com"))
    queries_for(client, "/this-week")  # the first visit plans the new pairs' weeks
    five_reports = queries_for(client, "/this-week")
    # The goals and plan steps of every card shown whole come in one query each.
    assert five_reports == one_report


# Each live part of the meeting page, as an open page refetches it, reads only what it
# shows: the session and the meeting (every request), then its own rows.
QUERIES_OF_PART = {
    "notes": 2,  # the shared notes come with the meeting
    "presence": 3,  # who else has the page open
    "agenda": 3,  # the talking points
    "actions": 4,  # the action items, and those done in earlier meetings, to reopen
    # The manager's own, with what the employee carried over at the handoff: the
    # agreed goals with their latest check-in.
    "goals": 4,
    "plan": 6,  # the same handoff; the plan, its steps, the recent wins
}


def test_each_live_part_reads_only_what_it_shows(client, actors, login):
    login(actors.manager)
    grow_history(actors, meetings=3, points_per_meeting=2)
    add_agreed_goals(actors, 2)
    meeting = actors.pair.meetings.where(actors.meeting.__class__.status == "upcoming").first()
    htmx = {"HX-Request": "true", "HX-Request-Type": "partial"}
    counts = {}
    for part in QUERIES_OF_PART:
        with count_queries(only_select=True) as counter:
            response = client.get(f"/meetings/{meeting.id}?part={part}", headers=htmx)
        assert response.status_code == 200
        counts[part] = counter.count
    whole_page = queries_for(client, f"/meetings/{meeting.id}")
    assert counts == QUERIES_OF_PART
    assert all(count < whole_page for count in counts.values())


def test_a_feedback_page_renders_a_bounded_amount_however_often_feedback_was_corrected(
    client, actors, login
):
    from pmweb.growth import service as growth
    from pmweb.models import Feedback

    feedback = growth.write_feedback(
        actors.report.id,
        actors.manager.id,
        actors.report.id,
        growth.FeedbackTerms(kind="praise", body="First wording."),
        send=True,
    ).feedback

    def correct(times):
        for n in range(times):
            current = Feedback.get_by_id(feedback.id)
            body = f"Wording {n}: " + "word " * 1996  # 10,000 characters
            assert len(body) <= 10_000
            growth.change_feedback(current, growth.FeedbackTerms("praise", body), current.version)

    def size_and_queries(url):
        with count_queries(only_select=True) as counter:
            response = client.get(url)
        assert response.status_code == 200
        return len(response.data), counter.count

    login(actors.report)
    urls = [f"/people/{actors.report.id}/feedback", f"/feedback/{feedback.id}/wordings"]
    correct(1)
    once = [size_and_queries(url) for url in urls]
    correct(59)
    sixty = [size_and_queries(url) for url in urls]

    (timeline, timeline_queries), (wordings, wordings_queries) = sixty
    # The timeline shows what the feedback says now; earlier wordings are a link away.
    assert timeline < once[0][0] + 100
    assert timeline_queries == once[0][1]
    # Their page shows what it says now and five earlier wordings: 60 kB of text.
    assert wordings < 6 * 10_000 + 20_000
    assert wordings_queries == once[1][1]


def test_an_outsiders_not_found_costs_the_same_whether_or_not_the_thing_exists(
    client, actors, login
):
    """Both paths do the same work, so the time of a 404 does not tell an outsider
    that a meeting, one-on-one or person exists."""
    login(actors.other_manager)
    missing = 10**9
    pairs = [
        (f"/meetings/{actors.meeting.id}", f"/meetings/{missing}"),
        (f"/one-on-ones/{actors.pair.id}", f"/one-on-ones/{missing}"),
        (f"/people/{actors.report.id}/plan", f"/people/{missing}/plan"),
        (f"/people/{actors.report.id}/feedback", f"/people/{missing}/feedback"),
    ]
    for existing, absent in pairs:
        assert not_found_queries(client, existing) == not_found_queries(client, absent), existing


def not_found_queries(client, url):
    with count_queries(only_select=True) as counter:
        response = client.get(url)
    assert response.status_code == 404
    return counter.count


ADMIN_LISTS = [
    "/admin/people",
    "/admin/people?show=managers&q=a",
    "/admin/people?page=2",
    "/admin/reporting-lines",
    "/admin/reporting-lines?show=ended&q=a",
    "/admin/overview",
    "/admin/people/choices?field=manager&manager=a",
]


def test_administration_lists_cost_the_same_however_large_the_organisation(
    client, actors, login, today
):
    """Each list shows a page, counts the rest, and reads nothing per person, line or
    team: the queries of a six-person company are those of one with hundreds."""
    from pmweb.models import ReportingLine
    from pmweb.org import service as org
    from tests.test_org_lists import add_team

    login(actors.admin)
    small = [queries_for(client, url) for url in ADMIN_LISTS]
    for number in range(6):
        manager = add_team(actors.manager, 1, today, prefix=f"Lead{number}")[0]
        for member in add_team(manager, 25, today, prefix=f"Team{number}")[:3]:
            service.open_one_on_one(manager, member, "Europe/London")
    ended = ReportingLine.select(ReportingLine.id).limit(40)
    ReportingLine.update(ends_on=today - datetime.timedelta(days=1)).where(
        ReportingLine.id.in_(ended)
    ).execute()
    org.deactivate(actors.hr, by=actors.admin)
    large = [queries_for(client, url) for url in ADMIN_LISTS]
    assert dict(zip(ADMIN_LISTS, large, strict=True)) == dict(zip(ADMIN_LISTS, small, strict=True))


def test_this_week_reads_nothing_more_for_the_cards_it_folds(client, actors, login, today):
    from tests.test_prep_routes import add_reports

    login(actors.manager)
    add_reports(actors.manager, 9, today)
    queries_for(client, "/this-week")  # the first visit plans the new pairs' weeks
    ten_reports = queries_for(client, "/this-week")
    for n in range(15):
        make_reporting_line(actors.manager, make_user(f"Later {n}", f"later{n}@example.com"))
    queries_for(client, "/this-week")
    twenty_five_reports = queries_for(client, "/this-week")
    assert twenty_five_reports == ten_reports
