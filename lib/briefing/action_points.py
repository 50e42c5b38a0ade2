"""The pack's action point pages: the roll-up, then the points that need attention and those that moved."""

from __future__ import annotations

import pandas as pd

from lib import i18n
from lib.briefing.data import Context
from lib.briefing.fmt import figures_table, fmt_count, fmt_date, human, shorten
from lib.briefing.pdf import PackPDF, Writer
from lib.datasets import STATUSES
from lib.domains.action_points import headline as ap_headline
from lib.domains.action_points import metrics as ap_metrics
from lib.domains.action_points import views as ap_views
from lib.i18n import _


def point_rows(table: pd.DataFrame) -> pd.DataFrame:
    return table.sort_values(["sort_order", "action_point_id"]).reset_index(drop=True)


def action_point_sections(ctx: Context) -> list[Writer]:
    """The roll-up page, then one page per cluster."""
    reports = ctx.data.reports
    rid, prev = ctx.round_id, ctx.prev
    rollup = ap_metrics.cluster_rollup(reports, rid)
    table = ap_views.point_table(reports, rid, prev, ctx.cutoff)  # as on the action points page
    figures = figures_table(ap_headline.figures(ctx.ov.action_points, ctx.ov.moves, prev))
    overall = not rollup.empty

    def rollup_table(roll: pd.DataFrame) -> pd.DataFrame:
        wide = roll.pivot_table(
            index=["cluster", "cluster_title"], columns="status", values="count", aggfunc="sum"
        )
        wide = wide.reindex(columns=list(STATUSES), fill_value=0).reset_index()
        titles = [
            f"{c}. {ap_views.cluster_label(c, t)}"
            for c, t in zip(wide["cluster"], wide["cluster_title"], strict=True)
        ]
        out = pd.DataFrame({_("Cluster"): titles})
        out[_("Points")] = wide[list(STATUSES)].sum(axis=1).map(fmt_count)
        for s in STATUSES:
            out[human(s).capitalize()] = wide[s].map(fmt_count)
        return out

    def write_rollup(pdf: PackPDF) -> None:
        pdf.opening(
            _("Action points"),
            _(
                "Progress on the action points of section V of the Plan of Action (paragraphs 127-158) as "
                "reported for {round}. Overdue: due before the cut-off date ({cutoff}) and not completed.",
                round=rid,
                cutoff=fmt_date(ctx.cutoff),
            ),
            size=9,
        )
        if not overall:
            pdf.para(_("No progress reports for {round}.", round=rid))
            return
        pdf.data_table(figures, align="CENTER", size=8.5)
        # No status chart: it would repeat the table below (the same counts, as shares).
        pdf.subheading(_("Action points by status and cluster"))
        pdf.data_table(rollup_table(rollup), [76, 18, 21, 21, 21, 21], ("LEFT", *["RIGHT"] * 5))

    return [write_rollup, attention_section(ctx, table)]


def _due(value: object) -> str:
    return "—" if pd.isna(value) else i18n.fmt_date(value, "medium")


def attention_section(ctx: Context, table: pd.DataFrame) -> Writer:
    """The points that need attention (at risk, off track or overdue, longest overdue first) and
    those that moved, each with its text and lead: no one flips to the annex to know what it is."""
    rid, prev = ctx.round_id, ctx.prev
    flagged = table.loc[table["assessment"].isin(ap_metrics.AT_RISK_ASSESSMENTS) | table["overdue"]]
    flagged = flagged.sort_values(["days_overdue", "sort_order"], ascending=[False, True], kind="stable")
    risk = pd.DataFrame(
        {
            _("Point"): flagged["action_point_id"],
            _("Action point text"): flagged["text"].fillna("").map(fmt_text),
            _("Lead unit"): flagged["lead_unit"].fillna("—"),
            _("Assessment"): flagged["assessment"].map(human),
            _("Due"): flagged["due_date"].map(_due),
            _("Days overdue"): flagged["days_overdue"].map(lambda v: fmt_count(v) if v else "—"),
        }
    )
    moved_rows = table.loc[table["move"].isin(["improved", "declined"])]
    moved = pd.DataFrame(
        {
            _("Point"): moved_rows["action_point_id"],
            _("Action point text"): moved_rows["text"].fillna("").map(fmt_text),
            _("Lead unit"): moved_rows["lead_unit"].fillna("—"),
            _("Status {round}", round=prev or _("before")): moved_rows["previous_status"].map(human),
            _("Status {round}", round=rid): moved_rows["status"].map(human),
        }
    )
    move_counts = ap_metrics.move_summary(table.dropna(subset=["move"]))

    def write(pdf: PackPDF) -> None:
        pdf.opening(
            _("Action points that need attention"),
            _(
                "{count} of {total} action points are at risk, off track or overdue in {round}, the longest "
                "overdue first; then the points whose status moved since {previous}.",
                count=len(flagged),
                total=len(table),
                round=rid,
                previous=prev or "—",
            ),
            size=9,
            level=1,
            new_page=False,
        )
        pdf.subheading(_("At risk, off track or overdue ({count})", count=len(flagged)))
        if flagged.empty:
            pdf.para(_("None: every point is on track and none is overdue."), size=9)
        else:
            pdf.data_table(
                risk, [11, 68, 36, 23, 22, 18], ("LEFT", "LEFT", "LEFT", "LEFT", "LEFT", "RIGHT"), size=7.5
            )
        pdf.subheading(
            _("Movement since {round}", round=prev)
            if prev
            else _("Movement (first round: nothing to compare)")
        )
        pdf.para(ap_headline.moves_line(move_counts), size=8.5)
        if not moved.empty:
            pdf.data_table(moved, [12, 82, 40, 22, 22], size=7.5)

    return write


def fmt_text(text: str) -> str:
    """An action point's text for a table cell: whole, but never taller than a page can hold."""
    return shorten(str(text))
