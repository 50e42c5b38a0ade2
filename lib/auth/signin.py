"""Sign-in: the password check with throttling, and the same refusal for every kind of failure."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from lib.audit import audit
from lib.auth import passwords
from lib.auth.users import _PUBLIC_SELECT, get_row, normalise_username, public
from lib.db import Bind
from lib.db import begin as _begin
from lib.i18n import N_, _
from lib.models import User

FAILURE_MESSAGE = N_("Unknown user name or wrong password.")
LOCKOUT_THRESHOLD = 5  # consecutive failures before the first lock
LOCKOUT_BASE_SECONDS = 60
LOCKOUT_MAX_SECONDS = 15 * 60


def now_utc(now: datetime | None = None) -> datetime:
    """``now`` (which must be timezone-aware), or the current UTC time."""
    if now is None:
        return datetime.now(UTC)
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware (use datetime.now(UTC)).")
    return now


def lockout_seconds(failed_attempts: int) -> int:
    """How long to lock after this many consecutive failures (0 below the threshold)."""
    if failed_attempts < LOCKOUT_THRESHOLD:
        return 0
    doublings = min(failed_attempts - LOCKOUT_THRESHOLD, 16)  # 2**16 minutes is far past the cap
    return min(LOCKOUT_BASE_SECONDS * 2**doublings, LOCKOUT_MAX_SECONDS)


@dataclass(frozen=True)
class AuthResult:
    """The outcome of :func:`authenticate`; ``user`` has no password hash."""

    ok: bool
    user: dict[str, Any] | None
    message: str


def authenticate(engine: Bind, username: str, password: str, now: datetime | None = None) -> AuthResult:
    """Check a user name and password, with per-user throttling.

    Unknown, inactive and password-less users and wrong passwords all get the same
    message after the same hashing work. After 5 consecutive failures the user is
    locked for 60 s, doubling with each further failure up to 15 minutes; a locked
    user is refused without checking the password.
    """
    now = now_utc(now)
    try:
        name = normalise_username(username)
    except ValueError:
        name = None
    row = None
    if name is not None:
        with _begin(engine) as conn:
            row = get_row(conn, name)
    shown = (name or str(username or "").strip())[:120]

    if row is None or not row["active"]:
        passwords.verify_password(password, None)  # same work as a real check
        with _begin(engine) as conn:
            audit(conn, shown, "signin.failed", "unknown user" if row is None else "inactive user")
        return AuthResult(False, None, _(FAILURE_MESSAGE))

    locked_until = row["locked_until"]
    if locked_until is not None and locked_until > now:
        wait = max(1, math.ceil((locked_until - now).total_seconds()))
        with _begin(engine) as conn:
            audit(conn, shown, "signin.failed", f"locked for {wait} more seconds")
        return AuthResult(
            False, None, _("Too many failed attempts; try again in {seconds} seconds.", seconds=wait)
        )

    check = passwords.verify_password(password, row["password_hash"])
    with _begin(engine) as conn:
        if not check.ok:
            failures = conn.execute(
                update(User)
                .where(User.id == row["id"])
                .values(failed_attempts=User.failed_attempts + 1)
                .returning(User.failed_attempts)
            ).scalar_one()
            seconds = lockout_seconds(failures)
            if seconds:
                conn.execute(
                    update(User)
                    .where(User.id == row["id"])
                    .values(locked_until=now + timedelta(seconds=seconds))
                )
            reason = "wrong password" if row["password_hash"] else "no password (single sign-on user)"
            detail = f"{reason}; {failures} consecutive failures" + (
                f"; locked for {seconds} seconds" if seconds else ""
            )
            audit(conn, shown, "signin.failed", detail)
            return AuthResult(False, None, _(FAILURE_MESSAGE))
        values: dict[str, Any] = {"failed_attempts": 0, "locked_until": None}
        if check.new_hash:
            values["password_hash"] = check.new_hash
        conn.execute(update(User).where(User.id == row["id"]).values(**values))
        audit(conn, shown, "signin.ok", "password rehashed" if check.new_hash else "")
        user = conn.execute(select(*_PUBLIC_SELECT).where(User.id == row["id"])).mappings().one()
    return AuthResult(True, public(user), "")
