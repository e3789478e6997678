"""The form every pmweb form builds on. A refused form is shown again with what was
typed, so the person can fix it, but never more of a field than the field may hold: a
900 kB paste into a talking point is refused, and must not travel back in the 422
(and sit in the page, and in the next post of it)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from playhouse.shortcuts import model_to_dict
from wtforms import BooleanField
from wtforms.fields.choices import SelectFieldBase
from wtforms.validators import Length

# What a field without a Length validator shows back at most: such fields hold a
# number, a date, a time or a version, never this much.
SHORT_VALUE_MAX = 100

# Fields that never show back what was sent: a choice shows its choices, a box its
# tick, a file input nothing.
_SHOWS_NO_VALUE = (SelectFieldBase, BooleanField, FileField)


class BoundedForm(FlaskForm):
    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        valid = self.check_together() and valid
        if not valid:
            for field in self:
                _show_back_at_most_its_limit(field)
        return valid

    def check_together(self):
        """Checks of several fields at once, after each field's own: they add their
        errors to the fields, and say whether they passed."""
        return True


def stored_values(row):
    """A stored row's values as its edit form's fields name them, a foreign key by its
    id: an edit form opens showing what is stored. (Given the row itself as ``obj``,
    WTForms would hand a select the related row, which matches none of its options, and
    the browser would send the first option instead.)"""
    return model_to_dict(row, recurse=False)


def longest(field):
    """The most characters ``field`` takes, as its Length validator says."""
    lengths = [v.max for v in field.validators if isinstance(v, Length) and v.max >= 0]
    return min(lengths) if lengths else None


def _show_back_at_most_its_limit(field):
    if isinstance(field, _SHOWS_NO_VALUE):
        return
    limit = longest(field) or SHORT_VALUE_MAX
    cut = False
    if isinstance(field.data, str) and len(field.data) > limit:
        field.data = field.data[:limit]
        cut = True
    # Number and date fields show back what was sent, not what they read from it.
    if field.raw_data and any(isinstance(v, str) and len(v) > limit for v in field.raw_data):
        field.raw_data = [v[:limit] if isinstance(v, str) else v for v in field.raw_data]
        cut = True
    if cut:
        field.errors = [*field.errors, f"Only its first {limit:,} characters are shown here."]
