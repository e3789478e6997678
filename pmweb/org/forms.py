"""Forms of the administration pages."""

from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, EmailField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, ValidationError

from pmweb.forms import BoundedForm
from pmweb.org.csv_import import MAX_BYTES, MAX_CHARACTERS, NAME_MAX


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class PersonField(StringField):
    """A person named by their email address, or by their name when only one person
    has it. The page suggests people as one types (``person_field`` in _forms.html);
    without script, the address typed in works the same. After validation, ``person``
    is the person picked (None when left empty)."""

    person = None

    def __init__(self, label, missing=None, **kwargs):
        super().__init__(label, filters=[_strip], **kwargs)
        # Without a message for it missing, the field may be left empty.
        self.missing = missing


def pick_person(field, find_people):
    """Sets ``field.person`` from what was typed, or raises ValidationError saying why
    no one was picked. ``find_people(text)`` gives up to two people it names."""
    text = field.data or ""
    if not text:
        if field.missing:
            raise ValidationError(field.missing)
        field.person = None
        return
    if len(text) > 254:
        raise ValidationError("That is too long for a name or an email address.")
    found = find_people(text)
    if not found:
        raise ValidationError(
            f"No one with an active account is called or has the address “{text}”."
        )
    if len(found) > 1:
        raise ValidationError(
            f"More than one person is called {text}: pick one from the list, or type their email."
        )
    field.person = found[0]


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
    manager = PersonField("Reports to")
    is_admin = BooleanField("Administrator (manages people; sees no one-on-one content)")

    def __init__(self, find_people, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.find_people = find_people

    def validate_manager(self, field):
        pick_person(field, self.find_people)


class ReportingLineForm(BoundedForm):
    employee = PersonField("Person", missing="Write who reports to the manager.")
    manager = PersonField("Reports to", missing="Write who their manager is.")
    starts_on = DateField("From", validators=[InputRequired(message="Pick a start date.")])

    def __init__(self, find_people, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.find_people = find_people

    def validate_manager(self, field):
        pick_person(field, self.find_people)

    def validate_employee(self, field):
        pick_person(field, self.find_people)


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
