"""MDG progress rating of each series (the Open SDG / Statistics Canada progress measure).

Every function takes pandas frames whose columns follow ``lib/datasets.py`` and
returns a new frame (or a plain value). No function mutates its inputs: each one
works on a copy, so Streamlit's cached frames stay intact between reruns. Date
columns may hold ``datetime64`` values or python ``date`` objects; both are
normalised with ``pd.to_datetime`` on the copy.

MDG progress rating (``progress_rating``)
-----------------------------------------
The method follows the progress measure of Open SDG / Statistics Canada. A
series is one indicator, series code, country, sex, location and *source*:
values from different sources are never combined into one growth rate.

* Without a quantified target (``target_ratio_2015`` empty), the compound annual
  growth rate between the first and the latest year of the series is
  ``CAGR = (x_t / x_0) ** (1 / (t - t0)) - 1``. It is signed by the desired
  direction (negated for "decrease" indicators) and rated:

  ====================================  ============================
  directed CAGR                         rating
  ====================================  ============================
  ``>= CAGR_SUBSTANTIAL`` (0.01)        substantial progress  (↑)
  ``0 < cagr < 0.01``                   moderate progress     (↗)
  ``-0.01 < cagr <= 0``                 moderate deterioration (↘)
  ``<= -0.01``                          substantial deterioration (↓)
  ====================================  ============================

* With a 2015 target expressed as a fraction of the 1990 level
  (``target_ratio_2015``: 1/3 for 4.1, 0.25 for 5.1), the base year is 1990 when
  the series has it, else its earliest year from 1990 on. ``target = base *
  ratio``; ``required CAGR = (target / x_0) ** (1 / (2015 - t0)) - 1``; the
  actual CAGR runs from the same base year to the latest year; and
  ``ratio = actual / required`` is rated:

  ===================================  ======================
  ratio                                rating
  ===================================  ======================
  ``>= RATIO_ON_TRACK`` (0.95)         on track (target achieved or on course) (↑)
  ``RATIO_MODERATE`` (0.5) to 0.95     moderate progress (↗)
  0 to 0.5                             slow progress (→)
  ``< 0``                              moving away (↓)
  ===================================  ======================

* A series with a single usable point, or with a zero or negative value at either
  end (the CAGR is undefined), is rated "insufficient data". An indicator with no
  desired direction and no target, or unknown to the ``indicators`` frame, is
  "not rated".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

BASELINE_YEAR = 1990
TARGET_YEAR = 2015
CAGR_SUBSTANTIAL = 0.01  # |directed CAGR| from which progress/deterioration is "substantial"
RATIO_ON_TRACK = 0.95  # actual/required CAGR from which a target series is on track
RATIO_MODERATE = 0.5  # actual/required CAGR from which progress is "moderate" rather than "slow"

RATING_ON_TRACK = "on track"
RATING_SUBSTANTIAL = "substantial progress"
RATING_MODERATE = "moderate progress"
RATING_SLOW = "slow progress"
RATING_MODERATE_DETERIORATION = "moderate deterioration"
RATING_SUBSTANTIAL_DETERIORATION = "substantial deterioration"
RATING_MOVING_AWAY = "moving away"
RATING_INSUFFICIENT = "insufficient data"
RATING_NOT_RATED = "not rated"
# Best to worst, then the two "no rating" outcomes; charts sort and colour by it.
RATING_ORDER = (
    RATING_ON_TRACK,
    RATING_SUBSTANTIAL,
    RATING_MODERATE,
    RATING_SLOW,
    RATING_MODERATE_DETERIORATION,
    RATING_SUBSTANTIAL_DETERIORATION,
    RATING_MOVING_AWAY,
    RATING_INSUFFICIENT,
    RATING_NOT_RATED,
)
RATING_ARROWS = {
    RATING_ON_TRACK: "↑",
    RATING_SUBSTANTIAL: "↑",
    RATING_MODERATE: "↗",
    RATING_SLOW: "→",
    RATING_MODERATE_DETERIORATION: "↘",
    RATING_SUBSTANTIAL_DETERIORATION: "↓",
    RATING_MOVING_AWAY: "↓",
    RATING_INSUFFICIENT: "",
    RATING_NOT_RATED: "",
}
METHOD_CAGR = "cagr"
METHOD_TARGET = "target"
METHOD_NONE = "none"

# Two absolute gaps closer than this are "unchanged": it only absorbs floating-point

# The calculation's inputs (each end of the series, the target) and its outcome, as the output
# frame, the tables and the chart carry them.
RATING_ENDS = ("base_year", "base_value", "latest_year", "latest_value", "target_value", "cagr")
RATING_VERDICT = ("required_cagr", "ratio", "rating", "arrow")
SERIES_KEYS = ["indicator_code", "series_code", "country_iso3", "sex", "location", "source"]


def _cagr(x0: float, xt: float, years: float) -> float:
    """Compound annual growth rate; NaN when undefined (non-positive values, no time span)."""
    if not (np.isfinite(x0) and np.isfinite(xt)) or x0 <= 0 or xt <= 0 or years <= 0:
        return np.nan
    return float((xt / x0) ** (1.0 / years) - 1.0)


def _rate_cagr(directed: float) -> str:
    if directed >= CAGR_SUBSTANTIAL:
        return RATING_SUBSTANTIAL
    if directed > 0:
        return RATING_MODERATE
    if directed > -CAGR_SUBSTANTIAL:
        return RATING_MODERATE_DETERIORATION
    return RATING_SUBSTANTIAL_DETERIORATION


def _rate_ratio(ratio: float) -> str:
    if ratio >= RATIO_ON_TRACK:
        return RATING_ON_TRACK
    if ratio >= RATIO_MODERATE:
        return RATING_MODERATE
    if ratio >= 0:
        return RATING_SLOW
    return RATING_MOVING_AWAY


def _rate_series(
    first: tuple[int, float],
    base_1990: tuple[float, float],
    latest: tuple[int, float],
    target_ratio: float,
    direction: str | None,
) -> dict[str, Any]:
    """The progress rating of one series from its (year, value) end points.

    ``first`` is the first observation, ``base_1990`` the first from 1990 on (NaNs
    when there is none) and ``latest`` the latest one.
    """
    res: dict[str, Any] = dict.fromkeys(["base_year", "base_value", "target_value"], np.nan)
    res.update(cagr=np.nan, directed_cagr=np.nan, required_cagr=np.nan, ratio=np.nan)
    res.update(latest_year=latest[0], latest_value=latest[1])
    has_target = target_ratio is not None and np.isfinite(target_ratio)
    if has_target:
        res["method"] = METHOD_TARGET
        t0, x0 = base_1990
    elif direction in ("increase", "decrease"):
        res["method"] = METHOD_CAGR
        t0, x0 = first
    else:
        res.update(method=METHOD_NONE, rating=RATING_NOT_RATED)
        return res
    if not np.isfinite(t0):  # target method and no data from 1990 on
        res["rating"] = RATING_INSUFFICIENT
        return res
    res.update(base_year=t0, base_value=x0)
    cagr = _cagr(x0, latest[1], latest[0] - t0)
    if np.isnan(cagr):  # single point, or a zero/negative value at either end
        res["rating"] = RATING_INSUFFICIENT
        return res
    res["cagr"] = cagr
    if has_target:
        target = x0 * target_ratio
        res["target_value"] = target
        required = _cagr(x0, target, TARGET_YEAR - t0)
        res["required_cagr"] = required
        if np.isnan(required) or required == 0:
            # Base year at/after 2015 or a "keep the 1990 level" target: no rate to compare with.
            res["rating"] = RATING_NOT_RATED
            return res
        res["ratio"] = cagr / required
        res["rating"] = _rate_ratio(res["ratio"])
    else:
        res["directed_cagr"] = -cagr if direction == "decrease" else cagr
        res["rating"] = _rate_cagr(res["directed_cagr"])
    return res


def _cagr_array(x0: np.ndarray, xt: np.ndarray, years: np.ndarray) -> np.ndarray:
    """:func:`_cagr` over arrays (NaN where undefined)."""
    ok = np.isfinite(x0) & np.isfinite(xt) & (x0 > 0) & (xt > 0) & (years > 0)
    out = np.full(len(x0), np.nan)
    with np.errstate(all="ignore"):
        out[ok] = (xt[ok] / x0[ok]) ** (1.0 / years[ok]) - 1.0
    return out


def rate_points(ends: pd.DataFrame) -> pd.DataFrame:
    """:func:`_rate_series` for every row of ``ends`` at once (same rules, vectorised).

    ``ends`` has first_year/value, b90_year/value, latest_year/value, target_ratio_2015 and
    desired_direction per series. At 2M observations there are ~130k series: a Python call
    per series took seconds.
    """
    n = len(ends)
    f = lambda c: ends[c].to_numpy(dtype=float, na_value=np.nan)  # noqa: E731
    cols = ("first_year", "first_value", "b90_year", "b90_value", "latest_year", "latest_value")
    fy, fv, by, bv, ly, lv = (f(c) for c in cols)
    tr = f("target_ratio_2015")
    direction = ends["desired_direction"].astype(object).to_numpy()
    has_target = np.isfinite(tr)
    increase, decrease = direction == "increase", direction == "decrease"
    by_cagr = ~has_target & (increase | decrease)
    method = np.where(has_target, METHOD_TARGET, np.where(by_cagr, METHOD_CAGR, METHOD_NONE)).astype(object)
    t0 = np.where(has_target, by, fy)
    x0 = np.where(has_target, bv, fv)
    rated = has_target | by_cagr
    based = rated & np.isfinite(t0)
    cagr = np.full(n, np.nan)
    cagr[based] = _cagr_array(x0[based], lv[based], ly[based] - t0[based])
    has_cagr = based & ~np.isnan(cagr)
    target_value = np.where(has_cagr & has_target, x0 * tr, np.nan)
    required = np.full(n, np.nan)
    tgt = has_cagr & has_target
    required[tgt] = _cagr_array(x0[tgt], target_value[tgt], TARGET_YEAR - t0[tgt])
    ratio_ok = tgt & ~np.isnan(required) & (required != 0)
    ratio = np.full(n, np.nan)
    with np.errstate(all="ignore"):
        ratio[ratio_ok] = cagr[ratio_ok] / required[ratio_ok]
    directed = np.where(has_cagr & by_cagr, np.where(decrease, -cagr, cagr), np.nan)
    rating = np.select(
        [
            ~rated,
            ~has_cagr,  # no base from 1990 (target method), single point or a non-positive end
            tgt & ~ratio_ok,  # base year at/after 2015 or a "keep the 1990 level" target
            ratio_ok & (ratio >= RATIO_ON_TRACK),
            ratio_ok & (ratio >= RATIO_MODERATE),
            ratio_ok & (ratio >= 0),
            ratio_ok,
            directed >= CAGR_SUBSTANTIAL,
            directed > 0,
            directed > -CAGR_SUBSTANTIAL,
        ],
        [
            RATING_NOT_RATED,
            RATING_INSUFFICIENT,
            RATING_NOT_RATED,
            RATING_ON_TRACK,
            RATING_MODERATE,
            RATING_SLOW,
            RATING_MOVING_AWAY,
            RATING_SUBSTANTIAL,
            RATING_MODERATE,
            RATING_MODERATE_DETERIORATION,
        ],
        default=RATING_SUBSTANTIAL_DETERIORATION,
    ).astype(object)
    return pd.DataFrame(
        {
            "base_year": np.where(based, t0, np.nan),
            "base_value": np.where(based, x0, np.nan),
            "target_value": target_value,
            "cagr": cagr,
            "directed_cagr": directed,
            "required_cagr": required,
            "ratio": ratio,
            "latest_year": ly,
            "latest_value": lv,
            "method": method,
            "rating": rating,
        },
        index=ends.index,
    )


def progress_rating(obs: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Progress rating of every series (indicator, series, country, sex, location, source).

    ``indicators`` has code, target_ratio_2015, desired_direction. Output columns:
    indicator_code, series_code, country_iso3, sex, location, source, unit,
    desired_direction, target_ratio_2015, method (cagr / target / none),
    n_points, base_year, base_value, latest_year, latest_value, target_value,
    cagr (raw), directed_cagr (cagr method: positive = desired direction),
    required_cagr, ratio, rating, arrow, rating_order (0 = best; see RATING_ORDER).
    """
    out_cols = [
        *SERIES_KEYS,
        "unit",
        "desired_direction",
        "target_ratio_2015",
        "method",
        "n_points",
        *RATING_ENDS,
        "directed_cagr",
        *RATING_VERDICT,
        "rating_order",
    ]
    # Pre-aggregated inputs (rating_reads.rating_inputs) carry the full count.
    counted = "n_points" in obs.columns
    extra = ["n_points"] if counted else []
    d = obs.loc[obs["value"].notna(), [*SERIES_KEYS, "year", "value", "unit", *extra]].copy()
    d["value"] = d["value"].astype(float)
    d["year"] = d["year"].astype(int)
    d = d.sort_values([*SERIES_KEYS, "year"], kind="stable")
    # End points of every series in one vectorised pass; only the rating itself is per series.
    ends = d.groupby(SERIES_KEYS, sort=True, dropna=False).agg(
        n_points=("n_points", "first") if counted else ("value", "size"),
        first_year=("year", "first"),
        first_value=("value", "first"),
        latest_year=("year", "last"),
        latest_value=("value", "last"),
        unit=("unit", "last"),
    )
    since_1990 = d.loc[d["year"] >= BASELINE_YEAR].groupby(SERIES_KEYS, sort=True, dropna=False)
    ends = ends.join(since_1990.agg(b90_year=("year", "first"), b90_value=("value", "first"))).reset_index()
    meta = indicators.drop_duplicates("code").set_index("code")
    ratios = pd.to_numeric(meta["target_ratio_2015"], errors="coerce")
    ends["target_ratio_2015"] = ends["indicator_code"].map(ratios).astype(float)
    ends["desired_direction"] = ends["indicator_code"].map(meta["desired_direction"])
    res = rate_points(ends)
    out = pd.concat([ends.drop(columns=["latest_year", "latest_value"]), res], axis=1)
    out = out.reindex(columns=[c for c in out_cols if c not in ("arrow", "rating_order")])
    out["arrow"] = out["rating"].map(RATING_ARROWS)
    out["rating_order"] = out["rating"].map(RATING_ORDER.index)
    for col in ("base_year", "latest_year"):
        out[col] = out[col].astype("Int64")
    return out[out_cols]


