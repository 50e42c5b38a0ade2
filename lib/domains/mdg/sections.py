"""What each part of the MDG page shows: a chart, its table, the download name and the table's caption.

Pure (no Streamlit): the page renders these with ``webapp.chart_with_table(*shown)``. ``None`` means
there is nothing to show and the page says why.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pandas as pd

from lib.domains.mdg import charts, choices, headline, metrics, texts, views
from lib.i18n import N_, _

#: The page's tabs: the URL's ``tab`` parameter (lib.links) and their titles (shown translated).
TABS = {
    "trend": N_("Trend"),
    "rating": N_("Progress rating"),
    "gaps": N_("Equity gaps"),
    "coverage": N_("Coverage"),
    "rights": N_("Rights"),
}


class Shown(NamedTuple):
    chart: Any
    table: pd.DataFrame
    name: str
    caption: str


def trend(
    obs: pd.DataFrame, source: str, series_code: str, year: int, series_names: pd.Series, code: str
) -> Shown | None:
    """The chosen series' values over time, with the round's data year marked."""
    shown = views.trend_table(choices.of_source(obs, source, series_code), year, series_names)
    if shown.empty:
        return None
    chart = charts.indicator_timeseries(shown, title=f"{code} {series_names.get(series_code, series_code)}")
    return Shown(
        charts.with_data_year(chart, year), shown, f"mdg-{code}-trend", _("values of {code}", code=code)
    )


def ratings(
    obs: pd.DataFrame,
    indicators: pd.DataFrame,
    names: pd.Series,
    code: str,
    round_id: str,
    year: int,
    series_names: pd.Series | None = None,
) -> tuple[Shown | None, list[str]]:
    """The progress rating of each series as of the round's data year, on the MDG series where
    they have values (``obs``: every source), and the notes on where a successor series stands in."""
    found = headline.rated(obs, indicators, year)
    notes = headline.fallback_notes(found, series_names)
    if found.ratings.empty:
        return None, notes
    chart = charts.round_rating_chart(found.ratings, code, round_id, year)
    table = views.rating_table(found.ratings, names)
    return Shown(chart, table, f"mdg-{code}-ratings", _("ratings of {code}", code=code)), notes


def gap(
    obs: pd.DataFrame, dim: str, what: str, measure: str, year: int, names: pd.Series, code: str
) -> Shown | None:
    """The equity gap of one dimension (sex or location) over time, with the data year marked."""
    pairs = metrics.equity_gaps(obs, dim)
    if pairs.empty:
        return None
    chart = charts.with_data_year(charts.equity_gap_chart(pairs, measure), year)
    caption = _("{pairs} gap of {code}", pairs=what, code=code)
    return Shown(chart, views.gap_table(pairs, year, names), f"mdg-{code}-gap-{dim}", caption)


def group_ratings(
    obs: pd.DataFrame, indicators: pd.DataFrame, year: int, names: pd.Series, series_names: pd.Series
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """A group of countries' ratings as of the data year, on the MDG series where they have values
    (``obs``: every source): the count per rating, the table, and the notes on successor series."""
    found = headline.rated(obs, indicators, year)
    table = views.rating_table(found.ratings, names)
    return views.rating_counts(table), table, headline.fallback_notes(found, series_names)


def gap_trend(in_round: pd.DataFrame, dim: str, names: pd.Series) -> pd.DataFrame:
    """Whether each country's gap widened or narrowed up to the data year."""
    return views.gap_trend_table(metrics.equity_gaps(in_round, dim), names)


class Gap(NamedTuple):
    what: str  # the pairs in words: "female / male", "rural / urban"
    shown: Shown | None  # the gap over time (None: no pairs in this source)
    trend: pd.DataFrame  # widened or narrowed up to the data year (gap_trend)
    name: str  # the trend table's download name
    why: str = ""  # why there is no gap to show, in plain words (when ``shown`` is None)


def indicators_with_breakdown(counts: pd.DataFrame, dim: str) -> list[str]:
    """The indicators some source breaks down by ``dim`` (both groups of a pair), framework order."""
    if counts.empty:
        return []
    a, b = metrics.EQUITY_GROUPS[dim]
    groups = counts.loc[counts[dim].isin([a, b])].groupby("indicator_code")[dim].nunique()
    return sorted(groups.index[groups == 2].astype(str), key=lambda c: tuple(int(p) for p in c.split(".")))


def no_gap_reason(counts: pd.DataFrame, code: str, dim: str, what: str) -> str:
    """Plainly: no source has this breakdown for the indicator (and which indicators have one),
    or only not for this source and these countries."""
    having = indicators_with_breakdown(counts, dim)
    if code in having:
        return texts.no_pairs(what)
    return _(
        "No source in the database breaks {code} down into {pairs} for any country, so there is no "
        "gap to show. Indicators with this breakdown: {indicators}.",
        code=code,
        pairs=what,
        indicators=", ".join(having) or _("none"),
    )


def gaps(
    obs: pd.DataFrame,
    measure: str,
    year: int,
    names: pd.Series,
    code: str,
    counts: pd.DataFrame | None = None,
) -> list[Gap]:
    """The equity gaps by sex and by location: each one's chart and table, and its trend; when there
    is none, why (with ``counts``, the disaggregation counts: whether any source has the breakdown)."""
    out = []
    for dim, pairs_of in texts.GAP_PAIRS:
        what = _(pairs_of)
        shown = gap(obs, dim, what, measure, year, names, code)
        trend = gap_trend(choices.up_to_year(obs, year), dim, names) if shown is not None else pd.DataFrame()
        why = (
            ""
            if shown is not None
            else (no_gap_reason(counts, code, dim, what) if counts is not None else texts.no_pairs(what))
        )
        out.append(Gap(what, shown, trend, f"mdg-{code}-gap-trend-{dim}", why))
    return out
