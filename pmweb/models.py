"""The domain: people and reporting lines, each pair's one-on-one space, its
meetings with talking points and notes, and the pair's action items; each employee's
goals, development plan, feedback and wins.

Who may read or change any of it is decided in ``pmweb.access``, never here."""

import datetime

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    TextField,
    TimeField,
)

from pmweb.db import BaseModel


def utcnow():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def first_name(full_name):
    return full_name.split()[0] if full_name.strip() else full_name


def is_overdue(done_at, due, today):
    return done_at is None and due is not None and due < today


class User(BaseModel):
    email = CharField(unique=True)
    name = CharField()
    password_hash = CharField()
    is_admin = BooleanField(default=False)
    deactivated_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    # The company's identity provider's own id for the person (OpenID Connect ``sub``):
    # single sign-on finds people by it, never by email, which the provider may change.
    sso_subject = CharField(null=True, unique=True)
    # What the company's directory knows the person by, through SCIM: its own id for
    # them and the user name it sent, as sent and lowercased: SCIM's user names are
    # unique whatever their case. People the directory never sent have none of these.
    external_id = CharField(null=True, index=True)
    directory_user_name = CharField(null=True)
    directory_user_key = CharField(null=True, unique=True)
    modified_at = DateTimeField(null=True)
    # Deleted by the directory: deactivated, and no longer one of its resources. Nothing
    # of the person's is destroyed.
    removed_by_directory_at = DateTimeField(null=True)

    # For flask-login: a signed-in user is known by the token of their session row,
    # never by the user id, so ending that row signs them out (see auth.py).
    session_token = None
    is_authenticated = True
    is_anonymous = False

    def get_id(self):
        return self.session_token

    @property
    def is_active(self):
        return self.deactivated_at is None

    @property
    def first_name(self):
        return first_name(self.name) or self.email

    @classmethod
    def active(cls):
        return cls.select().where(cls.deactivated_at.is_null())


class UserSession(BaseModel):
    """One signed-in browser. The cookie holds only ``token``; ending the row ends
    the session everywhere it is used, in every server process."""

    token = CharField(unique=True)
    user = ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)
    ended_at = DateTimeField(null=True)
    # Where and with what the person signed in: shown to them alone, on their account page.
    address = CharField(default="")
    user_agent = CharField(default="")


class PasswordLink(BaseModel):
    """A one-time link for a person to choose their own password: for a new account
    (``welcome``) or after a reset. Nobody else ever holds the password; only a hash of
    the link's token is kept, so reading the database does not give a way in."""

    PURPOSES = ("welcome", "reset")

    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    token_hash = CharField(unique=True)
    purpose = CharField()
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)


class AccountEvent(BaseModel):
    """Something done to a person's account or reporting lines — by an administrator,
    the command line (``actor`` empty) or the person — which that person is shown."""

    person = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    actor = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    what = CharField()
    happened_at = DateTimeField(default=utcnow, index=True)
    # A change the company's directory made over SCIM (``actor`` empty too).
    via = CharField(default="")


class ReportingLine(BaseModel):
    manager = ForeignKeyField(User, backref="reporting_lines_managed")
    employee = ForeignKeyField(User, backref="reporting_lines")
    starts_on = DateField()
    ends_on = DateField(null=True)

    @classmethod
    def current_on(cls, day):
        return cls.select().where(
            (cls.starts_on <= day) & (cls.ends_on.is_null() | (cls.ends_on >= day))
        )


class Handoff(BaseModel):
    """What an employee carries over to the manager of a new reporting line: their
    goals, development plan and feedback from before the line began, each their own
    choice. Until they choose, the manager sees the titles of their agreed goals and
    nothing else of that earlier content."""

    SCOPES = ("goals", "plan", "feedback")

    line = ForeignKeyField(ReportingLine, unique=True, backref="+", on_delete="CASCADE")
    # What was written before this moment is the employee's earlier content: the later
    # of the line's first day and the moment it was entered, so a line entered with a
    # start date in the past does not open the months before it.
    content_since = DateTimeField()
    carries_goals = BooleanField(default=False)
    carries_plan = BooleanField(default=False)
    carries_feedback = BooleanField(default=False)
    decided_at = DateTimeField(null=True)
    # The employee chose (rather than the upgrade, which kept what managers already
    # saw): the manager's reads of what was carried over are then recorded for them.
    chosen_by_employee = BooleanField(default=False)

    def carries(self, scope):
        return getattr(self, f"carries_{scope}")


