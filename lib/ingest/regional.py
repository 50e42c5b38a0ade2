"""Numbers and dates written the way of a semicolon locale (French or Spanish Excel): decimal
commas (``12,5``) and day-first dates (``20/11/2008``). A column is converted only when every
cell of it is written the one way; a column mixing ways is refused with a plain message. Nothing
is ever guessed row by row."""

from __future__ import annotations

import re

import pandas as pd

from lib.ingest.results import Problem, Reason

#: Delimiters of the spreadsheets that write decimal commas (a comma file cannot: it quotes them).
REGIONAL_DELIMITERS = (";", "\t")
DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+$")
DECIMAL_POINT = re.compile(r"^[+-]?\d*\.\d+$")
DAY_FIRST = r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$"


def _first(s: pd.Series, mask: pd.Series) -> tuple[int, str]:
    """The row number and text of the first cell where ``mask`` holds."""
    pos = int(mask.to_numpy().argmax())
    return int(s.index[pos]), str(s.iloc[pos])


def decimal_commas(s: pd.Series, column: str) -> tuple[pd.Series, Problem | None]:
    """``s`` with decimal commas made points when the column uses them throughout.

    ``s`` holds the non-blank cells, stripped. A column holding both ``1,5`` and ``2.5`` is refused.
    """
    comma = s.str.match(DECIMAL_COMMA)
    if not comma.any():
        return s, None
    point = s.str.match(DECIMAL_POINT)
    if point.any():
        (r1, v1), (r2, v2) = _first(s, comma), _first(s, point)
        return s, Problem(
            r1,
            column,
            v1,
            f"Column '{column}' mixes decimal commas ('{v1}' in row {r1}) and decimal points ('{v2}' in "
            f"row {r2}): it cannot be read without guessing. Write every number of the column the same way.",
            reason=Reason.VALUE,
        )
    return s.where(~comma, s.str.replace(",", ".", regex=False)), None


def day_first_dates(s: pd.Series, column: str) -> tuple[pd.Series | None, Problem | None]:
    """Day-first dates (``20/11/2008``) as timestamps when every cell of the column is one.

    None when the column is not written that way (the ISO reading applies). Refused when a cell
    can only be month-first (``11/20/2008``), or when the column mixes day-first and other forms.
    """
    parts = s.str.extract(DAY_FIRST)
    is_dmy = parts[0].notna()
    if not is_dmy.any():
        return None, None
    if not is_dmy.all():
        (r1, v1), (r2, v2) = _first(s, is_dmy), _first(s, ~is_dmy)
        return None, Problem(
            r2,
            column,
            v2,
            f"Column '{column}' mixes day-first dates ('{v1}' in row {r1}) with another form ('{v2}' in "
            f"row {r2}): write every date of the column the same way, preferably YYYY-MM-DD.",
            reason=Reason.VALUE,
        )
    day, month = parts[0].astype(int), parts[1].astype(int)
    month_first = month > 12
    if month_first.any():
        r, v = _first(s, month_first)
        return None, Problem(
            r,
            column,
            v,
            f"Column '{column}' has the date '{v}' (row {r}), which can only be month first, in a file "
            "whose dates are read day first: the column is ambiguous. Write its dates as YYYY-MM-DD.",
            reason=Reason.VALUE,
        )
    iso = parts[2] + "-" + month.map("{:02d}".format) + "-" + day.map("{:02d}".format)
    return pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce"), None
