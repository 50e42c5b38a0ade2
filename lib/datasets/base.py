"""What a dataset is made of: vocabularies, columns, row rules, list cells."""

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


@dataclass(frozen=True)
class AtMostValues:
    """The list column ``column`` may hold at most ``most`` values (the pack's countries fit a page)."""

    column: str
    most: int
    message: str


RowRule = RequiredWhen | EmptyUnless | NotBefore | MemberOf | AtMostOne | AtMostValues


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
