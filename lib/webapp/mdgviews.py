"""The MDG page's reads and parts, cached per data version, choices and language.

The page reads one indicator's summaries (``observation_summary``: its sources, series and
countries) and only the observations it draws: by default the totals (both sexes, all
locations); the breakdowns by sex and location when the reader asks for them. So its cost
follows the indicator on screen, not the size of the database. Its charts are kept as finished
Vega-Lite specs (lib.webapp.pageviews).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pandas as pd
import streamlit as st

from lib import links, queries
from lib.domains.mdg import choices, sections, texts, views
from lib.i18n import _
from lib.webapp.data import country_names, get_engine, load_indicators, load_observations, load_series
from lib.webapp.links import linked
from lib.webapp.pageviews import ENTRIES, TTL, Shown, finished, table_view
from lib.webapp.widgets import table_with_downloads


@st.cache_data(show_spinner=False, max_entries=8, ttl=TTL)
def mdg_options(version: int, lang: str) -> pd.DataFrame:
    """The indicators with data, framework order, labelled (choices.indicator_options)."""
    codes = pd.DataFrame({"indicator_code": queries.indicators_with_data(get_engine())})
    return choices.indicator_options(load_indicators(version), codes)


@st.cache_data(show_spinner=False, max_entries=64, ttl=TTL)
def mdg_catalogue(version: int, code: str) -> pd.DataFrame:
    """One indicator's catalogue (queries.observation_catalogue of that indicator)."""
    return queries.observation_catalogue(get_engine(), code)


@st.cache_data(show_spinner=False, max_entries=64, ttl=TTL)
def mdg_counts(version: int, code: str) -> pd.DataFrame:
    """One indicator's values per country, sex and location (queries.disaggregation_counts)."""
    return queries.disaggregation_counts(get_engine(), code)


@st.cache_data(show_spinner=False, max_entries=16, ttl=TTL)
def mdg_default_indicator(version: int, year: int) -> str | None:
    """The first indicator with MDG-era values up to ``year``, else the first one (choices.default_indicator),
    read one indicator at a time: the first usually has them."""
    codes = list(mdg_options(version, "en")["code"])
    for code in codes:
        if views.has_mdg_era_values(mdg_catalogue(version, code), year):
            return str(code)
    return str(codes[0]) if codes else None


class IndicatorChoices(NamedTuple):
    sources: pd.Series  # each source's label by source, the default first
    countries: list[str]  # the countries offered, most values first
    default: list[str]  # the countries shown until someone chooses


@st.cache_data(show_spinner=False, max_entries=64, ttl=TTL)
def mdg_choices(version: int, code: str, year: int, lang: str) -> IndicatorChoices:
    """What the page offers for an indicator: its sources and countries (choices)."""
    catalogue, counts = mdg_catalogue(version, code), mdg_counts(version, code)
    return IndicatorChoices(
        choices.source_labels(catalogue, code, year),
        choices.country_choices(counts, code),
        choices.default_countries(counts, code),
    )


@st.cache_data(show_spinner=False, max_entries=64, ttl=TTL)
def mdg_series(version: int, code: str, source: str, breakdowns: bool, lang: str) -> pd.Series:
    """The series offered for the trend chart: the source's totals only unless ``breakdowns``."""
    shown = views.shown_catalogue(mdg_catalogue(version, code), source, breakdowns)
    return choices.series_labels(shown, code, source, choices.series_names(load_series(version)))


@st.cache_data(show_spinner=False, max_entries=16, ttl=TTL)
def mdg_rights(version: int, goal: int, lang: str) -> pd.DataFrame:
    """The goal's indicators and the rights they serve (views.rights_table)."""
    return views.rights_table(load_indicators(version), goal, list(mdg_options(version, lang)["code"]))


def mdg_observations(
    version: int, code: str, countries: tuple[str, ...], source: str, breakdowns: bool
) -> pd.DataFrame:
    """The observations the page draws: one source's, its totals only unless ``breakdowns``."""
    totals = not breakdowns and views.has_totals(mdg_catalogue(version, code), source)
    return choices.of_source(load_observations(version, (code,), countries, (source,), totals), source)


def _finished(shown: Any) -> Shown | None:
    if shown is None:
        return None
    return Shown(finished(shown.chart), shown.table, shown.name, shown.caption, table_view(shown.table))


@st.cache_data(show_spinner=False, max_entries=ENTRIES, ttl=TTL)
def mdg_trend(
    version: int,
    code: str,
    countries: tuple[str, ...],
    source: str,
    series: str,
    year: int,
    breakdowns: bool,
    lang: str,
) -> Shown | None:
    """The trend tab's chart and table (sections.trend)."""
    obs = mdg_observations(version, code, countries, source, breakdowns)
    names = choices.series_names(load_series(version))
    return _finished(sections.trend(obs, source, series, year, names, code))


