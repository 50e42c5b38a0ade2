"""The pack's action point pages: the roll-up, then a page per cluster."""

from __future__ import annotations

import pandas as pd

from lib import i18n
from lib.briefing.data import Context
from lib.briefing.fmt import figures_table, fmt_count, fmt_date, human
from lib.briefing.pdf import PackPDF, Writer
from lib.datasets import CLUSTERS, STATUSES
from lib.domains.action_points import charts as ap_charts
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
    overall = ctx.render(ap_charts.cluster_status_bars(rollup)) if not rollup.empty else None

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
        if overall is None:
            pdf.para(_("No progress reports for {round}.", round=rid))
            return
        pdf.data_table(figures, align="CENTER", size=8.5)
        png, alt = overall[0].result(), overall[1]
        pdf.chart(png, alt, max_height=75)
        pdf.subheading(_("Action points by status and cluster"))
        pdf.data_table(rollup_table(rollup), [76, 18, 21, 21, 21, 21], ("LEFT", *["RIGHT"] * 5))

    writers: list[Writer] = [write_rollup]
    for cluster in sorted(rollup["cluster"].unique()) if not rollup.empty else []:
        writers.append(cluster_page(ctx, cluster, rollup, table))
    return writers


def cluster_page(ctx: Context, cluster: str, rollup: pd.DataFrame, table: pd.DataFrame) -> Writer:
    rid, prev = ctx.round_id, ctx.prev
    roll = rollup.loc[rollup["cluster"] == cluster]
    title = (
        f"{cluster}. {ap_views.cluster_label(cluster, CLUSTERS.get(cluster, roll['cluster_title'].iloc[0]))}"
    )
    chart = ctx.render(
        ap_charts.cluster_status_bars(
            roll, title=_("Cluster {cluster}: action points by status", cluster=title)
        ).properties(width=420)
    )
    points = point_rows(table.loc[table["cluster"] == cluster])
    counts = ", ".join(
        f"{int(r.count)} {human(r.status)}" for r in roll.sort_values("status_rank").itertuples()
    )
    flagged = points.loc[points["assessment"].isin(ap_metrics.AT_RISK_ASSESSMENTS) | points["overdue"]]
    risk = pd.DataFrame(
        {
            _("Point"): flagged["action_point_id"],
            _("Status"): flagged["status"].map(human),
            _("Assessment"): flagged["assessment"].map(human),
            _("Due"): flagged["due_date"].map(lambda d: "—" if pd.isna(d) else i18n.fmt_date(d, "medium")),
            _("Days overdue"): flagged["days_overdue"].map(lambda v: fmt_count(v) if v else "—"),
            _("Summary"): flagged["summary"].fillna(""),
        }
    )
    moved = pd.DataFrame(
        {
            _("Point"): points["action_point_id"],
            _("Status {round}", round=prev or _("before")): points["previous_status"].map(human),
            _("Status {round}", round=rid): points["status"].map(human),
            _("Move"): points["move"].map(human),
            _("Assessment"): points["assessment"].map(human),
            _("% complete"): points["percent_complete"].map(fmt_count),
        }
    )
    move_counts = ap_metrics.move_summary(points.dropna(subset=["move"]))

    def write(pdf: PackPDF) -> None:
        pdf.opening(
            _("Cluster {cluster}", cluster=title),
            _(
                "{count} action points reported for {round}: {counts}.",
                count=len(points),
                round=rid,
                counts=counts,
            ),
            size=9,
            level=1,
        )
        pdf.chart(chart[0].result(), chart[1], max_height=40)
        pdf.subheading(_("At risk, off track or overdue ({count})", count=len(flagged)))
        if flagged.empty:
            pdf.para(_("None: every point is on track and none is overdue."), size=9)
        else:
            pdf.data_table(
                risk, [14, 22, 21, 21, 16, 84], ("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "LEFT"), size=7.5
            )
        pdf.subheading(
            _("Movement since {round}", round=prev)
            if prev
            else _("Movement (first round: nothing to compare)")
        )
        pdf.para(ap_headline.moves_line(move_counts), size=8.5)
        pdf.data_table(
            moved, [18, 32, 32, 30, 38, 28], ("LEFT", "LEFT", "LEFT", "LEFT", "LEFT", "RIGHT"), size=7.5
        )

    return write
