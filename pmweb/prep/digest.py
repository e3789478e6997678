"""The weekly digest mail: each person with a current one-on-one gets one mail a week
(``flask --app pmweb digest``, run by a scheduler) listing their one-on-one meetings of
that week — day, time, the other person, a link — and, per one-on-one, how many action
items are open and overdue and how many of those are their own.

Who gets one: every active account with a current one-on-one, and nothing about any
other pair than their own (``pmweb.access`` picks the pairs). Deactivated accounts and
people without a current one-on-one get nothing.

What it never holds: talking points, shared or private notes, action item texts, goals,
feedback, development plans. Mail leaves pmweb's access control for good — it is
forwarded, kept on mail servers, shown on lock screens — so it carries times, names,
numbers and links, and the reading happens in pmweb after signing in. The queries here
do not even load those texts.

A person gets at most one digest per week (``DigestSent``), however often the command
runs; ``--force`` sends again."""

import dataclasses
import datetime
import smtplib
import ssl
import sys
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import click
import jinja2
from flask import current_app
from peewee import Case, fn

from pmweb import access, formatting
from pmweb.db import with_connection
from pmweb.meetings import queries as meeting_queries
from pmweb.meetings import service as meetings
from pmweb.meetings.schedule import as_utc
from pmweb.models import ActionItem, DigestSent, Meeting, OneOnOne, User, utcnow
from pmweb.prep.queries import midnight, week_of

WEEK = datetime.timedelta(days=7)


# --- what one person's digest says ------------------------------------------------


class Links:
    """Absolute addresses of pmweb's pages for a mail, built from the routes themselves
    and ``BASE_URL`` (which may include a path, e.g. ``https://example.com/pmweb``)."""

    def __init__(self, url_map, base_url):
        parts = urlsplit(base_url)
        self._adapter = url_map.bind(
            parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
        )

    def meeting(self, meeting_id):
        return self._build("meetings.meeting", meeting_id=meeting_id)

    def this_week(self):
        return self._build("prep.this_week")

    def password_link(self, token):
        return self._build("auth.password_link", token=token)

    def _build(self, endpoint, **values):
        return self._adapter.build(endpoint, values, force_external=True)


@dataclasses.dataclass(frozen=True)
class DigestMeeting:
    at: datetime.datetime  # wall-clock time in ``timezone``, the pair's
    timezone: str
    other_name: str
    url: str
    held: bool

    @property
    def when(self):
        # The zone's abbreviation: a mail is read wherever the reader is, and pairs
        # may meet in different zones.
        zone = self.at.replace(tzinfo=ZoneInfo(self.timezone)).tzname()
        return f"{formatting.day(self.at)}, {formatting.time(self.at)} {zone}"


@dataclasses.dataclass(frozen=True)
class PairCounts:
    """How many of a one-on-one's action items are open and overdue — numbers only."""

    other_name: str
    open: int
    overdue: int
    own_open: int
    own_overdue: int


@dataclasses.dataclass(frozen=True)
class Digest:
    user: User
    week_of: datetime.date
    meetings: list[DigestMeeting]
    pairs: list[PairCounts]
    this_week_url: str

    @property
    def week(self):
        """ "23–29 Nov", or "30 Nov – 6 Dec" across a month's end."""
        sunday = self.week_of + datetime.timedelta(days=6)
        if sunday.month == self.week_of.month:
            return f"{self.week_of.day}–{formatting.short_day(sunday)}"
        return f"{formatting.short_day(self.week_of)} – {formatting.short_day(sunday)}"

    @property
    def subject(self):
        return f"Your one-on-ones this week ({self.week})"

    def text(self):
        lines = [f"Hello {self.user.first_name},", ""]
        if self.meetings:
            lines.append(f"Your one-on-one meetings this week ({self.week}):")
            for meeting in self.meetings:
                held = " (held)" if meeting.held else ""
                lines += [f"- {meeting.when} with {meeting.other_name}{held}", f"  {meeting.url}"]
        else:
            lines.append(f"No one-on-one meetings are planned this week ({self.week}).")
        lines += ["", "Action items:"]
        lines += [f"- With {pair.other_name}: {_counts(pair)}" for pair in self.pairs]
        lines += ["", "Prepare on your This week page:", self.this_week_url, "", "-- ", FOOTER]
        return "\n".join(lines) + "\n"

    def html(self):
        return HTML.render(digest=self, counts=_counts)


