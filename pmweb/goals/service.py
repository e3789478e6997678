"""The rules of a goal: proposing it, both people agreeing to it, changing its terms
(which asks for agreement again), checking in, and closing it — again by both.

A small state machine:

    proposed --both agree--> agreed --one proposes closing, the other agrees--> achieved | dropped
       ^                        |
       +--- terms changed ------+

Each person acts in a role, ``employee`` or ``manager``, which the caller (the access
policy) establishes. Every change of terms makes a new version, kept in GoalVersion;
an agreement or an edit names the version it was based on, so two people acting at
once never agree to, or overwrite, terms they have not seen.

Functions take their actors and clock explicitly and run in one transaction."""

import dataclasses
import datetime

from pmweb.db import write_transaction
from pmweb.models import CheckIn, Goal, GoalVersion, Milestone, Objective, utcnow

ROLES = ("employee", "manager")
OUTCOMES = ("achieved", "dropped")
CONFIDENCES = tuple(CheckIn.CONFIDENCES)

# A change to any of these asks both people to agree again; the why and the
# objective are context, kept in the versions but agreed as they go.
AGREED_TERMS = ("title", "due", "measure", "unit", "start_value", "target_value", "milestones")

TERM_LABELS = {
    "title": "Title",
    "why": "Why it matters",
    "objective_id": "Objective",
    "due": "Due",
    "measure": "Measure",
    "unit": "Unit",
    "start_value": "Start",
    "target_value": "Target",
    "milestones": "Milestones",
}


class GoalError(Exception):
    """A step the goal's state does not allow; the message says why, for people."""


class StaleGoal(GoalError):
    """The goal changed since the person loaded it; ``goal`` is what it is now."""

    def __init__(self, goal):
        super().__init__("The goal changed while you were looking at it; see what changed.")
        self.goal = goal


@dataclasses.dataclass(frozen=True)
class Terms:
    """What two people agree to. A number goal runs from ``start_value`` to
    ``target_value`` in ``unit``; a milestones goal is done when its milestones are."""

    title: str
    due: datetime.date
    measure: str  # number | milestones
    why: str = ""
    objective_id: int | None = None
    unit: str = ""
    start_value: float | None = None
    target_value: float | None = None
    milestones: tuple[str, ...] = ()

    @classmethod
    def of(cls, goal, milestones):
        return cls._stored(goal, tuple(milestones))

    @classmethod
    def of_version(cls, version):
        return cls._stored(version, tuple(line for line in version.milestones.splitlines() if line))

    @classmethod
    def _stored(cls, row, milestones):
        # A milestones goal stores 0 → how many as its range; its terms are the list.
        number = row.measure == "number"
        return cls(
            title=row.title,
            due=row.due,
            measure=row.measure,
            why=row.why,
            objective_id=row.objective_id,
            unit=row.unit if number else "",
            start_value=row.start_value if number else None,
            target_value=row.target_value if number else None,
            milestones=milestones,
        )

    def goal_fields(self):
        return {
            "title": self.title,
            "why": self.why,
            "objective": self.objective_id,
            "due": self.due,
            "measure": self.measure,
            "unit": self.unit if self.measure == "number" else "",
            "start_value": self.start_value if self.measure == "number" else 0,
            "target_value": (
                self.target_value if self.measure == "number" else float(len(self.milestones))
            ),
        }


def changes(old, new):
    """(label, old, new) for each term that differs between two versions' Terms."""
    return [
        (TERM_LABELS[name], getattr(old, name), getattr(new, name))
        for name in TERM_LABELS
        if getattr(old, name) != getattr(new, name)
    ]


def _agreement_column(role):
    if role not in ROLES:
        raise ValueError(f"role must be employee or manager, not {role!r}")
    return Goal.agreed_by_employee_at if role == "employee" else Goal.agreed_by_manager_at


def _agreement(role, by, now):
    """The columns that record ``by`` agreeing in ``role`` (a manager by name: their
    agreement counts only while they are the manager)."""
    values = {_agreement_column(role).name: now}
    if role == "manager":
        values["manager_who_agreed"] = by
    return values


def waiting_on(goal, manager_id):
    """Whose agreement the current terms still need: ``employee``, ``manager`` or None.
    An agreement given by a former manager does not count."""
    if not goal.agreed_by_employee_at:
        return "employee"
    if not goal.agreed_by_manager_at or goal.manager_who_agreed_id != manager_id:
        return "manager"
    return None


