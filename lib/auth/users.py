"""Users: create, change role, reset password, (de)activate, language, look-ups.

Every change is audited in the same transaction as the change. Given a connection
already in a transaction, the functions work inside it (the caller commits).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from lib.audit import audit
from lib.auth import throttle
from lib.auth.passwords import hash_password
from lib.auth.roles import check_role
from lib.db import Bind
from lib.db import begin as _begin
from lib.i18n import LANGUAGES, _
from lib.models import Agency, User

#: User columns that leave this package (never the password hash).
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
    "agency",
    "unit",
)
_PUBLIC_SELECT = [getattr(User, c) for c in PUBLIC_COLUMNS]


def public(row: Mapping[str, Any]) -> dict[str, Any]:
    """The public columns of a user row."""
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


def normalise_email(email: str | None) -> str | None:
    """The stored form of an e-mail address (trimmed, lower case), None if blank; ValueError if invalid."""
    if email is None or not email.strip():
        return None
    addr = email.strip().lower()
    local, _sep, domain = addr.partition("@")
    if not local or not domain or any(ch.isspace() for ch in addr) or len(addr) > 254:
        raise ValueError(_("{email} is not a valid email address.", email=repr(email)))
    return addr


def get_row(conn: Connection, username: str, *, lock: bool = False) -> Mapping[str, Any] | None:
    """The full user row (with the hash) for a normalised name, optionally locked for update."""
    stmt = select(User).where(User.username == username)
    if lock:
        stmt = stmt.with_for_update()
    return conn.execute(stmt).mappings().first()


def _require_user(conn: Connection, username: str) -> Mapping[str, Any]:
    row = get_row(conn, username, lock=True)
    if row is None:
        raise ValueError(_("There is no user named {name}.", name=repr(username)))
    return row


def insert_user(
    conn: Connection,
    username: str,
    role: str,
    password: str | None,
    email: str | None,
    actor: str,
    agency: str | None = None,
    unit: str | None = None,
    auth_mode: str | None = None,
) -> dict[str, Any]:
    """Insert and audit a user inside the caller's transaction (see :func:`create_user`)."""
    name = normalise_username(username)
    check_role(role)
    addr = normalise_email(email)
    agency, unit = _check_agency(conn, agency), normalise_unit(unit)
    if password is None and addr is None:
        raise ValueError(
            _(
                "A user without a password signs in through the organisation's single sign-on "
                "and needs an email address."
            )
        )
    password_hash = hash_password(password, username=name) if password is not None else None
    if auth_mode is not None:
        require_agency(role, agency, auth_mode)
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
            agency=agency,
            unit=unit,
        )
    )
    detail = f"username={name} role={role}" + (f" email={addr}" if addr else "")
    detail += (f" agency={agency}" if agency else "") + (f" unit={unit}" if unit else "")
    detail += " password=set" if password_hash else " password=none (single sign-on)"
    audit(conn, actor, "user.create", detail)
    row = get_row(conn, name)
    assert row is not None
    return public(row)


def create_user(
    engine: Bind,
    username: str,
    role: str,
    password: str | None = None,
    email: str | None = None,
    actor: str = "cli",
    agency: str | None = None,
    unit: str | None = None,
    auth_mode: str | None = None,
) -> dict[str, Any]:
    """Create an active user; ``password`` may be None only for single-sign-on (OIDC) users.

    ``agency``: the partner agency the user reports for (a code of the agency table);
    ``unit``: the OHCHR unit whose focal point the user is. Raises ValueError for an empty
    or taken user name, an unknown role or agency, a short password or a missing email
    address for a password-less user. ``auth_mode`` (the front doors pass ``AUTH_MODE``) also
    applies :func:`require_agency`.
    """
    with _begin(engine) as conn:
        return insert_user(conn, username, role, password, email, actor, agency, unit, auth_mode)


def require_agency(role: str, agency: str | None, auth_mode: str) -> None:
    """The rule of the front doors (Users page, ``create-user``): with ``AUTH_MODE=local`` a
    partner must belong to an agency (with ``oidc`` it may come from the provider's claim)."""
    if role == "partner" and auth_mode == "local" and not (agency or "").strip():
        raise ValueError(_("A partner user must belong to a partner agency: choose the agency."))


