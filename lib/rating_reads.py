"""Reads for the MDG progress ratings: their inputs (series end points, kept at write time in
``observation_end`` or scanned from the observation table) and the ratings kept at write time
(``observation_end.rating``), counted and compared in SQL. Split from :mod:`lib.queries` by concern.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, and_, case, false, func, literal, or_, select, true, union_all

from lib.db import driver_rows
from lib.db import frame as _frame
from lib.domains.mdg.rating import RATING_INSUFFICIENT, RATING_NOT_RATED
from lib.models import Observation, ObservationEnd, ObservationEndYear


def rating_inputs(
    engine: Engine, max_year: int, indicator_codes: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Only the rows a progress rating uses, computed in SQL: per series (indicator, series,
    country, sex, location, source) its first value, its first from 1990 and its latest up to
    ``max_year``, with the series' number of values (``n_points``).

    ``metrics.progress_rating`` on this gives the same ratings as on all the observations,
    without pulling the whole table into pandas.
    """
    o = Observation.__table__
    keys = ["indicator_code", "series_code", "country_iso3", "sex", "location", "source"]
    where = [o.c.year <= max_year]
    if indicator_codes:
        where.append(o.c.indicator_code.in_(list(indicator_codes)))
    agg = (
        select(
            *[o.c[k] for k in keys],
            func.min(o.c.year).label("y_first"),
            func.min(case((o.c.year >= 1990, o.c.year))).label("y_base"),
            func.max(o.c.year).label("y_last"),
            func.count().label("n_points"),
        )
        .where(*where)
        .group_by(*[o.c[k] for k in keys])
        .subquery()
    )
    stmt = select(*[o.c[k] for k in keys], o.c.year, o.c.value, o.c.unit, agg.c.n_points).join(
        agg,
        and_(
            *[o.c[k] == agg.c[k] for k in keys],
            or_(o.c.year == agg.c.y_first, o.c.year == agg.c.y_base, o.c.year == agg.c.y_last),
        ),
    )
    return _frame(engine, stmt)


def stored_end_points(engine: Engine, years: Sequence[int]) -> pd.DataFrame | None:
    """:func:`rating_observations` read from ``observation_end`` (kept at write time by
    lib.ingest.ends), or None when it does not hold every one of ``years``.

    The first and 1990 base points up to the last year are those up to any earlier year when
    they exist by then, so they are read for the last year only; the latest for each year.
    """
    keys = ["indicator_code", "series_code", "country_iso3", "sex", "location", "source"]
    points = [f"{p}_{x}" for p in ("first", "base", "latest") for x in ("year", "value", "unit")]
    e, held = ObservationEnd.__table__, ObservationEndYear.__table__
    wanted = sorted({int(y) for y in years})
    with engine.connect() as conn:  # on one connection: the years held, then their rows
        if not set(wanted) <= set(conn.execute(select(held.c.year)).scalars()):
            return None
        stmt = select(*[e.c[k] for k in keys], e.c.cutoff_year, *[e.c[c] for c in points]).where(
            e.c.cutoff_year.in_(wanted)
        )
        ends = pd.DataFrame(driver_rows(conn, stmt), columns=[*keys, "cutoff_year", *points])
    last = ends.loc[ends["cutoff_year"] == wanted[-1]]
    if len(wanted) == 1:
        # One year: a series' points coincide only when their years do (same row), so no sort.
        parts = [
            last,
            last.loc[last["base_year"].notna() & (last["base_year"] != last["first_year"])],
            last.loc[
                (last["latest_year"] != last["first_year"]) & (last["latest_year"] != last["base_year"])
            ],
        ]
    else:
        parts = [last, last, ends]
    rows = pd.concat(
        [
            part[[*keys, f"{p}_year", f"{p}_value", f"{p}_unit"]].set_axis(
                [*keys, "year", "value", "unit"], axis=1
            )
            for part, p in zip(parts, ("first", "base", "latest"), strict=True)
        ],
        ignore_index=True,
    )
    rows = rows.loc[rows["year"].notna()]
    if len(wanted) > 1:
        rows = rows.drop_duplicates([*keys, "year"])
    return rows.reset_index(drop=True).astype({"year": "int64", "value": "float64"})


@dataclass
class StoredRatings:
    """What the MDG headline needs of the ratings kept at write time (see :func:`stored_ratings`)."""

    counts: dict[int, dict[str, int]]  # per data year, series per rating
    moved: pd.DataFrame  # series keys, rating_before, rating: the series whose rating moved


def _rated_first(r):
    """The rows of ``r`` (observation_end or an alias) that the headline rates: the MDG series
    first, as ``lib.domains.mdg.rating.mdg_first`` chooses them, kept at write time in ``counted``
    (lib.ingest.ratings.recount_statement). An equality, so the counts read its index in order."""
    return r.c.counted == true()


