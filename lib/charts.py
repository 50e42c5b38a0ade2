"""Altair chart builders for the dashboard, all sharing one theme.

Builders take the frames produced by ``lib/metrics.py`` and return an
``alt.Chart`` or ``alt.LayerChart``. Every chart has a title and a
``description`` (Vega-Lite puts it in the SVG's aria-label for screen readers).
Colours are colour-blind safe: Okabe-Ito for categories, a fixed ordinal scale for
the four statuses, and ratings always carry an arrow and a word besides colour.

Pages should call ``st.altair_chart(chart, theme=None)``: Streamlit's own theme
would otherwise override this one.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from lib.datasets import ACTIVITY_TYPES, STATUSES, WORK_AREAS
from lib.metrics import AGE_BUCKETS, RATING_ORDER, sort_rounds

THEME_NAME = "consultations"
FONT = '"Source Sans Pro", "Source Sans 3", Helvetica, Arial, sans-serif'  # Streamlit's own font

# Okabe & Ito (2008), reordered so the first colours contrast best on white and
# the pale yellow comes late.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

# not_started -> completed: vermillion, orange, sky blue, blue (ordered in hue and lightness
# so the scale reads as ordinal and survives the common colour-vision deficiencies).
STATUS_COLOURS = {
    "not_started": "#D55E00",
    "limited": "#E69F00",
    "substantial": "#56B4E9",
    "completed": "#0072B2",
}
RATING_COLOURS = {
    "on track": "#0072B2",
    "substantial progress": "#0072B2",
    "moderate progress": "#56B4E9",
    "slow progress": "#F0E442",
    "moderate deterioration": "#E69F00",
    "substantial deterioration": "#D55E00",
    "moving away": "#D55E00",
    "insufficient data": "#BBBBBB",
    "not rated": "#DDDDDD",
}
# Cells whose fill is dark enough that black text would fail WCAG contrast.
_WHITE_TEXT_RATINGS = ["on track", "substantial progress"]
OVER_CAPACITY_COLOURS = {"within capacity": "#0072B2", "over capacity": "#D55E00"}
# Fixed colours per code so an area keeps its colour on every page whatever else is shown;
# "other" is the neutral grey.
WORK_AREA_COLOURS = dict(zip(WORK_AREAS, [*OKABE_ITO[: len(WORK_AREAS) - 1], "#999999"], strict=True))
ACTIVITY_TYPE_COLOURS = dict(
    zip(ACTIVITY_TYPES, [*OKABE_ITO[: len(ACTIVITY_TYPES) - 1], "#999999"], strict=True)
)
NEUTRAL = "#555555"
MAP_EMPTY = "#E8E8E8"

MEASURE_TITLES = {
    "items": "Items received",
    "hours": "Hours",
    "activities": "Activities",
    "participants_trained": "People trained",
    "advisers_deployed": "Human rights advisers deployed",
    "difference": "Difference",
    "ratio": "Ratio",
}


# --- Theme -------------------------------------------------------------------------


def _theme() -> dict[str, Any]:
    return {
        "config": {
            "font": FONT,
            "title": {"fontSize": 17, "fontWeight": 600, "anchor": "start", "subtitleFontSize": 13},
            "axis": {"labelFontSize": 13, "titleFontSize": 14, "labelLimit": 280},
            "legend": {"labelFontSize": 13, "titleFontSize": 14, "labelLimit": 280},
            "header": {"labelFontSize": 13, "titleFontSize": 14},
            "text": {"fontSize": 13},
            "range": {"category": OKABE_ITO, "ordinal": list(STATUS_COLOURS.values())},
            "view": {"stroke": None},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 60, "filled": True},
        }
    }


def enable_theme() -> None:
    """Register (once) and enable the dashboard's theme; safe to call any number of times."""
    if THEME_NAME not in alt.theme.names():
        alt.theme.register(THEME_NAME, enable=False)(_theme)
    if alt.theme.active != THEME_NAME:
        alt.theme.enable(THEME_NAME)


def _title(title: str, subtitle: str | None) -> str | alt.TitleParams:
    return alt.TitleParams(text=title, subtitle=subtitle) if subtitle else title


