"""The import's fast path for observations of series with nothing stored yet.

A row can only replace a stored one of its own series (indicator, series, country, sex,
location, source: a prefix of the key, see ``summary.SUMMARY_GROUP``), and
``observation_summary`` lists every stored series exactly (it is kept in the same
transaction as every write). So the rows of series the summary does not know are new
without comparing them: they are counted as new and written straight into ``observation``
(SQLite ``executemany`` over the columns, PostgreSQL ``COPY``), skipping the staging table,
the key join and the insert from it. Only the other rows go through staging.

The frame's series are numbered once (:func:`series_codes`): the same numbers serve the
fresh rows' test, the summary's counts and the end points (``ends``).
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table, func, select

from lib.datasets import Dataset
from lib.db import is_sqlite
from lib.ingest.staging import column_values, fill_columns
from lib.ingest.summary import SUMMARY_GROUP
from lib.models import Observation, ObservationSummary

#: Above this many distinct sources in a file, the summary's series are read without a filter.
SOURCE_FILTER_LIMIT = 500
#: SQLite's page cache during an import's write, in KiB (the default is 2 MiB): rows that land
#: all over a B-tree (a file of many sources, the summary and end points) are inserted into
#: pages still in memory instead of pages spilled to the WAL and read back.
WRITE_CACHE_KIB = 256 * 1024


@contextmanager
def write_cache(conn: Connection) -> Iterator[None]:
    """SQLite: a larger page cache while the block writes (pages are only taken as they are used),
    the connection's own size restored after; elsewhere nothing."""
    if not is_sqlite(conn):
        yield
        return
    old = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
    conn.exec_driver_sql(f"PRAGMA cache_size=-{WRITE_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={old}")


@dataclass
class SeriesCodes:
    """Each row's series as a number 0..n-1 (``codes``) and the first row of each (``first``)."""

    codes: np.ndarray
    first: np.ndarray

    @property
    def n(self) -> int:
        return len(self.first)


#: Each text column's numbering (``pd.factorize`` codes, -1 for a missing cell) made while the
#: frame was coerced (lib.ingest.validate), by frame id with a weak reference to tell a reused id.
_FACTORS: dict[int, tuple[weakref.ref, dict[str, np.ndarray]]] = {}


def remember_factors(frame: pd.DataFrame, factors: dict[str, np.ndarray]) -> None:
    """Keep the columns' numbering of a new frame, for :func:`combine_codes` to reuse."""
    for key in [k for k, (ref, _) in _FACTORS.items() if ref() is None]:
        del _FACTORS[key]
    _FACTORS[id(frame)] = (weakref.ref(frame), factors)


def _factor(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, int]:
    """A column's cells numbered 0..n-1 (a missing cell has its own number), and n."""
    held = _FACTORS.get(id(frame))
    if held is not None and held[0]() is frame and column in held[1]:
        k = held[1][column] + 1  # -1 (missing) becomes 0
        return k, int(k.max(initial=0)) + 1
    k, uniques = pd.factorize(frame[column], use_na_sentinel=False)
    return k, len(uniques)


def combine_codes(frame: pd.DataFrame, columns: tuple[str, ...] | list[str]) -> SeriesCodes:
    """Number the distinct combinations of ``columns``: one factorize per column (or the one
    made while coercing it, see :func:`remember_factors`), one sort."""
    codes = np.zeros(len(frame), dtype=np.int64)
    for c in columns:
        k, n_uniques = _factor(frame, c)
        codes = codes * max(n_uniques, 1) + k
        if n_uniques > 1 and int(codes.max(initial=0)) > 2**40:  # keep clear of int64 overflow
            codes = np.unique(codes, return_inverse=True)[1].astype(np.int64)
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    return SeriesCodes(inverse.astype(np.int64), first)


#: The series numbers of the frames validated last (by id, with a weak reference to tell a
#: reused id): the duplicate-key check numbers them, the import reuses them.
_SERIES_MEMO: dict[int, tuple[weakref.ref, SeriesCodes]] = {}


def series_codes(frame: pd.DataFrame) -> SeriesCodes:
    """The series (``SUMMARY_GROUP``) of each observation row (numbered once per frame)."""
    held = _SERIES_MEMO.get(id(frame))
    if held is not None and held[0]() is frame:
        return held[1]
    codes = combine_codes(frame, SUMMARY_GROUP)
    for key in [k for k, (ref, _) in _SERIES_MEMO.items() if ref() is None]:
        del _SERIES_MEMO[key]
    _SERIES_MEMO[id(frame)] = (weakref.ref(frame), codes)
    return codes


