"""The audit log: who did what and when. Written inside the caller's transaction when given one.

Used by sign-in and user management (``lib.auth``) and by imports and reverts (``lib.ingest``).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import insert, select

from lib.db import Bind, begin
from lib.i18n import N_, _
from lib.models import AuditEvent

AUDIT_COLUMNS = ["at", "actor", "action", "detail"]

#: What each recorded action is, in words (the log keeps the code; the page shows these).
ACTION_LABELS: dict[str, str] = {
    "signin.ok": N_("Signed in"),
    "signin.failed": N_("Sign-in refused"),
    "signout": N_("Signed out"),
    "session.revoke": N_("Sessions ended"),
    "setup.code_issued": N_("Setup code issued"),
    "setup.failed": N_("Setup code refused"),
    "setup.claimed": N_("First administrator created"),
    "upload": N_("File uploaded"),
    "revert": N_("Upload reverted"),
    "user.create": N_("User created"),
    "user.set_role": N_("Role changed"),
    "user.set_agency": N_("Agency or unit changed"),
    "user.reset_password": N_("Password reset"),
    "user.activate": N_("User activated"),
    "user.deactivate": N_("User deactivated"),
    "user.language": N_("Language changed"),
    "submission.create": N_("Submission received"),
    "submission.refused": N_("Submission refused"),
    "submission.approve": N_("Submission approved"),
    "submission.return": N_("Submission returned"),
    "reminder.sent": N_("Reminder sent"),
}


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


def for_display(log: pd.DataFrame) -> pd.DataFrame:
    """The log as read: each action in words in the current language (unknown codes as recorded)."""
    return log.assign(action=log["action"].map(lambda a: _(ACTION_LABELS[a]) if a in ACTION_LABELS else a))
