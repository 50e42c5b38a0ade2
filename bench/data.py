"""Benchmark data: the real seed (about 25k MDG rows) grown to 300k or 2,000,000 observations.

The extra rows are synthetic but shaped like the real data: the catalogue's series, every
country, the years 1990-2015 and the nine sex x location breakdowns, each series a noisy
trend, keys drawn at random without repeats (so every country and series fills up, as a
growing database would, rather than one series at a time). They carry their own source,
"Bench source", so they never collide with, or get mistaken for, the real data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lib.datasets import MDG
from lib.paths import DATA_DIR

BENCH_SOURCE = "Bench source"
YEARS = np.arange(1990, 2016)
BREAKDOWNS = [(s, loc) for s in ("total", "female", "male") for loc in ("total", "urban", "rural")]

#: The three sizes of the issue: the real data, 300k and 2,000,000 observations.
SIZES = {"25k": None, "300k": 300_000, "2M": 2_000_000}


def real_mdg_file() -> Path:
    """The real UNSD MDG rows shipped as seed (25,210 rows, template layout)."""
    return DATA_DIR / "mdg_observations.csv"


def synthetic_frame(n: int, seed: int = 1, source: str = BENCH_SOURCE) -> pd.DataFrame:
    """``n`` MDG rows in the template's columns, unique keys, deterministic for a seed."""
    from lib.reference import countries_frame

    series = pd.read_csv(DATA_DIR / "mdg_series.csv", dtype=str, keep_default_na=False).drop_duplicates(
        "code"
    )
    countries = np.array(sorted(countries_frame()["iso3"]))
    shape = (len(series), len(countries), len(YEARS), len(BREAKDOWNS))
    space = int(np.prod(shape))
    if n > space:
        raise ValueError(f"at most {space:,} distinct keys; asked for {n:,}")
    rng = np.random.default_rng(seed)
    keys = np.sort(rng.choice(space, size=n, replace=False))
    s_i, c_i, y_i, b_i = np.unravel_index(keys, shape)
    # A trend per series and country, an offset per breakdown, noise per value.
    base = rng.uniform(5, 95, size=shape[:2])
    slope = rng.uniform(-2.0, 2.0, size=shape[:2])
    offset = rng.normal(0, 4, size=len(BREAKDOWNS))
    value = base[s_i, c_i] + slope[s_i, c_i] * (YEARS[y_i] - 1990) + offset[b_i] + rng.normal(0, 1.5, size=n)
    sex = np.array([b[0] for b in BREAKDOWNS])
    loc = np.array([b[1] for b in BREAKDOWNS])
    units = series["unit"].replace("", "%").to_numpy()
    frame = pd.DataFrame(
        {
            "indicator_code": series["indicator_code"].to_numpy()[s_i],
            "series_code": series["code"].to_numpy()[s_i],
            "country_iso3": countries[c_i],
            "year": YEARS[y_i],
            "value": np.round(np.clip(value, 0.01, None), 2),
            "unit": units[s_i],
            "sex": sex[b_i],
            "location": loc[b_i],
            "source": source,
            "nature": "E",
            "footnote": "",
        }
    )
    return frame[MDG.column_names]


def write_synthetic(path: Path, n: int, seed: int = 1) -> Path:
    """Write :func:`synthetic_frame` as a template-layout CSV."""
    synthetic_frame(n, seed).to_csv(path, index=False, lineterminator="\n")
    return path