def stored_ratings(engine: Engine, now_year: int, before_year: int | None) -> StoredRatings | None:
    """The headline's ratings up to ``now_year`` and ``before_year`` as kept at write time in
    ``observation_end`` (lib.ingest.ratings), or None when it does not hold both years.

    Counted and compared in SQL: how many series have each rating per year, and the series whose
    rating differs between the two (both rated), so no row per series leaves the database.
    """
    keys = ["indicator_code", "series_code", "country_iso3", "sex", "location", "source"]
    r, held = ObservationEnd.__table__, ObservationEndYear.__table__
    wanted = sorted({int(y) for y in (now_year, before_year) if y is not None})
    with engine.connect() as conn:  # on one connection: the years held, then their ratings
        if not set(wanted) <= set(conn.execute(select(held.c.year)).scalars()):
            return None
        tallied = conn.execute(
            select(r.c.cutoff_year, r.c.rating, func.count())
            .where(r.c.cutoff_year.in_(wanted), _rated_first(r), r.c.rating.is_not(None))
            .group_by(r.c.cutoff_year, r.c.rating)
        ).all()
        counts: dict[int, dict[str, int]] = {y: {} for y in wanted}
        for year, name, n in tallied:
            counts[int(year)][name] = int(n)
        moved = pd.DataFrame([], columns=[*keys, "rating_before", "rating"])
        if before_year is not None and before_year != now_year:
            b = r.alias("before_r")
            unrated = [RATING_INSUFFICIENT, RATING_NOT_RATED]
            stmt = (
                select(*[r.c[k] for k in keys], b.c.rating.label("rating_before"), r.c.rating)
                .join(b, and_(b.c.cutoff_year == before_year, *[b.c[k] == r.c[k] for k in keys]))
                .where(
                    r.c.cutoff_year == now_year,
                    _rated_first(r),
                    _rated_first(b),
                    r.c.rating != b.c.rating,
                    r.c.rating.not_in(unrated),
                    b.c.rating.not_in(unrated),
                )
            )
            moved = pd.DataFrame(driver_rows(conn, stmt), columns=[*keys, "rating_before", "rating"])
    # rating_moves' order (progress_rating's: by series), whatever the database's collation.
    moved = moved.astype(str).sort_values(keys, kind="stable").reset_index(drop=True)
    return StoredRatings(counts, moved)


def rating_observations(engine: Engine, years: Sequence[int]) -> pd.DataFrame:
    """The rows ratings up to each of ``years`` need (see rating_inputs), in one frame, in one pass.

    For comparing rounds: ``metrics.progress_rating(frame[frame.year <= y])`` is exact for
    each y in ``years``: per series the frame holds its first value, its first from 1990 and
    its latest up to each y (the first and the 1990 base are the same for every y up to which
    they exist, so one GROUP BY serves all the years). Each end point is then fetched by its
    full primary key.
    """
    years = sorted({int(y) for y in years})
    # Kept at write time (observation_end): no GROUP BY over the whole table.
    stored = stored_end_points(engine, years) if years else None
    return stored if stored is not None else rating_observations_scan(engine, years)


def rating_observations_scan(engine: Engine, years: Sequence[int]) -> pd.DataFrame:
    """:func:`rating_observations` computed from the observation table itself (one GROUP BY over it)."""
    years = sorted({int(y) for y in years})
    keys = ["indicator_code", "series_code", "country_iso3", "sex", "location", "source"]
    o = Observation.__table__
    if not years:
        return _frame(engine, select(*[o.c[k] for k in keys], o.c.year, o.c.value, o.c.unit).where(false()))
    ends = [
        func.min(o.c.year).label("y_first"),
        func.min(case((o.c.year >= 1990, o.c.year))).label("y_base"),
        *[func.max(case((o.c.year <= y, o.c.year))).label(f"y_last_{i}") for i, y in enumerate(years)],
    ]
    agg = (
        select(*[o.c[k] for k in keys], *ends)
        .where(o.c.year <= years[-1])
        .group_by(*[o.c[k] for k in keys])
        .subquery("a")
    )
    names = [e.name for e in ends]
    # One row per (series, end point): the end point's year is looked up by the whole primary key.
    which = union_all(*[select(literal(i).label("i")) for i in range(len(names))]).subquery("k")
    year_of = case(*[(which.c.i == i, agg.c[n]) for i, n in enumerate(names)])
    stmt = (
        select(*[o.c[k] for k in keys], o.c.year, o.c.value, o.c.unit)
        .select_from(agg.join(which, true()))
        .join(o, and_(*[o.c[k] == agg.c[k] for k in keys], o.c.year == year_of))
        .distinct()
    )
    return _frame(engine, stmt)