def base(
    data: pd.DataFrame | Any = alt.Undefined,
    *,
    title: str,
    description: str,
    subtitle: str | None = None,
    **properties: Any,
) -> alt.Chart:
    """A chart with the theme enabled, a title and a screen-reader description."""
    enable_theme()
    return alt.Chart(data).properties(title=_title(title, subtitle), description=description, **properties)


def _layer(
    data: pd.DataFrame | Any,
    *charts: alt.Chart,
    title: str,
    description: str,
    subtitle: str | None = None,
    **properties: Any,
) -> alt.LayerChart:
    """Layers sharing one data set, title and description (children come from ``alt.Chart()``)."""
    enable_theme()
    return alt.layer(*charts, data=data).properties(
        title=_title(title, subtitle), description=description, **properties
    )


def status_scale() -> alt.Scale:
    """The fixed ordinal colour scale of the four statuses, in their order."""
    return alt.Scale(domain=list(STATUSES), range=[STATUS_COLOURS[s] for s in STATUSES])


def _fixed_scale(colours: dict[str, str]) -> alt.Scale:
    return alt.Scale(domain=list(colours), range=list(colours.values()))


def rating_scale() -> alt.Scale:
    """Colours of the ratings, best to worst then the no-rating outcomes."""
    return alt.Scale(domain=list(RATING_ORDER), range=[RATING_COLOURS[r] for r in RATING_ORDER])


# Underscores out of codes in legends and axes ("not_started" -> "not started").
_HUMAN_LABEL = "replace(datum.label, /_/g, ' ')"


def _human(value: Any) -> str:
    return str(value).replace("_", " ")


def _cols(df: pd.DataFrame, wanted: list[str]) -> pd.DataFrame:
    """Only the columns a chart uses: a smaller spec and no unserialisable extras."""
    return df[[c for c in wanted if c in df.columns]].copy()


def _list(values: list[str], limit: int = 12) -> str:
    if len(values) > limit:
        return ", ".join(values[:limit]) + f" and {len(values) - limit} more"
    return ", ".join(values)


def _round_sort(values: pd.Series) -> list[str]:
    return sort_rounds(values.dropna().astype(str))


# --- Action points -----------------------------------------------------------------


def cluster_status_bars(rollup: pd.DataFrame, title: str | None = None) -> alt.Chart:
    """Stacked bars of the share of action points by status, one bar per cluster (``cluster_rollup``)."""
    df = _cols(rollup, ["cluster", "cluster_title", "status", "status_rank", "count", "total", "share"])
    df["cluster_label"] = df["cluster"].astype(str) + ". " + df["cluster_title"].astype(str)
    df["status_label"] = df["status"].map(_human)
    done = df.loc[df["status"] == "completed"]
    summary = "; ".join(
        f"{r.cluster_label}: {int(r.total)} points, {r.share:.0%} completed" for r in done.itertuples()
    )
    description = (
        "Stacked horizontal bar chart: for each cluster of action points, the share of points "
        f"in each status from not started to completed. {summary}"
    ).strip()
    return (
        base(df, title=title or "Action points by status and cluster", description=description)
        .mark_bar()
        .encode(
            y=alt.Y("cluster_label:N", title=None, sort=sorted(df["cluster_label"].unique())),
            x=alt.X(
                "share:Q",
                title="Share of action points",
                stack="zero",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color(
                "status:O", title="Status", scale=status_scale(), legend=alt.Legend(labelExpr=_HUMAN_LABEL)
            ),
            order=alt.Order("status_rank:Q"),
            tooltip=[
                alt.Tooltip("cluster_label:N", title="Cluster"),
                alt.Tooltip("status_label:N", title="Status"),
                alt.Tooltip("count:Q", title="Action points"),
                alt.Tooltip("share:Q", title="Share", format=".0%"),
            ],
        )
    )


def point_history_chart(history: pd.DataFrame, title: str | None = None) -> alt.LayerChart:
    """Status of one action point round by round (``point_history``), line and coloured points."""
    df = _cols(
        history, ["round_id", "action_point_id", "status", "assessment", "percent_complete", "summary"]
    )
    df["status_label"] = df["status"].map(_human)
    rounds = _round_sort(df["round_id"])
    df = df.sort_values("round_id", key=lambda col: col.map(rounds.index))  # the description reads in order
    point = str(df["action_point_id"].iloc[0]) if len(df) else ""
    steps = ", ".join(f"{r.round_id} {r.status_label}" for r in df.itertuples())
    description = f"Line chart of the status of action point {point} in each consultation round: {steps}."
    x = alt.X("round_id:O", title="Consultation round", sort=rounds, axis=alt.Axis(labelAngle=0))
    y = alt.Y(
        "status:O",
        title="Status",
        scale=alt.Scale(domain=list(reversed(STATUSES))),  # completed at the top
        axis=alt.Axis(labelExpr=_HUMAN_LABEL),
    )
    line = alt.Chart().mark_line(color=NEUTRAL).encode(x=x, y=y)
    points = (
        alt.Chart()
        .mark_point(size=140, filled=True, opacity=1, stroke=NEUTRAL)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "status:O", title="Status", scale=status_scale(), legend=alt.Legend(labelExpr=_HUMAN_LABEL)
            ),
            tooltip=[
                alt.Tooltip("round_id:N", title="Round"),
                alt.Tooltip("status_label:N", title="Status"),
                alt.Tooltip("assessment:N", title="Assessment"),
                alt.Tooltip("percent_complete:Q", title="% complete"),
                alt.Tooltip("summary:N", title="Summary"),
            ],
        )
    )
    return _layer(
        df,
        line,
        points,
        title=title or f"Action point {point}: status by round",
        description=description,
        width=alt.Step(90),  # room for the round labels; Streamlit's container width overrides it
    )


