"""The MDG page's per-indicator reads (lib.queries on observation_summary) give what the page
computed before from the whole catalogue and counts: the same indicators, default, coverage."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from lib import queries
from lib.db import make_engine
from lib.domains.mdg import choices, views


@pytest.fixture
def seeded(seeded_db_url):
    engine = make_engine(seeded_db_url)
    yield engine
    engine.dispose()


def test_indicators_with_data_are_the_catalogues(seeded):
    catalogue = queries.observation_catalogue(seeded)
    assert queries.indicators_with_data(seeded) == sorted(catalogue["indicator_code"].unique())


def test_one_indicators_catalogue_and_counts_are_its_rows_of_the_whole(seeded):
    catalogue, counts = queries.observation_catalogue(seeded), queries.disaggregation_counts(seeded)
    for code in ("4.1", "7.8", "3.3"):
        mine = catalogue.loc[catalogue["indicator_code"] == code].reset_index(drop=True)
        assert_frame_equal(queries.observation_catalogue(seeded, code), mine)
        theirs = counts.loc[counts["indicator_code"] == code].reset_index(drop=True)
        assert_frame_equal(queries.disaggregation_counts(seeded, code), theirs)


@pytest.mark.parametrize("year", [1995, 2005, 2007, 2012])
def test_the_default_indicator_read_one_at_a_time_is_the_catalogues(seeded, year):
    catalogue, inds = queries.observation_catalogue(seeded), queries.indicators(seeded)
    options = choices.indicator_options(inds, catalogue)
    expected = choices.default_indicator(options, catalogue, year)
    first = next(
        c for c in options["code"] if views.has_mdg_era_values(queries.observation_catalogue(seeded, c), year)
    )
    assert first == expected


def test_the_coverage_of_every_indicator_counted_by_the_database(seeded):
    inds = queries.indicators(seeded)
    expected = views.coverage_overview(queries.disaggregation_counts(seeded), inds)
    got = views.coverage_overview_of(queries.coverage_by_indicator(seeded), inds)
    assert_frame_equal(got, expected, check_dtype=False)
    assert (got["countries_by_sex"] > 0).any() and (got["countries_by_location"] > 0).any()


def test_totals_only_leaves_out_the_breakdowns(seeded):
    every = queries.observations(seeded, ["7.8"], ["BRA", "IND"])
    totals = queries.observations(seeded, ["7.8"], ["BRA", "IND"], totals_only=True)
    assert len(totals) and set(every["location"]) == {"total", "rural", "urban"}
    kept = every.loc[(every["sex"] == "total") & (every["location"] == "total")].reset_index(drop=True)
    assert_frame_equal(totals, kept)


def test_whether_a_source_has_totals(seeded):
    seats = queries.observation_catalogue(seeded, "3.3")  # women only
    water = queries.observation_catalogue(seeded, "7.8")
    source = str(seats["source"].iloc[0])
    assert not views.has_totals(seats, source)
    assert_frame_equal(views.shown_catalogue(seats, source, False), seats)
    mdg = "UNSD MDG DB 2013 [UniteIdeas]"
    assert views.has_totals(water, mdg)
    shown = views.shown_catalogue(water, mdg, False)
    assert set(shown["location"]) == {"total"} and len(views.shown_catalogue(water, mdg, True)) == len(water)
    assert isinstance(shown, pd.DataFrame)
