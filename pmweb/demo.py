"""The demo company: seven people, three one-on-ones with about three months of weekly
meetings each, and goals with their check-ins and objectives — built through the same
rules the app uses: points not discussed are carried forward by completing the
meeting, goals are proposed and agreed by both, exactly as in real use."""

import dataclasses
import datetime
import sys

import click

from pmweb.db import with_connection, write_transaction
from pmweb.goals import service as goals
from pmweb.goals.service import Terms
from pmweb.growth import service as growth
from pmweb.meetings import service as meetings
from pmweb.models import (
    ActionItem,
    CheckIn,
    Goal,
    GoalVersion,
    Handoff,
    Meeting,
    OneOnOne,
    User,
)
from pmweb.org import service as org
from pmweb.prep import service as prep

PASSWORD = "demo-pass-1234"
WEEKS = 13

PEOPLE = [
    # email, name, administrator
    ("admin@example.com", "Ada Osei", True),
    ("dana@example.com", "Dana Reyes", False),
    ("sam@example.com", "Sam Okafor", False),
    ("lee@example.com", "Lee Park", False),
    ("priya@example.com", "Priya Natarajan", False),
    ("alex@example.com", "Alex Kim", False),
    ("hana@example.com", "Hana Berg", False),
]


@dataclasses.dataclass
class Week:
    """One meeting's content. Points are (by, text) with by "m" (manager) or "e"
    (employee); a point in ``open_points`` is not discussed and carries forward."""

    points: list
    notes: str = ""
    open_points: tuple = ()
    private: dict = dataclasses.field(default_factory=dict)
    # (owner "m"/"e", text, due in days from the meeting or None, done after n weeks or None)
    actions: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Pair:
    manager: str
    employee: str
    weekday: int
    time_of_day: datetime.time
    weeks: list
    upcoming: list  # points already on the next meeting's agenda
    # The meeting after next is skipped (a holiday): its agenda moves on.
    skips_the_one_after: bool = False


SAM = Pair(
    "dana@example.com",
    "sam@example.com",
    weekday=1,
    time_of_day=datetime.time(10, 0),
    weeks=[
        Week(
            [
                ("e", "Payments API migration: plan for the cut-over"),
                ("m", "On-call load this quarter"),
            ],
            "Cut-over planned in three phases, read traffic first. On-call: Sam had 4 pages last "
            "week, mostly the flaky health check.",
            actions=[
                ("e", "Write the cut-over plan as an RFC", 10, 2),
                ("m", "Ask SRE about the health-check alert", 5, 1),
            ],
            private={"m": "Sam seems tired. Check in on on-call again next week."},
        ),
        Week(
            [
                ("m", "Feedback on the incident review you ran"),
                ("e", "Tech lead path: what would it take?"),
            ],
            "Incident review was clear and blameless; next time send the timeline before the "
            "call. Tech lead: Dana to share the expectations doc; Sam to pick one cross-team "
            "piece of work.",
            actions=[("m", "Share the tech lead expectations doc", 3, 1)],
            private={"e": "Ask about the promotion timeline without sounding pushy."},
        ),
        Week(
            [
                ("e", "RFC review comments"),
                ("e", "Conference talk proposal (PyCon)"),
                ("m", "Hiring loop: can you interview on Thursdays?"),
            ],
            "Two RFC comments need a decision: dual writes vs. backfill. Talk proposal deadline is "
            "end of month.",
            open_points=("Conference talk proposal (PyCon)",),
            actions=[("e", "Draft the talk abstract", 14, 3)],
        ),
        Week(
            [("e", "Dual writes or backfill?"), ("m", "Quarterly goals check")],
            "Going with dual writes behind a flag; backfill only for the 2% of legacy accounts.",
            actions=[("e", "Add the dual-write flag and dashboards", 12, 3)],
        ),
        Week(
            [
                ("e", "Feeling stretched between migration and support rota"),
                ("m", "Recognition: the flag rollout"),
            ],
            "Sam is covering two support shifts because of leave. Dana will move one to Lee. "
            "Rollout of the flag went without a single error.",
            actions=[("m", "Rebalance the support rota", 4, 1)],
            private={"m": "Watch for burnout. Protect Sam's focus days."},
        ),
        Week(
            [
                ("e", "Mentoring Lee on the API code"),
                ("m", "Cross-team piece of work: data retention"),
            ],
            "Sam pairs with Lee twice a week. Data retention work starts after the cut-over.",
            open_points=("Cross-team piece of work: data retention",),
        ),
        Week(
            [("e", "Cut-over dry run results"), ("m", "Your calendar: too many meetings?")],
            "Dry run: 11 minutes of degraded reads, root cause is the cache warm-up. Sam declines "
            "the optional architecture sync from now on.",
            actions=[("e", "Pre-warm the cache before cut-over", 7, 2)],
        ),
        Week(
            [
                ("m", "Feedback from the platform team"),
                ("e", "Training budget: distributed systems course"),
            ],
            "Platform team praised the RFC. Course approved; Sam takes it in the quiet weeks of "
            "December.",
            actions=[("m", "Approve the course in the training tool", 5, None)],
        ),
        Week(
            [("e", "Cut-over happened!"), ("e", "Post-cut-over clean-up list")],
            "Cut-over done with zero customer impact. Clean-up list has 9 items; Sam keeps 4.",
            actions=[("e", "Remove the legacy payment client", 21, None)],
            private={"e": "Proud of this one. Mention it in the promotion case."},
        ),
        Week(
            [("m", "Promotion case: start writing it together"), ("e", "Data retention kick-off")],
            "Promotion case outline agreed: migration, incident review, mentoring Lee.",
            open_points=("Data retention kick-off",),
            actions=[("e", "First draft of the promotion case", 14, None)],
        ),
        Week(
            [
                ("e", "Holiday plans: two weeks in January"),
                ("m", "Who covers on-call while you're away?"),
            ],
            "Sam off 5–16 January. Lee covers on-call with Dana as backup.",
        ),
        Week(
            [("m", "How did the talk abstract land?"), ("e", "Support rota is back to normal")],
            "Abstract submitted. Rota back to one shift a week.",
        ),
        Week(
            [("e", "Promotion case draft: feedback please"), ("m", "Team offsite agenda")],
            "Dana left comments on the draft; biggest gap is evidence of cross-team influence.",
            open_points=("Team offsite agenda",),
        ),
    ],
    upcoming=[("e", "Retention policy: which tables first?"), ("m", "Next quarter's goals")],
)

