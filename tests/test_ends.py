"""observation_end, each series' end points per cut-off year kept at write time, gives the
briefing's rating inputs exactly as grouping the whole observation table does (SQLite and
PostgreSQL): after seeding, all-new imports (earlier firsts and bases, later latests), imports
that modify rows, reverts, rounds that add or drop a cut-off year, and the migration.

And the import's fast path (lib.ingest.direct): rows of series with nothing stored are
counted and written without staging, with the same result as through it.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, inspect, select

from lib import ingest, queries, rating_reads
from lib.domains.mdg import headline
from lib.ingest import direct, ends, import_bytes, revert, to_csv_bytes
from lib.models import Observation, ObservationEnd
from lib.rounds import window
from lib.seed import init
from tests.conftest import BACKENDS
from tests.test_summary import alembic, imp, modifying_file, new_rows_file, new_years_file, seed_frame

pytestmark = BACKENDS

SERIES = ["indicator_code", "series_code", "country_iso3", "sex", "location", "source"]
ROWS_KEY = [*SERIES, "year"]


def ends_rows(engine: Engine) -> list[tuple]:
    """observation_end as stored, in key order."""
    e = ObservationEnd.__table__
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(e).order_by(*e.primary_key.columns))]


def assert_ends_exact(engine: Engine) -> None:
    """For every set of the held cut-off years, the stored end points equal the table's scan."""
    with engine.connect() as conn:
        held = ends.covered_years(conn)
        assert held == ends.cutoff_years(conn)
    assert held, "no cut-off years held"
    for n in (1, 2, len(held)):
        for years in itertools.combinations(held, n):
            stored = rating_reads.stored_end_points(engine, years)
            assert stored is not None, years
            scan = rating_reads.rating_observations_scan(engine, years)
            assert list(stored.columns) == list(scan.columns)
            assert len(scan) > 0
            pd.testing.assert_frame_equal(
                stored.sort_values(ROWS_KEY).reset_index(drop=True),
                scan.sort_values(ROWS_KEY).reset_index(drop=True),
            )


def moved_ends_file() -> bytes:
    """All-new rows in existing series that move their end points: an earlier first (1985), an
    earlier base (the year before the series' first from 1991 on) and a later latest (the year
    after the series' last up to 2005, when that year is free)."""
    seed = seed_frame().astype({"year": int})
    g = seed.groupby(SERIES)["year"]
    seed["first"], seed["last_05"] = (
        g.transform("min"),
        seed["year"].where(seed["year"] <= 2005).groupby([seed[k] for k in SERIES]).transform("max"),
    )
    heads = seed.drop_duplicates(SERIES)
    first = heads.iloc[::11].assign(year=1985)
    base = heads[heads["first"] >= 1991].iloc[::5]
    base = base.assign(year=base["first"] - 1)
    latest = heads[heads["last_05"].notna()].iloc[::7]
    latest = latest.assign(year=(latest["last_05"] + 1).astype(int))
    out = pd.concat([first, base, latest]).drop_duplicates(ROWS_KEY)
    taken = set(map(tuple, seed[ROWS_KEY].itertuples(index=False)))
    out = out[[tuple(r) not in taken for r in out[ROWS_KEY].itertuples(index=False)]]
    return to_csv_bytes(out.drop(columns=["first", "last_05"]).astype({"year": str}))


ROUND_2010 = b"id,title,meeting_date,cutoff_date\n2010-H1,First 2010,2010-05-15,2010-04-30\n"


@pytest.mark.parametrize("share", [0.25, 0.0, math.inf], ids=["default", "always-rebuild", "always-series"])
def test_end_points_follow_seeding_imports_reverts_and_rounds(engine, share, monkeypatch):
    monkeypatch.setattr(ingest.summary, "SUMMARY_REBUILD_SHARE", share)
    init(engine)
    assert_ends_exact(engine)
    seeded = ends_rows(engine)

    new = imp(engine, new_rows_file(), "new.csv")
    assert new.new > 0 and (new.modified, new.unchanged) == (0, 0)
    assert_ends_exact(engine)
    moved = imp(engine, moved_ends_file(), "moved.csv")
    assert moved.new > 0 and (moved.modified, moved.unchanged) == (0, 0)
    assert_ends_exact(engine)
    after_moved = ends_rows(engine)
    years = imp(engine, new_years_file(), "years.csv")
    assert_ends_exact(engine)
    mod = imp(engine, modifying_file(), "modified.csv")
    assert mod.modified > 0 and mod.unchanged > 0
    assert_ends_exact(engine)

    # A round with a new cut-off year: its end points are computed; its revert drops them.
    added = import_bytes(engine, "rounds", ROUND_2010, "r.csv")
    assert added.ok and added.new == 1
    with engine.connect() as conn:
        assert 2009 in ends.covered_years(conn)
    assert_ends_exact(engine)
    revert(engine, added.upload_id, user="tester")
    with engine.connect() as conn:
        assert 2009 not in ends.covered_years(conn)
    assert rating_reads.stored_end_points(engine, [2009]) is None  # not held: the scan answers
    assert len(rating_reads.rating_observations(engine, [2009])) > 0

    revert(engine, mod.upload_id, user="tester")
    assert_ends_exact(engine)
    revert(engine, years.upload_id, user="tester")
    assert ends_rows(engine) == after_moved
    revert(engine, moved.upload_id, user="tester")
    revert(engine, new.upload_id, user="tester")
    assert_ends_exact(engine)
    assert ends_rows(engine) == seeded