# --- MDG -----------------------------------------------------------------------------


def indicator_timeseries(obs: pd.DataFrame, title: str | None = None) -> alt.Chart:
    """Values over time, one line per country (colour) and source (dash and point shape).

    Each series, sex and location is its own line (``detail``), so sources and
    breakdowns are never joined into one line.
    """
    cols = ["indicator_code", "series_code", "country_iso3", "year", "value", "unit", "sex", "location"]
    df = _cols(obs, [*cols, "source", "nature", "footnote"])
    df = df.loc[df["value"].notna()]
    codes = sorted(df["indicator_code"].astype(str).unique())
    units = sorted(df["unit"].dropna().astype(str).unique())
    countries = sorted(df["country_iso3"].astype(str).unique())
    sources = sorted(df["source"].astype(str).unique())
    years = f"{int(df['year'].min())}-{int(df['year'].max())}" if len(df) else "no years"
    description = (
        f"Line chart of indicator {_list(codes)} over {years} for {_list(countries)}; "
        f"each source is drawn with its own dash pattern ({_list(sources)})."
    )
    tooltip = [
        alt.Tooltip("country_iso3:N", title="Country"),
        alt.Tooltip("year:Q", title="Year", format="d"),
        alt.Tooltip("value:Q", title="Value", format=",.4~f"),
        alt.Tooltip("unit:N", title="Unit"),
        alt.Tooltip("source:N", title="Source"),
        alt.Tooltip("series_code:N", title="Series"),
        alt.Tooltip("sex:N", title="Sex"),
        alt.Tooltip("location:N", title="Location"),
    ]
    if "nature" in df.columns:
        tooltip.append(alt.Tooltip("nature:N", title="Nature"))
    if "footnote" in df.columns:
        tooltip.append(alt.Tooltip("footnote:N", title="Footnote"))
    return (
        base(df, title=title or f"Indicator {_list(codes)}", description=description)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y("value:Q", title=units[0] if len(units) == 1 else "Value"),
            color=alt.Color("country_iso3:N", title="Country"),
            strokeDash=alt.StrokeDash("source:N", title="Source"),
            detail=["series_code:N", "sex:N", "location:N"],
            tooltip=tooltip,
        )
    )


