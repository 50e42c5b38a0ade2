"""Stage 4: strings to typed columns, then every rule: the value rules through the dataset's
pandera schema, the rules across the columns of a row, and duplicate keys."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lib.datasets import (
    AtMostOne,
    Col,
    Dataset,
    EmptyUnless,
    MemberOf,
    NotBefore,
    RequiredWhen,
    RowRule,
    join_list,
    split_list,
)
from lib.ingest.direct import duplicated_keys
from lib.ingest.results import BOOL_FALSE, BOOL_TRUE, MISSING_TOKENS, Parsed, Problem, Reason

if TYPE_CHECKING:  # pandera is imported when a schema is built, not with this module
    import pandera.pandas as pa


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


def coerce(df: pd.DataFrame, dataset: Dataset) -> tuple[pd.DataFrame, list[Problem]]:
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
                    problems.append(Problem(int(idx), c.name, s.at[idx], f"'{c.name}' {range_text(c)}."))
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


def range_text(c: Col) -> str:
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
    if c.max_length:
        n = c.max_length
        rules.append((lambda s: _lengths(s) <= n, f"is longer than {n} characters"))
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


def check_values(
    typed: pd.DataFrame, dataset: Dataset, refs: dict[str, set[str]], unreadable: set[tuple[int, str]]
) -> list[Problem]:
    """Required cells and value rules, validated by the pandera schema (lazily: every failure).

    Its failure cases become problems; cells in ``unreadable`` (they did not convert, which is
    already a problem) are not also reported as "required". The values of a list column are
    validated one by one (the frame exploded, the file's row numbers kept), so a problem names
    the bad value, not the whole cell.
    """
    import pandera.pandas as pa
    from pandera.errors import SchemaErrors

    problems: list[Problem] = []
    try:
        build_schema(dataset, refs, list_values=False).validate(typed, lazy=True, inplace=True)
    except SchemaErrors as err:
        problems += _failure_problems(err.failure_cases, dataset, unreadable)
    for c in (c for c in dataset.columns if c.multiple):
        values = typed[c.name].dropna().map(split_list).explode().dropna().to_frame(c.name)
        rules = [pa.Check(test, element_wise=False, error=error) for test, error in _value_rules(c, refs)]
        try:
            pa.DataFrameSchema({c.name: pa.Column(checks=rules, nullable=True)}).validate(values, lazy=True)
        except SchemaErrors as err:
            problems += _failure_problems(err.failure_cases, dataset, unreadable)
    return problems


def _failure_problems(
    cases: pd.DataFrame, dataset: Dataset, unreadable: set[tuple[int, str]]
) -> list[Problem]:
    """pandera's failure cases as problems, in column order then rule order then row order."""
    order = {c.name: i for i, c in enumerate(dataset.columns)}
    cases = cases.assign(
        _col=cases["column"].map(order).fillna(len(order)),
        _check=pd.to_numeric(cases["check_number"], errors="coerce").fillna(-1),
    ).sort_values(["_col", "_check", "index"], kind="stable")
    problems: list[Problem] = []
    for col, check, value, idx in zip(
        cases["column"], cases["check"], cases["failure_case"], cases["index"], strict=True
    ):
        row = None if idx is None or pd.isna(idx) else int(idx)
        if check == "not_nullable":
            if (row, col) not in unreadable:
                msg = f"'{col}' is required; this row leaves it empty."
                problems.append(Problem(row, col, None, msg, reason=Reason.REQUIRED))
            continue
        val = str(value)
        problems.append(Problem(row, col, val, f"'{col}' value {val!r} {check}.", reason=Reason.VALUE))
    return problems


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
    typed, problems = coerce(parsed.frame, dataset)
    unreadable = {(p.row, p.column) for p in problems}  # not also reported as "required"
    problems += check_values(typed, dataset, refs, unreadable)
    problems += _row_rules(typed, dataset)
    dup = duplicated_keys(typed, dataset.key)  # numbers the series once (see direct)
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
