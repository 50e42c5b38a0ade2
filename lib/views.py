"""Page-level shaping of frames: filters, the columns each role sees, display tables.

Pure pandas (no Streamlit): the pages call these so they hold no data logic.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from lib import metrics

PARTNER_POINT_COLUMNS = [
    "round_id",
    "action_point_id",
    "cluster",
    "status",
    "assessment",
    "percent_complete",
    "due_date",
    "overdue",
    "move",
    "previous_status",
    "summary",
    "text",
]
INTERNAL_POINT_COLUMNS = [
    "round_id",
    "action_point_id",
    "cluster",
    "status",
    "assessment",
    "percent_complete",
    "lead_unit",
    "due_date",
    "overdue",
    "days_overdue",
    "move",
    "previous_status",
    "summary",
    "next_steps",
    "internal_notes",
    "reported_by",
    "reported_on",
    "text",
]


def point_table(
    reports: pd.DataFrame, round_id: str, previous_round_id: str | None, as_of: pd.Timestamp
) -> pd.DataFrame:
    """The round's action points with overdue flags and movement since the previous round."""
    od = metrics.overdue(reports, round_id, as_of)
    moves = metrics.status_moves(reports, round_id, previous_round_id)[
        ["action_point_id", "previous_status", "move"]
    ]
    return od.merge(moves, on="action_point_id", how="left")


def filter_points(
    table: pd.DataFrame,
    clusters: Sequence[str] = (),
    statuses: Sequence[str] = (),
    assessments: Sequence[str] = (),
    lead_units: Sequence[str] = (),
    overdue_only: bool = False,
) -> pd.DataFrame:
    """Rows matching every non-empty filter (an empty filter keeps all)."""
    mask = pd.Series(True, index=table.index)
    for col, chosen in (
        ("cluster", clusters),
        ("status", statuses),
        ("assessment", assessments),
        ("lead_unit", lead_units),
    ):
        if chosen and col in table:
            mask &= table[col].isin(list(chosen))
    if overdue_only:
        mask &= table["overdue"]
    return table.loc[mask]


def visible_point_columns(table: pd.DataFrame, internal: bool) -> pd.DataFrame:
    """Only the columns the role may see, in a readable order."""
    cols = INTERNAL_POINT_COLUMNS if internal else PARTNER_POINT_COLUMNS
    return table[[c for c in cols if c in table.columns]].reset_index(drop=True)


HOURS_PER_PERSON_MONTH = 120.0  # a full-time officer's working hours in a month, less leave and training


def default_capacity(items: pd.DataFrame, hours_per_person: float = HOURS_PER_PERSON_MONTH) -> float:
    """Monthly capacity in hours: the staff who handled items times a person's monthly hours."""
    staff = items["staff_member"].nunique() if "staff_member" in items else 0
    return float(max(staff, 1) * hours_per_person)


def items_in_round(items: pd.DataFrame, rounds: pd.DataFrame, round_id: str) -> pd.DataFrame:
    """Work items received in a round's half-year."""
    return metrics.assign_round(items, rounds).loc[lambda d: d["round_id"] == round_id]


