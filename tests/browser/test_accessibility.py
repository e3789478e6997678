"""Every page as each kind of person sees it, scanned by axe-core in Chromium against
WCAG 2.2 A and AA and axe's best practices: at a desktop and a phone width, in the light
and the dark colour scheme (Pico follows prefers-color-scheme). Any violation, of any
impact, fails the test with its rule, its elements and the page."""

import datetime
import types
import uuid
from urllib.parse import urlsplit

import pytest

from pmweb.goals import service as goals
from pmweb.goals.service import Terms
from pmweb.growth import service as growth
from pmweb.growth.service import FeedbackTerms, StepTerms
from pmweb.meetings import service as meetings
from pmweb.models import Feedback, Goal, Meeting, OneOnOne, PlanStep
from pmweb.org import service as org
from pmweb.sharing import service as sharing
from tests.browser import axe
from tests.browser.conftest import PASSWORD, make_pair, on_server
from tests.browser.test_meeting_page import screenshot

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)
SCHEMES = ("light", "dark")

# Reached from a navigation but not pages: downloads, feeds and streams.
NOT_PAGES = (".pdf", ".ics", "/live", "/account/export")


def _person(name, is_admin=False):
    return org.create_user(
        f"{name.split()[0].lower()}.{uuid.uuid4().hex[:8]}@example.com",
        name,
        is_admin=is_admin,
        password=PASSWORD,
    )


def _meetings_of(employee):
    return (
        Meeting.select()
        .join(OneOnOne)
        .where(OneOnOne.employee == employee.id)
        .order_by(Meeting.scheduled_for)
    )


@pytest.fixture(scope="module")
def world(live_server):
    """A pair with something of every kind on its pages: a completed meeting with a
    discussed point, a carried-forward one and action items (one overdue, one done);
    goals on track and at risk; a plan with steps and a win; feedback sent and drafted.
    Beside it an administrator, a grantee of each scope, and an employee whose manager
    has just changed, with a handoff to decide."""
    pair = make_pair(live_server, "Dana Reyes", "Sam Okafor")
    with on_server(live_server):
        dana, sam = pair.manager, pair.employee
        held = Meeting.get_by_id(pair.meeting_id)
        meetings.add_talking_point(held, sam.id, "Hiring plan for Q1")
        kept = meetings.add_talking_point(held, dana.id, "Feedback on the incident review")
        meetings.set_discussed(kept, True)
        meetings.add_action_item(
            held, dana.id, sam.id, "Draft the hiring plan", datetime.date.today()
        )
        finished = meetings.add_action_item(held, dana.id, dana.id, "Book the offsite", None)
        meetings.set_action_item_done(finished, True, held)
        meetings.save_shared_notes(held, "We agreed on **two** hires.", held.shared_notes_version)
        meetings.save_private_note(held, dana.id, "Ask about workload")
        upcoming = meetings.complete_meeting(held, dana, now=held.scheduled_for)
        meetings.add_action_item(
            upcoming,
            sam.id,
            sam.id,
            "Write the interview loop",
            datetime.date.today() - datetime.timedelta(days=2),
        )
        objective = goals.create_objective("Happy customers", "2027", dana, dana)
        due = datetime.date.today() + datetime.timedelta(days=60)
        for title, confidence in (("Raise NPS", "at_risk"), ("Cut churn", "on_track")):
            goal = goals.propose_goal(
                sam,
                sam,
                "employee",
                Terms(
                    title=title,
                    why="Customers *stay*.",
                    due=due,
                    measure="number",
                    start_value=32.0,
                    target_value=45.0,
                    objective_id=objective.id,
                ),
            )
            goals.agree(goal, "manager", dana.id, 1, dana.id)
            goals.check_in(goal, dana, 36.0, confidence, "Moving", meeting=upcoming)
        goals.propose_goal(
            sam,
            sam,
            "employee",
            Terms(title="Speak at a meetup", due=due, measure="milestones", milestones=("Pick",)),
        )
        texts = {"aspiration": "Lead a team", "strengths": "Calm", "growth_areas": "Delegation"}
        growth.save_plan(sam.id, sam.id, texts, 0)
        growth.add_step(sam.id, dana.id, StepTerms(kind="training", title="Course", notes="Two"))
        growth.add_step(
            sam.id, sam.id, StepTerms(kind="mentoring", title="Pair with Lee", status="done")
        )
        growth.record_win(sam.id, sam.id, "Shipped the new onboarding")
        growth.write_feedback(
            sam.id, dana.id, sam.id, FeedbackTerms(kind="praise", body="Great review"), send=True
        )
        growth.write_feedback(
            sam.id, dana.id, sam.id, FeedbackTerms(kind="suggestion", body="Shorter"), send=False
        )
        ada = _person("Ada Admin", is_admin=True)
        hana = _person("Hana Berg")
        pair_row = OneOnOne.get(OneOnOne.employee == sam.id)
        for scope in sharing.OFFERED_SCOPES:
            sharing.give_grant(sam, hana, scope, 7, "For mentoring", one_on_one=pair_row)
        # Noor's manager changes today from Priya to Dana, with goals from before.
        priya, noor = _person("Priya Natarajan"), _person("Noor Haddad")
        org.start_reporting_line(
            priya, noor, datetime.date.today() - datetime.timedelta(days=60), "Europe/London"
        )
        goals.propose_goal(
            noor, noor, "employee", Terms(title="Learn Go", due=due, measure="milestones")
        )
        org.start_reporting_line(dana, noor, datetime.date.today(), "Europe/London")
        ids = types.SimpleNamespace(
            sam=sam.id,
            held=held.id,
            upcoming=upcoming.id,
            pair=pair_row.id,
            goal=Goal.select(Goal.id).where(Goal.employee == sam.id).order_by(Goal.id).scalar(),
            step=PlanStep.select(PlanStep.id).order_by(PlanStep.id.desc()).scalar(),
            draft=Feedback.select(Feedback.id).order_by(Feedback.id.desc()).scalar(),
        )
    people = {"manager": dana, "report": sam, "admin": ada, "grantee": hana, "handed_over": noor}
    return types.SimpleNamespace(people=people, ids=ids)