class OneOnOne(BaseModel):
    """The private space of one manager–report pair."""

    CADENCES = {"weekly": "Every week", "biweekly": "Every two weeks", "monthly": "Every month"}

    manager = ForeignKeyField(User, backref="one_on_ones_managed")
    employee = ForeignKeyField(User, backref="one_on_ones")
    cadence = CharField(default="weekly")
    weekday = IntegerField(default=1)  # Monday is 0
    time_of_day = TimeField(default=datetime.time(10, 0))
    duration_minutes = IntegerField(default=30)
    timezone = CharField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("manager", "employee"), True),)

    def other(self, user):
        return self.employee if user.id == self.manager_id else self.manager


class Meeting(BaseModel):
    one_on_one = ForeignKeyField(OneOnOne, backref="meetings", on_delete="CASCADE")
    # Wall-clock time in the pair's timezone: "10:00 every Tuesday" survives DST.
    scheduled_for = DateTimeField()
    # Set when someone moved this one meeting: the cadence time it had before. The
    # rhythm goes on from that time, not from the day it was moved to.
    moved_from = DateTimeField(null=True)
    status = CharField(default="upcoming")  # upcoming | done | skipped
    shared_notes = TextField(default="")
    shared_notes_version = IntegerField(default=1)
    completed_at = DateTimeField(null=True)
    completed_by = ForeignKeyField(User, null=True, backref="+")
    skipped_at = DateTimeField(null=True)
    skipped_by = ForeignKeyField(User, null=True, backref="+")
    # Counts changes of time or status, for calendars: a feed's SEQUENCE must grow
    # with each, or calendar apps keep the old time.
    schedule_version = IntegerField(default=0)

    class Meta:
        indexes = ((("one_on_one", "scheduled_for"), True),)

    @property
    def is_done(self):
        return self.status == "done"

    @property
    def is_skipped(self):
        return self.status == "skipped"

    @property
    def is_closed(self):
        """Held or skipped: nothing more is added to it."""
        return self.status != "upcoming"

    @property
    def cadence_time(self):
        return self.moved_from or self.scheduled_for

    @classmethod
    def open(cls):
        return cls.select().where(cls.status == "upcoming")


class TalkingPoint(BaseModel):
    meeting = ForeignKeyField(Meeting, backref="talking_points", on_delete="CASCADE")
    author = ForeignKeyField(User, backref="+")
    text = TextField()
    position = IntegerField()
    discussed = BooleanField(default=False)
    # Unique: a point is carried forward at most once, however often completion runs.
    carried_from = ForeignKeyField(
        "self", null=True, unique=True, backref="carried_to", on_delete="SET NULL"
    )
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)


class PrivateNote(BaseModel):
    """Seen by its author only. Never joined into a shared query, never published."""

    meeting = ForeignKeyField(Meeting, backref="+", on_delete="CASCADE")
    author = ForeignKeyField(User, backref="+")
    body = TextField(default="")
    # The same note can be open in two places (two tabs, the meeting page and "This
    # week", or a skipped meeting's note joining it): a save names what it was based on.
    version = IntegerField(default=1)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("meeting", "author"), True),)


