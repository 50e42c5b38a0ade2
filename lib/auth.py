"""Users, roles, passwords, sign-in throttling, first-admin setup and the audit log.

A pure library (no Streamlit): the pages and the CLI call these functions with an
:class:`~sqlalchemy.Engine` or a :class:`~sqlalchemy.engine.Connection`. Given a
connection already in a transaction, the functions work inside it (the caller
commits); otherwise each call is its own transaction. Every change to a user is
audited in the same transaction as the change.

Passwords are hashed with argon2id. There are no default passwords: the first
admin is created with a one-time setup code printed on the server console.

Messages meant for people (ValueError texts, sign-in refusals) are in the language of
the current run (lib.i18n; English for the CLI); audit details stay English.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from lib.audit import audit, audit_log  # noqa: F401  (re-exported: auth.audit is the public name)
from lib.db import Bind
from lib.db import begin as _begin
from lib.i18n import LANGUAGES, N_, _
from lib.models import AppSetting, User

# --- Roles and permissions -------------------------------------------------------

ROLES = ("partner", "hc_office", "staff", "admin")  # least to most privileged
#: The short names the sidebar shows ("signed in as ... (hc office)"), in the run's language.
ROLE_NAMES = {
    "partner": N_("partner"),
    "hc_office": N_("hc office"),
    "staff": N_("staff"),
    "admin": N_("admin"),
}
ACTIONS = (
    "view_action_points",
    "view_internal_notes",
    "view_mdg",
    "view_action2",
    "view_briefing",
    "view_workload",
    "download_briefing",
    "upload",
    "view_history",
    "revert",
    "view_audit",
    "manage_users",
)

#: The whole permission table: role -> the actions it may perform. Anything else is denied.
PERMISSIONS: dict[str, frozenset[str]] = {
    "partner": frozenset({"view_action_points", "view_mdg", "view_action2"}),
    "hc_office": frozenset(
        {
            "view_action_points",
            "view_internal_notes",
            "view_mdg",
            "view_action2",
            "view_briefing",
            "view_workload",
            "download_briefing",
        }
    ),
    "staff": frozenset(
        {
            "view_action_points",
            "view_internal_notes",
            "view_mdg",
            "view_action2",
            "view_briefing",
            "view_workload",
            "download_briefing",
            "upload",
            "view_history",
            "revert",
        }
    ),
    "admin": frozenset(ACTIONS),
}


def is_allowed(role: str | None, action: str | None) -> bool:
    """Whether ``role`` may perform ``action``; unknown roles and actions are denied."""
    if role not in ROLES or action not in ACTIONS:
        return False
    return action in PERMISSIONS.get(role, frozenset())


# --- Passwords -------------------------------------------------------------------

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


@cache
def _dummy_hash() -> str:
    # Verified against when there is no real hash, so failures take the same time.
    return _hasher.hash(secrets.token_urlsafe(32))


def verify_password(password: str, password_hash: str | None) -> PasswordCheck:
    """Check ``password`` against ``password_hash`` (constant work even when there is no hash)."""
    if not password_hash or not isinstance(password, str):
        _verify_quietly(_dummy_hash(), password if isinstance(password, str) else "")
        return PasswordCheck(False)
    if not _verify_quietly(password_hash, password):
        return PasswordCheck(False)
    new_hash = _hasher.hash(password) if _hasher.check_needs_rehash(password_hash) else None
    return PasswordCheck(True, new_hash)


def _verify_quietly(password_hash: str, secret: str) -> bool:
    try:
        return _hasher.verify(password_hash, secret)
    except (VerificationError, InvalidHashError):  # VerifyMismatchError is a VerificationError
        return False


# --- Transactions --------------------------------------------------------------


def _now(now: datetime | None = None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware (use datetime.now(UTC)).")
    return now


# --- Users -----------------------------------------------------------------------

#: User columns that leave this module (never the password hash).
PUBLIC_COLUMNS = (
    "id",
    "username",
    "email",
    "role",
    "active",
    "failed_attempts",
    "locked_until",
    "created_at",
    "language",
)
_PUBLIC_SELECT = [getattr(User, c) for c in PUBLIC_COLUMNS]


def _public(row: Mapping[str, Any]) -> dict[str, Any]:
    return {c: row[c] for c in PUBLIC_COLUMNS}


def normalise_username(username: str) -> str:
    """The stored form of a user name (trimmed, lower case); ValueError if unusable."""
    name = (username or "").strip().lower() if isinstance(username, str) else ""
    if not name:
        raise ValueError(_("The user name must not be empty."))
    if len(name) > 120:
        raise ValueError(_("The user name must be at most {count} characters long.", count=120))
    if any(ch.isspace() or not ch.isprintable() for ch in name):
        raise ValueError(_("The user name must not contain spaces or control characters."))
    return name


def _normalise_email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    addr = email.strip().lower()
    local, _, domain = addr.partition("@")
    if not local or not domain or any(ch.isspace() for ch in addr) or len(addr) > 254:
        raise ValueError(_("{email} is not a valid email address.", email=repr(email)))
    return addr


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(
            _("Unknown role {role}; choose one of: {roles}.", role=repr(role), roles=", ".join(ROLES))
        )
    return role


def _get_row(conn: Connection, username: str, *, lock: bool = False) -> Mapping[str, Any] | None:
    stmt = select(User).where(User.username == username)
    if lock:
        stmt = stmt.with_for_update()
    return conn.execute(stmt).mappings().first()


def _require_user(conn: Connection, username: str) -> Mapping[str, Any]:
    row = _get_row(conn, username, lock=True)
    if row is None:
        raise ValueError(_("There is no user named {name}.", name=repr(username)))
    return row


def _insert_user(
    conn: Connection,
    username: str,
    role: str,
    password: str | None,
    email: str | None,
    actor: str,
) -> dict[str, Any]:
    name = normalise_username(username)
    _check_role(role)
    addr = _normalise_email(email)
    if password is None and addr is None:
        raise ValueError(
            _(
                "A user without a password signs in through the organisation's single sign-on "
                "and needs an email address."
            )
        )
    password_hash = hash_password(password) if password is not None else None
    if conn.execute(select(User.id).where(User.username == name)).first() is not None:
        raise ValueError(_("A user named {name} already exists.", name=repr(name)))
    if addr and conn.execute(select(User.id).where(func.lower(User.email) == addr)).first():
        raise ValueError(_("Another user already has the email address {email}.", email=repr(addr)))
    conn.execute(
        insert(User).values(
            username=name,
            email=addr,
            role=role,
            password_hash=password_hash,
            active=True,
            failed_attempts=0,
            locked_until=None,
            created_at=datetime.now(UTC),
            language="en",
        )
    )
    detail = f"username={name} role={role}" + (f" email={addr}" if addr else "")
    detail += " password=set" if password_hash else " password=none (single sign-on)"
    audit(conn, actor, "user.create", detail)
    row = _get_row(conn, name)
    assert row is not None
    return _public(row)


def create_user(
    engine: Bind,
    username: str,
    role: str,
    password: str | None = None,
    email: str | None = None,
    actor: str = "cli",
) -> dict[str, Any]:
    """Create an active user; ``password`` may be None only for single-sign-on (OIDC) users.

    Raises ValueError for an empty or taken user name, an unknown role, a short
    password or a missing email address for a password-less user.
    """
    with _begin(engine) as conn:
        return _insert_user(conn, username, role, password, email, actor)


def _ensure_other_admin(conn: Connection, username: str) -> None:
    # Lock the active admins so two concurrent demotions cannot both pass.
    admins = conn.execute(
        select(User.username).where(User.role == "admin", User.active.is_(True)).with_for_update()
    ).scalars()
    if not [a for a in admins if a != username]:
        raise ValueError(
            _("{name} is the last active admin; make another user admin first.", name=repr(username))
        )


def set_role(engine: Bind, username: str, role: str, actor: str = "cli") -> dict[str, Any]:
    """Change a user's role (the last active admin cannot be demoted)."""
    name = normalise_username(username)
    _check_role(role)
    with _begin(engine) as conn:
        row = _require_user(conn, name)
        if row["role"] == "admin" and role != "admin" and row["active"]:
            _ensure_other_admin(conn, name)
        conn.execute(update(User).where(User.id == row["id"]).values(role=role))
        audit(conn, actor, "user.set_role", f"username={name} role={row['role']}->{role}")
        return _public(_require_user(conn, name))


