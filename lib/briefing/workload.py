"""The pack's New York office workload page."""

from __future__ import annotations

import pandas as pd

from lib import i18n
from lib.briefing.data import Context
from lib.briefing.fmt import figures_table, fmt_count, fmt_date, fmt_value, human
from lib.briefing.mdg import PAGE_TEXT_WIDTH
from lib.briefing.pdf import PackPDF, Writer
from lib.domains.workload import charts as wl_charts
from lib.domains.workload import headline as wl_headline
from lib.domains.workload import metrics as wl_metrics
from lib.domains.workload import views as wl_views
from lib.i18n import _
from lib.rounds import upto_round, window


def workload_section(ctx: Context) -> Writer:
    """The workload page's figures and charts, as known at the round's cut-off."""
    data, rid, as_of = ctx.data, ctx.round_id, ctx.cutoff
    hl = wl_headline.headline(data.items, data.rounds, window(data.rounds, rid))
    known, backlog = hl.known, hl.backlog
    figures = figures_table(wl_headline.figures(hl, rid))
    monthly = wl_views.monthly_upto(wl_metrics.monthly_counts(known, by="work_area"), as_of)
    c_monthly = ctx.render(
        wl_charts.workload_monthly_chart(monthly, measure="items").properties(width=560, height=220)
    )
    per_round = upto_round(wl_metrics.by_round(known, data.rounds), rid)
    pivot = wl_views.per_round_pivot(per_round)
    pivot_shown = pivot.map(fmt_count).reset_index()
    pivot_shown.columns = [_("Round"), *[human(c) for c in pivot.columns]]
    hours = wl_metrics.hours_vs_capacity(known, wl_views.HOURS_PER_PERSON_MONTH)
    c_hours = ctx.render(wl_charts.hours_capacity_chart(hours).properties(width=560, height=200))
    c_backlog = (
        ctx.render(wl_charts.backlog_age_chart(backlog).properties(width=420)) if not backlog.empty else None
    )
    turn = wl_metrics.turnaround(wl_views.completed_by(known, as_of))
    turn_shown = pd.DataFrame(
        {
            _("Work area"): turn["work_area"].map(human),
            _("Completed"): turn["completed_items"].map(fmt_count),
            _("Median days"): turn["median_days"].map(fmt_value),
            _("Mean days"): turn["mean_days"].map(lambda v: i18n.fmt_number(v, 1)),
            _("Longest"): turn["max_days"].map(fmt_count),
        }
    )

    def write(pdf: PackPDF) -> None:
        pdf.opening(
            _("New York office workload"),
            _(
                "Requests to the New York office in the areas the plan names (rule of law, mainstreaming, "
                "MDGs, action 2, peace and security; paragraphs 83, 123, 153), as known at the cut-off "
                "({cutoff}).",
                cutoff=fmt_date(as_of),
            ),
            size=9,
        )
        pdf.data_table(figures, align="CENTER", size=8.5)
        pdf.chart(c_monthly[0].result(), c_monthly[1], max_height=80)
        pdf.subheading(_("Requests per round and work area"))
        n_areas = len(pivot_shown.columns) - 1
        pdf.data_table(
            pivot_shown,
            [16.0, *[(PAGE_TEXT_WIDTH - 16.0) / max(n_areas, 1)] * n_areas],
            ("LEFT", *["RIGHT"] * n_areas),
            size=7.5,
        )
        pdf.chart(
            c_hours[0].result(),
            c_hours[1],
            max_height=75,
            heading=_(
                "Hours against staff capacity: each month's officers on staff x {hours} hours",
                hours=fmt_count(wl_views.HOURS_PER_PERSON_MONTH),
            ),
        )
        backlog_heading = _("Open backlog at the cut-off ({count} requests)", count=fmt_count(len(backlog)))
        if c_backlog is None:
            pdf.subheading(backlog_heading)
            pdf.para(_("No open requests at the cut-off date."), size=9)
        else:
            pdf.chart(c_backlog[0].result(), c_backlog[1], max_height=70, heading=backlog_heading)
        pdf.subheading(_("Turnaround: days from receipt to completion"))
        pdf.data_table(turn_shown, [60, 28, 30, 30, 30], ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"), size=8)

    return write
