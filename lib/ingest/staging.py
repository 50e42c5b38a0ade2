"""Stage 5: the typed rows in a temporary staging table, compared with the stored rows by key
(new / modified / unchanged), then upserted: old values of modified rows kept for revert."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import pandas as pd
from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    Table,
    and_,
    case,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)

from lib.datasets import Dataset
from lib.db import is_sqlite
from lib.ingest.results import BOOKKEEPING
from lib.models import DataVersion, SQLModel
from lib.models import Revision as RevisionModel


def target_table(dataset: Dataset) -> Table:
    return SQLModel.metadata.tables[dataset.table]


def temp_table(conn: Connection, name: str, columns: Iterable[Column]) -> Table:
    """A new, empty temporary table of this transaction (PostgreSQL drops it at commit; callers
    drop it when done, which SQLite needs)."""
    kw = {} if is_sqlite(conn) else {"postgresql_on_commit": "DROP"}
    t = Table(name, MetaData(), *columns, prefixes=["TEMPORARY"], **kw)
    t.drop(conn, checkfirst=True)
    t.create(conn)
    return t


def staging_table(dataset: Dataset, conn: Connection) -> Table:
    """A temporary table with the dataset's columns (dropped at the end of the import)."""
    target = target_table(dataset)
    cols = [Column(c.name, target.c[c.name].type) for c in dataset.columns]
    return temp_table(conn, f"staging_{dataset.table}", cols)


def python_rows(df: pd.DataFrame, dataset: Dataset) -> Iterable[tuple]:
    """Tuples in column order with None for missing and python dates (the drivers' fast path)."""
    return zip(*column_values(df, dataset), strict=True)


def column_values(df: pd.DataFrame, dataset: Dataset) -> list[list]:
    """One list per column, in the dataset's column order, with None for missing and python dates.

    A text column that may be left empty but is NOT NULL in the table (a work
    item's title) gets "" instead of None.
    """
    target = target_table(dataset)
    cols = []
    for c in dataset.columns:
        s = df[c.name]
        if c.kind in ("int", "float") and not s.isna().any():
            cols.append(s.to_numpy(dtype="int64" if c.kind == "int" else "float64").tolist())
        elif c.kind == "date":
            cols.append(s.dt.date.astype(object).where(s.notna(), None).tolist())
        elif c.kind in ("int", "float"):
            cols.append(s.astype(object).where(s.notna(), None).tolist())
        elif c.kind == "bool":
            cols.append(s.astype(bool).tolist())
        else:
            vals = s.tolist()
            if not c.required and not target.c[c.name].nullable and s.isna().any():
                vals = ["" if v is None else v for v in vals]
            cols.append(vals)
    return cols


def fill_staging(conn: Connection, staging: Table, rows: Iterable[tuple]) -> None:
    names = [c.name for c in staging.columns]
    raw = conn.connection.driver_connection
    if is_sqlite(conn):
        stmt = str(staging.insert().compile(dialect=conn.dialect))  # INSERT ... VALUES (?, ?, ...)
        cur = raw.cursor()
        cur.executemany(stmt, rows)
        cur.close()
        return
    from psycopg import sql

    copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(staging.name), sql.SQL(", ").join(map(sql.Identifier, names))
    )
    with raw.cursor() as cur, cur.copy(copy_sql) as cp:
        for r in rows:
            cp.write_row(r)


#: Rows per CSV chunk of a PostgreSQL COPY by columns: Arrow formats one while the server reads the last.
COPY_CHUNK = 50_000
#: The Arrow types whose CSV form PostgreSQL reads back as the same value.
_CSV_TYPES = ("string", "large_string", "int64", "double", "bool", "null", "date32[day]")


def fill_columns(conn: Connection, table: Table, names: list[str], cols: list[Sequence]) -> None:
    """Insert rows given as one sequence per column (``names``, in that order) into ``table``.

    SQLite: ``executemany`` over the rows. PostgreSQL: ``COPY`` in CSV made by Arrow a chunk at
    a time (psycopg's ``write_row`` formats row by row in Python: 4 s of 300k observations).
    Arrow's CSV quotes every text and leaves a missing cell unquoted and empty, PostgreSQL's
    NULL; a float is written in its shortest exact form. Columns of any other kind, or a
    connection not in UTF-8, go row by row (:func:`fill_staging`).
    """
    named = Table(table.name, MetaData(), *[Column(n) for n in names])  # the columns given, in order
    if is_sqlite(conn):
        fill_staging(conn, named, zip(*cols, strict=True))  # executemany: already by columns
        return
    import pyarrow as pa
    import pyarrow.csv as pa_csv
    from psycopg import sql

    raw = conn.connection.driver_connection
    try:
        frame = pa.table([pa.array(c) for c in cols], names=names)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):  # mixed kinds in a column
        frame = None
    if (
        frame is None
        or raw.info.encoding != "utf-8"
        or any(str(t) not in _CSV_TYPES for t in frame.schema.types)
    ):
        fill_staging(conn, named, zip(*cols, strict=True))
        return
    copy_sql = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, names))
    )
    options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
    with raw.cursor() as cur, cur.copy(copy_sql) as cp:
        for batch in frame.to_batches(max_chunksize=COPY_CHUNK):
            out = pa.BufferOutputStream()
            pa_csv.write_csv(batch, out, options)
            cp.write(out.getvalue().to_pybytes())