def reset_password(engine: Bind, username: str, password: str, actor: str = "cli") -> dict[str, Any]:
    """Set a new password and clear any sign-in lock."""
    name = normalise_username(username)
    password_hash = hash_password(password)
    with _begin(engine) as conn:
        row = _require_user(conn, name)
        conn.execute(
            update(User)
            .where(User.id == row["id"])
            .values(password_hash=password_hash, failed_attempts=0, locked_until=None)
        )
        audit(conn, actor, "user.reset_password", f"username={name}")
        return _public(_require_user(conn, name))


def set_active(engine: Bind, username: str, active: bool, actor: str = "cli") -> dict[str, Any]:
    """Activate or deactivate a user (the last active admin cannot be deactivated)."""
    name = normalise_username(username)
    with _begin(engine) as conn:
        row = _require_user(conn, name)
        if not active and row["active"] and row["role"] == "admin":
            _ensure_other_admin(conn, name)
        conn.execute(update(User).where(User.id == row["id"]).values(active=bool(active)))
        audit(conn, actor, "user.activate" if active else "user.deactivate", f"username={name}")
        return _public(_require_user(conn, name))


def set_language(engine: Bind, username: str, lang: str, actor: str | None = None) -> dict[str, Any]:
    """Store a user's working language (one of lib.i18n.LANGUAGES); the user is the actor by default."""
    name = normalise_username(username)
    if lang not in LANGUAGES:
        raise ValueError(
            _(
                "Unknown language {lang}; choose one of: {languages}.",
                lang=repr(lang),
                languages=", ".join(LANGUAGES),
            )
        )
    with _begin(engine) as conn:
        row = _require_user(conn, name)
        if row["language"] != lang:
            conn.execute(update(User).where(User.id == row["id"]).values(language=lang))
            audit(conn, actor or name, "user.language", f"username={name} language={row['language']}->{lang}")
        return _public(_require_user(conn, name))