def _counts(pair):
    return (
        f"{pair.open} open ({pair.own_open} yours), "
        f"{pair.overdue} overdue ({pair.own_overdue} yours)"
    )


FOOTER = (
    "pmweb sends this summary once a week. Talking points, notes and goals stay in "
    "pmweb: sign in to read them."
)

# Autoescaped: names are typed by people and must never become markup in a mail.
HTML = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
    """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ digest.subject }}</title></head>
<body style="font-family: sans-serif; line-height: 1.5">
<p>Hello {{ digest.user.first_name }},</p>
{% if digest.meetings %}
<p>Your one-on-one meetings this week ({{ digest.week }}):</p>
<ul>
{% for meeting in digest.meetings %}
<li><a href="{{ meeting.url }}">{{ meeting.when }}</a> with {{ meeting.other_name }}
{%- if meeting.held %} (held){% endif %}</li>
{% endfor %}
</ul>
{% else %}
<p>No one-on-one meetings are planned this week ({{ digest.week }}).</p>
{% endif %}
<p>Action items:</p>
<ul>
{% for pair in digest.pairs %}
<li>With {{ pair.other_name }}: {{ counts(pair) }}</li>
{% endfor %}
</ul>
<p><a href="{{ digest.this_week_url }}">Prepare on your This week page</a></p>
<p style="color: #666; font-size: small">{{ footer }}</p>
</body>
</html>
""",
    globals={"footer": FOOTER},
)


def compose(user, pairs, week_of, links):
    """``user``'s digest for the week starting on Monday ``week_of``, of ``pairs``:
    their current one-on-ones, from ``pmweb.access``. Held meetings of the week are
    listed as held (the command may run mid-week); skipped ones are left out. Items
    are overdue as of each pair's own date, which can be a day off the server's for
    far-away pairs."""
    by_id = {pair.id: pair for pair in pairs}
    counts_of = _action_counts(user, meetings.local_dates(pairs))
    start = midnight(week_of)
    # Only the columns the mail needs: the meeting's shared notes are not even loaded.
    week = (
        Meeting.select(Meeting.id, Meeting.one_on_one, Meeting.scheduled_for, Meeting.status)
        .where(
            Meeting.one_on_one.in_(list(by_id))
            & (Meeting.scheduled_for >= start)
            & (Meeting.scheduled_for < start + WEEK)
            & (Meeting.status != "skipped")
        )
        .order_by(Meeting.scheduled_for)
    )
    listed = [
        DigestMeeting(
            at=meeting.scheduled_for,
            timezone=by_id[meeting.one_on_one_id].timezone,
            other_name=by_id[meeting.one_on_one_id].other(user).name,
            url=links.meeting(meeting.id),
            held=meeting.status == "done",
        )
        for meeting in week
    ]
    counts = [
        PairCounts(pair.other(user).name, *counts_of.get(pair.id, (0, 0, 0, 0))) for pair in pairs
    ]
    return Digest(
        user=user,
        week_of=week_of,
        meetings=sorted(listed, key=lambda meeting: as_utc(meeting.at, meeting.timezone)),
        pairs=sorted(counts, key=lambda pair: pair.other_name.casefold()),
        this_week_url=links.this_week(),
    )


def _action_counts(user, today_of):
    """Per one-on-one, in one query: (open, overdue, open of ``user``'s own, overdue of
    their own) action items."""

    def how_many(condition):
        return fn.SUM(Case(None, [(condition, 1)], 0))

    overdue = meeting_queries.overdue_on(today_of)
    own = ActionItem.owner == user.id
    rows = (
        ActionItem.select(
            ActionItem.one_on_one,
            fn.COUNT(ActionItem.id),
            how_many(overdue),
            how_many(own),
            how_many(own & overdue),
        )
        .where(ActionItem.one_on_one.in_(list(today_of)) & ActionItem.done_at.is_null())
        .group_by(ActionItem.one_on_one)
        .tuples()
    )
    return {pair_id: tuple(int(n or 0) for n in numbers) for pair_id, *numbers in rows}


