"""The rules of growth without Flask: the plan's optimistic versions and history,
steps, feedback drafts, sending and corrections, and who reads which feedback."""

import datetime

import pytest

from pmweb import access
from pmweb.growth import service as growth
from pmweb.models import (
    DevelopmentPlan,
    Feedback,
    FeedbackRevision,
    PlanChange,
    PlanStep,
    Win,
)

TEXTS = {"aspiration": "Lead a team", "strengths": "Writing", "growth_areas": "Delegation"}


def viewer(user, owner, role):
    """The employee as the access loaders hand it to a view, seen by ``user``."""
    return access.OwnerAccess(owner, user.id, role, manager_id=None)


def test_the_first_save_creates_the_plan_and_records_each_field(actors):
    plan = growth.save_plan(actors.report.id, actors.report.id, TEXTS, 0)
    assert plan.version == 1 and plan.updated_by_id == actors.report.id
    assert {c.what for c in PlanChange.select()} == set(TEXTS)


def test_saving_unchanged_texts_records_nothing(actors):
    growth.save_plan(actors.report.id, actors.report.id, TEXTS, 0)
    plan = growth.save_plan(actors.report.id, actors.manager.id, TEXTS, 1)
    assert plan.version == 1 and PlanChange.select().count() == 3


def test_a_save_based_on_an_old_version_is_refused_and_changes_nothing(actors):
    growth.save_plan(actors.report.id, actors.report.id, TEXTS, 0)
    growth.save_plan(actors.report.id, actors.manager.id, TEXTS | {"strengths": "Calm"}, 1)
    with pytest.raises(growth.StaleEdit) as refused:
        growth.save_plan(actors.report.id, actors.report.id, TEXTS | {"strengths": "Mine"}, 1)
    assert refused.value.current.strengths == "Calm"
    assert DevelopmentPlan.get().strengths == "Calm"


def test_a_new_plan_saved_by_two_at_once_keeps_the_first(actors):
    growth.save_plan(actors.report.id, actors.report.id, TEXTS, 0)
    with pytest.raises(growth.StaleEdit):
        growth.save_plan(actors.report.id, actors.manager.id, TEXTS | {"aspiration": "X"}, 0)
    assert DevelopmentPlan.select().count() == 1


def test_each_changed_step_field_is_recorded_readably(actors):
    step = growth.add_step(
        actors.report.id, actors.report.id, growth.StepTerms("training", "SRE course")
    )
    changed = growth.StepTerms(
        "stretch", "Run the drill", target_date=datetime.date(2027, 3, 1), status="in_progress"
    )
    step = growth.change_step(step, actors.manager.id, changed, 1)
    assert step.version == 2
    rows = {c.what: (c.before, c.after) for c in PlanChange.select().where(PlanChange.step == step)}
    assert rows["kind"] == ("Training", "Stretch assignment")
    assert rows["status"] == ("Planned", "In progress")
    assert rows["target_date"] == ("", "2027-03-01")
    with pytest.raises(growth.StaleEdit):
        growth.change_step(step, actors.report.id, changed, 1)


def test_a_removed_step_stays_in_the_history_by_its_title(actors):
    step = growth.add_step(
        actors.report.id, actors.report.id, growth.StepTerms("reading", "Accelerate")
    )
    growth.remove_step(step, actors.manager.id)
    assert PlanStep.select().count() == 0
    removed = PlanChange.get(PlanChange.what == "removed")
    assert (removed.step_title, removed.author_id) == ("Accelerate", actors.manager.id)


def praise(body="Great review", win_title=""):
    return growth.FeedbackTerms("praise", body, win_title=win_title)


def test_sending_a_draft_twice_records_its_win_once(actors):
    draft = growth.write_feedback(
        actors.report.id, actors.manager.id, actors.report.id, praise(win_title="Review"), False
    ).feedback
    assert Win.select().count() == 0
    first = growth.send_feedback(draft)
    again = growth.send_feedback(draft)
    assert first.win is not None and again.win is None
    assert Win.select().count() == 1 and Win.get().feedback_id == draft.id


def test_the_employees_own_praise_of_their_manager_records_no_win(actors):
    growth.write_feedback(
        actors.report.id, actors.report.id, actors.manager.id, praise(win_title="Me!"), True
    )
    assert Win.select().count() == 0 and Feedback.get().win_title == ""


def test_a_draft_changed_and_sent_in_one_step_records_its_win(actors):
    draft = growth.write_feedback(
        actors.report.id, actors.manager.id, actors.report.id, praise(), False
    ).feedback
    sent = growth.change_feedback(draft, praise(win_title="Shipped"), 1, send=True)
    assert sent.feedback.sent_at is not None and sent.win.title == "Shipped"


def test_a_suggestion_carries_no_win(actors):
    terms = growth.FeedbackTerms("suggestion", "Shorter updates", win_title="Not a win")
    growth.write_feedback(actors.report.id, actors.manager.id, actors.report.id, terms, True)
    assert Win.select().count() == 0 and Feedback.get().win_title == ""


def test_a_draft_is_rewritten_freely_but_sent_feedback_keeps_its_earlier_wording(actors):
    draft = growth.write_feedback(
        actors.report.id, actors.manager.id, actors.report.id, praise("Frist"), False
    ).feedback
    draft = growth.change_feedback(draft, praise("First"), 1).feedback
    assert FeedbackRevision.select().count() == 0 and draft.edited_at is None
    growth.send_feedback(draft)
    sent = Feedback.get()
    corrected = growth.change_feedback(sent, praise("First, and thank you"), sent.version).feedback
    assert corrected.edited_at is not None
    assert [r.body for r in FeedbackRevision.select()] == ["First"]
    with pytest.raises(growth.SentFeedbackStays):
        growth.delete_draft(corrected)


def test_who_reads_which_feedback(actors):
    sam, dana = actors.report, actors.manager
    write = growth.write_feedback
    write(sam.id, dana.id, sam.id, praise("to-sam"), True)
    write(sam.id, sam.id, dana.id, growth.FeedbackTerms("suggestion", "to-dana"), True)
    write(sam.id, dana.id, sam.id, praise("dana-draft"), False)
    write(sam.id, sam.id, dana.id, praise("sam-draft"), False)

    def bodies(user, role):
        owner = viewer(user, sam, role)
        return {f.body for f in access.feedback_visible_to(owner)}

    assert bodies(sam, "employee") == {"to-sam", "to-dana", "sam-draft"}
    assert bodies(dana, "manager") == {"to-sam", "to-dana", "dana-draft"}
    # A later manager reads the praise Sam received, not what Sam told Dana.
    assert bodies(actors.other_manager, "manager") == {"to-sam"}
    assert bodies(actors.hr, None) == set()
