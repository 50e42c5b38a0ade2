"""Checking, storing and reading partner submissions (the agency rule run against the live data)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, insert, select

from lib import ingest
from lib.audit import audit
from lib.auth import is_allowed
from lib.datasets import get_dataset
from lib.db import get_data_version, writer
from lib.i18n import _
from lib.ingest import ImportResult, Problem
from lib.ingest.staging import target_table
from lib.models import ConsultationRound, Recommendation, Submission
from lib.submissions.rules import (
    LIST_COLUMNS,
    MAX_SUBMISSION_BYTES,
    PENDING,
    SUBMITTABLE,
    SubmissionRefused,
    _dataset_column,
    addressee_problems,
    agency_problems,
    user_agency,
)


@dataclass
class SubmissionCheck:
    """A submission checked against the live data: the dry run and the agency rule's problems."""

    dataset: str
    agency: str
    round_id: str
    filename: str
    version: int  # the data version the check was made against
    result: ImportResult
    problems: list[Problem] = field(default_factory=list)  # the agency rule's

    @property
    def ok(self) -> bool:
        return self.result.ok and not self.problems

    @property
    def all_problems(self) -> list[Problem]:
        return self.result.problems + self.problems

    @property
    def writes(self) -> bool:
        return self.ok and (self.result.new > 0 or self.result.modified > 0)


def _addressees(conn, ids: list[str]) -> dict[str, str]:
    """Recommendation id -> its addressees cell, for these ids."""
    t = Recommendation.__table__
    out: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        out.update(
            dict(conn.execute(select(t.c.id, t.c.addressees).where(t.c.id.in_(ids[i : i + 500]))).all())
        )
    return out


def _rule_problems(conn, dataset: str, typed: pd.DataFrame, agency: str, round_id: str) -> list[Problem]:
    """The agency rule of ``dataset`` on the typed rows, against the live data of ``conn``."""
    col = SUBMITTABLE[dataset]
    if col is None:
        ids = [str(k) for k in typed["recommendation_id"]]
        return addressee_problems(typed, _addressees(conn, ids), agency, round_id)
    key = get_dataset(dataset).key[0]
    owners = _live_owners(conn, dataset, [str(k) for k in typed[key]])
    return agency_problems(typed, owners, agency, round_id, col, key)


def _live_owners(conn, dataset: str, keys: list[str]) -> dict[str, str]:
    """Key -> agency of the live rows with these keys."""
    ds = get_dataset(dataset)
    table = target_table(ds)
    col, key = table.c[SUBMITTABLE[dataset]], table.c[ds.key[0]]
    out: dict[str, str] = {}
    for i in range(0, len(keys), 500):
        out.update({str(k): a for k, a in conn.execute(select(key, col).where(key.in_(keys[i : i + 500])))})
    return out


def check(
    engine: Engine, agency: str, dataset: str, raw: bytes, filename: str, round_id: str
) -> SubmissionCheck:
    """Check rows submitted for ``agency`` and ``round_id`` against the live data; writes nothing."""
    _dataset_column(dataset)
    ds = get_dataset(dataset)
    with engine.connect() as conn:
        version = get_data_version(conn)
        if conn.execute(select(ConsultationRound.id).where(ConsultationRound.id == round_id)).first() is None:
            raise ValueError(_("There is no consultation round {round}.", round=repr(round_id)))
        typed, _parsed, _problems = ingest.read_file(conn, ds, raw, max_bytes=MAX_SUBMISSION_BYTES)
        problems = _rule_problems(conn, dataset, typed, agency, round_id) if typed is not None else []
    res = ingest.import_bytes(
        engine, dataset, raw, filename, user=agency, dry_run=True, max_bytes=MAX_SUBMISSION_BYTES
    )
    return SubmissionCheck(dataset, agency, round_id, filename, version, res, problems)


def check_for(
    engine: Engine, user: dict, dataset: str, raw: bytes, filename: str, round_id: str
) -> SubmissionCheck:
    """:func:`check` for the agency of the signed-in ``user``."""
    return check(engine, user_agency(user), dataset, raw, filename, round_id)


