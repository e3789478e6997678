"""A person's own account: the one-time links with which they choose their password,
what was done to their account and reporting lines, and where they signed in.

Nobody but the person ever holds their password: a new account and a reset give a
link, never a password, and only a hash of the link's token is stored. An
administrator can create a link (and, without mail, pass it on), so the person is
shown who did and every sign-in since: a link used by someone else does not go
unseen. Each person alone sees their own events and sign-ins."""

import datetime
import hashlib
import secrets
from email.message import EmailMessage

from peewee import JOIN

from pmweb.db import insert_rows, write_transaction
from pmweb.models import AccountEvent, PasswordLink, User, UserSession, utcnow
from pmweb.passwords import hash_password

# Long enough for a welcome mail read after a weekend; a reset is asked for and used
# at once, so its link is a short-lived credential.
LINK_LIFETIME = {
    "welcome": datetime.timedelta(days=7),
    "reset": datetime.timedelta(hours=24),
}

SIGN_INS_SHOWN = 50
EVENTS_SHOWN = 100


class LinkUnusable(Exception):
    """The link is unknown, used or expired; the message says what to do."""


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def record_event(person_id, actor_id, what, now=None, via=""):
    """Tell ``person_id`` that ``actor_id`` (None: the command line, or the company's
    directory ``via`` SCIM) did ``what``."""
    AccountEvent.create(
        person=person_id, actor=actor_id, what=what[:250], happened_at=now or utcnow(), via=via
    )


def record_events(told, actor_id, via=""):
    """Tell each ``(person_id, what)`` in ``told`` that ``actor_id`` did it, at once."""
    now = utcnow()
    insert_rows(
        AccountEvent,
        [
            {
                "person": person_id,
                "actor": actor_id,
                "what": what[:250],
                "happened_at": now,
                "via": via,
            }
            for person_id, what in told
        ],
    )


def issue_password_link(user, purpose, by_id, now=None):
    """A new one-time link for ``user`` to choose their password; returns its token.
    Every earlier unused link of theirs stops working (a welcome link is an account's
    first). A reset also ends the old password and every session: whoever asked for
    it may have had reason to."""
    assert purpose in PasswordLink.PURPOSES
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    with write_transaction():
        if purpose != "welcome":
            PasswordLink.update(expires_at=now).where(
                (PasswordLink.user == user.id) & PasswordLink.used_at.is_null()
            ).execute()
        PasswordLink.create(**_link_row(user.id, token, purpose, by_id, now))
        if purpose == "reset":
            User.update(password_hash="").where(User.id == user.id).execute()
            end_sessions_of(user.id)
            record_event(user.id, by_id, "Reset your password; a link to choose a new one", now)
    return token


def issue_welcome_links(users, by_id):
    """A welcome link for each of ``users``, accounts just made, in a few statements:
    {user id: token}."""
    now = utcnow()
    tokens = {user.id: secrets.token_urlsafe(32) for user in users}
    insert_rows(
        PasswordLink,
        [_link_row(user_id, token, "welcome", by_id, now) for user_id, token in tokens.items()],
    )
    return tokens


def _link_row(user_id, token, purpose, by_id, now):
    return {
        "user": user_id,
        "token_hash": _token_hash(token),
        "purpose": purpose,
        "created_by": by_id,
        "created_at": now,
        "expires_at": now + LINK_LIFETIME[purpose],
    }


def password_link_mail(user, url, purpose, expires_at, sender):
    """The mail that takes a one-time link to its person, and nobody else."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = user.email
    if purpose == "welcome":
        mail["Subject"] = "Your pmweb account: choose your password"
        opening = "An account on pmweb has been made for you."
    else:
        mail["Subject"] = "Your pmweb password was reset"
        opening = "Your pmweb password was reset: the old one no longer works."
    mail.set_content(
        f"Hello {user.first_name},\n\n{opening}\n\n"
        f"Choose your password here (the link works once, until "
        f"{expires_at:%d %b %Y, %H:%M} UTC):\n{url}\n\n"
        "If you did not expect this, tell your administrator. Your account page shows "
        "every change to your account and every sign-in.\n"
    )
    return mail


def usable_link(token, now=None):
    """The unused, unexpired link behind ``token``, or None."""
    return (
        PasswordLink.select(PasswordLink, User)
        .join(User)
        .where(
            (PasswordLink.token_hash == _token_hash(token))
            & PasswordLink.used_at.is_null()
            & (PasswordLink.expires_at > (now or utcnow()))
            & User.deactivated_at.is_null()
        )
        .first()
    )


def choose_password(token, password, now=None):
    """The person behind a link sets their password: once, before it expires. Ends
    every session they had. Returns the user."""
    now = now or utcnow()
    with write_transaction():
        link = usable_link(token, now)
        claimed = (
            link is not None
            and PasswordLink.update(used_at=now)
            .where((PasswordLink.id == link.id) & PasswordLink.used_at.is_null())
            .execute()
        )
        if not claimed:
            raise LinkUnusable(
                "This link has already been used or has expired. "
                "Ask your administrator for a new one."
            )
        User.update(password_hash=hash_password(password)).where(User.id == link.user_id).execute()
        end_sessions_of(link.user_id)
        # Whoever made the link may have used it: the event names them, so a password
        # chosen by someone else is seen for what it is.
        made_by = User.get_or_none(User.id == link.created_by_id) if link.created_by_id else None
        record_event(
            link.user_id,
            link.user_id,
            "Chose a password with a one-time link"
            + (" (a new account)" if link.purpose == "welcome" else " (after a reset)")
            + f" made by {made_by.name if made_by else 'the command line'}",
            now,
        )
    return link.user


def end_sessions_of(user_id, keep_token=None):
    """Ends every session of a user (but ``keep_token``'s): on deactivation and on
    every password change."""
    UserSession.update(ended_at=utcnow()).where(
        (UserSession.user == user_id)
        & UserSession.ended_at.is_null()
        & (UserSession.token != (keep_token or ""))
    ).execute()


Actor = User.alias("actor")


def events_of(user, since=None):
    """What was done to the person's account and reporting lines, newest first."""
    query = (
        AccountEvent.select(AccountEvent, Actor)
        .join(Actor, JOIN.LEFT_OUTER, on=(AccountEvent.actor == Actor.id), attr="actor")
        .where(AccountEvent.person == user.id)
        .order_by(AccountEvent.happened_at.desc(), AccountEvent.id.desc())
        .limit(EVENTS_SHOWN)
    )
    if since is not None:
        query = query.where(AccountEvent.happened_at >= since)
    return list(query)


def sign_ins_of(user):
    """The person's sign-ins, newest first: when, from where, with what browser."""
    return list(
        UserSession.select()
        .where(UserSession.user == user.id)
        .order_by(UserSession.created_at.desc(), UserSession.id.desc())
        .limit(SIGN_INS_SHOWN)
    )
