"""pmweb on a phone: every signed-in page fits a screen 360 px wide, the header folds
into a menu that works with and without JavaScript, tap targets are big enough, and a
whole one-on-one can be held by tapping. And on a laptop, what a meeting uses is on
its first screen."""

import datetime
import itertools
import types
import uuid

import pytest
from playwright.sync_api import expect

from pmweb.goals import service as goals
from pmweb.goals.service import Terms
from pmweb.growth import service as growth
from pmweb.growth.service import FeedbackTerms, StepTerms
from pmweb.meetings import service as meetings
from pmweb.models import Feedback, Goal, Meeting, PrivateNote, Question
from pmweb.org import service as org
from pmweb.sharing import service as sharing
from tests.browser.conftest import PASSWORD, make_pair, on_server
from tests.browser.test_meeting_page import screenshot, talking_point

pytestmark = pytest.mark.browser

PHONES = [360, 390]
# Long names and a long point: what a real company has, and what breaks a narrow page.
AGENDA = [
    "Retention policy: which tables keep personal data beyond ninety days, and who signs off",
    "Hiring plan for Q1",
    "Feedback on the incident review",
    "Conference budget",
]
NAV_LINKS = ["This week", "One-on-ones", "Goals", "Plan", "Feedback", "Sharing"]
# Streams never finish loading; a calendar feed is not a page.
NOT_PAGES = {"meetings.live_updates", "prep.live_updates", "prep_feed.calendar_feed", "static"}
SIGNED_OUT = {"auth.login", "auth.password_link"}


def unique(name):
    """A name no other test uses, so a list on a shared server shows this test's own."""
    return f"{name}-{uuid.uuid4().hex[:4].upper()}"


def person(server, name, is_admin=False):
    with on_server(server):
        return org.create_user(
            f"{name.split()[0].lower()}.{uuid.uuid4().hex[:8]}@example.com",
            name,
            is_admin=is_admin,
            password=PASSWORD,
        )


def hold_earlier_meeting(server, pair):
    """Completes the pair's first meeting, so an earlier meeting exists; the pair's
    meeting is then the next one."""
    with on_server(server):
        first = Meeting.get_by_id(pair.meeting_id)
        meetings.add_talking_point(first, pair.manager.id, "Settling in")
        following = meetings.complete_meeting(first, pair.manager, now=first.scheduled_for)
    return types.SimpleNamespace(
        **{**vars(pair), "earlier_id": first.id, "meeting_id": following.id}
    )


def fill_agenda(server, pair, texts=AGENDA):
    with on_server(server):
        meeting = Meeting.get_by_id(pair.meeting_id)
        for position, text in enumerate(texts):
            author = pair.employee if position % 2 else pair.manager
            meetings.add_talking_point(meeting, author.id, text)
        due = datetime.date.today() + datetime.timedelta(days=7)
        meetings.add_action_item(
            meeting, pair.manager.id, pair.employee.id, "Draft the retention proposal", due
        )
        meetings.add_action_item(meeting, pair.manager.id, pair.manager.id, "Book the room", None)


@pytest.fixture
def company(server):
    """A pair with long names and everything a page can show: an earlier meeting, an
    agenda, action items, a goal with check-ins, a plan, wins, feedback, a grant; an
    administrator; and a grantee."""
    pair = make_pair(
        server, unique("Maximiliana Oyelaran-Featherstone"), unique("Bartholomew Castellanos")
    )
    pair = hold_earlier_meeting(server, pair)
    fill_agenda(server, pair)
    hr = person(server, unique("Henrietta Lindqvist-Okonkwo"))
    admin = person(server, unique("Ada Administrator"), is_admin=True)
    employee = pair.employee
    with on_server(server):
        Question.create(owner=pair.manager.id, theme="career", text="Where do you want to be?")
        objective = goals.create_objective(
            "Keep customers for longer", "2027", pair.manager, pair.manager
        )
        goal = goals.propose_goal(
            employee,
            employee,
            "employee",
            Terms(
                title="Cut churn among first-year customers to under five percent",
                why="Churn is **the** blocker to growing the team.",
                due=datetime.date.today() + datetime.timedelta(days=90),
                measure="number",
                start_value=12,
                target_value=5,
                unit="%",
                objective_id=objective.id,
            ),
        )
        goals.agree(goal, "manager", pair.manager.id, 1, pair.manager.id)
        goals.check_in(goal, pair.manager, 9.5, "at_risk", "Onboarding calls help")
        growth.save_plan(
            employee.id,
            employee.id,
            {"aspiration": "Lead a team", "strengths": "Calm", "growth_areas": "Delegation"},
            0,
        )
        step = growth.add_step(
            employee.id,
            pair.manager.id,
            StepTerms(kind="training", title="Facilitation course", notes="Two days"),
        )
        growth.record_win(employee.id, employee.id, "Shipped the onboarding checklist")
        for send in (True, False):
            growth.write_feedback(
                employee.id,
                pair.manager.id,
                employee.id,
                FeedbackTerms(kind="praise", body="A calm, clear incident review"),
                send=send,
            )
        sharing.give_grant(employee, hr, "goals", 30)
        ids = {
            "meeting_id": [pair.earlier_id, pair.meeting_id],
            "employee_id": [employee.id],
            "goal_id": [Goal.select(Goal.id).where(Goal.employee == employee.id).scalar()],
            "objective_id": [objective.id],
            "step_id": [step.id],
            "feedback_id": [
                f.id for f in Feedback.select(Feedback.id).where(Feedback.receiver == employee.id)
            ],
            "question_id": [
                q.id for q in Question.select(Question.id).where(Question.owner == pair.manager.id)
            ],
            "pair_id": [Meeting.get_by_id(pair.meeting_id).one_on_one_id],
        }
    return types.SimpleNamespace(pair=pair, hr=hr, admin=admin, ids=ids)


