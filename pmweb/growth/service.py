"""The rules of growth: a development plan both people edit with every change kept,
its steps, feedback drafted privately and sent when ready (corrected afterwards only
in the open), and wins.

Functions take their actors and clock explicitly and run in one transaction."""

import dataclasses
import datetime

from peewee import IntegrityError

from pmweb.db import PreparedQuery, write_transaction
from pmweb.models import (
    DevelopmentPlan,
    Feedback,
    FeedbackRevision,
    PlanChange,
    PlanStep,
    Win,
    utcnow,
)

PLAN_FIELDS = {
    "aspiration": "Career aspiration",
    "strengths": "Strengths",
    "growth_areas": "Growth areas",
}
STEP_FIELDS = {
    "kind": "Kind",
    "title": "Title",
    "target_date": "Target date",
    "status": "Status",
    "goal_id": "Goal",
    "notes": "Notes",
}


class StaleEdit(Exception):
    """Someone else saved first; ``current`` is what is stored now."""

    def __init__(self, current):
        super().__init__("This changed while you were editing it.")
        self.current = current


@dataclasses.dataclass(frozen=True)
class StepTerms:
    kind: str
    title: str
    target_date: datetime.date | None = None
    status: str = "planned"
    goal_id: int | None = None
    notes: str = ""

    @classmethod
    def of(cls, step):
        return cls(**{name: getattr(step, name) for name in STEP_FIELDS})


def _shown(name, value, goal_titles=None):
    """How a changed value reads in the history."""
    if value is None or value == "":
        return ""
    if name == "kind":
        return PlanStep.KINDS.get(value, value)
    if name == "status":
        return PlanStep.STATUSES.get(value, value)
    if name == "goal_id":
        return (goal_titles or {}).get(value, f"goal {value}")
    return str(value)


# --- the plan --------------------------------------------------------------------------


# Every meeting page asks for it: its SQL is composed once.
@PreparedQuery
def _plan_of(employee_id: int):
    return DevelopmentPlan.select().where(DevelopmentPlan.employee == employee_id)


def plan_of(employee_id):
    """The employee's plan; an unsaved empty one (version 0) until someone writes it."""
    return _plan_of.first(employee_id) or DevelopmentPlan(employee=employee_id, version=0)


def _stored_plan(employee_id):
    """The plan row, created on first use. Two people creating it at once meet on the
    unique employee: the loser reads the winner's row."""
    plan = DevelopmentPlan.get_or_none(DevelopmentPlan.employee == employee_id)
    if plan is not None:
        return plan
    try:
        with DevelopmentPlan._meta.database.atomic():
            return DevelopmentPlan.create(employee=employee_id, version=0)
    except IntegrityError:
        return DevelopmentPlan.get(DevelopmentPlan.employee == employee_id)


def save_plan(employee_id, by, texts, based_on_version, now=None):
    """Save the aspiration, strengths and growth areas as ``by`` wrote them on top of
    ``based_on_version``; refuse with StaleEdit if someone saved since."""
    now = now or utcnow()
    with write_transaction():
        plan = _stored_plan(employee_id)
        if plan.version != based_on_version:
            raise StaleEdit(plan)
        changed = {name: texts[name] for name in PLAN_FIELDS if texts[name] != getattr(plan, name)}
        if not changed:
            return plan
        updated = (
            DevelopmentPlan.update(
                **changed, version=plan.version + 1, updated_by=by, updated_at=now
            )
            .where((DevelopmentPlan.id == plan.id) & (DevelopmentPlan.version == based_on_version))
            .execute()
        )
        if not updated:
            raise StaleEdit(DevelopmentPlan.get_by_id(plan.id))
        PlanChange.insert_many(
            [
                {
                    "plan": plan.id,
                    "what": name,
                    "before": getattr(plan, name),
                    "after": text,
                    "author": by,
                    "changed_at": now,
                }
                for name, text in changed.items()
            ]
        ).execute()
        return DevelopmentPlan.get_by_id(plan.id)


# --- steps -------------------------------------------------------------------------------


def add_step(employee_id, by, terms, now=None):
    """A new step in the employee's plan (the plan is created on first use)."""
    now = now or utcnow()
    with write_transaction():
        plan = _stored_plan(employee_id)
        step = PlanStep.create(
            plan=plan.id, created_by=by, created_at=now, **dataclasses.asdict(terms)
        )
        PlanChange.create(
            plan=plan.id,
            step=step.id,
            step_title=step.title,
            step_created_at=step.created_at,
            what="added",
            author=by,
            changed_at=now,
        )
        return step


def change_step(step, by, terms, based_on_version, goal_titles=None, now=None):
    """Save a step as ``by`` wrote it on top of ``based_on_version``; every field that
    changed goes into the history."""
    now = now or utcnow()
    with write_transaction():
        current = PlanStep.get_by_id(step.id)
        if current.version != based_on_version:
            raise StaleEdit(current)
        return _apply_step_changes(current, by, terms, goal_titles, now, based_on_version)


def set_step_status(step, by, status, now=None):
    """A status picked in a meeting: the last pick wins, like a tick box."""
    now = now or utcnow()
    with write_transaction():
        current = PlanStep.get_by_id(step.id)
        terms = dataclasses.replace(StepTerms.of(current), status=status)
        return _apply_step_changes(current, by, terms, None, now)


