"""What the company's directory reaches over SCIM: people's accounts and their reporting
lines, with a bearer token an administrator made. A session — anyone's, an
administrator's too — opens none of it, and no one-on-one content is ever part of it."""

import hashlib

from pmweb.access.admin import require_administrator
from pmweb.access.common import first_or_404
from pmweb.db import PreparedQuery
from pmweb.models import ScimToken, User

# Tokens are 43 characters (32 random bytes); anything much longer is not one of ours.
LONGEST_TOKEN = 100


def token_hash(token):
    """What is kept of a token. It is 256 random bits, so a plain hash is enough: there
    is nothing to guess that a slow hash would protect."""
    return hashlib.sha256(token.encode()).hexdigest()


def directory_token_from(authorization):
    """The unrevoked token an ``Authorization: Bearer …`` header carries, or None."""
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > LONGEST_TOKEN:
        return None
    return _unrevoked_token.first(token_hash(token))


# Every SCIM request looks up its token, and every change its person.
# A token works only while the administrator who made it still is one: someone who
# leaves, or is no longer an administrator, takes no copy of it with them.
@PreparedQuery
def _unrevoked_token(hashed: str):
    return (
        ScimToken.select()
        .join(User, on=(ScimToken.created_by == User.id))
        .where(
            (ScimToken.token_hash == hashed)
            & ScimToken.revoked_at.is_null()
            & User.is_admin
            & User.deactivated_at.is_null()
        )
    )


@PreparedQuery
def _person_for_directory(person_id: int):
    return people_visible_to_directory().where(User.id == person_id)


def person_for_directory(person_id):
    """The person with ``person_id`` as the directory sees people, or None."""
    return _person_for_directory.first(person_id)


def people_visible_to_directory():
    """Everyone but those the directory deleted: people added here or by an import are
    there too, so a directory connected later finds them by user name and takes them
    over instead of making second accounts."""
    return User.select().where(User.removed_by_directory_at.is_null())


def get_scim_token_for_administrator_or_404(user, token_id):
    require_administrator(user)
    return first_or_404(ScimToken.select().where(ScimToken.id == token_id))