def signed_in_urls(app, ids):
    """Every signed-in GET page, filled with the company's ids. A route with an argument
    this test cannot fill fails it: a new page must join the sweep."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in NOT_PAGES | SIGNED_OUT:
                continue
            # The directory's SCIM API answers JSON to its token, no page to anyone.
            if rule.endpoint.startswith("scim."):
                continue
            unknown = set(rule.arguments) - set(ids)
            assert not unknown, f"the phone sweep cannot fill {rule.endpoint} {unknown}"
            names = sorted(rule.arguments)
            for values in itertools.product(*(ids[name] for name in names)):
                urls.append(app.url_for(rule.endpoint, **dict(zip(names, values, strict=True))))
    return sorted(set(urls))


@pytest.fixture
def open_as(browser, server):
    """Signs a person in, in a browser context of the given size; ``phone=True`` makes
    it a touch screen."""
    contexts = []

    def open_page(user, width, height=844, javascript=True, phone=False):
        context = browser.new_context(
            base_url=server.url,
            java_script_enabled=javascript,
            viewport={"width": width, "height": height},
            has_touch=phone,
            is_mobile=phone,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/login")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        sign = page.get_by_role("button", name="Sign in")
        sign.tap() if phone else sign.click()
        page.wait_for_url(f"{server.url}/")
        return page

    yield open_page
    for context in contexts:
        context.close()


# What sticks out furthest to the right, leaving out what sits inside a scrolling or
# clipping box (that scrolls on its own, it does not widen the page).
WIDEST = """() => {
  const limit = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= limit) return null;
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  let widest = null;
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right <= limit + 0.5 || !el.checkVisibility() || clipped(el)) continue;
    if (!widest || box.right >= widest.right) widest = {el, right: box.right, width: box.width};
  }
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map((c) => "." + c).join("");
  const path = [];
  for (let el = widest && widest.el; el && el !== document.body; el = el.parentElement) {
    path.unshift(name(el));
  }
  return {
    scrollWidth, limit,
    element: path.slice(-3).join(" > "),
    text: widest ? widest.el.textContent.trim().slice(0, 40) : "",
    width: widest ? Math.round(widest.width) : 0,
  };
}"""


def too_wide(page):
    """None when the page fits its screen, else what is widest."""
    return page.evaluate(WIDEST)


def test_every_signed_in_page_fits_a_phone_screen(open_as, server, company):
    urls = signed_in_urls(server.app, company.ids)
    people = {
        "manager": company.pair.manager,
        "report": company.pair.employee,
        "administrator": company.admin,
        "grantee": company.hr,
    }
    problems = []
    seen = {}
    for width in PHONES:
        for role, user in people.items():
            page = open_as(user, width)
            for url in urls:
                # Asked first, so a download (a PDF, the data export) is not navigated to;
                # a redirect (/goals to one's own goals) is a page visited under its own URL.
                response = page.request.get(url, max_redirects=0)
                kind = response.headers.get("content-type", "")
                if response.status != 200 or not kind.startswith("text/html"):
                    continue
                page.goto(url)
                seen.setdefault(role, set()).add(url)
                wide = too_wide(page)
                if wide:
                    problems.append(
                        f"{url} as the {role} at {width} px is {wide['scrollWidth']} px wide: "
                        f"{wide['element']} ({wide['width']} px, “{wide['text']}”)"
                    )
            page.context.close()
    assert not problems, "\n".join(problems)
    # The sweep reached the pages that matter to each of them.
    meeting = f"/meetings/{company.pair.meeting_id}"
    employee = company.pair.employee.id
    own = {f"/people/{employee}/{page}" for page in ("goals", "plan", "feedback", "plan/history")}
    assert {"/", meeting, "/this-week", "/team", "/sharing"} | own <= seen["manager"]
    assert {"/", meeting, "/sharing/reads", "/handoff"} <= seen["report"]
    assert {"/admin/people", "/admin/reporting-lines", "/admin/activity"} <= seen["administrator"]
    assert meeting not in seen["administrator"]
    assert f"/people/{company.pair.employee.id}/goals" in seen["grantee"]


def open_menu(page, tap=False):
    menu = page.locator(".site-header summary")
    expect(menu).to_be_visible()
    expect(menu).to_have_accessible_name("Menu")
    menu.tap() if tap else menu.click()
    return menu


def expect_on_screen(page, locator, what):
    """Visible, inside the screen's width, and not covered by anything else."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{what} is off-screen: {box}"
    covered = locator.evaluate(
        "(el, [x, y]) => !el.contains(document.elementFromPoint(x, y))",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert not covered, f"{what} is covered by another element"


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
def test_the_header_menu_opens_and_reaches_every_link_on_a_phone(open_as, server, javascript):
    admin = person(server, unique("Ada Administrator-Wolstenholme"), is_admin=True)
    page = open_as(admin, 390, javascript=javascript)
    for name in NAV_LINKS + ["People", admin.name]:
        expect(
            page.locator(".site-header").get_by_role("link", name=name, exact=True)
        ).to_be_hidden()
    open_menu(page)
    header = page.locator(".site-header")
    for name in NAV_LINKS + ["People", admin.name]:
        expect_on_screen(page, header.get_by_role("link", name=name, exact=True), name)
    expect_on_screen(page, header.get_by_role("button", name="Sign out"), "Sign out")
    assert too_wide(page) is None
    screenshot(page, f"phone-menu-open-{'htmx' if javascript else 'plain'}")

    # The name is the way to one's account (and password).
    header.get_by_role("link", name=admin.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    # The menu closes on the new page, and opens from the keyboard too.
    expect(header.get_by_role("link", name="Goals", exact=True)).to_be_hidden()
    summary = page.locator(".site-header summary")
    for _ in range(4):  # past a skip link and the brand
        page.keyboard.press("Tab")
        if summary.evaluate("el => el === document.activeElement"):
            break
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    expect(header.get_by_role("link", name="Goals", exact=True)).to_be_visible()
    page.keyboard.press("Space")
    expect(header.get_by_role("link", name="Goals", exact=True)).to_be_hidden()
    open_menu(page)
    header.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Password")).to_be_visible()


def test_on_a_wide_screen_the_header_shows_every_link_without_a_menu(open_as, server):
    admin = person(server, unique("Ada Administrator-Wolstenholme"), is_admin=True)
    for width in (1024, 1280):
        page = open_as(admin, width, height=800)
        header = page.locator(".site-header")
        screenshot(page, f"wide-header-{width}")
        expect(header.locator("summary")).to_be_hidden()
        for name in NAV_LINKS + ["People", admin.name]:
            expect_on_screen(page, header.get_by_role("link", name=name, exact=True), name)
        expect_on_screen(page, header.get_by_role("button", name="Sign out"), "Sign out")
        # One row of links.
        tops = {
            name: header.get_by_role("link", name=name, exact=True).bounding_box()["y"]
            for name in NAV_LINKS + [admin.name]
        }
        assert max(tops.values()) - min(tops.values()) < 4, tops
        assert too_wide(page) is None


def box_of(locator):
    box = locator.bounding_box()
    return round(box["width"]), round(box["height"])


def test_the_meeting_pages_main_controls_are_comfortable_to_tap(open_as, server):
    pair = make_pair(server, unique("Dana Reyes"), unique("Sam Okafor"))
    fill_agenda(server, pair)
    page = open_as(pair.manager, 390, phone=True)
    page.goto(f"/meetings/{pair.meeting_id}")
    controls = {
        "check a talking point": page.get_by_role("button", name="Mark as discussed").first,
        "add a talking point": page.get_by_role("button", name="Add", exact=True),
        "tick an action item": page.get_by_role("button", name="Mark as done").first,
        "add an action item": page.get_by_role("button", name="Add action item"),
        "save the private note": page.get_by_role("button", name="Save private note"),
        "complete the meeting": page.get_by_role("button", name="Complete meeting"),
    }
    small = {
        what: box_of(control) for what, control in controls.items() if min(box_of(control)) < 44
    }
    assert not small, f"smaller than 44×44 px: {small}"


# Every control a finger may aim at, with its size; WCAG 2.5.8 (target size, minimum)
# allows two of its exceptions here, and no others:
# - inline: a link inside a sentence or a line of text (its parent holds text of its
#   own), whose height the text's line-height sets;
# - spacing: an undersized target whose 24 px circle, centred on it, touches no other
#   target and no other undersized target's circle.
# A checkbox or radio is measured with its label, which takes its taps too.
UNDERSIZED = """() => {
  const interactive = ['a[href]', 'button', 'input:not([type=hidden])', 'select', 'textarea',
    'summary', '[role=button]', '[tabindex]:not([tabindex="-1"])'].join(", ");
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    // Out of sight until focused (a skip link, a row's Save): nothing to aim at.
    if (box.width <= 1 || box.height <= 1 || style.visibility === "hidden") return null;
    if (style.clip !== "auto" && style.position === "absolute") return null;
    return box;
  };
  const targetOf = (el) => {
    if (el.matches("input[type=checkbox], input[type=radio]")) {
      const label = el.closest("label")
        || (el.id && document.querySelector(`label[for="${el.id}"]`));
      if (label) return label;
    }
    return el;
  };
  const inline = (el) => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    const parent = el.parentElement;
    return [...parent.childNodes].some((node) => node !== el
      && (node.nodeType === 3
        ? node.textContent.trim()
        : node.tagName !== "A" && node.textContent.trim()));
  };
  const targets = [];
  for (const el of document.querySelectorAll(interactive)) {
    if (el.closest("label") && !el.matches("input, select, textarea")) continue;
    const target = targetOf(el);
    const box = shown(target);
    if (box && !targets.some((t) => t.el === target)) targets.push({el: target, box, source: el});
  }
  const centre = (b) => [b.x + b.width / 2, b.y + b.height / 2];
  const circleTouchesBox = ([cx, cy], b) => {
    const dx = Math.max(b.left - cx, 0, cx - b.right);
    const dy = Math.max(b.top - cy, 0, cy - b.bottom);
    return dx * dx + dy * dy < 144;
  };
  const small = targets.filter((t) => t.box.width < 24 - 0.5 || t.box.height < 24 - 0.5);
  const problems = [];
  for (const t of small) {
    if (inline(t.source)) continue;
    const c = centre(t.box);
    const crowded = targets.some((o) => o !== t && !t.el.contains(o.el) && !o.el.contains(t.el)
      && (circleTouchesBox(c, o.box)
          || (small.includes(o)
              && Math.hypot(c[0] - centre(o.box)[0], c[1] - centre(o.box)[1]) < 24)));
    if (!crowded) continue;
    const source = t.source;
    const name = (source.getAttribute("aria-label") || source.textContent || source.name || "")
      .trim().slice(0, 30);
    const size = `${Math.round(t.box.width)}×${Math.round(t.box.height)}`;
    problems.push(`${source.tagName.toLowerCase()} “${name}” ${size}`);
  }
  return problems;
}"""


def test_no_control_on_the_key_pages_is_too_small_to_tap(open_as, server, company):
    pair = company.pair
    employee = pair.employee.id
    key_pages = {
        pair.manager: [
            "/",
            f"/meetings/{pair.meeting_id}",
            f"/meetings/{pair.earlier_id}",
            "/this-week",
            f"/one-on-ones/{company.ids['pair_id'][0]}",
            f"/people/{employee}/goals",
            f"/goals/{company.ids['goal_id'][0]}",
            f"/people/{employee}/plan",
            f"/people/{employee}/feedback",
            "/account",
        ],
        pair.employee: ["/", f"/meetings/{pair.meeting_id}", "/sharing", "/plan"],
        company.admin: ["/admin/people", "/admin/reporting-lines", "/admin/activity"],
    }
    problems = []
    for user, urls in key_pages.items():
        page = open_as(user, 390, phone=True)
        for url in urls:
            page.goto(url)
            assert page.url.endswith(url), (page.url, url)
            open_menu(page, tap=True)
            problems += [f"{url}: {problem}" for problem in page.evaluate(UNDERSIZED)]
        page.context.close()
    assert not problems, "\n".join(problems)


def test_a_whole_one_on_one_held_from_a_phone(open_as, server):
    pair = make_pair(server, unique("Dana Reyes"), unique("Sam Okafor"))
    page = open_as(pair.manager, 390, phone=True)
    # Home lists the next meeting with each report.
    page.locator(f'a[href="/meetings/{pair.meeting_id}"]').first.tap()
    expect(page.get_by_role("heading", name="Talking points")).to_be_visible()

    field = page.get_by_label("New talking point")
    field.tap()
    field.fill("How is the on-call rota working for you")
    page.get_by_role("button", name="Add", exact=True).tap()
    point = talking_point(page, "How is the on-call rota working for you")
    expect(point).to_be_visible()
    point.get_by_role("button", name="Mark as discussed").tap()
    expect(point.get_by_role("button", name="Discussed — mark as not discussed")).to_be_visible()

    item = page.get_by_label("New action item")
    item.tap()
    item.fill("Swap two on-call weeks")
    page.get_by_label("Owner").select_option(label=pair.employee.name)
    page.get_by_role("button", name="Add action item").tap()
    expect(page.locator("li.action-item", has_text="Swap two on-call weeks")).to_be_visible()

    note = page.get_by_label("My private note")
    note.tap()
    note.fill("Sam sounds tired; check in again next week")
    page.get_by_role("button", name="Save private note").tap()
    expect(page.locator("#private-note").get_by_text("Saved")).to_be_visible()
    assert too_wide(page) is None
    screenshot(page, "phone-meeting-held")

    page.get_by_role("button", name="Complete meeting…").tap()
    confirmation = page.locator("#complete-meeting")
    expect(confirmation).to_contain_text("Complete this meeting?")
    assert too_wide(page) is None
    screenshot(page, "phone-meeting-asking-to-complete")
    complete = confirmation.get_by_role("button", name="Complete meeting", exact=True)
    assert min(box_of(complete)) >= 44
    complete.tap()
    expect(page.locator(".badge.upcoming")).to_be_visible()
    with on_server(server):
        held = Meeting.get_by_id(pair.meeting_id)
        assert held.is_done
        assert held.talking_points[0].discussed
        note = PrivateNote.get(
            PrivateNote.meeting == held.id, PrivateNote.author == pair.manager.id
        )
        assert note.body == "Sam sounds tired; check in again next week"
    expect(page.locator("li.action-item", has_text="Swap two on-call weeks")).to_be_visible()


def test_what_a_meeting_uses_is_on_its_first_screen_on_a_laptop(open_as, server, company):
    page = open_as(company.pair.manager, 1280, height=800)
    page.goto(f"/meetings/{company.pair.meeting_id}")
    expect(page.locator("#goals")).to_be_visible()
    screenshot(page, "meeting-1280")
    for part in ("#talking-points", "#action-items", "#shared-notes", "#private-note"):
        top = page.locator(part).bounding_box()["y"]
        assert top < 800, f"{part} starts at {top:.0f} px, below the first screen"
    # The agenda and the private note side by side, not one under the other.
    agenda, private = (page.locator(p).bounding_box() for p in ("#talking-points", "#private-note"))
    assert private["x"] > agenda["x"] + agenda["width"] / 2


def test_a_long_talking_point_shows_whole_on_a_phone_and_edits_in_place(open_as, company):
    pair = company.pair
    page = open_as(pair.manager, 360, phone=True)
    page.goto(f"/meetings/{pair.meeting_id}")
    point = talking_point(page, AGENDA[0])
    shown = point.locator(".point-shown")
    expect(shown).to_have_text(AGENDA[0])
    expect(shown).to_be_visible()
    assert shown.evaluate("el => el.scrollWidth <= el.clientWidth && el.offsetHeight > 40")
    field = point.get_by_role("textbox", name="Talking point")
    field.tap()
    expect(field).to_be_focused()
    expect(shown).to_be_hidden()
    field.fill("Retention policy: who signs off")
    field.press("Enter")
    expect(
        talking_point(page, "Retention policy: who signs off").locator(".point-shown")
    ).to_have_text("Retention policy: who signs off")


def test_screenshots_of_the_phone_pages(open_as, server, company):
    pair = company.pair
    manager = open_as(pair.manager, 390, phone=True)
    screenshot(manager, "phone-home")
    manager.goto(f"/meetings/{pair.meeting_id}")
    expect(talking_point(manager, AGENDA[0])).to_be_visible()
    screenshot(manager, "phone-meeting")
    open_menu(manager, tap=True)
    screenshot(manager, "phone-meeting-menu-open")
    admin = open_as(company.admin, 390, phone=True)
    admin.goto("/admin/people")
    screenshot(admin, "phone-admin-people")
    admin.goto("/admin/reporting-lines")
    screenshot(admin, "phone-reporting-lines")
    for page in (manager, admin):
        assert too_wide(page) is None
