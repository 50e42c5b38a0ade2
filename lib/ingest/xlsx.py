"""Excel workbooks (.xlsx) read into the same CSV text every other file becomes, so that one
pipeline checks them: the sheet named after the dataset, else the first; formulas as their
cached values (what Excel last showed); dates written YYYY-MM-DD."""

from __future__ import annotations

import csv
import io
import math
import zipfile
from datetime import date, datetime, time

from lib.ingest.results import MAX_COLUMNS, ImportRejected, Problem, Reason

XLSX_MAGIC = b"PK\x03\x04"  # a zip archive; .xlsx files are zip archives


def is_xlsx(raw: bytes) -> bool:
    return raw[:4] == XLSX_MAGIC


def _cell_text(v: object) -> str:
    """A cell as the text a CSV of it would hold."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time() else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float):
        if math.isfinite(v) and v == int(v) and abs(v) < 2**53:
            return str(int(v))  # Excel stores every number as a float: 2015, not 2015.0
        return repr(v)
    return str(v)


def _refuse(message: str) -> ImportRejected:
    return ImportRejected([Problem(None, None, None, message, reason=Reason.FILE)])


def xlsx_to_text(raw: bytes, sheet: str | None = None) -> str:
    """The workbook's sheet ``sheet`` (else its first) as CSV text, comma separated."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise _refuse(
            f"The file looks like an Excel workbook but cannot be read ({type(exc).__name__}). "
            "Save it again as .xlsx or as 'CSV UTF-8'."
        ) from None
    try:
        names = book.sheetnames
        if not names:
            raise _refuse("The workbook has no sheet.")
        ws = book[sheet] if sheet in names else book[names[0]]
        if ws.max_column and ws.max_column > MAX_COLUMNS:
            raise _refuse(f"The sheet has {ws.max_column:,} columns; at most {MAX_COLUMNS} are read.")
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        for row in ws.iter_rows(values_only=True):
            cells = [_cell_text(v) for v in row[:MAX_COLUMNS]]
            while cells and cells[-1] == "":  # openpyxl pads rows to the sheet's widest
                cells.pop()
            w.writerow(cells)
        return out.getvalue()
    finally:
        book.close()