def _other(role):
    return "manager" if role == "employee" else "employee"


def _record_version(goal, terms, written_by):
    GoalVersion.create(
        goal=goal,
        number=goal.version,
        title=terms.title,
        why=terms.why,
        objective=terms.objective_id,
        due=terms.due,
        measure=terms.measure,
        unit=goal.unit,
        start_value=goal.start_value,
        target_value=goal.target_value,
        milestones="\n".join(terms.milestones),
        written_by=written_by,
    )


def _replace_milestones(goal, titles):
    """The goal's milestones become ``titles``. A milestone kept (same title) keeps its
    row, so it stays done if it was, and a check-in form opened earlier still names it."""
    existing = {m.title: m for m in Milestone.select().where(Milestone.goal == goal)}
    for position, title in enumerate(titles, start=1):
        if title in existing:
            Milestone.update(position=position).where(
                Milestone.id == existing.pop(title).id
            ).execute()
        else:
            Milestone.create(goal=goal, title=title, position=position)
    if existing:
        Milestone.delete().where(Milestone.id.in_([m.id for m in existing.values()])).execute()


def milestones_of(goal):
    return list(Milestone.select().where(Milestone.goal == goal).order_by(Milestone.position))


# --- proposing and agreeing ------------------------------------------------------


def propose_goal(employee, proposed_by, role, terms, now=None):
    """A new goal for ``employee``, proposed by one of the two (a user id); the
    proposer agrees to what they propose, the other is asked to."""
    now = now or utcnow()
    with write_transaction():
        goal = Goal.create(
            employee=employee,
            created_by=proposed_by,
            status="proposed",
            version=1,
            **terms.goal_fields(),
            **_agreement(role, proposed_by, now),
        )
        _replace_milestones(goal, terms.milestones)
        _record_version(goal, terms, proposed_by)
        return goal


def agree(goal, role, by, based_on_version, manager_id, now=None):
    """``by``, in ``role``, agrees to the version of the terms they saw. The goal is
    agreed once the employee and ``manager_id`` — their manager now — both have."""
    now = now or utcnow()
    this_version = (Goal.id == goal.id) & (Goal.version == based_on_version)
    with write_transaction():
        # Conditional on the version in the same statement: a change of terms that
        # commits first makes this agreement miss, instead of agreeing to unseen terms.
        agreed = (
            Goal.update(_agreement(role, by, now))
            .where(this_version & (Goal.status == "proposed"))
            .execute()
        )
        if not agreed:
            _refuse(goal, based_on_version, "This goal is not waiting for agreement.")
        Goal.update(status="agreed", last_agreed_version=Goal.version).where(
            this_version
            & (Goal.status == "proposed")
            & Goal.agreed_by_employee_at.is_null(False)
            & Goal.agreed_by_manager_at.is_null(False)
            & (Goal.manager_who_agreed == manager_id)
        ).execute()
        return Goal.get_by_id(goal.id)


def _refuse(goal, based_on_version, reason):
    """Why a conditional update missed: the goal moved on, or its state forbids it."""
    current = Goal.get_by_id(goal.id)
    if current.version != based_on_version:
        raise StaleGoal(current)
    raise GoalError(reason)


def change_terms(goal, role, changed_by, terms, based_on_version, now=None):
    """New terms, as a new version. A change to what was agreed (title, measure,
    target, due date) asks the other person to agree again; the one who changed it
    agrees to their own change. Returns the goal and the changes made."""
    now = now or utcnow()
    with write_transaction():
        goal = Goal.get_by_id(goal.id)
        if goal.version != based_on_version:
            raise StaleGoal(goal)
        if goal.is_closed:
            raise GoalError("A closed goal can no longer be changed.")
        before = Terms.of(goal, [m.title for m in milestones_of(goal)])
        made = changes(before, terms)
        if not made:
            return goal, []
        values = terms.goal_fields() | {"version": goal.version + 1}
        if any(getattr(before, name) != getattr(terms, name) for name in AGREED_TERMS):
            values |= {
                "status": "proposed",
                _agreement_column(_other(role)).name: None,
                "closing_as": None,
                "closing_reason": "",
                "closing_proposed_by": None,
                **_agreement(role, changed_by, now),
            }
        claimed = (
            Goal.update(values)
            .where((Goal.id == goal.id) & (Goal.version == based_on_version))
            .execute()
        )
        if not claimed:
            raise StaleGoal(Goal.get_by_id(goal.id))
        goal = Goal.get_by_id(goal.id)
        _replace_milestones(goal, terms.milestones)
        _record_version(goal, terms, changed_by)
        return goal, made


