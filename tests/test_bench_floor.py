"""The import bench's floor (bench.ingest.baseline with the derived rows) writes exactly what our import
wrote: the same observations and the same summary and end-point rows, in the same tables."""

from __future__ import annotations

import sqlite3

from bench import data
from bench.ingest import DERIVED_TABLES, baseline, derived_rows, fresh_engine, ours, quoted_table
from bench.ingest import _observation_ddl as observation_ddl


def _rows(db, table):
    con = sqlite3.connect(db)
    try:
        return sorted(con.execute(f"SELECT * FROM {quoted_table(table)}").fetchall())  # noqa: S608
    finally:
        con.close()


def test_the_floor_writes_the_rows_our_import_wrote(tmp_path):
    csv_path = data.write_synthetic(tmp_path / "small.csv", 400)
    engine = fresh_engine(tmp_path / "ours.db")
    assert ours(engine, csv_path) == 400
    engine.dispose()
    derived = derived_rows(tmp_path / "ours.db")
    assert [name for name, _, _ in derived] == list(DERIVED_TABLES)
    assert all(rows for _, _, rows in derived)
    n = baseline(csv_path, tmp_path / "floor.db", observation_ddl(tmp_path / "ours.db"), derived)
    assert n == 400
    for table in DERIVED_TABLES:
        assert _rows(tmp_path / "floor.db", table) == _rows(tmp_path / "ours.db", table)
    assert len(_rows(tmp_path / "floor.db", "observation")) == 400
