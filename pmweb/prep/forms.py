"""Forms of the preparation pages."""

from wtforms import SelectField, TextAreaField
from wtforms.validators import Length

from pmweb.forms import BoundedForm
from pmweb.meetings.forms import TALKING_POINT_MAX, choices, not_blank, strip_text
from pmweb.prep.questions import THEMES


class QuestionForm(BoundedForm):
    theme = SelectField("Theme", choices=choices(THEMES.items()))
    text = TextAreaField(
        "Question",
        filters=[strip_text],
        validators=[
            not_blank,
            Length(max=TALKING_POINT_MAX, message=f"Keep it under {TALKING_POINT_MAX} characters."),
        ],
    )


class ConfirmForm(BoundedForm):
    """A button that changes something and carries nothing but the CSRF token."""
