"""Approving (through the one import pipeline) and returning partner submissions, audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, update

from lib import ingest
from lib.audit import audit
from lib.db import get_data_version, writer
from lib.i18n import _
from lib.ingest import StaleData
from lib.models import Submission
from lib.submissions.rules import APPROVED, MAX_REASON_LENGTH, MAX_SUBMISSION_BYTES, PENDING, RETURNED
from lib.submissions.store import _get, _may_review, check

# --- Approving and returning -----------------------------------------------------------------


@dataclass
class Outcome:
    """What happened to one submission of an approval."""

    id: int
    approved: bool
    upload_id: int | None = None
    message: str = ""


def _mark(conn, sid: int, reviewer: str, status: str, **values) -> bool:
    """Set a pending submission's status; False when it is no longer pending (someone else was first)."""
    t = Submission.__table__
    done = conn.execute(
        update(t)
        .where(t.c.id == sid, t.c.status == PENDING)
        .values(status=status, reviewed_by=reviewer, reviewed_at=datetime.now(UTC), **values)
    ).rowcount
    return done == 1


class _AlreadyReviewed(Exception):
    pass


def approve(engine: Engine, reviewer: dict, ids: list[int], seen_version: int | None = None) -> list[Outcome]:
    """Approve pending submissions: each is imported through the pipeline in its own transaction.

    ``seen_version``: the data version the reviewer's previews were made against; if the
    data changed since, :class:`lib.ingest.StaleData` is raised before anything is written.
    """
    if not _may_review(reviewer):
        raise ValueError(_("Your role does not allow reviewing submissions."))
    name = reviewer["username"]
    if seen_version is not None:
        with engine.connect() as conn:
            if get_data_version(conn) != seen_version:
                raise StaleData("The data changed since your preview.")
    out = []
    for sid in ids:
        with engine.connect() as conn:
            sub = _get(conn, reviewer, sid)
        if sub["status"] != PENDING:
            out.append(Outcome(sid, False, message=_("Submission {id} was already reviewed.", id=sid)))
            continue
        chk = check(engine, sub["agency"], sub["dataset"], sub["content"], sub["filename"], sub["round_id"])
        if not chk.ok:
            msg = _("Submission {id} no longer passes the check; return it with the reason.", id=sid)
            out.append(Outcome(sid, False, message=msg))
            continue
        detail = (
            f"submission {sid} of {sub['agency']} ({sub['submitted_by']}), {sub['dataset']} {sub['round_id']}"
        )

        def record(conn, upload_id: int, sid: int = sid, detail: str = detail) -> None:
            if not _mark(conn, sid, name, APPROVED, upload_id=upload_id):
                raise _AlreadyReviewed
            audit(conn, name, "submission.approve", f"{detail}: upload {upload_id}")

        try:
            res = ingest.import_bytes(
                engine,
                sub["dataset"],
                sub["content"],
                f"submission-{sid}-{sub['agency']}-{sub['round_id']}.csv",
                user=name,
                expected_version=chk.version,
                max_bytes=MAX_SUBMISSION_BYTES,
                after_write=record,
            )
        except _AlreadyReviewed:
            out.append(Outcome(sid, False, message=_("Submission {id} was already reviewed.", id=sid)))
            continue
        except StaleData:
            msg = _("The data changed while submission {id} was being approved; check it again.", id=sid)
            out.append(Outcome(sid, False, message=msg))
            continue
        if res.upload_id is None:  # every row already live as submitted: approved, nothing to import
            with writer(engine).begin() as conn:
                if not _mark(conn, sid, name, APPROVED):
                    out.append(
                        Outcome(sid, False, message=_("Submission {id} was already reviewed.", id=sid))
                    )
                    continue
                audit(conn, name, "submission.approve", f"{detail}: nothing to import")
        out.append(Outcome(sid, True, res.upload_id, _("Submission {id} approved.", id=sid)))
    return out


def return_to_agency(engine: Engine, reviewer: dict, ids: list[int], reason: str) -> int:
    """Return pending submissions to their agency with a reason (required); returns how many."""
    if not _may_review(reviewer):
        raise ValueError(_("Your role does not allow reviewing submissions."))
    reason = (reason or "").strip()
    if not reason:
        raise ValueError(_("Say why the submission is returned: the agency sees the reason."))
    if len(reason) > MAX_REASON_LENGTH:
        raise ValueError(_("The reason must be at most {count} characters long.", count=MAX_REASON_LENGTH))
    n = 0
    with writer(engine).begin() as conn:
        for sid in ids:
            sub = _get(conn, reviewer, sid)
            if _mark(conn, int(sid), reviewer["username"], RETURNED, reason=reason):
                audit(
                    conn,
                    reviewer["username"],
                    "submission.return",
                    f"submission {sid} of {sub['agency']} ({sub['submitted_by']}): {reason[:200]}",
                )
                n += 1
    if n == 0:
        raise ValueError(_("None of these submissions is pending any more."))
    return n