class ActionItem(BaseModel):
    one_on_one = ForeignKeyField(OneOnOne, backref="action_items", on_delete="CASCADE")
    owner = ForeignKeyField(User, backref="+")
    created_by = ForeignKeyField(User, backref="+")
    text = TextField()
    due = DateField(null=True)
    done_at = DateTimeField(null=True)
    raised_in_meeting = ForeignKeyField(Meeting, null=True, backref="action_items_raised")
    done_in_meeting = ForeignKeyField(Meeting, null=True, backref="action_items_done")
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)

    @classmethod
    def open(cls):
        return cls.select().where(cls.done_at.is_null())

    def is_overdue(self, today):
        return is_overdue(self.done_at, self.due, today)


class MeetingPresence(BaseModel):
    """One open, live meeting page: who has it open, refreshed at every heartbeat of
    its stream. Kept in the database so every server process sees everyone's."""

    meeting = ForeignKeyField(Meeting, backref="+", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    stream = CharField(unique=True)
    seen_at = DateTimeField(default=utcnow, index=True)


class Objective(BaseModel):
    """A team or company objective that goals align to. Its title and how many goals
    align to it are for everyone; the goals themselves are not."""

    title = CharField()
    owner = ForeignKeyField(User, backref="+")
    period = CharField()
    created_by = ForeignKeyField(User, backref="+")
    created_at = DateTimeField(default=utcnow)
    archived_at = DateTimeField(null=True)


class Goal(BaseModel):
    """A goal of the employee's, agreed by them and their manager. It belongs to the
    employee and outlives a change of manager. ``version`` counts the versions of its
    terms (each kept in GoalVersion); an agreement is to one version."""

    employee = ForeignKeyField(User, backref="goals", on_delete="CASCADE")
    title = CharField()
    why = TextField(default="")
    objective = ForeignKeyField(Objective, null=True, backref="goals", on_delete="SET NULL")
    due = DateField()
    measure = CharField()  # number | milestones
    unit = CharField(default="")
    start_value = FloatField(null=True)
    target_value = FloatField(null=True)
    status = CharField(default="proposed")  # proposed | agreed | achieved | dropped
    version = IntegerField(default=1)
    agreed_by_employee_at = DateTimeField(null=True)
    agreed_by_manager_at = DateTimeField(null=True)
    # A manager's agreement counts while they are the manager: a new manager agrees
    # afresh to what was not yet agreed by both.
    manager_who_agreed = ForeignKeyField(User, null=True, backref="+")
    # What the other person is shown as changed is measured from here.
    last_agreed_version = IntegerField(null=True)
    # Closing needs both as well: one proposes, the other agrees.
    closing_as = CharField(null=True)  # achieved | dropped
    closing_reason = TextField(default="")
    closing_proposed_by = ForeignKeyField(User, null=True, backref="+")
    closed_at = DateTimeField(null=True)
    created_by = ForeignKeyField(User, backref="+")
    created_at = DateTimeField(default=utcnow)

    @property
    def is_closed(self):
        return self.status in ("achieved", "dropped")


class GoalVersion(BaseModel):
    """The terms of a goal as one version had them, and who wrote that version."""

    goal = ForeignKeyField(Goal, backref="versions", on_delete="CASCADE")
    number = IntegerField()
    title = CharField()
    why = TextField()
    objective = ForeignKeyField(Objective, null=True, backref="+", on_delete="SET NULL")
    due = DateField()
    measure = CharField()
    unit = CharField()
    start_value = FloatField(null=True)
    target_value = FloatField(null=True)
    milestones = TextField(default="")  # one title a line
    written_by = ForeignKeyField(User, backref="+")
    written_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("goal", "number"), True),)


class Milestone(BaseModel):
    goal = ForeignKeyField(Goal, backref="milestones", on_delete="CASCADE")
    title = CharField()
    position = IntegerField()
    done_at = DateTimeField(null=True)


class CheckIn(BaseModel):
    """Progress recorded by either person: the value reached (or milestones done by
    then), how confident they are, and a note; optionally made in a meeting."""

    CONFIDENCES = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track"}

    goal = ForeignKeyField(Goal, backref="check_ins", on_delete="CASCADE")
    author = ForeignKeyField(User, backref="+")
    value = FloatField()
    confidence = CharField()
    note = TextField(default="")
    meeting = ForeignKeyField(Meeting, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)


