"""Forms of the goal pages. Limits keep a goal something two people can read at a
glance in a meeting."""

import datetime
import math

from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from pmweb import ids
from pmweb.forms import BoundedForm
from pmweb.goals.service import Terms
from pmweb.meetings.forms import choices, version_field
from pmweb.models import CheckIn

TITLE_MAX = 200
WHY_MAX = 5000
UNIT_MAX = 30
NOTE_MAX = 1000
MILESTONES_MAX = 20
MILESTONE_MAX = 200
# The whole list, one a line: every milestone at its longest, with room for blank lines.
MILESTONES_TEXT_MAX = 5000
# Bigger than any count or score a person tracks, small enough to draw.
VALUE_LIMIT = 1e12


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _number(text, label):
    """A number typed by a person: "1,250", " 45 ", "3.5"; a clear message otherwise."""
    cleaned = (text or "").strip().replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    try:
        number = float(cleaned)
    except ValueError:
        raise ValidationError(f"{label} must be a number, like 45 or 12.5.") from None
    if not math.isfinite(number) or abs(number) > VALUE_LIMIT:
        raise ValidationError(f"{label} is too large.")
    return number


class GoalForm(BoundedForm):
    title = StringField(
        "Goal",
        filters=[_strip],
        validators=[
            InputRequired(message="Name the goal."),
            Length(max=TITLE_MAX, message=f"Keep the goal under {TITLE_MAX} characters."),
        ],
    )
    why = TextAreaField(
        "Why it matters",
        filters=[_strip],
        validators=[Length(max=WHY_MAX, message=f"Keep this under {WHY_MAX:,} characters.")],
    )
    objective = SelectField("Aligned to", coerce=int, default=0)
    due = DateField("Due", validators=[InputRequired(message="Pick a due date.")])
    measure = RadioField(
        "Measured by",
        choices=choices([("number", "A number"), ("milestones", "Milestones")]),
        default="number",
    )
    unit = StringField(
        "Unit",
        filters=[_strip],
        validators=[Length(max=UNIT_MAX, message=f"Keep the unit under {UNIT_MAX} characters.")],
    )
    start_value = StringField("From")
    target_value = StringField("To")
    milestones = TextAreaField(
        "Milestones",
        filters=[_strip],
        validators=[
            Length(
                max=MILESTONES_TEXT_MAX,
                message=f"Keep the milestones under {MILESTONES_TEXT_MAX:,} characters: at "
                f"most {MILESTONES_MAX}, each under {MILESTONE_MAX}.",
            )
        ],
    )
    version = version_field(Optional())

    def __init__(self, objectives, today, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.objective.choices = choices(
            [(0, "No objective")] + [(o.id, f"{o.title} ({o.period})") for o in objectives]
        )

    def validate_due(self, field):
        if field.data and field.data < self.today:
            raise ValidationError("Pick today or a later date.")
        if field.data and field.data > self.today + datetime.timedelta(days=5 * 366):
            raise ValidationError("Pick a date within the next five years.")

    def check_together(self):
        if self.measure.data == "number":
            return self._check_numbers()
        return self._check_milestones()

    def _check_numbers(self):
        numbers = {}
        for field, label in ((self.start_value, "From"), (self.target_value, "To")):
            try:
                numbers[field.name] = _number(field.data, label)
            except ValidationError as error:
                field.errors.append(str(error))
                continue
            if numbers[field.name] is None:
                field.errors.append(f"Give the {label.lower()} value.")
        if self.start_value.errors or self.target_value.errors:
            return False
        if numbers["start_value"] == numbers["target_value"]:
            self.target_value.errors.append("The target must differ from where you start.")
            return False
        self.start_number, self.target_number = numbers["start_value"], numbers["target_value"]
        return True

    def _check_milestones(self):
        if self.milestones.errors:
            return False  # too long to read as milestones
        titles = [line.strip() for line in (self.milestones.data or "").splitlines()]
        titles = [title for title in titles if title]
        if not titles:
            self.milestones.errors.append("List at least one milestone, one a line.")
        elif len(titles) > MILESTONES_MAX:
            self.milestones.errors.append(
                f"Keep it to {MILESTONES_MAX} milestones; group the smaller steps."
            )
        elif any(len(title) > MILESTONE_MAX for title in titles):
            self.milestones.errors.append(f"Keep each milestone under {MILESTONE_MAX} characters.")
        elif len(set(titles)) != len(titles):
            self.milestones.errors.append("Each milestone needs a title of its own.")
        self.milestone_titles = tuple(titles)
        return not self.milestones.errors

    def terms(self):
        number = self.measure.data == "number"
        return Terms(
            title=self.title.data,
            why=self.why.data or "",
            objective_id=self.objective.data or None,
            due=self.due.data,
            measure=self.measure.data,
            unit=self.unit.data or "" if number else "",
            start_value=self.start_number if number else None,
            target_value=self.target_number if number else None,
            milestones=() if number else self.milestone_titles,
        )


def goal_form_data(goal, milestones):
    """What the edit form starts from: the goal's current terms."""
    number = goal.measure == "number"
    return {
        "title": goal.title,
        "why": goal.why,
        "objective": goal.objective_id or 0,
        "due": goal.due,
        "measure": goal.measure,
        "unit": goal.unit,
        "start_value": _plain(goal.start_value) if number else "",
        "target_value": _plain(goal.target_value) if number else "",
        "milestones": "\n".join(m.title for m in milestones),
        "version": goal.version,
    }


def _plain(number):
    return f"{number:g}" if number is not None else ""


class VersionForm(BoundedForm):
    version = version_field(InputRequired())


class CheckInForm(BoundedForm):
    value = StringField("Now at")
    confidence = SelectField(
        "Confidence", choices=choices(CheckIn.CONFIDENCES.items()), default="on_track"
    )
    note = StringField(
        "Note",
        filters=[_strip],
        validators=[Length(max=NOTE_MAX, message=f"Keep the note under {NOTE_MAX} characters.")],
    )
    meeting = IntegerField(widget=HiddenField.widget, validators=[Optional()])

    def __init__(self, goal, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.goal = goal

    def validate_value(self, field):
        if self.goal.measure != "number":
            return
        self.number = _number(field.data, "The value")
        if self.number is None:
            raise ValidationError("Where is it now? Give a number.")


def ticked_milestones(formdata):
    """The milestone ids ticked in a check-in form; None when the form showed no
    milestones (a check-in that leaves them as they are)."""
    if "milestones_shown" not in formdata:
        return None
    ticked = (ids.from_text(value) for value in formdata.getlist("milestones"))
    return [milestone_id for milestone_id in ticked if milestone_id is not None]


class AgreeToCloseForm(VersionForm):
    outcome = SelectField(choices=choices([("achieved", "achieved"), ("dropped", "dropped")]))


class CloseForm(VersionForm):
    outcome = RadioField(
        "Close as", choices=choices([("achieved", "Achieved"), ("dropped", "Dropped")])
    )
    reason = TextAreaField(
        "Why",
        filters=[_strip],
        validators=[Length(max=NOTE_MAX, message=f"Keep this under {NOTE_MAX} characters.")],
    )

    def validate_reason(self, field):
        if self.outcome.data == "dropped" and not field.data:
            raise ValidationError("Say why the goal is dropped.")


class ObjectiveForm(BoundedForm):
    title = StringField(
        "Objective",
        filters=[_strip],
        validators=[
            InputRequired(message="Name the objective."),
            Length(max=TITLE_MAX, message=f"Keep it under {TITLE_MAX} characters."),
        ],
    )
    period = StringField(
        "Period",
        filters=[_strip],
        validators=[
            InputRequired(message="Give its period, like 2027 H1."),
            Length(max=40, message="Keep the period short, like 2027 H1."),
        ],
    )
    owner = SelectField("Owner", coerce=int)
