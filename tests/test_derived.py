"""Results shared through the database (lib.derived): computed once per data version and code,
never served for another version, never blocking a page, stored without pickle."""

from __future__ import annotations

import time
from dataclasses import fields

import pandas as pd
from sqlalchemy import func, select, update

from lib import derived, overview, queries, rating_reads, storage
from lib.db import bump_data_version, writer
from lib.domains.mdg import headline as mdg_headline
from lib.models import DerivedResult
from lib.rounds import window
from lib.seed import init
from tests.conftest import BACKENDS


def _version(engine) -> int:
    from lib.db import get_data_version

    with engine.connect() as conn:
        return get_data_version(conn)


def _upload(engine) -> None:
    """What every upload does to the data version, in its own transaction."""
    with writer(engine).begin() as conn:
        bump_data_version(conn)


class Counter:
    def __init__(self, value: bytes = b"result"):
        self.calls, self.value = 0, value

    def __call__(self) -> bytes:
        self.calls += 1
        return self.value


def _shared(engine, name: str, compute: Counter) -> bytes:
    return derived.shared(engine, name, _version(engine), compute, lambda b: b, lambda b: b)


@BACKENDS
def test_computed_once_per_data_version_then_read_from_the_database(engine):
    init(engine, seed=False)
    first = Counter(b"one")
    assert _shared(engine, "thing", first) == b"one" and first.calls == 1
    again = Counter(b"never used")
    assert _shared(engine, "thing", again) == b"one" and again.calls == 0  # another server, same version
    _upload(engine)  # the data version moves on
    later = Counter(b"two")
    assert _shared(engine, "thing", later) == b"two" and later.calls == 1
    with engine.connect() as conn:  # one row per result, the older version replaced
        assert conn.execute(select(func.count()).select_from(DerivedResult.__table__)).scalar_one() == 1


@BACKENDS
def test_not_stored_when_an_upload_committed_during_the_computation(engine):
    init(engine, seed=False)
    v = _version(engine)
    _upload(engine)
    assert derived.store(engine, "thing", v, b"stale") is False
    assert derived.load(engine, "thing", v) is None


@BACKENDS
def test_results_of_other_code_and_damaged_payloads_are_recomputed(engine, monkeypatch):
    init(engine, seed=False)
    _shared(engine, "thing", Counter(b"old code"))
    monkeypatch.setattr(derived, "code_fingerprint", lambda: "another-deploy")
    fresh = Counter(b"new code")
    assert _shared(engine, "thing", fresh) == b"new code" and fresh.calls == 1

    with writer(engine).begin() as conn:
        conn.execute(update(DerivedResult.__table__).values(payload=b"not a zip"))
    v = _version(engine)
    again = Counter()
    result = derived.shared(engine, "thing", v, again, lambda b: b, overview.decode)
    assert result == b"result" and again.calls == 1


def test_sqlite_store_gives_up_quickly_while_an_upload_holds_the_write_lock(tmp_path):
    from lib.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    init(engine, seed=False)
    v = _version(engine)
    with writer(engine).connect() as holder:
        holder.begin()  # BEGIN IMMEDIATE: the write lock, as a long upload holds it
        t0 = time.perf_counter()
        assert derived.store(engine, "thing", v, b"x") is False
        waited = time.perf_counter() - t0
        holder.rollback()
    assert waited < 5  # STORE_WAIT_MS, not the writers' 120 s
    assert derived.store(engine, "thing", v, b"x") is True
    engine.dispose()


@BACKENDS
def test_overview_survives_encode_and_decode_exactly(engine):
    init(engine)
    rounds = queries.rounds(engine)
    common = (queries.progress_reports(engine),)
    rest = (queries.indicators(engine), queries.work_items(engine), queries.activities(engine))
    moved = 0
    for rid in rounds["id"]:
        obs = rating_reads.rating_observations(engine, mdg_headline.data_years(window(rounds, rid)))
        ov = overview.round_overview(rounds, rid, *common, obs, *rest, list(queries.agencies(engine)["code"]))
        back = overview.decode(overview.encode(ov))
        for f in fields(ov):
            a, b = getattr(ov, f.name), getattr(back, f.name)
            if isinstance(a, pd.DataFrame):
                pd.testing.assert_frame_equal(a, b)
            else:
                assert a == b, f.name
        moved += len(ov.mdg_moved)
    assert moved > 0  # the tables were not all empty


