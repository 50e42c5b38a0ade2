"""Page-level shaping of frames: filters, the columns each role sees, display tables.

Pure pandas (no Streamlit): the pages call these so they hold no data logic. Texts are in
the language of the current run (lib.i18n); frames keep their column names and stored codes,
and :func:`labelled` and :data:`COLUMN_LABELS` give what a table shows on screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from lib import i18n, metrics
from lib.datasets import CLUSTERS
from lib.i18n import N_, _

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


# --- What tables show on screen (the frames and their downloads keep names and codes) ----------

#: Columns holding stored codes, shown through lib.i18n.label on screen.
CODE_COLUMNS = (
    "status",
    "previous_status",
    "assessment",
    "move",
    "direction",
    "work_area",
    "type",
    "kind",
    "requesting_body",
    "rating",
    "rating_before",
    "trend",
    "sex",
    "location",
    "group",
    "group_a",
    "group_b",
    "method",
    "desired_direction",
    "indicator_type",
    "role",
    "severity",
    "dimension",
)


#: Headers tables show for the frames' columns (English, marked; lib.webapp shows them translated).
COLUMN_LABELS: dict[str, str] = {
    "round_id": N_("Round"),
    "action_point_id": N_("Action point"),
    "cluster": N_("Cluster"),
    "cluster_title": N_("Cluster title"),
    "status": N_("Status"),
    "status_rank": N_("Status rank"),
    "assessment": N_("Assessment"),
    "percent_complete": N_("% complete"),
    "lead_unit": N_("Lead unit"),
    "due_date": N_("Due date"),
    "overdue": N_("Overdue"),
    "days_overdue": N_("Days overdue"),
    "move": N_("Move"),
    "previous_status": N_("Previous status"),
    "summary": N_("Summary"),
    "next_steps": N_("Next steps"),
    "internal_notes": N_("Internal notes"),
    "reported_by": N_("Reported by"),
    "reported_on": N_("Reported on"),
    "text": N_("Action point text"),
    "count": N_("Count"),
    "total": N_("Total"),
    "share": N_("Share"),
    "figure": N_("Figure"),
    "this round": N_("This round"),
    "previous round": N_("Previous round"),
    "change": N_("Change"),
    "rating_before": N_("Previous rating"),
    "direction": N_("Direction"),
    "indicator_code": N_("Indicator"),
    "indicator": N_("Indicator"),
    "series_code": N_("Series"),
    "series_code_b": N_("Second series"),
    "series_key": N_("Series key"),
    "series_name": N_("Series name"),
    "country_iso3": N_("Country code"),
    "country_name": N_("Country"),
    "year": N_("Year"),
    "value": N_("Value"),
    "unit": N_("Unit"),
    "sex": N_("Sex"),
    "location": N_("Location"),
    "source": N_("Source"),
    "nature": N_("Nature"),
    "footnote": N_("Footnote"),
    "after_data_year": N_("After the data year"),
    "base_year": N_("Base year"),
    "base_value": N_("Base value"),
    "latest_year": N_("Latest year"),
    "latest_value": N_("Latest value"),
    "target_value": N_("2015 target"),
    "cagr": N_("Annual growth (CAGR)"),
    "directed_cagr": N_("Directed CAGR"),
    "required_cagr": N_("Required annual growth"),
    "ratio": N_("Ratio"),
    "rating": N_("Rating"),
    "arrow": N_("Arrow"),
    "method": N_("Method"),
    "n_points": N_("Values"),
    "target_ratio_2015": N_("2015 target ratio"),
    "desired_direction": N_("Desired direction"),
    "series": N_("Series"),
    "dimension": N_("Dimension"),
    "group_a": N_("Group A"),
    "group_b": N_("Group B"),
    "value_a": N_("Value A"),
    "value_b": N_("Value B"),
    "difference": N_("Difference"),
    "trend": N_("Gap trend"),
    "first_year": N_("First year"),
    "first_difference": N_("First difference"),
    "latest_difference": N_("Latest difference"),
    "first_ratio": N_("First ratio"),
    "latest_ratio": N_("Latest ratio"),
    "sign_reversed": N_("Sign reversed"),
    "values": N_("Values"),
    "female": N_("Female"),
    "male": N_("Male"),
    "rural": N_("Rural"),
    "urban": N_("Urban"),
    "by_sex": N_("By sex"),
    "by_location": N_("By location"),
    "countries": N_("Countries"),
    "countries_by_sex": N_("Countries by sex"),
    "countries_by_location": N_("Countries by location"),
    "code": N_("Code"),
    "rights_provisions": N_("Human rights provisions (indicative)"),
    "indicator_type": N_("Indicator type"),
    "target": N_("Target"),
    "quantified_target": N_("2015 target (quantified)"),
    "has_data": N_("Has data"),
    "id": N_("ID"),
    "received_on": N_("Received on"),
    "work_area": N_("Work area"),
    "requesting_body": N_("Requesting body"),
    "kind": N_("Kind"),
    "title": N_("Title"),
    "staff_member": N_("Staff member"),
    "hours": N_("Hours"),
    "completed_on": N_("Completed on"),
    "age_days": N_("Age (days)"),
    "age_bucket": N_("Age group (days)"),
    "month": N_("Month"),
    "items": N_("Items"),
    "capacity_hours": N_("Capacity (hours)"),
    "utilisation": N_("Utilisation"),
    "over_capacity": N_("Over capacity"),
    "completed_items": N_("Completed"),
    "median_days": N_("Median days"),
    "mean_days": N_("Mean days"),
    "max_days": N_("Longest (days)"),
    "group": N_("Group"),
    "hour_share": N_("Share of hours"),
    "agency": N_("Agency"),
    "type": N_("Type"),
    "start_date": N_("Start date"),
    "end_date": N_("End date"),
    "participants_trained": N_("People trained"),
    "advisers_deployed": N_("Advisers deployed"),
    "activities": N_("Activities"),
    "agencies": N_("Agencies"),
    "description": N_("Description"),
    "m49": N_("M49 code"),
    "training_activities": N_("Training activities"),
    "upload": N_("Upload"),
    "dataset": N_("Dataset"),
    "file name": N_("File name"),
    "uploaded by": N_("Uploaded by"),
    "uploaded at (UTC)": N_("Uploaded at (UTC)"),
    "new": N_("New"),
    "modified": N_("Modified"),
    "unchanged": N_("Unchanged"),
    "file kept": N_("File kept"),
    "row": N_("Row"),
    "column": N_("Column"),
    "what is wrong and how to fix it": N_("What is wrong and how to fix it"),
    "severity": N_("Severity"),
    "key": N_("Key"),
    "old value": N_("Old value"),
    "new value": N_("New value"),
    "required": N_("Required"),
    "allowed values": N_("Allowed values"),
    "username": N_("User name"),
    "email": N_("E-mail"),
    "role": N_("Role"),
    "active": N_("Active"),
    "failed_attempts": N_("Failed sign-ins"),
    "locked_until": N_("Locked until (UTC)"),
    "created_at": N_("Created at (UTC)"),
    "language": N_("Language"),
    "at": N_("Time (UTC)"),
    "actor": N_("By"),
    "action": N_("Action"),
    "detail": N_("Detail"),
}


def labelled(df: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A copy with the stored codes of ``columns`` (default: the :data:`CODE_COLUMNS` present) as labels.

    Values that are not known codes (free text, numbers, missing values) stay as they are.
    """
    cols = [c for c in (CODE_COLUMNS if columns is None else columns) if c in df.columns]
    if not cols:
        return df
    out = df.copy()
    for c in cols:
        out[c] = out[c].map(lambda v: i18n.label(v) if isinstance(v, str) else v)
    return out


