"""Read-side queries of preparation pages. Each takes one-on-ones already scoped by
``pmweb.access`` and never widens what they let the user see."""

import dataclasses
import datetime

from peewee import fn

from pmweb import access
from pmweb.goals import queries as goal_queries
from pmweb.growth import queries as growth_queries
from pmweb.meetings import queries as meeting_queries
from pmweb.meetings import service as meetings
from pmweb.models import ActionItem, Meeting, OneOnOne, Question, TalkingPoint, User
from pmweb.prep.questions import BUILT_IN, THEMES

# Plan steps whose target date is this close count as due.
STEP_DUE_WITHIN = datetime.timedelta(days=14)
QUARTER = datetime.timedelta(days=90)
Owner = User.alias("owner")


def week_of(day):
    """Monday of the week ``day`` is in."""
    return day - datetime.timedelta(days=day.weekday())


def midnight(day):
    return datetime.datetime.combine(day, datetime.time())


@dataclasses.dataclass
class Card:
    """One one-on-one as "This week" shows it to one of its two people."""

    pair: object
    other: object
    is_manager: bool
    today: datetime.date  # in the pair's own time zone
    meeting: object  # the next meeting from today on
    window: list  # the pair's meetings this week and next, any status
    lapsed: list  # meetings before today nobody completed or skipped
    carried: list
    added: list
    items: list
    goals_due: list | None  # None: not shown to this person
    steps_due: list | None
    private_note: object
    last_held: object
    note_conflict: dict | None = None
    # Shown as its name and next meeting only, until it comes into view.
    folded: bool = False

    @property
    def prepared(self):
        """Who added a talking point of their own to the next meeting."""
        return {point.author_id for point in self.added}


def open_meetings_of(pairs):
    """{meeting id: its one-on-one's id} for every meeting of ``pairs`` (a scoped
    query from access) that is neither held nor skipped."""
    return dict(
        Meeting.select(Meeting.id, Meeting.one_on_one)
        .where(Meeting.one_on_one.in_(pairs.select(OneOnOne.id)) & (Meeting.status == "upcoming"))
        .tuples()
    )


def week_cards(user, pairs, unfolded=None, keep_open=()):
    """A card per pair (scoped by access, the user in each), the soonest meeting
    first. A fixed number of queries, plus the goals and plan steps of each card shown
    whole: the first ``unfolded`` (all when None) and those of ``keep_open``; the
    others are folded, to be fetched as they come into view."""
    if not pairs:
        return []
    ids = [pair.id for pair in pairs]
    today_of = meetings.local_dates(pairs)
    earliest_week = midnight(week_of(min(today_of.values())))
    points = TalkingPoint.select(fn.COUNT(TalkingPoint.id)).where(
        TalkingPoint.meeting == Meeting.id
    )
    by_pair = {pair_id: [] for pair_id in ids}
    for meeting in (
        Meeting.select(Meeting, points.alias("point_count"))
        .where(
            Meeting.one_on_one.in_(ids)
            & ((Meeting.status == "upcoming") | (Meeting.scheduled_for >= earliest_week))
        )
        .order_by(Meeting.scheduled_for)
    ):
        by_pair[meeting.one_on_one_id].append(meeting)
    next_meetings = {}
    for pair in pairs:
        from_today = midnight(today_of[pair.id])
        coming = [
            m for m in by_pair[pair.id] if m.status == "upcoming" and m.scheduled_for >= from_today
        ]
        if coming:
            next_meetings[pair.id] = coming[0]
    next_ids = [meeting.id for meeting in next_meetings.values()]
    agendas = _agendas(next_ids)
    notes = {note.meeting_id: note for note in access.private_notes_of(user, next_ids)}
    last_held = _last_held(ids)
    items = open_action_items(ids, today_of)
    sinces = access.growth_sinces_of_listed_one_on_ones(user, pairs)
    cards = []
    for pair in pairs:
        today = today_of[pair.id]
        start = midnight(week_of(today))
        meeting = next_meetings.get(pair.id)
        agenda = agendas.get(meeting.id, []) if meeting else []
        cards.append(
            Card(
                pair=pair,
                other=pair.other(user),
                is_manager=pair.manager_id == user.id,
                today=today,
                meeting=meeting,
                window=[
                    m
                    for m in by_pair[pair.id]
                    if start <= m.scheduled_for < start + datetime.timedelta(days=14)
                ],
                lapsed=[
                    m
                    for m in by_pair[pair.id]
                    if m.status == "upcoming" and m.scheduled_for < midnight(today)
                ],
                carried=[point for point in agenda if point.from_date is not None],
                added=[point for point in agenda if point.from_date is None],
                items=items.get(pair.id, []),
                goals_due=None,
                steps_due=None,
                private_note=notes.get(meeting.id) if meeting else None,
                last_held=last_held.get(pair.id),
            )
        )
    far = datetime.datetime.max
    cards.sort(key=lambda card: card.meeting.scheduled_for if card.meeting else far)
    for position, card in enumerate(cards):
        if unfolded is not None and position >= unfolded and card.pair.id not in keep_open:
            card.folded = True
    _add_goals_and_steps_due([card for card in cards if not card.folded], sinces)
    return cards


