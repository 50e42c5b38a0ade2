"""observation_end.rating, each series' progress rating per cut-off year kept at write time, holds
exactly what rating the whole observation table gives (SQLite and PostgreSQL): after seeding,
all-new imports, re-imports, imports that modify rows, reverts, rounds that add or drop a
cut-off year, and the migration; and the briefing overview reads it instead of rating anew.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from sqlalchemy import Engine, inspect, select

from lib import ingest, overview, queries, rating_reads
from lib.domains.mdg import rating
from lib.domains.mdg.texts import is_successor_source
from lib.ingest import ends, import_bytes, ratings, revert, to_csv_bytes
from lib.models import Observation, ObservationEnd
from lib.seed import init
from tests.conftest import BACKENDS
from tests.test_ends import ROUND_2010, moved_ends_file
from tests.test_summary import alembic, imp, modifying_file, new_rows_file, new_years_file, seed_frame

pytestmark = BACKENDS

SERIES = ["indicator_code", "series_code", "country_iso3", "sex", "location", "source"]
#: The columns of a stored rating (the key of observation_end, its rating, whether the headline counts it).
RATING = ["cutoff_year", *SERIES, "rating", "counted"]


def rating_rows(engine: Engine) -> list[tuple]:
    """The ratings as stored in observation_end, in key order."""
    r = ObservationEnd.__table__
    with engine.connect() as conn:
        return [
            tuple(x) for x in conn.execute(select(*[r.c[c] for c in RATING]).order_by(*r.primary_key.columns))
        ]


def recomputed(engine: Engine, year: int) -> pd.DataFrame:
    """Every series' rating up to ``year`` from the whole observation table (progress_rating)."""
    o = Observation.__table__
    obs = queries._frame(engine, select(o).where(o.c.year <= year))
    return rating.progress_rating(obs, queries.indicators(engine))


def assert_ratings_exact(engine: Engine) -> None:
    """Per held cut-off year, the stored ratings are those of a full recomputation."""
    with engine.connect() as conn:
        held = ends.covered_years(conn)
        assert ratings.rated_years(conn) == held
    assert held
    stored = pd.DataFrame(rating_rows(engine), columns=RATING)
    for year in held:
        full = recomputed(engine, year)
        assert len(full) > 0
        pd.testing.assert_frame_equal(
            stored.loc[stored["cutoff_year"] == year, [*SERIES, "rating"]].reset_index(drop=True),
            full[[*SERIES, "rating"]].sort_values(SERIES).reset_index(drop=True),
        )
        assert_counted_exact(stored.loc[stored["cutoff_year"] == year], full)


def assert_counted_exact(stored: pd.DataFrame, full: pd.DataFrame) -> None:
    """``counted`` marks exactly the series ``mdg_first`` chooses among the ratings ``full``
    (a rated series has values up to its year: every one is "valued")."""
    chosen, _ = rating.mdg_first(full.assign(value=1.0), is_successor_source)
    expected = full[SERIES].merge(chosen[SERIES].assign(chosen=True), on=SERIES, how="left")
    expected = expected.assign(counted=expected["chosen"].notna()).sort_values(SERIES)
    got = stored[[*SERIES, "counted"]].astype({"counted": bool}).sort_values(SERIES)
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True), expected[[*SERIES, "counted"]].reset_index(drop=True)
    )


def assert_overview_same(engine: Engine, monkeypatch, moves: bool = False) -> None:
    """The latest round's overview from the stored ratings is the one rated from the observations
    (``moves``: and some ratings moved since the previous round's data year)."""
    latest = str(queries.rounds(engine)["id"].iloc[-1])
    kept = overview.compute(engine, latest)
    with monkeypatch.context() as m:
        m.setattr(rating_reads, "stored_ratings", lambda *args: None)
        rated = overview.compute(engine, latest)
    assert [(c.label, c.now, c.before) for c in kept.mdg] == [(c.label, c.now, c.before) for c in rated.mdg]
    assert kept.mdg and kept.mdg[0].now
    assert len(kept.mdg_moved) > 0 if moves else True
    pd.testing.assert_frame_equal(kept.mdg_moved, rated.mdg_moved)


