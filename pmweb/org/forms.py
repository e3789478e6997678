"""Forms of the administration pages."""

from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, ValidationError

from pmweb.forms import BoundedForm
from pmweb.meetings.forms import choices
from pmweb.org.csv_import import MAX_BYTES, MAX_CHARACTERS, NAME_MAX


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _person_id(value):
    """A person picked from a list: their id, or None for the empty choice."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a choice; the field's choice check reports it


def people_choices(people, empty=None):
    pairs = [(str(person.id), f"{person.name} ({person.email})") for person in people]
    return choices(([("", empty)] if empty else []) + pairs)


class PersonForm(BoundedForm):
    name = StringField(
        "Full name",
        filters=[_strip],
        validators=[
            InputRequired(message="Write the person's name."),
            Length(max=NAME_MAX, message=f"Keep a name under {NAME_MAX} characters."),
        ],
    )
    email = EmailField(
        "Email",
        filters=[_strip],
        validators=[
            InputRequired(message="Write the person's email address."),
            Email(message="That is not an email address.", check_deliverability=False),
            Length(max=254, message="That email address is too long."),
        ],
    )
    manager = SelectField("Reports to", coerce=_person_id, validate_choice=False)
    is_admin = BooleanField("Administrator (manages people; sees no one-on-one content)")

    def __init__(self, people, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {person.id: person for person in people}
        self.manager.choices = people_choices(people, empty="No manager")

    def validate_manager(self, field):
        if field.data is not None and field.data not in self.people:
            raise ValidationError("Pick someone from the list.")


class ReportingLineForm(BoundedForm):
    manager = SelectField("Manager", coerce=_person_id, validate_choice=False)
    employee = SelectField("Reports to them", coerce=_person_id, validate_choice=False)
    starts_on = DateField("From", validators=[InputRequired(message="Pick a start date.")])

    def __init__(self, people, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {person.id: person for person in people}
        self.manager.choices = people_choices(people, empty="Pick a manager")
        self.employee.choices = people_choices(people, empty="Pick a person")

    def validate_manager(self, field):
        self._require_person(field)

    def validate_employee(self, field):
        self._require_person(field)

    def _require_person(self, field):
        if field.data not in self.people:
            raise ValidationError("Pick someone from the list.")


class EndReportingLineForm(BoundedForm):
    ends_on = DateField("Last day", validators=[InputRequired(message="Pick the last day.")])


class ImportForm(BoundedForm):
    csv_file = FileField("CSV file")
    csv_text = TextAreaField(
        "…or paste the rows",
        validators=[
            Length(
                max=MAX_CHARACTERS,
                message="That is too much text for one import; split the file.",
            )
        ],
    )

    def csv(self):
        """The CSV to import: an uploaded file wins over pasted text."""
        upload = self.csv_file.data
        if upload and getattr(upload, "filename", ""):
            raw = upload.read(MAX_BYTES + 1)
            try:
                return raw.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise ValidationError("Save the file as UTF-8 CSV and upload it again.") from error
        return self.csv_text.data or ""


class ActionForm(BoundedForm):
    """A button that changes something: only the CSRF token."""