def message(digest, sender):
    """The digest as a mail: plain text, with an HTML alternative."""
    mail = EmailMessage()
    mail["Subject"] = digest.subject
    mail["From"] = sender
    mail["To"] = Address(display_name=digest.user.name, addr_spec=digest.user.email)
    mail["Date"] = formatdate(localtime=True)
    # make_msgid() would otherwise ask DNS for this host's name.
    mail["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or "pmweb")
    # RFC 3834: out-of-office replies are not sent back to an automatic mail.
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(digest.text())
    mail.add_alternative(digest.html(), subtype="html")
    return mail


# --- handing mail to the SMTP server ----------------------------------------------


class MailServerUnavailable(Exception):
    """The SMTP server can't be reached or refuses us: no mail can go out this run."""


@dataclasses.dataclass(frozen=True)
class MailSettings:
    server: str
    port: int
    username: str | None
    password: str | None
    use_starttls: bool
    use_ssl: bool
    sender: str
    timeout: float

    @classmethod
    def from_config(cls, config):
        def text(value):
            # From PMWEB_* variables a numeric password arrives as a number.
            return None if value in (None, "") else str(value)

        return cls(
            server=config["MAIL_SERVER"],
            port=int(config["MAIL_PORT"]),
            username=text(config["MAIL_USERNAME"]),
            password=text(config["MAIL_PASSWORD"]),
            use_starttls=bool(config["MAIL_USE_STARTTLS"]),
            use_ssl=bool(config["MAIL_USE_SSL"]),
            sender=config["MAIL_FROM"],
            timeout=float(config["MAIL_TIMEOUT"]),
        )


class Mailer:
    """One SMTP connection for a whole run, opened at the first mail. A mail the server
    refuses fails alone; a dropped connection is opened again for the next mail; a
    server that can't be reached at all raises ``MailServerUnavailable``."""

    def __init__(self, settings):
        self.settings = settings
        self._smtp = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._close()

    def send(self, mail):
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(mail)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException):
            raise  # the server answered: the connection serves the next mail
        except OSError:
            # Every other SMTP error is an OSError too: the connection is gone.
            self._close()
            raise

    def _connect(self):
        s = self.settings
        context = ssl.create_default_context()
        smtp = None
        try:
            if s.use_ssl:
                smtp = smtplib.SMTP_SSL(s.server, s.port, timeout=s.timeout, context=context)
            else:
                smtp = smtplib.SMTP(s.server, s.port, timeout=s.timeout)
                if s.use_starttls:
                    smtp.starttls(context=context)
            if s.username:
                smtp.login(s.username, s.password or "")
            return smtp
        except OSError as error:  # smtplib's errors are OSErrors
            if smtp is not None:
                smtp.close()
            raise MailServerUnavailable(
                f"could not reach the mail server {s.server}:{s.port}: {_reason(error)}"
            ) from error

    def _close(self):
        if self._smtp is None:
            return
        smtp, self._smtp = self._smtp, None
        try:
            smtp.quit()
        except OSError:
            smtp.close()


