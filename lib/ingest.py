"""CSV import pipeline: decode -> sniff -> parse layout -> validate -> one transactional upsert.

Every stage is a function of its own; problems are returned as :class:`Problem`
rows (row, column, value, message) instead of being printed, so the CLI and the
upload page show the same thing. A file with any error changes nothing.

Row numbers are the file's line numbers with the header as row 1.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    MetaData,
    Table,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.sql import Select

from lib import reference
from lib.audit import audit
from lib.datasets import (
    MDG,
    AtMostOne,
    Col,
    Dataset,
    EmptyUnless,
    MemberOf,
    NotBefore,
    RequiredWhen,
    RowRule,
    get_dataset,
    join_list,
    split_list,
)
from lib.db import bump_data_version, get_data_version, is_sqlite, writer
from lib.models import DataVersion, Observation, ObservationSummary, SQLModel, Upload
from lib.models import Revision as RevisionModel

if TYPE_CHECKING:  # pandera is imported when a schema is built, not with this module
    import pandera.pandas as pa

MB = 1024 * 1024  # the CLI's --max-mb and the limit shown to users
MAX_UPLOAD_BYTES = 50 * MB
MISSING_TOKENS = {"", "..", "-", "—", "NA", "N/A", "n/a"}
PREVIEW_LIMIT = 1000
BOOL_TRUE = {"true", "1", "yes", "y", "t"}
BOOL_FALSE = {"false", "0", "no", "n", "f", ""}
BOOKKEEPING = ("upload_id", "created_upload_id")


class ImportRejected(Exception):
    """Raised inside the transaction to roll it back; carries the problems."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].message if problems else "rejected")
        self.problems = problems


class StaleData(Exception):
    """The data changed between the preview and the confirmation."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, in plain words."""

    row: int | None
    column: str | None
    value: str | None
    message: str
    severity: str = "error"  # error (file rejected) / warning (row skipped, file imported)

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "severity": self.severity,
        }


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
            return f"{self.filename}: rejected, {len(self.errors)} problem(s); nothing was written."
        if not self.dry_run and self.upload_id is None:
            return (
                f"{self.filename}: {self.rows} rows, all unchanged (0 new, 0 modified); nothing was written."
            )
        return f"{self.filename}: {verb} {self.rows} rows: +{self.new} new, ~{self.modified} modified, ={self.unchanged} unchanged."


# --- Stage 1: decode -----------------------------------------------------------------


def _size_text(n: int) -> str:
    """50 MB (52,428,800 bytes); small sizes in bytes only."""
    return f"{n / MB:g} MB ({n:,} bytes)" if n >= MB else f"{n:,} bytes"


def decode(raw: bytes, max_bytes: int | None = MAX_UPLOAD_BYTES) -> tuple[str, str]:
    """Bytes to text: UTF-8 (with or without BOM), else Windows-1252. Returns (text, encoding)."""
    if max_bytes is not None and len(raw) > max_bytes:
        raise ImportRejected(
            [
                Problem(
                    None,
                    None,
                    f"{len(raw):,} bytes",
                    f"The file is larger than the limit of {_size_text(max_bytes)}. Split it into smaller files.",
                )
            ]
        )
    if not raw.strip():
        raise ImportRejected(
            [Problem(None, None, None, "The file is empty. Upload a CSV with a header row.")]
        )
    if b"\x00" in raw:
        # UTF-16 files and binaries (xlsx, zip) contain NULs: a CSV never does.
        raise ImportRejected(
            [
                Problem(
                    None,
                    None,
                    None,
                    "The file contains NUL bytes: it is not a text CSV (is it an Excel file or UTF-16?). "
                    "Save it as 'CSV UTF-8'.",
                )
            ]
        )
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = raw.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            raise ImportRejected(
                [
                    Problem(
                        None,
                        None,
                        f"byte 0x{raw[exc.start]:02x} at offset {exc.start}",
                        "The file is neither UTF-8 nor Windows-1252 text. Save it as 'CSV UTF-8'.",
                    )
                ]
            ) from None
    if not text.strip():
        # A byte-order mark and blanks only.
        raise ImportRejected(
            [Problem(None, None, None, "The file is empty. Upload a CSV with a header row.")]
        )
    return text, encoding


# --- Stage 2: sniff the delimiter ---------------------------------------------------------


def _first_line(text: str) -> str:
    """The text up to the first newline (without copying the rest, which may be 100 MB)."""
    end = text.find("\n")
    return text if end < 0 else text[:end]


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: comma, semicolon or tab (most frequent outside quotes)."""
    header = _first_line(text).lstrip("\ufeff")
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


# --- Stage 3: parse the layout ------------------------------------------------------------

UN_WIDE_FIRST = ["countrycode", "country", "seriescode"]
YEAR_RE = re.compile(r"^\d{4}$")


def is_missing(cell: str) -> bool:
    return cell.strip() in MISSING_TOKENS


def parse(
    text: str, dataset: Dataset, *, source: str | None = None, series: pd.DataFrame | None = None
) -> Parsed:
    """Read the text into a frame of strings in the dataset's template columns.

    ``series`` is the series catalogue (code, indicator_code, name, unit) that maps
    the UN export's series codes to indicators; ``source`` labels its values.
    """
    if not _first_line(text).strip():
        raise ImportRejected(
            [
                Problem(
                    1,
                    None,
                    None,
                    "The first line is empty: the file must start with the header row. Remove the blank lines above it.",
                )
            ]
        )
    delimiter = sniff_delimiter(text)
    first = [h.strip().lower() for h in next(csv.reader(io.StringIO(_first_line(text)), delimiter=delimiter))]
    if dataset.name == MDG.name and first[:3] == UN_WIDE_FIRST:
        return _parse_un_wide(text, delimiter, source, series if series is not None else pd.DataFrame())
    return _parse_template(text, dataset, delimiter, len(first))


FIELDS_RE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _read_pandas(text: str, delimiter: str) -> pd.DataFrame:
    """Every row of the file, the header included, as strings (pandas' reader)."""
    # header=None: pandas then rejects every row with more values than the header
    # (with a header it would silently take the first column as the index), and
    # keeps duplicate names as they are; blank lines are kept so that the index
    # is the row number, then dropped.
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            skipinitialspace=False,
            index_col=False,
        )
    except (pd.errors.ParserError, csv.Error) as exc:
        m = FIELDS_RE.search(str(exc))
        if m:
            want, line, saw = (int(g) for g in m.groups())
            msg = (
                f"Row {line} has {saw} values but the header has {want} columns. "
                "Put values that contain the delimiter in double quotes."
            )
            raise ImportRejected([Problem(line, None, None, msg)]) from None
        raise ImportRejected([Problem(None, None, None, f"The file is not a readable CSV: {exc}")]) from None


