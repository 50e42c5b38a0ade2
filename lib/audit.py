"""The audit log: who did what and when. Written inside the caller's transaction when given one.

Used by sign-in and user management (``lib.auth``) and by imports and reverts (``lib.ingest``).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import insert, select

from lib.db import Bind, begin
from lib.models import AuditEvent

AUDIT_COLUMNS = ["at", "actor", "action", "detail"]


def audit(conn: Bind, actor: str, action: str, detail: str = "") -> None:
    """Record an audit event (inside the caller's transaction when given a connection)."""
    with begin(conn) as c:
        c.execute(
            insert(AuditEvent).values(
                at=datetime.now(UTC), actor=(actor or "")[:120], action=action, detail=detail or ""
            )
        )


def audit_log(engine: Bind, limit: int = 500) -> pd.DataFrame:
    """The latest ``limit`` audit events, newest first (columns at, actor, action, detail)."""
    stmt = (
        select(AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.detail)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(max(int(limit), 0))
    )
    with begin(engine) as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=AUDIT_COLUMNS)