def duplicated_keys(frame: pd.DataFrame, key: tuple[str, ...] | list[str]) -> pd.Series:
    """``frame.duplicated(key, keep=False)``, from the series numbers when the key is a series and
    a year (the observation key): the numbers then serve the import too, the text columns are
    factorized once instead of twice."""
    if set(key) != {*SUMMARY_GROUP, "year"}:
        return frame.duplicated(list(key), keep=False)
    years, _ = pd.factorize(frame["year"], use_na_sentinel=False)
    keyed = series_codes(frame).codes * (int(years.max(initial=0)) + 1) + years
    _, inverse, counts = np.unique(keyed, return_inverse=True, return_counts=True)
    return pd.Series(counts[inverse] > 1, index=frame.index)


def fresh_rows(
    conn: Connection, dataset: Dataset, typed: pd.DataFrame, series: SeriesCodes, *, any_source: bool = False
) -> np.ndarray:
    """Which rows belong to series with nothing stored (new without comparing): a boolean mask.

    With ``any_source``, a series stored under another source is not fresh either: its rows are
    staged, so that the same values uploaded again under another name are found and refused.
    All False for tables other than ``observation``. Call it after taking the write lock, so
    that no other write adds those series in between.
    """
    if dataset.table != Observation.__tablename__ or typed.empty:
        return np.zeros(len(typed), dtype=bool)
    s = ObservationSummary.__table__
    group = [k for k in SUMMARY_GROUP if not (any_source and k == "source")]
    stmt = select(*[s.c[k] for k in group]).distinct()
    heads = typed.iloc[series.first]
    sources = heads["source"].dropna().unique().tolist()
    if len(sources) <= SOURCE_FILTER_LIMIT and not any_source:
        stmt = stmt.where(s.c.source.in_(sources))
    stored = {tuple(r) for r in conn.execute(stmt)}
    if not stored:
        return np.ones(len(typed), dtype=bool)
    known = np.fromiter(
        (tuple(r) in stored for r in heads[group].itertuples(index=False, name=None)),
        dtype=bool,
        count=len(heads),
    )
    return ~known[series.codes]


def check_references(conn: Connection, target: Table, rows: pd.DataFrame) -> None:
    """Every code ``rows`` hold in a column of ``target`` with a foreign key exists in the table
    it refers to, as SQLite's per-row check would find (a write under
    :func:`lib.db.checked_writer` calls it inside its transaction, under the write lock, so no
    other write can remove one meanwhile); else ``sqlite3.IntegrityError``, SQLite's own."""
    for fk in target.foreign_keys:
        codes = pd.unique(rows[fk.parent.name].dropna()).tolist()
        if not codes:
            continue
        found = conn.execute(select(func.count()).where(fk.column.in_(codes))).scalar_one()
        if found != len(codes):
            raise sqlite3.IntegrityError(f"FOREIGN KEY constraint failed ({target.name}.{fk.parent.name})")


def insert_rows(
    conn: Connection, target: Table, dataset: Dataset, rows: pd.DataFrame, upload_id: int
) -> None:
    """Write rows known to be new straight into ``target``, marked as the upload's."""
    if rows.empty:
        return
    names = [*dataset.column_names, "upload_id", "created_upload_id"]
    ids = [upload_id] * len(rows)
    fill_columns(conn, target, names, [*column_values(rows, dataset), ids, ids])


def summary_delta(rows: pd.DataFrame, series: SeriesCodes) -> pd.DataFrame:
    """What ``rows`` add to ``observation_summary`` (per SUMMARY_KEY: size, min and max year),
    grouped on the series numbers instead of the text keys (pandas' groupby over seven text
    columns took 2.3 s for 2M rows)."""
    unit_codes, units = pd.factorize(rows["unit"], use_na_sentinel=False)
    keyed = series.codes * max(len(units), 1) + unit_codes
    _, first, inverse = np.unique(keyed, return_index=True, return_inverse=True)
    year = rows["year"].to_numpy(dtype=np.int64)
    n = len(first)
    lo = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    hi = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(lo, inverse, year)
    np.maximum.at(hi, inverse, year)
    delta = rows.iloc[first][[*SUMMARY_GROUP, "unit"]].reset_index(drop=True)
    delta["size"] = np.bincount(inverse, minlength=n)
    delta["min"], delta["max"] = lo, hi
    return delta


def insert_summary(conn: Connection, delta: pd.DataFrame) -> None:
    """Insert :func:`summary_delta` of rows whose series the summary has none of (no merge needed)."""
    s = ObservationSummary.__table__
    values = [delta[k].tolist() for k in (*SUMMARY_GROUP, "unit")]
    counts = [delta[c].astype("int64").tolist() for c in ("size", "min", "max")]
    fill_columns(conn, s, [c.name for c in s.columns], [*values, *counts])
