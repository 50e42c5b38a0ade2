"""The UN MDG database export: one row per country and series, one column per year,
optionally with Footnotes and Type columns after each year, and a legend after a blank line."""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING

import pandas as pd

from lib import reference
from lib.datasets import MDG
from lib.ingest.results import MISSING_TOKENS, ImportRejected, Parsed, Problem, Reason

if TYPE_CHECKING:
    from lib.ingest.readers.base import ReadContext

UN_WIDE_FIRST = ["countrycode", "country", "seriescode"]
YEAR_RE = re.compile(r"^\d{4}$")


def is_missing(cell: str) -> bool:
    return cell.strip() in MISSING_TOKENS


class UnWideReader:
    """An MDG file whose header starts CountryCode, Country, SeriesCode."""

    name = "un_wide"

    def accepts(self, ctx: ReadContext) -> bool:
        return ctx.dataset.name == MDG.name and [h.lower() for h in ctx.header[:3]] == UN_WIDE_FIRST

    def read(self, text: str, ctx: ReadContext) -> Parsed:
        return _read_un_wide(text, ctx.delimiter, ctx.source, ctx.series)


def _read_un_wide(text: str, delimiter: str, source: str | None, catalogue: pd.DataFrame) -> Parsed:
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
            problems.append(Problem(rownum, "CountryCode", code, why + ".", "warning", reason=Reason.SKIPPED))
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
        raise ImportRejected(
            [Problem(None, None, None, "The file has a header but no data rows.", reason=Reason.LAYOUT)]
        )
    if any(p.severity == "error" for p in problems):
        raise ImportRejected(problems)
    df = pd.DataFrame(out, columns=["_row", *MDG.column_names])
    if df.empty:
        raise ImportRejected(
            problems + [Problem(None, None, None, "The file holds no values (every cell is empty).")]
        )
    df.index = pd.Index(df.pop("_row").to_numpy())
    return Parsed(df, UnWideReader.name, delimiter, "", problems)