def equity_gap_chart(
    gaps: pd.DataFrame, measure: str = "difference", title: str | None = None
) -> alt.LayerChart:
    """Female/male or rural/urban gap over time (``equity_gaps``), with the parity line.

    ``measure`` is "difference" (a - b, parity at 0) or "ratio" (a / b, parity at 1).
    """
    if measure not in ("difference", "ratio"):
        raise ValueError("measure must be 'difference' or 'ratio'")
    other = "location" if "location" in gaps.columns else "sex"
    cols = ["indicator_code", "series_code", "country_iso3", "source", other, "year", "unit"]
    df = _cols(gaps, [*cols, "group_a", "group_b", "value_a", "value_b", "ratio", "difference"])
    a = str(df["group_a"].iloc[0]) if len(df) else "group a"
    b = str(df["group_b"].iloc[0]) if len(df) else "group b"
    what = f"{a} minus {b}" if measure == "difference" else f"{a} divided by {b}"
    parity = 0.0 if measure == "difference" else 1.0
    countries = sorted(df["country_iso3"].astype(str).unique())
    description = (
        f"Line chart of the gap between {a} and {b} ({what}) by year for {_list(countries)}; "
        f"the dashed line marks parity at {parity:g}. Each source has its own dash pattern."
    )
    line = (
        alt.Chart()
        .mark_line(point=True)
        .encode(
            x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y(f"{measure}:Q", title=f"{MEASURE_TITLES[measure]} ({what})"),
            color=alt.Color("country_iso3:N", title="Country"),
            strokeDash=alt.StrokeDash("source:N", title="Source"),
            detail=["series_code:N", f"{other}:N"],
            tooltip=[
                alt.Tooltip("country_iso3:N", title="Country"),
                alt.Tooltip("year:Q", title="Year", format="d"),
                alt.Tooltip("value_a:Q", title=a.capitalize(), format=",.4~f"),
                alt.Tooltip("value_b:Q", title=b.capitalize(), format=",.4~f"),
                alt.Tooltip("difference:Q", title="Difference", format=",.4~f"),
                alt.Tooltip("ratio:Q", title="Ratio", format=".3f"),
                alt.Tooltip("source:N", title="Source"),
                alt.Tooltip("series_code:N", title="Series"),
                alt.Tooltip(f"{other}:N", title=other.capitalize()),
            ],
        )
    )
    rule = alt.Chart().mark_rule(color=NEUTRAL, strokeDash=[6, 4]).encode(y=alt.datum(parity))
    return _layer(df, rule, line, title=title or f"Gap between {a} and {b}", description=description)


def _rating_row_label(df: pd.DataFrame) -> pd.Series:
    """Country, breakdown, source, then the (often long) series name, which may be cut off."""
    label = df["country_iso3"].astype(str)
    for col in ("sex", "location"):
        if col in df.columns:
            label = label + df[col].map(lambda v: "" if v == "total" or pd.isna(v) else f" · {v}")
    return label + " · " + df["source"].astype(str) + " · " + df["series_code"].astype(str)


def rating_chart(ratings: pd.DataFrame, title: str | None = None) -> alt.LayerChart:
    """Grid of progress ratings (``progress_rating``): colour plus arrow and word in each cell."""
    keep = [
        "indicator_code",
        "series_code",
        "country_iso3",
        "sex",
        "location",
        "source",
        "unit",
        "method",
        "base_year",
        "base_value",
        "latest_year",
        "latest_value",
        "target_value",
        "cagr",
        "required_cagr",
        "ratio",
        "rating",
        "arrow",
        "rating_order",
    ]
    df = _cols(ratings, keep)
    df["row"] = _rating_row_label(df)
    df["label"] = (df["arrow"].fillna("") + " " + df["rating"].astype(str)).str.strip()
    counts = df["rating"].value_counts()
    summary = ", ".join(f"{int(counts[r])} {r}" for r in RATING_ORDER if r in counts.index)
    description = (
        "Grid of MDG progress ratings, one row per country, series and source and one column per "
        f"indicator; each cell shows an arrow and the rating in words. {summary}."
    )
    x = alt.X("indicator_code:N", title="Indicator", axis=alt.Axis(orient="top", labelAngle=0))
    y = alt.Y("row:N", title=None, sort=sorted(df["row"].unique()), axis=alt.Axis(labelLimit=480))
    tooltip = [
        alt.Tooltip("row:N", title="Series"),
        alt.Tooltip("indicator_code:N", title="Indicator"),
        alt.Tooltip("label:N", title="Rating"),
        alt.Tooltip("method:N", title="Method"),
        alt.Tooltip("base_year:Q", title="Base year", format="d"),
        alt.Tooltip("base_value:Q", title="Base value", format=",.4~f"),
        alt.Tooltip("latest_year:Q", title="Latest year", format="d"),
        alt.Tooltip("latest_value:Q", title="Latest value", format=",.4~f"),
        alt.Tooltip("target_value:Q", title="2015 target", format=",.4~f"),
        alt.Tooltip("cagr:Q", title="Annual growth (CAGR)", format=".2%"),
        alt.Tooltip("required_cagr:Q", title="Required annual growth", format=".2%"),
        alt.Tooltip("ratio:Q", title="Actual / required", format=".2f"),
        alt.Tooltip("unit:N", title="Unit"),
    ]
    cells = (
        alt.Chart()
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color("rating:N", title="Rating", scale=rating_scale()),
            tooltip=tooltip,
        )
    )
    text_colour = (
        alt.when(alt.FieldOneOfPredicate(field="rating", oneOf=_WHITE_TEXT_RATINGS))
        .then(alt.value("white"))
        .otherwise(alt.value("black"))
    )
    words = (
        alt.Chart()
        .mark_text(fontSize=13)
        .encode(x=x, y=y, text="label:N", color=text_colour, tooltip=tooltip)
    )
    return _layer(
        df,
        cells,
        words,
        title=title or "Progress towards the MDG targets",
        description=description,
        width=alt.Step(190),
        height=alt.Step(26),
    )