def _read_arrow(text: str, delimiter: str, ncols: int) -> pd.DataFrame | None:
    """The same as :func:`_read_pandas`, four times faster, for the regular files most are.

    Arrow's reader agrees with pandas' on the cells of a well-formed file; it
    only differs on what this declines: blank lines (pandas keeps them, for the
    row numbers), rows with fewer or more values than the header, unterminated
    quotes, a header of another width than ``ncols``. None for those, and pandas
    reads the file (and names the problem).
    """
    if ncols < 1 or "\n\n" in text or "\n\r\n" in text or "\r\r" in text:
        return None
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow ships with pandas 3
        return None
    names = [f"f{i}" for i in range(ncols)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),  # pandas' own string layout
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if table.num_columns != ncols or any(t != pa.large_string() for t in table.schema.types):
        return None
    return pd.DataFrame({i: pd.array(table.column(i), dtype="str") for i in range(ncols)})


def _parse_template(text: str, dataset: Dataset, delimiter: str, ncols: int = 0) -> Parsed:
    """The tidy layout: a header naming the template's columns, one row per record.

    ``ncols`` is the number of names in the header line (when known, the fast reader is tried).
    """
    df = _read_arrow(text, delimiter, ncols)
    if df is None:
        df = _read_pandas(text, delimiter)
    header = [str(c).strip().lower() for c in df.iloc[0]]
    df = df.iloc[1:]
    df.columns = header
    problems: list[Problem] = []
    expected = dataset.column_names
    missing = [c.name for c in dataset.columns if c.name not in header and not c.optional_column]
    extra = list(dict.fromkeys(c for c in header if c not in expected and c not in dataset.ignored_columns))
    dupes = sorted({c for c in header if c and header.count(c) > 1})
    for c in missing:
        problems.append(
            Problem(1, c, None, f"Column '{c}' is missing. The header must be: {', '.join(expected)}.")
        )
    for c in extra:
        if not c:
            msg = "A column has no name in the header (a trailing delimiter?). Remove the empty column."
        else:
            msg = f"Column '{c}' is not part of the {dataset.name} template. Allowed columns: {', '.join(expected)}."
        problems.append(Problem(1, c or None, None, msg))
    for c in dupes:
        problems.append(Problem(1, c, None, f"Column '{c}' appears more than once in the header."))
    if problems:
        raise ImportRejected(problems)
    df.index = pd.RangeIndex(2, 2 + len(df))
    maybe = df.iloc[:, 0].str.strip().eq("")  # only rows that start empty can be blank
    if maybe.any():
        blank = df[maybe].apply(lambda s: s.str.strip().eq("")).all(axis=1)
        df = df.drop(index=blank.index[blank.to_numpy()])
    if df.empty:
        raise ImportRejected([Problem(None, None, None, "The file has a header but no data rows.")])
    for c in dataset.columns:
        if c.name not in df.columns:
            df[c.name] = ""
    df = df[expected]
    return Parsed(df, "template", delimiter, "")


def _parse_un_wide(text: str, delimiter: str, source: str | None, catalogue: pd.DataFrame) -> Parsed:
    """The UN MDG database export: one column per year, optionally with Footnotes and Type."""
    # The legend block follows the first blank line.
    lines = text.splitlines()
    blank = next((i for i, ln in enumerate(lines) if not ln.strip().strip(delimiter).strip()), len(lines))
    reader = csv.reader(io.StringIO("\n".join(lines[:blank])), delimiter=delimiter)
    header = [h.strip() for h in next(reader)]
    low = [h.lower() for h in header]
    try:
        i_code, i_country, i_series = low.index("countrycode"), low.index("country"), low.index("seriescode")
    except ValueError:
        raise ImportRejected(
            [Problem(1, None, None, "The UN export header must have CountryCode, Country and SeriesCode.")]
        ) from None
    years: list[tuple[int, int, int | None, int | None]] = []  # (year, col, footnote col, type col)
    for i, h in enumerate(header):
        if YEAR_RE.match(h):
            fn = i + 1 if i + 1 < len(header) and low[i + 1].startswith("footnotes") else None
            ty = None
            if fn is not None and fn + 1 < len(header) and low[fn + 1].startswith("type"):
                ty = fn + 1
            years.append((int(h), i, fn, ty))
    if not years:
        raise ImportRejected(
            [Problem(1, None, None, "No year columns (1990, 1991, ...) were found in the header.")]
        )

    series = {str(r.code): r for r in catalogue.itertuples()}
    m49 = reference.m49_to_iso3()
    src = source or "UNSD MDG DB"  # the caller derives a vintage label (see default_source)
    out: list[dict] = []
    problems: list[Problem] = []
    seen_rows = 0
    for rownum, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        seen_rows += 1
        if len(row) < len(header):
            row = row + [""] * (len(header) - len(row))
        code = row[i_code].strip()
        scode = row[i_series].strip()
        try:
            m = int(code)
        except ValueError:
            problems.append(
                Problem(
                    rownum,
                    "CountryCode",
                    code,
                    "The country code must be a UN M49 number (e.g. 4 for Afghanistan).",
                )
            )
            continue
        iso3 = m49.get(m)
        if iso3 is None:
            why = (
                f"{reference.NO_ISO3_M49[m]} has no ISO 3166 code; its rows were skipped"
                if m in reference.NO_ISO3_M49
                else f"M49 code {m} ({row[i_country].strip()}) is not a country (a region or aggregate?); its rows were skipped"
            )
            problems.append(Problem(rownum, "CountryCode", code, why + ".", "warning"))
            continue
        s = series.get(scode)
        if s is None:
            problems.append(
                Problem(
                    rownum,
                    "SeriesCode",
                    scode,
                    f"Unknown UN series code. Known codes: {', '.join(sorted(series)) or '(none loaded)'}.",
                )
            )
            continue
        for year, col, fn, ty in years:
            cell = row[col]
            if is_missing(cell):
                continue
            out.append(
                {
                    "_row": rownum,
                    "indicator_code": s.indicator_code,
                    "series_code": scode,
                    "country_iso3": iso3,
                    "year": str(year),
                    "value": cell.strip(),
                    "unit": s.unit or "",
                    "sex": "total",
                    "location": "total",
                    "source": src,
                    "nature": row[ty].strip() if ty is not None and not is_missing(row[ty]) else "",
                    "footnote": row[fn].strip() if fn is not None and not is_missing(row[fn]) else "",
                }
            )
    if seen_rows == 0:
        raise ImportRejected([Problem(None, None, None, "The file has a header but no data rows.")])
    if any(p.severity == "error" for p in problems):
        raise ImportRejected(problems)
    df = pd.DataFrame(out, columns=["_row", *MDG.column_names])
    if df.empty:
        raise ImportRejected(
            problems + [Problem(None, None, None, "The file holds no values (every cell is empty).")]
        )
    df.index = pd.Index(df.pop("_row").to_numpy())
    return Parsed(df, "un_wide", delimiter, "", problems)


