"""Altair chart builders for the dashboard, all sharing one theme.

Builders take the frames produced by ``lib/metrics.py`` and return an
``alt.Chart`` or ``alt.LayerChart``. Every chart has a title and a
``description`` (Vega-Lite puts it in the SVG's aria-label for screen readers).
Colours are colour-blind safe: Okabe-Ito for categories, a fixed ordinal scale for
the four statuses, and ratings always carry an arrow and a word besides colour.

Pages should call ``st.altair_chart(chart, theme=None)``: Streamlit's own theme
would otherwise override this one.

Titles, axis and legend titles, tooltips and descriptions are in the language of the
current run (lib.i18n); the data keeps its stored codes, and legends and axes show
their labels through ``labelExpr``. The theme carries the language's number and
date formats (Vega-Lite ``config.locale``).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from lib import i18n
from lib.datasets import ACTIVITY_TYPES, STATUSES, WORK_AREAS
from lib.i18n import N_, _
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

MEASURE_TITLES = {  # English, marked: shown as _(MEASURE_TITLES[m])
    "items": N_("Items received"),
    "hours": N_("Hours"),
    "activities": N_("Activities"),
    "participants_trained": N_("People trained"),
    "advisers_deployed": N_("Human rights advisers deployed"),
    "difference": N_("Difference"),
    "ratio": N_("Ratio"),
}


def measure_title(measure: str) -> str:
    """A measure's title in the current language."""
    return _(MEASURE_TITLES[measure])


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
            "locale": i18n.vega_locale(),  # read at each to_dict(): the run's language
        }
    }


_registered = False


def enable_theme() -> None:
    """Register (once) and enable the dashboard's theme; safe to call any number of times."""
    global _registered
    # alt.theme.names() reads the installed packages' entry points: 10 % of a cached page
    # rerun when asked for every chart. Registering is once per process.
    if not _registered:
        alt.theme.register(THEME_NAME, enable=False)(_theme)
        _registered = True
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


def _labels(codes: Any) -> str:
    """``labelExpr`` showing the codes of a legend or axis as their labels (lib.i18n)."""
    return i18n.label_expr([str(c) for c in codes])


def _human(value: Any) -> str:
    return i18n.label(value)


def _cols(df: pd.DataFrame, wanted: list[str]) -> pd.DataFrame:
    """Only the columns a chart uses: a smaller spec and no unserialisable extras."""
    return df[[c for c in wanted if c in df.columns]].copy()


def _list(values: list[str], limit: int = 12) -> str:
    if len(values) > limit:
        return _("{items} and {count} more", items=", ".join(values[:limit]), count=len(values) - limit)
    return ", ".join(values)


def _round_sort(values: pd.Series) -> list[str]:
    return sort_rounds(values.dropna().astype(str))


# --- Action points -----------------------------------------------------------------


