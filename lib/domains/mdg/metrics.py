"""MDG equity gaps (sex, urban/rural), their trend, disaggregation coverage and latest values.

Pure functions over the observation frame (lib/datasets.py columns); none mutates its input.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from lib.domains.mdg.rating import RATING_INSUFFICIENT, SERIES_KEYS

# Two absolute gaps closer than this are "unchanged": it only absorbs floating-point
# noise, so any real movement in the published values counts as widening/narrowing.
GAP_TOLERANCE = 1e-9
EQUITY_GROUPS = {"sex": ("female", "male"), "location": ("rural", "urban")}
# Words that name a group inside series labels, taken out to pair the groups' series.
_GROUP_WORDS = {
    "sex": "boys?|girls?|men|women|man|woman|males?|females?",
    "location": "rural|urban",
}


def _equity_groups(dimension: str) -> tuple[str, str, str]:
    if dimension not in EQUITY_GROUPS:
        raise ValueError(f"dimension must be one of {', '.join(EQUITY_GROUPS)}, not {dimension!r}")
    other = "location" if dimension == "sex" else "sex"
    group_a, group_b = EQUITY_GROUPS[dimension]
    return group_a, group_b, other


def series_key(series_code: str, dimension: str) -> str:
    """The series code with the words naming the groups of ``dimension`` taken out.

    The UN MDG database gives each sex or location its own series ("Total net
    enrolment ratio in primary education, girls" / "..., boys";
    "..._rural_access_percent" / "..._urban_access_percent"); both members of a pair
    share this key, and a tidy series coded the same for both groups keeps its own.
    """
    text = str(series_code).replace("_", " ").lower()
    text = re.sub(rf"\b({_GROUP_WORDS[dimension]})\b", " ", text)
    return re.sub(r"[^a-z0-9/.]+", " ", text).strip()


def equity_gaps(obs: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Female vs male (``"sex"``) or rural vs urban (``"location"``) values side by side.

    Series are paired by ``series_key`` (same series once the group words are
    removed), within one indicator, country, source, year and value of the other
    dimension (so rural women are compared with rural men, never with all men);
    sources are never mixed. Columns: indicator_code, series_key, series_code (of
    group a), series_code_b, country_iso3, source, location|sex, year, unit,
    dimension, group_a, group_b, value_a, value_b, ratio (a / b, NaN when b is 0),
    difference (a - b).
    """
    group_a, group_b, other = _equity_groups(dimension)
    keys = ["indicator_code", "series_key", "country_iso3", "source", other, "year"]
    d = obs.loc[obs["value"].notna() & obs[dimension].isin([group_a, group_b])].copy()
    # Each distinct code's key once (series_key reads the code as text), not a regex per row.
    codes = d["series_code"].map(str)
    d["series_key"] = codes.map({code: series_key(code, dimension) for code in codes.unique()}.__getitem__)
    d = d[[*keys, "series_code", dimension, "value", "unit"]]
    a = d.loc[d[dimension] == group_a].drop(columns=dimension).rename(columns={"value": "value_a"})
    b = d.loc[d[dimension] == group_b, [*keys, "series_code", "value"]]
    b = b.rename(columns={"value": "value_b", "series_code": "series_code_b"})
    out = a.merge(b, on=keys, how="inner")
    out["dimension"] = dimension
    out["group_a"] = group_a
    out["group_b"] = group_b
    out["value_a"] = out["value_a"].astype(float)
    out["value_b"] = out["value_b"].astype(float)
    out["ratio"] = out["value_a"] / out["value_b"].where(out["value_b"] != 0)
    out["difference"] = out["value_a"] - out["value_b"]
    cols = [
        "indicator_code",
        "series_key",
        "series_code",
        "series_code_b",
        *keys[2:],
        "unit",
        "dimension",
        "group_a",
        "group_b",
        "value_a",
        "value_b",
        "ratio",
        "difference",
    ]
    return out.sort_values(keys).reset_index(drop=True)[cols]


