"""Passwords: the rules for a new one, argon2id hashing and constant-work verification."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from lib.i18n import _

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile


@dataclass(frozen=True)
class PasswordCheck:
    """The result of :func:`verify_password`; truthy only when the password matched.

    ``new_hash`` is set when the stored hash used outdated parameters and should
    be replaced by this one.
    """

    ok: bool
    new_hash: str | None = None

    def __bool__(self) -> bool:
        return self.ok


def validate_password(password: str) -> None:
    """Raise ValueError unless ``password`` is acceptable as a new password."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(
            _("The password must be at least {count} characters long.", count=MIN_PASSWORD_LENGTH)
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(
            _("The password must be at most {count} characters long.", count=MAX_PASSWORD_LENGTH)
        )


def hash_password(password: str) -> str:
    """The argon2id hash of a new password (validated: at least 12 characters)."""
    validate_password(password)
    return _hasher.hash(password)


def hash_secret(secret: str) -> str:
    """The argon2id hash of a generated secret (a setup code): no password rules apply."""
    return _hasher.hash(secret)


@cache
def _dummy_hash() -> str:
    # Verified against when there is no real hash, so failures take the same time.
    return _hasher.hash(secrets.token_urlsafe(32))


def verify_password(password: str, password_hash: str | None) -> PasswordCheck:
    """Check ``password`` against ``password_hash`` (constant work even when there is no hash)."""
    if not password_hash or not isinstance(password, str):
        verify_quietly(_dummy_hash(), password if isinstance(password, str) else "")
        return PasswordCheck(False)
    if not verify_quietly(password_hash, password):
        return PasswordCheck(False)
    new_hash = _hasher.hash(password) if _hasher.check_needs_rehash(password_hash) else None
    return PasswordCheck(True, new_hash)


def verify_quietly(password_hash: str | None, secret: str) -> bool:
    """Whether ``secret`` matches ``password_hash``; the same work against a dummy hash when there is none."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), secret) and bool(password_hash)
    except (VerificationError, InvalidHashError):  # VerifyMismatchError is a VerificationError
        return False


def confirmed(password: str, again: str) -> str | None:
    """The password typed twice in a form (None when left blank); ValueError when the two differ."""
    if password != again:
        raise ValueError(_("The two passwords differ."))
    return password or None