@pytest.mark.parametrize("share", [0.25, 0.0, math.inf], ids=["default", "always-rebuild", "always-series"])
def test_ratings_follow_seeding_imports_reverts_and_rounds(engine, share, monkeypatch):
    monkeypatch.setattr(ingest.summary, "SUMMARY_REBUILD_SHARE", share)
    init(engine)
    assert_ratings_exact(engine)
    assert_overview_same(engine, monkeypatch)
    seeded = rating_rows(engine)

    new = imp(engine, new_rows_file(), "new.csv")
    assert new.new > 0 and (new.modified, new.unchanged) == (0, 0)
    assert_ratings_exact(engine)
    moved = imp(engine, moved_ends_file(), "moved.csv")
    assert moved.new > 0 and (moved.modified, moved.unchanged) == (0, 0)
    assert_ratings_exact(engine)
    after_moved = rating_rows(engine)
    assert after_moved != seeded  # earlier firsts and later latests moved some ratings
    years = imp(engine, new_years_file(), "years.csv")
    assert_ratings_exact(engine)
    mod = imp(engine, modifying_file(), "modified.csv")
    assert mod.modified > 0 and mod.unchanged > 0
    assert_ratings_exact(engine)
    assert_overview_same(engine, monkeypatch)
    after_mod = rating_rows(engine)
    same = import_bytes(engine, "mdg", modifying_file(), "modified-again.csv", max_bytes=None)
    assert same.ok and (same.new, same.modified) == (0, 0)  # the same file again: nothing changes
    assert rating_rows(engine) == after_mod
    again = imp(engine, to_csv_bytes(seed_frame()), "seed-again.csv")  # the seed's values back
    assert again.modified > 0 and again.new == 0
    assert_ratings_exact(engine)

    # A round with a new cut-off year: its ratings are computed; its revert drops them.
    added = import_bytes(engine, "rounds", ROUND_2010, "r.csv")
    assert added.ok and added.new == 1
    with engine.connect() as conn:
        assert 2009 in ratings.rated_years(conn)
    assert_ratings_exact(engine)
    assert_overview_same(engine, monkeypatch, moves=True)  # 2009 against 2007
    revert(engine, added.upload_id, user="tester")
    with engine.connect() as conn:
        assert 2009 not in ratings.rated_years(conn)
    assert rating_reads.stored_ratings(engine, 2009, 2007) is None  # not held: the overview rates anew

    revert(engine, again.upload_id, user="tester")
    assert rating_rows(engine) == after_mod
    revert(engine, mod.upload_id, user="tester")
    assert_ratings_exact(engine)
    revert(engine, years.upload_id, user="tester")
    assert rating_rows(engine) == after_moved
    revert(engine, moved.upload_id, user="tester")
    revert(engine, new.upload_id, user="tester")
    assert_ratings_exact(engine)
    assert rating_rows(engine) == seeded


def test_the_overview_reads_the_stored_ratings(engine, monkeypatch):
    """For the latest round nothing is rated or grouped at view time."""
    init(engine)
    latest = str(queries.rounds(engine)["id"].iloc[-1])
    expected = overview.compute(engine, latest)

    def refuse(*args, **kwargs):
        raise AssertionError("rated at view time")

    monkeypatch.setattr(rating, "progress_rating", refuse)
    monkeypatch.setattr(rating_reads, "rating_observations", refuse)
    ov = overview.compute(engine, latest)
    assert [(c.now, c.before) for c in ov.mdg] == [(c.now, c.before) for c in expected.mdg]
    pd.testing.assert_frame_equal(ov.mdg_moved, expected.mdg_moved)


def test_migration_fills_the_ratings_it_creates(engine):
    init(engine)
    imp(engine, modifying_file(), "modified.csv")
    maintained = rating_rows(engine)
    assert maintained
    alembic(engine, "downgrade", "0008")
    assert "observation_rating" not in inspect(engine).get_table_names()
    alembic(engine, "upgrade", "head")
    assert rating_rows(engine) == maintained
    assert_ratings_exact(engine)


def mdg_water_file(countries: list[str]) -> bytes:
    """One MDG-era value of 7.8 (drinking water) up to the seed's data year for each of
    ``countries``, where the seed rates 7.8 only on the successor series."""
    seed = seed_frame()
    row = seed.loc[(seed["indicator_code"] == "7.8") & ~seed["source"].map(is_successor_source)].iloc[:1]
    assert len(row) == 1
    rows = pd.concat([row.assign(country_iso3=c, year="2005") for c in countries])
    return to_csv_bytes(rows)


def counted_of(engine: Engine, country: str) -> set[tuple[str, bool]]:
    r = ObservationEnd.__table__
    with engine.connect() as conn:
        got = conn.execute(
            select(r.c.source, r.c.counted).where(r.c.indicator_code == "7.8", r.c.country_iso3 == country)
        ).all()
    return {(str(src), bool(c)) for src, c in got}


def test_an_mdg_series_added_or_reverted_recounts_the_successor_beside_it(engine, monkeypatch):
    """The headline counts a successor rating only while no MDG series of its indicator and
    country is rated: an import adding one turns the successor's ``counted`` off, its revert on."""
    init(engine)
    successor = {(s, c) for s, c in counted_of(engine, "BRA")}
    assert successor and all(is_successor_source(s) and c for s, c in successor)
    before = overview.compute(engine, str(queries.rounds(engine)["id"].iloc[-1]))
    added = imp(engine, mdg_water_file(["BRA", "IND"]), "water.csv")
    assert added.new == 2
    now = counted_of(engine, "BRA")
    assert {c for s, c in now if is_successor_source(s)} == {False}
    assert {c for s, c in now if not is_successor_source(s)} == {True}
    assert_ratings_exact(engine)
    assert_overview_same(engine, monkeypatch)
    revert(engine, added.upload_id, user="tester")
    assert counted_of(engine, "BRA") == successor
    assert_ratings_exact(engine)
    after = overview.compute(engine, str(queries.rounds(engine)["id"].iloc[-1]))
    assert [(c.label, c.now) for c in after.mdg] == [(c.label, c.now) for c in before.mdg]
