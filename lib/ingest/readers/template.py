"""The tidy template layout: a header naming the template's columns, one row per record."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from lib.ingest.readers.csvtext import read_arrow, read_pandas, short_rows
from lib.ingest.readers.headers import canonical
from lib.ingest.results import EXAMPLE_MARK, ImportRejected, Parsed, Problem, Reason

if TYPE_CHECKING:
    from lib.ingest.readers.base import ReadContext


class TemplateReader:
    """Any file not in another layout: its header must name the template's columns."""

    name = "template"

    def accepts(self, ctx: ReadContext) -> bool:
        return True

    def read(self, text: str, ctx: ReadContext) -> Parsed:
        """The rows as strings, index = file row number (the header is row 1)."""
        dataset, delimiter, ncols = ctx.dataset, ctx.delimiter, len(ctx.header)
        df = read_arrow(text, delimiter, ncols)
        if df is None:  # an irregular file: pandas reads it, and short rows are refused
            df = read_pandas(text, delimiter)
            if short := short_rows(text, delimiter, df.shape[1]):
                raise ImportRejected(short)
        header = canonical(list(df.iloc[0]), dataset)
        df = df.iloc[1:]
        df.columns = header
        problems: list[Problem] = []
        expected = dataset.column_names
        missing = [c.name for c in dataset.columns if c.name not in header and not c.optional_column]
        extra = list(
            dict.fromkeys(c for c in header if c not in expected and c not in dataset.ignored_columns)
        )
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
        marked = df.iloc[:, 0].str.lstrip().str.startswith(EXAMPLE_MARK).to_numpy()
        if marked.any():
            rows = df.index[marked]
            raise ImportRejected(
                [
                    Problem(
                        int(rows[0]),
                        df.columns[0],
                        None,
                        f"Row {rows[0]} starts with '{EXAMPLE_MARK}': it is the template's example row "
                        f"(or a comment), never imported ({len(rows)} such row(s)). Delete it and import again.",
                        reason=Reason.LAYOUT,
                    )
                ]
            )
        for c in dataset.columns:
            if c.name not in df.columns:
                df[c.name] = ""
        df = df[expected]
        return Parsed(df, self.name, delimiter, "")