# --- Stage 4: validate -------------------------------------------------------------------


def _allowed_text(values: set[str] | tuple[str, ...], limit: int = 36) -> str:
    # 36: the action points and a recommendation's possible addressees are named in full.
    vals = sorted(values) if isinstance(values, set) else list(values)
    if len(vals) <= limit:
        return ", ".join(vals)
    return ", ".join(vals[:limit]) + f", ... ({len(vals)} in all; see the template)"


def _to_float(s: pd.Series) -> pd.Series:
    """Text to float64, NaN where a cell is empty or not a number.

    Arrow's parser reads a clean column 25 times faster than ``pd.to_numeric``
    and agrees with it on every number it accepts; a column with any cell it
    rejects goes through ``pd.to_numeric`` to find which.
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        values = pc.cast(pa.array(s.array), pa.float64()).to_numpy(zero_copy_only=False)
        return pd.Series(values, index=s.index, dtype="float64")
    except (ImportError, TypeError, ValueError, NotImplementedError):  # ArrowInvalid is a ValueError
        return pd.to_numeric(s, errors="coerce").astype("float64")


def _coerce(df: pd.DataFrame, dataset: Dataset) -> tuple[pd.DataFrame, list[Problem]]:
    """Strings to typed columns; cells that do not convert become problems."""
    out = pd.DataFrame(index=df.index)
    problems: list[Problem] = []
    for c in dataset.columns:
        s = df[c.name].fillna("").astype(str).str.strip()
        blank = s.isin(MISSING_TOKENS) if c.kind in ("int", "float", "date") else s.eq("")
        if c.kind == "str":
            v = s.str.lower() if c.lower else s
            if c.multiple:
                # One stored form per set of values, whatever the order or spacing in the file.
                v = v.map(lambda cell: join_list(split_list(cell)))
                blank = v.eq("")
            # object first: pandas' string dtype would turn None into NaN.
            out[c.name] = v.astype(object).where(~blank, None)
            continue
        if c.kind == "bool":
            low = s.str.lower()
            bad = ~low.isin(BOOL_TRUE | BOOL_FALSE)
            out[c.name] = low.isin(BOOL_TRUE)
            msg = "must be true or false"
        elif c.kind in ("int", "float"):
            num = _to_float(s.where(~blank))
            bad = num.isna() & ~blank
            if c.kind == "int":
                # inf, 1e400 or 20 digits: no int64 holds them, and no int column allows them.
                huge = num.abs() >= 2.0**53
                for idx in s.index[huge.to_numpy()]:
                    problems.append(Problem(int(idx), c.name, s.at[idx], f"'{c.name}' {_range_text(c)}."))
                frac = num.notna() & ~huge & (num != num.round())
                bad = bad | frac
                out[c.name] = num.where(~(bad | huge)).astype("Int64")
                msg = "must be a whole number (e.g. 42)"
            else:
                out[c.name] = num.astype("float64")
                msg = "must be a number with a point for decimals and no thousands separator (e.g. 1234.5)"
        elif c.kind == "date":
            d = pd.to_datetime(s.where(~blank), format="%Y-%m-%d", errors="coerce")
            bad = d.isna() & ~blank
            out[c.name] = d
            msg = "must be a date written YYYY-MM-DD (e.g. 2008-11-20)"
        else:  # pragma: no cover - a programming error in datasets.py
            raise ValueError(c.kind)
        for idx in s.index[bad.to_numpy()]:
            problems.append(Problem(int(idx), c.name, s.at[idx], f"'{c.name}' {msg}."))
    return out, problems


def _range_text(c: Col) -> str:
    """``is out of range; it must be between lo and hi`` for a numeric column."""
    lo = c.min if c.min is not None else -math.inf
    hi = c.max if c.max is not None else math.inf
    return f"is out of range; it must be between {lo:g} and {hi:g}"


Rule = tuple[Callable[[pd.Series], pd.Series], str]


def _lengths(s: pd.Series) -> pd.Series:
    """The lengths of a column of strings (``map(len)`` in C: ten times ``.str.len()`` on objects)."""
    return pd.Series(np.fromiter(map(len, s.to_numpy()), dtype=np.int64, count=len(s)), index=s.index)


def _value_rules(c: Col, refs: dict[str, set[str]]) -> list[Rule]:
    """A column's value rules: (test of the non-empty cells, True where valid; error text)."""
    rules: list[Rule] = []
    if c.allowed is not None:
        allowed = list(c.allowed)
        rules.append((lambda s: s.isin(allowed), f"is not allowed; use one of: {_allowed_text(c.allowed)}"))
    if c.ref is not None:
        known = refs.get(c.ref, set())
        codes = sorted(known)
        rules.append((lambda s: s.isin(codes), f"is unknown; use one of: {_allowed_text(known)}"))
    if c.min is not None or c.max is not None:
        lo = c.min if c.min is not None else -math.inf
        hi = c.max if c.max is not None else math.inf
        rules.append((lambda s: (s >= lo) & (s <= hi), _range_text(c)))
    if c.kind == "float":
        rules.append((lambda s: s.abs() != math.inf, "must be a finite number"))
    if c.pattern:
        pattern = c.pattern
        rules.append(
            (lambda s: s.str.match(pattern), f"is not in the right form; write it as {c.pattern_hint}")
        )
    if c.max_length:
        n = c.max_length
        rules.append((lambda s: _lengths(s) <= n, f"is longer than {n} characters"))
    return rules


