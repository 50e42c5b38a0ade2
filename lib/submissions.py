"""Partner submissions: a partner agency's rows for a round, pending until staff review them.

A submission is stored in its own table (:class:`lib.models.Submission`), never in the live
tables, so no shared view, count, overview or pack sees it. Staff **approve** it (its rows
are then imported through the one pipeline, :func:`lib.ingest.import_bytes`: the same check,
history and revert, the submission recording its upload in the same transaction) or
**return** it with a reason the partner sees. Every step is audited.

The agency rule is checked here, on the server, whatever a page sends: every row must be
for the submitter's own agency and the submission's round, and no row may overwrite a live
row of another agency.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, insert, select, update

from lib import ingest
from lib.audit import audit
from lib.auth import is_allowed
from lib.datasets import get_dataset
from lib.db import get_data_version, writer
from lib.exports import to_csv_bytes
from lib.i18n import N_, _
from lib.ingest import ImportResult, Problem, Reason, StaleData
from lib.ingest.staging import target_table
from lib.models import ConsultationRound, Submission

#: The datasets a partner may submit, and the column naming the agency a row is for.
SUBMITTABLE: dict[str, str] = {"action2": "agency"}
MAX_SUBMISSION_BYTES = 2 * ingest.MB  # a round's report of one agency is a few kB
MAX_REASON_LENGTH = 2000
PENDING, APPROVED, RETURNED = "pending", "approved", "returned"
STATUS_LABELS = {PENDING: N_("pending"), APPROVED: N_("approved"), RETURNED: N_("returned")}
LIST_COLUMNS = [
    "id",
    "dataset",
    "agency",
    "round_id",
    "filename",
    "rows",
    "submitted_by",
    "submitted_at",
    "status",
    "reason",
    "reviewed_by",
    "reviewed_at",
    "upload_id",
]


class SubmissionRefused(ValueError):
    """A submission that breaks a rule; nothing was stored. Carries the problems."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []


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


def user_agency(user: dict) -> str:
    """The agency ``user`` reports for; ValueError when they belong to none."""
    agency = (user or {}).get("agency")
    if not agency:
        raise ValueError(
            _("Your user belongs to no partner agency: an administrator can set it on the Users page.")
        )
    return str(agency)


def _dataset_column(dataset: str) -> str:
    if dataset not in SUBMITTABLE:
        raise ValueError(_("Partner agencies cannot submit the dataset {dataset}.", dataset=repr(dataset)))
    return SUBMITTABLE[dataset]


