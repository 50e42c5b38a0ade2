"""Upkeep of ``observation_end``: each series' end points up to the data cut-off years of the
latest round and the one before (its first value, its first value from 1990 and its latest),
kept at write time so that the briefing's progress ratings never group or sort the whole
observation table.

Maintained in the same transaction as every import and revert, like ``observation_summary``:
an all-new import merges its own end points (computed here from the file's rows, earlier
first and later latest win); any other write rebuilds the end points of the series it touched
from ``observation``; a change of the rounds' cut-off years computes the years added
(``observation_end_year`` lists the years the table holds, so a reader can tell).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from sqlalchemy import (
    Column,
    Connection,
    Table,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)

from lib.ingest.staging import fill_columns, fill_staging, temp_table
from lib.ingest.summary import collect_groups, summary_groups_of
from lib.models import ConsultationRound, Observation, ObservationEnd, ObservationEndYear

#: A series: what a progress rating is computed for (metrics.SERIES_KEYS).
SERIES = ("indicator_code", "series_code", "country_iso3", "sex", "location", "source")
#: The first year of the base period of the MDG ratings (metrics.BASELINE_YEAR).
BASE_YEAR = 1990
#: The end points kept per series and cut-off year, each a (year, value, unit) triple.
POINTS = ("first", "base", "latest")
#: The share of all series at which a write rebuilds the whole table rather than its series.
REBUILD_SHARE = 0.25
#: observation_end's end-point columns: all but the rating of them (lib.ingest.ratings sets it).
POINT_COLUMNS = [c.name for c in ObservationEnd.__table__.columns if c.name not in ("rating", "counted")]


def cutoff_years(conn: Connection) -> list[int]:
    """The data years the latest round's briefing rates: its own and the previous round's (the
    year before each cut-off date, the rule of domains.mdg.headline.data_years; a test holds them together).

    Only those: the briefing opens on the latest round, and rounds come twice a year, so one or
    two years serve it. An older round's overview is computed from the observations instead.
    """
    r = ConsultationRound.__table__
    dates = conn.execute(select(r.c.cutoff_date).order_by(r.c.id.desc()).limit(2)).scalars()
    return sorted({d.year - 1 for d in dates if d is not None})


def covered_years(conn: Connection) -> list[int]:
    """The cut-off years ``observation_end`` holds."""
    t = ObservationEndYear.__table__
    return sorted(conn.execute(select(t.c.year)).scalars())


def ends_frame(rows: pd.DataFrame, years: Sequence[int], codes: np.ndarray | None = None) -> pd.DataFrame:
    """The end points of every series of ``rows`` (SERIES columns, year, value, unit) up to each of
    ``years``: one row per series and year that has a value up to it; columns :data:`POINT_COLUMNS`.

    One sort of the rows (by series and year, as integer codes: ``codes`` numbers each row's
    series, see direct.series_codes); each year is then a mask and the first and last row of
    each series' run.
    """
    cols = POINT_COLUMNS
    if rows.empty or not years:
        return pd.DataFrame(columns=cols)
    if codes is None:
        codes = rows.groupby(list(SERIES), sort=False, dropna=False, observed=True).ngroup().to_numpy()
    year = rows["year"].to_numpy(dtype="int64")
    order = np.lexsort((year, codes))
    c_sorted, y_sorted = codes[order], year[order]
    value = rows["value"].to_numpy(dtype="float64")
    unit = rows["unit"].to_numpy(dtype=object)
    parts = []
    for cut in sorted({int(y) for y in years}):
        keep = y_sorted <= cut
        idx, grp = order[keep], c_sorted[keep]
        if not len(idx):
            continue
        starts = np.flatnonzero(np.r_[True, grp[1:] != grp[:-1]])
        last = np.r_[starts[1:], len(grp)] - 1
        first_i, latest_i, groups = idx[starts], idx[last], grp[starts]
        # The first value from the base year: the first row of each series' run from it on.
        from_base = year[idx] >= BASE_YEAR
        b_idx, b_grp = idx[from_base], grp[from_base]
        b_starts = np.flatnonzero(np.r_[True, b_grp[1:] != b_grp[:-1]]) if len(b_grp) else np.array([], int)
        b_groups, b_first = b_grp[b_starts], b_idx[b_starts]
        pos = np.searchsorted(b_groups, groups).clip(max=max(len(b_groups) - 1, 0))
        has_base = (
            (len(b_groups) > 0) & (b_groups[pos] == groups) if len(b_groups) else np.zeros(len(groups), bool)
        )
        base_i = np.where(has_base, b_first[pos] if len(b_groups) else 0, 0)
        part = rows.iloc[first_i][list(SERIES)].reset_index(drop=True)
        part["cutoff_year"] = cut
        for name, at in (("first", first_i), ("latest", latest_i), ("base", base_i)):
            part[f"{name}_year"] = year[at]
            part[f"{name}_value"] = value[at]
            part[f"{name}_unit"] = unit[at]
        part.loc[~has_base, ["base_year", "base_value", "base_unit"]] = None
        parts.append(part)
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    out["base_year"] = out["base_year"].astype("Int64")
    return out[cols]


def _columns_of(frame: pd.DataFrame, names: Sequence[str] = POINT_COLUMNS) -> list[list]:
    """The columns ``names`` of ``frame`` (as ``observation_end``'s) as one list each, None for missing."""
    cols = []
    for name in names:
        s = frame[name]
        if name.endswith("_value"):
            s = s.astype("float64")
        elif name.endswith("_year"):
            s = s.astype("Int64")
        if s.isna().any():
            cols.append(s.astype(object).where(s.notna(), None).tolist())
        elif name.endswith("_year"):
            cols.append(s.to_numpy(dtype="int64").tolist())
        else:
            cols.append(s.tolist())
    return cols


def _rows_of(frame: pd.DataFrame) -> Iterable[tuple]:
    """``frame`` (columns :data:`POINT_COLUMNS`) as driver tuples, None for missing (by column)."""
    return zip(*_columns_of(frame), strict=True)


def add_new_rows(
    conn: Connection,
    rows: pd.DataFrame,
    codes: np.ndarray | None = None,
    *,
    new_series: bool = False,
    delta: pd.DataFrame | None = None,
) -> None:
    """Merge the end points of observations that were all new (none replaced a stored one).

    Per series and cut-off year the earlier first (and base) and the later latest win, so two
    set-based statements merge them: stored series are updated, others inserted.
    ``new_series``: none of the rows' series has anything stored, so they are only inserted.
    ``delta``: the rows' :func:`ends_frame` for the years the table covers, if already made;
    with a ``rating`` column (ratings.rated_ends), inserted with their rating in the same rows.
    """
    if delta is None:
        delta = ends_frame(rows, covered_years(conn), codes)
    if delta.empty:
        return
    e = ObservationEnd.__table__
    if new_series:
        names = [*POINT_COLUMNS, "rating"] if "rating" in delta.columns else POINT_COLUMNS
        fill_columns(conn, e, names, _columns_of(delta, names))
        return
    # Merged rows keep their stored rating until lib.ingest.ratings rates their series again.
    d = temp_table(conn, "end_delta", [Column(n, e.c[n].type) for n in POINT_COLUMNS])
    fill_staging(conn, d, _rows_of(delta))
    same = and_(*[e.c[k] == d.c[k] for k in (*SERIES, "cutoff_year")])
    earlier_first = d.c.first_year < e.c.first_year
    earlier_base = or_(
        e.c.base_year.is_(None), and_(d.c.base_year.is_not(None), d.c.base_year < e.c.base_year)
    )
    later = d.c.latest_year > e.c.latest_year
    values = {}
    for name, newer in (("first", earlier_first), ("base", earlier_base), ("latest", later)):
        for part in ("year", "value", "unit"):
            col = f"{name}_{part}"
            values[col] = case((newer, d.c[col]), else_=e.c[col])
    conn.execute(update(e).where(same).values(**values))
    conn.execute(insert(e).from_select(POINT_COLUMNS, select(*d.c).where(~exists().where(same))))
    d.drop(conn)


def _fill_from_observations(conn: Connection, years: Sequence[int], groups: Table | None) -> None:
    """Insert the end points of ``groups`` (a table of SERIES columns; None: every series) up to
    each of ``years``, computed in SQL from ``observation``: one GROUP BY for all the years (kept
    in a temporary table), then per year each end point's value looked up by the primary key."""
    if not years:
        return
    o, e = Observation.__table__, ObservationEnd.__table__
    years = sorted({int(y) for y in years})
    lasts = [f"y_last_{i}" for i in range(len(years))]
    a = temp_table(
        conn,
        "end_agg",
        [Column(k, o.c[k].type) for k in SERIES]
        + [Column(n, o.c.year.type) for n in ("y_first", "y_base", *lasts)],
    )
    agg = select(
        *[o.c[k] for k in SERIES],
        func.min(o.c.year),
        func.min(case((o.c.year >= BASE_YEAR, o.c.year))),
        *[func.max(case((o.c.year <= y, o.c.year))) for y in years],
    ).where(o.c.year <= years[-1])
    if groups is not None:
        agg = agg.select_from(o.join(groups, and_(*[o.c[k] == groups.c[k] for k in SERIES])))
    conn.execute(insert(a).from_select([c.name for c in a.columns], agg.group_by(*[o.c[k] for k in SERIES])))
    names = [*SERIES, "cutoff_year", *[f"{p}_{part}" for p in POINTS for part in ("year", "value", "unit")]]
    for y, last in zip(years, lasts, strict=True):
        first, base, latest = (o.alias(f"{n}_o") for n in POINTS)

        def at(alias, year_col):
            return and_(*[alias.c[k] == a.c[k] for k in SERIES], alias.c.year == year_col)

        stmt = (
            select(
                *[a.c[k] for k in SERIES],
                literal(y),
                *[t.c[col] for t in (first, base, latest) for col in ("year", "value", "unit")],
            )
            .select_from(
                a.join(first, at(first, a.c.y_first))
                .outerjoin(base, at(base, case((a.c.y_base <= y, a.c.y_base))))
                .join(latest, at(latest, a.c[last]))
            )
            .where(a.c.y_first <= y)
        )
        conn.execute(insert(e).from_select(names, stmt))
    a.drop(conn)


def refresh(conn: Connection, groups: Table | None) -> None:
    """Rebuild the end points of the series in ``groups`` (a temporary table of SERIES columns,
    see summary.collect_groups), or of every series (None), from ``observation``."""
    e = ObservationEnd.__table__
    years = covered_years(conn)
    if groups is None:
        conn.execute(delete(e))
    else:
        conn.execute(delete(e).where(exists().where(and_(*[e.c[k] == groups.c[k] for k in SERIES]))))
    _fill_from_observations(conn, years, groups)


def refresh_written(conn: Connection, upload_id: int, everything: bool) -> None:
    """After an import that modified rows: rebuild the end points of the series the upload wrote
    (``everything``: of every series, when it wrote a large share of them)."""
    if everything:
        refresh(conn, None)
        return
    groups = collect_groups(conn, summary_groups_of(Observation.__table__, upload_id))
    refresh(conn, groups)
    groups.drop(conn)


def sync_years(conn: Connection) -> None:
    """Make ``observation_end`` hold exactly the rounds' cut-off years (after a write to the rounds):
    the end points of years added are computed from ``observation``, those of years gone dropped."""
    e, t = ObservationEnd.__table__, ObservationEndYear.__table__
    want, have = set(cutoff_years(conn)), set(covered_years(conn))
    if want == have:
        return
    gone, added = sorted(have - want), sorted(want - have)
    if gone:
        conn.execute(delete(e).where(e.c.cutoff_year.in_(gone)))
        conn.execute(delete(t).where(t.c.year.in_(gone)))
    if added:
        _fill_from_observations(conn, added, None)
        conn.execute(insert(t), [{"year": y} for y in added])