def _check_values(
    typed: pd.DataFrame, dataset: Dataset, refs: dict[str, set[str]], unreadable: set[tuple[int, str]]
) -> list[Problem]:
    """Required cells and value rules, column by column (cells in ``unreadable`` are not "required")."""
    problems: list[Problem] = []
    for c in dataset.columns:
        col = typed[c.name]
        null = col.isna().to_numpy(dtype=bool)
        if c.required and null.any():
            for idx in typed.index[null]:
                if (int(idx), c.name) not in unreadable:
                    problems.append(
                        Problem(int(idx), c.name, None, f"'{c.name}' is required; this row leaves it empty.")
                    )
        rules = _value_rules(c, refs)
        if not rules:
            continue
        s = col[~null] if null.any() else col
        if c.multiple:
            s = s.map(split_list).explode()  # each value of a list checked (the index repeats)
        for test, error in rules:
            bad = ~pd.array(test(s), dtype="boolean").to_numpy(dtype=bool, na_value=False)
            if bad.any():
                for idx, v in zip(s.index[bad], s.to_numpy()[bad], strict=True):
                    val = str(v)
                    problems.append(Problem(int(idx), c.name, val, f"'{c.name}' value {val!r} {error}."))
    return problems


def build_schema(dataset: Dataset, refs: dict[str, set[str]]) -> pa.DataFrameSchema:
    """The same value rules as a pandera schema (for other tools; :func:`validate` applies them directly)."""
    import pandera.pandas as pa

    def each(test: Callable[[pd.Series], pd.Series]) -> Callable[[pd.Series], pd.Series]:
        # A list cell passes when every one of its values does.
        return lambda s: s.map(lambda cell: bool(test(pd.Series(split_list(cell), dtype=object)).all()))

    return pa.DataFrameSchema(
        {
            c.name: pa.Column(
                checks=[
                    pa.Check(each(test) if c.multiple else test, element_wise=False, error=error)
                    for test, error in _value_rules(c, refs)
                ],
                nullable=not c.required,
                coerce=False,
            )
            for c in dataset.columns
        },
        strict=False,
    )


def _row_rules(df: pd.DataFrame, dataset: Dataset) -> list[Problem]:
    """Rules across columns of a row."""
    problems: list[Problem] = []

    def flag(mask: pd.Series, col: str, msg: str) -> None:
        for idx in df.index[mask.fillna(False).to_numpy(dtype=bool)]:
            v = df.at[idx, col]
            problems.append(Problem(int(idx), col, None if pd.isna(v) else str(v)[:10], msg))

    if dataset.name == "rounds":
        flag(
            df["cutoff_date"] > df["meeting_date"],
            "cutoff_date",
            "The data cut-off date must not be after the meeting date.",
        )
    elif dataset.name == "ny-workload":
        done = df["status"].eq("completed")
        flag(
            done & df["completed_on"].isna(),
            "completed_on",
            "A completed item needs its completion date (completed_on).",
        )
        flag(
            ~done & df["completed_on"].notna(),
            "completed_on",
            "Only completed items have a completion date; clear it or set status to completed.",
        )
        flag(
            df["completed_on"] < df["received_on"],
            "completed_on",
            "The completion date is before the date received.",
        )
    elif dataset.name == "action2":
        flag(df["end_date"] < df["start_date"], "end_date", "The end date is before the start date.")
    for rule in dataset.rules:
        flag(*_rule_mask(df, rule))
    return problems


def _rule_mask(df: pd.DataFrame, rule: RowRule) -> tuple[pd.Series, str, str]:
    """(rows breaking a declared row rule, the column to report, the message)."""
    if isinstance(rule, RequiredWhen):
        return df[rule.when].isin(rule.values) & df[rule.column].isna(), rule.column, rule.message
    if isinstance(rule, EmptyUnless):
        return ~df[rule.when].isin(rule.values) & df[rule.column].notna(), rule.column, rule.message
    if isinstance(rule, NotBefore):
        given = df[rule.column].notna() & df[rule.other].notna()
        before = pd.Series(False, index=df.index)
        before[given] = (df.loc[given, rule.column] < df.loc[given, rule.other]).to_numpy(dtype=bool)
        return before, rule.column, rule.message
    if isinstance(rule, MemberOf):
        inside = [
            v is None or v in split_list(lst)
            for v, lst in zip(df[rule.column], df[rule.list_column], strict=True)
        ]
        return pd.Series(inside, index=df.index).eq(False), rule.column, rule.message
    if isinstance(rule, AtMostOne):
        return df[list(rule.columns)].notna().sum(axis=1).gt(1), rule.columns[-1], rule.message
    raise TypeError(rule)  # pragma: no cover - a programming error in datasets.py


def validate(
    parsed: Parsed, dataset: Dataset, refs: dict[str, set[str]]
) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed frame and every problem found (coercion, schema, row rules, duplicate keys)."""
    typed, problems = _coerce(parsed.frame, dataset)
    unreadable = {(p.row, p.column) for p in problems}  # not also reported as "required"
    problems += _check_values(typed, dataset, refs, unreadable)
    problems += _row_rules(typed, dataset)
    dup = typed.duplicated(list(dataset.key), keep=False)
    if dup.any():
        first_of: dict[tuple, int] = {}
        for idx, key in zip(
            typed.index[dup], typed.loc[dup, list(dataset.key)].itertuples(index=False), strict=True
        ):
            k = tuple(key)
            if k in first_of:
                problems.append(
                    Problem(
                        int(idx),
                        ",".join(dataset.key),
                        " / ".join(map(str, k)),
                        f"Duplicate key: the same {', '.join(dataset.key)} as row {first_of[k]}. Keep one of them.",
                    )
                )
            else:
                first_of[k] = int(idx)
    problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return typed, problems


# --- Stage 5: upsert ------------------------------------------------------------------------


def _target(dataset: Dataset) -> Table:
    return SQLModel.metadata.tables[dataset.table]


def _temp_table(conn: Connection, name: str, columns: Iterable[Column]) -> Table:
    """A new, empty temporary table of this transaction (PostgreSQL drops it at commit; callers
    drop it when done, which SQLite needs)."""
    kw = {} if is_sqlite(conn) else {"postgresql_on_commit": "DROP"}
    t = Table(name, MetaData(), *columns, prefixes=["TEMPORARY"], **kw)
    t.drop(conn, checkfirst=True)
    t.create(conn)
    return t


def _staging(dataset: Dataset, conn: Connection) -> Table:
    """A temporary table with the dataset's columns (dropped at the end of the import)."""
    target = _target(dataset)
    cols = [Column(c.name, target.c[c.name].type) for c in dataset.columns]
    return _temp_table(conn, f"staging_{dataset.table}", cols)