def _reason(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, answer = next(iter(error.recipients.values()))
        return f"the server refused the address ({code} {answer.decode(errors='replace')})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {error.smtp_error.decode(errors='replace')}"
    return str(error) or type(error).__name__


# --- one run of the command --------------------------------------------------------


@dataclasses.dataclass
class Run:
    """What a run did, for the command's report."""

    week_of: datetime.date
    sent: list = dataclasses.field(default_factory=list)
    already_sent: list = dataclasses.field(default_factory=list)
    failed: list = dataclasses.field(default_factory=list)  # (user, reason)
    unavailable: str | None = None


def recipients():
    """Active accounts that are in some one-on-one, by name. Whether one of those is
    current is asked of ``pmweb.access``."""
    in_a_pair = OneOnOne.select().where(
        (OneOnOne.manager == User.id) | (OneOnOne.employee == User.id)
    )
    return list(User.active().where(fn.EXISTS(in_a_pair)).order_by(User.name, User.id))


def send_digests(day, today, links, settings, force=False, dry_run=False):
    """Mails each recipient their digest of the week ``day`` is in, unless they already
    got it (``force``: again). ``dry_run`` sends and records nothing and lists in
    ``sent`` who would get one."""
    run = Run(week_of=week_of(day))
    already = {
        row.user_id
        for row in DigestSent.select(DigestSent.user).where(DigestSent.week_of == run.week_of)
    }
    with Mailer(settings) as mailer:
        for user in recipients():
            pairs = list(access.current_one_on_ones_of(user, today))
            if not pairs:
                continue
            if user.id in already and not force:
                run.already_sent.append(user)
            elif dry_run:
                run.sent.append(user)
            elif run.unavailable:
                run.failed.append((user, UNAVAILABLE))
            else:
                # The week's meetings exist even if nobody opened the pair's pages
                # lately.
                meetings.keep_planned(pairs)
                digest = compose(user, pairs, run.week_of, links)
                _send_one(run, mailer, digest, settings.sender, force)
    return run


UNAVAILABLE = "the mail server could not be reached"


def _send_one(run, mailer, digest, sender, force):
    user = digest.user
    # Claimed before sending, so two runs at once never both send it; a failure gives
    # the claim back. A forced resend records the week only once the mail went out.
    if not force and not _claim(user, run.week_of):
        run.already_sent.append(user)
        return
    try:
        mailer.send(message(digest, sender))
        failure = None
    except MailServerUnavailable as error:
        run.unavailable = str(error)
        failure = UNAVAILABLE
    except (OSError, ValueError, MessageError) as error:
        # The server refused this mail, the connection broke, or the person's name or
        # address can't go into a mail header: this person only.
        failure = _reason(error)
    if failure is None:
        if force:
            _record(user, run.week_of)
        run.sent.append(user)
    else:
        run.failed.append((user, failure))
        if not force:
            _unclaim(user, run.week_of)


def _claim(user, week):
    """Records the week's digest as sent to ``user``; False if it already was."""
    inserted = (
        DigestSent.insert(user=user.id, week_of=week).on_conflict_ignore().as_rowcount().execute()
    )
    return inserted == 1


def _unclaim(user, week):
    DigestSent.delete().where((DigestSent.user == user.id) & (DigestSent.week_of == week)).execute()


def _record(user, week):
    DigestSent.insert(user=user.id, week_of=week).on_conflict(
        conflict_target=[DigestSent.user, DigestSent.week_of],
        update={DigestSent.sent_at: utcnow()},
    ).execute()


# --- the command --------------------------------------------------------------------


def _people(count):
    return f"{count} digest" if count == 1 else f"{count} digests"


def register_cli(app):
    @app.cli.command("digest")
    @click.option(
        "--date",
        "day",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        help="A day of the week to send for (YYYY-MM-DD); today if not given.",
    )
    @click.option("--dry-run", is_flag=True, help="List who would get one; send nothing.")
    @click.option("--force", is_flag=True, help="Send again to those who already got it.")
    @with_connection
    def digest_command(day, dry_run, force):
        """Mail each person the digest of their one-on-ones this week, once a week."""
        today = access.today()
        run = send_digests(
            day.date() if day else today,
            today,
            Links(current_app.url_map, current_app.config["BASE_URL"]),
            MailSettings.from_config(current_app.config),
            force=force,
            dry_run=dry_run,
        )
        for user in run.sent if dry_run else []:
            click.echo(f"Would send to {user.name} <{user.email}>")
        if run.unavailable:
            click.echo(f"Error: {run.unavailable}", err=True)
        for user, reason in run.failed:
            click.echo(f"Not sent to {user.name} <{user.email}>: {reason}", err=True)
        if run.failed:
            click.echo("Those not sent get theirs when the command runs again.", err=True)
        parts = [f"{'Would send' if dry_run else 'Sent'} {_people(len(run.sent))}"]
        if run.failed:
            parts.append(f"{len(run.failed)} not sent")
        parts.append(
            f"{len(run.already_sent)} already sent for the week of "
            f"{formatting.short_day(run.week_of)}."
        )
        click.echo("; ".join(parts))
        if run.failed:
            sys.exit(1)
