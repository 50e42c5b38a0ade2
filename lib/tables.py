"""What tables show on screen: column headers, stored codes as labels, dates, localised texts.

The frames and their downloads keep their column names and stored codes; :func:`labelled` and
:data:`COLUMN_LABELS` give what a table shows, in the language of the current run (lib.i18n).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from lib import i18n, reference
from lib.datasets import DATASETS
from lib.i18n import N_, _

# --- What tables show on screen (the frames and their downloads keep names and codes) ----------

#: Columns holding stored codes, shown through lib.i18n.label on screen.
CODE_COLUMNS = (
    "status",
    "previous_status",
    "assessment",
    "self_assessment",
    "priority",
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
    "recommendation_id": N_("Recommendation"),
    "addressees": N_("Addressees"),
    "reason": N_("Reason"),
    "note": N_("Note"),
    "action_point_id": N_("Action point"),
    "cluster": N_("Cluster"),
    "cluster_title": N_("Cluster title"),
    "status": N_("Status"),
    "status_rank": N_("Status rank"),
    "assessment": N_("Assessment"),
    "self_assessment": N_("Self-assessment"),
    "assessments_differ": N_("Assessments differ"),
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

    Values that are not known codes (free text, numbers, missing values) stay as they are. A
    ``source`` column shows the sources' short names (lib.reference.source_name), not the labels
    the data stores, and a ``dataset`` column the datasets' titles (:func:`dataset_title`).
    """
    cols = [c for c in (CODE_COLUMNS if columns is None else columns) if c in df.columns]
    sources = columns is None and "source" in df.columns
    datasets = columns is None and "dataset" in df.columns
    if not cols and not sources and not datasets:
        return df
    out = df.copy()
    for c in cols:
        out[c] = out[c].map(lambda v: i18n.label(v) if isinstance(v, str) else v)
    if sources:
        out["source"] = out["source"].map(lambda v: reference.source_name(v) if isinstance(v, str) else v)
    if datasets:
        out["dataset"] = out["dataset"].map(dataset_title)
    return out


def dataset_title(code: object) -> object:
    """A dataset's title in the current language ("New York office workload", not "ny-workload");
    anything that is not a dataset's code stays as it is."""
    spec = DATASETS.get(code) if isinstance(code, str) else None
    return _(spec.title) if spec is not None else code


def plain_dates(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose timestamp columns holding only dates (midnight) show as dates, not "… 00:00:00",
    empty dates as a dash, and times in UTC without "+00:00"."""
    aware = [c for c in df.columns if isinstance(df[c].dtype, pd.DatetimeTZDtype)]
    if aware:  # the headers say "(UTC)": times shown without a "+00:00" suffix
        df = df.copy()
        for c in aware:
            df[c] = df[c].dt.tz_convert("UTC").dt.tz_localize(None).dt.floor("s")
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
        if out[c].notna().all():
            out[c] = out[c].dt.date  # typed dates: the table sorts them as dates
        else:
            # An empty date shows as a dash, not Streamlit's "None" (in every language). The whole
            # column is then text (ISO dates sort in date order): dates mixed with a dash fail the
            # conversion to Arrow, and Streamlit logs a traceback at every draw of the table.
            out[c] = out[c].dt.strftime("%Y-%m-%d").where(out[c].notna(), "—")
    return out


def dash_empty_text(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose empty cells in text columns show as a dash, not Streamlit's "None" (a footnote
    nobody wrote, say). Only columns whose values are all text: a dash among numbers would fail
    the conversion to Arrow."""

    def text(col: pd.Series) -> bool:
        if isinstance(col.dtype, pd.StringDtype):
            return True
        return col.dtype == object and all(isinstance(v, str) for v in col.dropna())

    cols = [c for c in df.columns if df[c].isna().any() and text(df[c])]
    if not cols:
        return df
    out = df.copy()
    for c in cols:
        out[c] = out[c].astype(object).where(out[c].notna(), "—")
    return out


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
    territories = i18n.territories(lang)

    def name(iso3: str, stored: str) -> str:
        country = reference.pycountry_record(str(iso3), retired=False)
        return territories.get(country.alpha_2, stored) if country is not None else stored

    return pd.Series([name(i, n) for i, n in names.items()], index=names.index, name=names.name)


def country_labels(codes: pd.Series, lang: str | None = None) -> pd.Series:
    """Country names (in ``lang`` where CLDR has them) for a column of ISO3 codes; unknown codes as given."""

    def english(iso3: object) -> str:
        country = reference.pycountry_record(iso3)
        return (getattr(country, "common_name", None) or country.name) if country is not None else str(iso3)

    unique = pd.Series({c: english(c) for c in pd.unique(codes.astype(str))}, dtype=object)
    names = localised_countries(unique, lang)
    return codes.astype(str).map(names).rename(codes.name)


def column_labels(df: pd.DataFrame) -> dict[str, str]:
    """Headers for the frame's columns in the current language (st.dataframe's column_config).

    Every language, English too, shows :data:`COLUMN_LABELS`: a reader sees "Days overdue", not
    ``days_overdue``. A column without a label shows its name with underscores as spaces;
    every header starts with a capital. Only the CSV downloads and upload templates keep the data's column names.
    """
    return {str(c): header(str(c)) for c in df.columns}


def header(column: str) -> str:
    """The header a table shows for ``column``, translated."""
    if column in COLUMN_LABELS:
        return _(COLUMN_LABELS[column])
    if "_" in column:
        return column.replace("_", " ").strip().capitalize()
    # A header already in words ("organismo", from a page's own renaming) starts with a capital,
    # as every other header does; the rest stays as written ("SHA-256", "UNDP").
    return column[:1].upper() + column[1:]


# The data grid sizes a column to its values and cuts a longer header ("Punto de acció"): a column
# whose header is the wider gets the header's width. Conservative: a bold 14 px character at most,
# plus the grid's cell padding and the room its sort arrow and column menu take.
HEADER_CHAR_PX = 8.5
HEADER_PAD_PX = 48
CELL_CHAR_PX = 7.5
CELL_PAD_PX = 24
SAMPLED_ROWS = 500  # values measured per column: the grid itself measures only the first rows


def header_width(header: str) -> int:
    """Pixels a header needs to be read whole (sort arrow and menu included)."""
    return int(len(header) * HEADER_CHAR_PX + HEADER_PAD_PX)


def column_widths(shown: pd.DataFrame, headers: dict[str, str]) -> dict[str, int]:
    """The width of each column whose header is wider than its values (the others stay sized by
    the grid): ``shown`` as the table draws it, ``headers`` by column."""
    widths = {}
    for col, header in headers.items():
        if col not in shown.columns:
            continue
        values = shown[col].head(SAMPLED_ROWS).dropna().astype(str)
        content = int((values.str.len().max() if len(values) else 0) * CELL_CHAR_PX + CELL_PAD_PX)
        if header_width(header) > content:
            widths[col] = header_width(header)
    return widths
