"""The SQL aggregations give exactly what pandas gives on the whole table (SQLite and PostgreSQL)."""

from __future__ import annotations

import pandas as pd

from lib import overview, queries, rating_reads
from lib.domains.mdg import headline as mdg_headline
from lib.domains.mdg import rating as mdg_rating
from lib.rounds import window
from lib.seed import init
from tests.conftest import BACKENDS


@BACKENDS
def test_rating_inputs_equal_ratings_on_all_observations(engine):
    init(engine)
    inds = queries.indicators(engine)
    full = queries.observations(engine, list(inds["code"]))
    for year in (2005, 2007, 2015):
        a = mdg_rating.progress_rating(full[full["year"] <= year], inds)
        reduced = rating_reads.rating_inputs(engine, year)
        assert len(reduced) < len(full[full["year"] <= year]) / 3  # far fewer rows leave the database
        b = mdg_rating.progress_rating(reduced, inds)
        keys = mdg_rating.SERIES_KEYS
        pd.testing.assert_frame_equal(
            a.sort_values(keys).reset_index(drop=True), b.sort_values(keys).reset_index(drop=True)
        )


@BACKENDS
def test_overview_from_sql_aggregates_equals_overview_from_all_rows(engine):
    init(engine)
    inds = queries.indicators(engine)
    rounds = queries.rounds(engine)
    common = (queries.progress_reports(engine),)
    rest = (inds, queries.work_items(engine), queries.activities(engine))
    for rid in ("2007-H1", "2008-H2"):
        full = overview.round_overview(
            rounds, rid, *common, queries.observations(engine, list(inds["code"])), *rest
        )
        fast = overview.round_overview(
            rounds,
            rid,
            *common,
            rating_reads.rating_observations(engine, mdg_headline.data_years(window(rounds, rid))),
            *rest,
        )
        assert [(c.label, c.now, c.before) for c in fast.mdg] == [
            (c.label, c.now, c.before) for c in full.mdg
        ]
        pd.testing.assert_frame_equal(fast.mdg_moved, full.mdg_moved)


@BACKENDS
def test_rating_observations_serve_every_year_in_one_pass(engine):
    """One GROUP BY for several years: each year's ratings equal those on all its observations."""
    init(engine)
    inds = queries.indicators(engine)
    full = queries.observations(engine, list(inds["code"]))
    years = [2003, 2007, 2012]
    reduced = rating_reads.rating_observations(engine, years)
    assert len(reduced) < len(full) / 3
    keys = mdg_rating.SERIES_KEYS
    for year in years:
        a = mdg_rating.progress_rating(full[full["year"] <= year], inds).drop(columns="n_points")
        b = mdg_rating.progress_rating(reduced[reduced["year"] <= year], inds).drop(columns="n_points")
        pd.testing.assert_frame_equal(
            a.sort_values(keys).reset_index(drop=True), b.sort_values(keys).reset_index(drop=True)
        )
    assert rating_reads.rating_observations(engine, []).empty


@BACKENDS
def test_observations_of_chosen_sources_only(engine):
    """The MDG page reads only the source it draws: the same rows as filtering all of them."""
    init(engine)
    every = queries.observations(engine, ["4.1"], ["AFG", "BRA", "IND"])
    assert every["source"].nunique() > 1
    source = every["source"].iloc[0]
    chosen = queries.observations(engine, ["4.1"], ["AFG", "BRA", "IND"], [source])
    expected = every.loc[every["source"] == source].reset_index(drop=True)
    pd.testing.assert_frame_equal(chosen, expected)


@BACKENDS
def test_observations_of_chosen_countries_are_every_row_of_those_countries(engine):
    """The read names the indicator's series to seek each country (the key's order): it must still
    return every observation of the indicators and countries, the successor series' included."""
    init(engine)
    inds = queries.indicators(engine)
    everything = queries.observations(engine, list(inds["code"]))
    for codes, countries in ((["4.1"], ["BRA", "IND", "NGA"]), (["1.1", "7.8", "2.1"], ["ETH", "EGY", "BGD"])):
        chosen = queries.observations(engine, codes, countries)
        expected = everything.loc[
            everything["indicator_code"].isin(codes) & everything["country_iso3"].isin(countries)
        ]
        assert len(chosen) == len(expected) > 0
        assert chosen["series_code"].nunique() == expected["series_code"].nunique()
        keys = ["indicator_code", "series_code", "country_iso3", "year", "sex", "location", "source"]
        cols = [*keys, "value", "unit", "country_name"]
        pd.testing.assert_frame_equal(
            chosen.sort_values(keys).reset_index(drop=True)[cols],
            expected.sort_values(keys).reset_index(drop=True)[cols],
            check_dtype=False,
        )