def test_a_second_server_shows_the_briefing_from_the_stored_overview(make_app, monkeypatch):
    """Two processes' worth of caches: the second never computes the overview itself."""
    import streamlit as st

    at = make_app("pages/briefing.py", role="hc_office").run()
    assert not at.exception
    figures = [m.value for m in at.metric]
    st.cache_data.clear()  # the second server: its own empty cache, the same database

    def must_not_run(*args, **kwargs):
        raise AssertionError("the overview was computed again")

    monkeypatch.setattr(overview, "round_overview", must_not_run)
    again = make_app("pages/briefing.py", role="hc_office").run()
    assert not again.exception
    assert [m.value for m in again.metric] == figures and figures


@BACKENDS
def test_frames_survive_the_stored_form_exactly(engine):
    init(engine)
    for frame in (
        queries.observation_catalogue(engine),
        queries.disaggregation_counts(engine),
        queries.rounds(engine),  # timestamps in seconds
        queries.progress_reports(engine),
        pd.DataFrame(),
    ):
        pd.testing.assert_frame_equal(storage.frame_from_bytes(storage.frame_to_bytes(frame)), frame)


@BACKENDS
def test_warm_prepares_what_the_first_views_read(engine, monkeypatch):
    init(engine)
    v = _version(engine)
    assert derived.warm(engine, v) == ["disaggregation_counts", "overview:2008-H2"]
    expected = queries.disaggregation_counts(engine)

    def must_not_run(*args, **kwargs):
        raise AssertionError("computed again after warm()")

    monkeypatch.setattr(queries, "disaggregation_counts", must_not_run)
    for name in ("rating_observations", "stored_ratings"):
        monkeypatch.setattr(rating_reads, name, must_not_run)
    pd.testing.assert_frame_equal(derived.disaggregation_counts(engine, v), expected)
    assert derived.round_overview(engine, "2008-H2", v).round_id == "2008-H2"


@BACKENDS
def test_warm_stops_quietly_when_another_process_writes_during_it(engine, monkeypatch):
    """The race behind the CLI's flaky concurrent run: ``warm`` read the rounds, another process
    reverted the upload that added the latest round, then the overview read the rounds again
    without it (KeyError). Once the data has moved on, warm stops and stores nothing stale."""
    from lib.ingest import import_bytes, revert

    init(engine)
    added = import_bytes(
        engine, "rounds", b"id,title,meeting_date,cutoff_date\n2009-H1,Next,2009-05-15,2009-04-30\n", "r.csv"
    )
    v = added.data_version
    real_rounds = queries.rounds

    def rounds_then_revert(eng):
        frame = real_rounds(eng)
        if "2009-H1" in set(frame["id"]):
            revert(engine, added.upload_id)  # committed by "another process" between two reads
        return frame

    monkeypatch.setattr(queries, "rounds", rounds_then_revert)
    assert derived.warm(engine, v) == ["disaggregation_counts"]
    monkeypatch.setattr(queries, "rounds", real_rounds)
    assert derived.load(engine, "overview:2009-H1", v) is None
    with monkeypatch.context() as m:  # an error while the data version is still current is raised

        def broken(*args, **kwargs):
            raise RuntimeError("broken")

        m.setattr(derived, "disaggregation_counts", broken)
        try:
            derived.warm(engine, _version(engine))
        except RuntimeError:
            pass
        else:
            raise AssertionError("warm hid an error of the current data version")


@BACKENDS
def test_warm_gathers_the_planner_statistics_a_bulk_write_made_stale(engine):
    """PostgreSQL with autovacuum late or off planned the briefing's counts over 130,000 ratings as
    if there were 57 (a sort on disk); warm gathers the statistics of the tables a write changed."""
    from sqlalchemy import text

    from lib.db import BULK_TABLES, is_sqlite, refresh_statistics

    init(engine)
    if is_sqlite(engine):
        assert refresh_statistics(engine) == []
        return
    derived.warm(engine, _version(engine))
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT relname, last_analyze FROM pg_stat_user_tables WHERE relname = ANY(:t)"),
            {"t": list(BULK_TABLES)},
        ).all()
    assert {r[0] for r in rows} == set(BULK_TABLES) and all(r[1] is not None for r in rows), rows
