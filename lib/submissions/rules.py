"""The agency rule of partner submissions and the one-record form (pure: frames in, problems or bytes out)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd

from lib import ingest
from lib.datasets import get_dataset, split_list
from lib.exports import to_csv_bytes
from lib.i18n import N_, _
from lib.ingest import Problem, Reason

#: The datasets a partner may submit, and the column naming the agency a row is for (None: a
#: follow-up report is the agency's when the recommendation is addressed to it).
SUBMITTABLE: dict[str, str | None] = {"action2": "agency", "recommendation-status": None}
DATASET_LABELS = {
    "action2": N_("Action 2 activities"),
    "recommendation-status": N_("Follow-up of recommendations addressed to your agency"),
}
MAX_SUBMISSION_BYTES = 2 * ingest.MB  # a round's report of one agency is a few kB
MAX_REASON_LENGTH = 2000
PREVIEWS_SHOWN = 20  # the review page previews this many pending submissions per run
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


def user_agency(user: dict) -> str:
    """The agency ``user`` reports for; ValueError when they belong to none."""
    agency = (user or {}).get("agency")
    if not agency:
        raise ValueError(
            _("Your user belongs to no partner agency: an administrator can set it on the Users page.")
        )
    return str(agency)


def _dataset_column(dataset: str) -> str | None:
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


def addressee_problems(
    rows: pd.DataFrame, addressees: dict[str, str], agency: str, round_id: str
) -> list[Problem]:
    """Follow-up reports that break the agency rule: a recommendation not addressed to ``agency``,
    or another round. ``addressees``: recommendation id -> its addressees cell (unknown ids are
    the pipeline's reference problems). Pure."""
    problems = []
    for line, r in rows.iterrows():
        row = int(line) if isinstance(line, int | float) else None
        cell = addressees.get(str(r["recommendation_id"]))
        if cell is not None and agency not in split_list(cell):
            msg = _(
                "Recommendation {id} is not addressed to {agency}: you may report only on recommendations "
                "addressed to your agency.",
                id=r["recommendation_id"],
                agency=agency,
            )
            problems.append(
                Problem(row, "recommendation_id", str(r["recommendation_id"]), msg, reason=Reason.ROW)
            )
        if r["round_id"] != round_id:
            msg = _(
                "This row is for round {other}; this submission is for round {round}.",
                other=r["round_id"],
                round=round_id,
            )
            problems.append(Problem(row, "round_id", str(r["round_id"]), msg, reason=Reason.ROW))
    return problems


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


def form_options(
    dataset: str, agency: str, countries: dict[str, str], recommendations: pd.DataFrame, round_id: str
) -> dict[str, dict[str, str]]:
    """Code -> label of the form's columns whose values come from the data: countries, or the
    recommendations addressed to ``agency`` made before ``round_id`` (pure)."""
    if dataset == "action2":
        return {"country_iso3": countries}
    mine = recommendations.loc[recommendations["round_id"] < round_id]
    mine = mine.loc[mine["addressees"].map(lambda cell: agency in split_list(cell)).astype(bool)]
    return {"recommendation_id": {r.id: f"{r.id}: {r.text[:90]}" for r in mine.itertuples()}}
