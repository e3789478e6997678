"""How people sign in, and as whom: with a password, through the company's identity
provider, or either; and which account an identity the provider vouches for opens.

A person is known to the provider by its ``sub``, which it never changes or hands to
someone else; an email address can change hands (a name change, a leaver's address
given to a newcomer). So:

- An identity opens the account linked to its ``sub``, whatever email it now has.
- Only an account with no ``sub`` yet is linked by email, and only by an address the
  provider says is verified: an account once linked is never opened by another ``sub``,
  so a changed or reused address never hands one person's one-on-ones to another.
- A deactivated account stays closed, and so does an address outside the allowed
  domains — also for someone already linked.
- Someone unknown gets an account only when the settings say so."""

from dataclasses import dataclass

from flask import abort, current_app

from pmweb.models import User


def passwords_in_use():
    """Whether pmweb signs anyone in by password, and so offers passwords at all."""
    return bool(current_app.config["PASSWORD_SIGN_IN"])


def require_passwords():
    # Without passwords, every page about them is not there.
    if not passwords_in_use():
        abort(404)


def single_sign_on():
    """The identity provider's settings (``pmweb.sso.SsoSettings``), or None."""
    return current_app.extensions.get("pmweb_sso_settings")


def require_single_sign_on():
    if single_sign_on() is None:
        abort(404)


@dataclass(frozen=True)
class Identity:
    """What the provider vouched for in a verified ID token."""

    subject: str
    email: str
    email_verified: bool
    name: str
    # None when no admin claim is configured: pmweb then leaves administration alone.
    is_admin: bool | None = None


@dataclass(frozen=True)
class SsoDecision:
    """Which account an identity opens: ``person`` (found by ``sub`` or to be linked
    to it), a new one (``creates``), or none (``refusal`` says why)."""

    person: User | None = None
    links: bool = False
    creates: bool = False
    refusal: str | None = None

    @property
    def refused(self):
        return self.refusal is not None


def _domain_of(email):
    return email.rpartition("@")[2]


def decide_sso_sign_in(identity, settings):
    """The decision for ``identity`` under ``settings`` (see the module docstring). Reads
    the accounts as they are now: call it inside the transaction that acts on it."""
    label = settings.provider_name
    if not identity.subject:
        return SsoDecision(refusal=f"{label} did not say who you are. Try again.")
    if not identity.email or "@" not in identity.email:
        return SsoDecision(
            refusal=f"{label} sent no email address for you, and pmweb needs one. "
            "Ask your administrator."
        )
    if settings.email_domains and _domain_of(identity.email) not in settings.email_domains:
        return SsoDecision(
            refusal=f"Addresses at {_domain_of(identity.email)} cannot sign in to pmweb. "
            "Sign in with your company account."
        )
    person = User.get_or_none(User.sso_subject == identity.subject)
    if person is None:
        if not identity.email_verified:
            return SsoDecision(
                refusal=f"{label} has not verified your email address {identity.email}, "
                "so pmweb cannot tell which account is yours. Ask your administrator."
            )
        person = User.get_or_none(User.email == identity.email)
        if person is not None and person.sso_subject is not None:
            # The address belongs to an account another identity signs in to.
            return SsoDecision(
                refusal=f"The account for {identity.email} signs in with a different "
                f"{label} account. Ask your administrator."
            )
        if person is None:
            if not settings.create_accounts:
                return SsoDecision(
                    refusal=f"pmweb has no account for {identity.email}. "
                    "Ask your administrator to add you."
                )
            return SsoDecision(creates=True)
        if not person.is_active:
            return _deactivated()
        return SsoDecision(person=person, links=True)
    if not person.is_active:
        return _deactivated()
    return SsoDecision(person=person)


def _deactivated():
    return SsoDecision(
        refusal="Your pmweb account is deactivated. Ask your administrator if that is a mistake."
    )
