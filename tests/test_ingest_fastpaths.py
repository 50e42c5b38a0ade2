"""The import's fast paths give exactly what the plain computations give, on random inputs:

- text columns coerced through one factorize (one shared string per distinct text) equal the
  plain conversion, cell for cell;
- the value checks read the text columns as Arrow strings and report the same problems as on
  Python strings;
- the series numbering reuses the numbering made while coercing and gives the same series;
- the series catalogue rules, looked up once per distinct series, flag the same rows;
- rows written by columns (PostgreSQL: a COPY in CSV made by Arrow) are stored as the rows
  written one by one are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import BigInteger, Column, Float, Integer, String, select

from lib.datasets import ACTION_POINTS, MDG, ROUNDS, Dataset
from lib.ingest import direct, staging
from lib.ingest.results import Parsed
from lib.ingest.rules import row_rules
from lib.ingest.staging import fill_columns, fill_staging, temp_table
from lib.ingest.summary import SUMMARY_GROUP
from lib.ingest.validate import _coerce, check_values, coerce, validate
from tests.conftest import BACKENDS

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REFS: dict[str, set[str]] = {
    "round": {"2008-H1", "2008-H2"},
    "action_point": {"127a", "134", "158"},
    "country": {"AFG", "ALB", "CIV", "KOR"},
    "agency": {"UNDP", "UNICEF"},
    "indicator": {"4.1", "5.1", "5.2"},
}
SERIES = pd.DataFrame(
    {"code": ["553", "554", "555"], "indicator_code": ["4.1", "5.1", "5.2"], "name": "", "unit": "%"}
)
#: Cell texts: valid codes, near misses (case, spaces), blanks, missing tokens, long text, accents.
CELLS = st.sampled_from(
    [
        "",
        " ",
        "AFG",
        " AFG ",
        "afg",
        "ZZZ",
        "4.1",
        "5.1",
        "9.9",
        "553",
        "554",
        "555",
        "999",
        "total",
        "Female",
        " male",
        "urban",
        "nowhere",
        "2010",
        "1990",
        "abc",
        "12.5",
        "..",
        "N/A",
        "%",
        "Bench source",
        "Côte d’Ivoire",
        "x" * 130,
        "E",
    ]
)


def _frame(dataset: Dataset, rows: list[list[str]]) -> pd.DataFrame:
    """A parsed frame of strings (pandas' string dtype, as the readers give), index = row number."""
    cols = dataset.column_names
    data = {c: pd.array([r[i % len(r)] for r in rows], dtype="str") for i, c in enumerate(cols)}
    return pd.DataFrame(data, index=pd.RangeIndex(2, 2 + len(rows)))


def _plain_text(s: pd.Series, lower: bool) -> pd.Series:
    """The plain conversion the fast path replaces: stripped (lowered) Python strings, None if empty."""
    v = s.fillna("").astype(str).str.strip()
    v = v.str.lower() if lower else v
    return v.astype(object).where(~v.eq(""), None)


ROWS = st.lists(st.lists(CELLS, min_size=11, max_size=11), min_size=1, max_size=60)


@SETTINGS
@given(rows=ROWS)
def test_text_columns_equal_the_plain_conversion(rows):
    df = _frame(MDG, rows)
    typed, _ = coerce(df, MDG)
    for c in (c for c in MDG.columns if c.kind == "str"):
        got, want = typed[c.name], _plain_text(df[c.name], c.lower)
        assert got.dtype == object
        assert got.tolist() == want.tolist(), c.name
        assert got.index.equals(want.index)


def test_equal_cells_share_one_string():
    """What makes the later factorizing, isin and binding cheap: equal cells are one object."""
    df = _frame(MDG, [["4.1", "553", "AFG", "2010", "1", "%", "total", "total", "Bench " + "source"]] * 3)
    typed, _ = coerce(df, MDG)
    cells = typed["source"].tolist()
    assert cells[0] == "Bench source" and cells[0] is cells[1] is cells[2]


@SETTINGS
@given(rows=ROWS)
def test_checks_on_arrow_strings_report_the_same_problems(rows):
    for dataset in (MDG, ACTION_POINTS, ROUNDS):
        df = _frame(dataset, rows)
        typed, checked, converted = _coerce(df, dataset)
        arrow = {c.name for c in dataset.columns if checked[c.name].dtype == "str"}
        assert arrow == {
            c.name for c in dataset.columns if c.kind == "str" and not c.multiple and not c.pattern
        }
        ours = check_values(checked, dataset, REFS, converted.unreadable)
        plain = check_values(typed, dataset, REFS, converted.unreadable)
        key = lambda p: (p.row, p.column, p.value, p.message)  # noqa: E731
        assert sorted(ours, key=key) == sorted(plain, key=key)
        assert ours.omitted == plain.omitted


def test_checks_on_arrow_strings_count_the_same_past_the_limit():
    """Past the problems kept, the rest are counted with the same rules (_count_failures)."""
    rows = [["9.9", "999", "ZZZ", "2010", "1", "x" * 130, "nowhere", "urban", "s"]] * 40
    df = _frame(MDG, rows)
    typed, checked, converted = _coerce(df, MDG)
    ours = check_values(checked, MDG, REFS, converted.unreadable, limit=5)
    plain = check_values(typed, MDG, REFS, converted.unreadable, limit=5)
    assert list(ours) == list(plain) and len(ours) == 5
    assert ours.omitted == plain.omitted > 0


def _partition(codes: np.ndarray) -> list[tuple[int, ...]]:
    """The groups of rows a numbering makes, whatever the numbers."""
    groups: dict[int, list[int]] = {}
    for i, c in enumerate(codes.tolist()):
        groups.setdefault(c, []).append(i)
    return sorted(tuple(g) for g in groups.values())


@SETTINGS
@given(rows=ROWS)
def test_series_numbering_from_the_coerced_columns_is_the_plain_one(rows):
    typed, _ = coerce(_frame(MDG, rows), MDG)
    reused = direct.combine_codes(typed, SUMMARY_GROUP)
    plain = direct.combine_codes(typed.copy(), SUMMARY_GROUP)  # a copy: nothing remembered for it
    assert reused.codes.tolist() == plain.codes.tolist()
    assert reused.first.tolist() == plain.first.tolist()
    by_groupby = typed.groupby(list(SUMMARY_GROUP), dropna=False, sort=False).ngroup().to_numpy()
    assert _partition(reused.codes) == _partition(by_groupby)


def _plain_series_rows(typed: pd.DataFrame) -> tuple[list[int], list[int]]:
    """The rows the series rules flag, computed row by row: (unknown series, another indicator's)."""
    owner = dict(zip(SERIES["code"], SERIES["indicator_code"], strict=True))
    unknown, other = [], []
    for row, code, ind in zip(typed.index, typed["series_code"], typed["indicator_code"], strict=True):
        if code is None:
            continue
        if code not in owner:
            unknown.append(int(row))
        elif ind is not None and owner[code] != ind:
            other.append(int(row))
    return unknown, other


@SETTINGS
@given(rows=ROWS)
def test_series_rules_flag_the_rows_a_row_by_row_lookup_flags(rows):
    typed, _ = coerce(_frame(MDG, rows), MDG)
    found = row_rules(typed, MDG, SERIES)
    unknown, other = _plain_series_rows(typed)
    assert sorted(p.row for p in found if "not in the series catalogue" in p.message) == unknown
    assert sorted(p.row for p in found if "is a series of indicator" in p.message) == other
    for p in found:
        if "is a series of indicator" in p.message:
            code, ind = typed.loc[p.row, "series_code"], typed.loc[p.row, "indicator_code"]
            want = dict(zip(SERIES["code"], SERIES["indicator_code"], strict=True))[code]
            assert f"indicator {want}, not of {ind}" in p.message


@pytest.mark.parametrize("dataset", [MDG, ACTION_POINTS, ROUNDS], ids=lambda d: d.name)
def test_validate_reports_what_the_plain_frame_reports(dataset):
    """The whole stage: the problems of validate() are those of the checks on Python strings."""
    rows = [
        ["4.1", "553", "AFG", "2010", "1", "%", "total", "total", "s"],
        ["5.1", "553", "ZZZ", "1900", "x", "", "Female", "moon", ""],
        ["", "999", " alb ", "2011", "..", "x" * 130, "", "urban", "s"],
    ]
    df = _frame(dataset, rows)
    typed, problems = validate(Parsed(df, "template", ",", ""), dataset, REFS, SERIES)
    plain_typed, converted = coerce(df, dataset)
    assert typed.equals(plain_typed)
    plain = check_values(plain_typed, dataset, REFS, converted.unreadable)
    assert {(p.row, p.column, p.message) for p in plain} <= {(p.row, p.column, p.message) for p in problems}


#: Texts a CSV could garble: quotes, separators, line ends, a lone "\\.", empty, accents, long.
TEXTS = st.one_of(
    st.none(),
    st.sampled_from(["", " ", '"', '""', ",", "\\.", "\\N", "NULL", "a\nb", "a\r\nb", "é", "x" * 300]),
    st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=20),
)
FLOATS = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False))
INTS = st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1))
WRITTEN = st.lists(st.tuples(TEXTS, FLOATS, INTS, TEXTS), min_size=0, max_size=40)


@BACKENDS
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows=WRITTEN)
def test_rows_written_by_columns_are_stored_as_rows_one_by_one(engine, rows, monkeypatch):
    rows = [(n, *r) for n, r in enumerate(rows)]
    names = ["n", "t", "f", "i", "u"]
    kinds = [Integer, String, Float, BigInteger, String]
    with engine.begin() as conn:
        by_rows = temp_table(conn, "by_rows", [Column(n, k) for n, k in zip(names, kinds, strict=True)])
        by_cols = temp_table(conn, "by_cols", [Column(n, k) for n, k in zip(names, kinds, strict=True)])
        fill_staging(conn, by_rows, rows)
        if engine.dialect.name == "postgresql":  # the CSV path itself, not its row-by-row fallback
            monkeypatch.setattr(staging, "fill_staging", None)
        fill_columns(conn, by_cols, names, [list(c) for c in zip(*rows, strict=True)] if rows else [[]] * 5)
        plain = [tuple(r) for r in conn.execute(select(*by_rows.c).order_by(by_rows.c.n))]
        fast = [tuple(r) for r in conn.execute(select(*by_cols.c).order_by(by_cols.c.n))]
        by_rows.drop(conn)
        by_cols.drop(conn)
    assert fast == plain == rows