def agency_problems(
    rows: pd.DataFrame, live_owner: dict[str, str], agency: str, round_id: str, agency_col: str, key: str
) -> list[Problem]:
    """The rows that break the agency rule: another agency, another round, or another agency's live row.

    ``rows``: the typed rows (index = the file's row numbers); ``live_owner``: key -> agency of
    the live rows with the same keys. Pure: reads nothing, changes nothing.
    """
    problems = []
    for line, r in rows.iterrows():
        row = int(line) if isinstance(line, int | float) else None
        if r[agency_col] != agency:
            problems.append(
                Problem(
                    row,
                    agency_col,
                    str(r[agency_col]),
                    _(
                        "This row is for {other}: you may submit only rows of your own agency, {agency}.",
                        other=r[agency_col],
                        agency=agency,
                    ),
                    reason=Reason.ROW,
                )
            )
        if "round_id" in rows.columns and r["round_id"] != round_id:
            problems.append(
                Problem(
                    row,
                    "round_id",
                    str(r["round_id"]),
                    _(
                        "This row is for round {other}; this submission is for round {round}.",
                        other=r["round_id"],
                        round=round_id,
                    ),
                    reason=Reason.ROW,
                )
            )
        owner = live_owner.get(str(r[key]))
        if owner is not None and owner != agency:
            problems.append(
                Problem(
                    row,
                    key,
                    str(r[key]),
                    _(
                        "{key} is a record of {other}: choose another {column}.",
                        key=r[key],
                        other=owner,
                        column=key,
                    ),
                    reason=Reason.ROW,
                )
            )
    return problems


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
    agency_col = _dataset_column(dataset)
    ds = get_dataset(dataset)
    with engine.connect() as conn:
        version = get_data_version(conn)
        if conn.execute(select(ConsultationRound.id).where(ConsultationRound.id == round_id)).first() is None:
            raise ValueError(_("There is no consultation round {round}.", round=repr(round_id)))
        typed, _parsed, _problems = ingest.read_file(conn, ds, raw, max_bytes=MAX_SUBMISSION_BYTES)
        owners = _live_owners(conn, dataset, [str(k) for k in typed[ds.key[0]]]) if typed is not None else {}
    res = ingest.import_bytes(
        engine, dataset, raw, filename, user=agency, dry_run=True, max_bytes=MAX_SUBMISSION_BYTES
    )
    problems = (
        agency_problems(typed, owners, agency, round_id, agency_col, ds.key[0]) if typed is not None else []
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


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def form_file(dataset: str, values: dict[str, Any]) -> bytes:
    """One record from a form as a CSV file in the dataset's template layout (what :func:`submit` takes)."""
    ds = get_dataset(dataset)
    row = {c.name: _cell(values.get(c.name)) for c in ds.columns}
    return to_csv_bytes(pd.DataFrame([row], columns=ds.column_names), for_import=True)


def form_fields(dataset: str) -> list:
    """The columns a partner fills in a one-record form (the agency comes from their user)."""
    ds = get_dataset(dataset)
    return [c for c in ds.columns if c.name not in (SUBMITTABLE[dataset], "round_id", "illustrative")]


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


def status_label(status: str) -> str:
    """A submission status in the current language."""
    return _(STATUS_LABELS.get(status, status))


# --- What the pages show ---------------------------------------------------------------------

DISPLAY_COLUMNS = {
    "id": N_("submission"),
    "round_id": N_("round"),
    "agency": N_("agency"),
    "filename": N_("file"),
    "rows": N_("rows"),
    "submitted_by": N_("submitted by"),
    "submitted_at": N_("submitted at (UTC)"),
    "status": N_("status"),
    "reason": N_("reason given"),
    "reviewed_by": N_("reviewed by"),
    "reviewed_at": N_("reviewed at (UTC)"),
    "upload_id": N_("upload"),
}


def for_display(subs: pd.DataFrame) -> pd.DataFrame:
    """Submissions (:func:`list_for`) as a page shows them: statuses and headers in the current language."""
    out = subs.reindex(columns=list(DISPLAY_COLUMNS)).copy()
    out["status"] = out["status"].map(status_label)
    out["reason"] = out["reason"].fillna("")
    out["upload_id"] = out["upload_id"].astype("Int64")
    for c in ("submitted_at", "reviewed_at"):
        out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d %H:%M").fillna("")
    return out.rename(columns={c: _(t) for c, t in DISPLAY_COLUMNS.items()})


def label_of(row: pd.Series) -> str:
    """One line naming a submission, for a select box."""
    return _(
        "{id}: {agency}, round {round}, {rows} row(s) from {user} ({file})",
        id=row["id"],
        agency=row["agency"],
        round=row["round_id"],
        rows=row["rows"],
        user=row["submitted_by"],
        file=row["filename"],
    )


def counts_line(subs: pd.DataFrame) -> str:
    """How many of an agency's submissions are pending, returned and approved."""
    n = subs["status"].value_counts() if not subs.empty else pd.Series(dtype=int)
    return _(
        "{pending} pending, {returned} returned, {approved} approved",
        pending=int(n.get(PENDING, 0)),
        returned=int(n.get(RETURNED, 0)),
        approved=int(n.get(APPROVED, 0)),
    )


def outcome_notice(outcomes: list[Outcome]) -> tuple[str, str]:
    """(kind, text) of the notice after an approval."""
    kind = "success" if all(o.approved for o in outcomes) else "warning"
    return kind, " ".join(o.message for o in outcomes)
