"""Downloads people can open safely: CSV and Excel with formula-like cells neutralised, charts as PNG."""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from typing import Any

import pandas as pd

from lib.paths import FONT_DIR

PNG_FONT = "DejaVu Sans"

# OWASP CSV injection: a spreadsheet treats cells starting with these as formulas.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


#: A formula starting after a delimiter inside a cell: ``Total;=1+1;x`` is three cells, the middle
#: one a formula, for a spreadsheet that splits on semicolons (French or Spanish Excel).
EMBEDDED_FORMULA = re.compile(r"(?<=.)([,;\t|])(?=[=+\-@])", re.S)  # not at the start: see below


def _safe_cell(value: Any, embedded: bool = False) -> Any:
    """A text cell that starts like a formula, prefixed with a quote; anything else unchanged.

    ``embedded``: also a quote before a formula that follows a delimiter inside the cell.
    """
    if not isinstance(value, str):
        return value
    if embedded:
        value = EMBEDDED_FORMULA.sub(r"\1'", value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def neutralise(df: pd.DataFrame, *, embedded: bool = False) -> pd.DataFrame:
    """A copy where text cells (and column names) that start like a formula are prefixed with a quote.

    Numeric columns are left alone, so -5 stays the number -5. ``embedded`` (for CSV, which a
    spreadsheet may split on another delimiter than the comma): also a formula inside a cell
    after a delimiter.
    """
    out = df.copy()
    for i in range(out.shape[1]):  # by position: duplicate column names are possible
        s = out.iloc[:, i]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object)
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            out.isetitem(i, s.map(lambda v: _safe_cell(v, embedded)))
    out.columns = [_safe_cell(c, embedded) for c in out.columns]
    return out


def to_csv_bytes(df: pd.DataFrame, *, for_import: bool = False) -> bytes:
    """The one CSV writer of the app: every download, the template and the export.

    A download (the default) is UTF-8 with a BOM (so Excel reads accents) of the neutralised
    frame, with CRLF line ends (RFC 4180: the csv writer then quotes any cell holding a CR
    or LF, so a stray carriage return cannot start a new row), and every text cell quoted, so
    that a spreadsheet splitting on semicolons keeps ``Total;=1+1;x`` one cell.

    ``for_import``: the template encoding, for files meant to be imported back (the CLI's
    export and template): UTF-8 without BOM, LF, every cell as it is, since neutralising
    would change the values the import reads back.
    """
    if for_import:
        return df.to_csv(index=False, lineterminator="\n").encode("utf-8")
    safe = neutralise(df, embedded=True)
    return safe.to_csv(index=False, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC).encode("utf-8-sig")


EXCEL_MAX_WIDTH = 60  # characters: longer texts wrap in the cell instead of widening the column
_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheet_name(title: str) -> str:
    """A valid Excel sheet name (at most 31 characters, none of []:*?/\\) for what the sheet holds."""
    name = " ".join(str(title).translate(_SHEET_FORBIDDEN).split())[:31].strip("' ")
    return name or "Table"


def to_excel_bytes(df: pd.DataFrame, sheet: str = "Table") -> bytes:
    """An .xlsx of the neutralised frame (openpyxl) for people to read: the header row frozen,
    column widths that fit their content, dates as Excel dates shown without a time of day
    when they have none, numbers as numbers. ``sheet`` names what it holds."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    buf = io.BytesIO()
    safe = neutralise(df)
    for i in range(safe.shape[1]):
        s = safe.iloc[:, i]
        if isinstance(s.dtype, pd.DatetimeTZDtype):  # Excel has no timezone-aware datetimes
            safe.isetitem(i, s.dt.tz_localize(None))
        elif s.dtype == object or pd.api.types.is_string_dtype(s):
            # Control characters openpyxl refuses to write (they are not valid in the XML).
            safe.isetitem(i, s.map(lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v))
    date_only = [
        pd.api.types.is_datetime64_any_dtype(safe.iloc[:, i])
        and bool((safe.iloc[:, i].dropna() == safe.iloc[:, i].dropna().dt.normalize()).all())
        for i in range(safe.shape[1])
    ]
    name = sheet_name(sheet)
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        safe.to_excel(xl, sheet_name=name, index=False)
        ws = xl.sheets[name]
        ws.freeze_panes = "A2"
        for i, column in enumerate(safe.columns):
            s = safe.iloc[:, i]
            letter = get_column_letter(i + 1)
            if pd.api.types.is_datetime64_any_dtype(s):
                fmt = "yyyy-mm-dd" if date_only[i] else "yyyy-mm-dd hh:mm"
                for cell in ws[letter][1:]:
                    cell.number_format = fmt
                texts = [fmt]
            else:
                texts = [str(v) for v in s.dropna().head(2000)]
            longest = max([len(str(column)), *map(len, texts)], default=8)
            ws.column_dimensions[letter].width = min(longest + 2, EXCEL_MAX_WIDTH)
            if longest > EXCEL_MAX_WIDTH:
                for cell in ws[letter][1:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in ws[1]:
            cell.font = Font(bold=True)
    return buf.getvalue()


@cache
def _register_fonts() -> None:
    """Make the shipped fonts known to vl-convert (once per process)."""
    import vl_convert as vlc

    if FONT_DIR.is_dir():
        vlc.register_font_directory(str(FONT_DIR))


def chart_png(chart: Any, scale: float = 2.0) -> bytes:
    """A PNG of an Altair chart (or its spec dict), rendered by vl-convert (no browser, no system libraries).

    Text is set in the shipped DejaVu Sans, whatever fonts the machine has: it has the rating
    arrows (↗ ↘) and accents, so no label falls back to another typeface.
    """
    import vl_convert as vlc

    _register_fonts()
    from lib.chart_theme import vega_spec

    spec = vega_spec(chart)
    spec = {**spec, "config": {**spec.get("config", {}), "font": PNG_FONT}}
    return vlc.vegalite_to_png(spec, scale=scale)