def test_the_cut_off_years_are_the_overviews_data_years(engine):
    """Held: the data years the latest round's overview rates (its own and the previous round's)."""
    init(engine)
    rounds = queries.rounds(engine)
    with engine.connect() as conn:
        held = ends.cutoff_years(conn)
    assert held == sorted(set(headline.data_years(window(rounds, rounds["id"].iloc[-1]))))
    added = import_bytes(engine, "rounds", ROUND_2010, "r.csv")
    with engine.connect() as conn:
        assert ends.cutoff_years(conn) == ends.covered_years(conn) == [2007, 2009]
    revert(engine, added.upload_id)
    with engine.connect() as conn:
        assert ends.cutoff_years(conn) == ends.covered_years(conn) == held


def test_migration_fills_the_end_points_it_creates(engine):
    init(engine)
    imp(engine, modifying_file(), "modified.csv")
    maintained = ends_rows(engine)
    assert maintained
    alembic(engine, "downgrade", "0007")
    assert "observation_end" not in inspect(engine).get_table_names()
    alembic(engine, "upgrade", "head")
    assert ends_rows(engine) == maintained
    assert_ends_exact(engine)


def test_rows_of_unknown_series_go_straight_in_with_the_same_result(engine, monkeypatch):
    """The same file imported with and without the fast path: same counts, same table."""
    init(engine, seed=False)
    imp(engine, to_csv_bytes(seed_frame().iloc[::3]), "part.csv")  # some series stored
    raw = to_csv_bytes(seed_frame())  # stored series (unchanged and new rows) and unknown ones

    typed, _, _ = _typed(engine, raw)
    with engine.connect() as conn:
        fresh = direct.fresh_rows(conn, ingest.pipeline.get_dataset("mdg"), typed, direct.series_codes(typed))
    assert 0 < fresh.sum() < len(typed)
    stored = set(map(tuple, _table(engine)[SERIES].itertuples(index=False)))
    expected = np.array([tuple(r) not in stored for r in typed[SERIES].itertuples(index=False)])
    assert (fresh == expected).all()

    fast = import_bytes(engine, "mdg", raw, "all.csv", dry_run=True)
    monkeypatch.setattr(direct, "fresh_rows", lambda conn, ds, t, s, **kw: np.zeros(len(t), dtype=bool))
    slow = import_bytes(engine, "mdg", raw, "all.csv", dry_run=True)
    assert (fast.new, fast.modified, fast.unchanged) == (slow.new, slow.modified, slow.unchanged)
    slow = import_bytes(engine, "mdg", raw, "all.csv")
    through_staging = _table(engine)
    revert(engine, slow.upload_id)
    monkeypatch.undo()
    fast = import_bytes(engine, "mdg", raw, "all.csv")
    assert (fast.new, fast.modified, fast.unchanged) == (slow.new, slow.modified, slow.unchanged)
    direct_table = _table(engine)
    pd.testing.assert_frame_equal(
        direct_table.drop(columns=["upload_id", "created_upload_id"]),
        through_staging.drop(columns=["upload_id", "created_upload_id"]),
    )
    assert set(direct_table["upload_id"]) - {None} >= {fast.upload_id}


def _typed(engine: Engine, raw: bytes):
    with engine.connect() as conn:
        return ingest.read_file(conn, ingest.pipeline.get_dataset("mdg"), raw, source="x", max_bytes=None)


def _table(engine: Engine) -> pd.DataFrame:
    o = Observation.__table__
    return queries._frame(engine, select(o).order_by(*o.primary_key.columns))