# --- closing -----------------------------------------------------------------------


def propose_closing(goal, proposed_by, outcome, reason, based_on_version):
    """One of the two proposes to close an agreed goal as achieved or dropped (a
    dropped goal needs its reason); it closes when the other agrees."""
    if outcome not in OUTCOMES:
        raise GoalError("A goal closes as achieved or dropped.")
    if outcome == "dropped" and not reason.strip():
        raise GoalError("Say why the goal is dropped.")
    with write_transaction():
        proposed = (
            Goal.update(
                closing_as=outcome, closing_reason=reason.strip(), closing_proposed_by=proposed_by
            )
            .where(
                (Goal.id == goal.id)
                & (Goal.version == based_on_version)
                & (Goal.status == "agreed")
                & Goal.closing_as.is_null()
            )
            .execute()
        )
        if not proposed:
            _refuse(goal, based_on_version, "Only an agreed goal, not being closed yet, closes.")
        return Goal.get_by_id(goal.id)


def agree_to_close(goal, agreed_by, outcome, based_on_version, manager_id, now=None):
    """The other person agrees to close the goal as the ``outcome`` they were shown.
    A proposal made by a former manager does not count: the new one proposes afresh."""
    now = now or utcnow()
    with write_transaction():
        current = Goal.get_by_id(goal.id)
        if current.closing_proposed_by_id == agreed_by:
            raise GoalError("The other person has to agree to close it.")
        closed = (
            Goal.update(status=Goal.closing_as, closed_at=now)
            .where(
                (Goal.id == goal.id)
                & (Goal.version == based_on_version)
                & (Goal.status == "agreed")
                & (Goal.closing_as == outcome)
                & (Goal.closing_proposed_by != agreed_by)
                & Goal.closing_proposed_by.in_([current.employee_id, manager_id])
            )
            .execute()
        )
        if not closed:
            _refuse(goal, based_on_version, "There is no proposal to close it that way now.")
        return Goal.get_by_id(goal.id)


def withdraw_closing(goal, based_on_version):
    """Either person takes a proposal to close back (or turns it down)."""
    with write_transaction():
        withdrawn = (
            Goal.update(closing_as=None, closing_reason="", closing_proposed_by=None)
            .where(
                (Goal.id == goal.id)
                & (Goal.version == based_on_version)
                & (Goal.status == "agreed")
            )
            .execute()
        )
        if not withdrawn:
            _refuse(goal, based_on_version, "Only an agreed goal's closing can be withdrawn.")
        return Goal.get_by_id(goal.id)


# --- check-ins -----------------------------------------------------------------------


def check_in(goal, author, value, confidence, note="", meeting=None, done_milestones=None):
    """Progress on an agreed goal. For a milestones goal, ``done_milestones`` (ids) are
    the ones done now — None leaves them as they are — and the value is how many."""
    if confidence not in CONFIDENCES:
        raise GoalError("Choose on track, at risk or off track.")
    with write_transaction():
        goal = Goal.get_by_id(goal.id)
        if goal.status != "agreed":
            raise GoalError("Progress is recorded on agreed goals only.")
        if goal.measure == "milestones":
            value = float(_mark_milestones(goal, done_milestones))
        return CheckIn.create(
            goal=goal, author=author, value=value, confidence=confidence, note=note, meeting=meeting
        )


def _mark_milestones(goal, done_ids):
    """Marks the goal's milestones done or not; returns how many are done."""
    done_count = 0
    for milestone in milestones_of(goal):
        was_done = milestone.done_at is not None
        is_done = was_done if done_ids is None else milestone.id in set(done_ids)
        done_count += is_done
        if is_done != was_done:
            Milestone.update(done_at=utcnow() if is_done else None).where(
                Milestone.id == milestone.id
            ).execute()
    return done_count


# --- objectives ----------------------------------------------------------------------


def create_objective(title, period, owner, created_by):
    return Objective.create(title=title, period=period, owner=owner, created_by=created_by)


def change_objective(objective, title, period, owner):
    Objective.update(title=title, period=period, owner=owner).where(
        Objective.id == objective.id
    ).execute()


def archive_objective(objective, now=None):
    """Takes it off the lists; goals aligned to it keep their alignment."""
    Objective.update(archived_at=now or utcnow()).where(Objective.id == objective.id).execute()