def _python_rows(df: pd.DataFrame, dataset: Dataset) -> Iterable[tuple]:
    """Tuples in column order with None for missing and python dates (the drivers' fast path).

    A text column that may be left empty but is NOT NULL in the table (a work
    item's title) gets "" instead of None.
    """
    target = _target(dataset)
    cols = []
    for c in dataset.columns:
        s = df[c.name]
        if c.kind in ("int", "float") and not s.isna().any():
            cols.append(s.to_numpy(dtype="int64" if c.kind == "int" else "float64").tolist())
        elif c.kind == "date":
            cols.append(s.dt.date.astype(object).where(s.notna(), None).tolist())
        elif c.kind in ("int", "float"):
            cols.append(s.astype(object).where(s.notna(), None).tolist())
        elif c.kind == "bool":
            cols.append(s.astype(bool).tolist())
        else:
            vals = s.tolist()
            if not c.required and not target.c[c.name].nullable and s.isna().any():
                vals = ["" if v is None else v for v in vals]
            cols.append(vals)
    return zip(*cols, strict=True)


def _fill_staging(conn: Connection, staging: Table, rows: Iterable[tuple]) -> None:
    names = [c.name for c in staging.columns]
    raw = conn.connection.driver_connection
    if is_sqlite(conn):
        stmt = str(staging.insert().compile(dialect=conn.dialect))  # INSERT ... VALUES (?, ?, ...)
        cur = raw.cursor()
        cur.executemany(stmt, rows)
        cur.close()
        return
    from psycopg import sql

    copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(staging.name), sql.SQL(", ").join(map(sql.Identifier, names))
    )
    with raw.cursor() as cur, cur.copy(copy_sql) as cp:
        for r in rows:
            cp.write_row(r)


def _value_cols(dataset: Dataset) -> list[str]:
    return [c for c in dataset.column_names if c not in dataset.key]


def _differs(target: Table, staging: Table, dataset: Dataset):
    return or_(*[target.c[c].is_distinct_from(staging.c[c]) for c in _value_cols(dataset)])


def _key_match(target: Table, staging: Table, dataset: Dataset):
    return and_(*[target.c[k] == staging.c[k] for k in dataset.key])


def _counts(conn: Connection, target: Table, staging: Table, dataset: Dataset) -> tuple[int, int, int]:
    """(new, modified, unchanged) rows of the staging table, in one pass."""
    matched = target.c[dataset.key[0]].is_not(None)
    total, n_matched, modified = conn.execute(
        select(
            func.count(),
            func.count(case((matched, 1))),
            func.count(case((and_(matched, _differs(target, staging, dataset)), 1))),
        ).select_from(staging.outerjoin(target, _key_match(target, staging, dataset)))
    ).one()
    return total - n_matched, modified, n_matched - modified


def _modified_preview(
    conn: Connection, target: Table, staging: Table, dataset: Dataset, limit: int
) -> pd.DataFrame:
    """Modified rows as (key, column, old, new): one line per changed cell."""
    vcols = _value_cols(dataset)
    q = (
        select(
            *[staging.c[k] for k in dataset.key],
            *[target.c[c].label(f"old__{c}") for c in vcols],
            *[staging.c[c].label(f"new__{c}") for c in vcols],
        )
        .select_from(staging.join(target, _key_match(target, staging, dataset)))
        .where(_differs(target, staging, dataset))
        .limit(limit)
    )
    lines = []
    for r in conn.execute(q).mappings():
        key = " / ".join(str(r[k]) for k in dataset.key)
        for c in vcols:
            old, new = r[f"old__{c}"], r[f"new__{c}"]
            if old != new and not (old is None and new is None):
                lines.append({"key": key, "column": c, "old": old, "new": new})
    return pd.DataFrame(lines, columns=["key", "column", "old", "new"])


def _json_default(v):
    if isinstance(v, datetime | date):
        return v.isoformat()
    raise TypeError(type(v))


def _apply(
    conn: Connection,
    target: Table,
    staging: Table,
    dataset: Dataset,
    upload_id: int,
    counts: tuple[int, int, int] | None = None,
) -> None:
    """Record the old values of modified rows, update them, insert the new ones.

    ``counts`` (new, modified, unchanged) from :func:`_counts` lets it skip the
    statements that have nothing to do.
    """
    new, modified, unchanged = counts if counts is not None else (None, None, None)
    match = _key_match(target, staging, dataset)
    if modified != 0:
        _apply_modified(conn, target, staging, dataset, upload_id, match)
    if new == 0:
        return
    cols = dataset.column_names
    new_rows = select(*[staging.c[c] for c in cols], literal(upload_id), literal(upload_id))
    if modified != 0 or unchanged != 0:
        new_rows = new_rows.where(~exists().where(match))
    conn.execute(insert(target).from_select([*cols, *BOOKKEEPING], new_rows))


def _apply_modified(
    conn: Connection, target: Table, staging: Table, dataset: Dataset, upload_id: int, match
) -> None:
    """Save the old values of the rows the staging table changes (for revert), then update them."""
    old_rows = conn.execute(
        select(target).select_from(target.join(staging, match)).where(_differs(target, staging, dataset))
    ).mappings()
    revs = [
        {
            "upload_id": upload_id,
            "table_name": target.name,
            "before": json.dumps(dict(r), default=_json_default),
        }
        for r in old_rows
    ]
    if revs:
        conn.execute(insert(RevisionModel.__table__), revs)
        values = {c: staging.c[c] for c in _value_cols(dataset)}
        values["upload_id"] = upload_id
        conn.execute(update(target).where(match).where(_differs(target, staging, dataset)).values(**values))


