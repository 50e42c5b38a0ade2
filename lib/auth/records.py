"""User rows as they leave the package: the public columns (never the password hash)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from lib.models import User

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
PUBLIC_SELECT = [getattr(User, c) for c in PUBLIC_COLUMNS]


def public(row: Mapping[str, Any]) -> dict[str, Any]:
    """The public columns of a user row."""
    return {c: row[c] for c in PUBLIC_COLUMNS}


def get_row(conn: Connection, username: str, *, lock: bool = False) -> Mapping[str, Any] | None:
    """The full user row (with the hash) for a normalised name, optionally locked for update."""
    stmt = select(User).where(User.username == username)
    if lock:
        stmt = stmt.with_for_update()
    return conn.execute(stmt).mappings().first()
