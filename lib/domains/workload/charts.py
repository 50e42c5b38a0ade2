"""Workload charts: items or hours per month, backlog by age, hours against capacity."""

from __future__ import annotations

import altair as alt
import pandas as pd

from lib import chart_theme as theme
from lib import i18n
from lib.datasets import WORK_AREAS
from lib.domains.workload.metrics import AGE_BUCKETS
from lib.i18n import _


def workload_monthly_chart(
    monthly: pd.DataFrame, measure: str = "items", title: str | None = None
) -> alt.Chart:
    """Stacked monthly bars of items or hours (``monthly_counts``), by work area or requesting body."""
    if measure not in ("items", "hours"):
        raise ValueError("measure must be 'items' or 'hours'")
    by = "requesting_body" if "requesting_body" in monthly.columns else "work_area"
    df = theme.chart_columns(monthly, ["month", by, "items", "hours"])
    df["group_label"] = df[by].map(theme.human)
    total = df[measure].sum()
    by_title = _("Work area") if by == "work_area" else _("Requesting body")
    span = (
        _("{start} to {end}", start=i18n.fmt_month(df["month"].min()), end=i18n.fmt_month(df["month"].max()))
        if len(df)
        else _("no months")
    )
    description = _(
        "Stacked bar chart of {measure} per month from {span}, split by {by}; {total} in all.",
        measure=theme.measure_title(measure).lower(),
        span=span,
        by=by_title.lower(),
        total=i18n.fmt_number(total),
    )
    return (
        theme.base(
            df,
            title=title
            or _("New York office: {measure} per month", measure=theme.measure_title(measure).lower()),
            description=description,
        )
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):O", title=_("Month"), axis=alt.Axis(format="%b %Y", labelAngle=-45)),
            y=alt.Y(
                f"sum({measure}):Q", title=theme.measure_title(measure), axis=theme.measure_axis(measure)
            ),
            color=(
                theme.coded_color(
                    "work_area:N", by_title, theme.fixed_scale(theme.WORK_AREA_COLOURS), WORK_AREAS
                )
                if by == "work_area"
                else alt.Color(
                    "requesting_body:N",
                    title=by_title,
                    legend=alt.Legend(
                        labelExpr=theme.code_labels(sorted(df[by].dropna().astype(str).unique()))
                    ),
                )
            ),
            tooltip=[
                alt.Tooltip("yearmonth(month):T", title=_("Month"), format="%B %Y"),
                alt.Tooltip("group_label:N", title=by_title),
                alt.Tooltip("items:Q", title=_("Items")),
                alt.Tooltip("hours:Q", title=_("Hours"), format=",.1f"),
            ],
        )
    )


def backlog_age_chart(backlog: pd.DataFrame, title: str | None = None) -> alt.Chart:
    """Open items by age bucket, stacked by work area (``backlog``)."""
    df = theme.chart_columns(backlog, ["id", "work_area", "age_days", "age_bucket", "hours"])
    df["area_label"] = df["work_area"].map(theme.human)
    counts = df["age_bucket"].value_counts()
    summary = ", ".join(
        _("{count} aged {bucket} days", count=int(counts.get(b, 0)), bucket=b) for b in AGE_BUCKETS
    )
    description = _(
        "Stacked bar chart of open items by age in days, split by work area: {summary}.", summary=summary
    )
    return (
        theme.base(df, title=title or _("Open items by age"), description=description, width=alt.Step(90))
        .mark_bar()
        .encode(
            x=alt.X(
                "age_bucket:O",
                title=_("Age (days since received)"),
                sort=list(AGE_BUCKETS),
                scale=alt.Scale(domain=list(AGE_BUCKETS)),  # empty buckets keep their place
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("count():Q", title=_("Open items"), axis=theme.count_axis()),
            color=theme.coded_color(
                "work_area:N", _("Work area"), theme.fixed_scale(theme.WORK_AREA_COLOURS), WORK_AREAS
            ),
            tooltip=[
                alt.Tooltip("age_bucket:O", title=_("Age (days)")),
                alt.Tooltip("area_label:N", title=_("Work area")),
                alt.Tooltip("count():Q", title=_("Open items")),
            ],
        )
    )


def hours_capacity_chart(df: pd.DataFrame, title: str | None = None) -> alt.LayerChart:
    """Monthly hours against capacity (``hours_vs_capacity``): bars coloured by over/within, and the
    capacity of each month (its officers on staff x hours per officer) as a dashed step line.

    Both are the whole office's hours in a month, on the one y scale the layers share.
    """
    data = theme.chart_columns(
        df, ["month", "items", "hours", "officers", "capacity_hours", "utilisation", "over_capacity"]
    )
    data["load"] = data["over_capacity"].map({True: "over capacity", False: "within capacity"})
    data["load_label"] = data["load"].map(theme.human)
    over = int(data["over_capacity"].sum())
    per_officer = float((data["capacity_hours"] / data["officers"].clip(lower=1)).iloc[0]) if len(data) else 0.0
    low = i18n.fmt_number(data["capacity_hours"].min()) if len(data) else "0"
    high = i18n.fmt_number(data["capacity_hours"].max()) if len(data) else "0"
    description = _(
        "Bar chart of the office's hours logged per month against its capacity that month (dashed line: "
        "the officers on staff x {hours} hours, {low} to {high} hours); {over} of {months} months are "
        "over capacity.",
        hours=i18n.fmt_number(per_officer),
        low=low,
        high=high,
        over=over,
        months=len(data),
    )
    x = alt.X("yearmonth(month):O", title=_("Month"), axis=alt.Axis(format="%b %Y", labelAngle=-45))
    y_title = _("Hours in the month, whole office")
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("hours:Q", title=y_title),
            color=theme.coded_color(
                "load:N",
                _("Load"),
                theme.fixed_scale(theme.OVER_CAPACITY_COLOURS),
                theme.OVER_CAPACITY_COLOURS,
            ),
            tooltip=[
                alt.Tooltip("yearmonth(month):T", title=_("Month"), format="%B %Y"),
                alt.Tooltip("hours:Q", title=_("Hours"), format=",.1f"),
                alt.Tooltip("officers:Q", title=_("Officers on staff"), format=",d"),
                alt.Tooltip("capacity_hours:Q", title=_("Capacity"), format=",.0f"),
                alt.Tooltip("utilisation:Q", title=_("Utilisation"), format=".0%"),
                alt.Tooltip("load_label:N", title=_("Load")),
            ],
        )
    )
    # One step per month: the capacity changes as officers join, on the bars' own scale and axis.
    line = (
        alt.Chart()
        .mark_line(color="black", strokeDash=[6, 4], strokeWidth=2, interpolate="step")
        .encode(x=x, y=alt.Y("capacity_hours:Q", title=y_title))
    )
    subtitle = _(
        "Dashed line: capacity, the officers on staff that month x {hours} hours.",
        hours=i18n.fmt_number(per_officer),
    )
    return theme.layer(
        data, bars, line, title=title or _("Hours against capacity"), description=description, subtitle=subtitle
    )