LEE = Pair(
    "dana@example.com",
    "lee@example.com",
    weekday=3,
    time_of_day=datetime.time(14, 30),
    weeks=[
        Week(
            [("m", "First month: how is it going?"), ("e", "Access to the staging environment")],
            "Lee settling in well. Staging access still missing.",
            actions=[("m", "Chase IT for staging access", 2, 1)],
        ),
        Week(
            [("e", "Questions about the code review process"), ("m", "Pairing with Sam")],
            "Reviews: small PRs, one approval, author merges. Pairing set up twice a week.",
            private={"e": "I'm slower than I expected. Is that normal?"},
        ),
        Week(
            [("e", "First bug fix shipped"), ("m", "Goals for the first quarter")],
            "Shipped the invoice rounding fix. Drafted three goals: ship a feature end to end, "
            "own one on-call week, write one design doc.",
            actions=[("e", "Write up the three goals", 7, 1)],
        ),
        Week(
            [
                ("e", "Frontend tests are flaky"),
                ("m", "Feedback: your PR descriptions are excellent"),
            ],
            "Flaky tests: Lee to collect the worst five.",
            actions=[("e", "List the five flakiest tests", 7, 2)],
        ),
        Week(
            [("e", "Workload: picked up an extra support shift"), ("m", "Learning plan")],
            "Lee took a support shift from Sam; fine for now, review in two weeks.",
            open_points=("Learning plan",),
            private={"m": "Lee is quiet in team meetings. Give them the retro to run."},
        ),
        Week(
            [("e", "Flaky tests: the list"), ("m", "Running the next retro?")],
            "Three of five flaky tests share one fixture. Lee will run the next retro.",
            actions=[("e", "Fix the shared fixture", 10, 2)],
        ),
        Week(
            [
                ("e", "Design doc: export to CSV"),
                ("m", "How are you finding the on-call shadowing?"),
            ],
            "Design doc draft ready for review. Shadowing is useful but nights are hard.",
            actions=[("m", "Review the export design doc", 3, 1)],
        ),
        Week(
            [("e", "Retro went well?"), ("m", "Design doc comments")],
            "Retro: team liked the format. Doc approved with small changes.",
        ),
        Week(
            [("e", "Export feature: estimate"), ("m", "Conference budget")],
            "Estimate 3 weeks. Budget for one conference next year.",
            open_points=("Conference budget",),
            actions=[("e", "Break the export feature into tickets", 5, 1)],
        ),
        Week(
            [
                ("e", "Covering on-call while Sam is away"),
                ("m", "Checking in: how are you, really?"),
            ],
            "Lee is nervous about covering on-call alone; Dana is the backup for every night.",
            private={"e": "Honestly a bit anxious about on-call."},
        ),
        Week(
            [("e", "Export feature: half done"), ("m", "Feedback from Sam on the pairing")],
            "On track. Sam says Lee now leads most pairing sessions.",
            actions=[("e", "Demo the export feature at the team meeting", 9, None)],
        ),
        Week(
            [
                ("m", "Mid-year check on the three goals"),
                ("e", "Want to learn more about databases"),
            ],
            "Two of three goals on track; on-call week still to come.",
            actions=[("m", "Find a database course for Lee", -5, None)],
        ),
        Week(
            [("e", "Export feature: edge cases"), ("m", "Holiday cover plan")],
            "Edge cases: empty exports and very large ones. Holiday cover agreed.",
            open_points=("Export feature: edge cases",),
        ),
    ],
    upcoming=[("e", "Large export timeouts")],
)