def normalise_unit(unit: str | None) -> str | None:
    """The stored form of an OHCHR unit name (trimmed), None if blank; ValueError if too long."""
    if unit is None or not str(unit).strip():
        return None
    unit = " ".join(str(unit).split())
    if len(unit) > 200:
        raise ValueError(_("The unit name must be at most {count} characters long.", count=200))
    return unit


def _check_agency(conn: Connection, agency: str | None) -> str | None:
    """``agency`` if it is a known agency code (None if blank); else ValueError."""
    if agency is None or not str(agency).strip():
        return None
    code = str(agency).strip()
    if conn.execute(select(Agency.code).where(Agency.code == code)).first() is None:
        raise ValueError(_("There is no partner agency {agency}.", agency=repr(code)))
    return code


def with_claimed_agency(engine: Bind, user: dict[str, Any], claimed: object) -> dict[str, Any]:
    """``user`` with the agency the identity provider's claim names (AUTH_MODE=oidc), when the
    users table gives none and the claim is a known agency code; else ``user`` unchanged."""
    if user.get("agency") or not isinstance(claimed, str) or not claimed.strip():
        return user
    with _begin(engine) as conn:
        try:
            code = _check_agency(conn, claimed)
        except ValueError:
            return user  # an unknown code from the provider grants nothing
    return {**user, "agency": code}


def set_agency(
    engine: Bind, username: str, agency: str | None, unit: str | None = None, actor: str = "cli"
) -> dict[str, Any]:
    """Set the agency a user reports for and the OHCHR unit they are focal point of (None: none)."""
    name = normalise_username(username)
    with _begin(engine) as conn:
        row = _require_user(conn, name)
        code, unit = _check_agency(conn, agency), normalise_unit(unit)
        if (row["agency"], row["unit"]) != (code, unit):
            conn.execute(update(User).where(User.id == row["id"]).values(agency=code, unit=unit))
            audit(
                conn,
                actor,
                "user.set_agency",
                f"username={name} agency={row['agency']}->{code} unit={row['unit']}->{unit}",
            )
        return public(_require_user(conn, name))


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
    check_role(role)
    with _begin(engine) as conn:
        row = _require_user(conn, name)
        if row["role"] == "admin" and role != "admin" and row["active"]:
            _ensure_other_admin(conn, name)
        conn.execute(update(User).where(User.id == row["id"]).values(role=role))
        audit(conn, actor, "user.set_role", f"username={name} role={row['role']}->{role}")
        return public(_require_user(conn, name))


def reset_password(engine: Bind, username: str, password: str, actor: str = "cli") -> dict[str, Any]:
    """Set a new password and clear any sign-in lock."""
    name = normalise_username(username)
    password_hash = hash_password(password, username=name)
    with _begin(engine) as conn:
        row = _require_user(conn, name)
        throttle.forget_name(conn, name)
        conn.execute(
            update(User)
            .where(User.id == row["id"])
            .values(password_hash=password_hash, failed_attempts=0, locked_until=None)
        )
        audit(conn, actor, "user.reset_password", f"username={name}")
        return public(_require_user(conn, name))


def set_active(engine: Bind, username: str, active: bool, actor: str = "cli") -> dict[str, Any]:
    """Activate or deactivate a user (the last active admin cannot be deactivated)."""
    name = normalise_username(username)
    with _begin(engine) as conn:
        row = _require_user(conn, name)
        if not active and row["active"] and row["role"] == "admin":
            _ensure_other_admin(conn, name)
        conn.execute(update(User).where(User.id == row["id"]).values(active=bool(active)))
        audit(conn, actor, "user.activate" if active else "user.deactivate", f"username={name}")
        return public(_require_user(conn, name))


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
        return public(_require_user(conn, name))


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
    return public(row) if row else None


def get_user_by_email(engine: Bind, email: str) -> dict[str, Any] | None:
    """The active user with this email address (case-insensitive), for single sign-on; else None."""
    try:
        addr = normalise_email(email)
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
    return public(rows[0]) if len(rows) == 1 else None  # ambiguous -> nobody


def for_display(users: pd.DataFrame, languages: Mapping[str, str]) -> pd.DataFrame:
    """The users table as the Users page shows it: no id, languages by their names."""
    return users.drop(columns=["id"]).assign(
        language=users["language"].map(languages).fillna(users["language"])
    )