def _apply_step_changes(current, by, terms, goal_titles, now, based_on_version=None):
    before = StepTerms.of(current)
    changed = {
        name: getattr(terms, name)
        for name in STEP_FIELDS
        if getattr(terms, name) != getattr(before, name)
    }
    if not changed:
        return current
    columns = {("goal" if name == "goal_id" else name): value for name, value in changed.items()}
    query = PlanStep.update(**columns, version=PlanStep.version + 1).where(
        PlanStep.id == current.id
    )
    if based_on_version is not None:
        # An edit is of the version its writer saw; a status pick is last-writer-wins.
        query = query.where(PlanStep.version == based_on_version)
    updated = query.execute()
    if not updated:
        raise StaleEdit(PlanStep.get_by_id(current.id))
    PlanChange.insert_many(
        [
            {
                "plan": current.plan_id,
                "step": current.id,
                "step_title": terms.title,
                "step_created_at": current.created_at,
                "what": name,
                "before": _shown(name, getattr(before, name), goal_titles),
                "after": _shown(name, value, goal_titles),
                "author": by,
                "changed_at": now,
            }
            for name, value in changed.items()
        ]
    ).execute()
    return PlanStep.get_by_id(current.id)


def remove_step(step, by, now=None):
    """Remove a step; the history keeps that it was there, by its title."""
    with write_transaction():
        PlanChange.create(
            plan=step.plan_id,
            step=None,
            step_title=step.title,
            step_created_at=step.created_at,
            what="removed",
            author=by,
            changed_at=now or utcnow(),
        )
        PlanStep.delete().where(PlanStep.id == step.id).execute()


# --- feedback ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FeedbackTerms:
    kind: str
    body: str
    meeting_id: int | None = None
    goal_id: int | None = None
    step_id: int | None = None
    win_title: str = ""

    def columns(self, upward):
        return {
            "kind": self.kind,
            "body": self.body,
            "meeting": self.meeting_id,
            "goal": self.goal_id,
            "step": self.step_id,
            # A win is the employee's, recognised by their manager: only the
            # manager's praise records one.
            "win_title": self.win_title if self.kind == "praise" and not upward else "",
        }


@dataclasses.dataclass(frozen=True)
class Sent:
    """What writing or sending feedback did: the feedback, and the win it recorded."""

    feedback: Feedback
    win: Win | None = None


def write_feedback(employee_id, giver, receiver, terms, send, now=None):
    """New feedback from ``giver`` to ``receiver`` in the employee's space: a private
    draft, or sent at once."""
    now = now or utcnow()
    with write_transaction():
        feedback = Feedback.create(
            employee=employee_id,
            giver=giver,
            receiver=receiver,
            created_at=now,
            **terms.columns(upward=giver == employee_id),
        )
        win = _send(feedback, now) if send else None
        return Sent(Feedback.get_by_id(feedback.id), win)


def change_feedback(feedback, terms, based_on_version, send=False, now=None):
    """A draft is rewritten freely — nobody has read it — and sent if ``send``. Sent
    feedback is corrected in the open: the earlier wording is kept and the feedback
    shows as edited."""
    now = now or utcnow()
    with write_transaction():
        current = Feedback.get_by_id(feedback.id)
        if current.version != based_on_version:
            raise StaleEdit(current)
        columns = terms.columns(upward=current.is_upward)
        if current.sent_at is not None:
            # What was sent stays what was sent: the kind and the win it recorded.
            columns.pop("kind")
            columns.pop("win_title")
            if columns["body"] != current.body:
                FeedbackRevision.create(
                    feedback=current.id,
                    body=current.body,
                    written_at=current.edited_at or current.sent_at,
                )
                columns["edited_at"] = now
        updated = (
            Feedback.update(**columns, version=Feedback.version + 1)
            .where((Feedback.id == current.id) & (Feedback.version == based_on_version))
            .execute()
        )
        if not updated:
            raise StaleEdit(Feedback.get_by_id(current.id))
        changed = Feedback.get_by_id(current.id)
        win = _send(changed, now) if send and changed.is_draft else None
        return Sent(Feedback.get_by_id(current.id), win)


def send_feedback(feedback, now=None):
    """Send a draft. Sending it again changes nothing."""
    now = now or utcnow()
    with write_transaction():
        current = Feedback.get_by_id(feedback.id)
        win = _send(current, now) if current.is_draft else None
        return Sent(Feedback.get_by_id(current.id), win)


def _send(feedback, now):
    """Mark ``feedback`` sent and record the win its praise carries; returns the win."""
    sent = (
        Feedback.update(sent_at=now, version=Feedback.version + 1)
        .where((Feedback.id == feedback.id) & Feedback.sent_at.is_null())
        .execute()
    )
    if not (sent and feedback.kind == "praise" and feedback.win_title):
        return None
    return Win.create(
        employee=feedback.employee_id,
        title=feedback.win_title,
        achieved_on=now.date(),
        goal=feedback.goal_id,
        feedback=feedback.id,
        recorded_by=feedback.giver_id,
        recorded_at=now,
    )


class SentFeedbackStays(Exception):
    """Sent feedback is not deleted: the other person has read it."""


def delete_draft(feedback):
    """Delete a draft. Sent feedback stays: the other person has read it."""
    with write_transaction():
        deleted = (
            Feedback.delete()
            .where((Feedback.id == feedback.id) & Feedback.sent_at.is_null())
            .execute()
        )
        if not deleted:
            raise SentFeedbackStays("Sent feedback stays; you can correct it instead.")


# --- wins ----------------------------------------------------------------------------------


def record_win(employee_id, by, title, details="", achieved_on=None, goal_id=None, now=None):
    """Recognise something the employee achieved (today, unless ``achieved_on``)."""
    now = now or utcnow()
    with write_transaction():
        return Win.create(
            employee=employee_id,
            title=title,
            details=details,
            achieved_on=achieved_on or now.date(),
            goal=goal_id,
            recorded_by=by,
            recorded_at=now,
        )


def remove_win(win):
    """Remove a win recorded by mistake."""
    with write_transaction():
        Win.delete().where(Win.id == win.id).execute()
