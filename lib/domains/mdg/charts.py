"""MDG charts: indicator trends by source, equity gaps, the progress-rating grid."""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from lib import chart_theme as theme
from lib import i18n, reference, tables
from lib.domains.mdg.rating import RATING_ENDS, RATING_ORDER, RATING_VERDICT
from lib.i18n import _

#: Characters per line of a y-axis title: Vega cuts a title longer than the axis (300 px at 14 px,
#: about 40 characters); units like "Proportion of the population using improved ... sources, urban".
AXIS_TITLE_LINE = 32


def axis_title(text: str) -> str | list[str]:
    """An axis title that is never cut: in lines of :data:`AXIS_TITLE_LINE` characters (Vega draws
    a list as lines)."""
    lines = textwrap.wrap(text, AXIS_TITLE_LINE)
    return lines if len(lines) > 1 else text


def rating_scale() -> alt.Scale:
    """Colours of the ratings, best to worst then the no-rating outcomes."""
    return alt.Scale(domain=list(RATING_ORDER), range=[theme.RATING_COLOURS[r] for r in RATING_ORDER])


def indicator_timeseries(obs: pd.DataFrame, title: str | None = None) -> alt.Chart:
    """Values over time, one line per country (colour) and source (dash and point shape).

    Each series, sex and location is its own line (``detail``), so sources and
    breakdowns are never joined into one line.
    """
    cols = ["indicator_code", "series_code", "country_iso3", "year", "value", "unit", "sex", "location"]
    df = theme.chart_columns(obs, [*cols, "source", "nature", "footnote"])
    df = _named(df.loc[df["value"].notna()])
    codes = sorted(df["indicator_code"].astype(str).unique())
    units = sorted(df["unit"].dropna().astype(str).unique())
    countries = sorted(df["country"].astype(str).unique())
    sources = sorted(df["source_name"].astype(str).unique())
    years = f"{int(df['year'].min())}-{int(df['year'].max())}" if len(df) else _("no years")
    description = _(
        "Line chart of indicator {codes} over {years} for {countries}; "
        "each source is drawn with its own dash pattern ({sources}).",
        codes=theme.listing(codes),
        years=years,
        countries=theme.listing(countries),
        sources=theme.listing(sources),
    )
    for col in ("sex", "location"):
        if col in df.columns:
            df[f"{col}_label"] = df[col].map(theme.human)
    tooltip = [
        alt.Tooltip("country:N", title=_("Country")),
        alt.Tooltip("year:Q", title=_("Year"), format="d"),
        alt.Tooltip("value:Q", title=_("Value"), format=",.4~f"),
        alt.Tooltip("unit:N", title=_("Unit")),
        alt.Tooltip("source_name:N", title=_("Source")),
        alt.Tooltip("series_code:N", title=_("Series")),
        alt.Tooltip("sex_label:N", title=_("Sex")),
        alt.Tooltip("location_label:N", title=_("Location")),
    ]
    if "nature" in df.columns:
        tooltip.append(alt.Tooltip("nature:N", title=_("Nature")))
    if "footnote" in df.columns:
        tooltip.append(alt.Tooltip("footnote:N", title=_("Footnote")))
    return (
        theme.base(
            df, title=title or _("Indicator {codes}", codes=theme.listing(codes)), description=description
        )
        .mark_line(point=True)
        .encode(
            x=alt.X("year:Q", title=_("Year"), axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y("value:Q", title=axis_title(units[0] if len(units) == 1 else _("Value"))),
            # Country by colour and point shape: shapes tell countries apart in grey print.
            color=alt.Color("country:N", title=_("Country")),
            shape=alt.Shape("country:N", title=_("Country")),
            strokeDash=alt.StrokeDash("source_name:N", title=_("Source")),
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
    df = _named(
        theme.chart_columns(gaps, [*cols, "group_a", "group_b", "value_a", "value_b", "ratio", "difference"])
    )
    a = theme.human(str(df["group_a"].iloc[0])) if len(df) else _("group a")
    b = theme.human(str(df["group_b"].iloc[0])) if len(df) else _("group b")
    what = _("{a} minus {b}", a=a, b=b) if measure == "difference" else _("{a} divided by {b}", a=a, b=b)
    parity = 0.0 if measure == "difference" else 1.0
    countries = sorted(df["country"].astype(str).unique())
    description = _(
        "Line chart of the gap between {a} and {b} ({what}) by year for {countries}; "
        "the dashed line marks parity at {parity}. Each source has its own dash pattern.",
        a=a,
        b=b,
        what=what,
        countries=theme.listing(countries),
        parity=i18n.fmt_number(parity),
    )
    df[f"{other}_label"] = df[other].map(theme.human) if other in df.columns else None
    other_title = _("Location") if other == "location" else _("Sex")
    line = (
        alt.Chart()
        .mark_line(point=True)
        .encode(
            x=alt.X("year:Q", title=_("Year"), axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y(f"{measure}:Q", title=axis_title(f"{theme.measure_title(measure)} ({what})")),
            color=alt.Color("country:N", title=_("Country")),
            shape=alt.Shape("country:N", title=_("Country")),
            strokeDash=alt.StrokeDash("source_name:N", title=_("Source")),
            detail=["series_code:N", f"{other}:N"],
            tooltip=[
                alt.Tooltip("country:N", title=_("Country")),
                alt.Tooltip("year:Q", title=_("Year"), format="d"),
                alt.Tooltip("value_a:Q", title=a.capitalize(), format=",.4~f"),
                alt.Tooltip("value_b:Q", title=b.capitalize(), format=",.4~f"),
                alt.Tooltip("difference:Q", title=_("Difference"), format=",.4~f"),
                alt.Tooltip("ratio:Q", title=_("Ratio"), format=".3f"),
                alt.Tooltip("source_name:N", title=_("Source")),
                alt.Tooltip("series_code:N", title=_("Series")),
                alt.Tooltip(f"{other}_label:N", title=other_title),
            ],
        )
    )
    rule = alt.Chart().mark_rule(color=theme.NEUTRAL, strokeDash=[6, 4]).encode(y=alt.datum(parity))
    return theme.layer(
        df, rule, line, title=title or _("Gap between {a} and {b}", a=a, b=b), description=description
    )


def _named(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with ``country`` (the name, not the ISO3 code) and ``source_name`` (short, no repository)."""
    out = df.copy()
    out["country"] = tables.country_labels(out["country_iso3"]) if len(out) else pd.Series(dtype=object)
    out["source_name"] = out["source"].map(reference.source_name) if len(out) else pd.Series(dtype=object)
    return out


def _rating_row_label(df: pd.DataFrame) -> pd.Series:
    """Country, breakdown and source (and the series when the grid has several): names, not codes."""
    label = tables.country_labels(df["country_iso3"])
    for col in ("sex", "location"):
        if col in df.columns:
            label = label + df[col].map(
                lambda v: "" if v == "total" or pd.isna(v) else f" · {theme.human(v)}"
            )
    label = label + " · " + df["source"].map(reference.source_name)
    if df["series_code"].nunique() > 1:
        label = label + " · " + df["series_code"].astype(str)
    return label


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
        *RATING_ENDS,
        *RATING_VERDICT,
        "rating_order",
    ]
    df = theme.chart_columns(ratings, keep)
    df["row"] = _rating_row_label(df)
    df["label"] = (df["arrow"].fillna("") + " " + df["rating"].map(theme.human)).str.strip()
    df["method_label"] = df["method"].map(theme.human) if "method" in df else None
    counts = df["rating"].value_counts()
    summary = ", ".join(f"{int(counts[r])} {theme.human(r)}" for r in RATING_ORDER if r in counts.index)
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
            color=theme.coded_color("rating:N", _("Rating"), rating_scale(), RATING_ORDER),
            tooltip=tooltip,
        )
    )
    text_colour = (
        alt.when(alt.FieldOneOfPredicate(field="rating", oneOf=theme.WHITE_TEXT_RATINGS))
        .then(alt.value("white"))
        .otherwise(alt.value("black"))
    )
    words = (
        alt.Chart()
        .mark_text(fontSize=13)
        .encode(x=x, y=y, text="label:N", color=text_colour, tooltip=tooltip)
    )
    return theme.layer(
        df,
        cells,
        words,
        title=title or _("Progress towards the MDG targets"),
        description=description,
        width=alt.Step(190),
        height=alt.Step(26),
    )


def with_data_year(chart: alt.TopLevelMixin, year: int) -> alt.LayerChart:
    """The chart with a dashed rule at the round's data year; title and description on the whole."""
    inner = chart.copy()
    title, description = inner.title, inner.description
    inner.title = inner.description = alt.Undefined
    rule = alt.Chart(pd.DataFrame({"year": [year], "note": [_("round data year {year}", year=year)]}))
    rule = rule.mark_rule(color=theme.NEUTRAL, strokeDash=[2, 3]).encode(x="year:Q", tooltip="note:N")
    note = " " + _("A dashed vertical line marks {year}, the round's data year.", year=year)
    return alt.layer(inner, rule).properties(title=title, description=f"{description}{note}")


def round_rating_chart(ratings: pd.DataFrame, code: str, round_id: str, year: int) -> alt.LayerChart:
    """The MDG page's rating grid of an indicator as of a round (the legend under the grid: grids are short)."""
    chart = rating_chart(
        ratings,
        title=_("{code}: progress as of {round} (values up to {year})", code=code, round=round_id, year=year),
    )
    return chart.configure_legend(orient="bottom", direction="horizontal", columns=3)
