"""Pure domain calculations over the dashboard's frames.

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

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pycountry

from lib.datasets import PLAN_WORK_AREAS, ROUND_PATTERN, STATUSES

# --- Constants ---------------------------------------------------------------------

MOVES = ("improved", "declined", "unchanged", "new")
AT_RISK_ASSESSMENTS = ("at_risk", "off_track")

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
# noise, so any real movement in the published values counts as widening/narrowing.
GAP_TOLERANCE = 1e-9
EQUITY_GROUPS = {"sex": ("female", "male"), "location": ("rural", "urban")}
# Words that name a group inside series labels, taken out to pair the groups' series.
_GROUP_WORDS = {
    "sex": "boys?|girls?|men|women|man|woman|males?|females?",
    "location": "rural|urban",
}

AGE_BUCKETS = ("0-30", "31-90", "91-180", ">180")
_AGE_EDGES = (30, 90, 180)
PLAN_GROUP = "plan areas"
OTHER_GROUP = "other"

SERIES_KEYS = ["indicator_code", "series_code", "country_iso3", "sex", "location", "source"]

# OWASP: a cell starting with one of these is run as a formula by spreadsheets.
CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# --- Helpers -----------------------------------------------------------------------


def _dates(df: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy of ``df`` with the given (present) columns as datetime64."""
    out = df.copy()
    for col in columns:
        if col in out.columns:
            out[col] = pd.to_datetime(out[col], errors="coerce")
    return out


