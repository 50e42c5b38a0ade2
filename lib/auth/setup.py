"""First-admin setup: a one-time code printed on the server console claims an empty server."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import delete, insert, select

from lib.audit import audit
from lib.auth.passwords import hash_secret, validate_password, verify_quietly
from lib.auth.users import insert_user, normalise_email, normalise_username
from lib.db import Bind
from lib.db import begin as _begin
from lib.i18n import N_, _
from lib.models import AppSetting, User

SETUP_CODE_KEY = "setup_code_hash"
MAX_SETUP_CODES = 5  # valid at once (several server processes starting on one empty database)
WRONG_SETUP_CODE = N_(
    "The setup code is not correct. Use the code printed on the server console at start-up."
)
SETUP_DONE = N_("Setup is already complete: an account exists. Ask an admin for an account.")


def needs_setup(engine: Bind) -> bool:
    """Whether no user exists yet (the first admin must be claimed with a setup code)."""
    with _begin(engine) as conn:
        return conn.execute(select(User.id).limit(1)).first() is None


def issue_setup_code(engine: Bind, replace: bool = True) -> str | None:
    """A new one-time setup code (only its hash is stored), or None when users exist.

    ``replace``: every code issued before stops working. Without it (a server starting), the
    codes that other server processes on the same database printed stay valid beside the new
    one (at most :data:`MAX_SETUP_CODES`; the oldest goes first), so a second process never
    silently voids the first one's. The caller prints the code on the server console, never
    in the browser.
    """
    code = secrets.token_urlsafe(12)
    code_hash = hash_secret(code)
    with _begin(engine) as conn:
        if conn.execute(select(User.id).limit(1)).first() is not None:
            return None
        stored = _stored_codes(conn)
        dropped = stored if replace else stored[: max(0, len(stored) - MAX_SETUP_CODES + 1)]
        conn.execute(delete(AppSetting).where(AppSetting.key.in_([k for k, _v in dropped])))
        key = SETUP_CODE_KEY if replace else f"{SETUP_CODE_KEY}:{secrets.token_hex(8)}"
        conn.execute(insert(AppSetting).values(key=key, value=code_hash))
        others = len(stored) - len(dropped)
        audit(
            conn,
            "system",
            "setup.code_issued",
            f"a new one-time setup code was issued; {others} other(s) still valid",
        )
    return code


def setup_announcement(engine: Bind) -> str | None:
    """What a starting server prints on its console when the first admin is still to be claimed.

    Adds this process's code beside those of other processes (:func:`issue_setup_code`
    without ``replace``) and says so; None when users exist.
    """
    if not needs_setup(engine):  # a plain read first: most starts find users (even on a read-only replica)
        return None
    with _begin(engine) as conn:
        others = len(_stored_codes(conn))
    code = issue_setup_code(engine, replace=False)
    if code is None:
        return None
    lines = [f"First-admin setup code: {code}", "Enter it in the browser to create the first administrator."]
    if others:
        lines.append(
            f"{min(others, MAX_SETUP_CODES - 1)} code(s) printed by other server processes on this database stay valid too."
        )
    return "\n".join(lines)


def _stored_codes(conn) -> list[tuple[str, str]]:
    """The valid setup codes' (key, hash), oldest first (their keys sort after the plain one)."""
    rows = conn.execute(
        select(AppSetting.key, AppSetting.value)
        .where((AppSetting.key == SETUP_CODE_KEY) | AppSetting.key.startswith(f"{SETUP_CODE_KEY}:"))
        .with_for_update()
    ).all()
    return sorted([(k, v) for k, v in rows], key=lambda kv: kv[0] != SETUP_CODE_KEY)


def claim_first_admin(
    engine: Bind, code: str, username: str, password: str, email: str | None = None
) -> dict[str, Any]:
    """Create the first admin if ``code`` is the current setup code and no user exists.

    The check and the insert share one transaction: the setup-code row is locked
    (PostgreSQL) or the database is (SQLite, BEGIN IMMEDIATE), so two concurrent
    claims cannot both succeed. The code is deleted on success.
    """
    # Validate what can be validated before touching the code.
    validate_password(password, normalise_username(username))
    normalise_email(email)
    wrong_code = False
    with _begin(engine) as conn:
        stored = _stored_codes(conn)  # locked: two claims run one after the other
        if conn.execute(select(User.id).limit(1)).first() is not None:
            raise ValueError(_(SETUP_DONE))
        given = code.strip() if isinstance(code, str) else ""
        # Every stored code is checked (the same work whichever matches, or a dummy when none is stored).
        matches = [verify_quietly(h, given) for _k, h in stored] or [verify_quietly(None, given)]
        if not given or not any(matches):
            audit(conn, "anonymous", "setup.failed", f"wrong setup code for username={username!r}")
            wrong_code = True
        else:
            user = insert_user(conn, username, "admin", password, email, actor="setup")
            conn.execute(delete(AppSetting).where(AppSetting.key.in_([k for k, _v in stored])))
            audit(conn, user["username"], "setup.claimed", f"first admin {user['username']} created")
    if wrong_code:  # raised after the commit so the failed attempt stays in the audit log
        raise ValueError(_(WRONG_SETUP_CODE))
    return user
