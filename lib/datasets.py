"""The importable datasets: their columns, keys, vocabularies and templates.

One declaration per dataset drives everything that depends on its shape: the
validation schema, the template staff download, the CLI's export, and the
upsert's key. Pages and metrics read frames with exactly these column names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lib.i18n import N_

# --- Vocabularies --------------------------------------------------------------

STATUSES = ("not_started", "limited", "substantial", "completed")  # ordinal, low to high
ASSESSMENTS = ("on_track", "at_risk", "off_track")
SEXES = ("total", "female", "male")
LOCATIONS = ("total", "urban", "rural")
NATURES = ("C", "CA", "E", "G", "M", "N")
WORK_AREAS = ("rule_of_law", "mainstreaming", "mdgs", "action2", "peace_security", "other")
PLAN_WORK_AREAS = WORK_AREAS[:5]  # the five the plan names (paragraphs 83, 123, 153)
REQUESTING_BODIES = (
    "Security Council",
    "General Assembly",
    "ECOSOC",
    "Peacebuilding Commission",
    "Human Rights Council",
    "Secretary-General",
    "Executive Committee on Peace and Security",
    "UNDG",
    "DPKO",
    "DPA",
    "Other",
)
WORK_KINDS = ("meeting", "briefing", "written_input", "report", "consultation", "other")
WORK_STATUSES = ("open", "in_progress", "completed")
ACTIVITY_TYPES = (
    "training",
    "hr_adviser",
    "learning_package",
    "protection_system",
    "treaty_reporting",
    "other",
)
ACTIVITY_STATUSES = ("planned", "ongoing", "completed", "cancelled")
CLUSTERS = {
    "A": N_("Country engagement"),
    "B": N_("Leadership"),
    "C": N_("Partnership"),
    "D": N_("United Nations human rights bodies"),
    "E": N_("Management, staffing and planning"),
}

# Reference sets looked up in the database at validation time.
REF_ROUND = "round"
REF_ACTION_POINT = "action_point"
REF_COUNTRY = "country"
REF_AGENCY = "agency"
REF_INDICATOR = "indicator"
REF_ADDRESSEE = "addressee"  # a partner agency code or an OHCHR unit (OHCHR_UNITS)
REF_RECOMMENDATION = "recommendation"


@dataclass(frozen=True)
class Col:
    """One column of a dataset's CSV template."""

    name: str
    kind: str  # str / int / float / date / bool
    description: str
    example: str
    required: bool = True  # a value must be given in every row
    optional_column: bool = False  # the column may be left out of the file
    allowed: tuple[str, ...] | None = None
    ref: str | None = None
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    lower: bool = False  # compare and store in lower case (total/Total/TOTAL)
    pattern: str | None = None
    pattern_hint: str | None = None
    # A list of values in one cell, separated by ";": each value is checked against
    # allowed/ref/pattern/max_length; stored de-duplicated, sorted and joined by LIST_SEPARATOR.
    multiple: bool = False


@dataclass(frozen=True)
class RequiredWhen:
    """``column`` must be given when ``when`` holds one of ``values`` (a dropped status needs a reason)."""

    column: str
    when: str
    values: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class EmptyUnless:
    """``column`` must be empty unless ``when`` holds one of ``values``."""

    column: str
    when: str
    values: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class NotBefore:
    """``column`` must not sort before ``other`` (round ids and dates both sort in time order)."""

    column: str
    other: str
    message: str


@dataclass(frozen=True)
class MemberOf:
    """The value of ``column`` must be one of the values of the list column ``list_column``."""

    column: str
    list_column: str
    message: str


@dataclass(frozen=True)
class AtMostOne:
    """At most one of ``columns`` may be given in a row."""

    columns: tuple[str, ...]
    message: str


RowRule = RequiredWhen | EmptyUnless | NotBefore | MemberOf | AtMostOne