ALEX = Pair(
    "priya@example.com",
    "alex@example.com",
    weekday=0,
    time_of_day=datetime.time(9, 30),
    weeks=[
        Week(
            [("e", "Churn dashboard: which metrics?"), ("m", "Stakeholder map for the sales team")],
            "Churn: logo churn and net revenue retention first. Alex to meet the sales leads.",
            actions=[("e", "Book time with the sales leads", 5, 1)],
        ),
        Week(
            [("e", "Sales leads want weekly numbers"), ("m", "Saying no to ad-hoc requests")],
            "Weekly numbers via a scheduled report rather than ad-hoc requests.",
            private={"m": "Alex takes on every request. Coach on prioritisation."},
        ),
        Week(
            [
                ("e", "Data quality issues in the CRM export"),
                ("m", "Career: analyst to senior analyst"),
            ],
            "About 3% of accounts have no region. Senior analyst expectations shared.",
            actions=[("e", "Raise the CRM data quality issue with RevOps", 7, 2)],
        ),
        Week(
            [("e", "Dashboard v1 ready for feedback"), ("m", "Presenting at the all-hands?")],
            "v1 looks good; add cohort view. Alex will present in two weeks.",
            actions=[("e", "Add the cohort view", 10, 2)],
        ),
        Week(
            [("e", "Nervous about presenting"), ("m", "Feedback on your SQL style guide")],
            "Dry run planned for Friday. Style guide adopted by the team.",
            private={"e": "Practice the all-hands talk twice."},
        ),
        Week(
            [
                ("m", "All-hands went really well"),
                ("e", "Next project: pricing experiment analysis"),
            ],
            "Great questions from the CEO. Pricing analysis starts next sprint.",
            open_points=("Next project: pricing experiment analysis",),
        ),
        Week(
            [
                ("e", "Working hours: can I shift to 8–4?"),
                ("m", "Team priorities for next quarter"),
            ],
            "8–4 is fine; standup moves to 9:15.",
            actions=[("m", "Move standup to 9:15", 2, 1)],
        ),
        Week(
            [("e", "Pricing experiment: sample size worries"), ("m", "Mentor outside the team?")],
            "Sample too small for the enterprise tier; analyse SMB only. Priya suggests a mentor "
            "from the finance analytics team.",
            actions=[("m", "Introduce Alex to a mentor in finance analytics", 10, None)],
        ),
        Week(
            [("e", "Pricing results: early read"), ("m", "Feedback: written updates are clear")],
            "Early read: +4% conversion on the middle plan, not significant yet.",
        ),
        Week(
            [
                ("e", "RevOps still hasn't fixed the region field"),
                ("m", "Escalate or work around?"),
            ],
            "Work around with a mapping table for now; Priya escalates.",
            actions=[("m", "Escalate the CRM region field to the RevOps lead", 4, None)],
            open_points=("Escalate or work around?",),
        ),
        Week(
            [("e", "Promotion: what's missing?"), ("m", "Self-review draft")],
            "Missing: leading an analysis end to end with a decision at the end. The pricing work "
            "can be that.",
            actions=[("e", "Write the self-review draft", 14, None)],
        ),
        Week(
            [("m", "How are you feeling about workload?"), ("e", "Learning dbt")],
            "Workload fine. dbt course approved.",
        ),
        Week(
            [("e", "Pricing final recommendation"), ("m", "Who should hear it first?")],
            "Recommendation: keep the new middle plan. Present to the pricing council first.",
            open_points=("Who should hear it first?",),
            actions=[("e", "Book the pricing council slot", 6, None)],
        ),
    ],
    upcoming=[("e", "Self-review: feedback please")],
    skips_the_one_after=True,
)

