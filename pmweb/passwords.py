"""Password hashing (argon2id) and the rules a new password must meet."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_LENGTH = 12
MAX_LENGTH = 256

# Verifying against this keeps the time of a failed sign-in the same whether or not
# the email exists.
_UNKNOWN_USER_HASH = _hasher.hash("pmweb-no-such-user")


def hash_password(password):
    return _hasher.hash(password)


def verify_password(password_hash, password):
    """True if ``password`` is the one behind ``password_hash``. An account without a
    password (its person has not chosen one yet, or it was reset) matches nothing, in
    the same time as one with a password."""
    try:
        matches = _hasher.verify(password_hash or _UNKNOWN_USER_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return matches and bool(password_hash)


def password_problem(password):
    """A sentence saying what is wrong with a new password, or None."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if password.strip() != password:
        return "Don't start or end a password with a space."
    return None