# --- New York workload -------------------------------------------------------------


def workload_monthly_chart(
    monthly: pd.DataFrame, measure: str = "items", title: str | None = None
) -> alt.Chart:
    """Stacked monthly bars of items or hours (``monthly_counts``), by work area or requesting body."""
    if measure not in ("items", "hours"):
        raise ValueError("measure must be 'items' or 'hours'")
    by = "requesting_body" if "requesting_body" in monthly.columns else "work_area"
    df = _cols(monthly, ["month", by, "items", "hours"])
    df["group_label"] = df[by].map(_human)
    total = df[measure].sum()
    span = f"{df['month'].min():%B %Y} to {df['month'].max():%B %Y}" if len(df) else "no months"
    description = (
        f"Stacked bar chart of {MEASURE_TITLES[measure].lower()} per month from {span}, "
        f"split by {_human(by)}; {total:,.0f} in all."
    )
    return (
        base(
            df,
            title=title or f"New York office: {MEASURE_TITLES[measure].lower()} per month",
            description=description,
        )
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):O", title="Month", axis=alt.Axis(format="%b %Y", labelAngle=-45)),
            y=alt.Y(f"sum({measure}):Q", title=MEASURE_TITLES[measure]),
            color=(
                alt.Color(
                    "work_area:N",
                    title="Work area",
                    scale=_fixed_scale(WORK_AREA_COLOURS),
                    legend=alt.Legend(labelExpr=_HUMAN_LABEL),
                )
                if by == "work_area"
                else alt.Color("requesting_body:N", title="Requesting body")
            ),
            tooltip=[
                alt.Tooltip("yearmonth(month):T", title="Month", format="%B %Y"),
                alt.Tooltip("group_label:N", title=_human(by).capitalize()),
                alt.Tooltip("items:Q", title="Items"),
                alt.Tooltip("hours:Q", title="Hours", format=",.1f"),
            ],
        )
    )


