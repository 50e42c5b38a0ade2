"""MDG choices: the indicators, sources, series and countries a page offers, and their defaults."""

from __future__ import annotations

import pandas as pd

from lib import i18n, reference
from lib.domains.mdg.texts import SUCCESSOR_NOTE, is_successor_source
from lib.i18n import N_, _

DEFAULT_COUNTRY_COUNT = 6
# Tie-break for the default countries (many series cover every country equally): a spread of regions.
FOCUS_COUNTRIES = ("BRA", "IND", "NGA", "BGD", "ETH", "EGY", "IDN", "PAK", "MEX", "KEN")
# UN list of least developed countries in 2008 (after Cape Verde's graduation in December 2007).
LDC_2008 = (
    *("AFG", "AGO", "BDI", "BEN", "BFA", "BGD", "BTN", "CAF", "COD", "COM", "DJI", "ERI", "ETH"),
    *("GIN", "GMB", "GNB", "GNQ", "HTI", "KHM", "KIR", "LAO", "LBR", "LSO", "MDG", "MDV", "MLI"),
    *("MMR", "MOZ", "MRT", "MWI", "NER", "NPL", "RWA", "SDN", "SEN", "SLB", "SLE", "SOM", "STP"),
    *("TCD", "TGO", "TLS", "TUV", "TZA", "UGA", "VUT", "WSM", "YEM", "ZMB"),
)
ALL_COUNTRIES = N_("All countries with data")
NO_GROUP = N_("(none)")  # the group picker's first choice: no group rated
# Keys are English (the choice kept in the session); pages show them translated.
COUNTRY_GROUPS: dict[str, tuple[str, ...]] = {
    N_("Least developed countries (UN list, 2008)"): LDC_2008,
    ALL_COUNTRIES: (),  # empty: every country, the indicator loaded whole
}


def code_key(codes: pd.Series) -> pd.Series:
    """Numeric sort key of indicator codes: 1.2 < 1.10."""
    parts = codes.astype(str).str.split(".", expand=True).astype(int)
    return parts[0] * 1000 + parts[1]


