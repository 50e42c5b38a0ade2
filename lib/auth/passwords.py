"""Passwords: the rules for a new one, argon2id hashing and constant-work verification."""

from __future__ import annotations

import gzip
import secrets
import unicodedata
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from lib.i18n import _
from lib.paths import DATA_DIR

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile
COMMON_PASSWORDS_FILE = DATA_DIR / "common-passwords.txt.gz"


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


def normalise_password(password: str) -> str:
    """The form a password is hashed and checked in: Unicode NFKC, so that the same characters
    typed on another keyboard or system (composed or decomposed accents, full-width digits) match."""
    return unicodedata.normalize("NFKC", password)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower case (data/common-passwords.txt.gz, see data/SOURCES.md)."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip())


def validate_password(password: str, username: str | None = None) -> None:
    """Raise ValueError unless ``password`` is acceptable as a new password (for ``username``).

    Refused: fewer than 12 or more than 1024 characters (after NFKC), only spaces, any control
    character (a NUL, a tab...), the user name itself, or a password in the common-password list.
    """
    if not isinstance(password, str) or len(normalise_password(password)) < MIN_PASSWORD_LENGTH:
        raise ValueError(
            _("The password must be at least {count} characters long.", count=MIN_PASSWORD_LENGTH)
        )
    password = normalise_password(password)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(
            _("The password must be at most {count} characters long.", count=MAX_PASSWORD_LENGTH)
        )
    if not password.strip() or any(unicodedata.category(ch) == "Cc" for ch in password):
        raise ValueError(_("The password must not be only spaces or contain control characters."))
    folded = password.casefold()
    if username and folded.strip() == normalise_password(username).casefold().strip():
        raise ValueError(_("The password must not be the user name."))
    if folded in common_passwords() or folded.strip() in common_passwords():
        raise ValueError(_("This password is in a list of common passwords; choose another one."))


def hash_password(password: str, username: str | None = None) -> str:
    """The argon2id hash of a new password (validated, see :func:`validate_password`; NFKC)."""
    validate_password(password, username)
    return _hasher.hash(normalise_password(password))


def hash_secret(secret: str) -> str:
    """The argon2id hash of a generated secret (a setup code): no password rules apply."""
    return _hasher.hash(secret)


@cache
def _dummy_hash() -> str:
    # Verified against when there is no real hash, so failures take the same time.
    return _hasher.hash(secrets.token_urlsafe(32))


def verify_password(password: str, password_hash: str | None) -> PasswordCheck:
    """Check ``password`` (NFKC) against ``password_hash`` (constant work even when there is no hash).

    A hash made before passwords were normalised is matched against the password as typed, and
    then replaced (``new_hash``) by the hash of its normalised form.
    """
    if not password_hash or not isinstance(password, str):
        verify_quietly(_dummy_hash(), password if isinstance(password, str) else "")
        return PasswordCheck(False)
    normal = normalise_password(password)
    if verify_quietly(password_hash, normal):
        rehash = _hasher.check_needs_rehash(password_hash)
    elif normal != password and verify_quietly(password_hash, password):
        rehash = True  # stored from the unnormalised form: store the normalised one
    else:
        return PasswordCheck(False)
    return PasswordCheck(True, _hasher.hash(normal) if rehash else None)


def verify_quietly(password_hash: str | None, secret: str) -> bool:
    """Whether ``secret`` matches ``password_hash``; the same work against a dummy hash when there is none."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), secret) and bool(password_hash)
    except (VerificationError, InvalidHashError):  # VerifyMismatchError is a VerificationError
        return False


def rule_label() -> str:
    """The label of a new-password field, with the rule people must meet."""
    return _("Password (at least {count} characters)", count=MIN_PASSWORD_LENGTH)


def confirmed(password: str, again: str) -> str | None:
    """The password typed twice in a form (None when left blank); ValueError when the two differ."""
    if password != again:
        raise ValueError(_("The two passwords differ."))
    return password or None