def mdg_first(obs: pd.DataFrame, successor: Callable[[str], bool]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows to rate: per indicator and country, its MDG-era series where they have values, else
    its successor series (``successor(source)`` tells them apart).

    An SDG-era successor (WDI "at least basic" water for 7.8) is another measure than the MDG
    series ("improved" water): it stands in only where the MDG series has nothing for that country.
    Returns the chosen rows and the fallbacks: one row per indicator, country, source and series
    rated on a successor (columns indicator_code, country_iso3, source, series_code, sex, location).
    """
    fallback_cols = ["indicator_code", "country_iso3", "source", "series_code", "sex", "location"]
    if obs.empty:
        return obs, pd.DataFrame(columns=fallback_cols)
    valued = obs["value"].notna()
    is_successor = obs["source"].map(lambda s: bool(successor(s))).astype(bool)
    place = ["indicator_code", "country_iso3"]
    with_mdg = obs.loc[valued & ~is_successor, place].drop_duplicates()
    has_mdg = pd.MultiIndex.from_frame(obs[place]).isin(pd.MultiIndex.from_frame(with_mdg))
    keep = ~is_successor.to_numpy() | ~has_mdg
    stand_in = obs.loc[valued.to_numpy() & is_successor.to_numpy() & ~has_mdg, fallback_cols]
    fallbacks = stand_in.drop_duplicates().sort_values(fallback_cols, kind="stable").reset_index(drop=True)
    return obs.loc[keep], fallbacks