def backlog_age_chart(backlog: pd.DataFrame, title: str | None = None) -> alt.Chart:
    """Open items by age bucket, stacked by work area (``backlog``)."""
    df = _cols(backlog, ["id", "work_area", "age_days", "age_bucket", "hours"])
    df["area_label"] = df["work_area"].map(_human)
    counts = df["age_bucket"].value_counts()
    summary = ", ".join(f"{int(counts.get(b, 0))} aged {b} days" for b in AGE_BUCKETS)
    description = f"Stacked bar chart of open items by age in days, split by work area: {summary}."
    return (
        base(df, title=title or "Open items by age", description=description, width=alt.Step(90))
        .mark_bar()
        .encode(
            x=alt.X(
                "age_bucket:O",
                title="Age (days since received)",
                sort=list(AGE_BUCKETS),
                scale=alt.Scale(domain=list(AGE_BUCKETS)),  # empty buckets keep their place
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("count():Q", title="Open items"),
            color=alt.Color(
                "work_area:N",
                title="Work area",
                scale=_fixed_scale(WORK_AREA_COLOURS),
                legend=alt.Legend(labelExpr=_HUMAN_LABEL),
            ),
            tooltip=[
                alt.Tooltip("age_bucket:O", title="Age (days)"),
                alt.Tooltip("area_label:N", title="Work area"),
                alt.Tooltip("count():Q", title="Open items"),
            ],
        )
    )


def hours_capacity_chart(df: pd.DataFrame, title: str | None = None) -> alt.LayerChart:
    """Monthly hours against capacity (``hours_vs_capacity``): bars coloured by over/within, capacity line."""
    data = _cols(df, ["month", "items", "hours", "capacity_hours", "utilisation", "over_capacity"])
    data["load"] = data["over_capacity"].map({True: "over capacity", False: "within capacity"})
    over = int(data["over_capacity"].sum())
    capacity = float(data["capacity_hours"].iloc[0]) if len(data) else 0.0
    description = (
        f"Bar chart of hours worked per month against a capacity of {capacity:,.0f} hours a month "
        f"(dashed line); {over} of {len(data)} months are over capacity."
    )
    x = alt.X("yearmonth(month):O", title="Month", axis=alt.Axis(format="%b %Y", labelAngle=-45))
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("hours:Q", title="Hours"),
            color=alt.Color(
                "load:N",
                title="Load",
                scale=alt.Scale(
                    domain=list(OVER_CAPACITY_COLOURS), range=list(OVER_CAPACITY_COLOURS.values())
                ),
            ),
            tooltip=[
                alt.Tooltip("yearmonth(month):T", title="Month", format="%B %Y"),
                alt.Tooltip("hours:Q", title="Hours", format=",.1f"),
                alt.Tooltip("capacity_hours:Q", title="Capacity", format=",.0f"),
                alt.Tooltip("utilisation:Q", title="Utilisation", format=".0%"),
                alt.Tooltip("load:N", title="Load"),
            ],
        )
    )
    line = (
        alt.Chart()
        .mark_rule(color="black", strokeDash=[6, 4], strokeWidth=2)
        .encode(y="max(capacity_hours):Q")
    )
    return _layer(data, bars, line, title=title or "Hours against capacity", description=description)


# --- Action 2 ----------------------------------------------------------------------


def action2_agency_chart(
    df: pd.DataFrame, measure: str = "activities", title: str | None = None
) -> alt.Chart:
    """Horizontal bars per agency stacked by activity type (``by_agency_type``)."""
    if measure not in ("activities", "participants_trained", "advisers_deployed"):
        raise ValueError("measure must be activities, participants_trained or advisers_deployed")
    data = _cols(df, ["agency", "type", "activities", "participants_trained", "advisers_deployed"])
    data["type_label"] = data["type"].map(_human)
    totals = data.groupby("agency")[measure].sum().sort_values(ascending=False)
    summary = ", ".join(f"{a} {int(v):,}" for a, v in totals.items())
    description = (
        f"Stacked horizontal bar chart of {MEASURE_TITLES[measure].lower()} per partner agency, "
        f"split by type of activity: {summary}."
    )
    return (
        base(
            data,
            title=title or f"Action 2: {MEASURE_TITLES[measure].lower()} by agency",
            description=description,
        )
        .mark_bar()
        .encode(
            y=alt.Y("agency:N", title=None, sort=list(totals.index)),
            x=alt.X(f"sum({measure}):Q", title=MEASURE_TITLES[measure]),
            color=alt.Color(
                "type:N",
                title="Type of activity",
                scale=_fixed_scale(ACTIVITY_TYPE_COLOURS),
                legend=alt.Legend(labelExpr=_HUMAN_LABEL),
            ),
            tooltip=[
                alt.Tooltip("agency:N", title="Agency"),
                alt.Tooltip("type_label:N", title="Type"),
                alt.Tooltip("activities:Q", title="Activities"),
                alt.Tooltip("participants_trained:Q", title="People trained", format=","),
                alt.Tooltip("advisers_deployed:Q", title="Advisers deployed"),
            ],
        )
    )