def indicator_options(indicators: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Indicators that have data, in framework order, with a ``label`` ("4.1 Under-five mortality rate")."""
    d = indicators.loc[indicators["code"].isin(catalogue["indicator_code"])].copy()
    d["label"] = d["code"].astype(str) + " " + d["text"].astype(str)
    return d.iloc[code_key(d["code"]).argsort(kind="stable")].reset_index(drop=True)


def default_indicator(options: pd.DataFrame, catalogue: pd.DataFrame, data_year: int) -> str | None:
    """The first indicator with MDG-era (non-successor) values up to ``data_year``, else the first one."""
    if options.empty:
        return None
    mdg = catalogue.loc[
        ~catalogue["source"].map(is_successor_source) & (catalogue["first_year"] <= data_year)
    ]
    hit = options.loc[options["code"].isin(mdg["indicator_code"]), "code"]
    return str(hit.iloc[0] if len(hit) else options["code"].iloc[0])


def source_options(catalogue: pd.DataFrame, indicator_code: str, data_year: int) -> pd.DataFrame:
    """The sources of an indicator, the default first, each with its years, countries and a label.

    Order: MDG-era sources before the SDG-era successors; among them those with values
    up to ``data_year`` first, then the most values. Columns: source, successor,
    first_year, last_year, countries (the most of any one series), values, label.
    """
    d = catalogue.loc[catalogue["indicator_code"] == indicator_code]
    out = d.groupby("source", sort=True).agg(
        first_year=("first_year", "min"),
        last_year=("last_year", "max"),
        countries=("countries", "max"),
        values=("values", "sum"),
    )
    out = out.reset_index()
    out["successor"] = out["source"].map(is_successor_source)
    out["_later"] = out["first_year"] > data_year
    out = out.sort_values(["successor", "_later", "values", "source"], ascending=[True, True, False, True])
    years = (
        out["first_year"]
        .astype(str)
        .where(
            out["first_year"] == out["last_year"],
            out["first_year"].astype(str) + "-" + out["last_year"].astype(str),
        )
    )
    note = " — " + _(SUCCESSOR_NOTE)
    out["label"] = [
        _(
            "{source} ({years}, {count} countries)",
            source=reference.source_name(s),  # the short name, as everywhere else
            years=y,
            count=i18n.fmt_number(n),
        )
        + (note if succ else "")
        for s, y, n, succ in zip(out["source"], years, out["countries"], out["successor"], strict=True)
    ]
    cols = ["source", "successor", "first_year", "last_year", "countries", "values", "label"]
    return out.reset_index(drop=True)[cols]


def series_options(catalogue: pd.DataFrame, indicator_code: str, source: str) -> list[str]:
    """Series codes of one indicator and source; totals (sex and location "total") first."""
    d = catalogue.loc[(catalogue["indicator_code"] == indicator_code) & (catalogue["source"] == source)]
    d = d.assign(_breakdown=(d["sex"] != "total") | (d["location"] != "total"))
    per_series = d.groupby("series_code", sort=True).agg(
        breakdown=("_breakdown", "all"), values=("values", "sum")
    )
    per_series = per_series.reset_index().sort_values(
        ["breakdown", "values", "series_code"], ascending=[True, False, True]
    )
    return list(per_series["series_code"])


def countries_with_data(counts: pd.DataFrame, indicator_code: str) -> pd.DataFrame:
    """Countries with values for an indicator (``disaggregation_counts``), most values first.

    Ties are broken by FOCUS_COUNTRIES (in its order), then by code. Columns: country_iso3, values.
    """
    d = counts.loc[counts["indicator_code"] == indicator_code]
    out = d.groupby("country_iso3", sort=True)["values"].sum().reset_index()
    focus = {c: i for i, c in enumerate(FOCUS_COUNTRIES)}
    out["_focus"] = out["country_iso3"].map(focus).fillna(len(focus))
    out = out.sort_values(["values", "_focus", "country_iso3"], ascending=[False, True, True])
    return out.reset_index(drop=True)[["country_iso3", "values"]]


def of_source(obs: pd.DataFrame, source: str, series_code: str | None = None) -> pd.DataFrame:
    """Observations of one source (and optionally one series): sources are never mixed."""
    mask = obs["source"] == source
    if series_code is not None:
        mask &= obs["series_code"] == series_code
    return obs.loc[mask]


def up_to_year(obs: pd.DataFrame, year: int) -> pd.DataFrame:
    """Observations up to and including ``year`` (a round's MDG data year)."""
    return obs.loc[obs["year"] <= year]


def goal_labels(options: pd.DataFrame) -> pd.Series:
    """Each goal's number and title ("1. Eradicate ...") by its number, from :func:`indicator_options`."""
    titles = options.drop_duplicates("goal").set_index("goal")["goal_title"]
    return pd.Series([f"{g}. {t}" for g, t in titles.items()], index=titles.index)


def goal_of(options: pd.DataFrame, code: str) -> int:
    """The goal of an indicator."""
    return int(options.set_index("code").at[code, "goal"])


def indicator_labels(options: pd.DataFrame, goal: int) -> pd.Series:
    """The goal's indicators' labels by code."""
    return options.loc[options["goal"] == goal].set_index("code")["label"]


def indicator_row(indicators: pd.DataFrame, code: str) -> pd.Series:
    """One indicator's row (code, texts, type, target...)."""
    return indicators.set_index("code", drop=False).loc[code]


def source_labels(catalogue: pd.DataFrame, indicator_code: str, data_year: int) -> pd.Series:
    """Each source's label by source, in :func:`source_options`' order (the page's source picker)."""
    return source_options(catalogue, indicator_code, data_year).set_index("source")["label"]


def series_names(series: pd.DataFrame) -> pd.Series:
    """Each series' name by its code."""
    return series.set_index("code")["name"]


def series_labels(catalogue: pd.DataFrame, indicator_code: str, source: str, names: pd.Series) -> pd.Series:
    """The series of an indicator in a source (:func:`series_options`), each with its name."""
    codes = series_options(catalogue, indicator_code, source)
    return pd.Series([names.get(c) for c in codes], index=codes, dtype=object)


def country_choices(counts: pd.DataFrame, indicator_code: str) -> list[str]:
    """The countries with values of the indicator, most values first (:func:`countries_with_data`)."""
    return countries_with_data(counts, indicator_code)["country_iso3"].tolist()


def default_countries(
    counts: pd.DataFrame, indicator_code: str, limit: int = DEFAULT_COUNTRY_COUNT
) -> list[str]:
    """The countries an indicator is shown for until someone chooses (the MDG page and the pack)."""
    return country_choices(counts, indicator_code)[:limit]


def group_labels() -> pd.Series:
    """The group picker's choices (no group, then :data:`COUNTRY_GROUPS`), each in the reader's language."""
    keys = [NO_GROUP, *COUNTRY_GROUPS]
    return pd.Series([_(k) for k in keys], index=keys, dtype=object)