def default_source(filename: str) -> str:
    """The source label of a UN export: its export date is its vintage (MDG_Export_20191227.csv)."""
    m = re.search(r"(19|20)(\d{2})(\d{2})(\d{2})", filename)
    if m:
        return f"UNSD MDG DB export {m.group(1)}{m.group(2)}-{m.group(3)}-{m.group(4)}"
    return "UNSD MDG DB"


def read_file(
    conn: Connection,
    dataset: Dataset,
    raw: bytes,
    *,
    source: str | None = None,
    max_bytes: int | None = MAX_UPLOAD_BYTES,
) -> tuple[pd.DataFrame | None, Parsed | None, list[Problem]]:
    """Stages 1-4 on one connection (for the reference sets): typed frame or problems."""
    try:
        text, encoding = decode(raw, max_bytes)
        series = reference.load_series(conn) if dataset.name == MDG.name else None
        parsed = parse(text, dataset, source=source, series=series)
        parsed.encoding = encoding
    except ImportRejected as rej:
        return None, None, rej.problems
    typed, problems = validate(parsed, dataset, reference.load_refs(conn))
    problems = parsed.problems + problems
    if any(p.severity == "error" for p in problems):
        return None, parsed, problems
    return typed, parsed, problems


def lock_writes(conn: Connection) -> None:
    """Queue behind any other upload or revert in flight (lock the data version row until commit).

    PostgreSQL runs READ COMMITTED: without the lock two writers would both pass
    the ``expected_version`` check and count against data the other is changing.
    On SQLite, BEGIN IMMEDIATE already serialises writers and this is a plain read.
    """
    conn.execute(select(DataVersion.version).where(DataVersion.id == 1).with_for_update())


def import_bytes(
    engine: Engine,
    dataset_name: str,
    raw: bytes,
    filename: str,
    *,
    user: str = "cli",
    dry_run: bool = False,
    expected_version: int | None = None,
    source: str | None = None,
    max_bytes: int | None = MAX_UPLOAD_BYTES,
    keep_file: bool = True,
    progress: Callable[[float, str], None] | None = None,
) -> ImportResult:
    """Check a file and, unless ``dry_run``, write it in ONE transaction.

    ``expected_version`` is the data version the user's preview was made
    against: if the data changed since, :class:`StaleData` is raised and nothing
    is written.
    """
    dataset = get_dataset(dataset_name)
    sha = hashlib.sha256(raw).hexdigest()
    res = ImportResult(dataset.name, filename, sha, ok=False, dry_run=dry_run)
    step = progress or (lambda f, m: None)
    target = _target(dataset)
    step(0.05, "reading the file")
    with writer(engine).begin() as conn:
        typed, parsed, problems = read_file(
            conn, dataset, raw, source=source or default_source(filename), max_bytes=max_bytes
        )
        res.problems = problems
        res.layout = parsed.layout if parsed else None
        if typed is None:
            conn.rollback()
            return res
        step(0.5, "comparing with the database")
        if not dry_run:
            lock_writes(conn)
        if expected_version is not None and get_data_version(conn) != expected_version:
            raise StaleData(
                "The data changed since your preview (another upload was confirmed). Check the file again."
            )
        staging = _staging(dataset, conn)
        _fill_staging(conn, staging, _python_rows(typed, dataset))
        res.rows = len(typed)
        res.new, res.modified, res.unchanged = _counts(conn, target, staging, dataset)
        res.modified_preview = (
            _modified_preview(conn, target, staging, dataset, PREVIEW_LIMIT)
            if res.modified
            else pd.DataFrame(columns=["key", "column", "old", "new"])
        )
        res.ok = True
        if dry_run or (res.new == 0 and res.modified == 0):
            # Nothing to write: a re-import of the same file leaves no trace.
            conn.rollback()
            return res
        step(0.7, "writing")
        upload_id = conn.execute(
            insert(Upload.__table__)
            .values(
                dataset=dataset.name,
                filename=filename,
                sha256=sha,
                username=user,
                created_at=datetime.now(UTC),
                rows_new=res.new,
                rows_modified=res.modified,
                rows_unchanged=res.unchanged,
                # Kept compressed: CSV shrinks about 13-fold (188 MB -> 14 MB in 0.4 s).
                content=zlib.compress(raw, 1) if keep_file else None,
                content_encoding="zlib" if keep_file else None,
            )
            .returning(Upload.__table__.c.id)
        ).scalar_one()
        _apply(conn, target, staging, dataset, upload_id, (res.new, res.modified, res.unchanged))
        staging.drop(conn)
        if target is Observation.__table__:
            if res.modified == 0 and res.unchanged == 0:
                # Every row is new: add the file's own counts to the summary (pandas groups 2M rows
                # in 0.2 s; SQLite's GROUP BY over the table took 2.7 s).
                _add_to_summary(conn, typed)
            else:
                big = _summary_rebuild_all(conn, res.new + res.modified)
                _refresh_summary(conn, None if big else _summary_groups_of(target, upload_id))
        res.upload_id = upload_id
        res.data_version = bump_data_version(conn)
        audit(
            conn,
            user,
            "upload",
            f"{dataset.name} {filename} upload {upload_id}: +{res.new} ~{res.modified} ={res.unchanged}",
        )
    step(1.0, "done")
    return res


# --- Observation summary ------------------------------------------------------------------

#: A series of observations: the summary's key without the unit. A write refreshes whole
#: series, so a value whose unit changed moves between the summary rows of its series.
SUMMARY_GROUP = ("indicator_code", "series_code", "country_iso3", "sex", "location", "source")
SUMMARY_KEY = (*SUMMARY_GROUP, "unit")
#: A write of at least this share of the observations (or of the series) rebuilds the whole
#: summary with one scan of ``observation``: cheaper than looking its series up one by one.
SUMMARY_REBUILD_SHARE = 0.25


def _summary_groups_of(obs: Table, upload_id: int) -> Select:
    """The series holding rows an upload inserted or modified.

    Those rows carry its id in ``upload_id`` until a later upload writes them again (which
    blocks the revert of this one), so the index on ``upload_id`` finds exactly them.
    """
    return select(*[obs.c[k] for k in SUMMARY_GROUP]).where(obs.c.upload_id == upload_id)


