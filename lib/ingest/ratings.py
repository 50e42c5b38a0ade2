"""Upkeep of ``observation_end.rating``: each series' progress rating up to the cut-off years of
``observation_end`` (the latest round's data year and the previous round's), kept at write time
so that the briefing overview reads its ratings instead of rating some 130,000 series per view.

Maintained in the same transaction as every import and revert, right after the end points
(lib.ingest.ends), and from them: only the series a write touched are rated again, with the
briefing's own function (``lib.domains.mdg.rating.progress_rating``) on the same end points the
overview would read, so a stored rating is the computed one by construction. The rating is a
column of the end points' own row: an all-new import inserts both at once (:func:`rated_ends`);
any other write rebuilds the end points and then rates the rows it rebuilt (:func:`refresh`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Column, Connection, Table, Update, and_, exists, func, select, update

from lib.db import driver_rows
from lib.domains.mdg.rating import BASELINE_YEAR, progress_rating, rate_points
from lib.domains.mdg.texts import SUCCESSOR_MARK
from lib.ingest.ends import POINTS, SERIES
from lib.ingest.staging import fill_staging, temp_table
from lib.ingest.summary import collect_groups, summary_groups_of
from lib.models import MdgIndicator, Observation, ObservationEnd

#: observation_end's columns a rating reads, in the order :func:`rate_ends` takes them.
END_COLUMNS = [*SERIES, "cutoff_year", *[f"{p}_{x}" for p in POINTS for x in ("year", "value", "unit")]]
RATING_COLUMNS = [*SERIES, "cutoff_year", "rating"]


def end_rows(ends: pd.DataFrame) -> pd.DataFrame:
    """The observations a rating of ``ends`` (one cut-off year's rows of ``observation_end``)
    uses: each series' first value, its first from 1990 and its latest, once per year."""
    parts = [
        ends[[*SERIES, f"{p}_year", f"{p}_value", f"{p}_unit"]].set_axis(
            [*SERIES, "year", "value", "unit"], axis=1
        )
        for p in POINTS
    ]
    rows = pd.concat(parts, ignore_index=True)
    rows = rows.loc[rows["year"].notna()].drop_duplicates([*SERIES, "year"])
    return rows.astype({"year": "int64", "value": "float64"})


def rate_ends(ends: pd.DataFrame, indicators: pd.DataFrame, *, sort: bool = True) -> pd.DataFrame:
    """The rating of every series and cut-off year of ``ends`` (columns :data:`END_COLUMNS`):
    ``progress_rating`` on its end points, per year; columns :data:`RATING_COLUMNS`, sorted by
    year and series (the same rows as :func:`rate_ends_by_rows`, the key columns of ``ends``'s dtype;
    ``sort=False``: in the order of ``ends`` where every row is rated directly).

    The end points are already one row per series: they go straight to the rating rules
    (``rating.rate_points``) instead of through ``progress_rating``'s sort and group-by over six
    text columns (0.4 s of 100,000 series, on the import's critical path). Points with a missing
    value or year, which ``progress_rating`` would drop, take the path through it.
    """
    if ends.empty:
        return pd.DataFrame(columns=RATING_COLUMNS)
    # One (year, value) pair per end point and series: first, base, latest.
    years = np.column_stack([ends[f"{p}_year"].to_numpy(dtype=float, na_value=np.nan) for p in POINTS])
    values = np.column_stack([ends[f"{p}_value"].to_numpy(dtype=float, na_value=np.nan) for p in POINTS])
    dated = ~np.isnan(years)
    if not (dated[:, 0].all() and dated[:, 2].all() and np.isfinite(values[dated]).all()):
        return rate_ends_by_rows(ends, indicators)
    # progress_rating keeps one point per year (the first of first, base, latest) and sorts them
    # by year: its first is the earliest, its latest the last, its base the earliest from 1990 on
    # (argmin and argmax take the first of equal years, as drop_duplicates keeps it).
    rows = np.arange(len(ends))
    lo = np.argmin(np.where(dated, years, np.inf), axis=1)
    hi = np.argmax(np.where(dated, years, -np.inf), axis=1)
    since = np.where(dated & (years >= BASELINE_YEAR), years, np.inf)
    b90 = np.argmin(since, axis=1)
    has_b90 = np.isfinite(since[rows, b90])
    meta = indicators.drop_duplicates("code").set_index("code")
    # Each indicator's target and direction looked up once, not once per series.
    code, codes = pd.factorize(ends["indicator_code"], use_na_sentinel=False)
    ratio = pd.to_numeric(meta["target_ratio_2015"], errors="coerce").reindex(codes).to_numpy(dtype=float)
    direction = meta["desired_direction"].reindex(codes).to_numpy(dtype=object)
    points = pd.DataFrame(
        {
            "first_year": years[rows, lo],
            "first_value": values[rows, lo],
            "b90_year": np.where(has_b90, years[rows, b90], np.nan),
            "b90_value": np.where(has_b90, values[rows, b90], np.nan),
            "latest_year": years[rows, hi],
            "latest_value": values[rows, hi],
            "target_ratio_2015": ratio[code],
            "desired_direction": direction[code],
        }
    )
    # The key columns as they came (their texts shared with the frame, cheap to bind).
    out = ends[list(SERIES)].reset_index(drop=True)
    out["cutoff_year"] = ends["cutoff_year"].to_numpy(dtype="int64")
    out["rating"] = rate_points(points)["rating"].to_numpy()
    if not sort:
        return out[RATING_COLUMNS]
    order = out.sort_values(["cutoff_year", *SERIES], kind="stable").index
    return out.loc[order, RATING_COLUMNS].reset_index(drop=True)


def rated_ends(ends: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """``ends`` (end points as lib.ingest.ends.ends_frame makes them) with each row's ``rating``
    (:func:`rate_ends`), in their own order: the rows an all-new import inserts in one go."""
    if ends.empty:
        return ends.assign(rating=pd.Series(dtype=object))
    rated = rate_ends(ends, indicators, sort=False)
    if len(rated) == len(ends):  # rate_points' path: row for row
        return ends.assign(rating=rated["rating"].to_numpy())
    keys = [*SERIES, "cutoff_year"]
    merged = ends.astype({"cutoff_year": "int64"}).merge(rated, on=keys, how="left", validate="1:1")
    return merged.set_axis(ends.index)


def rate_ends_by_rows(ends: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """:func:`rate_ends` through ``progress_rating`` on the end points as observation rows."""
    out = []
    for year, part in ends.groupby("cutoff_year", sort=True):
        rated = progress_rating(end_rows(part), indicators)
        out.append(rated[list(SERIES)].assign(cutoff_year=int(year), rating=rated["rating"]))
    if not out:
        return pd.DataFrame(columns=RATING_COLUMNS)
    return pd.concat(out, ignore_index=True)[RATING_COLUMNS]


def _indicators(conn: Connection) -> pd.DataFrame:
    t = MdgIndicator.__table__
    cols = [t.c.code, t.c.target_ratio_2015, t.c.desired_direction]
    return pd.DataFrame(conn.execute(select(*cols)).all(), columns=[c.name for c in cols])


def _store(conn: Connection, rated: pd.DataFrame) -> None:
    """Set the rating of each row of ``rated`` (:data:`RATING_COLUMNS`) in ``observation_end``:
    through a temporary table and one UPDATE ... FROM, not one statement per series."""
    e = ObservationEnd.__table__
    t = temp_table(
        conn,
        "rating_new",
        [Column(k, e.c[k].type, primary_key=True) for k in ("cutoff_year", *SERIES)]
        + [Column("rating", e.c.rating.type)],
    )
    cols = [rated[k].tolist() for k in SERIES]
    years = rated["cutoff_year"].to_numpy(dtype="int64").tolist()
    fill_staging(conn, t, zip(years, *cols, rated["rating"].tolist(), strict=True))
    same = and_(*[e.c[k] == t.c[k] for k in ("cutoff_year", *SERIES)])
    conn.execute(update(e).where(same).values(rating=t.c.rating))
    t.drop(conn)


def _rate(conn: Connection, groups: Table | None, years: list[int] | None = None) -> None:
    """Rate the end points of the series of ``groups`` (None: every series) at the years
    ``observation_end`` holds (or only ``years``), store their ratings and recount them."""
    e = ObservationEnd.__table__
    stmt = select(*[e.c[c] for c in END_COLUMNS])
    if groups is not None:
        stmt = stmt.select_from(e.join(groups, and_(*[e.c[k] == groups.c[k] for k in SERIES])))
    if years is not None:
        stmt = stmt.where(e.c.cutoff_year.in_(years))
    ends = pd.DataFrame(driver_rows(conn, stmt), columns=END_COLUMNS)
    if not ends.empty:
        _store(conn, rate_ends(ends, _indicators(conn)))
    conn.execute(recount_statement(e, groups))


def _successor(source):
    """SQL: ``source`` is a successor series' (as lib.domains.mdg.texts.is_successor_source tells)."""
    return func.lower(source).contains(SUCCESSOR_MARK, autoescape=True)


def recount_statement(r, groups: Table | None = None) -> Update:
    """The UPDATE that sets ``observation_end.counted`` (``r``: the table or a migration's
    lightweight copy of it) as ``lib.domains.mdg.rating.mdg_first`` chooses: a successor series'
    rating counts only where no MDG-era series of its indicator and country is rated up to the
    same year. Only successor rows can change, and only those sharing an indicator and a country
    with ``groups`` (a table of the series just rated or dropped, or only of their indicator and
    country columns; None: every one)."""
    m = r.alias("mdg_r")
    mdg_rated = (
        select(m.c.cutoff_year)
        .where(
            m.c.cutoff_year == r.c.cutoff_year,
            m.c.indicator_code == r.c.indicator_code,
            m.c.country_iso3 == r.c.country_iso3,
            ~_successor(m.c.source),
        )
        .exists()
    )
    where = [_successor(r.c.source)]
    if groups is not None:
        where.append(
            exists().where(
                groups.c.indicator_code == r.c.indicator_code, groups.c.country_iso3 == r.c.country_iso3
            )
        )
    return update(r).where(*where).values(counted=~mdg_rated)


def refresh(conn: Connection, groups: Table | None) -> None:
    """Rate again the series in ``groups`` (a temporary table of SERIES columns, as ends.refresh
    takes it) or every series (None), after their end points were rebuilt (ends.refresh)."""
    _rate(conn, groups)


def refresh_written(conn: Connection, upload_id: int, everything: bool) -> None:
    """After an import that modified rows (as ends.refresh_written): rate again the series it wrote."""
    if everything:
        refresh(conn, None)
        return
    groups = collect_groups(conn, summary_groups_of(Observation.__table__, upload_id))
    refresh(conn, groups)
    groups.drop(conn)


def add_new_rows(
    conn: Connection,
    rows: pd.DataFrame,
    codes: np.ndarray | None = None,
    *,
    new_series: bool = False,
    rated: pd.DataFrame | None = None,
) -> None:
    """After an all-new import (ends.add_new_rows): rate again the series of ``rows`` (``codes``
    numbers each row's series, see direct.series_codes). ``new_series``: none was rated before;
    ``rated``: then the end points the import inserted, already with their ratings
    (:func:`rated_ends`), so only the recount is left."""
    if rows.empty:
        return
    o = Observation.__table__
    if new_series and rated is not None:
        # Only the recount reads the series' places: a table of their (indicator, country) pairs,
        # a few hundred rows, instead of one row per series (0.4 s at 300,000 observations).
        place = ["indicator_code", "country_iso3"]
        pairs = rated[place].drop_duplicates()
        places = temp_table(conn, "rating_places", [Column(k, o.c[k].type, primary_key=True) for k in place])
        fill_staging(conn, places, zip(*[pairs[k].tolist() for k in place], strict=True))
        conn.execute(recount_statement(ObservationEnd.__table__, places))
        places.drop(conn)
        return
    if codes is None:
        codes = rows.groupby(list(SERIES), sort=False, dropna=False, observed=True).ngroup().to_numpy()
    _, first = np.unique(codes, return_index=True)
    heads = rows.iloc[np.sort(first)][list(SERIES)]
    groups = temp_table(conn, "rating_groups", [Column(k, o.c[k].type, primary_key=True) for k in SERIES])
    fill_staging(conn, groups, zip(*[heads[k].tolist() for k in SERIES], strict=True))
    refresh(conn, groups)
    groups.drop(conn)


def rated_years(conn: Connection) -> list[int]:
    """The cut-off years ``observation_end`` holds ratings for."""
    e = ObservationEnd.__table__
    return sorted(conn.execute(select(e.c.cutoff_year).where(e.c.rating.is_not(None)).distinct()).scalars())


def sync_years(conn: Connection) -> None:
    """After ends.sync_years: rate the end points of the cut-off years it added (their rows have
    no rating yet; the rows of years it dropped went with them)."""
    e = ObservationEnd.__table__
    unrated = conn.execute(select(e.c.cutoff_year).where(e.c.rating.is_(None)).distinct()).scalars()
    if added := sorted(unrated):
        _rate(conn, None, added)
