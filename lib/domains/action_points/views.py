"""Action point tables: the columns each role sees, the round's table with moves and overdue flags, filters."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from lib import i18n, tables
from lib.datasets import CLUSTERS
from lib.domains.action_points import metrics
from lib.i18n import _
from lib.rounds import Window

# Every role sees these first.
_POINT_KEYS = (
    "round_id",
    "action_point_id",
    "cluster",
    "status",
    "assessment",  # OHCHR's review
    "self_assessment",  # the lead unit's own, beside it
    "assessments_differ",
    "percent_complete",
)
PARTNER_POINT_COLUMNS = [
    *_POINT_KEYS,
    "due_date",
    "overdue",
    "move",
    "previous_status",
    "summary",
    "text",
]
INTERNAL_POINT_COLUMNS = [
    *_POINT_KEYS,
    "lead_unit",
    "due_date",
    "overdue",
    "days_overdue",
    "move",
    "previous_status",
    "summary",
    "next_steps",
    "internal_notes",
    "reported_by",
    "reported_on",
    "text",
]

#: What the progress report form changes (the round, point, lead unit and dates stay as reported).
EDITABLE_REPORT_COLUMNS = (
    "status",
    "assessment",
    "self_assessment",
    "percent_complete",
    "summary",
    "next_steps",
    "internal_notes",
)

# What the briefing page lists of the points newly at risk and newly overdue.
# Every table that names a point carries its text and its lead: no one flips to an annex.
NEWLY_AT_RISK_COLUMNS = ("action_point_id", "text", "lead_unit", "status", "assessment", "summary")
NEWLY_OVERDUE_COLUMNS = ("action_point_id", "text", "lead_unit", "status", "due_date", "days_overdue")


def cluster_label(code: str, title: object) -> str:
    """A cluster's title in the current language when it is the plan's own title, else as stored."""
    text = str(title)
    return _(text) if CLUSTERS.get(code) == text else text


def point_table(
    reports: pd.DataFrame, round_id: str, previous_round_id: str | None, as_of: pd.Timestamp
) -> pd.DataFrame:
    """The round's action points with overdue flags and movement since the previous round."""
    od = metrics.overdue(reports, round_id, as_of)
    moves = metrics.status_moves(reports, round_id, previous_round_id)[
        ["action_point_id", "previous_status", "move"]
    ]
    return od.merge(moves, on="action_point_id", how="left")


def filter_points(
    table: pd.DataFrame,
    clusters: Sequence[str] = (),
    statuses: Sequence[str] = (),
    assessments: Sequence[str] = (),
    lead_units: Sequence[str] = (),
    overdue_only: bool = False,
) -> pd.DataFrame:
    """Rows matching every non-empty filter (an empty filter keeps all)."""
    mask = pd.Series(True, index=table.index)
    for col, chosen in (
        ("cluster", clusters),
        ("status", statuses),
        ("assessment", assessments),
        ("lead_unit", lead_units),
    ):
        if chosen and col in table:
            mask &= table[col].isin(list(chosen))
    if overdue_only:
        mask &= table["overdue"]
    return table.loc[mask]


def with_assessment_gap(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``assessments_differ``: the lead unit gave a self-assessment other than OHCHR's."""
    if "self_assessment" not in table.columns:
        return table
    own = table["self_assessment"]
    differ = own.notna() & own.ne("") & own.ne(table["assessment"])
    return table.assign(assessments_differ=differ.astype(bool))


def visible_point_columns(table: pd.DataFrame, internal: bool) -> pd.DataFrame:
    """Only the columns the role may see, in a readable order (with where the assessments differ)."""
    cols = INTERNAL_POINT_COLUMNS if internal else PARTNER_POINT_COLUMNS
    table = with_assessment_gap(table)
    return table[[c for c in cols if c in table.columns]].reset_index(drop=True)


def round_points(reports: pd.DataFrame, win: Window) -> pd.DataFrame:
    """The round's point table (:func:`point_table` at its cut-off) with the texts in the reader's language.

    The plan's texts stay English unless the data supplies them in the reader's language.
    """
    table = point_table(reports, win.round_id, win.previous, win.cutoff)
    return table.assign(text=tables.localised_text(table))


def lead_units(table: pd.DataFrame) -> list[str]:
    """The lead units of the table's points, sorted (the page's filter)."""
    return sorted(table["lead_unit"].dropna().unique())


def point_texts(table: pd.DataFrame) -> pd.Series:
    """Each point's text by its id, in the table's order (the history picker)."""
    return table.set_index("action_point_id")["text"]


def shown_caption(shown: pd.DataFrame, table: pd.DataFrame) -> str:
    """How many of the round's action points the filters show, and what overdue means."""
    return _(
        "{shown} of {total} action points. Overdue: due before the cut-off date and not completed.",
        shown=i18n.fmt_number(len(shown)),
        total=i18n.fmt_number(len(table)),
    )


def differ_caption(shown: pd.DataFrame) -> str:
    """How many of the shown points the lead unit assesses otherwise than OHCHR."""
    return _(
        "The lead unit's self-assessment differs from OHCHR's assessment for {count} of them.",
        count=i18n.fmt_number(int(shown["assessments_differ"].sum())),
    )