def _summary_rebuild_all(conn: Connection, rows_written: int) -> bool:
    """Whether a write of ``rows_written`` observations is big enough to rebuild the whole summary."""
    s = ObservationSummary.__table__
    stored = conn.execute(select(func.coalesce(func.sum(s.c.n_values), 0))).scalar_one()
    return rows_written >= SUMMARY_REBUILD_SHARE * stored


def _collect_groups(conn: Connection, groups: Select) -> Table:
    """The distinct series of ``groups`` (a select of the SUMMARY_GROUP columns) in a temporary table."""
    o = Observation.__table__
    t = _temp_table(conn, "summary_groups", [Column(k, o.c[k].type, primary_key=True) for k in SUMMARY_GROUP])
    sub = groups.subquery()
    conn.execute(insert(t).from_select(list(SUMMARY_GROUP), select(*sub.c).distinct()))
    # Its size for the planner: a few series are looked up through observation's primary
    # key, not found by scanning the whole table.
    conn.exec_driver_sql("ANALYZE temp.summary_groups" if is_sqlite(conn) else "ANALYZE summary_groups")
    return t


def _add_to_summary(conn: Connection, rows: pd.DataFrame) -> None:
    """Add observations that were all new (none replaced an existing one) to the summary.

    Their counts and years per summary key are grouped here, then merged in two set-based
    statements: existing keys get n_values added and their years widened; new keys are inserted.
    """
    s = ObservationSummary.__table__
    delta = (
        rows.groupby(list(SUMMARY_KEY), sort=False, dropna=False, observed=True)["year"]
        .agg(["size", "min", "max"])
        .reset_index()
    )
    d = _temp_table(conn, "summary_delta", [Column(c.name, c.type) for c in s.columns])
    values = [delta[k].tolist() for k in SUMMARY_KEY]
    counts = [delta[c].astype("int64").tolist() for c in ("size", "min", "max")]
    _fill_staging(conn, d, zip(*values, *counts, strict=True))
    same = and_(*[s.c[k] == d.c[k] for k in SUMMARY_KEY])
    conn.execute(
        update(s)
        .where(same)
        .values(
            n_values=s.c.n_values + d.c.n_values,
            first_year=case((d.c.first_year < s.c.first_year, d.c.first_year), else_=s.c.first_year),
            last_year=case((d.c.last_year > s.c.last_year, d.c.last_year), else_=s.c.last_year),
        )
    )
    conn.execute(
        insert(s).from_select([c.name for c in s.columns], select(*d.c).where(~exists().where(same)))
    )
    d.drop(conn)


def _refresh_summary(conn: Connection, groups: Select | Table | None) -> None:
    """Rebuild the ``observation_summary`` rows of some series from ``observation``.

    ``groups`` is a select of the SUMMARY_GROUP columns (duplicates allowed), a table made by
    :func:`_collect_groups`, or None for every series. Inside the caller's write transaction:
    delete the series' summary rows, then insert them again aggregated from their
    observations (a series with no observations left keeps none). Set-based: a few
    statements whatever the size; when the series are a large share of all of them, the
    whole summary is rebuilt instead (see SUMMARY_REBUILD_SHARE).
    """
    s, o = ObservationSummary.__table__, Observation.__table__
    g = groups if groups is None or isinstance(groups, Table) else _collect_groups(conn, groups)
    if g is not None:
        n_groups = conn.execute(select(func.count()).select_from(g)).scalar_one()
        n_summary = conn.execute(select(func.count()).select_from(s)).scalar_one()
        if n_groups >= SUMMARY_REBUILD_SHARE * n_summary:
            g.drop(conn)
            g = None
    agg = select(*[o.c[k] for k in SUMMARY_KEY], func.count(), func.min(o.c.year), func.max(o.c.year))
    if g is None:
        conn.execute(delete(s))
    else:
        conn.execute(delete(s).where(exists().where(and_(*[s.c[k] == g.c[k] for k in SUMMARY_GROUP]))))
        agg = agg.select_from(g.join(o, and_(*[o.c[k] == g.c[k] for k in SUMMARY_GROUP])))
    agg = agg.group_by(*[o.c[k] for k in SUMMARY_KEY])
    conn.execute(insert(s).from_select([*SUMMARY_KEY, "n_values", "first_year", "last_year"], agg))
    if g is not None:
        g.drop(conn)


# --- Revert -------------------------------------------------------------------------------


class RevertRefused(Exception):
    """The upload cannot be reverted (already reverted, or later uploads changed its rows)."""


def _restore_value(col: Column, v):
    if v is None:
        return None
    if isinstance(col.type, DateTime):
        return datetime.fromisoformat(v)
    if isinstance(col.type, Date):
        return date.fromisoformat(v)
    return v


def _befores_table(conn: Connection, target: Table, befores: list[dict]) -> Table:
    """The rows' old values (from the revision table) in a temporary table shaped like ``target``."""
    t = _temp_table(conn, f"revert_{target.name}", [Column(c.name, c.type) for c in target.columns])
    if befores:
        rows = [{c.name: _restore_value(c, b.get(c.name)) for c in target.columns} for b in befores]
        conn.execute(insert(t), rows)
    return t


def _refuse_if_referenced(conn: Connection, target: Table, upload_id: int) -> None:
    """Refuse to remove rows an upload added while other tables' rows refer to them (by foreign key).

    E.g. the follow-up reports of recommendations the upload added: revert those reports first.
    """
    added = target.c.created_upload_id == upload_id
    for table in SQLModel.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is not target or "upload_id" not in table.c:
                continue
            refs = select(target.c[fk.column.name]).where(added)
            uploads = sorted(
                u
                for u in conn.execute(
                    select(table.c.upload_id).where(table.c[fk.parent.name].in_(refs)).distinct()
                ).scalars()
                if u is not None
            )
            if uploads:
                listed = ", ".join(f"upload {u}" for u in uploads)
                raise RevertRefused(
                    f"Upload {upload_id} cannot be reverted: rows of {table.name} refer to rows it added "
                    f"({listed}). Revert those first."
                )


