"""What the pack reads (once, through lib.queries) and the context every section writes from."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from lib import overview, queries
from lib.briefing.pdf import CHART_SCALE
from lib.domains.mdg import choices as mdg_choices
from lib.exports import chart_png

ProgressFn = Callable[[float, str], None]

DEFAULT_INDICATORS = ("4.1", "5.1", "7.8", "2.1", "3.1")
MAX_COUNTRIES = 8  # as on the MDG page (its country picker's limit), so grids and tables fit a page

CHART_WORKERS = min(4, os.cpu_count() or 1)  # vl-convert renders charts in parallel threads

# --- Data ---------------------------------------------------------------------------------------


@dataclass
class PackData:
    """Every frame the pack reads, loaded once through lib.queries (never the whole observation table)."""

    rounds: pd.DataFrame
    reports: pd.DataFrame
    indicators: pd.DataFrame
    series: pd.DataFrame
    obs: pd.DataFrame  # the chosen indicators' observations for the countries shown
    last_year: dict[str, int]  # per indicator, its latest year in any country
    items: pd.DataFrame
    acts: pd.DataFrame
    agencies: pd.DataFrame
    counts: pd.DataFrame  # values per country, indicator, sex and location (the MDG page's country list)


def load_data(
    engine: Engine, codes: tuple[str, ...] | list[str] = (), countries: list[str] | None = None
) -> PackData:
    """The pack's frames, read as the pages read them (internal notes are never included).

    Observations as the MDG page reads them: each chosen indicator for its shown countries only.
    """
    inds = queries.indicators(engine)
    rounds = queries.rounds(engine)
    counts = queries.disaggregation_counts(engine)
    frames = [
        queries.observations(
            engine, (code,), list(countries) if countries else mdg_choices.default_countries(counts, code)
        )
        for code in dict.fromkeys(codes)
        if code in set(inds["code"])
    ]
    catalogue = queries.observation_catalogue(engine)
    return PackData(
        rounds=rounds,
        reports=queries.progress_reports(engine),
        indicators=inds,
        series=queries.series(engine),
        obs=pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(),
        last_year={str(k): int(v) for k, v in catalogue.groupby("indicator_code")["last_year"].max().items()},
        items=queries.work_items(engine),
        acts=queries.activities(engine),
        agencies=queries.agencies(engine),
        counts=counts,
    )


@dataclass
class Context:
    data: PackData
    ov: overview.Overview
    round_id: str
    round_row: pd.Series
    prev: str | None
    cutoff: pd.Timestamp
    pool: ThreadPoolExecutor
    mdg_sources: set[str] = field(default_factory=set)  # observation sources the MDG pages show

    def render(self, chart: Any) -> tuple[Future[bytes], str]:
        """Start rendering a chart in the pool; returns the PNG's future and the chart's description."""
        spec = chart.to_dict()  # validated here, once; the pool only rasterises
        return self.pool.submit(chart_png, spec, CHART_SCALE), str(spec.get("description", ""))
