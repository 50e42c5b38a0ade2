"""Reading delimited text into a frame of strings: pyarrow's fast reader for regular files,
pandas' for the others (and to name what is wrong with them)."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from lib.ingest.results import ImportRejected, Problem, Problems, Reason

FIELDS_RE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def read_pandas(text: str, delimiter: str) -> pd.DataFrame:
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


def read_arrow(text: str, delimiter: str, ncols: int) -> pd.DataFrame | None:
    """The same as :func:`read_pandas`, four times faster, for the regular files most are.

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


def short_rows(text: str, delimiter: str, width: int) -> Problems:
    """A problem for each row with fewer values than the header's ``width`` (blank lines aside).

    pandas fills a short row's missing values with empty text, which would store a file cut
    mid-row (its last row partial) or a row missing its trailing fields as if they were empty.
    """
    found: list[tuple[int, int]] = []
    total = 0
    for rownum, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if 0 < len(row) < width and (len(row) > 1 or row[0].strip()):
            total += 1
            if len(found) < 50:  # the first ones name the problem; the rest are counted
                found.append((rownum, len(row)))
    out = Problems()
    out.add_capped(
        total,
        (
            Problem(
                n,
                None,
                None,
                f"Row {n} has {k} value(s) but the header has {width} columns: the row is incomplete "
                "(the file cut short, or values missing at its end). Complete the row; put values that "
                "contain the delimiter in double quotes.",
                reason=Reason.LAYOUT,
            )
            for n, k in found
        ),
    )
    return out