def revert(engine: Engine, upload_id: int, user: str = "cli") -> dict:
    """Return the data exactly to its state before the upload, in one transaction."""
    up = Upload.__table__
    with writer(engine).begin() as conn:
        lock_writes(conn)
        row = conn.execute(select(up).where(up.c.id == upload_id)).mappings().first()
        if row is None:
            raise RevertRefused(f"There is no upload {upload_id}.")
        if row["reverted_at"] is not None:
            raise RevertRefused(
                f"Upload {upload_id} was already reverted on {row['reverted_at']:%Y-%m-%d %H:%M} by {row['reverted_by']}."
            )
        dataset = get_dataset(row["dataset"])
        target = _target(dataset)
        revs = (
            conn.execute(
                select(RevisionModel.__table__.c.before).where(
                    RevisionModel.__table__.c.upload_id == upload_id
                )
            )
            .scalars()
            .all()
        )
        befores = [json.loads(b) for b in revs]
        # Rows this upload wrote that a later upload has since written again.
        later = set(
            conn.execute(
                select(target.c.upload_id)
                .where(target.c.created_upload_id == upload_id, target.c.upload_id != upload_id)
                .distinct()
            ).scalars()
        )
        # The old values in a temporary table: one statement checks them and one restores them
        # (a statement per row took 36 s for 100,000 modified rows on SQLite).
        before = _befores_table(conn, target, befores)
        same_row = and_(*[target.c[k] == before.c[k] for k in dataset.key])
        later |= set(
            conn.execute(
                select(target.c.upload_id)
                .select_from(target.join(before, same_row))
                .where(target.c.upload_id != upload_id)
                .distinct()
            ).scalars()
        )
        later.discard(None)
        if later:
            names = conn.execute(
                select(up.c.id, up.c.filename, up.c.created_at)
                .where(up.c.id.in_(sorted(later)))
                .order_by(up.c.id)
            ).all()
            listed = "; ".join(f"upload {i} ({f}, {t:%Y-%m-%d %H:%M})" for i, f, t in names)
            raise RevertRefused(
                f"Upload {upload_id} cannot be reverted: later uploads changed the same rows since: {listed}. Revert those first."
            )
        _refuse_if_referenced(conn, target, upload_id)
        # The series the revert changes, collected before their rows go (None: all of them).
        summary = target is Observation.__table__
        groups = None
        if summary and not _summary_rebuild_all(conn, row["rows_new"] + row["rows_modified"]):
            groups = _collect_groups(conn, _summary_groups_of(target, upload_id))
        deleted = conn.execute(delete(target).where(target.c.created_upload_id == upload_id)).rowcount
        if befores:
            restored = {c.name: before.c[c.name] for c in target.columns if c.name not in dataset.key}
            conn.execute(update(target).where(same_row).values(**restored))  # UPDATE ... FROM
        before.drop(conn)
        if summary:
            _refresh_summary(conn, groups)
        now = datetime.now(UTC)
        conn.execute(update(up).where(up.c.id == upload_id).values(reverted_at=now, reverted_by=user))
        version = bump_data_version(conn)
        audit(
            conn,
            user,
            "revert",
            f"upload {upload_id} ({row['filename']}): {deleted} rows removed, {len(befores)} restored",
        )
    return {"upload_id": upload_id, "deleted": deleted, "restored": len(befores), "data_version": version}


# --- History and export -----------------------------------------------------------------


def history(engine: Engine) -> pd.DataFrame:
    """Every upload, newest first (without the file contents)."""
    up = Upload.__table__
    cols = [c for c in up.c if c.name not in ("content", "content_encoding")]
    with engine.connect() as conn:
        rows = conn.execute(select(*cols).order_by(up.c.id.desc())).all()
    return pd.DataFrame(rows, columns=[c.name for c in cols])


def upload_file(engine: Engine, upload_id: int) -> tuple[str, bytes | None]:
    """The file name and bytes of an upload, to download it again."""
    up = Upload.__table__
    with engine.connect() as conn:
        r = conn.execute(
            select(up.c.filename, up.c.content, up.c.content_encoding).where(up.c.id == upload_id)
        ).first()
    if r is None:
        raise KeyError(upload_id)
    name, content, encoding = r
    if content is not None and encoding == "zlib":
        content = zlib.decompress(content)
    return name, content


def export_frame(engine: Engine, dataset_name: str) -> pd.DataFrame:
    """A dataset's rows in the template layout (imports back with nothing changed)."""
    dataset = get_dataset(dataset_name)
    target = _target(dataset)
    with engine.connect() as conn:
        result = conn.execute(
            select(*[target.c[c] for c in dataset.column_names]).order_by(*[target.c[k] for k in dataset.key])
        )
        rows = [tuple(r) for r in result]  # plain tuples: pandas probes Row objects slowly
    df = pd.DataFrame(rows, columns=dataset.column_names)
    for c in dataset.columns:
        if c.kind == "bool":
            df[c.name] = df[c.name].map({True: "true", False: "false"})
        elif c.kind == "float":
            df[c.name] = df[c.name].map(lambda v: "" if v is None or v != v else repr(float(v)))
    return df


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV bytes in UTF-8 (the template encoding)."""
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


def template_frame(dataset_name: str) -> pd.DataFrame:
    """The template: the header and one example row."""
    dataset = get_dataset(dataset_name)
    return pd.DataFrame([{c.name: c.example for c in dataset.columns}], columns=dataset.column_names)


def template_description(dataset_name: str, refs: dict[str, set[str]] | None = None) -> pd.DataFrame:
    """One line per column: type, required, allowed values, description."""
    dataset = get_dataset(dataset_name)
    rows = []
    for c in dataset.columns:
        allowed = ""
        if c.allowed:
            allowed = ", ".join(c.allowed)
        elif c.ref and refs is not None:
            allowed = _allowed_text(refs.get(c.ref, set()), limit=60)
        elif c.min is not None or c.max is not None:
            allowed = f"{c.min:g} to {c.max:g}" if c.min is not None and c.max is not None else ""
        rows.append(
            {
                "column": c.name,
                "type": {
                    "str": "text",
                    "int": "whole number",
                    "float": "number",
                    "date": "date YYYY-MM-DD",
                    "bool": "true/false",
                }[c.kind],
                "required": "yes" if c.required else "no",
                "allowed values": allowed,
                "description": c.description,
            }
        )
    return pd.DataFrame(rows)


__all__ = [
    "ImportRejected",
    "ImportResult",
    "Problem",
    "RevertRefused",
    "StaleData",
    "decode",
    "export_frame",
    "history",
    "import_bytes",
    "parse",
    "revert",
    "sniff_delimiter",
    "template_frame",
    "validate",
]