@dataclass(frozen=True)
class Dataset:
    """An importable dataset: a table, its key and its columns."""

    name: str
    table: str
    title: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Col, ...]
    # Columns of known layouts that carry no data of ours (e.g. country_name in
    # the tidy MDG file): accepted in a file and ignored.
    ignored_columns: tuple[str, ...] = field(default=())
    # Rules across the columns of a row, applied by lib.ingest after the column rules.
    rules: tuple[RowRule, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def col(self, name: str) -> Col:
        return next(c for c in self.columns if c.name == name)


ROUND_PATTERN = r"^\d{4}-H[12]$"
ILLUSTRATIVE = Col(
    "illustrative",
    "bool",
    N_("true when the row is generated illustrative data, not a real report"),
    "false",
    required=False,
    optional_column=True,
)

ROUNDS = Dataset(
    name="rounds",
    table="consultation_round",
    title=N_("Consultation rounds"),
    description=N_("The twice-yearly consultation rounds (paragraph 134 of the plan)."),
    key=("id",),
    columns=(
        Col(
            "id",
            "str",
            N_("round id, YYYY-H1 or YYYY-H2"),
            "2009-H1",
            pattern=ROUND_PATTERN,
            pattern_hint="YYYY-H1 or YYYY-H2, e.g. 2009-H1",
        ),
        Col("title", "str", N_("title of the consultation"), "First consultation of 2009", max_length=200),
        Col("meeting_date", "date", N_("date of the meeting (YYYY-MM-DD)"), "2009-05-15"),
        Col("cutoff_date", "date", N_("data cut-off date (YYYY-MM-DD)"), "2009-04-30"),
        ILLUSTRATIVE,
    ),
)

ACTION_POINTS = Dataset(
    name="action-points",
    table="progress_report",
    title=N_("Action point progress reports"),
    description=N_("Progress on each action point of section V of the plan, per round."),
    key=("round_id", "action_point_id"),
    columns=(
        Col("round_id", "str", N_("consultation round"), "2008-H2", ref=REF_ROUND),
        Col("action_point_id", "str", N_("action point (127a-127e, 128-158)"), "134", ref=REF_ACTION_POINT),
        Col("status", "str", N_("progress status (ordinal)"), "substantial", allowed=STATUSES, lower=True),
        Col("assessment", "str", N_("assessment of the trend"), "on_track", allowed=ASSESSMENTS, lower=True),
        Col(
            "self_assessment",
            "str",
            N_("the lead unit's own assessment, beside OHCHR's (assessment); may be empty"),
            "on_track",
            required=False,
            optional_column=True,
            allowed=ASSESSMENTS,
            lower=True,
        ),
        Col("percent_complete", "int", N_("percent complete, 0-100"), "60", min=0, max=100),
        Col(
            "lead_unit",
            "str",
            N_("OHCHR unit leading the action"),
            "Executive Direction and Management",
            max_length=200,
        ),
        Col("due_date", "date", N_("due date (YYYY-MM-DD), may be empty"), "2009-12-31", required=False),
        Col(
            "summary",
            "str",
            N_("short summary shown to all roles"),
            "Consultations held as planned.",
            max_length=4000,
        ),
        Col(
            "next_steps",
            "str",
            N_("next steps, may be empty"),
            "Prepare the next round.",
            required=False,
            max_length=4000,
        ),
        Col(
            "internal_notes",
            "str",
            N_("internal notes, not shown to partner agencies"),
            "",
            required=False,
            optional_column=True,
            max_length=4000,
        ),
        Col("reported_by", "str", N_("who reported"), "A. Officer", max_length=200),
        Col("reported_on", "date", N_("date of the report (YYYY-MM-DD)"), "2008-11-20"),
        ILLUSTRATIVE,
    ),
)

MDG = Dataset(
    name="mdg",
    table="observation",
    title=N_("MDG indicator observations"),
    description=(
        N_(
            "Millennium Development Goals data, one value per row (tidy). The UN MDG "
            "database's own export layout (one column per year) is accepted too."
        )
    ),
    key=("indicator_code", "series_code", "country_iso3", "year", "sex", "location", "source"),
    columns=(
        Col(
            "indicator_code", "str", N_("MDG indicator code of the 2008 framework"), "5.1", ref=REF_INDICATOR
        ),
        Col("series_code", "str", N_("series code (UN MDG database code or label)"), "553", max_length=120),
        Col("country_iso3", "str", N_("country, ISO 3166-1 alpha-3"), "AFG", ref=REF_COUNTRY),
        Col("year", "int", N_("year of the observation"), "2015", min=1950, max=2100),
        Col("value", "float", N_("the value (plain decimal, no thousands separator)"), "396"),
        Col("unit", "str", N_("unit of the value"), "per 100,000 live births", max_length=120),
        Col("sex", "str", N_("total, female or male"), "total", allowed=SEXES, lower=True),
        Col("location", "str", N_("total, urban or rural"), "total", allowed=LOCATIONS, lower=True),
        Col(
            "source",
            "str",
            N_("source (kept apart: sources are never merged)"),
            "UNSD MDG DB",
            max_length=120,
        ),
        Col(
            "nature",
            "str",
            N_(
                "UN nature code: C country, CA adjusted, E estimated, G global monitoring, M modelled, N non-relevant"
            ),
            "C",
            required=False,
            optional_column=True,
            allowed=NATURES,
        ),
        Col(
            "footnote",
            "str",
            N_("footnote, may be empty"),
            "",
            required=False,
            optional_column=True,
            max_length=500,
        ),
    ),
    ignored_columns=("goal", "target", "indicator_name", "country_name"),
)

NY_WORKLOAD = Dataset(
    name="ny-workload",
    table="work_item",
    title=N_("New York office workload"),
    description=N_("Requests handled by the New York office (paragraphs 83, 123 and 153)."),
    key=("id",),
    columns=(
        Col("id", "str", N_("work item id"), "NY-2009-001", max_length=32),
        Col("received_on", "date", N_("date received (YYYY-MM-DD)"), "2009-01-12"),
        Col("work_area", "str", N_("work area"), "rule_of_law", allowed=WORK_AREAS, lower=True),
        Col("requesting_body", "str", N_("requesting body"), "Security Council", allowed=REQUESTING_BODIES),
        Col("kind", "str", N_("kind of work"), "briefing", allowed=WORK_KINDS, lower=True),
        Col("title", "str", N_("short title"), "Briefing on rule of law", required=False, max_length=300),
        Col("staff_member", "str", N_("staff member handling it"), "NY officer 1", max_length=120),
        Col("hours", "float", N_("hours spent"), "6.5", min=0, max=2000),
        Col(
            "status",
            "str",
            N_("open, in_progress or completed"),
            "completed",
            allowed=WORK_STATUSES,
            lower=True,
        ),
        Col(
            "completed_on",
            "date",
            N_("date completed, required when completed"),
            "2009-01-20",
            required=False,
        ),
        ILLUSTRATIVE,
    ),
)

ACTION2 = Dataset(
    name="action2",
    table="action2_activity",
    title=N_("Action 2 activity"),
    description=N_(
        "Partner agencies' action 2 activities with UN country teams (paragraphs 107-109, 142-143)."
    ),
    key=("id",),
    columns=(
        Col("id", "str", N_("activity id"), "A2-2008-901", max_length=32),
        Col("agency", "str", N_("partner agency code"), "UNDP", ref=REF_AGENCY),
        Col("country_iso3", "str", N_("country, ISO 3166-1 alpha-3"), "NPL", ref=REF_COUNTRY),
        Col("type", "str", N_("type of activity"), "training", allowed=ACTIVITY_TYPES, lower=True),
        Col("start_date", "date", N_("start date (YYYY-MM-DD)"), "2008-09-01"),
        Col("end_date", "date", N_("end date, may be empty"), "2008-09-05", required=False),
        Col("participants_trained", "int", N_("people trained"), "25", min=0, max=1_000_000),
        Col("advisers_deployed", "int", N_("human rights advisers deployed"), "0", min=0, max=1000),
        Col(
            "status",
            "str",
            N_("planned, ongoing, completed or cancelled"),
            "completed",
            allowed=ACTIVITY_STATUSES,
            lower=True,
        ),
        Col("round_id", "str", N_("consultation round reported in"), "2008-H2", ref=REF_ROUND),
        Col(
            "description",
            "str",
            N_("short description"),
            "Training of the UN country team",
            required=False,
            max_length=1000,
        ),
        ILLUSTRATIVE,
    ),
)

# --- Recommendations of the consultations and their follow-up (paragraph 134) ------------

#: The OHCHR units a recommendation may be addressed to (beside the partner agencies).
OHCHR_UNITS = (
    "Administrative Section",
    "Capacity Building and Field Operations Branch",
    "Executive Direction and Management",
    "Field Operations and Technical Cooperation Division",
    "New York Office",
    "Research and Right to Development Branch",
    "Special Procedures Branch",
    "Treaties and Commission Branch",
)
#: A follow-up report's status: the action points' ordinal scale, or dropped (with a reason).
RECOMMENDATION_STATUSES = (*STATUSES, "dropped")
PRIORITIES = ("high", "medium", "low")
LIST_SEPARATOR = "; "
REC_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


def _natural_key(value: str) -> tuple:
    """Sort 8.2 before 8.16 and 139 before 1390: digit runs compare as numbers."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", value) if p)


def split_list(cell: str | None) -> list[str]:
    """The values of a list cell ("UNDP; UNICEF"), blanks dropped; [] for an empty cell."""
    if cell is None or (isinstance(cell, float) and cell != cell):
        return []
    return [v.strip() for v in str(cell).split(";") if v.strip()]


def join_list(values) -> str:
    """The stored form of a list cell: de-duplicated, in natural order, joined by LIST_SEPARATOR."""
    return LIST_SEPARATOR.join(sorted(set(values), key=_natural_key))


RECOMMENDATIONS = Dataset(
    name="recommendations",
    table="recommendation",
    title=N_("Recommendations of the consultations"),
    description=N_(
        "What each consultation recommended to the United Nations system (paragraph 134): "
        "addressees, related action points and MDG indicators, lead, due round or date and priority."
    ),
    key=("id",),
    columns=(
        Col(
            "id",
            "str",
            N_("recommendation id (letters, digits, '.', '_' or '-')"),
            "R-2008-H2-01",
            max_length=32,
            pattern=REC_ID_PATTERN,
            pattern_hint="letters, digits, '.', '_' or '-', e.g. R-2008-H2-01",
        ),
        Col("round_id", "str", N_("consultation round in which it was made"), "2008-H2", ref=REF_ROUND),
        Col(
            "text",
            "str",
            N_("the recommendation as agreed"),
            "Integrate human rights into the UNDP country programming guidance.",
            max_length=4000,
        ),
        Col(
            "text_fr",
            "str",
            N_("French text, may be empty"),
            "",
            required=False,
            optional_column=True,
            max_length=4000,
        ),
        Col(
            "text_es",
            "str",
            N_("Spanish text, may be empty"),
            "",
            required=False,
            optional_column=True,
            max_length=4000,
        ),
        Col(
            "addressees",
            "str",
            N_("one or more partner agency codes and/or OHCHR units, separated by semicolons"),
            "UNDP; Research and Right to Development Branch",
            ref=REF_ADDRESSEE,
            max_length=200,
            multiple=True,
        ),
        Col(
            "action_point_ids",
            "str",
            N_("related action points (127a-127e, 128-158), separated by semicolons; may be empty"),
            "139",
            required=False,
            ref=REF_ACTION_POINT,
            multiple=True,
        ),
        Col(
            "indicator_codes",
            "str",
            N_("related MDG indicator codes, separated by semicolons; may be empty"),
            "1.1; 8.16",
            required=False,
            ref=REF_INDICATOR,
            multiple=True,
        ),
        Col(
            "lead",
            "str",
            N_("the addressee who leads the follow-up (one of the addressees)"),
            "UNDP",
            ref=REF_ADDRESSEE,
            max_length=200,
        ),
        Col(
            "due_round",
            "str",
            N_("round by which it is due, may be empty (give a due round or a due date)"),
            "2008-H2",
            required=False,
            ref=REF_ROUND,
        ),
        Col("due_date", "date", N_("due date (YYYY-MM-DD), may be empty"), "", required=False),
        Col("priority", "str", N_("high, medium or low"), "high", allowed=PRIORITIES, lower=True),
        ILLUSTRATIVE,
    ),
    rules=(
        MemberOf("lead", "addressees", "The lead must be one of the addressees."),
        NotBefore("due_round", "round_id", "The due round is before the round in which it was made."),
        AtMostOne(("due_round", "due_date"), "Give a due round or a due date, not both."),
    ),
)

RECOMMENDATION_STATUS = Dataset(
    name="recommendation-status",
    table="recommendation_status",
    title=N_("Recommendation follow-up reports"),
    description=N_("Where each recommendation stands, reported per consultation round."),
    key=("recommendation_id", "round_id"),
    columns=(
        Col("recommendation_id", "str", N_("recommendation id"), "R-2008-H2-01", ref=REF_RECOMMENDATION),
        Col("round_id", "str", N_("consultation round reported for"), "2008-H2", ref=REF_ROUND),
        Col(
            "status",
            "str",
            N_("not_started, limited, substantial, completed (ordinal) or dropped"),
            "limited",
            allowed=RECOMMENDATION_STATUSES,
            lower=True,
        ),
        Col(
            "reason",
            "str",
            N_("why it was dropped: required when dropped, empty otherwise"),
            "",
            required=False,
            max_length=1000,
        ),
        Col(
            "note",
            "str",
            N_("note on the follow-up, may be empty"),
            "Guidance note in draft.",
            required=False,
            max_length=4000,
        ),
        Col("reported_by", "str", N_("who reported"), "Focal point, UNDP", max_length=200),
        Col("reported_on", "date", N_("date of the report (YYYY-MM-DD)"), "2008-11-20"),
        ILLUSTRATIVE,
    ),
    rules=(
        RequiredWhen("reason", "status", ("dropped",), "A dropped recommendation needs its reason."),
        EmptyUnless(
            "reason",
            "status",
            ("dropped",),
            "Only a dropped recommendation has a reason; put other remarks in the note.",
        ),
    ),
)

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (ROUNDS, ACTION_POINTS, MDG, NY_WORKLOAD, ACTION2, RECOMMENDATIONS, RECOMMENDATION_STATUS)
}


def get_dataset(name: str) -> Dataset:
    """The dataset called ``name``; a KeyError names the allowed ones."""
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(f"unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}") from None
