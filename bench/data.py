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


#: The second file of the import benchmark: the project's own MDG export (the data/ files, long
#: UNSD series names) copied under 20 source labels, as a partner re-publishing it would send.
EXPORT_SOURCES = [
    f"UNSD MDG DB and WDI/UNAIDS successors, partner mirror {i:02d} [bench export]" for i in range(20)
]
#: Year shifts of further copies once the 20 labels are used up (the export covers 1990-2015).
EXPORT_YEAR_SHIFTS = (0, -26, 26)


def export_rows() -> pd.DataFrame:
    """The MDG rows the project ships (real UNSD rows and successor rows), as text in the template columns."""
    files = [DATA_DIR / "mdg_observations.csv", DATA_DIR / "mdg_supplement_observations.csv"]
    frames = [pd.read_csv(f, dtype=str, keep_default_na=False) for f in files]
    return pd.concat(frames, ignore_index=True)[MDG.column_names]


def export_frame(n: int, seed: int = 1) -> pd.DataFrame:
    """``n`` rows drawn (without repeats) from copies of :func:`export_rows` under 20 source labels.

    Each copy keeps the export's series, countries, breakdowns, values and footnotes and
    replaces the source by one of :data:`EXPORT_SOURCES` (the export's keys are unique without
    the source, so the copies never collide); past 20 copies the years shift by 26. Sorted by
    key, as ``python -m lib.cli export`` writes it.
    """
    base = export_rows()
    per_shift = len(base) * len(EXPORT_SOURCES)
    shifts = -(-n // per_shift)
    if shifts > len(EXPORT_YEAR_SHIFTS):
        raise ValueError(f"at most {per_shift * len(EXPORT_YEAR_SHIFTS):,} rows; asked for {n:,}")
    years = base["year"].astype(int)
    copies = []
    for shift in EXPORT_YEAR_SHIFTS[:shifts]:
        for label in EXPORT_SOURCES:
            copies.append(base.assign(source=label, year=(years + shift).astype(str)))
    frame = pd.concat(copies, ignore_index=True)
    rng = np.random.default_rng(seed)
    frame = frame.iloc[np.sort(rng.choice(len(frame), size=n, replace=False))]
    key = list(MDG.key)
    order = frame.assign(_y=frame["year"].astype(int)).sort_values([*key[:3], "_y", *key[4:]]).index
    return frame.loc[order].reset_index(drop=True)


def write_export(path: Path, n: int, seed: int = 1) -> Path:
    """Write :func:`export_frame` as a template-layout CSV."""
    export_frame(n, seed).to_csv(path, index=False, lineterminator="\n")
    return path
