"""Recommendation charts: where the recommendations of each round stand."""

from __future__ import annotations

import altair as alt
import pandas as pd

from lib import chart_theme as theme
from lib import i18n
from lib.domains.recommendations.metrics import STATUS_ORDER
from lib.i18n import _

#: Colours of the follow-up statuses: the action points' four, then dropped and not reported in greys.
REC_STATUS_COLOURS = {**theme.STATUS_COLOURS, "dropped": "#999999", "not_reported": "#DDDDDD"}


def status_by_round_chart(counts: pd.DataFrame, title: str | None = None) -> alt.Chart:
    """Stacked bars: per round made, the recommendations in each status (``metrics.status_counts``)."""
    df = theme.chart_columns(counts, ["round_id", "status", "status_rank", "count"])
    df["status_label"] = df["status"].map(theme.human)
    totals = df.groupby("round_id")["count"].sum()
    summary = "; ".join(
        _("{round}: {count} recommendations", round=r, count=i18n.fmt_number(int(n)))
        for r, n in totals.items()
    )
    description = (
        _(
            "Stacked bar chart: for each round in which recommendations were made, how many are in "
            "each follow-up status, from not started to completed, dropped or not reported yet."
        )
        + f" {summary}"
    ).strip()
    return (
        theme.base(df, title=title or _("Recommendations by round made and status"), description=description)
        .mark_bar()
        .encode(
            x=alt.X("round_id:N", title=_("Round made")),
            y=alt.Y("count:Q", title=_("Recommendations"), stack="zero", axis=alt.Axis(tickMinStep=1)),
            color=theme.coded_color(
                "status:N", _("Status"), theme.fixed_scale(REC_STATUS_COLOURS), list(STATUS_ORDER)
            ),
            order=alt.Order("status_rank:Q"),
            tooltip=[
                alt.Tooltip("round_id:N", title=_("Round made")),
                alt.Tooltip("status_label:N", title=_("Status")),
                alt.Tooltip("count:Q", title=_("Recommendations")),
            ],
        )
    )