PAIRS = [SAM, LEE, ALEX]

# Questions Dana keeps in her own bank, beside the built-in ones.
OWN_QUESTIONS = {
    "dana@example.com": [
        ("wellbeing", "How was on-call this week?"),
        ("career", "Which talk or post would you like to give this quarter?"),
    ],
}

OBJECTIVES = [
    # (title, period, owner)
    ("Customers onboard themselves in a day", "2027 H1", "dana@example.com"),
    ("Fewer pages at night", "2027 H1", "priya@example.com"),
]

# (employee, proposed by "m"/"e", terms, objective index or None, check-ins as
#  (weeks after the start, value, confidence, note), state: agreed | proposed | changed)
GOALS = [
    (
        "sam@example.com",
        "e",
        {
            "title": "Raise the onboarding NPS",
            "measure": "number",
            "unit": "NPS",
            "start_value": 32.0,
            "target_value": 45.0,
            "days": 150,
            "why": "New customers who struggle in week one leave in month three.",
        },
        0,
        [
            (2, 33, "on_track", "Survey live"),
            (5, 36, "on_track", "Checklist shipped"),
            (8, 37, "at_risk", "Response rate dropped"),
            (11, 38, "at_risk", ""),
        ],
        "agreed",
    ),
    (
        "sam@example.com",
        "m",
        {
            "title": "Retire the legacy payment client",
            "measure": "milestones",
            "milestones": ("Inventory the callers", "Migrate the checkout", "Switch off"),
            "days": 130,
            "why": "Two clients mean two sets of bugs.",
        },
        None,
        [(4, None, "on_track", "Inventory done")],
        "agreed",
    ),
    (
        "sam@example.com",
        "e",
        {
            "title": "Present at the engineering all-hands",
            "measure": "number",
            "unit": "talks",
            "start_value": 0.0,
            "target_value": 1.0,
            "days": 150,
            "why": "Practice explaining the platform work to everyone.",
        },
        None,
        [],
        "changed",
    ),
    (
        "lee@example.com",
        "e",
        {
            "title": "Cut the support backlog",
            "measure": "number",
            "unit": "tickets",
            "start_value": 120.0,
            "target_value": 40.0,
            "days": 120,
            "why": "",
        },
        0,
        [(3, 104, "on_track", ""), (9, 82, "on_track", "Macro library helped")],
        "agreed",
    ),
    (
        "alex@example.com",
        "m",
        {
            "title": "Halve the night pages",
            "measure": "number",
            "unit": "pages a month",
            "start_value": 18.0,
            "target_value": 9.0,
            "days": 120,
            "why": "",
        },
        1,
        [(6, 14, "on_track", "Alert review")],
        "agreed",
    ),
]


