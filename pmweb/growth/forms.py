"""Forms of the growth pages. Long texts are Markdown; limits keep them something two
people read together."""

from wtforms import (
    DateField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from pmweb.formatting import long_day
from pmweb.forms import BoundedForm
from pmweb.growth.service import FeedbackTerms, StepTerms
from pmweb.meetings.forms import choices, version_field
from pmweb.models import Feedback, PlanStep

TITLE_MAX = 200
TEXT_MAX = 10000
NOTES_MAX = 5000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _longest(limit, what="this"):
    return Length(max=limit, message=f"Keep {what} under {limit:,} characters.")


def _none_if_zero(value):
    return value or None


def _link_choices(rows, none_label, label_of):
    return choices([(0, none_label)] + [(row.id, label_of(row)) for row in rows])


def _link(label):
    """A choice of something to link to (0: nothing); choices are set per request."""
    return SelectField(label, coerce=int, default=0, validate_choice=False, filters=[_none_if_zero])


def _check_offered(field, what):
    # validate_choice is off so that a missing link reads as a person would say it.
    if field.data and field.data not in {choice.value for choice in field.choices}:
        raise ValidationError(f"Pick one of the {what} shown.")


class PlanForm(BoundedForm):
    aspiration = TextAreaField(
        "Career aspiration",
        description="Where you want to be in one to three years.",
        filters=[_strip],
        validators=[_longest(TEXT_MAX, "the aspiration")],
    )
    strengths = TextAreaField(
        "Strengths", filters=[_strip], validators=[_longest(TEXT_MAX, "the strengths")]
    )
    growth_areas = TextAreaField(
        "Growth areas", filters=[_strip], validators=[_longest(TEXT_MAX, "the growth areas")]
    )
    version = version_field(InputRequired())

    def texts(self):
        return {
            "aspiration": self.aspiration.data or "",
            "strengths": self.strengths.data or "",
            "growth_areas": self.growth_areas.data or "",
        }


class StepForm(BoundedForm):
    kind = SelectField("Kind", choices=choices(PlanStep.KINDS.items()), default="skill")
    title = StringField(
        "Step",
        filters=[_strip],
        validators=[DataRequired(message="Name the step."), _longest(TITLE_MAX, "the step")],
    )
    target_date = DateField(
        "Target date",
        validators=[Optional()],
        render_kw={"placeholder": "yyyy-mm-dd"},
    )
    status = SelectField("Status", choices=choices(PlanStep.STATUSES.items()), default="planned")
    goal = _link("Goal")
    notes = TextAreaField("Notes", filters=[_strip], validators=[_longest(NOTES_MAX, "the notes")])
    version = version_field(Optional())

    def __init__(self, goals, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.goal.choices = _link_choices(goals, "No goal", lambda goal: goal.title)

    def validate_target_date(self, field):
        if self.target_date.raw_data and self.target_date.raw_data[0] and field.data is None:
            raise ValidationError("Give the target date as a date, like 2027-03-31.")
        if field.data and not 2000 <= field.data.year <= 2100:
            raise ValidationError("Pick a target date between 2000 and 2100.")

    def validate_goal(self, field):
        _check_offered(field, "goals")

    def terms(self):
        return StepTerms(
            kind=self.kind.data,
            title=self.title.data,
            target_date=self.target_date.data,
            status=self.status.data,
            goal_id=self.goal.data,
            notes=self.notes.data or "",
        )


class StepStatusForm(BoundedForm):
    status = SelectField("Status", choices=choices(PlanStep.STATUSES.items()))


class FeedbackForm(BoundedForm):
    kind = SelectField("Kind", choices=choices(Feedback.KINDS.items()), default="praise")
    body = TextAreaField(
        "Feedback",
        filters=[_strip],
        validators=[DataRequired(message="Write the feedback first."), _longest(TEXT_MAX)],
    )
    meeting = _link("From the meeting")
    goal = _link("About the goal")
    step = _link("About the plan step")
    win_title = StringField(
        "Record a win with it",
        description="What was achieved — it shows on the plan once the praise is sent.",
        filters=[_strip],
        validators=[_longest(TITLE_MAX, "the win")],
    )
    version = version_field(Optional())

    def __init__(self, meetings, goals, steps, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting.choices = _link_choices(
            meetings,
            "No meeting",
            lambda meeting: long_day(meeting.scheduled_for),
        )
        self.goal.choices = _link_choices(goals, "No goal", lambda goal: goal.title)
        self.step.choices = _link_choices(steps, "No step", lambda step: step.title)

    def validate_meeting(self, field):
        _check_offered(field, "meetings")

    def validate_goal(self, field):
        _check_offered(field, "goals")

    def validate_step(self, field):
        _check_offered(field, "plan steps")

    def terms(self):
        return FeedbackTerms(
            kind=self.kind.data,
            body=self.body.data,
            meeting_id=self.meeting.data,
            goal_id=self.goal.data,
            step_id=self.step.data,
            win_title=self.win_title.data or "",
        )


class WinForm(BoundedForm):
    title = StringField(
        "What was achieved",
        filters=[_strip],
        validators=[
            DataRequired(message="Say what was achieved."),
            _longest(TITLE_MAX, "the win"),
        ],
    )
    details = TextAreaField(
        "Details", filters=[_strip], validators=[_longest(NOTES_MAX, "the details")]
    )
    achieved_on = DateField("When", validators=[Optional()])
    goal = _link("For the goal")

    def __init__(self, goals, today, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.goal.choices = _link_choices(goals, "No goal", lambda goal: goal.title)

    def validate_achieved_on(self, field):
        if self.achieved_on.raw_data and self.achieved_on.raw_data[0] and field.data is None:
            raise ValidationError("Give the date as a date, like 2026-11-20.")
        if field.data and field.data > self.today:
            raise ValidationError("A win is something already achieved: pick today or earlier.")
        if field.data and field.data.year < 2000:
            raise ValidationError("Pick a date after 2000.")

    def validate_goal(self, field):
        _check_offered(field, "goals")