def _every_source(
    version: int, code: str, countries: tuple[str, ...], breakdowns: bool
) -> pd.DataFrame:
    """Every source's observations for the ratings (they take the MDG series first): the totals
    only unless ``breakdowns``, when every source has totals (else a one-group source would vanish)."""
    catalogue = mdg_catalogue(version, code)
    totals = not breakdowns and all(views.has_totals(catalogue, s) for s in catalogue["source"].unique())
    return load_observations(version, (code,), countries, (), totals)


class Ratings(NamedTuple):
    shown: Shown | None  # the grid and table (None: nothing to rate up to the data year)
    notes: list[str]  # where a successor series stands in for the MDG series, and why
    sources: list[str]  # the sources read, for the credit line


@st.cache_data(show_spinner=False, max_entries=ENTRIES, ttl=TTL)
def mdg_ratings(
    version: int,
    code: str,
    countries: tuple[str, ...],
    year: int,
    round_id: str,
    breakdowns: bool,
    lang: str,
) -> Ratings:
    """The rating tab's grid and table (sections.ratings), on the MDG series first."""
    every = _every_source(version, code, countries, breakdowns)
    names = choices.series_names(load_series(version))
    shown, notes = sections.ratings(every, load_indicators(version), country_names(version), code, round_id, year, names)
    return Ratings(_finished(shown), notes, sorted(every["source"].unique()))


@st.cache_data(show_spinner=False, max_entries=ENTRIES, ttl=TTL)
def mdg_group_ratings(
    version: int, code: str, group: str, year: int, breakdowns: bool, lang: str
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """A group of countries' ratings: the count per rating, the table and the notes (sections.group_ratings)."""
    members = _every_source(version, code, tuple(choices.COUNTRY_GROUPS[group]), breakdowns)
    names = choices.series_names(load_series(version))
    return sections.group_ratings(members, load_indicators(version), year, country_names(version), names)


def mdg_breakdowns() -> bool:
    """The toggle of the breakdowns by sex and location (off: the totals only), kept in the URL."""
    linked("breakdowns", "mdg-breakdowns", links.choice_of([False, True]))
    return st.toggle(
        _("Show the breakdowns by sex and location"),
        key="mdg-breakdowns",
        help=_("Off, the page reads and shows the totals only: both sexes, all locations."),
    )


def mdg_gaps(
    version: int,
    code: str,
    countries: tuple[str, ...],
    source: str,
    year: int,
    measure: str,
    breakdowns: bool,
    lang: str,
) -> list[sections.Gap]:
    """The equity gaps by sex and by location, from the breakdowns. While they are off: a note saying
    how to see them, and for a breakdown no source has for this indicator, why there is no gap."""
    if breakdowns:
        return _gaps(version, code, countries, source, year, measure, lang)
    counts = mdg_counts(version, code)
    missing = [
        (dim, _(pairs))
        for dim, pairs in texts.GAP_PAIRS
        if code not in sections.indicators_with_breakdown(counts, dim)
    ]
    if len(missing) < len(texts.GAP_PAIRS):
        st.info(
            _(
                "The equity gaps compare women with men and rural with urban areas: turn on "
                "Show the breakdowns by sex and location above to see them."
            )
        )
    having = _breakdowns(version) if missing else None
    return [
        sections.Gap(what, None, pd.DataFrame(), "", sections.no_gap_reason(having, code, dim, what))
        for dim, what in missing
    ]


@st.cache_data(show_spinner=False, max_entries=4, ttl=TTL)
def _breakdowns(version: int) -> pd.DataFrame:
    # Which indicators have each breakdown at all: for the reason when this one has none.
    return queries.indicator_breakdowns(get_engine())


@st.cache_data(show_spinner=False, max_entries=ENTRIES, ttl=TTL)
def _gaps(
    version: int, code: str, countries: tuple[str, ...], source: str, year: int, measure: str, lang: str
) -> list[sections.Gap]:
    """The equity gaps by sex and by location (sections.gaps), from the breakdowns."""
    obs = mdg_observations(version, code, countries, source, True)
    gaps = sections.gaps(obs, measure, year, country_names(version), code, _breakdowns(version))
    return [g._replace(shown=_finished(g.shown)) for g in gaps]


@st.cache_data(show_spinner=False, max_entries=16, ttl=TTL)
def mdg_coverage(version: int, code: str, lang: str) -> pd.DataFrame:
    """The indicator's breakdowns by country (views.indicator_coverage)."""
    return views.indicator_coverage(mdg_counts(version, code), code, country_names(version))


def mdg_all_indicators(version: int, lang: str) -> None:
    """Every indicator's coverage, on request (a toggle kept in the URL): counting it goes through
    the whole summary, whose size follows the database, not the indicator on screen."""
    linked("all_indicators", "mdg-all-indicators", links.choice_of([False, True]))
    if st.toggle(_("Show the coverage of every indicator"), key="mdg-all-indicators"):
        table_with_downloads(_overview(version, lang), "mdg-coverage-overview")


@st.cache_data(show_spinner=False, max_entries=8, ttl=TTL)
def _overview(version: int, lang: str) -> pd.DataFrame:
    return views.coverage_overview_of(queries.coverage_by_indicator(get_engine()), load_indicators(version))