class DevelopmentPlan(BaseModel):
    """The employee's development plan, shaped by them and their manager: where they
    want to be in one to three years, their strengths, what they want to grow. One per
    employee; it outlives a change of manager. ``version`` guards against lost edits."""

    employee = ForeignKeyField(User, backref="+", unique=True, on_delete="CASCADE")
    aspiration = TextField(default="")
    strengths = TextField(default="")
    growth_areas = TextField(default="")
    version = IntegerField(default=0)
    updated_by = ForeignKeyField(User, null=True, backref="+")
    updated_at = DateTimeField(null=True)


class PlanStep(BaseModel):
    """One step of a development plan: a skill to build, a training, a stretch
    assignment, mentoring or reading, with a target date and where it stands."""

    KINDS = {
        "skill": "Skill",
        "training": "Training",
        "stretch": "Stretch assignment",
        "mentoring": "Mentoring",
        "reading": "Reading",
    }
    STATUSES = {
        "planned": "Planned",
        "in_progress": "In progress",
        "done": "Done",
        "dropped": "Dropped",
    }

    plan = ForeignKeyField(DevelopmentPlan, backref="steps", on_delete="CASCADE")
    kind = CharField()
    title = CharField()
    target_date = DateField(null=True)
    status = CharField(default="planned")
    goal = ForeignKeyField(Goal, null=True, backref="+", on_delete="SET NULL")
    notes = TextField(default="")
    version = IntegerField(default=1)
    created_by = ForeignKeyField(User, backref="+")
    created_at = DateTimeField(default=utcnow)

    @property
    def is_open(self):
        return self.status in ("planned", "in_progress")


class PlanChange(BaseModel):
    """The history of a plan: who changed what, when, from what to what. A removed
    step keeps its history under the title it had."""

    plan = ForeignKeyField(DevelopmentPlan, backref="changes", on_delete="CASCADE")
    step = ForeignKeyField(PlanStep, null=True, backref="+", on_delete="SET NULL")
    step_title = CharField(default="")
    # When the step was added: kept after it is removed, so a manager shown only what
    # came after a handoff's cut sees the whole history of the steps added since.
    step_created_at = DateTimeField(null=True)
    what = CharField()  # a field name, or "added" / "removed" for a whole step
    before = TextField(default="")
    after = TextField(default="")
    author = ForeignKeyField(User, backref="+")
    changed_at = DateTimeField(default=utcnow)


class Feedback(BaseModel):
    """Praise or a suggestion between an employee and their manager, in either
    direction. It belongs to the employee's space (``employee``). A draft
    (``sent_at`` empty) is its giver's alone; once sent it can be corrected — every
    earlier wording is kept in FeedbackRevision — but not silently rewritten."""

    KINDS = {"praise": "Praise", "suggestion": "Suggestion"}

    employee = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    giver = ForeignKeyField(User, backref="+")
    receiver = ForeignKeyField(User, backref="+")
    kind = CharField()
    body = TextField()
    meeting = ForeignKeyField(Meeting, null=True, backref="+", on_delete="SET NULL")
    goal = ForeignKeyField(Goal, null=True, backref="+", on_delete="SET NULL")
    step = ForeignKeyField(PlanStep, null=True, backref="+", on_delete="SET NULL")
    # Praise can carry a win, recorded when the praise is sent.
    win_title = CharField(default="")
    created_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)
    edited_at = DateTimeField(null=True)
    version = IntegerField(default=1)

    @property
    def is_draft(self):
        return self.sent_at is None

    @property
    def is_upward(self):
        return self.giver_id == self.employee_id


class FeedbackRevision(BaseModel):
    """A wording of sent feedback before a correction."""

    feedback = ForeignKeyField(Feedback, backref="revisions", on_delete="CASCADE")
    body = TextField()
    written_at = DateTimeField()