def gap_trend(gaps: pd.DataFrame) -> pd.DataFrame:
    """Whether the absolute gap widened, narrowed or stayed between the first and latest year.

    Input: ``equity_gaps`` output. One row per indicator, series pair, country,
    source and other-dimension value: series_code, series_code_b, first_year,
    latest_year, first_difference, latest_difference, change (|latest| - |first|),
    trend (widened / narrowed / unchanged within GAP_TOLERANCE; "insufficient
    data" with a single year) and sign_reversed (the group ahead changed).
    """
    # equity_gaps keeps the *other* dimension as a key column (location for sex gaps).
    other = "location" if "location" in gaps.columns else "sex"
    keys = ["indicator_code", "series_key", "country_iso3", "source", other]
    cols = [
        *keys,
        "series_code",
        "series_code_b",
        "dimension",
        "first_year",
        "latest_year",
        "first_difference",
        "latest_difference",
        "change",
        "trend",
        "sign_reversed",
    ]
    if gaps.empty:
        return pd.DataFrame(columns=cols)
    d = gaps.sort_values("year")
    grouped = d.groupby(keys, sort=True, dropna=False)
    out = grouped.agg(
        series_code=("series_code", "last"),
        series_code_b=("series_code_b", "last"),
        dimension=("dimension", "first"),
        first_year=("year", "first"),
        latest_year=("year", "last"),
        first_difference=("difference", "first"),
        latest_difference=("difference", "last"),
    ).reset_index()
    out["change"] = out["latest_difference"].abs() - out["first_difference"].abs()
    out["trend"] = np.select(
        [
            out["first_year"] == out["latest_year"],
            out["change"] > GAP_TOLERANCE,
            out["change"] < -GAP_TOLERANCE,
        ],
        [RATING_INSUFFICIENT, "widened", "narrowed"],
        default="unchanged",
    )
    out["sign_reversed"] = (np.sign(out["first_difference"]) * np.sign(out["latest_difference"])) < 0
    return out[cols]


def disaggregation_coverage(obs: pd.DataFrame) -> pd.DataFrame:
    """Which breakdowns exist per country and indicator.

    Columns: country_iso3, indicator_code, n_obs, n_sex (rows with female or
    male), n_location (rows with urban or rural), has_sex / has_location (both
    groups of the dimension present at least once), first_year, latest_year.
    """
    d = obs.copy()
    d["_female"] = d["sex"] == "female"
    d["_male"] = d["sex"] == "male"
    d["_rural"] = d["location"] == "rural"
    d["_urban"] = d["location"] == "urban"
    g = d.groupby(["country_iso3", "indicator_code"], sort=True)
    out = g.agg(
        n_obs=("value", "size"),
        female=("_female", "sum"),
        male=("_male", "sum"),
        rural=("_rural", "sum"),
        urban=("_urban", "sum"),
        first_year=("year", "min"),
        latest_year=("year", "max"),
    ).reset_index()
    out["n_sex"] = (out["female"] + out["male"]).astype(int)
    out["n_location"] = (out["rural"] + out["urban"]).astype(int)
    out["has_sex"] = (out["female"] > 0) & (out["male"] > 0)
    out["has_location"] = (out["rural"] > 0) & (out["urban"] > 0)
    return out[
        [
            "country_iso3",
            "indicator_code",
            "n_obs",
            "n_sex",
            "n_location",
            "has_sex",
            "has_location",
            "first_year",
            "latest_year",
        ]
    ]


def latest_values(obs: pd.DataFrame) -> pd.DataFrame:
    """The latest non-null observation of each series/country/sex/location/source (all columns)."""
    d = obs.loc[obs["value"].notna()]
    idx = d.sort_values("year").groupby(SERIES_KEYS, sort=True, dropna=False).tail(1).index
    return d.loc[idx].sort_values(SERIES_KEYS).reset_index(drop=True)