# Each employee's development plan: texts, steps (kind, title, weeks from today,
# status), feedback (from m(anager) or e(mployee), kind, text, weeks ago, win), wins.
PLANS = {
    "sam@example.com": {
        "aspiration": "Lead a small product team within two years — owning a customer "
        "problem end to end, from discovery to the numbers after launch.",
        "strengths": "- Calm and clear in incidents\n- Customers trust him: NPS interviews "
        "are his best source of ideas\n- Writes crisp RFCs",
        "growth_areas": "- **Delegation**: still picks up the hard tickets himself\n"
        "- Presenting to leadership without over-preparing",
        "steps": [
            ("stretch", "Run the Q1 onboarding discovery sprint", 6, "in_progress"),
            ("training", "Finish the product management course", 10, "planned"),
            (
                "mentoring",
                "Monthly sessions with Priya on leading through others",
                12,
                "in_progress",
            ),
            ("reading", "Read Inspired (Marty Cagan)", -2, "done"),
        ],
        "feedback": [
            (
                "m",
                "praise",
                "The onboarding interviews were **excellent** — five customers, "
                "clear themes, and the team knew what to build next.",
                3,
                "Ran five onboarding interviews that set the Q1 plan",
            ),
            (
                "e",
                "suggestion",
                "Could we move our 1:1 agenda prep to Monday? Thursday "
                "mornings are when I'm deepest in work.",
                2,
                "",
            ),
            (
                "m",
                "suggestion",
                "In the roadmap review, lead with the customer problem, "
                "then the solution — the numbers land better that way.",
                1,
                "",
            ),
        ],
        "wins": [("Cut onboarding time from 9 days to 4 for the pilot customers", 5)],
    },
    "lee@example.com": {
        "aspiration": "Become the team's go-to person for reliability, then a staff engineer.",
        "strengths": "- Thorough code reviews\n- Patient teacher for new joiners",
        "growth_areas": "- Saying no to side requests\n- Writing design docs earlier",
        "steps": [
            ("skill", "Own the alerting review end to end", 4, "in_progress"),
            ("training", "SRE fundamentals course", 8, "planned"),
        ],
        "feedback": [
            (
                "m",
                "praise",
                "Your pairing with the new joiners made their first month "
                "much smoother. Thank you.",
                2,
                "",
            ),
        ],
        "wins": [("Brought night pages down from 18 to 14 a month", 3)],
    },
}


def seed(today=None, timezone="Europe/London"):
    """Creates the demo company; the newest meetings are in the week of ``today``."""
    today = today or datetime.date.today()
    with write_transaction():
        people = {}
        for email, name, is_admin in PEOPLE:
            people[email] = org.create_user(email, name, password=PASSWORD, is_admin=is_admin)
        for pair in PAIRS:
            _seed_pair(pair, people, today, timezone)
        for email, questions in OWN_QUESTIONS.items():
            for theme, text in questions:
                prep.add_question(people[email].id, theme, text)
        _seed_goals(people, today)
        _seed_plans(people, today)
    return people


def _seed_plans(people, today):
    for employee_email, plan in PLANS.items():
        employee = people[employee_email]
        manager = people[next(p.manager for p in PAIRS if p.employee == employee_email)]
        texts = {name: plan[name] for name in growth.PLAN_FIELDS}
        growth.save_plan(employee.id, employee.id, texts, 0)
        for kind, title, weeks, status in plan["steps"]:
            terms = growth.StepTerms(
                kind=kind,
                title=title,
                target_date=today + datetime.timedelta(weeks=weeks),
                status=status,
            )
            growth.add_step(employee.id, manager.id if kind == "stretch" else employee.id, terms)
        for by, kind, body, weeks_ago, win in plan["feedback"]:
            giver, receiver = (manager, employee) if by == "m" else (employee, manager)
            sent = datetime.datetime.combine(
                today - datetime.timedelta(weeks=weeks_ago), datetime.time(15)
            )
            growth.write_feedback(
                employee.id,
                giver.id,
                receiver.id,
                growth.FeedbackTerms(kind, body, win_title=win),
                send=True,
                now=sent,
            )
        for title, weeks_ago in plan["wins"]:
            growth.record_win(
                employee.id,
                employee.id,
                title,
                achieved_on=today - datetime.timedelta(weeks=weeks_ago),
            )