def key_pages(actor, ids):
    """The pages each person must be able to use, beyond what their navigation links to."""
    sam = ids.sam
    own = ["/", "/this-week", "/account", "/sharing", "/sharing/reads", "/account/password"]
    employee_pages = [
        f"/meetings/{ids.upcoming}",
        f"/meetings/{ids.upcoming}/complete",  # the question before completing
        f"/meetings/{ids.held}",
        f"/one-on-ones/{ids.pair}",
        f"/people/{sam}/goals",
        f"/goals/{ids.goal}",
        f"/goals/{ids.goal}/edit",
        f"/people/{sam}/goals/new",
        f"/people/{sam}/plan",
        f"/people/{sam}/plan/history",
        f"/people/{sam}/plan/print",
        f"/plan-steps/{ids.step}",
        f"/people/{sam}/feedback",
        "/objectives",
        "/questions",
        "/calendar",
    ]
    return {
        "anonymous": ["/login"],
        "manager": own
        + employee_pages
        + ["/team", f"/feedback/{ids.draft}/edit", f"/feedback/{ids.draft}/wordings"],
        "report": own + employee_pages,
        "admin": own
        + [
            "/admin/people",
            "/admin/reporting-lines",
            "/admin/overview",
            "/admin/activity",
            "/admin/people/import",
        ],
        "grantee": own
        + [
            f"/people/{sam}/goals",
            f"/goals/{ids.goal}",
            f"/people/{sam}/plan",
            f"/people/{sam}/plan/print",
            f"/people/{sam}/feedback",
            f"/meetings/{ids.held}",
            f"/one-on-ones/{ids.pair}",
        ],
        "handed_over": own + ["/handoff"],
    }[actor]