def _add_goals_and_steps_due(cards, sinces):
    """Each card's agreed goals with no check-in since the pair last met, and the plan
    steps still open whose target date is past or near: two queries for all cards,
    each employee's read from what ``sinces`` lets the user see."""
    shown = [card for card in cards if sinces[card.pair.id]]
    # An employee has one current reporting line, so one card of the user's week.
    since_of = {card.pair.employee_id: sinces[card.pair.id] for card in shown}
    goals = goal_queries.agreed_goals_by_employee(
        {employee_id: since.goals for employee_id, since in since_of.items()}
    )
    steps = growth_queries.steps_by_employee(
        {employee_id: (since.plan, since.goals) for employee_id, since in since_of.items()}
    )
    for card in shown:
        employee_id = card.pair.employee_id
        card.goals_due = [
            goal
            for goal in goals[employee_id]
            if goal.latest is None
            or (card.last_held is not None and goal.latest.created_at < card.last_held)
        ]
        card.steps_due = [
            step
            for step in steps[employee_id]
            if step.status in ("planned", "in_progress")
            and step.target_date is not None
            and step.target_date <= card.today + STEP_DUE_WITHIN
        ]


def _agendas(meeting_ids):
    """{meeting id: its talking points in order (``AgendaPoint``)}, in one query."""
    agendas = {meeting_id: [] for meeting_id in meeting_ids}
    if meeting_ids:
        query = meeting_queries.agenda_query().where(TalkingPoint.meeting.in_(meeting_ids))
        for *row, meeting_id in query.select_extend(TalkingPoint.meeting).tuples():
            agendas[meeting_id].append(meeting_queries.AgendaPoint(*row))
    return agendas


def _last_held(pair_ids):
    held = (
        Meeting.select(Meeting.one_on_one, fn.MAX(Meeting.completed_at))
        .where(Meeting.one_on_one.in_(pair_ids) & (Meeting.status == "done"))
        .group_by(Meeting.one_on_one)
        .tuples()
    )
    return {pair_id: Meeting.completed_at.python_value(at) for pair_id, at in held}


def open_action_items(pair_ids, today_of):
    """{pair id: its open action items, overdue first, then by due date}."""
    found = {pair_id: [] for pair_id in pair_ids}
    for item in (
        ActionItem.select(ActionItem, Owner)
        .join(Owner, on=(ActionItem.owner == Owner.id))
        .where(ActionItem.one_on_one.in_(pair_ids) & ActionItem.done_at.is_null())
        .order_by(ActionItem.due.is_null(), ActionItem.due, ActionItem.id)
    ):
        found[item.one_on_one_id].append(item)
    return {
        pair_id: sorted(items, key=lambda item: not item.is_overdue(today_of[pair_id]))
        for pair_id, items in found.items()
    }


def built_in_bank():
    """The questions pmweb comes with, by theme: [(theme, label, [text])]."""
    return [(theme, label, BUILT_IN[theme]) for theme, label in THEMES.items()]


def question_bank(user):
    """The built-in questions with the user's own first, by theme: [(theme, label, [text])]."""
    own = {}
    for question in Question.select().where(Question.owner == user.id).order_by(Question.id):
        own.setdefault(question.theme, []).append(question.text)
    return [(theme, label, own.get(theme, []) + texts) for theme, label, texts in built_in_bank()]


def own_questions(user):
    return list(
        Question.select().where(Question.owner == user.id).order_by(Question.theme, Question.id)
    )


@dataclasses.dataclass
class TeamRow:
    """One report in a manager's overview: numbers only, never content."""

    pair: object
    today: datetime.date  # in the pair's own time zone
    last_held_on: datetime.date | None
    skipped: int
    not_held: int
    open_items: int
    overdue_items: int

    @property
    def days_since_last(self):
        return (self.today - self.last_held_on).days if self.last_held_on else None


def team_numbers(pairs, today):
    """For each of the manager's current one-on-ones, in five grouped queries. The last
    quarter ends at ``today``; days since the last meeting and overdue items go by each
    pair's own date."""
    ids = [pair.id for pair in pairs]
    if not ids:
        return []
    quarter_start = midnight(today - QUARTER)

    def per_pair(query):
        return dict(query.group_by(Meeting.one_on_one).tuples())

    last_held = per_pair(
        Meeting.select(Meeting.one_on_one, fn.MAX(Meeting.scheduled_for)).where(
            Meeting.one_on_one.in_(ids) & (Meeting.status == "done")
        )
    )
    in_quarter = Meeting.one_on_one.in_(ids) & Meeting.scheduled_for.between(
        quarter_start, midnight(today)
    )
    # Skipped in the quarter: the skip happened then, whenever the meeting was due.
    skipped = per_pair(
        Meeting.select(Meeting.one_on_one, fn.COUNT(Meeting.id)).where(
            Meeting.one_on_one.in_(ids)
            & (Meeting.status == "skipped")
            & (Meeting.skipped_at >= quarter_start)
        )
    )
    not_held = per_pair(
        Meeting.select(Meeting.one_on_one, fn.COUNT(Meeting.id)).where(
            in_quarter & (Meeting.status == "upcoming")
        )
    )
    open_items = dict(
        ActionItem.select(ActionItem.one_on_one, fn.COUNT(ActionItem.id))
        .where(ActionItem.one_on_one.in_(ids) & ActionItem.done_at.is_null())
        .group_by(ActionItem.one_on_one)
        .tuples()
    )
    today_of = meetings.local_dates(pairs)
    overdue = meeting_queries.overdue_counts(today_of)
    return [
        TeamRow(
            pair=pair,
            today=today_of[pair.id],
            last_held_on=(
                Meeting.scheduled_for.python_value(last_held[pair.id]).date()
                if pair.id in last_held
                else None
            ),
            skipped=skipped.get(pair.id, 0),
            not_held=not_held.get(pair.id, 0),
            open_items=open_items.get(pair.id, 0),
            overdue_items=overdue.get(pair.id, 0),
        )
        for pair in pairs
    ]