def _seed_goals(people, today):
    first_day = today - datetime.timedelta(weeks=WEEKS)
    objectives = [
        goals.create_objective(title, period, people[owner], people[owner])
        for title, period, owner in OBJECTIVES
    ]
    for employee_email, by, spec, objective, check_ins, state in GOALS:
        employee = people[employee_email]
        manager = people[next(p.manager for p in PAIRS if p.employee == employee_email)]
        who = {"m": (manager, "manager"), "e": (employee, "employee")}
        spec = dict(spec)
        terms = Terms(
            due=first_day + datetime.timedelta(days=spec.pop("days")),
            objective_id=objectives[objective].id if objective is not None else None,
            **spec,
        )
        author, role = who[by]
        goal = goals.propose_goal(employee, author, role, terms)
        Goal.update(created_at=first_day).where(Goal.id == goal.id).execute()
        GoalVersion.update(written_at=first_day).where(GoalVersion.goal == goal.id).execute()
        other, other_role = who["e" if by == "m" else "m"]
        if state == "changed":
            # The other person raised the bar; the proposer is asked to agree again.
            goals.change_terms(
                goal, other_role, other, dataclasses.replace(terms, target_value=2.0), 1
            )
            continue
        goals.agree(goal, other_role, other.id, 1, manager.id)
        milestones = goals.milestones_of(goal)
        for weeks_in, value, confidence, note in check_ins:
            done = [m.id for m in milestones[: len(milestones) // 2 + 1]] if value is None else None
            check_in = goals.check_in(goal, employee, value, confidence, note, done_milestones=done)
            when = datetime.datetime.combine(
                first_day + datetime.timedelta(weeks=weeks_in), datetime.time(11)
            )
            CheckIn.update(created_at=when).where(CheckIn.id == check_in.id).execute()


def _seed_pair(pair, people, today, timezone):
    manager, employee = people[pair.manager], people[pair.employee]
    who = {"m": manager, "e": employee}
    first_day = today - datetime.timedelta(weeks=WEEKS)
    OneOnOne.create(
        manager=manager,
        employee=employee,
        timezone=timezone,
        weekday=pair.weekday,
        time_of_day=pair.time_of_day,
    )
    start = datetime.datetime.combine(first_day, datetime.time(0, 0))
    space = meetings.open_one_on_one(manager, employee, timezone, now=start)
    line = org.start_reporting_line(
        manager, employee, first_day - datetime.timedelta(days=90), timezone, now=start
    )
    # The demo's pairs have worked together since before anything it writes: what they
    # wrote (dated in the past) is theirs, not an earlier manager's.
    Handoff.update(
        content_since=datetime.datetime.combine(line.starts_on, datetime.time()), decided_at=start
    ).where(Handoff.line == line.id).execute()
    meeting = space.meetings.order_by(Meeting.scheduled_for).first()
    done_later = []  # (meeting index when done, item)
    for index, week in enumerate(pair.weeks):
        for item_index, item in list(done_later):
            if item_index == index:
                meetings.set_action_item_done(item, True, meeting, now=meeting.scheduled_for)
        for point in _agenda(meeting):
            meetings.set_discussed(point, point.text not in week.open_points)
        for by, text in week.points:
            point = meetings.add_talking_point(meeting, who[by].id, text)
            meetings.set_discussed(point, text not in week.open_points)
        meetings.save_shared_notes(meeting, week.notes, meeting.shared_notes_version)
        for by, body in week.private.items():
            meetings.save_private_note(meeting, who[by].id, body)
        for owner, text, due_in, done_after in week.actions:
            due = meeting.scheduled_for.date() + datetime.timedelta(days=due_in) if due_in else None
            item = meetings.add_action_item(meeting, manager.id, who[owner].id, text, due)
            ActionItem.update(created_at=meeting.scheduled_for).where(
                ActionItem.id == item.id
            ).execute()
            if done_after:
                done_later.append((index + done_after, item))
        completed_by = employee if index % 2 else manager
        following = meetings.complete_meeting(meeting, completed_by, now=meeting.scheduled_for)
        Meeting.update(completed_at=meeting.scheduled_for + datetime.timedelta(minutes=30)).where(
            Meeting.id == meeting.id
        ).execute()
        meeting = following
    for by, text in pair.upcoming:
        meetings.add_talking_point(meeting, who[by].id, text)
    now = meetings.local_now(space)
    meetings.plan_ahead(space, now)
    if pair.skips_the_one_after:
        following = meetings.next_meeting_after(meeting, now)
        meetings.add_talking_point(following, who["m"].id, "Pricing council follow-up")
        meetings.skip_meeting(following, manager.id, now)


def _agenda(meeting):
    """The points already on a meeting when it starts: those carried into it."""
    return list(meeting.talking_points)


def register_cli(app):
    @app.cli.command("demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing if anyone has an account.")
    @with_connection
    def demo_command(if_empty):
        """Seed the demo company (password demo-pass-1234 for everyone)."""
        if User.select().exists():
            if if_empty:
                click.echo("The database already has accounts; the demo company was not added.")
                return
            click.echo("Error: the database already has accounts. Use an empty one.", err=True)
            sys.exit(1)
        seed(timezone=app.config["DEFAULT_TIMEZONE"])
        click.echo(f"Demo company ready. Every account's password is {PASSWORD}:")
        for email, name, is_admin in PEOPLE:
            click.echo(f"  {email:<20} {name}{' (administrator)' if is_admin else ''}")
