"""MDG tables and choices: sources and their credit, indicator/source/series options, trend, rating and gap tables."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from lib import i18n
from lib.domains.mdg import metrics
from lib.domains.mdg import rating as rating_rules
from lib.i18n import N_, _

# --- MDG rights-based indicators ------------------------------------------------------------

MDG_CREDIT = N_("United Nations Statistics Division, Millennium Development Goals Indicators database")
IGME_CREDIT = N_("UN Inter-agency Group for Child Mortality Estimation")
SUCCESSOR_CREDIT = N_(
    "World Bank World Development Indicators and UNAIDS, via Gapminder Systema Globalis (CC BY 4.0)"
)
# The WDI/UNAIDS series republished by Gapminder carry this in their source label.
SUCCESSOR_MARK = "via gapminder"
SUCCESSOR_NOTE = N_("SDG-era successor definition, not the MDG series")
RIGHTS_NOTE = N_(
    "The human rights provisions are an **indicative** mapping in the spirit of OHCHR's *Claiming the "
    "MDGs: a human rights approach* (2008), not an official correspondence. Indicator types "
    "(structural, process, outcome) follow OHCHR's indicator framework (HRI/MC/2008/3)."
)
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
# Keys are English (the choice kept in the session); pages show them translated.
COUNTRY_GROUPS: dict[str, tuple[str, ...]] = {
    N_("Least developed countries (UN list, 2008)"): LDC_2008,
    ALL_COUNTRIES: (),  # empty: every country, the indicator loaded whole
}
# The inputs of the calculation next to the verdict, then what identifies the series.
RATING_COLUMNS = [
    "country_iso3",
    "country_name",
    "sex",
    "location",
    "base_year",
    "base_value",
    "latest_year",
    "latest_value",
    "target_value",
    "cagr",
    "directed_cagr",
    "required_cagr",
    "ratio",
    "rating",
    "arrow",
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


def is_successor_source(source: str) -> bool:
    """True for the SDG-era successor series (WDI/UNAIDS via Gapminder)."""
    return SUCCESSOR_MARK in str(source).lower()


def source_credit(source: str) -> str:
    """Who to credit for a source's values (one line, markdown)."""
    if is_successor_source(source):
        return _(
            "Source: {source} — **{note}**. Credit: {credit}.",
            source=source,
            note=_(SUCCESSOR_NOTE),
            credit=_(SUCCESSOR_CREDIT),
        )
    credit = IGME_CREDIT if "igme" in str(source).lower() else MDG_CREDIT
    return _("Source: {source}. Credit: {credit}.", source=source, credit=_(credit))


def _code_key(codes: pd.Series) -> pd.Series:
    """Numeric sort key of indicator codes: 1.2 < 1.10."""
    parts = codes.astype(str).str.split(".", expand=True).astype(int)
    return parts[0] * 1000 + parts[1]


