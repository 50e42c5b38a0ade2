"""The upload history page's logic, without Streamlit: the history table, one upload's line,
and revert (what it removes, and the confirmation a large one needs)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from lib import i18n, ingest
from lib.i18n import N_, _
from lib.ingest import RevertRefused
from lib.models import Upload
from lib.tables import dataset_title

ACTIVE = N_("active")  # the status of an upload that was not reverted


HISTORY_COLUMNS = {
    "id": "upload",
    "dataset": "dataset",
    "filename": "file name",
    "username": "uploaded by",
    "created_at": "uploaded at (UTC)",
    "rows_new": "new",
    "rows_modified": "modified",
    "rows_unchanged": "unchanged",
    "status": "status",
    "sha256": "SHA-256",
    "file_kept": "file kept",
}


def _status(r: pd.Series) -> str:
    if r["reverted_at"] is None or pd.isna(r["reverted_at"]):
        return _(ACTIVE)
    return _(
        "reverted {at} by {user}",
        at=f"{pd.Timestamp(r['reverted_at']):%Y-%m-%d %H:%M}",
        user=r["reverted_by"],
    )


def is_active(row: pd.Series) -> bool:
    """Whether an upload of :func:`history_table` (built in this run's language) is not reverted."""
    return row["status"] == _(ACTIVE)


def history_table(engine: Engine) -> pd.DataFrame:
    """Every upload, newest first, with readable column names and a status (active / reverted)."""
    df = ingest.history(engine)
    if df.empty:
        return pd.DataFrame(columns=list(HISTORY_COLUMNS.values()))
    df["status"] = df.apply(_status, axis=1)
    up = Upload.__table__
    with engine.connect() as conn:
        kept = set(conn.execute(select(up.c.id).where(up.c.content.is_not(None))).scalars())
    df["file_kept"] = df["id"].isin(kept)
    return df[list(HISTORY_COLUMNS)].rename(columns=HISTORY_COLUMNS)


def history_rows(table: pd.DataFrame) -> dict[int, pd.Series]:
    """The rows of :func:`history_table` by upload id, newest first (the page's select box)."""
    return {int(r["upload"]): r for _i, r in table.iterrows()}


def revert_notice(upload_id: int, done: dict) -> tuple[str, str]:
    """(kind, text) of the notice after a revert."""
    return (
        "success",
        _(
            "Upload {upload} reverted: {deleted} added row(s) removed, {restored} modified row(s) restored.",
            upload=upload_id,
            deleted=i18n.fmt_number(done["deleted"]),
            restored=i18n.fmt_number(done["restored"]),
        ),
    )


def upload_label(row: pd.Series) -> str:
    """One line naming an upload of :func:`history_table`, for a select box, in words."""
    n = i18n.fmt_number
    return _(
        "{upload}: {file} ({dataset}), by {user} on {at}: {new} new, {modified} modified, "
        "{unchanged} unchanged rows; {status}",
        upload=row["upload"],
        file=row["file name"],
        dataset=dataset_title(row["dataset"]),
        user=row["uploaded by"],
        at=f"{pd.Timestamp(row['uploaded at (UTC)']):%Y-%m-%d %H:%M}",
        new=n(row["new"]),
        modified=n(row["modified"]),
        unchanged=n(row["unchanged"]),
        status=row["status"],
    )


def revert_consequence(row: pd.Series) -> str:
    """What reverting an upload of :func:`history_table` does, in plain words."""
    return _(
        "Reverting upload {upload} ({file}) removes the {new} rows it added and gives the {modified} rows it "
        "modified their previous values back, in one transaction. Uploads made after it that changed the "
        "same rows block the revert.",
        upload=row["upload"],
        file=row["file name"],
        new=i18n.fmt_number(row["new"]),
        modified=i18n.fmt_number(row["modified"]),
    )


def revert_plan(engine: Engine, upload_id: int) -> dict:
    """What reverting an upload removes and restores (:func:`lib.ingest.revert_preview`)."""
    return ingest.revert_preview(engine, upload_id)


def revert_sample_heading(plan: dict) -> str:
    """The line above the first rows a large revert removes."""
    n = i18n.fmt_number
    return _(
        "This revert removes {removed} row(s) and restores {restored}. The first rows it removes:",
        removed=n(plan["removed"]),
        restored=n(plan["restored"]),
    )


def revert_typed_label(upload_id: int) -> str:
    """The label of the box a large revert's upload id is typed in."""
    return _("To confirm, type the upload's id ({upload})", upload=upload_id)


def try_revert(engine: Engine, upload_id: int, *, user: str) -> tuple[dict | None, str | None]:
    """Revert an upload: (what was done, None), or (None, why it was refused)."""
    try:
        return ingest.revert(engine, upload_id, user=user), None
    except RevertRefused as exc:
        return None, str(exc)
