"""Action point charts: status by cluster, one point's history."""

from __future__ import annotations

import altair as alt
import pandas as pd

from lib import chart_theme as theme
from lib import i18n
from lib.datasets import STATUSES
from lib.domains.action_points.views import cluster_label
from lib.i18n import _


def cluster_status_bars(rollup: pd.DataFrame, title: str | None = None) -> alt.Chart:
    """Stacked bars of the share of action points by status, one bar per cluster (``cluster_rollup``)."""
    df = theme.chart_columns(
        rollup, ["cluster", "cluster_title", "status", "status_rank", "count", "total", "share"]
    )
    df["cluster_label"] = [
        f"{c}. {cluster_label(str(c), t)}" for c, t in zip(df["cluster"], df["cluster_title"], strict=True)
    ]
    df["status_label"] = df["status"].map(theme.human)
    done = df.loc[df["status"] == "completed"]
    summary = "; ".join(
        _(
            "{cluster}: {total} points, {share} completed",
            cluster=r.cluster_label,
            total=int(r.total),
            share=i18n.fmt_percent(r.share),
        )
        for r in done.itertuples()
    )
    description = (
        _(
            "Stacked horizontal bar chart: for each cluster of action points, the share of points "
            "in each status from not started to completed."
        )
        + f" {summary}"
    ).strip()
    return (
        theme.base(df, title=title or _("Action points by status and cluster"), description=description)
        .mark_bar()
        .encode(
            y=alt.Y("cluster_label:N", title=None, sort=sorted(df["cluster_label"].unique())),
            x=alt.X(
                "share:Q",
                title=_("Share of action points"),
                stack="zero",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=theme.coded_color("status:O", _("Status"), theme.status_scale(), STATUSES),
            order=alt.Order("status_rank:Q"),
            tooltip=[
                alt.Tooltip("cluster_label:N", title=_("Cluster")),
                alt.Tooltip("status_label:N", title=_("Status")),
                alt.Tooltip("count:Q", title=_("Action points")),
                alt.Tooltip("share:Q", title=_("Share"), format=".0%"),
            ],
        )
    )


def point_history_chart(history: pd.DataFrame, title: str | None = None) -> alt.LayerChart:
    """Status of one action point round by round (``point_history``), line and coloured points."""
    df = theme.chart_columns(
        history, ["round_id", "action_point_id", "status", "assessment", "percent_complete", "summary"]
    )
    df["status_label"] = df["status"].map(theme.human)
    df["assessment_label"] = df["assessment"].map(theme.human) if "assessment" in df else None
    rounds = theme.round_sort(df["round_id"])
    df = df.sort_values("round_id", key=lambda col: col.map(rounds.index))  # the description reads in order
    point = str(df["action_point_id"].iloc[0]) if len(df) else ""
    steps = ", ".join(f"{r.round_id} {r.status_label}" for r in df.itertuples())
    description = _(
        "Line chart of the status of action point {point} in each consultation round: {steps}.",
        point=point,
        steps=steps,
    )
    x = alt.X("round_id:O", title=_("Consultation round"), sort=rounds, axis=alt.Axis(labelAngle=0))
    y = alt.Y(
        "status:O",
        title=_("Status"),
        scale=alt.Scale(domain=list(reversed(STATUSES))),  # completed at the top
        axis=alt.Axis(labelExpr=theme.code_labels(STATUSES)),
    )
    line = alt.Chart().mark_line(color=theme.NEUTRAL).encode(x=x, y=y)
    points = (
        alt.Chart()
        .mark_point(size=140, filled=True, opacity=1, stroke=theme.NEUTRAL)
        .encode(
            x=x,
            y=y,
            color=theme.coded_color("status:O", _("Status"), theme.status_scale(), STATUSES),
            tooltip=[
                alt.Tooltip("round_id:N", title=_("Round")),
                alt.Tooltip("status_label:N", title=_("Status")),
                alt.Tooltip("assessment_label:N", title=_("Assessment")),
                alt.Tooltip("percent_complete:Q", title=_("% complete")),
                alt.Tooltip("summary:N", title=_("Summary")),
            ],
        )
    )
    return theme.layer(
        df,
        line,
        points,
        title=title or _("Action point {point}: status by round", point=point),
        description=description,
        width=alt.Step(90),  # room for the round labels; Streamlit's container width overrides it
    )