class Win(BaseModel):
    """Recognition of something the employee achieved, optionally for a goal, and
    possibly recorded with the praise that recognised it."""

    employee = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    title = CharField()
    details = TextField(default="")
    achieved_on = DateField()
    goal = ForeignKeyField(Goal, null=True, backref="+", on_delete="SET NULL")
    feedback = ForeignKeyField(Feedback, null=True, backref="wins", on_delete="SET NULL")
    recorded_by = ForeignKeyField(User, backref="+")
    recorded_at = DateTimeField(default=utcnow)


class Grant(BaseModel):
    """An employee's consent for one person to read one part of their data until
    ``expires_at``: their goals, development plan, feedback, or the meeting records of
    one of their one-on-ones (never private notes). Revocable at any moment."""

    SCOPES = {
        "goals": "Goals",
        "plan": "Development plan",
        "feedback": "Feedback",
        "meetings": "Meeting records",
    }

    employee = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    grantee = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    scope = CharField()
    one_on_one = ForeignKeyField(OneOnOne, null=True, backref="+", on_delete="CASCADE")
    message = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    revoked_at = DateTimeField(null=True)

    def is_active(self, now):
        return self.revoked_at is None and self.expires_at > now


class AccessRecord(BaseModel):
    """A read of an employee's data by someone other than the two people of the pair —
    a grantee, a former manager. The employee sees every one."""

    actor = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    employee = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    what = CharField()
    path = CharField(default="")
    grant = ForeignKeyField(Grant, null=True, backref="reads", on_delete="SET NULL")
    # A manager's read of what the employee carried over to them at the handoff.
    through_handoff = BooleanField(default=False)
    read_at = DateTimeField(default=utcnow)


class LoginFailure(BaseModel):
    """A failed sign-in, kept for a while to slow down password guessing. In the
    database, not in a process's memory, so every server process counts the same."""

    email = CharField(index=True)
    address = CharField(index=True)
    failed_at = DateTimeField(default=utcnow, index=True)


class AdminAction(BaseModel):
    """Something an administrator (or the command line, ``actor`` empty) did to
    accounts or reporting lines: the administrators' own audit trail."""

    actor = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    action = CharField()
    subject = CharField(default="")
    done_at = DateTimeField(default=utcnow, index=True)
    # A change the company's directory made: which of its tokens it signed with.
    via = CharField(default="")


class ScimToken(BaseModel):
    """A bearer token with which the company's directory keeps people and reporting
    lines in step over SCIM. Only a hash is kept: the token is shown once, when made."""

    name = CharField()
    token_hash = CharField(unique=True)
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)


class Question(BaseModel):
    """A talking point someone keeps in their own question bank, beside the built-in
    ones, to add to an agenda with one click. Seen by its owner only."""

    owner = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    theme = CharField()
    text = TextField()
    created_at = DateTimeField(default=utcnow)


class CalendarFeed(BaseModel):
    """The secret address of one person's calendar of upcoming one-on-ones. A new
    token replaces the old one; removing the row turns the feed off."""

    user = ForeignKeyField(User, unique=True, backref="+", on_delete="CASCADE")
    token = CharField(unique=True)
    created_at = DateTimeField(default=utcnow)


class DigestSent(BaseModel):
    """One weekly digest mailed: a scheduler that runs the command twice in a week
    sends nobody a second mail."""

    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    week_of = DateField()
    sent_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "week_of"), True),)


MODELS = [
    User,
    UserSession,
    PasswordLink,
    AccountEvent,
    ReportingLine,
    Handoff,
    OneOnOne,
    Meeting,
    TalkingPoint,
    PrivateNote,
    ActionItem,
    MeetingPresence,
    Objective,
    Goal,
    GoalVersion,
    Milestone,
    CheckIn,
    DevelopmentPlan,
    PlanStep,
    PlanChange,
    Feedback,
    FeedbackRevision,
    Win,
    Grant,
    AccessRecord,
    LoginFailure,
    AdminAction,
    ScimToken,
    Question,
    CalendarFeed,
    DigestSent,
]
