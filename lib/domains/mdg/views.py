"""MDG tables: trend, rating and gap tables, coverage of the breakdowns, the rights each indicator serves."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from lib.domains.mdg import metrics
from lib.domains.mdg import rating as rating_rules
from lib.domains.mdg.choices import code_key
from lib.domains.mdg.texts import is_successor_source

# The inputs of the calculation next to the verdict, then what identifies the series.
RATING_COLUMNS = [
    "country_iso3",
    "country_name",
    "sex",
    "location",
    *rating_rules.RATING_ENDS,
    "directed_cagr",
    *rating_rules.RATING_VERDICT,
    "method",
    "n_points",
    "target_ratio_2015",
    "desired_direction",
    "unit",
    "series_code",
    "source",
]
TREND_COLUMNS = [
    "indicator_code",
    "country_iso3",
    "country_name",
    "year",
    "value",
    "unit",
    "series_code",
    "series_name",
    "sex",
    "location",
    "source",
    "nature",
    "footnote",
    "after_data_year",
]


def trend_table(obs: pd.DataFrame, data_year: int, series_names: pd.Series | None = None) -> pd.DataFrame:
    """The time-series table behind the trend chart, with ``after_data_year`` (year > data year)."""
    d = obs.loc[obs["value"].notna()].copy()
    names = series_names if series_names is not None else pd.Series(dtype=str)
    d["series_name"] = d["series_code"].map(names).fillna(d["series_code"])
    d["after_data_year"] = d["year"] > data_year
    d = d.sort_values(["country_iso3", "series_code", "sex", "location", "year"])
    return d[[c for c in TREND_COLUMNS if c in d.columns]].reset_index(drop=True)


def rating_table(ratings: pd.DataFrame, country_names: pd.Series) -> pd.DataFrame:
    """``progress_rating`` with the country name and every input of the calculation, best first."""
    d = ratings.copy()
    d["country_name"] = d["country_iso3"].map(country_names).fillna(d["country_iso3"])
    d = d.sort_values(["rating_order", "country_iso3", "series_code", "sex", "location"], kind="stable")
    return d[RATING_COLUMNS].reset_index(drop=True)


def rating_counts(ratings: pd.DataFrame) -> pd.DataFrame:
    """Series per rating, best first, only the ratings that occur. Columns: rating, arrow, series."""
    counts = ratings["rating"].value_counts()
    rows = [
        {"rating": r, "arrow": rating_rules.RATING_ARROWS[r], "series": int(counts[r])}
        for r in rating_rules.RATING_ORDER
        if r in counts.index
    ]
    return pd.DataFrame(rows, columns=["rating", "arrow", "series"])


def gap_table(gaps: pd.DataFrame, data_year: int, country_names: pd.Series) -> pd.DataFrame:
    """``equity_gaps`` as shown: with the country name and ``after_data_year``."""
    d = gaps.copy()
    d.insert(d.columns.get_loc("country_iso3") + 1, "country_name", d["country_iso3"].map(country_names))
    d["after_data_year"] = d["year"] > data_year
    return d.reset_index(drop=True)


def gap_trend_table(gaps: pd.DataFrame, country_names: pd.Series) -> pd.DataFrame:
    """``gap_trend`` with the country name and the ratio (a / b) in its first and latest year.

    The verdict comes first: country, the other dimension, trend, years, differences,
    ratios; then the series and source columns.
    """
    other = "location" if "location" in gaps.columns else "sex"
    keys = ["indicator_code", "series_key", "country_iso3", "source", other]
    trend = metrics.gap_trend(gaps)
    ratios = gaps[[*keys, "year", "ratio"]]
    for end in ("first", "latest"):
        trend = trend.merge(
            ratios.rename(columns={"year": f"{end}_year", "ratio": f"{end}_ratio"}),
            on=[*keys, f"{end}_year"],
            how="left",
        )
    trend["country_name"] = trend["country_iso3"].map(country_names)
    lead = ["country_iso3", "country_name", other, "trend", "first_year", "latest_year", "first_difference"]
    lead += ["latest_difference", "change", "first_ratio", "latest_ratio", "sign_reversed"]
    return trend[lead + [c for c in trend.columns if c not in lead]].reset_index(drop=True)


def indicator_coverage(counts: pd.DataFrame, indicator_code: str, country_names: pd.Series) -> pd.DataFrame:
    """Per country, the values of an indicator by breakdown (``disaggregation_counts``, all sources).

    Columns: country_iso3, country_name, values, female, male, rural, urban,
    by_sex / by_location (both groups of the dimension present), most values first.
    """
    d = counts.loc[counts["indicator_code"] == indicator_code]
    out = pd.DataFrame({"values": d.groupby("country_iso3")["values"].sum()})
    for dim, group in (("sex", "female"), ("sex", "male"), ("location", "rural"), ("location", "urban")):
        out[group] = d.loc[d[dim] == group].groupby("country_iso3")["values"].sum()
    out = out.fillna(0).astype(int).reset_index()
    out["by_sex"] = (out["female"] > 0) & (out["male"] > 0)
    out["by_location"] = (out["rural"] > 0) & (out["urban"] > 0)
    out.insert(1, "country_name", out["country_iso3"].map(country_names).fillna(out["country_iso3"]))
    return out.sort_values(["values", "country_iso3"], ascending=[False, True]).reset_index(drop=True)


def coverage_overview(counts: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Per indicator with data: countries with any value, by sex (female and male), by location.

    Columns: indicator_code, indicator, values, countries, countries_by_sex,
    countries_by_location; framework order.
    """
    cols = ["indicator_code", "indicator", "values", "countries", "countries_by_sex", "countries_by_location"]
    if counts.empty:
        return pd.DataFrame(columns=cols)
    d = counts.assign(
        female=counts["sex"] == "female",
        male=counts["sex"] == "male",
        rural=counts["location"] == "rural",
        urban=counts["location"] == "urban",
    )
    per = d.groupby(["indicator_code", "country_iso3"]).agg(
        values=("values", "sum"),
        female=("female", "any"),
        male=("male", "any"),
        rural=("rural", "any"),
        urban=("urban", "any"),
    )
    per["by_sex"] = per["female"] & per["male"]
    per["by_location"] = per["rural"] & per["urban"]
    out = per.groupby("indicator_code").agg(
        values=("values", "sum"),
        countries=("values", "size"),
        countries_by_sex=("by_sex", "sum"),
        countries_by_location=("by_location", "sum"),
    )
    out = out.astype(int).reset_index()
    out["indicator"] = out["indicator_code"].map(indicators.set_index("code")["text"])
    out = out.iloc[code_key(out["indicator_code"]).argsort(kind="stable")]
    return out[cols].reset_index(drop=True)


