"""Partner submissions as the pages show them, in the current language."""

from __future__ import annotations

import pandas as pd

from lib.i18n import N_, _
from lib.submissions.approval import Outcome
from lib.submissions.rules import APPROVED, DATASET_LABELS, PENDING, RETURNED, STATUS_LABELS


def dataset_label(dataset: str) -> str:
    """What a submittable dataset is, in the current language."""
    return _(DATASET_LABELS[dataset])


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
