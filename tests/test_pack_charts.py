"""The pack's charts: drawn in chart processes (vl-convert holds the GIL in threads) with the same
PNG as in the server process, a dead chart process replaced; kept per data version for every
server (lib.derived.chart_png); and the pack reads only its chosen indicators' catalogue."""

from __future__ import annotations

import os
import shutil
import signal

import pytest
from sqlalchemy import select

from lib import derived, queries
from lib.briefing import build_pack, render
from lib.briefing import data as pack_data
from lib.db import bump_data_version, get_data_version, make_engine, writer
from lib.exports import chart_png
from lib.models import DerivedResult

SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
    "description": "Bar chart of three values",
    "data": {"values": [{"k": "a", "v": 3}, {"k": "b", "v": 5}, {"k": "é ↗", "v": 1}]},
    "mark": "bar",
    "encoding": {"x": {"field": "k", "type": "nominal"}, "y": {"field": "v", "type": "quantitative"}},
}


@pytest.fixture(scope="module")
def seeded_engine(seeded_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("charts") / "pack.db"
    shutil.copy(seeded_template, path)
    eng = make_engine(f"sqlite:///{path}")
    yield eng
    eng.dispose()


def test_charts_are_drawn_in_other_processes_as_in_this_one():
    render.start_workers()
    pids = render.worker_pids()
    assert len(pids) == render.WORKERS and os.getpid() not in pids
    assert pack_data.rasterise(SPEC, 2.0) == chart_png(SPEC, 2.0)


def test_a_dead_chart_worker_is_replaced():
    expected = chart_png(SPEC, 2.0)
    render.start_workers()
    for pid in render.worker_pids():
        os.kill(pid, signal.SIGKILL)
    for _ in range(render.WORKERS):  # each dead worker's chart is drawn here, the worker replaced
        assert render.rasterise(SPEC, 2.0) == expected
    assert render.rasterise(SPEC, 2.0) == expected
    pids = render.worker_pids()
    assert len(pids) == render.WORKERS
    for pid in pids:
        os.kill(pid, 0)  # alive


def test_a_refused_spec_is_an_error_not_a_dead_worker():
    render.start_workers()
    before = render.worker_pids()
    with pytest.raises(render.ChartError):
        render.rasterise({"mark": "no such mark", "data": {"values": []}}, 2.0)
    assert sorted(render.worker_pids()) == sorted(before)


def _version(engine) -> int:
    with engine.connect() as conn:
        return get_data_version(conn)


def _charts(engine) -> list[int]:
    t = DerivedResult.__table__
    key = t.c.key.startswith(derived._key(derived.CHART_PREFIX), autoescape=True)
    with engine.connect() as conn:
        return list(conn.execute(select(t.c.data_version).where(key)).scalars())


def test_charts_are_kept_per_data_version(seeded_engine):
    derived.clear(seeded_engine)
    drawn = []

    def draw() -> bytes:
        drawn.append(1)
        return b"png"

    v = _version(seeded_engine)
    assert derived.chart_png(seeded_engine, v, SPEC, 2.0, draw) == b"png"
    assert derived.chart_png(seeded_engine, v, SPEC, 2.0, draw) == b"png"
    assert len(drawn) == 1
    derived.chart_png(seeded_engine, v, {**SPEC, "description": "another"}, 2.0, draw)
    derived.chart_png(seeded_engine, v, SPEC, 1.0, draw)  # another scale, another image
    assert len(drawn) == 3 and _charts(seeded_engine) == [v, v, v]
    with writer(seeded_engine).begin() as conn:
        bump_data_version(conn)
    derived.chart_png(seeded_engine, v + 1, SPEC, 2.0, draw)
    assert len(drawn) == 4
    assert _charts(seeded_engine) == [v + 1]  # the older version's charts are dropped


def test_a_second_pack_draws_no_chart(seeded_engine, monkeypatch):
    derived.clear(seeded_engine)
    drawn = []
    real = pack_data.rasterise
    monkeypatch.setattr(pack_data, "rasterise", lambda spec, scale: drawn.append(1) or real(spec, scale))
    round_id = str(queries.rounds(seeded_engine)["id"].iloc[-1])
    first = build_pack(seeded_engine, round_id)
    assert len(drawn) >= 5
    n = len(drawn)
    second = build_pack(seeded_engine, round_id)
    assert len(drawn) == n
    assert len(second) == len(first)


def test_the_pack_reads_only_its_indicators_catalogue(seeded_engine):
    every = queries.disaggregation_counts(seeded_engine)
    catalogue = queries.observation_catalogue(seeded_engine)
    assert every["indicator_code"].nunique() > 3
    data = pack_data.load_data(seeded_engine, ("4.1", "7.8", "no such"))
    assert set(data.counts["indicator_code"]) == {"4.1", "7.8"}
    chosen = every.loc[every["indicator_code"].isin(["4.1", "7.8"])].reset_index(drop=True)
    assert data.counts.equals(chosen)
    last = catalogue.groupby("indicator_code")["last_year"].max()
    assert data.last_year == {"4.1": int(last["4.1"]), "7.8": int(last["7.8"])}