def _timestamp(value: date | datetime | str | pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(value)


def round_key(round_id: str) -> tuple[int, int]:
    """Sort key of a round id: ``"2009-H2"`` -> ``(2009, 2)``."""
    if not isinstance(round_id, str) or not re.match(ROUND_PATTERN, round_id):
        raise ValueError(f"not a round id (YYYY-H1 or YYYY-H2): {round_id!r}")
    return int(round_id[:4]), int(round_id[-1])


def _round_number(round_id: str) -> int:
    """Round as one sortable integer (2009-H2 -> 20092), for vectorised sorting."""
    year, half = round_key(round_id)
    return year * 10 + half


def sort_rounds(round_ids: Iterable[str]) -> list[str]:
    """Distinct round ids in chronological order."""
    return sorted(set(round_ids), key=round_key)


def round_bounds(round_id: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a round's half-year (H1 = Jan-Jun, H2 = Jul-Dec)."""
    year, half = round_key(round_id)
    if half == 1:
        return pd.Timestamp(year, 1, 1), pd.Timestamp(year, 6, 30)
    return pd.Timestamp(year, 7, 1), pd.Timestamp(year, 12, 31)


def round_of_date(value: date | datetime | str | pd.Timestamp) -> str:
    """The round id whose half-year contains ``value``."""
    ts = _timestamp(value)
    return f"{ts.year}-H{1 if ts.month <= 6 else 2}"


def previous_round(round_ids: Iterable[str], round_id: str) -> str | None:
    """The latest round of ``round_ids`` before ``round_id`` (None when there is none)."""
    key = round_key(round_id)
    earlier = [r for r in set(round_ids) if round_key(r) < key]
    return max(earlier, key=round_key) if earlier else None


def _round_ids(rounds: pd.DataFrame | Iterable[str]) -> list[str]:
    """Round ids from a rounds frame (column ``id``) or any iterable of ids."""
    if isinstance(rounds, pd.DataFrame):
        return sort_rounds(rounds["id"].dropna())
    return sort_rounds(rounds)


# --- Action points -----------------------------------------------------------------


def status_rank(status: str) -> int:
    """Ordinal rank of a status: not_started 0 < limited 1 < substantial 2 < completed 3."""
    key = str(status).strip().lower()
    if key not in STATUSES:
        raise ValueError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
    return STATUSES.index(key)


def _rank_or_nan(status: Any) -> float:
    return float(status_rank(status)) if isinstance(status, str) and status else np.nan


def _round_rows(reports: pd.DataFrame, round_id: str | None) -> pd.DataFrame:
    if round_id is None:
        return reports.iloc[0:0].copy()
    return reports.loc[reports["round_id"] == round_id].copy()


def _point_order(df: pd.DataFrame) -> pd.DataFrame:
    """Rows in the plan's order of action points (sort_order when known)."""
    cols = [c for c in ("sort_order", "action_point_id") if c in df.columns]
    return df.sort_values(cols, kind="stable").reset_index(drop=True)


def cluster_rollup(reports: pd.DataFrame, round_id: str) -> pd.DataFrame:
    """Counts and shares of action points by status within each cluster for one round.

    Long form, every status present for every cluster (zero counts included) so
    stacked bars line up: cluster, cluster_title, status, status_rank, count,
    total, share (0-1 of the cluster's reported points).
    """
    cols = ["cluster", "cluster_title", "status", "status_rank", "count", "total", "share"]
    rows = _round_rows(reports, round_id)
    if rows.empty:
        return pd.DataFrame(columns=cols)
    clusters = rows[["cluster", "cluster_title"]].drop_duplicates("cluster").sort_values("cluster")
    grid = clusters.merge(pd.DataFrame({"status": list(STATUSES)}), how="cross")
    counts = rows.groupby(["cluster", "status"]).size().rename("count").reset_index()
    out = grid.merge(counts, on=["cluster", "status"], how="left")
    out["count"] = out["count"].fillna(0).astype(int)
    out["total"] = out.groupby("cluster")["count"].transform("sum")
    out["share"] = out["count"] / out["total"]  # total > 0: clusters come from the round's rows
    out["status_rank"] = out["status"].map(status_rank)
    return out.sort_values(["cluster", "status_rank"]).reset_index(drop=True)[cols]


def status_moves(reports: pd.DataFrame, round_id: str, previous_round_id: str | None) -> pd.DataFrame:
    """Each action point reported in ``round_id`` with its status move since the previous round.

    Columns: the round's report columns plus previous_status, previous_rank,
    status_rank and move (improved / declined / unchanged / new by the ordinal
    scale; "new" when the point was not reported in the previous round).
    """
    now = _round_rows(reports, round_id)
    before = _round_rows(reports, previous_round_id)[["action_point_id", "status"]]
    before = before.rename(columns={"status": "previous_status"})
    out = now.merge(before, on="action_point_id", how="left")
    out["status_rank"] = out["status"].map(_rank_or_nan)
    out["previous_rank"] = out["previous_status"].map(_rank_or_nan)
    out["move"] = np.select(
        [
            out["previous_rank"].isna(),
            out["status_rank"] > out["previous_rank"],
            out["status_rank"] < out["previous_rank"],
        ],
        ["new", "improved", "declined"],
        default="unchanged",
    )
    return _point_order(out)


def move_summary(moves: pd.DataFrame) -> dict[str, int]:
    """Number of action points per move, all four moves present: improved, declined, unchanged, new."""
    counts = moves["move"].value_counts()
    return {m: int(counts.get(m, 0)) for m in MOVES}


def overdue(
    reports: pd.DataFrame, round_id: str, as_of: date | datetime | str | pd.Timestamp
) -> pd.DataFrame:
    """The round's reports with ``overdue`` (due before ``as_of`` and not completed) and ``days_overdue``.

    A point without a due date is never overdue; days_overdue is 0 when not overdue.
    """
    as_of_ts = _timestamp(as_of)
    rows = _dates(_round_rows(reports, round_id), ["due_date"])
    late = rows["due_date"].notna() & (rows["due_date"] < as_of_ts) & (rows["status"] != "completed")
    rows["overdue"] = late.astype(bool)
    rows["days_overdue"] = np.where(late, (as_of_ts - rows["due_date"]).dt.days, 0).astype(int)
    return _point_order(rows)


def newly_at_risk(reports: pd.DataFrame, round_id: str, previous_round_id: str | None) -> pd.DataFrame:
    """Points assessed at_risk/off_track in ``round_id`` that were on_track or not reported before.

    Columns: the round's report columns plus previous_assessment (NaN when absent).
    """
    now = _round_rows(reports, round_id)
    before = _round_rows(reports, previous_round_id)[["action_point_id", "assessment"]]
    out = now.merge(
        before.rename(columns={"assessment": "previous_assessment"}), on="action_point_id", how="left"
    )
    was_fine = out["previous_assessment"].isna() | (out["previous_assessment"] == "on_track")
    return _point_order(out.loc[out["assessment"].isin(AT_RISK_ASSESSMENTS) & was_fine])


def point_history(reports: pd.DataFrame, action_point_id: str) -> pd.DataFrame:
    """All reports of one action point in round order, with ``status_rank``."""
    rows = reports.loc[reports["action_point_id"] == action_point_id].copy()
    rows["status_rank"] = rows["status"].map(_rank_or_nan)
    rows["_key"] = rows["round_id"].map(_round_number)
    return rows.sort_values("_key").drop(columns="_key").reset_index(drop=True)


# --- MDG ---------------------------------------------------------------------------


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


def _rate_frame(ends: pd.DataFrame) -> pd.DataFrame:
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
        "base_year",
        "base_value",
        "latest_year",
        "latest_value",
        "target_value",
        "cagr",
        "directed_cagr",
        "required_cagr",
        "ratio",
        "rating",
        "arrow",
        "rating_order",
    ]
    counted = "n_points" in obs.columns  # pre-aggregated inputs (queries.rating_inputs) carry the full count
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
    res = _rate_frame(ends)
    out = pd.concat([ends.drop(columns=["latest_year", "latest_value"]), res], axis=1)
    out = out.reindex(columns=[c for c in out_cols if c not in ("arrow", "rating_order")])
    out["arrow"] = out["rating"].map(RATING_ARROWS)
    out["rating_order"] = out["rating"].map(RATING_ORDER.index)
    for col in ("base_year", "latest_year"):
        out[col] = out[col].astype("Int64")
    return out[out_cols]


def _equity_groups(dimension: str) -> tuple[str, str, str]:
    if dimension not in EQUITY_GROUPS:
        raise ValueError(f"dimension must be one of {', '.join(EQUITY_GROUPS)}, not {dimension!r}")
    other = "location" if dimension == "sex" else "sex"
    group_a, group_b = EQUITY_GROUPS[dimension]
    return group_a, group_b, other


def series_key(series_code: str, dimension: str) -> str:
    """The series code with the words naming the groups of ``dimension`` taken out.

    The UN MDG database gives each sex or location its own series ("Total net
    enrolment ratio in primary education, girls" / "..., boys";
    "..._rural_access_percent" / "..._urban_access_percent"); both members of a pair
    share this key, and a tidy series coded the same for both groups keeps its own.
    """
    text = str(series_code).replace("_", " ").lower()
    text = re.sub(rf"\b({_GROUP_WORDS[dimension]})\b", " ", text)
    return re.sub(r"[^a-z0-9/.]+", " ", text).strip()


def equity_gaps(obs: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Female vs male (``"sex"``) or rural vs urban (``"location"``) values side by side.

    Series are paired by ``series_key`` (same series once the group words are
    removed), within one indicator, country, source, year and value of the other
    dimension (so rural women are compared with rural men, never with all men);
    sources are never mixed. Columns: indicator_code, series_key, series_code (of
    group a), series_code_b, country_iso3, source, location|sex, year, unit,
    dimension, group_a, group_b, value_a, value_b, ratio (a / b, NaN when b is 0),
    difference (a - b).
    """
    group_a, group_b, other = _equity_groups(dimension)
    keys = ["indicator_code", "series_key", "country_iso3", "source", other, "year"]
    d = obs.loc[obs["value"].notna() & obs[dimension].isin([group_a, group_b])].copy()
    d["series_key"] = d["series_code"].map(lambda code: series_key(code, dimension))
    d = d[[*keys, "series_code", dimension, "value", "unit"]]
    a = d.loc[d[dimension] == group_a].drop(columns=dimension).rename(columns={"value": "value_a"})
    b = d.loc[d[dimension] == group_b, [*keys, "series_code", "value"]]
    b = b.rename(columns={"value": "value_b", "series_code": "series_code_b"})
    out = a.merge(b, on=keys, how="inner")
    out["dimension"] = dimension
    out["group_a"] = group_a
    out["group_b"] = group_b
    out["value_a"] = out["value_a"].astype(float)
    out["value_b"] = out["value_b"].astype(float)
    out["ratio"] = out["value_a"] / out["value_b"].where(out["value_b"] != 0)
    out["difference"] = out["value_a"] - out["value_b"]
    cols = [
        "indicator_code",
        "series_key",
        "series_code",
        "series_code_b",
        *keys[2:],
        "unit",
        "dimension",
        "group_a",
        "group_b",
        "value_a",
        "value_b",
        "ratio",
        "difference",
    ]
    return out.sort_values(keys).reset_index(drop=True)[cols]


def gap_trend(gaps: pd.DataFrame) -> pd.DataFrame:
    """Whether the absolute gap widened, narrowed or stayed between the first and latest year.

    Input: ``equity_gaps`` output. One row per indicator, series pair, country,
    source and other-dimension value: series_code, series_code_b, first_year,
    latest_year, first_difference, latest_difference, change (|latest| - |first|),
    trend (widened / narrowed / unchanged within GAP_TOLERANCE; "insufficient
    data" with a single year) and sign_reversed (the group ahead changed).
    """
    # equity_gaps keeps the *other* dimension as a key column (location for sex gaps).
    other = "location" if "location" in gaps.columns else "sex"
    keys = ["indicator_code", "series_key", "country_iso3", "source", other]
    cols = [
        *keys,
        "series_code",
        "series_code_b",
        "dimension",
        "first_year",
        "latest_year",
        "first_difference",
        "latest_difference",
        "change",
        "trend",
        "sign_reversed",
    ]
    if gaps.empty:
        return pd.DataFrame(columns=cols)
    d = gaps.sort_values("year")
    grouped = d.groupby(keys, sort=True, dropna=False)
    out = grouped.agg(
        series_code=("series_code", "last"),
        series_code_b=("series_code_b", "last"),
        dimension=("dimension", "first"),
        first_year=("year", "first"),
        latest_year=("year", "last"),
        first_difference=("difference", "first"),
        latest_difference=("difference", "last"),
    ).reset_index()
    out["change"] = out["latest_difference"].abs() - out["first_difference"].abs()
    out["trend"] = np.select(
        [
            out["first_year"] == out["latest_year"],
            out["change"] > GAP_TOLERANCE,
            out["change"] < -GAP_TOLERANCE,
        ],
        [RATING_INSUFFICIENT, "widened", "narrowed"],
        default="unchanged",
    )
    out["sign_reversed"] = (np.sign(out["first_difference"]) * np.sign(out["latest_difference"])) < 0
    return out[cols]


def disaggregation_coverage(obs: pd.DataFrame) -> pd.DataFrame:
    """Which breakdowns exist per country and indicator.

    Columns: country_iso3, indicator_code, n_obs, n_sex (rows with female or
    male), n_location (rows with urban or rural), has_sex / has_location (both
    groups of the dimension present at least once), first_year, latest_year.
    """
    d = obs.copy()
    d["_female"] = d["sex"] == "female"
    d["_male"] = d["sex"] == "male"
    d["_rural"] = d["location"] == "rural"
    d["_urban"] = d["location"] == "urban"
    g = d.groupby(["country_iso3", "indicator_code"], sort=True)
    out = g.agg(
        n_obs=("value", "size"),
        female=("_female", "sum"),
        male=("_male", "sum"),
        rural=("_rural", "sum"),
        urban=("_urban", "sum"),
        first_year=("year", "min"),
        latest_year=("year", "max"),
    ).reset_index()
    out["n_sex"] = (out["female"] + out["male"]).astype(int)
    out["n_location"] = (out["rural"] + out["urban"]).astype(int)
    out["has_sex"] = (out["female"] > 0) & (out["male"] > 0)
    out["has_location"] = (out["rural"] > 0) & (out["urban"] > 0)
    return out[
        [
            "country_iso3",
            "indicator_code",
            "n_obs",
            "n_sex",
            "n_location",
            "has_sex",
            "has_location",
            "first_year",
            "latest_year",
        ]
    ]


def latest_values(obs: pd.DataFrame) -> pd.DataFrame:
    """The latest non-null observation of each series/country/sex/location/source (all columns)."""
    d = obs.loc[obs["value"].notna()]
    idx = d.sort_values("year").groupby(SERIES_KEYS, sort=True, dropna=False).tail(1).index
    return d.loc[idx].sort_values(SERIES_KEYS).reset_index(drop=True)


# --- New York workload -------------------------------------------------------------


def _items(items: pd.DataFrame) -> pd.DataFrame:
    d = _dates(items, ["received_on", "completed_on"])
    d["hours"] = d["hours"].astype(float)
    return d


def _month_range(months: pd.Series) -> pd.DatetimeIndex:
    if months.dropna().empty:
        return pd.DatetimeIndex([])
    return pd.date_range(months.min(), months.max(), freq="MS")


def _month(col: pd.Series) -> pd.Series:
    return col.dt.to_period("M").dt.to_timestamp()


def monthly_counts(items: pd.DataFrame, by: str = "work_area") -> pd.DataFrame:
    """Items and hours per month received and ``by`` (work_area or requesting_body).

    Every month from the first to the last is present for every category seen
    (zeros included) so lines do not skip empty months. Columns: month (first day,
    datetime64), <by>, items, hours.
    """
    if by not in ("work_area", "requesting_body"):
        raise ValueError("by must be 'work_area' or 'requesting_body'")
    d = _items(items)
    d["month"] = _month(d["received_on"])
    months = _month_range(d["month"])
    grid = pd.MultiIndex.from_product([months, sorted(d[by].dropna().unique())], names=["month", by])
    out = d.groupby(["month", by]).agg(items=("id", "size"), hours=("hours", "sum"))
    out = out.reindex(grid, fill_value=0).reset_index()
    out["items"] = out["items"].astype(int)
    out["hours"] = out["hours"].astype(float)
    return out


def assign_round(items: pd.DataFrame, rounds: pd.DataFrame | Iterable[str]) -> pd.DataFrame:
    """Copy of ``items`` with ``round_id``: the round whose half-year contains received_on.

    Items outside every listed round get a missing round_id.
    """
    ids = set(_round_ids(rounds))
    d = _items(items)
    rid = d["received_on"].map(lambda ts: round_of_date(ts) if pd.notna(ts) else None)
    d["round_id"] = rid.where(rid.isin(ids), None)
    return d


def by_round(items: pd.DataFrame, rounds: pd.DataFrame | Iterable[str]) -> pd.DataFrame:
    """Items and hours per round and work area (rounds frame: id, meeting_date, cutoff_date).

    Every round listed x every work area seen, zeros included, in round order;
    items received outside every listed round are left out. Columns: round_id,
    work_area, items, hours.
    """
    ids = _round_ids(rounds)
    d = assign_round(items, ids)
    grid = pd.MultiIndex.from_product(
        [ids, sorted(d["work_area"].dropna().unique())], names=["round_id", "work_area"]
    )
    out = d.dropna(subset=["round_id"]).groupby(["round_id", "work_area"])
    out = out.agg(items=("id", "size"), hours=("hours", "sum")).reindex(grid, fill_value=0).reset_index()
    out["items"] = out["items"].astype(int)
    out["hours"] = out["hours"].astype(float)
    return out


def hours_vs_capacity(items: pd.DataFrame, staff_capacity_hours_per_month: float) -> pd.DataFrame:
    """Hours logged per month (by month received) against the office's monthly capacity.

    Columns: month, items, hours, capacity_hours, utilisation (hours / capacity),
    over_capacity.
    """
    if staff_capacity_hours_per_month <= 0:
        raise ValueError("staff capacity must be positive")
    d = _items(items)
    d["month"] = _month(d["received_on"])
    out = d.groupby("month").agg(items=("id", "size"), hours=("hours", "sum"))
    out = out.reindex(_month_range(d["month"]), fill_value=0).rename_axis("month").reset_index()
    out["items"] = out["items"].astype(int)
    out["hours"] = out["hours"].astype(float)
    out["capacity_hours"] = float(staff_capacity_hours_per_month)
    out["utilisation"] = out["hours"] / out["capacity_hours"]
    out["over_capacity"] = out["hours"] > out["capacity_hours"]
    return out


def age_bucket(days: int | float) -> str:
    """The backlog age bucket of an age in days: 0-30, 31-90, 91-180 or >180."""
    for edge, label in zip(_AGE_EDGES, AGE_BUCKETS, strict=False):
        if days <= edge:
            return label
    return AGE_BUCKETS[-1]


def backlog(items: pd.DataFrame, as_of: date | datetime | str | pd.Timestamp) -> pd.DataFrame:
    """Items open on ``as_of``: received by then and not completed by then.

    Open means status != completed, or completed_on after as_of (an item
    completed with no date is taken as closed). Columns: the item columns plus
    age_days (as_of - received_on) and age_bucket (AGE_BUCKETS), oldest first.
    """
    as_of_ts = _timestamp(as_of)
    d = _items(items)
    still_open = (d["status"] != "completed") | (d["completed_on"] > as_of_ts)
    d = d.loc[still_open & (d["received_on"] <= as_of_ts)].copy()
    d["age_days"] = (as_of_ts - d["received_on"]).dt.days.astype(int)
    d["age_bucket"] = d["age_days"].map(age_bucket)
    return d.sort_values(["age_days", "id"], ascending=[False, True]).reset_index(drop=True)


def turnaround(items: pd.DataFrame) -> pd.DataFrame:
    """Days from received to completed per work area, over completed items with a date.

    Columns: work_area, completed_items, median_days, mean_days, max_days.
    """
    d = _items(items)
    d = d.loc[(d["status"] == "completed") & d["completed_on"].notna() & d["received_on"].notna()].copy()
    d["days"] = (d["completed_on"] - d["received_on"]).dt.days.astype(float)
    out = d.groupby("work_area", sort=True)["days"].agg(
        completed_items="size", median_days="median", mean_days="mean", max_days="max"
    )
    return out.reset_index()


def plan_area_share(items: pd.DataFrame) -> pd.DataFrame:
    """Items and hours in the five areas the plan names vs the rest.

    Two rows, group "plan areas" then "other". Columns: group, items, hours,
    item_share, hour_share (0-1; 0 when there is nothing at all).
    """
    d = _items(items)
    d["group"] = np.where(d["work_area"].isin(PLAN_WORK_AREAS), PLAN_GROUP, OTHER_GROUP)
    out = d.groupby("group").agg(items=("id", "size"), hours=("hours", "sum"))
    out = out.reindex([PLAN_GROUP, OTHER_GROUP], fill_value=0).rename_axis("group").reset_index()
    out["items"] = out["items"].astype(int)
    out["hours"] = out["hours"].astype(float)
    total_items, total_hours = out["items"].sum(), out["hours"].sum()
    out["item_share"] = out["items"] / total_items if total_items else 0.0
    out["hour_share"] = out["hours"] / total_hours if total_hours else 0.0
    return out


# --- Action 2 ----------------------------------------------------------------------


def _acts(acts: pd.DataFrame, round_id: str | None, include_cancelled: bool) -> pd.DataFrame:
    d = acts.copy()
    if round_id is not None:
        d = d.loc[d["round_id"] == round_id]
    if not include_cancelled:
        # A cancelled activity trained nobody and deployed nobody: counting it inflates reach.
        d = d.loc[d["status"] != "cancelled"]
    return d


_ACT_AGG = {
    "activities": ("id", "size"),
    "participants_trained": ("participants_trained", "sum"),
    "advisers_deployed": ("advisers_deployed", "sum"),
}


def by_agency_type(
    acts: pd.DataFrame, round_id: str | None = None, include_cancelled: bool = False
) -> pd.DataFrame:
    """Activities, people trained and advisers per agency and activity type.

    Cancelled activities are left out unless asked for. Columns: agency, type,
    activities, participants_trained, advisers_deployed.
    """
    d = _acts(acts, round_id, include_cancelled)
    return d.groupby(["agency", "type"], sort=True).agg(**_ACT_AGG).reset_index()


def m49_code(iso3: str) -> str | None:
    """ISO 3166-1 numeric (M49) code, zero-padded ("004"), of an alpha-3 code; None when unknown."""
    if not isinstance(iso3, str):
        return None
    country = pycountry.countries.get(alpha_3=iso3.upper())
    if country is None:  # retired codes such as SCG (Serbia and Montenegro)
        country = pycountry.historic_countries.get(alpha_3=iso3.upper())
    numeric = getattr(country, "numeric", None)
    return str(numeric).zfill(3) if numeric else None


def _country_name(iso3: str) -> str:
    country = pycountry.countries.get(alpha_3=iso3) or pycountry.historic_countries.get(alpha_3=iso3)
    return country.name if country is not None else iso3


def by_country(
    acts: pd.DataFrame, round_id: str | None = None, include_cancelled: bool = False
) -> pd.DataFrame:
    """Activities, people trained, advisers and agencies per country, with its M49 code for maps.

    Columns: country_iso3, country_name, m49 (zero-padded string, missing when
    unknown, e.g. XKX), activities, participants_trained, advisers_deployed, agencies.
    """
    d = _acts(acts, round_id, include_cancelled)
    out = d.groupby("country_iso3", sort=True).agg(**_ACT_AGG, agencies=("agency", "nunique")).reset_index()
    out.insert(1, "country_name", out["country_iso3"].map(_country_name))
    out.insert(2, "m49", out["country_iso3"].map(m49_code))
    return out


def _ordered_by_round(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values("round_id", key=lambda s: s.map(_round_number)).reset_index(drop=True)


def advisers_over_time(acts: pd.DataFrame, include_cancelled: bool = False) -> pd.DataFrame:
    """Advisers deployed per round. Columns: round_id, advisers_deployed, countries, agencies.

    countries and agencies count those with at least one adviser deployed in the round.
    """
    d = _acts(acts, None, include_cancelled)
    with_advisers = d.loc[d["advisers_deployed"] > 0]
    out = d.groupby("round_id").agg(advisers_deployed=("advisers_deployed", "sum"))
    reach = with_advisers.groupby("round_id").agg(
        countries=("country_iso3", "nunique"), agencies=("agency", "nunique")
    )
    out = out.join(reach).fillna(0).astype(int).reset_index()
    return _ordered_by_round(out)


def trained_over_time(acts: pd.DataFrame, include_cancelled: bool = False) -> pd.DataFrame:
    """People trained per round. Columns: round_id, participants_trained, training_activities, activities."""
    d = _acts(acts, None, include_cancelled)
    d = d.assign(_training=d["type"] == "training")
    out = d.groupby("round_id").agg(
        participants_trained=("participants_trained", "sum"),
        training_activities=("_training", "sum"),
        activities=("id", "size"),
    )
    return _ordered_by_round(out.astype(int).reset_index())


def stale_agencies(
    acts: pd.DataFrame,
    rounds: pd.DataFrame | Iterable[str],
    current_round: str,
    agencies: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Agencies whose latest reported round is earlier than ``current_round``.

    Only reports up to ``current_round`` count. ``agencies`` (all known codes)
    adds agencies that never reported (last_round missing). rounds_missed counts
    the listed rounds after last_round up to and including current_round.
    Columns: agency, last_round, rounds_missed; most rounds missed first.
    """
    ids = _round_ids(rounds)
    current = round_key(current_round)
    upto = [r for r in ids if round_key(r) <= current]
    d = acts.loc[acts["round_id"].map(lambda r: round_key(r) <= current).astype(bool)]
    last = d.groupby("agency")["round_id"].agg(lambda s: max(s, key=round_key)).to_dict()
    everyone = set(last) | (set(agencies) if agencies is not None else set())
    rows = []
    for agency in sorted(everyone):
        lr = last.get(agency)
        if lr is not None and round_key(lr) >= current:
            continue
        missed = sum(1 for r in upto if lr is None or round_key(r) > round_key(lr))
        rows.append({"agency": agency, "last_round": lr, "rounds_missed": missed})
    out = pd.DataFrame(rows, columns=["agency", "last_round", "rounds_missed"])
    out["rounds_missed"] = out["rounds_missed"].astype(int)
    return out.sort_values(["rounds_missed", "agency"], ascending=[False, True]).reset_index(drop=True)


# --- CSV export ----------------------------------------------------------------------


def neutralise_csv_cells(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` whose text cells starting with = + - @ tab or CR get a leading ``'``.

    Spreadsheets run such cells as formulas (OWASP CSV injection); the quote
    makes them plain text. Numeric columns are left alone, so -5 stays a number.
    """
    out = df.copy()

    def fix(value: Any) -> Any:
        if isinstance(value, str) and value.startswith(CSV_FORMULA_PREFIXES):
            return "'" + value
        return value

    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(fix)
    return out


def to_csv_bytes(df: pd.DataFrame, encoding: str = "utf-8") -> bytes:
    """The frame as CSV bytes (no index) after ``neutralise_csv_cells``."""
    return neutralise_csv_cells(df).to_csv(index=False).encode(encoding)