def indicator_options(indicators: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Indicators that have data, in framework order, with a ``label`` ("4.1 Under-five mortality rate")."""
    d = indicators.loc[indicators["code"].isin(catalogue["indicator_code"])].copy()
    d["label"] = d["code"].astype(str) + " " + d["text"].astype(str)
    return d.iloc[_code_key(d["code"]).argsort(kind="stable")].reset_index(drop=True)


def default_indicator(options: pd.DataFrame, catalogue: pd.DataFrame, data_year: int) -> str | None:
    """The first indicator with MDG-era (non-successor) values up to ``data_year``, else the first one."""
    if options.empty:
        return None
    mdg = catalogue.loc[
        ~catalogue["source"].map(is_successor_source) & (catalogue["first_year"] <= data_year)
    ]
    hit = options.loc[options["code"].isin(mdg["indicator_code"]), "code"]
    return str(hit.iloc[0] if len(hit) else options["code"].iloc[0])


def indicator_header(indicator: pd.Series) -> str:
    """Markdown lines on an indicator: its text, type, target, 2015 target and rights provisions."""
    quantified = indicator.get("quantified_target")
    goal_2015 = quantified if isinstance(quantified, str) and quantified else _("none quantified")
    return _(
        "**{code} {text}** · *{type}* indicator · target {target}: {target_text} · 2015 target: {goal}  \n"
        "Human rights provisions (indicative): {provisions}",
        code=indicator["code"],
        text=indicator["text"],
        type=i18n.label(indicator["indicator_type"]),
        target=indicator["target"],
        target_text=indicator["target_text"],
        goal=goal_2015,
        provisions=indicator["rights_provisions"],
    )


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
        _("{source} ({years}, {count} countries)", source=s, years=y, count=i18n.fmt_number(n))
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


def rating_method_text(indicator: pd.Series | None = None) -> str:
    """The rating method in words (markdown), with the thresholds of :mod:`lib.metrics`.

    With an indicator row (code, target_ratio_2015, quantified_target,
    desired_direction) it ends with how that indicator is rated.
    """
    m = rating_rules

    def rated(rating: str) -> str:
        return f"{m.RATING_ARROWS[rating]} {i18n.label(rating)}".strip()

    def num(value: float) -> str:
        return i18n.fmt_number(value, 2, trim=True)

    def span(low: object, high: object) -> str:
        return _("{low} to {high}", low=low, high=high)

    pct = i18n.fmt_percent(m.CAGR_SUBSTANTIAL)
    text = "\n\n".join(
        [
            _(
                "Progress measure of Statistics Canada / Open SDG. Each series (indicator, series, country, "
                "sex, location and **source**) is rated on its own: sources are never combined into one "
                "growth rate."
            ),
            _(
                "**Indicators with a 2015 target set against {base}** (such as 4.1, reduce under-five "
                "mortality by two thirds, and 5.1, reduce maternal mortality by three quarters): the base "
                "year is {base}, or the first later year with a value; target value = base value × target "
                "ratio; required CAGR = (target value / base value)^(1 / ({target} − base year)) − 1; "
                "actual CAGR = (latest value / base value)^(1 / (latest year − base year)) − 1; ratio = "
                "actual / required.",
                base=m.BASELINE_YEAR,
                target=m.TARGET_YEAR,
            ),
            "\n".join(
                [
                    "| " + _("ratio") + " | " + _("rating") + " |",
                    "|---|---|",
                    f"| ≥ {num(m.RATIO_ON_TRACK)} | {rated(m.RATING_ON_TRACK)} |",
                    f"| {span(num(m.RATIO_MODERATE), num(m.RATIO_ON_TRACK))} | {rated(m.RATING_MODERATE)} |",
                    f"| {span(0, num(m.RATIO_MODERATE))} | {rated(m.RATING_SLOW)} |",
                    "| " + _("below 0") + f" | {rated(m.RATING_MOVING_AWAY)} |",
                ]
            ),
            _(
                "**Other indicators with a desired direction**: compound annual growth rate CAGR = (latest "
                "value / first value)^(1 / (latest year − first year)) − 1, sign flipped when the indicator "
                "should fall (directed CAGR)."
            ),
            "\n".join(
                [
                    "| " + _("directed CAGR") + " | " + _("rating") + " |",
                    "|---|---|",
                    f"| ≥ {pct} | {rated(m.RATING_SUBSTANTIAL)} |",
                    f"| {span(0, pct)} | {rated(m.RATING_MODERATE)} |",
                    f"| {span('−' + pct, 0)} | {rated(m.RATING_MODERATE_DETERIORATION)} |",
                    f"| ≤ −{pct} | {rated(m.RATING_SUBSTANTIAL_DETERIORATION)} |",
                ]
            ),
            _(
                "*{insufficient}*: a single value, a zero at either end, or (target method) no value from "
                "{base} on. *{unrated}*: no target ratio and no desired direction (parity indicators, where "
                "either side of 1 is away from the goal).",
                insufficient=i18n.label(m.RATING_INSUFFICIENT).capitalize(),
                unrated=i18n.label(m.RATING_NOT_RATED).capitalize(),
                base=m.BASELINE_YEAR,
            ),
        ]
    )
    if indicator is None:
        return text
    ratio = pd.to_numeric(indicator.get("target_ratio_2015"), errors="coerce")
    direction = indicator.get("desired_direction")
    if pd.notna(ratio):
        how = _(
            "target method, target ratio {ratio} ({target})",
            ratio=i18n.fmt_number(ratio, 4, trim=True),
            target=indicator.get("quantified_target"),
        )
    elif direction in ("increase", "decrease"):
        how = _("CAGR method, desired direction: {direction}", direction=i18n.label(direction))
    else:
        how = _("not rated (no target ratio, no desired direction)")
    return text + "\n\n" + _("**Indicator {code}**: {how}.", code=indicator.get("code"), how=how)


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
    out = out.iloc[_code_key(out["indicator_code"]).argsort(kind="stable")]
    return out[cols].reset_index(drop=True)


def rights_table(indicators: pd.DataFrame, goal: int, with_data: Sequence[str] = ()) -> pd.DataFrame:
    """The goal's indicators with their type, target and the rights provisions they serve."""
    d = indicators.loc[indicators["goal"] == goal].copy()
    d["has_data"] = d["code"].isin(list(with_data))
    d = d.iloc[_code_key(d["code"]).argsort(kind="stable")]
    cols = ["code", "text", "rights_provisions", "indicator_type", "target", "quantified_target", "has_data"]
    return d[cols].reset_index(drop=True)
