"""The bearer tokens of SCIM provisioning: made and revoked by administrators, kept only
as a hash, shown once."""

import secrets

from pmweb.access.directory import token_hash
from pmweb.models import ScimToken, utcnow
from pmweb.org import service as org


def make_token(name, by):
    """A new token called ``name`` (which directory it is for); returns it with the
    token itself, which nothing keeps after this."""
    token = secrets.token_urlsafe(32)
    row = ScimToken.create(name=name.strip(), token_hash=token_hash(token), created_by=by.id)
    org.log_admin_action(by, "Made a SCIM token", row.name)
    return row, token


def revoke_token(row, by):
    """The token stops working at once, in every process: each request looks it up."""
    changed = (
        ScimToken.update(revoked_at=utcnow())
        .where((ScimToken.id == row.id) & ScimToken.revoked_at.is_null())
        .execute()
    )
    if changed:
        org.log_admin_action(by, "Revoked a SCIM token", row.name)


def tokens():
    return ScimToken.select().order_by(
        ScimToken.revoked_at.is_null(False), ScimToken.created_at.desc()
    )
