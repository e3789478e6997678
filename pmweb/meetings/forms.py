"""Forms of the meeting page and the pair page. Limits keep every stored text to
something a person would write in a meeting."""

import datetime

from wtforms import (
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from pmweb.forms import BoundedForm
from pmweb.models import OneOnOne

TALKING_POINT_MAX = 1000
ACTION_ITEM_MAX = 1000
NOTES_MAX = 10000

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def strip_text(value):
    return value.strip() if isinstance(value, str) else value


def _text_or_empty(value):
    # A form posted without the field means "no text", not "no value".
    return value if value is not None else ""


# A version a page wrote is small; anything past 32 bits was not written by a page.
def version_field(*validators):
    return IntegerField(
        widget=HiddenField.widget,
        validators=[*validators, NumberRange(min=0, max=2**31 - 1, message="Reload the page.")],
    )


def choices(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


def not_blank(form, field):
    if not field.data:
        raise ValidationError("Write something first.")


class TalkingPointForm(BoundedForm):
    text = TextAreaField(
        "Talking point",
        filters=[strip_text],
        validators=[
            not_blank,
            Length(
                max=TALKING_POINT_MAX,
                message=f"Keep a talking point under {TALKING_POINT_MAX} characters.",
            ),
        ],
    )


class EditTalkingPointForm(TalkingPointForm):
    version = version_field(InputRequired())


class DiscussedForm(BoundedForm):
    discussed = SelectField(choices=choices([("1", "discussed"), ("0", "not discussed")]))


class MoveForm(BoundedForm):
    direction = SelectField(choices=choices([("up", "up"), ("down", "down")]))


class SharedNotesForm(BoundedForm):
    shared_notes = TextAreaField(
        "Shared notes",
        filters=[strip_text, _text_or_empty],
        validators=[
            Length(max=NOTES_MAX, message=f"Notes can be at most {NOTES_MAX:,} characters.")
        ],
    )
    version = version_field(InputRequired())


class PrivateNoteForm(BoundedForm):
    body = TextAreaField(
        "My private note",
        filters=[strip_text, _text_or_empty],
        validators=[
            Length(max=NOTES_MAX, message=f"Notes can be at most {NOTES_MAX:,} characters.")
        ],
    )
    # Pages always send the version they showed; a client that sends none saves over.
    version = version_field(Optional())


OWNER_OUTSIDE_THE_PAIR = "Pick one of you two as the owner."


class ActionItemForm(BoundedForm):
    text = TextAreaField(
        "Action item",
        filters=[strip_text],
        validators=[
            not_blank,
            Length(
                max=ACTION_ITEM_MAX,
                message=f"Keep an action item under {ACTION_ITEM_MAX} characters.",
            ),
        ],
    )
    owner = SelectField(
        "Owner",
        coerce=int,
        invalid_value_message=OWNER_OUTSIDE_THE_PAIR,
        invalid_choice_message=OWNER_OUTSIDE_THE_PAIR,
    )
    due = DateField(
        "Due",
        validators=[Optional()],
        invalid_value_message="Pick a date, or leave the due date empty.",
    )

    def __init__(self, one_on_one, today, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.owner.choices = choices(
            [
                (one_on_one.employee.id, one_on_one.employee.name),
                (one_on_one.manager.id, one_on_one.manager.name),
            ]
        )

    def validate_due(self, field):
        if field.data and field.data < self.today:
            raise ValidationError("Pick today or a later date.")
        if field.data and field.data > self.today + datetime.timedelta(days=3 * 366):
            raise ValidationError("Pick a date within the next three years.")


class EditActionItemForm(ActionItemForm):
    """An action item's text, owner and due date, based on the version the page showed."""

    version = version_field(InputRequired())

    def __init__(self, one_on_one, today, stored_due, *args, **kwargs):
        super().__init__(one_on_one, today, *args, **kwargs)
        self.stored_due = stored_due

    def validate_due(self, field):
        # An item that fell overdue keeps its date when only its text or owner changes.
        if field.data is not None and field.data == self.stored_due:
            return
        super().validate_due(field)


class DoneForm(BoundedForm):
    done = SelectField(choices=choices([("1", "done"), ("0", "open")]))


class CompleteForm(BoundedForm):
    pass


class SkipForm(BoundedForm):
    # Where the person pressed it: back to the meeting that follows, or to their week.
    back_to = SelectField(
        choices=choices([("meeting", "meeting"), ("week", "week")]), default="meeting"
    )


class MeetingTimeField(DateTimeLocalField):
    """A day and time from the browser's picker; anything else gets one plain message."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Pick a day and a time.") from error


class RescheduleForm(BoundedForm):
    at = MeetingTimeField(
        "New time",
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[InputRequired(message="Pick a day and a time.")],
    )


# The times a rhythm offers, written the 24-hour way as everywhere in pmweb (a time
# input shows the browser's own 12-hour clock in some places).
QUARTER_HOURS = [datetime.time(hour, minute) for hour in range(24) for minute in (0, 15, 30, 45)]


def _time_of_day(value):
    if isinstance(value, datetime.time):
        return value
    return datetime.datetime.strptime(value, "%H:%M").time()


class CadenceForm(BoundedForm):
    cadence = SelectField("How often", choices=choices(OneOnOne.CADENCES.items()))
    weekday = SelectField("On", coerce=int, choices=choices(enumerate(WEEKDAYS)))
    time_of_day = SelectField(
        "At", coerce=_time_of_day, validators=[InputRequired(message="Pick a time.")]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        times = set(QUARTER_HOURS)
        if isinstance(self.time_of_day.object_data, datetime.time):
            times.add(self.time_of_day.object_data)  # a rhythm set at 10:10 keeps it
        self.time_of_day.choices = choices((f"{at:%H:%M}", f"{at:%H:%M}") for at in sorted(times))
