"""The pack's charts: drawn in chart processes (vl-convert holds the GIL in threads) with the same
PNG as in the server process, a dead chart process replaced; kept per data version for every
server (lib.derived.chart_png); and the pack reads only its chosen indicators' catalogue."""

from __future__ import annotations

import json
import os
import shutil
import signal

import altair as alt
import pandas as pd
import pytest
from sqlalchemy import select

from lib import derived, queries
from lib.briefing import build_pack, render
from lib.briefing import data as pack_data
from lib.db import bump_data_version, get_data_version, make_engine, writer
from lib.domains.mdg import charts as mdg_charts
from lib.domains.mdg import metrics as mdg_metrics
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


# --- The specs the workers draw -------------------------------------------------------------------

#: Female/male and rural/urban gaps of two countries, two sources and several years (as at 2M).
GAPS = pd.DataFrame(
    [
        {
            "indicator_code": "5.1",
            "series_key": "s",
            "series_code": f"S {loc}",
            "series_code_b": f"S {loc} b",
            "country_iso3": iso3,
            "source": source,
            "location": loc,
            "year": year,
            "unit": "per 100,000",
            "dimension": "sex",
            "group_a": "female",
            "group_b": "male",
            "value_a": 80.0 + year % 7 + i,
            "value_b": 75.0 + year % 5,
            "ratio": (80.0 + year % 7 + i) / (75.0 + year % 5),
            "difference": 5.0 + year % 7 - year % 5 + i,
        }
        for i, (iso3, source, loc) in enumerate(
            [("GMB", "UNSD", "total"), ("GMB", "Bench source", "rural"), ("NOR", "UNSD", "urban")]
        )
        for year in range(1990, 2008, 3)
    ]
)


def _drawn_fields(node, in_tooltip: bool = False) -> tuple[set[str], set[str]]:
    """(fields the encodings draw, fields only tooltips name) in a spec without its datasets."""
    drawn, tips = set(), set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("datasets", "data"):
                continue
            if key == "field" and isinstance(value, str):
                (tips if in_tooltip else drawn).add(value)
            d, t = _drawn_fields(value, in_tooltip or key == "tooltip")
            drawn, tips = drawn | d, tips | t
    elif isinstance(node, list):
        for value in node:
            d, t = _drawn_fields(value, in_tooltip)
            drawn, tips = drawn | d, tips | t
    return drawn, tips


def _pack_charts(engine, monkeypatch) -> list:
    charts = []
    real = pack_data.Context.render
    monkeypatch.setattr(pack_data.Context, "render", lambda self, c: charts.append(c) or real(self, c))
    build_pack(engine, str(queries.rounds(engine)["id"].iloc[-1]))
    return charts


def test_the_workers_get_the_drawn_values_of_every_chart_and_no_tooltip(seeded_engine, monkeypatch):
    gap = mdg_charts.equity_gap_chart(mdg_metrics.equity_gaps(_gap_obs(), "sex"), "difference", title="Gap")
    charts = [*_pack_charts(seeded_engine, monkeypatch), gap.properties(width=460, height=220)]
    assert len(charts) >= 6
    for chart in charts:
        full, lean = chart.to_dict(), render.static_spec(chart)
        drawn, tips = _drawn_fields(full)
        assert "tooltip" not in json.dumps({k: v for k, v in lean.items() if k != "datasets"})
        assert set(lean.get("datasets", {})) == set(full.get("datasets", {}))
        for name, rows in full.get("datasets", {}).items():
            kept = lean["datasets"][name]
            assert len(kept) == len(rows)
            for row, lean_row in zip(rows, kept, strict=True):
                # Every value an encoding draws is there, unchanged; what the lean row holds is the full row's.
                assert {f: row[f] for f in drawn if f in row} == {f: lean_row[f] for f in drawn if f in row}
                assert lean_row == {k: row[k] for k in lean_row}
    gap_full, gap_lean = gap.to_dict(), render.static_spec(gap)
    columns = set(next(iter(gap_lean["datasets"].values()))[0])
    assert {"value_a", "value_b", "ratio"}.isdisjoint(columns)  # the tooltips' only
    assert {"year", "difference", "country", "source_name", "series_code", "location"} <= columns
    assert len(json.dumps(gap_lean)) < len(json.dumps(gap_full)) / 1.5


def test_the_lean_spec_draws_the_same_png():
    gap = mdg_charts.equity_gap_chart(mdg_metrics.equity_gaps(_gap_obs(), "sex"), "difference", title="Gap")
    assert chart_png(render.static_spec(gap), 2.0) == chart_png(gap.to_dict(), 2.0)


def test_a_column_named_only_in_an_expression_is_kept():
    frame = pd.DataFrame({"k": ["a", "b"], "v": [1, 2], "w": [3, 4], "note": ["x", "y"]})
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(x="k:N", y="total:Q", tooltip=["note:N"])
        .transform_calculate(total="datum.v + datum['w']")
    )
    rows = next(iter(render.static_spec(chart)["datasets"].values()))
    assert rows == [{"k": "a", "v": 1, "w": 3}, {"k": "b", "v": 2, "w": 4}]


def _gap_obs() -> pd.DataFrame:
    """Observations of female and male series pairing up into GAPS' gaps."""
    rows = []
    for r in GAPS.itertuples():
        for sex, value in (("female", r.value_a), ("male", r.value_b)):
            rows.append(
                {
                    "indicator_code": r.indicator_code,
                    "series_code": f"{r.series_code} {sex}",
                    "country_iso3": r.country_iso3,
                    "sex": sex,
                    "location": r.location,
                    "source": r.source,
                    "year": r.year,
                    "value": value,
                    "unit": r.unit,
                }
            )
    return pd.DataFrame(rows)


def test_a_chart_asked_for_twice_in_a_pack_is_drawn_once(monkeypatch):
    drawn = []
    real = pack_data.rasterise
    monkeypatch.setattr(pack_data, "rasterise", lambda spec, scale: drawn.append(1) or real(spec, scale))
    chart = alt.Chart(pd.DataFrame(SPEC["data"]["values"])).mark_bar().encode(x="k:N", y="v:Q")
    with render.ChartPool(2) as pool:
        ctx = pack_data.Context(
            None, None, "r", pd.Series(dtype=object), None, pd.Timestamp("2008-01-01"), pool
        )
        first, second = ctx.render(chart), ctx.render(chart.properties(title="another"))
        again = ctx.render(chart)
        pngs = [f.result() for f, _ in (first, second, again)]
    assert len(drawn) == 2 and again[0] is first[0]
    assert pngs[0] == pngs[2] != pngs[1]
