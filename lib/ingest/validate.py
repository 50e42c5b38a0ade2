"""Stage 4: strings to typed columns, then every rule: the value rules through the dataset's
pandera schema, the rules across the columns of a row, and duplicate keys."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lib.datasets import Col, Dataset, join_list, split_list
from lib.ingest.direct import duplicated_keys, remember_factors
from lib.ingest.regional import REGIONAL_DELIMITERS, day_first_dates, decimal_commas
from lib.ingest.results import (
    BOOL_FALSE,
    BOOL_TRUE,
    MAX_PROBLEMS,
    MISSING_TOKENS,
    Parsed,
    Problem,
    Problems,
    Reason,
)
from lib.ingest.rules import row_rules
from lib.ingest.textcols import as_objects, distinct_first

if TYPE_CHECKING:  # pandera is imported when a schema is built, not with this module
    import pandera.pandas as pa


#: Plausible dates (the UN's founding to the end of the century) and the longest text of a column
#: that sets no limit of its own.
DATE_RANGE = (pd.Timestamp("1945-01-01"), pd.Timestamp("2100-12-31"))
MAX_TEXT = 1000
TOO_SMALL = "is too small to be stored: it would become 0 (write 0 if that is meant)"


def allowed_text(values: set[str] | tuple[str, ...], limit: int = 36) -> str:
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


def _cell_problems(
    out: Problems, s: pd.Series, bad: np.ndarray, column: str, message: Callable[[str], str]
) -> None:
    """A problem for each cell where ``bad`` holds (by position: a UN export repeats row numbers)."""
    where = np.flatnonzero(bad)
    if not len(where):
        return  # (the values of a million-row column are not copied for nothing)
    values = s.to_numpy()
    out.add_capped(
        len(where),
        (Problem(int(s.index[i]), column, str(values[i]), message(str(values[i]))) for i in where),
    )


def _underflow(s: pd.Series, num: pd.Series) -> pd.Series:
    """Cells written as a non-zero number that reads as 0.0 (``1e-400``): storing 0 would be wrong."""
    zero = (num == 0).to_numpy()
    out = np.zeros(len(s), dtype=bool)
    if zero.any():  # only the cells that read as 0 are looked at
        mantissa = s[zero].str.split(r"[eE]", n=1, regex=True).str[0]
        out[np.flatnonzero(zero)] = mantissa.str.contains(r"[1-9]", regex=True).to_numpy(
            dtype=bool, na_value=False
        )
    return pd.Series(out, index=s.index)


def coerce(df: pd.DataFrame, dataset: Dataset, delimiter: str = ",") -> tuple[pd.DataFrame, list[Problem]]:
    """Strings to typed columns; cells that do not convert become problems.

    In a semicolon or tab file, a column written throughout with decimal commas or day-first
    dates is read that way (:mod:`lib.ingest.regional`).
    """
    typed, _checked, problems = _coerce(df, dataset, delimiter)
    return typed, problems


def _arrow_checked(c: Col) -> bool:
    """Whether the value checks read this text column as Arrow strings (see :func:`_coerce`).

    Not a list column (its values are checked one by one) nor one with a pattern (Arrow's
    regular expressions are RE2's, not Python's).
    """
    return c.kind == "str" and not c.multiple and not c.pattern


def _coerce(
    df: pd.DataFrame, dataset: Dataset, delimiter: str = ","
) -> tuple[pd.DataFrame, pd.DataFrame, Problems]:
    """:func:`coerce`, and the frame the value checks read: the same columns, but the text ones
    (:func:`_arrow_checked`) kept as Arrow strings, missing where empty. pandera asks each
    column whether it holds a missing cell once per check: on Python strings that is a scan
    of the column each time, on Arrow strings a count Arrow keeps (and ``isin`` and lengths
    run in Arrow's C++)."""
    out = pd.DataFrame(index=df.index)
    checked: dict[str, pd.Series] = {}
    factors: dict[str, np.ndarray] = {}
    problems = Problems()
    problems.unreadable = {}  # column -> rows of its cells that did not convert (see check_values)
    regional = delimiter in REGIONAL_DELIMITERS
    for c in dataset.columns:
        if c.kind == "str" and not c.multiple and (done := distinct_first(df[c.name], c.lower)):
            out[c.name], arrow, factors[c.name] = done
            if _arrow_checked(c):
                checked[c.name] = arrow
            continue
        s = df[c.name].fillna("").astype(str).str.strip()
        blank = s.isin(MISSING_TOKENS) if c.kind in ("int", "float", "date") else s.eq("")
        if c.kind == "str":
            v = s.str.lower() if c.lower else s
            if c.multiple:
                # One stored form per set of values, whatever the order or spacing in the file.
                v = v.map(lambda cell: join_list(split_list(cell)))
                blank = v.eq("")
            # object: pandas' string dtype would turn None into NaN.
            if v.dtype != "str":  # a list column's stored forms
                out[c.name] = v.astype(object).where(~blank, None)
                continue
            codes, uniques = pd.factorize(v, use_na_sentinel=True)
            factors[c.name] = codes  # the series numbering reuses it (direct.remember_factors)
            out[c.name] = as_objects(codes, uniques, v.index)
            if _arrow_checked(c):
                checked[c.name] = v.where(~blank)
            continue
        if c.kind == "bool":
            low = s.str.lower()
            bad = ~low.isin(BOOL_TRUE | BOOL_FALSE)
            out[c.name] = low.isin(BOOL_TRUE)
            msg = "must be true or false"
        elif c.kind in ("int", "float"):
            text = s.where(~blank)
            if regional and c.kind == "float":
                filled, mixed = decimal_commas(s[~blank], c.name)
                if mixed:
                    problems.append(mixed)
                text = text.where(blank, filled)
            num = _to_float(text)
            bad = num.isna() & ~blank
            tiny = _underflow(s, num)
            _cell_problems(
                problems, s, tiny.to_numpy(), c.name, lambda v, n=c.name: f"'{n}' value {v!r} {TOO_SMALL}."
            )
            if c.kind == "int":
                # inf, 1e400 or 20 digits: no int64 holds them, and no int column allows them.
                huge = num.abs() >= 2.0**53
                _cell_problems(
                    problems, s, huge.to_numpy(), c.name, lambda v, c=c: f"'{c.name}' {range_text(c)}."
                )
                frac = num.notna() & ~huge & (num != num.round())
                bad = (bad | frac) & ~tiny
                out[c.name] = num.where(~(bad | huge | tiny)).astype("Int64")
                msg = "must be a whole number (e.g. 42)"
            else:
                bad = bad & ~tiny
                out[c.name] = num.where(~tiny).astype("float64")
                msg = "must be a number with a point for decimals and no thousands separator (e.g. 1234.5)"
        elif c.kind == "date":
            d = None
            if regional:
                d, mixed = day_first_dates(s[~blank], c.name)
                if mixed:
                    problems.append(mixed)  # and its cells not in YYYY-MM-DD are named below
                elif d is not None:
                    d = d.reindex(s.index)
            if d is None:
                d = pd.to_datetime(s.where(~blank), format="%Y-%m-%d", errors="coerce")
            bad = d.isna() & ~blank
            out[c.name] = d
            msg = "must be a date written YYYY-MM-DD (e.g. 2008-11-20)"
        else:  # pragma: no cover - a programming error in datasets.py
            raise ValueError(c.kind)
        _cell_problems(problems, s, bad.to_numpy(), c.name, lambda v, n=c.name, m=msg: f"'{n}' {m}.")
        failed = out[c.name].isna().to_numpy() & ~blank.to_numpy()
        if failed.any():
            problems.unreadable[c.name] = s.index.to_numpy()[failed]
    remember_factors(out, factors)
    view = out.copy(deep=False)
    for name, col in checked.items():
        view[name] = col
    return out, view, problems


def range_text(c: Col) -> str:
    """``is out of range; it must be between lo and hi`` for a numeric column."""
    lo = c.min if c.min is not None else -math.inf
    hi = c.max if c.max is not None else math.inf
    return f"is out of range; it must be between {lo:g} and {hi:g}"


Rule = tuple[Callable[[pd.Series], pd.Series], str]


def _lengths(s: pd.Series) -> pd.Series:
    """The lengths of a column of strings: Arrow's for Arrow strings (characters, as ``len``),
    else ``map(len)`` in C (ten times ``.str.len()`` on objects)."""
    if s.dtype == "str" and not s.hasnans:
        return s.str.len().astype("int64")
    return pd.Series(np.fromiter(map(len, s.to_numpy()), dtype=np.int64, count=len(s)), index=s.index)


def _value_rules(c: Col, refs: dict[str, set[str]]) -> list[Rule]:
    """A column's value rules: (test of the non-empty cells, True where valid; error text)."""
    rules: list[Rule] = []
    if c.allowed is not None:
        allowed = list(c.allowed)
        rules.append((lambda s: s.isin(allowed), f"is not allowed; use one of: {allowed_text(c.allowed)}"))
    if c.ref is not None:
        known = refs.get(c.ref, set())
        codes = sorted(known)
        rules.append((lambda s: s.isin(codes), f"is unknown; use one of: {allowed_text(known)}"))
    if c.min is not None or c.max is not None:
        lo = c.min if c.min is not None else -math.inf
        hi = c.max if c.max is not None else math.inf
        rules.append((lambda s: (s >= lo) & (s <= hi), range_text(c)))
    if c.kind == "float":
        rules.append((lambda s: s.abs() != math.inf, "must be a finite number"))
    if c.pattern:
        pattern = c.pattern
        rules.append(
            (lambda s: s.str.match(pattern), f"is not in the right form; write it as {c.pattern_hint}")
        )
    if c.kind == "str" and c.allowed is None and c.ref is None:
        n = c.max_length or MAX_TEXT
        rules.append((lambda s: _lengths(s) <= n, f"is longer than {n} characters"))
    if c.kind == "date":
        lo, hi = DATE_RANGE
        rules.append(
            (
                lambda s: (s >= lo) & (s <= hi),
                f"is not a plausible date; it must be between {lo:%Y-%m-%d} and {hi:%Y-%m-%d}",
            )
        )
    return rules


def build_schema(
    dataset: Dataset, refs: dict[str, set[str]], *, list_values: bool = True
) -> pa.DataFrameSchema:
    """The dataset's value rules as a pandera schema: what :func:`check_values` validates with.

    A list column's cell passes when each of its values does; ``list_values=False`` leaves
    those checks out (:func:`check_values` checks the values one by one, to name the bad one).
    """
    import pandera.pandas as pa

    def each(test: Callable[[pd.Series], pd.Series]) -> Callable[[pd.Series], pd.Series]:
        # A list cell passes when every one of its values does.
        return lambda s: s.map(lambda cell: bool(test(pd.Series(split_list(cell), dtype=object)).all()))

    def checks(c: Col) -> list:
        if c.multiple and not list_values:
            return []
        return [
            pa.Check(each(test) if c.multiple else test, element_wise=False, error=error)
            for test, error in _value_rules(c, refs)
        ]

    return pa.DataFrameSchema(
        {c.name: pa.Column(checks=checks(c), nullable=not c.required, coerce=False) for c in dataset.columns},
        strict=False,
    )


#: Rows validated by one call of the schema: its failure cases (one row per failing cell) stay
#: bounded however bad a large file is; the rows after the problems kept are only counted.
CHUNKS = (20_000, 200_000)
#: Cells that did not convert (already a problem): column -> their row numbers.
Unreadable = dict[str, np.ndarray]


def _unreadable(cells: set[tuple[int, str]] | Unreadable) -> Unreadable:
    if isinstance(cells, dict):
        return cells
    out: dict[str, list[int]] = {}
    for row, col in cells:
        out.setdefault(col, []).append(row)
    return {c: np.asarray(rows) for c, rows in out.items()}


def check_values(
    typed: pd.DataFrame,
    dataset: Dataset,
    refs: dict[str, set[str]],
    unreadable: set[tuple[int, str]] | Unreadable,
    limit: int = MAX_PROBLEMS,
) -> Problems:
    """Required cells and value rules, validated by the pandera schema (lazily: every failure).

    Its failure cases become problems (at most ``limit``; the rest are counted with the same
    rules); cells in ``unreadable`` (they did not convert, which is already a problem) are not
    also reported as "required". The values of a list column are validated one by one (the
    frame exploded, the file's row numbers kept), so a problem names the bad value, not the cell.
    """
    import pandera.pandas as pa
    from pandera.errors import SchemaErrors

    schema = build_schema(dataset, refs, list_values=False)
    cells = _unreadable(unreadable)
    out = Problems()
    start, size = 0, CHUNKS[0]
    while start < len(typed):
        part = typed.iloc[start : start + size]
        start, size = start + size, CHUNKS[1]
        if len(out) >= limit:
            out.omitted += _count_failures(part, dataset, refs, cells)
            continue
        try:
            schema.validate(part, lazy=True, inplace=True)
        except SchemaErrors as err:
            found = _failure_problems(err.failure_cases, dataset, cells, limit - len(out))
            out.extend(found)
            out.omitted += found.omitted
    for c in (c for c in dataset.columns if c.multiple):
        values = typed[c.name].dropna().map(split_list).explode().dropna().to_frame(c.name)
        rules = [pa.Check(test, element_wise=False, error=error) for test, error in _value_rules(c, refs)]
        try:
            pa.DataFrameSchema({c.name: pa.Column(checks=rules, nullable=True)}).validate(values, lazy=True)
        except SchemaErrors as err:
            found = _failure_problems(err.failure_cases, dataset, cells, max(limit - len(out), 0))
            out.extend(found)
            out.omitted += found.omitted
    return out


def _count_failures(
    part: pd.DataFrame, dataset: Dataset, refs: dict[str, set[str]], cells: Unreadable
) -> int:
    """How many problems the schema would report in ``part`` (its rules, applied to count only)."""
    n = 0
    for c in dataset.columns:
        col = part[c.name]
        null = col.isna().to_numpy(dtype=bool)
        if c.required:
            skip = np.isin(part.index.to_numpy(), cells.get(c.name, np.empty(0)))
            n += int((null & ~skip).sum())
        s = col[~null]
        if c.multiple:
            s = s.map(split_list).explode().dropna()  # each value of a list counted on its own
        for test, _error in _value_rules(c, refs):
            n += int((~pd.array(test(s), dtype="boolean").to_numpy(dtype=bool, na_value=False)).sum())
    return n


def _failure_problems(cases: pd.DataFrame, dataset: Dataset, cells: Unreadable, limit: int) -> Problems:
    """pandera's failure cases as problems, in column order then rule order then row order."""
    required = cases["check"].eq("not_nullable").to_numpy()
    skip = np.zeros(len(cases), dtype=bool)
    for col, rows in cells.items():
        skip |= required & cases["column"].eq(col).to_numpy() & np.isin(cases["index"].to_numpy(), rows)
    cases = cases[~skip]
    order = {c.name: i for i, c in enumerate(dataset.columns)}
    cases = cases.assign(
        _col=cases["column"].map(order).fillna(len(order)),
        _check=pd.to_numeric(cases["check_number"], errors="coerce").fillna(-1),
    ).sort_values(["_col", "_check", "index"], kind="stable")
    problems = Problems()
    problems.omitted = max(len(cases) - limit, 0)
    head = cases.head(limit)
    for col, check, value, idx in zip(
        head["column"], head["check"], head["failure_case"], head["index"], strict=True
    ):
        row = None if idx is None or pd.isna(idx) else int(idx)
        if check == "not_nullable":
            msg = f"'{col}' is required; this row leaves it empty."
            problems.append(Problem(row, col, None, msg, reason=Reason.REQUIRED))
            continue
        val = str(value)
        problems.append(Problem(row, col, val, f"'{col}' value {val!r} {check}.", reason=Reason.VALUE))
    return problems


def _duplicates(typed: pd.DataFrame, dataset: Dataset) -> Problems:
    """A problem for each row repeating the key of an earlier row."""
    out = Problems()
    dup = duplicated_keys(typed, dataset.key)  # numbers the series once (lib.ingest.direct)
    if not dup.any():
        return out
    keys = typed.loc[dup, list(dataset.key)]
    repeat = keys.duplicated(keep="first").to_numpy()
    first_of: dict[tuple, int] = {}
    for idx, key in zip(keys.index, keys.itertuples(index=False), strict=True):
        first_of.setdefault(tuple(key), int(idx))

    def found():
        for idx, key, again in zip(keys.index, keys.itertuples(index=False), repeat, strict=True):
            if again:
                k = tuple(key)
                yield Problem(
                    int(idx),
                    ",".join(dataset.key),
                    " / ".join(map(str, k)),
                    f"Duplicate key: the same {', '.join(dataset.key)} as row {first_of[k]}. Keep one of them.",
                    reason=Reason.DUPLICATE,
                )

    out.add_capped(int(repeat.sum()), found())
    return out


def validate(
    parsed: Parsed, dataset: Dataset, refs: dict[str, set[str]], series: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed frame and every problem found (coercion, schema, row rules, duplicate keys).

    ``series`` is the MDG series catalogue: each row's series must be in it, under its indicator.
    """
    typed, checked, converted = _coerce(parsed.frame, dataset, parsed.delimiter)
    problems = Problems.merge(
        converted,
        check_values(checked, dataset, refs, converted.unreadable),
        row_rules(typed, dataset, series),
        _duplicates(typed, dataset),
    )
    problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return typed, problems