def _value_cols(dataset: Dataset) -> list[str]:
    return [c for c in dataset.column_names if c not in dataset.key]


def _differs(target: Table, staging: Table, dataset: Dataset):
    return or_(*[target.c[c].is_distinct_from(staging.c[c]) for c in _value_cols(dataset)])


def _key_match(target: Table, staging: Table, dataset: Dataset):
    return and_(*[target.c[k] == staging.c[k] for k in dataset.key])


def count_changes(conn: Connection, target: Table, staging: Table, dataset: Dataset) -> tuple[int, int, int]:
    """(new, modified, unchanged) rows of the staging table, in one pass."""
    matched = target.c[dataset.key[0]].is_not(None)
    total, n_matched, modified = conn.execute(
        select(
            func.count(),
            func.count(case((matched, 1))),
            func.count(case((and_(matched, _differs(target, staging, dataset)), 1))),
        ).select_from(staging.outerjoin(target, _key_match(target, staging, dataset)))
    ).one()
    return total - n_matched, modified, n_matched - modified


def modified_preview(
    conn: Connection, target: Table, staging: Table, dataset: Dataset, limit: int
) -> pd.DataFrame:
    """Modified rows as (key, column, old, new): one line per changed cell."""
    vcols = _value_cols(dataset)
    q = (
        select(
            *[staging.c[k] for k in dataset.key],
            *[target.c[c].label(f"old__{c}") for c in vcols],
            *[staging.c[c].label(f"new__{c}") for c in vcols],
        )
        .select_from(staging.join(target, _key_match(target, staging, dataset)))
        .where(_differs(target, staging, dataset))
        .limit(limit)
    )
    lines = []
    for r in conn.execute(q).mappings():
        key = " / ".join(str(r[k]) for k in dataset.key)
        for c in vcols:
            old, new = r[f"old__{c}"], r[f"new__{c}"]
            if old != new and not (old is None and new is None):
                lines.append({"key": key, "column": c, "old": old, "new": new})
    return pd.DataFrame(lines, columns=["key", "column", "old", "new"])


def stored_elsewhere(conn: Connection, target: Table, staging: Table, dataset: Dataset) -> pd.DataFrame:
    """MDG: per other source, how many of the staged values are stored the same under it.

    Same key but for the source, and the same value: the same data filed under another label.
    The join uses the primary key's leading columns (the key without the source).
    """
    same = and_(
        *[target.c[k] == staging.c[k] for k in dataset.key if k != "source"],
        target.c.source != staging.c.source,
        target.c.value == staging.c.value,
    )
    rows = conn.execute(
        select(target.c.source, func.count())
        .select_from(staging.join(target, same))
        .group_by(target.c.source)
        .order_by(func.count().desc())
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["source", "values"]).astype({"values": "int64"})


def _json_default(v):
    if isinstance(v, datetime | date):
        return v.isoformat()
    raise TypeError(type(v))


def apply_rows(
    conn: Connection,
    target: Table,
    staging: Table,
    dataset: Dataset,
    upload_id: int,
    counts: tuple[int, int, int] | None = None,
) -> None:
    """Record the old values of modified rows, update them, insert the new ones.

    ``counts`` (new, modified, unchanged) from :func:`counts` lets it skip the
    statements that have nothing to do.
    """
    new, modified, unchanged = counts if counts is not None else (None, None, None)
    match = _key_match(target, staging, dataset)
    if modified != 0:
        _apply_modified(conn, target, staging, dataset, upload_id, match)
    if new == 0:
        return
    cols = dataset.column_names
    new_rows = select(*[staging.c[c] for c in cols], literal(upload_id), literal(upload_id))
    if modified != 0 or unchanged != 0:
        new_rows = new_rows.where(~exists().where(match))
    conn.execute(insert(target).from_select([*cols, *BOOKKEEPING], new_rows))


def _apply_modified(
    conn: Connection, target: Table, staging: Table, dataset: Dataset, upload_id: int, match
) -> None:
    """Save the old values of the rows the staging table changes (for revert), then update them."""
    old_rows = conn.execute(
        select(target).select_from(target.join(staging, match)).where(_differs(target, staging, dataset))
    ).mappings()
    revs = [
        {
            "upload_id": upload_id,
            "table_name": target.name,
            "before": json.dumps(dict(r), default=_json_default),
        }
        for r in old_rows
    ]
    if revs:
        conn.execute(insert(RevisionModel.__table__), revs)
        values = {c: staging.c[c] for c in _value_cols(dataset)}
        values["upload_id"] = upload_id
        conn.execute(update(target).where(match).where(_differs(target, staging, dataset)).values(**values))


def lock_writes(conn: Connection) -> None:
    """Queue behind any other upload or revert in flight (lock the data version row until commit).

    PostgreSQL runs READ COMMITTED: without the lock two writers would both pass
    the ``expected_version`` check and count against data the other is changing.
    On SQLite, BEGIN IMMEDIATE already serialises writers and this is a plain read.
    """
    conn.execute(select(DataVersion.version).where(DataVersion.id == 1).with_for_update())
