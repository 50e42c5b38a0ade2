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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pandas as pd
import pandera.pandas as pa
from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    MetaData,
    Table,
    and_,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)

from lib import reference
from lib.datasets import MDG, Col, Dataset, get_dataset
from lib.db import bump_data_version, get_data_version, is_sqlite
from lib.models import Revision as RevisionModel
from lib.models import SQLModel, Upload

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
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


def decode(raw: bytes, max_bytes: int | None = MAX_UPLOAD_BYTES) -> tuple[str, str]:
    """Bytes to text: UTF-8 (with or without BOM), else Windows-1252. Returns (text, encoding)."""
    if max_bytes is not None and len(raw) > max_bytes:
        raise ImportRejected(
            [
                Problem(
                    None,
                    None,
                    f"{len(raw) / 1e6:.1f} MB",
                    f"The file is larger than the limit of {max_bytes / 1e6:.0f} MB. Split it into smaller files.",
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
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
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


# --- Stage 2: sniff the delimiter ---------------------------------------------------------


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: comma, semicolon or tab (most frequent outside quotes)."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
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
    delimiter = sniff_delimiter(text)
    first = [
        h.strip().lower() for h in next(csv.reader(io.StringIO(text.split("\n", 1)[0]), delimiter=delimiter))
    ]
    if dataset.name == MDG.name and first[:3] == UN_WIDE_FIRST:
        return _parse_un_wide(text, delimiter, source, series if series is not None else pd.DataFrame())
    return _parse_template(text, dataset, delimiter)


def _parse_template(text: str, dataset: Dataset, delimiter: str) -> Parsed:
    try:
        df = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
            skipinitialspace=False,
        )
    except (pd.errors.ParserError, csv.Error) as exc:
        raise ImportRejected([Problem(None, None, None, f"The file is not a readable CSV: {exc}")]) from None
    df.columns = [str(c).strip().lower() for c in df.columns]
    problems: list[Problem] = []
    expected = dataset.column_names
    missing = [c.name for c in dataset.columns if c.name not in df.columns and not c.optional_column]
    extra = [c for c in df.columns if c not in expected and c not in dataset.ignored_columns]
    dupes = sorted({c for c in df.columns if list(df.columns).count(c) > 1})
    for c in missing:
        problems.append(
            Problem(1, c, None, f"Column '{c}' is missing. The header must be: {', '.join(expected)}.")
        )
    for c in extra:
        if c.startswith("unnamed:"):
            msg = "A column has no name in the header (a trailing delimiter?). Remove the empty column."
        else:
            msg = f"Column '{c}' is not part of the {dataset.name} template. Allowed columns: {', '.join(expected)}."
        problems.append(Problem(1, c, None, msg))
    for c in dupes:
        problems.append(Problem(1, c, None, f"Column '{c}' appears more than once in the header."))
    if problems:
        raise ImportRejected(problems)
    if df.empty:
        raise ImportRejected([Problem(None, None, None, "The file has a header but no data rows.")])
    for c in dataset.columns:
        if c.name not in df.columns:
            df[c.name] = ""
    df = df[expected]
    df.index = pd.RangeIndex(2, 2 + len(df))
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


def _allowed_text(values: set[str] | tuple[str, ...], limit: int = 24) -> str:
    vals = sorted(values) if isinstance(values, set) else list(values)
    if len(vals) <= limit:
        return ", ".join(vals)
    return ", ".join(vals[:limit]) + f", ... ({len(vals)} in all; see the template)"


def _coerce(df: pd.DataFrame, dataset: Dataset) -> tuple[pd.DataFrame, list[Problem]]:
    """Strings to typed columns; cells that do not convert become problems."""
    out = pd.DataFrame(index=df.index)
    problems: list[Problem] = []
    for c in dataset.columns:
        s = df[c.name].astype(str).str.strip()
        blank = s.isin(MISSING_TOKENS) if c.kind in ("int", "float", "date") else s.eq("")
        if c.kind == "str":
            v = s.str.lower() if c.lower else s
            out[c.name] = v.where(~blank, None).astype(object)
            continue
        if c.kind == "bool":
            low = s.str.lower()
            bad = ~low.isin(BOOL_TRUE | BOOL_FALSE)
            out[c.name] = low.isin(BOOL_TRUE)
            msg = "must be true or false"
        elif c.kind in ("int", "float"):
            num = pd.to_numeric(s.where(~blank), errors="coerce")
            bad = num.isna() & ~blank
            if c.kind == "int":
                frac = num.notna() & (num != num.round())
                bad = bad | frac
                out[c.name] = num.where(~bad).astype("Int64")
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


def _column_checks(c: Col, refs: dict[str, set[str]]) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if c.allowed is not None:
        checks.append(
            pa.Check.isin(list(c.allowed), error=f"is not allowed; use one of: {_allowed_text(c.allowed)}")
        )
    if c.ref is not None:
        allowed = refs.get(c.ref, set())
        checks.append(
            pa.Check.isin(sorted(allowed), error=f"is unknown; use one of: {_allowed_text(allowed)}")
        )
    if c.min is not None or c.max is not None:
        lo = c.min if c.min is not None else -math.inf
        hi = c.max if c.max is not None else math.inf
        checks.append(
            pa.Check.in_range(lo, hi, error=f"is out of range; it must be between {lo:g} and {hi:g}")
        )
    if c.kind == "float":
        checks.append(
            pa.Check(
                lambda s: s.isna() | (s.abs() != math.inf),
                element_wise=False,
                error="must be a finite number",
            )
        )
    if c.pattern:
        checks.append(
            pa.Check.str_matches(c.pattern, error=f"is not in the right form; write it as {c.pattern_hint}")
        )
    if c.max_length:
        checks.append(
            pa.Check.str_length(max_value=c.max_length, error=f"is longer than {c.max_length} characters")
        )
    return checks


def build_schema(dataset: Dataset, refs: dict[str, set[str]]) -> pa.DataFrameSchema:
    """The pandera schema of a dataset (value rules; types were coerced before)."""
    return pa.DataFrameSchema(
        {
            c.name: pa.Column(checks=_column_checks(c, refs), nullable=not c.required, coerce=False)
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
    return problems


def validate(
    parsed: Parsed, dataset: Dataset, refs: dict[str, set[str]]
) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed frame and every problem found (coercion, schema, row rules, duplicate keys)."""
    typed, problems = _coerce(parsed.frame, dataset)
    try:
        build_schema(dataset, refs).validate(typed, lazy=True)
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases
        fc = fc[fc["index"].notna()]
        for r in fc.itertuples():
            col = str(r.column)
            if r.check == "not_nullable":
                msg = f"'{col}' is required; this row leaves it empty."
                val = None
            else:
                val = None if pd.isna(r.failure_case) else str(r.failure_case)
                msg = f"'{col}' value {val!r} {r.check}."
            problems.append(Problem(int(r.index), col, val, msg))
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


def _staging(dataset: Dataset, conn: Connection) -> Table:
    """A temporary table with the dataset's columns (dropped at the end of the import)."""
    target = _target(dataset)
    md = MetaData()
    cols = [Column(c.name, target.c[c.name].type) for c in dataset.columns]
    prefixes = ["TEMPORARY"]
    kw = {} if is_sqlite(conn) else {"postgresql_on_commit": "DROP"}
    t = Table(f"staging_{dataset.table}", md, *cols, prefixes=prefixes, **kw)
    t.drop(conn, checkfirst=True)
    t.create(conn)
    return t


def _python_rows(df: pd.DataFrame, dataset: Dataset) -> list[tuple]:
    """Tuples in column order with None for missing and python dates (the drivers' fast path)."""
    cols = []
    for c in dataset.columns:
        s = df[c.name]
        if c.kind == "date":
            cols.append([None if pd.isna(v) else v.date() for v in s])
        elif c.kind == "int":
            cols.append([None if pd.isna(v) else int(v) for v in s.astype(object)])
        elif c.kind == "float":
            cols.append([None if v != v else v for v in s.tolist()])
        elif c.kind == "bool":
            cols.append([bool(v) for v in s.tolist()])
        else:
            cols.append(s.tolist())
    return list(zip(*cols, strict=True))


def _fill_staging(conn: Connection, staging: Table, rows: list[tuple]) -> None:
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
    total = conn.execute(select(func.count()).select_from(staging)).scalar_one()
    matched = conn.execute(
        select(func.count()).select_from(staging.join(target, _key_match(target, staging, dataset)))
    ).scalar_one()
    modified = conn.execute(
        select(func.count())
        .select_from(staging.join(target, _key_match(target, staging, dataset)))
        .where(_differs(target, staging, dataset))
    ).scalar_one()
    return total - matched, modified, matched - modified


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


def _apply(conn: Connection, target: Table, staging: Table, dataset: Dataset, upload_id: int) -> None:
    """Record the old values of modified rows, update them, insert the new ones."""
    match = _key_match(target, staging, dataset)
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
    cols = dataset.column_names
    new_rows = select(*[staging.c[c] for c in cols], literal(upload_id), literal(upload_id)).where(
        ~exists().where(match)
    )
    conn.execute(insert(target).from_select([*cols, *BOOKKEEPING], new_rows))


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
    with engine.begin() as conn:
        typed, parsed, problems = read_file(
            conn, dataset, raw, source=source or default_source(filename), max_bytes=max_bytes
        )
        res.problems = problems
        res.layout = parsed.layout if parsed else None
        if typed is None:
            conn.rollback()
            return res
        step(0.5, "comparing with the database")
        if expected_version is not None and get_data_version(conn) != expected_version:
            raise StaleData(
                "The data changed since your preview (another upload was confirmed). Check the file again."
            )
        staging = _staging(dataset, conn)
        _fill_staging(conn, staging, _python_rows(typed, dataset))
        res.rows = len(typed)
        res.new, res.modified, res.unchanged = _counts(conn, target, staging, dataset)
        res.modified_preview = _modified_preview(conn, target, staging, dataset, PREVIEW_LIMIT)
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
                content=raw if keep_file else None,
            )
            .returning(Upload.__table__.c.id)
        ).scalar_one()
        _apply(conn, target, staging, dataset, upload_id)
        staging.drop(conn)
        res.upload_id = upload_id
        res.data_version = bump_data_version(conn)
        from lib.auth import audit

        audit(
            conn,
            user,
            "upload",
            f"{dataset.name} {filename} upload {upload_id}: +{res.new} ~{res.modified} ={res.unchanged}",
        )
    step(1.0, "done")
    return res


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


def revert(engine: Engine, upload_id: int, user: str = "cli") -> dict:
    """Return the data exactly to its state before the upload, in one transaction."""
    up = Upload.__table__
    with engine.begin() as conn:
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
        for b in befores:
            cur = conn.execute(
                select(target.c.upload_id).where(
                    and_(*[target.c[k] == _restore_value(target.c[k], b[k]) for k in dataset.key])
                )
            ).scalar()
            if cur is not None and cur != upload_id:
                later.add(cur)
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
        deleted = conn.execute(delete(target).where(target.c.created_upload_id == upload_id)).rowcount
        for b in befores:
            vals = {k: _restore_value(target.c[k], v) for k, v in b.items() if k not in dataset.key}
            conn.execute(
                update(target)
                .where(and_(*[target.c[k] == _restore_value(target.c[k], b[k]) for k in dataset.key]))
                .values(**vals)
            )
        now = datetime.now(UTC)
        conn.execute(update(up).where(up.c.id == upload_id).values(reverted_at=now, reverted_by=user))
        version = bump_data_version(conn)
        from lib.auth import audit

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
    cols = [c for c in up.c if c.name != "content"]
    with engine.connect() as conn:
        rows = conn.execute(select(*cols).order_by(up.c.id.desc())).all()
    return pd.DataFrame(rows, columns=[c.name for c in cols])


def upload_file(engine: Engine, upload_id: int) -> tuple[str, bytes | None]:
    """The file name and bytes of an upload, to download it again."""
    up = Upload.__table__
    with engine.connect() as conn:
        r = conn.execute(select(up.c.filename, up.c.content).where(up.c.id == upload_id)).first()
    if r is None:
        raise KeyError(upload_id)
    return r[0], r[1]


def export_frame(engine: Engine, dataset_name: str) -> pd.DataFrame:
    """A dataset's rows in the template layout (imports back with nothing changed)."""
    dataset = get_dataset(dataset_name)
    target = _target(dataset)
    with engine.connect() as conn:
        rows = conn.execute(
            select(*[target.c[c] for c in dataset.column_names]).order_by(*[target.c[k] for k in dataset.key])
        ).all()
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
