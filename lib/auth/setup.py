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
WRONG_SETUP_CODE = N_(
    "The setup code is not correct. Use the code printed on the server console at start-up."
)
SETUP_DONE = N_("Setup is already complete: an account exists. Ask an admin for an account.")


def needs_setup(engine: Bind) -> bool:
    """Whether no user exists yet (the first admin must be claimed with a setup code)."""
    with _begin(engine) as conn:
        return conn.execute(select(User.id).limit(1)).first() is None


def issue_setup_code(engine: Bind) -> str | None:
    """A new one-time setup code (only its hash is stored), or None when users exist.

    Any previously issued code stops working. The caller prints the code on the
    server console, never in the browser.
    """
    code = secrets.token_urlsafe(12)
    code_hash = hash_secret(code)
    with _begin(engine) as conn:
        if conn.execute(select(User.id).limit(1)).first() is not None:
            return None
        conn.execute(delete(AppSetting).where(AppSetting.key == SETUP_CODE_KEY))
        conn.execute(insert(AppSetting).values(key=SETUP_CODE_KEY, value=code_hash))
        audit(conn, "system", "setup.code_issued", "a new one-time setup code was issued")
    return code


def claim_first_admin(
    engine: Bind, code: str, username: str, password: str, email: str | None = None
) -> dict[str, Any]:
    """Create the first admin if ``code`` is the current setup code and no user exists.

    The check and the insert share one transaction: the setup-code row is locked
    (PostgreSQL) or the database is (SQLite, BEGIN IMMEDIATE), so two concurrent
    claims cannot both succeed. The code is deleted on success.
    """
    # Validate what can be validated before touching the code.
    normalise_username(username)
    validate_password(password)
    normalise_email(email)
    wrong_code = False
    with _begin(engine) as conn:
        stored = conn.execute(
            select(AppSetting.value).where(AppSetting.key == SETUP_CODE_KEY).with_for_update()
        ).scalar()
        if conn.execute(select(User.id).limit(1)).first() is not None:
            raise ValueError(_(SETUP_DONE))
        given = code.strip() if isinstance(code, str) else ""
        if not verify_quietly(stored, given) or not given:  # the same work with no code stored
            audit(conn, "anonymous", "setup.failed", f"wrong setup code for username={username!r}")
            wrong_code = True
        else:
            user = insert_user(conn, username, "admin", password, email, actor="setup")
            conn.execute(delete(AppSetting).where(AppSetting.key == SETUP_CODE_KEY))
            audit(conn, user["username"], "setup.claimed", f"first admin {user['username']} created")
    if wrong_code:  # raised after the commit so the failed attempt stays in the audit log
        raise ValueError(_(WRONG_SETUP_CODE))
    return user