def navigation_links(page, base_url):
    """The pages the navigations on this page lead to (the header, an area's tabs,
    breadcrumbs), on this site."""
    hrefs = page.eval_on_selector_all("nav a[href]", "links => links.map(a => a.href)")
    paths = set()
    for href in hrefs:
        parts = urlsplit(href)
        if href.startswith(base_url) and not parts.path.endswith(NOT_PAGES):
            paths.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def signed_in_context(browser, live_server, person):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": WIDTHS[0], "height": 900},
        **axe.context_options(),
    )
    if person is not None:
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Email").fill(person.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        page.close()
    return context


def scan(page, where, shot=None):
    """The violations at every width and colour scheme of the page loaded; with
    ``shot``, a screenshot of each (when PMWEB_SCREENSHOTS names a folder)."""
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            problems += axe.describe(axe.violations(page), f"{where} at {width}px, {scheme}")
            if shot:
                screenshot(page, f"{shot}-{width}-{scheme}")
    return problems


@pytest.mark.parametrize(
    "actor", ["anonymous", "manager", "report", "admin", "grantee", "handed_over"]
)
def test_every_page_passes_axe(browser, live_server, world, actor):
    context = signed_in_context(browser, live_server, world.people.get(actor))
    page = context.new_page()
    page.set_default_timeout(10_000)
    key = key_pages(actor, world.ids)
    to_visit = list(key)
    visited, scanned, problems = set(), set(), []
    try:
        while to_visit:
            path = to_visit.pop(0)
            if path in visited:
                continue
            visited.add(path)
            response = page.goto(path)
            assert response.ok, f"{actor} {path}: {response.status}"
            arrived = urlsplit(page.url).path
            # A key page that sent its visitor elsewhere (to sign in) would be scanned
            # in place of the one asked for; a navigation's "Goals" leads on to whose.
            assert arrived == urlsplit(path).path or path not in key, f"{actor} {path} {arrived}"
            if arrived in scanned or "text/html" not in response.headers.get("content-type", ""):
                continue
            scanned.add(arrived)
            # The meeting pages, as Dana sees them, to look at in both schemes.
            shot = (
                f"axe-meeting-{arrived.rsplit('/', 1)[-1]}"
                if (actor == "manager" and arrived.startswith("/meetings/"))
                else None
            )
            problems += scan(page, f"{actor} {path}", shot)
            to_visit += sorted(navigation_links(page, live_server.url) - visited)
    finally:
        context.close()
    assert not problems, f"{len(problems)} axe violations:\n" + "\n".join(problems)


def test_the_meeting_page_passes_axe_in_its_passing_states(browser, live_server):
    """What a crawl does not meet: a refused input, an edit conflict, a dropped
    connection and a page not found."""
    pair = make_pair(live_server, "Dana Reyes", "Sam Okafor")
    with on_server(live_server):
        point = meetings.add_talking_point(
            Meeting.get_by_id(pair.meeting_id), pair.employee.id, "Hiring plan"
        )
    context = signed_in_context(browser, live_server, pair.manager)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = []
    try:
        page.goto(f"/meetings/{pair.meeting_id}")
        page.get_by_label("New talking point").fill(" ")
        page.get_by_label("New talking point").press("Enter")
        page.locator("#talking-point-error").wait_for()
        problems += scan(page, "a refused talking point")

        with on_server(live_server):
            meetings.edit_talking_point(point, "Hiring plan, two roles", point.version)
        field = page.get_by_role("textbox", name="Talking point", exact=True)
        field.fill("Hiring plan for Q1")
        field.press("Enter")
        page.get_by_role("alert").filter(has_text="changed this point").wait_for()
        problems += scan(page, "a talking point's conflict")

        for state in ("reconnecting", "gone"):
            page.evaluate(f"document.getElementById('live').dataset.connection = '{state}'")
            problems += scan(page, f"the connection {state}")

        response = page.goto("/meetings/999999")
        assert response.status == 404
        problems += scan(page, "a page not found")
    finally:
        context.close()
    assert not problems, f"{len(problems)} axe violations:\n" + "\n".join(problems)
