"""What the import pipeline returns and raises: problems with a reason code, the parsed file,
the result of an import, and the one place that turns an exception into problems.

A :class:`Problem` carries a machine-readable :class:`Reason` (like pandera's
``SchemaErrorReason``) besides its words, so callers and tests can tell kinds of problems
apart without matching messages.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd

MB = 1024 * 1024  # the CLI's --max-mb and the limit shown to users
MAX_UPLOAD_BYTES = 50 * MB
MISSING_TOKENS = {"", "..", "-", "—", "NA", "N/A", "n/a"}
PREVIEW_LIMIT = 1000
BOOL_TRUE = {"true", "1", "yes", "y", "t", "vrai", "oui", "verdadero", "sí", "si"}  # Excel fr/es
BOOL_FALSE = {"false", "0", "no", "n", "f", "", "faux", "non", "falso"}
BOOKKEEPING = ("upload_id", "created_upload_id")
#: Bounds on the work of one check, whatever the file: its header's columns, the problems kept
#: (the others are only counted), and the characters of a cell quoted in a problem.
MAX_COLUMNS = 500
MAX_PROBLEMS = 1000
MAX_VALUE_SHOWN = 200
#: The template's example row starts with this mark: the importer refuses a row that does, so an
#: example left in a filled-in template can never be written (it looks like a real record).
EXAMPLE_MARK = "#"


class Reason(StrEnum):
    """Why a problem was raised (stable codes; the message says it in words)."""

    FILE = "file"  # size, encoding, emptiness, not a CSV
    LAYOUT = "layout"  # header, columns, row shape
    VALUE = "value"  # a cell that does not convert or breaks a value rule
    REQUIRED = "required"  # an empty required cell
    ROW = "row"  # a rule across the columns of a row
    DUPLICATE = "duplicate"  # two rows with the same key
    REFERENCE = "reference"  # an unknown code (series, country...)
    SKIPPED = "skipped"  # a row skipped with a warning


class ImportRejected(Exception):
    """Raised inside the transaction to roll it back; carries the problems."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].message if problems else "rejected")
        self.problems = problems


class StaleData(Exception):
    """The data changed between the preview and the confirmation."""


class RevertRefused(Exception):
    """The upload cannot be reverted (already reverted, or later uploads changed its rows)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, in plain words."""

    row: int | None
    column: str | None
    value: str | None
    message: str
    severity: str = "error"  # error (file rejected) / warning (row skipped, file imported)
    reason: Reason = field(default=Reason.VALUE, compare=False)  # a code; not part of equality

    def __post_init__(self) -> None:
        # The value is always short text: a cell quoted in a problem may be 40 MB long.
        if self.value is not None:
            v = self.value if isinstance(self.value, str) else str(self.value)
            if len(v) > MAX_VALUE_SHOWN:
                v = v[:MAX_VALUE_SHOWN] + f"... ({len(v):,} characters)"
            object.__setattr__(self, "value", v)

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "severity": self.severity,
        }


@dataclass
class Problems(list):
    """A list of problems that knows how many more were found than it keeps (``omitted``)."""

    omitted: int = 0

    def add_capped(self, total: int, problems: Iterable[Problem], limit: int = MAX_PROBLEMS) -> None:
        """Append the first of ``problems`` (``total`` of them) up to ``limit`` kept; count the rest."""
        room = max(limit - len(self), 0)
        taken = 0
        for p in itertools.islice(problems, room):
            self.append(p)
            taken += 1
        self.omitted += total - taken

    @classmethod
    def merge(cls, *parts: list[Problem], limit: int = MAX_PROBLEMS) -> Problems:
        """Problems of several stages in order; beyond ``limit``, errors are kept before warnings."""
        out = cls()
        every = [p for part in parts for p in part]
        if len(every) <= limit:
            out.extend(every)
        else:
            errors = [p for p in every if p.severity == "error"]
            out.add_capped(len(errors), iter(errors), limit)
            others = [p for p in every if p.severity != "error"]
            out.add_capped(len(others), iter(others), limit)
        out.omitted += sum(getattr(part, "omitted", 0) for part in parts)
        return out


@dataclass
class Parsed:
    """A file read into strings, with its layout and any problems."""

    frame: pd.DataFrame  # all str, index = file row number
    layout: str
    delimiter: str
    encoding: str
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import did (or, for a dry run or a rejected file, would do)."""

    dataset: str
    filename: str
    sha256: str
    ok: bool
    dry_run: bool
    rows: int = 0
    new: int = 0
    modified: int = 0
    unchanged: int = 0
    upload_id: int | None = None
    data_version: int | None = None
    layout: str | None = None
    problems: list[Problem] = field(default_factory=list)
    modified_preview: pd.DataFrame | None = None  # key, column, old, new
    source: str | None = None  # the source label an MDG file's values are stored under
    sample: pd.DataFrame | None = None  # the first rows as they will be stored
    elsewhere: pd.DataFrame | None = None  # MDG values already stored under another source

    @property
    def omitted(self) -> int:
        """How many problems were found beyond those kept."""
        return getattr(self.problems, "omitted", 0)

    @property
    def error_count(self) -> int:
        """Every error found (the kept ones and the others)."""
        return len(self.errors) + self.omitted

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def problems_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [p.as_dict() for p in self.problems], columns=["row", "column", "value", "message", "severity"]
        )

    def summary(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        if not self.ok:
            return f"{self.filename}: rejected, {self.error_count} problem(s); nothing was written."
        if not self.dry_run and self.upload_id is None:
            return (
                f"{self.filename}: {self.rows} rows, all unchanged (0 new, 0 modified); nothing was written."
            )
        return f"{self.filename}: {verb} {self.rows} rows: +{self.new} new, ~{self.modified} modified, ={self.unchanged} unchanged."


#: The exceptions a malformed file can raise from the readers (pandas, csv, pyarrow, openpyxl):
#: turned into a problem by :func:`problems_of`; anything else is a bug and propagates.
INPUT_ERRORS: tuple[type[BaseException], ...] = (
    ImportRejected,
    csv.Error,
    pd.errors.ParserError,
    UnicodeError,
    ValueError,
    OverflowError,
    IndexError,
    KeyError,
)


def problems_of(exc: BaseException) -> list[Problem]:
    """The problems to show for an exception raised while reading a file (the one place that says it)."""
    if isinstance(exc, ImportRejected):
        return exc.problems
    return [
        Problem(
            None,
            None,
            None,
            f"The file is not a readable CSV ({type(exc).__name__}). Save it again as 'CSV UTF-8' from the template.",
            reason=Reason.FILE,
        )
    ]