def cluster_status_bars(rollup: pd.DataFrame, title: str | None = None) -> alt.Chart:
    """Stacked bars of the share of action points by status, one bar per cluster (``cluster_rollup``)."""
    from lib.views import cluster_label

    df = _cols(rollup, ["cluster", "cluster_title", "status", "status_rank", "count", "total", "share"])
    df["cluster_label"] = [
        f"{c}. {cluster_label(str(c), t)}" for c, t in zip(df["cluster"], df["cluster_title"], strict=True)
    ]
    df["status_label"] = df["status"].map(_human)
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
        base(df, title=title or _("Action points by status and cluster"), description=description)
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
            color=alt.Color(
                "status:O",
                title=_("Status"),
                scale=status_scale(),
                legend=alt.Legend(labelExpr=_labels(STATUSES)),
            ),
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
    df = _cols(
        history, ["round_id", "action_point_id", "status", "assessment", "percent_complete", "summary"]
    )
    df["status_label"] = df["status"].map(_human)
    df["assessment_label"] = df["assessment"].map(_human) if "assessment" in df else None
    rounds = _round_sort(df["round_id"])
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
        axis=alt.Axis(labelExpr=_labels(STATUSES)),
    )
    line = alt.Chart().mark_line(color=NEUTRAL).encode(x=x, y=y)
    points = (
        alt.Chart()
        .mark_point(size=140, filled=True, opacity=1, stroke=NEUTRAL)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "status:O",
                title=_("Status"),
                scale=status_scale(),
                legend=alt.Legend(labelExpr=_labels(STATUSES)),
            ),
            tooltip=[
                alt.Tooltip("round_id:N", title=_("Round")),
                alt.Tooltip("status_label:N", title=_("Status")),
                alt.Tooltip("assessment_label:N", title=_("Assessment")),
                alt.Tooltip("percent_complete:Q", title=_("% complete")),
                alt.Tooltip("summary:N", title=_("Summary")),
            ],
        )
    )
    return _layer(
        df,
        line,
        points,
        title=title or _("Action point {point}: status by round", point=point),
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
    years = f"{int(df['year'].min())}-{int(df['year'].max())}" if len(df) else _("no years")
    description = _(
        "Line chart of indicator {codes} over {years} for {countries}; "
        "each source is drawn with its own dash pattern ({sources}).",
        codes=_list(codes),
        years=years,
        countries=_list(countries),
        sources=_list(sources),
    )
    for col in ("sex", "location"):
        if col in df.columns:
            df[f"{col}_label"] = df[col].map(_human)
    tooltip = [
        alt.Tooltip("country_iso3:N", title=_("Country")),
        alt.Tooltip("year:Q", title=_("Year"), format="d"),
        alt.Tooltip("value:Q", title=_("Value"), format=",.4~f"),
        alt.Tooltip("unit:N", title=_("Unit")),
        alt.Tooltip("source:N", title=_("Source")),
        alt.Tooltip("series_code:N", title=_("Series")),
        alt.Tooltip("sex_label:N", title=_("Sex")),
        alt.Tooltip("location_label:N", title=_("Location")),
    ]
    if "nature" in df.columns:
        tooltip.append(alt.Tooltip("nature:N", title=_("Nature")))
    if "footnote" in df.columns:
        tooltip.append(alt.Tooltip("footnote:N", title=_("Footnote")))
    return (
        base(df, title=title or _("Indicator {codes}", codes=_list(codes)), description=description)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:Q", title=_("Year"), axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y("value:Q", title=units[0] if len(units) == 1 else _("Value")),
            color=alt.Color("country_iso3:N", title=_("Country")),
            strokeDash=alt.StrokeDash("source:N", title=_("Source")),
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
    a = _human(str(df["group_a"].iloc[0])) if len(df) else _("group a")
    b = _human(str(df["group_b"].iloc[0])) if len(df) else _("group b")
    what = _("{a} minus {b}", a=a, b=b) if measure == "difference" else _("{a} divided by {b}", a=a, b=b)
    parity = 0.0 if measure == "difference" else 1.0
    countries = sorted(df["country_iso3"].astype(str).unique())
    description = _(
        "Line chart of the gap between {a} and {b} ({what}) by year for {countries}; "
        "the dashed line marks parity at {parity}. Each source has its own dash pattern.",
        a=a,
        b=b,
        what=what,
        countries=_list(countries),
        parity=i18n.fmt_number(parity),
    )
    df[f"{other}_label"] = df[other].map(_human) if other in df.columns else None
    other_title = _("Location") if other == "location" else _("Sex")
    line = (
        alt.Chart()
        .mark_line(point=True)
        .encode(
            x=alt.X("year:Q", title=_("Year"), axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y(f"{measure}:Q", title=f"{measure_title(measure)} ({what})"),
            color=alt.Color("country_iso3:N", title=_("Country")),
            strokeDash=alt.StrokeDash("source:N", title=_("Source")),
            detail=["series_code:N", f"{other}:N"],
            tooltip=[
                alt.Tooltip("country_iso3:N", title=_("Country")),
                alt.Tooltip("year:Q", title=_("Year"), format="d"),
                alt.Tooltip("value_a:Q", title=a.capitalize(), format=",.4~f"),
                alt.Tooltip("value_b:Q", title=b.capitalize(), format=",.4~f"),
                alt.Tooltip("difference:Q", title=_("Difference"), format=",.4~f"),
                alt.Tooltip("ratio:Q", title=_("Ratio"), format=".3f"),
                alt.Tooltip("source:N", title=_("Source")),
                alt.Tooltip("series_code:N", title=_("Series")),
                alt.Tooltip(f"{other}_label:N", title=other_title),
            ],
        )
    )
    rule = alt.Chart().mark_rule(color=NEUTRAL, strokeDash=[6, 4]).encode(y=alt.datum(parity))
    return _layer(
        df, rule, line, title=title or _("Gap between {a} and {b}", a=a, b=b), description=description
    )


def _rating_row_label(df: pd.DataFrame) -> pd.Series:
    """Country, breakdown, source, then the (often long) series name, which may be cut off."""
    label = df["country_iso3"].astype(str)
    for col in ("sex", "location"):
        if col in df.columns:
            label = label + df[col].map(lambda v: "" if v == "total" or pd.isna(v) else f" · {_human(v)}")
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
    df["label"] = (df["arrow"].fillna("") + " " + df["rating"].map(_human)).str.strip()
    df["method_label"] = df["method"].map(_human) if "method" in df else None
    counts = df["rating"].value_counts()
    summary = ", ".join(f"{int(counts[r])} {_human(r)}" for r in RATING_ORDER if r in counts.index)
    description = (
        _(
            "Grid of MDG progress ratings, one row per country, series and source and one column per "
            "indicator; each cell shows an arrow and the rating in words."
        )
        + f" {summary}."
    )
    x = alt.X("indicator_code:N", title=_("Indicator"), axis=alt.Axis(orient="top", labelAngle=0))
    y = alt.Y("row:N", title=None, sort=sorted(df["row"].unique()), axis=alt.Axis(labelLimit=480))
    tooltip = [
        alt.Tooltip("row:N", title=_("Series")),
        alt.Tooltip("indicator_code:N", title=_("Indicator")),
        alt.Tooltip("label:N", title=_("Rating")),
        alt.Tooltip("method_label:N", title=_("Method")),
        alt.Tooltip("base_year:Q", title=_("Base year"), format="d"),
        alt.Tooltip("base_value:Q", title=_("Base value"), format=",.4~f"),
        alt.Tooltip("latest_year:Q", title=_("Latest year"), format="d"),
        alt.Tooltip("latest_value:Q", title=_("Latest value"), format=",.4~f"),
        alt.Tooltip("target_value:Q", title=_("2015 target"), format=",.4~f"),
        alt.Tooltip("cagr:Q", title=_("Annual growth (CAGR)"), format=".2%"),
        alt.Tooltip("required_cagr:Q", title=_("Required annual growth"), format=".2%"),
        alt.Tooltip("ratio:Q", title=_("Actual / required"), format=".2f"),
        alt.Tooltip("unit:N", title=_("Unit")),
    ]
    cells = (
        alt.Chart()
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "rating:N",
                title=_("Rating"),
                scale=rating_scale(),
                legend=alt.Legend(labelExpr=_labels(RATING_ORDER)),
            ),
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
        title=title or _("Progress towards the MDG targets"),
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
    by_title = _("Work area") if by == "work_area" else _("Requesting body")
    span = (
        _("{start} to {end}", start=i18n.fmt_month(df["month"].min()), end=i18n.fmt_month(df["month"].max()))
        if len(df)
        else _("no months")
    )
    description = _(
        "Stacked bar chart of {measure} per month from {span}, split by {by}; {total} in all.",
        measure=measure_title(measure).lower(),
        span=span,
        by=by_title.lower(),
        total=i18n.fmt_number(total),
    )
    return (
        base(
            df,
            title=title or _("New York office: {measure} per month", measure=measure_title(measure).lower()),
            description=description,
        )
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):O", title=_("Month"), axis=alt.Axis(format="%b %Y", labelAngle=-45)),
            y=alt.Y(f"sum({measure}):Q", title=measure_title(measure)),
            color=(
                alt.Color(
                    "work_area:N",
                    title=by_title,
                    scale=_fixed_scale(WORK_AREA_COLOURS),
                    legend=alt.Legend(labelExpr=_labels(WORK_AREAS)),
                )
                if by == "work_area"
                else alt.Color(
                    "requesting_body:N",
                    title=by_title,
                    legend=alt.Legend(labelExpr=_labels(sorted(df[by].dropna().astype(str).unique()))),
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
    df = _cols(backlog, ["id", "work_area", "age_days", "age_bucket", "hours"])
    df["area_label"] = df["work_area"].map(_human)
    counts = df["age_bucket"].value_counts()
    summary = ", ".join(
        _("{count} aged {bucket} days", count=int(counts.get(b, 0)), bucket=b) for b in AGE_BUCKETS
    )
    description = _(
        "Stacked bar chart of open items by age in days, split by work area: {summary}.", summary=summary
    )
    return (
        base(df, title=title or _("Open items by age"), description=description, width=alt.Step(90))
        .mark_bar()
        .encode(
            x=alt.X(
                "age_bucket:O",
                title=_("Age (days since received)"),
                sort=list(AGE_BUCKETS),
                scale=alt.Scale(domain=list(AGE_BUCKETS)),  # empty buckets keep their place
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("count():Q", title=_("Open items")),
            color=alt.Color(
                "work_area:N",
                title=_("Work area"),
                scale=_fixed_scale(WORK_AREA_COLOURS),
                legend=alt.Legend(labelExpr=_labels(WORK_AREAS)),
            ),
            tooltip=[
                alt.Tooltip("age_bucket:O", title=_("Age (days)")),
                alt.Tooltip("area_label:N", title=_("Work area")),
                alt.Tooltip("count():Q", title=_("Open items")),
            ],
        )
    )


def hours_capacity_chart(df: pd.DataFrame, title: str | None = None) -> alt.LayerChart:
    """Monthly hours against capacity (``hours_vs_capacity``): bars coloured by over/within, capacity line."""
    data = _cols(df, ["month", "items", "hours", "capacity_hours", "utilisation", "over_capacity"])
    data["load"] = data["over_capacity"].map({True: "over capacity", False: "within capacity"})
    data["load_label"] = data["load"].map(_human)
    over = int(data["over_capacity"].sum())
    capacity = float(data["capacity_hours"].iloc[0]) if len(data) else 0.0
    description = _(
        "Bar chart of hours worked per month against a capacity of {capacity} hours a month "
        "(dashed line); {over} of {months} months are over capacity.",
        capacity=i18n.fmt_number(capacity),
        over=over,
        months=len(data),
    )
    x = alt.X("yearmonth(month):O", title=_("Month"), axis=alt.Axis(format="%b %Y", labelAngle=-45))
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("hours:Q", title=_("Hours")),
            color=alt.Color(
                "load:N",
                title=_("Load"),
                scale=alt.Scale(
                    domain=list(OVER_CAPACITY_COLOURS), range=list(OVER_CAPACITY_COLOURS.values())
                ),
                legend=alt.Legend(labelExpr=_labels(OVER_CAPACITY_COLOURS)),
            ),
            tooltip=[
                alt.Tooltip("yearmonth(month):T", title=_("Month"), format="%B %Y"),
                alt.Tooltip("hours:Q", title=_("Hours"), format=",.1f"),
                alt.Tooltip("capacity_hours:Q", title=_("Capacity"), format=",.0f"),
                alt.Tooltip("utilisation:Q", title=_("Utilisation"), format=".0%"),
                alt.Tooltip("load_label:N", title=_("Load")),
            ],
        )
    )
    line = (
        alt.Chart()
        .mark_rule(color="black", strokeDash=[6, 4], strokeWidth=2)
        .encode(y="max(capacity_hours):Q")
    )
    return _layer(data, bars, line, title=title or _("Hours against capacity"), description=description)


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
    summary = ", ".join(f"{a} {i18n.fmt_number(int(v))}" for a, v in totals.items())
    measure_words = measure_title(measure).lower()
    description = _(
        "Stacked horizontal bar chart of {measure} per partner agency, split by type of activity: {summary}.",
        measure=measure_words,
        summary=summary,
    )
    return (
        base(
            data,
            title=title or _("Action 2: {measure} by agency", measure=measure_words),
            description=description,
        )
        .mark_bar()
        .encode(
            y=alt.Y("agency:N", title=None, sort=list(totals.index)),
            x=alt.X(f"sum({measure}):Q", title=measure_title(measure)),
            color=alt.Color(
                "type:N",
                title=_("Type of activity"),
                scale=_fixed_scale(ACTIVITY_TYPE_COLOURS),
                legend=alt.Legend(labelExpr=_labels(ACTIVITY_TYPES)),
            ),
            tooltip=[
                alt.Tooltip("agency:N", title=_("Agency")),
                alt.Tooltip("type_label:N", title=_("Type")),
                alt.Tooltip("activities:Q", title=_("Activities")),
                alt.Tooltip("participants_trained:Q", title=_("People trained"), format=","),
                alt.Tooltip("advisers_deployed:Q", title=_("Advisers deployed")),
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
    steps = ", ".join(
        f"{r} {i18n.fmt_number(int(v))}" for r, v in zip(data["round_id"], data[measure], strict=True)
    )
    measure_words = measure_title(measure).lower()
    description = _(
        "Line chart of {measure} per consultation round: {steps}.", measure=measure_words, steps=steps
    )
    # every count the metrics frame carries goes into the tooltip (countries, agencies, activities...)
    extra = [
        c for c in data.columns if c not in ("round_id", measure) and pd.api.types.is_numeric_dtype(data[c])
    ]
    tooltip = [
        alt.Tooltip("round_id:N", title=_("Round")),
        alt.Tooltip(f"{measure}:Q", title=measure_title(measure), format=","),
    ] + [alt.Tooltip(f"{c}:Q", title=_count_title(c), format=",") for c in extra]
    return (
        base(
            data,
            title=title or _("Action 2: {measure} per round", measure=measure_words),
            description=description,
            width=alt.Step(90),
        )
        .mark_line(point=True, color=OKABE_ITO[0])
        .encode(
            x=alt.X(
                "round_id:O",
                title=_("Consultation round"),
                sort=_round_sort(data["round_id"]),
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y(f"{measure}:Q", title=measure_title(measure), scale=alt.Scale(zero=True)),
            tooltip=tooltip,
        )
    )


#: Titles of the counts the over-time frames may carry besides the measure (lib.metrics).
COUNT_TITLES = {
    "activities": N_("Activities"),
    "countries": N_("Countries"),
    "agencies": N_("Agencies"),
    "participants_trained": N_("People trained"),
    "advisers_deployed": N_("Advisers deployed"),
}


def _count_title(column: str) -> str:
    return _(COUNT_TITLES[column]) if column in COUNT_TITLES else column.replace("_", " ").capitalize()


@lru_cache(maxsize=4)
def _parsed_topojson(path: str, mtime: float) -> dict[str, Any]:
    """A TopoJSON file, parsed once per file version (shared: read, never changed)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


#: Named datasets a spec can refer to, added by :func:`vega_spec` after Altair's to_dict():
#: name -> TopoJSON file. Altair walks every coordinate of inline data, checking each against
#: its classes, when a chart is built and again when it is drawn (45 % of the action 2 page's
#: rerun for the world map); a name costs nothing.
NAMED_TOPOJSON: dict[str, Path] = {}


def _topojson_name(path: str | Path) -> str:
    name = f"topojson-{Path(path).stem}"
    NAMED_TOPOJSON[name] = Path(path)
    return name


def vega_spec(chart: alt.TopLevelMixin | dict[str, Any]) -> dict[str, Any]:
    """The chart's Vega-Lite spec with the TopoJSON it names inlined (see NAMED_TOPOJSON)."""
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    name = spec.get("data", {}).get("name")
    if name not in NAMED_TOPOJSON:
        return spec
    p = NAMED_TOPOJSON[name]
    topology = _parsed_topojson(str(p.resolve()), p.stat().st_mtime)
    return {**spec, "datasets": {**spec.get("datasets", {}), name: topology}}


def uses_named_data(chart: alt.TopLevelMixin) -> bool:
    """Whether the chart draws a dataset :func:`vega_spec` has to add."""
    data = getattr(chart, "data", alt.Undefined)
    return isinstance(data, alt.NamedData) and data.name in NAMED_TOPOJSON


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
    # Named, not inline: vega_spec() adds the topology to the finished spec (see NAMED_TOPOJSON).
    geo = alt.NamedData(
        name=_topojson_name(topojson_path), format=alt.DataFormat(feature="countries", type="topojson")
    )
    top = lookup.sort_values(measure, ascending=False).head(5)
    summary = ", ".join(f"{r['country_name']} {i18n.fmt_number(int(r[measure]))}" for _i, r in top.iterrows())
    description = _(
        "World map shading {count} countries by {measure} in action 2; countries without activity are "
        "light grey. Highest: {summary}.",
        count=len(lookup),
        measure=measure_title(measure).lower(),
        summary=summary or _("none"),
    )
    # The grey land is decoration (aria=False): the shaded layer carries the data and its labels.
    land = alt.Chart().mark_geoshape(fill=MAP_EMPTY, stroke="white", strokeWidth=0.5, aria=False)
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
                title=measure_title(measure),
                # zero-based and starting a quarter into the scheme: one activity must not look
                # like the pale grey of "no activity"
                scale=alt.Scale(scheme=alt.SchemeParams(name="blues", extent=[0.25, 1]), zero=True),
            ),
            tooltip=[
                alt.Tooltip("country_name:N", title=_("Country")),
                alt.Tooltip("activities:Q", title=_("Activities")),
                alt.Tooltip("participants_trained:Q", title=_("People trained"), format=","),
                alt.Tooltip("advisers_deployed:Q", title=_("Advisers deployed")),
                alt.Tooltip("agencies:Q", title=_("Agencies")),
            ],
        )
    )
    return _layer(
        geo,
        land,
        shaded,
        title=title or _("Action 2: {measure} by country", measure=measure_title(measure).lower()),
        description=description,
        width=720,
        height=380,
    ).project("equalEarth")