def submit(engine: Engine, user: dict, dataset: str, raw: bytes, filename: str, round_id: str) -> int:
    """Store a pending submission of ``user``'s agency; returns its id.

    The file is checked again here (never trusting an earlier preview). Raises
    :class:`SubmissionRefused` (nothing stored) when a row breaks a rule, ValueError when
    the user belongs to no agency or nothing would change.
    """
    if not is_allowed(user.get("role"), "submit"):
        raise ValueError(_("Your role does not allow submitting."))
    chk = check_for(engine, user, dataset, raw, filename, round_id)
    if chk.problems:
        # Rows for another agency: refused, and recorded (a page never sends them by itself).
        audit(
            engine,
            user["username"],
            "submission.refused",
            f"{dataset} {filename} for {chk.agency} {round_id}: {len(chk.problems)} row(s) break the agency rule",
        )
    if not chk.ok:
        raise SubmissionRefused(
            _(
                "The submission was refused: {count} problem(s). Nothing was stored.",
                count=len(chk.all_problems),
            ),
            [p for p in chk.all_problems if p.severity == "error"],
        )
    if not chk.writes:
        raise ValueError(
            _("Every row is already in the published data as submitted: there is nothing to submit.")
        )
    with writer(engine).begin() as conn:
        sid = conn.execute(
            insert(Submission.__table__)
            .values(
                dataset=dataset,
                agency=chk.agency,
                round_id=round_id,
                filename=filename[:200],
                submitted_by=user["username"],
                submitted_at=datetime.now(UTC),
                status=PENDING,
                rows=chk.result.rows,
                content=raw,
            )
            .returning(Submission.__table__.c.id)
        ).scalar_one()
        audit(
            conn,
            user["username"],
            "submission.create",
            f"submission {sid}: {dataset} {filename} for {chk.agency} {round_id}, {chk.result.rows} row(s)",
        )
    return int(sid)


# --- Reading submissions -------------------------------------------------------------------


def _may_review(user: dict) -> bool:
    return is_allowed((user or {}).get("role"), "review_submissions")


def list_for(
    engine: Engine, viewer: dict, *, status: str | None = None, agency: str | None = None
) -> pd.DataFrame:
    """Submissions ``viewer`` may see, newest first: staff see all (or ``agency``'s), anyone else
    only their own agency's (none without an agency)."""
    t = Submission.__table__
    stmt = select(*[t.c[c] for c in LIST_COLUMNS]).order_by(t.c.id.desc())
    if not _may_review(viewer):
        own = (viewer or {}).get("agency")
        if not own:
            return pd.DataFrame(columns=LIST_COLUMNS)
        stmt = stmt.where(t.c.agency == own)
    elif agency:
        stmt = stmt.where(t.c.agency == agency)
    if status:
        stmt = stmt.where(t.c.status == status)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=LIST_COLUMNS)


def _get(conn, viewer: dict, sid: int) -> dict:
    t = Submission.__table__
    row = conn.execute(select(t).where(t.c.id == int(sid))).mappings().first()
    if row is None or not (_may_review(viewer) or row["agency"] == (viewer or {}).get("agency")):
        raise ValueError(_("There is no submission {id}.", id=sid))  # the same for someone else's
    return dict(row)


def rows_of(engine: Engine, viewer: dict, sid: int) -> pd.DataFrame:
    """The rows of a submission as submitted (text, the file's columns)."""
    with engine.connect() as conn:
        content = _get(conn, viewer, sid)["content"]
    return pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, encoding="utf-8-sig")


@dataclass
class Review:
    """A pending submission as staff review it: the rows and their comparison with the live data."""

    submission: dict
    check: SubmissionCheck
    rows: pd.DataFrame


def review(engine: Engine, reviewer: dict, sid: int) -> Review:
    """The preview of a submission against the live data now (new / modified / unchanged, old beside new)."""
    if not _may_review(reviewer):
        raise ValueError(_("Your role does not allow reviewing submissions."))
    with engine.connect() as conn:
        sub = _get(conn, reviewer, sid)
    chk = check(engine, sub["agency"], sub["dataset"], sub["content"], sub["filename"], sub["round_id"])
    return Review({k: v for k, v in sub.items() if k != "content"}, chk, rows_of(engine, reviewer, sid))