def plain_dates(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose timestamp columns holding only dates (midnight) show as dates, not "… 00:00:00"."""
    cols = [
        c
        for c in df.columns
        if pd.api.types.is_datetime64_any_dtype(df[c])
        and df[c].dt.tz is None
        and (df[c].dropna() == df[c].dropna().dt.normalize()).all()
    ]
    if not cols:
        return df
    out = df.copy()
    for c in cols:
        out[c] = out[c].dt.date.astype(object).where(out[c].notna(), None)
    return out


def cluster_label(code: str, title: object) -> str:
    """A cluster's title in the current language when it is the plan's own title, else as stored."""
    text = str(title)
    return _(text) if CLUSTERS.get(code) == text else text


def localised_text(df: pd.DataFrame, column: str = "text", lang: str | None = None) -> pd.Series:
    """``column`` in ``lang`` where the data supplies it (a ``text_fr`` column, say), else as stored.

    The action point texts are those of the plan (English) unless a translation comes with the data.
    """
    lang = lang or i18n.get_language()
    own = df[column]
    given = f"{column}_{lang}"
    if lang == i18n.DEFAULT_LANGUAGE or given not in df.columns:
        return own
    translated = df[given]
    return translated.where(translated.notna() & (translated.astype(str).str.strip() != ""), own)


def localised_countries(names: pd.Series, lang: str | None = None) -> pd.Series:
    """Country names (indexed by ISO3) in ``lang`` where CLDR has them; English names are kept as stored."""
    lang = lang or i18n.get_language()
    if lang == i18n.DEFAULT_LANGUAGE:
        return names
    import pycountry

    territories = i18n.territories(lang)

    def name(iso3: str, stored: str) -> str:
        country = pycountry.countries.get(alpha_3=str(iso3))
        return territories.get(country.alpha_2, stored) if country is not None else stored

    return pd.Series([name(i, n) for i, n in names.items()], index=names.index, name=names.name)


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


def stale_sentence(stale: pd.DataFrame) -> str:
    """The stale-agency warning (metrics.stale_agencies) in words, shared by the page and the pack."""
    return (
        _("Not updated since an earlier round (stale):")
        + " "
        + "; ".join(
            _(
                "{agency}: last report {last}, {missed} round(s) missed",
                agency=s.agency,
                last=s.last_round or _("never"),
                missed=s.rounds_missed,
            )
            for s in stale.itertuples()
        )
    )
