"""Sign-in: the password check with throttling, and the same refusal for every kind of failure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from lib.audit import audit
from lib.auth import passwords, throttle
from lib.auth.clock import now_utc
from lib.auth.records import PUBLIC_SELECT, get_row, public
from lib.auth.users import normalise_username
from lib.db import Bind
from lib.db import begin as _begin
from lib.i18n import N_, _
from lib.models import User

FAILURE_MESSAGE = N_("Unknown user name or wrong password.")
DATABASE_UNAVAILABLE = N_(
    "Signing in is not possible right now: the database cannot record it (it may be read-only or "
    "unreachable). Nothing was changed. Please tell the dashboard's administrator."
)
WAIT_MESSAGE = N_("Too many failed attempts; try again in {seconds} seconds.")


@dataclass(frozen=True)
class AuthResult:
    """The outcome of :func:`authenticate`; ``user`` has no password hash."""

    ok: bool
    user: dict[str, Any] | None
    message: str


def authenticate(
    engine: Bind, username: str, password: str, now: datetime | None = None, address: str | None = None
) -> AuthResult:
    """Check a user name and password, throttled per name, per client ``address`` and overall.

    Unknown, inactive and password-less users and wrong passwords all get the same
    message after the same hashing work, and are throttled alike (lib.auth.throttle): after
    5 consecutive failures of a name the next check waits 60 s, doubling with each further
    failure up to 15 minutes, except from an address the user has signed in from before.
    An attempt that must wait is refused without checking the password.
    """
    now = now_utc(now)
    try:
        name = normalise_username(username)
    except ValueError:
        name = None
    shown = (name or str(username or "").strip())[:120]
    key = name or shown.lower()  # throttled like any other name, so refusals look alike
    with _begin(engine) as conn:
        reservation = throttle.reserve(conn, key, address, now)
        if reservation.wait:
            audit(conn, shown, "signin.failed", f"locked for {reservation.wait} more seconds")
        row = get_row(conn, name) if name and not reservation.wait else None
    if reservation.wait:
        return AuthResult(False, None, _(WAIT_MESSAGE, seconds=reservation.wait))

    usable = row is not None and row["active"]
    check = passwords.verify_password(password, row["password_hash"] if usable else None)
    with _begin(engine) as conn:
        if not check.ok:
            audit(conn, shown, "signin.failed", _failure_detail(row, reservation))
            return AuthResult(False, None, _(FAILURE_MESSAGE))
        throttle.succeeded(conn, key, address, now)
        if check.new_hash:
            conn.execute(update(User).where(User.id == row["id"]).values(password_hash=check.new_hash))
        audit(conn, shown, "signin.ok", "password rehashed" if check.new_hash else "")
        user = conn.execute(select(*PUBLIC_SELECT).where(User.id == row["id"])).mappings().one()
    return AuthResult(True, public(user), "")


def _failure_detail(row: Any, reservation: throttle.Reservation) -> str:
    # English, for the audit log: why it failed and where the counter stands.
    if row is None:
        return "unknown user"
    if not row["active"]:
        return "inactive user"
    reason = "wrong password" if row["password_hash"] else "no password (single sign-on user)"
    detail = f"{reason}; {reservation.failures} consecutive failures"
    return detail + (f"; locked for {reservation.lock_seconds} seconds" if reservation.lock_seconds else "")