def list_users(engine: Bind) -> pd.DataFrame:
    """All users by user name, without password hashes."""
    with _begin(engine) as conn:
        rows = conn.execute(select(*_PUBLIC_SELECT).order_by(User.username)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=list(PUBLIC_COLUMNS))


def get_user(engine: Bind, username: str) -> dict[str, Any] | None:
    """A user by user name (active or not), or None."""
    try:
        name = normalise_username(username)
    except ValueError:
        return None
    with _begin(engine) as conn:
        row = conn.execute(select(*_PUBLIC_SELECT).where(User.username == name)).mappings().first()
    return _public(row) if row else None


def get_user_by_email(engine: Bind, email: str) -> dict[str, Any] | None:
    """The active user with this email address (case-insensitive), for single sign-on; else None."""
    try:
        addr = _normalise_email(email)
    except ValueError:
        return None
    if addr is None:
        return None
    with _begin(engine) as conn:
        rows = (
            conn.execute(
                select(*_PUBLIC_SELECT).where(func.lower(User.email) == addr, User.active.is_(True)).limit(2)
            )
            .mappings()
            .all()
        )
    return _public(rows[0]) if len(rows) == 1 else None  # ambiguous -> nobody


# --- Sign-in ---------------------------------------------------------------------

FAILURE_MESSAGE = N_("Unknown user name or wrong password.")
LOCKOUT_THRESHOLD = 5  # consecutive failures before the first lock
LOCKOUT_BASE_SECONDS = 60
LOCKOUT_MAX_SECONDS = 15 * 60


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
    now = _now(now)
    try:
        name = normalise_username(username)
    except ValueError:
        name = None
    row = None
    if name is not None:
        with _begin(engine) as conn:
            row = _get_row(conn, name)
    shown = (name or str(username or "").strip())[:120]

    if row is None or not row["active"]:
        verify_password(password, None)  # same work as a real check
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

    check = verify_password(password, row["password_hash"])
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
    return AuthResult(True, _public(user), "")


# --- First-admin setup ------------------------------------------------------------

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
    code_hash = _hasher.hash(code)
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
    _normalise_email(email)
    wrong_code = False
    with _begin(engine) as conn:
        stored = conn.execute(
            select(AppSetting.value).where(AppSetting.key == SETUP_CODE_KEY).with_for_update()
        ).scalar()
        if conn.execute(select(User.id).limit(1)).first() is not None:
            raise ValueError(_(SETUP_DONE))
        given = code.strip() if isinstance(code, str) else ""
        if stored is None or not given or not _verify_quietly(stored, given):
            if stored is None or not given:
                _verify_quietly(_dummy_hash(), given)  # same work either way
            audit(conn, "anonymous", "setup.failed", f"wrong setup code for username={username!r}")
            wrong_code = True
        else:
            user = _insert_user(conn, username, "admin", password, email, actor="setup")
            conn.execute(delete(AppSetting).where(AppSetting.key == SETUP_CODE_KEY))
            audit(conn, user["username"], "setup.claimed", f"first admin {user['username']} created")
    if wrong_code:  # raised after the commit so the failed attempt stays in the audit log
        raise ValueError(_(WRONG_SETUP_CODE))
    return user
