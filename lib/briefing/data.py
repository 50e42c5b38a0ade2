"""What the pack reads (once, through lib.queries) and the context every section writes from."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from lib import derived, overview, queries
from lib.briefing.pdf import CHART_SCALE
from lib.briefing.render import ChartPool, rasterise, static_spec
from lib.domains.mdg import choices as mdg_choices

ProgressFn = Callable[[float, str], None]

DEFAULT_INDICATORS = ("4.1", "5.1", "7.8", "2.1", "3.1")
MAX_COUNTRIES = 8  # as on the MDG page (its country picker's limit), so grids and tables fit a page

# --- Data ---------------------------------------------------------------------------------------


@dataclass
class PackData:
    """Every frame the pack reads, loaded once through lib.queries (never the whole observation table)."""

    rounds: pd.DataFrame
    reports: pd.DataFrame
    indicators: pd.DataFrame
    series: pd.DataFrame
    obs: pd.DataFrame  # the chosen indicators' observations for the countries shown
    last_year: dict[str, int]  # per chosen indicator, its latest year in any country
    items: pd.DataFrame
    acts: pd.DataFrame
    agencies: pd.DataFrame
    counts: pd.DataFrame  # the chosen indicators' values per country, sex and location


def load_frames(engine: Engine) -> PackData:
    """The pack's frames but the MDG observations (empty until :func:`with_mdg`), read as the pages
    read them (internal notes are never included): the workload and action 2 pages need no more."""
    return PackData(
        rounds=queries.rounds(engine),
        reports=queries.progress_reports(engine),
        indicators=queries.indicators(engine),
        series=queries.series(engine),
        obs=pd.DataFrame(),
        last_year={},
        items=queries.work_items(engine),
        acts=queries.activities(engine),
        agencies=queries.agencies(engine),
        counts=pd.DataFrame(),
    )


def with_mdg(
    engine: Engine,
    data: PackData,
    codes: tuple[str, ...] | list[str] = (),
    countries: list[str] | None = None,
) -> PackData:
    """``data`` with the chosen indicators' observations, as the MDG page reads them: each chosen
    indicator for its shown countries only."""
    inds = data.indicators
    shown = [code for code in dict.fromkeys(codes) if code in set(inds["code"])]
    # The chosen indicators' part of the catalogue only: its cost does not grow with the others.
    counts = queries.disaggregation_counts(engine, shown)
    frames = [
        queries.observations(
            engine, (code,), list(countries) if countries else mdg_choices.default_countries(counts, code)
        )
        for code in shown
    ]
    catalogue = queries.observation_catalogue(engine, shown)
    return replace(
        data,
        obs=pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(),
        last_year={str(k): int(v) for k, v in catalogue.groupby("indicator_code")["last_year"].max().items()},
        counts=counts,
    )


def load_data(
    engine: Engine, codes: tuple[str, ...] | list[str] = (), countries: list[str] | None = None
) -> PackData:
    """Every frame of the pack (:func:`load_frames`, then :func:`with_mdg`)."""
    return with_mdg(engine, load_frames(engine), codes, countries)


@dataclass
class Context:
    data: PackData
    ov: overview.Overview | None  # None while the workload and action 2 pages, which need none, are computed
    round_id: str
    round_row: pd.Series
    prev: str | None
    cutoff: pd.Timestamp
    pool: ChartPool
    mdg_sources: set[str] = field(default_factory=set)  # observation sources the MDG pages show
    engine: Engine | None = None  # with version: charts kept for every server (lib.derived.chart_png)
    version: int | None = None
    # This pack's charts by spec: a chart asked for twice is drawn once (the pack's own, so bounded).
    drawn: dict[str, Future[bytes]] = field(default_factory=dict)
    rank: int = 0  # the place in the pack of the section being computed: its charts are drawn in that order

    def render(self, chart: Any) -> tuple[Future[bytes], str]:
        """Start rendering a chart in the pool; returns the PNG's future and the chart's description."""
        spec = static_spec(chart)  # validated here, once; the pool only rasterises
        key = json.dumps(spec, sort_keys=True, default=str)
        if key not in self.drawn:
            self.drawn[key] = self.pool.submit(self.rank, self._png, spec)
        return self.drawn[key], str(spec.get("description", ""))

    def _png(self, spec: dict[str, Any]) -> bytes:
        if self.engine is None or self.version is None:
            return rasterise(spec, CHART_SCALE)
        return derived.chart_png(
            self.engine, self.version, spec, CHART_SCALE, lambda: rasterise(spec, CHART_SCALE)
        )
