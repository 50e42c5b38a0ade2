"""Stage 3: one small reader per file layout, behind one interface.

Each reader says whether it accepts a file from its header line (:meth:`Reader.accepts`)
and reads the text into a frame of strings in the dataset's template columns
(:meth:`Reader.read`). :func:`parse` picks the first reader that accepts the file, so a new
layout is a new module added to :data:`READERS`, like open-sdg/sdg-build's ``inputs/``.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from lib.datasets import Dataset
from lib.ingest.readers.base import ReadContext, Reader
from lib.ingest.readers.template import TemplateReader
from lib.ingest.readers.un_wide import UnWideReader
from lib.ingest.results import MAX_COLUMNS, ImportRejected, Parsed, Problem, Reason
from lib.ingest.sniff import first_line, sniff_delimiter

#: Tried in order; the template reader accepts any file, so it comes last.
READERS: tuple[Reader, ...] = (UnWideReader(), TemplateReader())


def parse(
    text: str, dataset: Dataset, *, source: str | None = None, series: pd.DataFrame | None = None
) -> Parsed:
    """Read the text into a frame of strings in the dataset's template columns.

    ``series`` is the series catalogue (code, indicator_code, name, unit) that maps
    the UN export's series codes to indicators; ``source`` labels its values.
    """
    if not first_line(text).strip():
        raise ImportRejected(
            [
                Problem(
                    1,
                    None,
                    None,
                    "The first line is empty: the file must start with the header row. Remove the blank lines above it.",
                    reason=Reason.LAYOUT,
                )
            ]
        )
    delimiter = sniff_delimiter(text)
    width = first_line(text).count(delimiter) + 1  # counted before any parsing: bounded work
    if width > MAX_COLUMNS:
        raise ImportRejected(
            [
                Problem(
                    1,
                    None,
                    f"{width:,} columns",
                    f"The header has {width:,} columns; at most {MAX_COLUMNS} are accepted. "
                    "Is this the right file?",
                    reason=Reason.LAYOUT,
                )
            ]
        )
    header = [h.strip() for h in next(csv.reader(io.StringIO(first_line(text)), delimiter=delimiter))]
    ctx = ReadContext(dataset, delimiter, header, source, series if series is not None else pd.DataFrame())
    reader = next(r for r in READERS if r.accepts(ctx))
    return reader.read(text, ctx)
