"""Sessions that survive a reload (AUTH_MODE=local), shared by every app server through the database.

A browser holds a random token in an HttpOnly cookie (lib.auth.cookie); the database keeps only
the token's SHA-256 (a 256-bit random token needs no slow hash), the user, and when the session
began and was last used. A session ends after ``SESSION_IDLE_MINUTES`` without use or
``SESSION_MAX_HOURS`` after sign-in, and is revoked at sign-out, at a password reset, at a role
change and at deactivation. Nothing in the cookie but the token: no name, no role, no expiry to
forge.

The cookie is set in two steps, because a Streamlit script cannot answer an HTTP request: at
sign-in the script stores the hash of a one-time *hand-over code* and gives the code to the page,
which posts it to the app's own route; the route swaps the code for the real token (a new hash on
the same row) and sets the cookie. The code is good once, for :data:`HANDOVER_SECONDS`.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.engine import Connection

from lib.audit import audit
from lib.auth.clock import now_utc
from lib.auth.records import PUBLIC_SELECT, public
from lib.db import Bind
from lib.db import begin as _begin
from lib.models import User, UserSession

COOKIE_NAME = "consultations_session"
HANDOVER_SECONDS = 120
TOUCH_SECONDS = 30  # last use is written at most this often (not on every rerun)


def _setting(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return value if value > 0 else default


def idle_timeout() -> timedelta:
    """How long an unused session stays valid (``SESSION_IDLE_MINUTES``, default 30)."""
    return timedelta(minutes=_setting("SESSION_IDLE_MINUTES", 30))


def max_lifetime() -> timedelta:
    """How long a session lasts at most after sign-in (``SESSION_MAX_HOURS``, default 12)."""
    return timedelta(hours=_setting("SESSION_MAX_HOURS", 12))


def token_hash(token: str) -> str:
    """What the database stores for a token or a hand-over code."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start(engine: Bind, user_id: int, now: datetime | None = None) -> tuple[int, str]:
    """A new session for a user who just signed in: its id and the one-time hand-over code."""
    now = now_utc(now)
    code = secrets.token_urlsafe(32)
    with _begin(engine) as conn:
        _prune(conn, now)
        session_id = conn.execute(
            UserSession.__table__.insert()
            .values(
                token_hash=token_hash(code),
                user_id=user_id,
                created_at=now,
                last_used_at=now,
                delivered=False,
            )
            .returning(UserSession.id)
        ).scalar_one()
    return session_id, code


def claim(engine: Bind, code: str, now: datetime | None = None) -> str | None:
    """Swap a fresh hand-over code for the session's token (the cookie's value); None if not valid."""
    now = now_utc(now)
    if not isinstance(code, str) or not code or len(code) > 200:
        return None
    token = secrets.token_urlsafe(32)
    with _begin(engine) as conn:
        done = conn.execute(
            update(UserSession)
            .where(
                UserSession.token_hash == token_hash(code),
                UserSession.delivered.is_(False),
                UserSession.revoked_at.is_(None),
                UserSession.created_at > now - timedelta(seconds=HANDOVER_SECONDS),
            )
            .values(token_hash=token_hash(token), delivered=True, last_used_at=now)
        ).rowcount
    return token if done == 1 else None


def _valid_user(conn: Connection, where: Any, now: datetime) -> tuple[int, dict[str, Any]] | None:
    """The session matching ``where`` and its active user, if the session is still valid (touched)."""
    row = (
        conn.execute(
            select(UserSession.id, UserSession.created_at, UserSession.last_used_at, *PUBLIC_SELECT)
            .join(User, User.id == UserSession.user_id)
            .where(where, UserSession.revoked_at.is_(None))
        )
        .mappings()
        .first()
    )
    if row is None or not row["active"]:
        return None
    if now - row["last_used_at"] > idle_timeout() or now - row["created_at"] > max_lifetime():
        return None
    if (now - row["last_used_at"]).total_seconds() >= min(TOUCH_SECONDS, idle_timeout().total_seconds() / 10):
        conn.execute(update(UserSession).where(UserSession.id == row["id"]).values(last_used_at=now))
    return row["id"], public(row)


def resume(engine: Bind, token: str | None, now: datetime | None = None) -> tuple[int, dict[str, Any]] | None:
    """The session id and user of a cookie's token (a reload), or None when it is not valid."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    now = now_utc(now)
    with _begin(engine) as conn:
        where = (UserSession.token_hash == token_hash(token)) & UserSession.delivered.is_(True)
        return _valid_user(conn, where, now)


def check(engine: Bind, session_id: int, now: datetime | None = None) -> dict[str, Any] | None:
    """The user of an open session at its next run, or None once it expired or was revoked."""
    now = now_utc(now)
    with _begin(engine) as conn:
        found = _valid_user(conn, UserSession.id == session_id, now)
    return found[1] if found else None


def current(
    engine: Bind, session_id: int | None, username: str | None, token: str | None
) -> tuple[int | None, dict[str, Any] | None]:
    """Who is signed in at this run: ``(session id, user)``, ``(None, None)`` when nobody.

    An open session is checked again (expired? revoked by a sign-out elsewhere or a change to
    the user?); a new tab or a reload resumes from the cookie's ``token``; a user name without a
    session (signed in before sessions, or by a test) stays valid while the user is active.
    """
    if session_id is None and not username:
        found = resume(engine, token)
        session_id = found[0] if found else None
    if session_id is not None:
        user = check(engine, session_id)
        return (session_id, user) if user else (None, None)
    if not username:
        return None, None
    with _begin(engine) as conn:
        row = conn.execute(select(*PUBLIC_SELECT).where(User.username == username)).mappings().first()
    return (None, public(row)) if row and row["active"] else (None, None)


def revoke(engine: Bind, session_id: int | None = None, token: str | None = None, actor: str = "") -> None:
    """End one session (sign-out), by id or by its cookie's token."""
    if session_id is None and not token:
        return
    where = (
        UserSession.id == session_id
        if session_id is not None
        else UserSession.token_hash == token_hash(token)
    )
    with _begin(engine) as conn:
        done = conn.execute(
            update(UserSession).where(where, UserSession.revoked_at.is_(None)).values(revoked_at=now_utc())
        ).rowcount
        if done and actor:
            audit(conn, actor, "signout", "session ended")


def revoke_user(conn: Connection, user_id: int, reason: str) -> int:
    """End every open session of a user, inside the caller's transaction (``reason`` for the audit)."""
    done = conn.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now_utc())
    ).rowcount
    if done:
        audit(conn, "system", "session.revoke", f"user_id={user_id} sessions={done} reason={reason}")
    return done


def _prune(conn: Connection, now: datetime) -> None:
    # Ended sessions are kept a week (for inspection), then removed.
    week = now - timedelta(days=7)
    conn.execute(
        delete(UserSession).where(
            or_(
                UserSession.revoked_at < week,
                UserSession.created_at < now - max_lifetime() - timedelta(days=7),
            )
        )
    )