def rights_table(indicators: pd.DataFrame, goal: int, with_data: Sequence[str] = ()) -> pd.DataFrame:
    """The goal's indicators with their type, target and the rights provisions they serve."""
    d = indicators.loc[indicators["goal"] == goal].copy()
    d["has_data"] = d["code"].isin(list(with_data))
    d = d.iloc[code_key(d["code"]).argsort(kind="stable")]
    cols = ["code", "text", "rights_provisions", "indicator_type", "target", "quantified_target", "has_data"]
    return d[cols].reset_index(drop=True)


def has_totals(catalogue: pd.DataFrame, source: str) -> bool:
    """Whether a source has totals (both sexes, all locations) in this catalogue (one indicator's).

    Without them (an indicator measured for one group only, women's seats in parliament, say)
    its values are the totals a page shows.
    """
    d = catalogue.loc[catalogue["source"] == source]
    return bool(((d["sex"] == "total") & (d["location"] == "total")).any())


def shown_catalogue(catalogue: pd.DataFrame, source: str, breakdowns: bool) -> pd.DataFrame:
    """The catalogue rows a page offers: all of them with the breakdowns by sex and location, else
    only the source's totals where it has any (see :func:`has_totals`)."""
    if breakdowns or not has_totals(catalogue, source):
        return catalogue
    return catalogue.loc[(catalogue["sex"] == "total") & (catalogue["location"] == "total")]


def has_mdg_era_values(catalogue: pd.DataFrame, data_year: int) -> bool:
    """Whether a catalogue has values of an MDG-era (not successor) source up to ``data_year``
    (the rule of ``choices.default_indicator``, for one indicator's catalogue)."""
    mdg = ~catalogue["source"].map(is_successor_source) & (catalogue["first_year"] <= data_year)
    return bool(mdg.any())


def coverage_overview_of(per_indicator: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """:func:`coverage_overview` from the counts per indicator made by the database
    (``queries.coverage_by_indicator``): the same columns, framework order."""
    cols = ["indicator_code", "indicator", "values", "countries", "countries_by_sex", "countries_by_location"]
    if per_indicator.empty:
        return pd.DataFrame(columns=cols)
    out = per_indicator.copy()
    out[cols[2:]] = out[cols[2:]].astype(int)
    out["indicator"] = out["indicator_code"].map(indicators.set_index("code")["text"])
    out = out.iloc[code_key(out["indicator_code"]).argsort(kind="stable")]
    return out[cols].reset_index(drop=True)