def monthly_upto(monthly: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Monthly rows up to the round's cut-off (so the page shows the data as of that round)."""
    return monthly.loc[monthly["month"] <= pd.Timestamp(as_of)]


def upto_round(df: pd.DataFrame, round_id: str) -> pd.DataFrame:
    """Rows (with round_id) of this round and earlier ones."""
    key = metrics.round_key(round_id)
    return df.loc[df["round_id"].map(lambda r: metrics.round_key(r) <= key).astype(bool)]


# --- MDG rights-based indicators ------------------------------------------------------------

MDG_CREDIT = "United Nations Statistics Division, Millennium Development Goals Indicators database"
IGME_CREDIT = "UN Inter-agency Group for Child Mortality Estimation"
SUCCESSOR_CREDIT = (
    "World Bank World Development Indicators and UNAIDS, via Gapminder Systema Globalis (CC BY 4.0)"
)
# The WDI/UNAIDS series republished by Gapminder carry this in their source label.
SUCCESSOR_MARK = "via gapminder"
SUCCESSOR_NOTE = "SDG-era successor definition, not the MDG series"
RIGHTS_NOTE = (
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
ALL_COUNTRIES = "All countries with data"
COUNTRY_GROUPS: dict[str, tuple[str, ...]] = {
    "Least developed countries (UN list, 2008)": LDC_2008,
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
        return f"Source: {source} — **{SUCCESSOR_NOTE}**. Credit: {SUCCESSOR_CREDIT}."
    credit = IGME_CREDIT if "igme" in str(source).lower() else MDG_CREDIT
    return f"Source: {source}. Credit: {credit}."


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
    goal_2015 = quantified if isinstance(quantified, str) and quantified else "none quantified"
    return (
        f"**{indicator['code']} {indicator['text']}** · *{indicator['indicator_type']}* indicator · "
        f"target {indicator['target']}: {indicator['target_text']} · 2015 target: {goal_2015}  \n"
        f"Human rights provisions (indicative): {indicator['rights_provisions']}"
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
    out["label"] = (
        out["source"]
        + " ("
        + years
        + ", "
        + out["countries"].astype(str)
        + " countries)"
        + out["successor"].map({True: f" — {SUCCESSOR_NOTE}", False: ""})
    )
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


def keep_choice(previous: Any, options: Sequence[Any], default: Any = None) -> Any:
    """``previous`` when it is still an option, else ``default`` when it is one, else the first option."""
    if previous in options:
        return previous
    if default in options:
        return default
    return options[0] if len(options) else None


def keep_selection(
    previous: Sequence[str] | None, options: Sequence[str], default: Sequence[str]
) -> list[str]:
    """The previous choices that are still options; ``default`` on first use or when none is left.

    An empty previous choice (the user cleared it) stays empty.
    """
    kept = [p for p in (previous or []) if p in options]
    if kept or (previous is not None and not len(previous)):
        return kept
    return [d for d in default if d in options]


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
        {"rating": r, "arrow": metrics.RATING_ARROWS[r], "series": int(counts[r])}
        for r in metrics.RATING_ORDER
        if r in counts.index
    ]
    return pd.DataFrame(rows, columns=["rating", "arrow", "series"])


def rating_method_text(indicator: pd.Series | None = None) -> str:
    """The rating method in words (markdown), with the thresholds of :mod:`lib.metrics`.

    With an indicator row (code, target_ratio_2015, quantified_target,
    desired_direction) it ends with how that indicator is rated.
    """
    m = metrics
    text = (
        "Progress measure of Statistics Canada / Open SDG. Each series (indicator, series, country, sex, "
        "location and **source**) is rated on its own: sources are never combined into one growth rate.\n\n"
        f"**Indicators with a 2015 target set against {m.BASELINE_YEAR}** (such as 4.1, reduce under-five "
        "mortality by two thirds, and 5.1, reduce maternal mortality by three quarters): the base year is "
        f"{m.BASELINE_YEAR}, or the first later year with a value; target value = base value × target "
        f"ratio; required CAGR = (target value / base value)^(1 / ({m.TARGET_YEAR} − base year)) − 1; "
        "actual CAGR = (latest value / base value)^(1 / (latest year − base year)) − 1; ratio = actual / "
        "required.\n\n"
        f"| ratio | rating |\n|---|---|\n"
        f"| ≥ {m.RATIO_ON_TRACK:g} | {m.RATING_ARROWS[m.RATING_ON_TRACK]} {m.RATING_ON_TRACK} |\n"
        f"| {m.RATIO_MODERATE:g} to {m.RATIO_ON_TRACK:g} | {m.RATING_ARROWS[m.RATING_MODERATE]} "
        f"{m.RATING_MODERATE} |\n"
        f"| 0 to {m.RATIO_MODERATE:g} | {m.RATING_ARROWS[m.RATING_SLOW]} {m.RATING_SLOW} |\n"
        f"| below 0 | {m.RATING_ARROWS[m.RATING_MOVING_AWAY]} {m.RATING_MOVING_AWAY} |\n\n"
        "**Other indicators with a desired direction**: compound annual growth rate CAGR = (latest value / "
        "first value)^(1 / (latest year − first year)) − 1, sign flipped when the indicator should fall "
        "(directed CAGR).\n\n"
        f"| directed CAGR | rating |\n|---|---|\n"
        f"| ≥ {m.CAGR_SUBSTANTIAL:.0%} | {m.RATING_ARROWS[m.RATING_SUBSTANTIAL]} {m.RATING_SUBSTANTIAL} |\n"
        f"| 0 to {m.CAGR_SUBSTANTIAL:.0%} | {m.RATING_ARROWS[m.RATING_MODERATE]} {m.RATING_MODERATE} |\n"
        f"| −{m.CAGR_SUBSTANTIAL:.0%} to 0 | {m.RATING_ARROWS[m.RATING_MODERATE_DETERIORATION]} "
        f"{m.RATING_MODERATE_DETERIORATION} |\n"
        f"| ≤ −{m.CAGR_SUBSTANTIAL:.0%} | {m.RATING_ARROWS[m.RATING_SUBSTANTIAL_DETERIORATION]} "
        f"{m.RATING_SUBSTANTIAL_DETERIORATION} |\n\n"
        f"*{m.RATING_INSUFFICIENT.capitalize()}*: a single value, a zero at either end, or (target "
        f"method) no value from {m.BASELINE_YEAR} on. *{m.RATING_NOT_RATED.capitalize()}*: no target ratio "
        "and no desired direction (parity indicators, where either side of 1 is away from the goal)."
    )
    if indicator is None:
        return text
    ratio = pd.to_numeric(indicator.get("target_ratio_2015"), errors="coerce")
    direction = indicator.get("desired_direction")
    if pd.notna(ratio):
        how = f"target method, target ratio {ratio:.4g} ({indicator.get('quantified_target')})"
    elif direction in ("increase", "decrease"):
        how = f"CAGR method, desired direction: {direction}"
    else:
        how = "not rated (no target ratio, no desired direction)"
    return f"{text}\n\n**Indicator {indicator.get('code')}**: {how}."


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
