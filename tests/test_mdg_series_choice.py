"""Which series an MDG rating uses (issue 16): the MDG series where it has values for the country,
the SDG-era successor only where it has none, and a note saying so (page, overview and pack)."""

from __future__ import annotations

import io
import shutil

import pandas as pd
import pytest
from pypdf import PdfReader

from lib import briefing, queries
from lib.db import make_engine
from lib.domains.mdg import headline, rating, texts
from lib.rounds import Window

MDG = "UNSD MDG DB 2013 [UniteIdeas]"
SUCCESSOR = "WDI/UNAIDS via Gapminder SG@c63631a"
INDICATORS = pd.DataFrame(
    {"code": ["7.8"], "target_ratio_2015": [None], "desired_direction": ["increase"]}, dtype=object
)


def obs(rows: list[tuple[str, str, str, int, float]]) -> pd.DataFrame:
    """Observations of 7.8: (country, series, source, year, value), totals."""
    d = pd.DataFrame(rows, columns=["country_iso3", "series_code", "source", "year", "value"])
    return d.assign(indicator_code="7.8", sex="total", location="total", unit="%")


SMALL = obs(
    [
        ("BRA", "improved", MDG, 2000, 90.0),
        ("BRA", "improved", MDG, 2005, 99.0),
        ("BRA", "basic", SUCCESSOR, 2000, 80.0),
        ("BRA", "basic", SUCCESSOR, 2005, 70.0),
        ("KEN", "improved", MDG, 2010, 60.0),  # after the data year: no MDG value for Kenya yet
        ("KEN", "basic", SUCCESSOR, 2000, 40.0),
        ("KEN", "basic", SUCCESSOR, 2005, 44.0),
        ("IND", "improved", MDG, 2004, None),  # an empty value is no data
        ("IND", "basic", SUCCESSOR, 2001, 70.0),
        ("IND", "basic", SUCCESSOR, 2005, 80.0),
    ]
)


def test_mdg_series_rated_where_it_has_values_the_successor_elsewhere():
    found = headline.rated(SMALL, INDICATORS, 2007)
    by_country = found.ratings.set_index("country_iso3")
    assert by_country.at["BRA", "source"] == MDG and by_country.at["BRA", "rating"] == rating.RATING_SUBSTANTIAL
    assert by_country.at["KEN", "source"] == SUCCESSOR and by_country.at["IND", "source"] == SUCCESSOR
    assert len(found.ratings) == 3  # one series per country: never both measures side by side
    assert found.fallbacks[["country_iso3", "source", "series_code"]].values.tolist() == [
        ["IND", SUCCESSOR, "basic"],
        ["KEN", SUCCESSOR, "basic"],
    ]
    # By 2010 Kenya has its MDG value: a single point, so too few to rate, but the MDG series.
    later = headline.rated(SMALL, INDICATORS, 2010).ratings.set_index("country_iso3")
    assert later.at["KEN", "source"] == MDG and later.at["KEN", "rating"] == rating.RATING_INSUFFICIENT


def test_the_rule_itself_is_unchanged_and_the_selection_keeps_every_mdg_row():
    chosen, fallbacks = rating.mdg_first(SMALL, texts.is_successor_source)
    assert set(chosen.loc[chosen["source"] == MDG].index) == set(SMALL.loc[SMALL["source"] == MDG].index)
    assert not (chosen["country_iso3"].eq("BRA") & chosen["source"].eq(SUCCESSOR)).any()
    # progress_rating still rates whatever it is given, each source on its own.
    assert len(rating.progress_rating(SMALL, INDICATORS)) == 5  # India's empty MDG value is no series
    empty, none = rating.mdg_first(SMALL.iloc[0:0], texts.is_successor_source)
    assert empty.empty and none.empty


def test_the_note_names_the_successor_series_its_source_and_the_countries():
    names = pd.Series({"basic": "Population using at least basic drinking water services"})
    notes = headline.fallback_notes(headline.rated(SMALL, INDICATORS, 2007), names)
    assert notes == [
        "7.8 rated on the successor series “Population using at least basic drinking water services” "
        "(World Bank WDI / UNAIDS (SDG-era)): no MDG series data up to 2007 for India, Kenya."
    ]
    assert headline.fallback_notes(headline.rated(SMALL.loc[SMALL["country_iso3"] == "BRA"], INDICATORS, 2007)) == []


def test_the_headline_counts_the_chosen_series_only():
    win = Window("2008-H2", "2008-H1", pd.Timestamp("2008-11-17"), pd.Timestamp("2008-05-30"))
    hl = headline.headline(SMALL, INDICATORS, win)
    progressing = hl.changes[0]
    # Brazil's MDG series (up) counts; its successor series (down) is not rated beside it.
    assert progressing.now == 3
    assert hl.changes[1].now == 0


@pytest.fixture(scope="module")
def seed_engine(seeded_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("series-choice") / "seed.db"
    shutil.copy(seeded_template, path)
    eng = make_engine(f"sqlite:///{path}")
    yield eng
    eng.dispose()


def test_the_seed_rates_7_8_on_the_mdg_series_once_it_has_values(seed_engine):
    seed = queries.observations(seed_engine, ("7.8",), ["BRA"], None)
    assert {MDG, SUCCESSOR} <= set(seed["source"])  # both measures are held for Brazil
    inds = queries.indicators(seed_engine)
    # The seed's MDG series of 7.8 is of 2013: a round rating data up to 2014 uses it, not the successor.
    with_mdg = headline.rated(seed, inds, 2014)
    assert set(with_mdg.ratings["source"]) == {MDG} and with_mdg.fallbacks.empty
    assert with_mdg.ratings["series_code"].str.contains("improved drinking water").all()
    # The seed's rounds rate data up to 2007, before any MDG value of 7.8: the successor, noted.
    before = headline.rated(seed, inds, 2007)
    assert set(before.ratings["source"]) == {SUCCESSOR}
    assert set(before.fallbacks["country_iso3"]) == {"BRA"}


def test_the_pack_says_which_series_was_rated_and_why(seed_engine):
    pdf = briefing.build_pack(seed_engine, "2008-H2", mdg_indicators=("7.8",), countries=["BRA", "IND"])
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert (
        "7.8 rated on the successor series “Population using at least basic drinking water services” "
        "(World Bank WDI / UNAIDS (SDG-era)): no MDG series data up to 2007 for Brazil, India." in text
    )
