"""ratings.rate_ends rates the end points straight from their columns: the frame it returns is
the one ``progress_rating`` gives on the same points as observation rows (the path it had
before, kept as rate_ends_by_rows), on every shape of end points, including the odd ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lib.domains.mdg import rating
from lib.ingest import ratings
from lib.ingest.ends import SERIES

INDICATORS = pd.DataFrame(
    {
        "code": ["1.1", "4.1", "5.1", "7.8", "8.1", "9.9"],
        "target_ratio_2015": [None, 1 / 3, 0.25, None, 1.0, None],
        "desired_direction": ["decrease", "decrease", "decrease", "increase", "none", None],
    }
)


def end_points(n: int, seed: int) -> pd.DataFrame:
    """``n`` series' end points at three cut-off years, in observation_end's columns (shuffled):
    bases missing, before 1990, equal to the first or the latest point; a latest year equal to or
    before the first; equal years with other values; zero and negative values; an indicator the
    indicators frame does not know; keys whose order differs by case and accents."""
    rng = np.random.default_rng(seed)
    first_year = rng.integers(1970, 2016, n)
    latest_year = first_year + rng.integers(-3, 30, n)
    base_year = np.maximum(first_year, 1990) + rng.integers(0, 8, n)
    base_year = np.where(rng.random(n) < 0.1, first_year, base_year)
    base_year = np.where(rng.random(n) < 0.05, latest_year, base_year)
    base_year = np.where(rng.random(n) < 0.05, 1985, base_year)
    value = lambda: np.round(rng.choice([0.0, -2.0, 1.0, 50.0], n) + rng.uniform(0, 100, n), 2)  # noqa: E731
    frame = pd.DataFrame(
        {
            "cutoff_year": rng.choice([2006, 2007, 2014], n),
            "indicator_code": rng.choice(["1.1", "4.1", "5.1", "7.8", "8.1", "9.9", "0.0"], n),
            "series_code": rng.choice(["SI_POV", "si_pov", "SE_ÉCOLE", "SE_ECOLE", "SH_H2O"], n),
            "country_iso3": rng.choice(["BRA", "bra", "IND", "ÅLA", "ZWE"], n),
            "sex": rng.choice(["total", "female", "male"], n),
            "location": rng.choice(["total", "urban", "rural"], n),
            "source": rng.choice(["UNSD", "WDI successor", "Bench source"], n),
            "first_year": first_year,
            "first_value": value(),
            "first_unit": "%",
            "base_year": pd.array(np.where(rng.random(n) < 0.2, -1, base_year), dtype="Int64"),
            "base_value": value(),
            "base_unit": "%",
            "latest_year": latest_year,
            "latest_value": value(),
            "latest_unit": "%",
        }
    )
    frame.loc[frame["base_year"] == -1, ["base_year", "base_value", "base_unit"]] = None
    frame = frame.drop_duplicates(["cutoff_year", *SERIES])
    return frame.sample(frac=1, random_state=seed).reset_index(drop=True)


def same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """The same rows in the same order; the key columns may hold the texts as objects."""
    pd.testing.assert_frame_equal(got, want.astype(dict(got.dtypes)))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rate_ends_is_progress_rating_on_the_points(seed):
    ends = end_points(3000, seed)
    got = ratings.rate_ends(ends, INDICATORS)
    same(got, ratings.rate_ends_by_rows(ends, INDICATORS))
    assert set(got["rating"]) >= {rating.RATING_INSUFFICIENT, rating.RATING_NOT_RATED, rating.RATING_ON_TRACK}
    assert len(got) == len(ends)


def test_points_progress_rating_would_drop_take_its_path():
    """A missing value (or a base year without its value) goes through progress_rating, which
    leaves that point out."""
    ends = end_points(500, 4)
    ends["first_value"] = ends["first_value"].astype(float)
    ends.loc[::7, "first_value"] = np.nan
    ends.loc[1::9, "base_value"] = np.nan
    got = ratings.rate_ends(ends, INDICATORS)
    same(got, ratings.rate_ends_by_rows(ends, INDICATORS))


def test_no_end_points_no_ratings():
    got = ratings.rate_ends(end_points(10, 5).iloc[:0], INDICATORS)
    assert got.empty and list(got.columns) == ratings.RATING_COLUMNS


@pytest.mark.parametrize("odd", [False, True])
def test_rated_ends_puts_each_rating_on_its_own_row(odd):
    """An all-new import inserts each series' end points and rating in one row: rated_ends keeps
    the end points as they are, in their order, with the rating rate_ends gives that series (also
    where a point with no value sends the rating through progress_rating)."""
    ends = end_points(800, 6)
    if odd:
        ends["first_value"] = ends["first_value"].astype(float)
        ends.loc[::5, "first_value"] = np.nan
    got = ratings.rated_ends(ends, INDICATORS)
    pd.testing.assert_frame_equal(got.drop(columns="rating"), ends)
    keys = ["cutoff_year", *SERIES]
    want = ratings.rate_ends(ends, INDICATORS).astype({k: object for k in SERIES})
    paired = got.astype({k: object for k in SERIES}).merge(want, on=keys, how="left", suffixes=("", "_want"))
    assert paired["rating_want"].notna().sum() == len(want)
    assert paired["rating"].fillna("").tolist() == paired["rating_want"].fillna("").tolist()
    assert ratings.rated_ends(ends.iloc[:0], INDICATORS).empty