def advisers_over_time_chart(
    df: pd.DataFrame, measure: str = "advisers_deployed", title: str | None = None
) -> alt.Chart:
    """A per-round total as line and points.

    Takes ``advisers_over_time`` (measure "advisers_deployed") or ``trained_over_time``
    (measure "participants_trained").
    """
    if measure not in ("advisers_deployed", "participants_trained"):
        raise ValueError("measure must be 'advisers_deployed' or 'participants_trained'")
    data = df.copy()
    steps = ", ".join(f"{r} {int(v):,}" for r, v in zip(data["round_id"], data[measure], strict=True))
    description = f"Line chart of {MEASURE_TITLES[measure].lower()} per consultation round: {steps}."
    # every count the metrics frame carries goes into the tooltip (countries, agencies, activities...)
    extra = [
        c for c in data.columns if c not in ("round_id", measure) and pd.api.types.is_numeric_dtype(data[c])
    ]
    tooltip = [
        alt.Tooltip("round_id:N", title="Round"),
        alt.Tooltip(f"{measure}:Q", title=MEASURE_TITLES[measure], format=","),
    ] + [alt.Tooltip(f"{c}:Q", title=_human(c).capitalize(), format=",") for c in extra]
    return (
        base(
            data,
            title=title or f"Action 2: {MEASURE_TITLES[measure].lower()} per round",
            description=description,
            width=alt.Step(90),
        )
        .mark_line(point=True, color=OKABE_ITO[0])
        .encode(
            x=alt.X(
                "round_id:O",
                title="Consultation round",
                sort=_round_sort(data["round_id"]),
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y(f"{measure}:Q", title=MEASURE_TITLES[measure], scale=alt.Scale(zero=True)),
            tooltip=tooltip,
        )
    )


@lru_cache(maxsize=4)
def _read_topojson(path: str, mtime: float) -> str:
    return Path(path).read_text(encoding="utf-8")


def load_topojson(path: str | Path) -> dict[str, Any]:
    """The TopoJSON file as a dict (read once per file version; a fresh dict each call)."""
    p = Path(path)
    return json.loads(_read_topojson(str(p.resolve()), p.stat().st_mtime))


def action2_world_map(
    by_country: pd.DataFrame,
    topojson_path: str | Path,
    measure: str = "activities",
    title: str | None = None,
) -> alt.LayerChart:
    """World map shaded by an action 2 measure per country (``by_country``, which carries ``m49``).

    The TopoJSON (object "countries", feature ids zero-padded ISO numeric codes)
    is inlined so the page never fetches a URL; activity joins on ``m49``.
    """
    if measure not in ("activities", "participants_trained", "advisers_deployed"):
        raise ValueError("measure must be activities, participants_trained or advisers_deployed")
    fields = [
        "country_iso3",
        "country_name",
        "activities",
        "participants_trained",
        "advisers_deployed",
        "agencies",
    ]
    lookup = _cols(by_country, ["m49", *fields])
    lookup = lookup.loc[lookup["m49"].notna()]
    geo = alt.InlineData(
        values=load_topojson(topojson_path), format=alt.DataFormat(feature="countries", type="topojson")
    )
    top = lookup.sort_values(measure, ascending=False).head(5)
    summary = ", ".join(f"{r['country_name']} {int(r[measure]):,}" for _, r in top.iterrows())
    description = (
        f"World map shading {len(lookup)} countries by {MEASURE_TITLES[measure].lower()} in action 2; "
        f"countries without activity are light grey. Highest: {summary or 'none'}."
    )
    land = alt.Chart().mark_geoshape(fill=MAP_EMPTY, stroke="white", strokeWidth=0.5)
    shaded = (
        alt.Chart()
        .mark_geoshape(stroke="white", strokeWidth=0.5)
        .transform_lookup(
            lookup="id",
            from_=alt.LookupData(data=lookup, key="m49", fields=[c for c in fields if c in lookup.columns]),
        )
        .transform_filter(f"isValid(datum.{measure})")
        .encode(
            color=alt.Color(
                f"{measure}:Q",
                title=MEASURE_TITLES[measure],
                # zero-based and starting a quarter into the scheme: one activity must not look
                # like the pale grey of "no activity"
                scale=alt.Scale(scheme=alt.SchemeParams(name="blues", extent=[0.25, 1]), zero=True),
            ),
            tooltip=[
                alt.Tooltip("country_name:N", title="Country"),
                alt.Tooltip("activities:Q", title="Activities"),
                alt.Tooltip("participants_trained:Q", title="People trained", format=","),
                alt.Tooltip("advisers_deployed:Q", title="Advisers deployed"),
                alt.Tooltip("agencies:Q", title="Agencies"),
            ],
        )
    )
    return _layer(
        geo,
        land,
        shaded,
        title=title or f"Action 2: {MEASURE_TITLES[measure].lower()} by country",
        description=description,
        width=720,
        height=380,
    ).project("equalEarth")
