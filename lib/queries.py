"""Read queries: each returns a DataFrame in the dataset column names the metrics expect.

SQL stays here (bound parameters only); pages call these through the cached
loaders in :mod:`lib.webapp`. Observations are always read filtered: a page
never loads the whole observation table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, and_, case, false, func, literal, or_, select, true, union_all

from lib.domains.mdg.rating import RATING_INSUFFICIENT, RATING_NOT_RATED
from lib.models import (
    Action2Activity,
    ActionPoint,
    Agency,
    ConsultationRound,
    Country,
    MdgIndicator,
    MdgSeries,
    Observation,
    ObservationEnd,
    ObservationEndYear,
    ObservationRating,
    ObservationSummary,
    ProgressReport,
    Recommendation,
    RecommendationStatus,
    WorkItem,
)


def _frame(engine: Engine, stmt, date_cols: Sequence[str] = ()) -> pd.DataFrame:
    with engine.connect() as conn:
        res = conn.execute(stmt)
        # Plain tuples: pandas probes Row objects slowly (0.3 s for 64,000 rows, against 0.04 s).
        df = pd.DataFrame([tuple(r) for r in res], columns=list(res.keys()))
    for c in date_cols:
        df[c] = pd.to_datetime(df[c])
    return df


def rounds(engine: Engine) -> pd.DataFrame:
    """All rounds, oldest first."""
    t = ConsultationRound.__table__
    return _frame(
        engine,
        select(t.c.id, t.c.title, t.c.meeting_date, t.c.cutoff_date, t.c.illustrative).order_by(t.c.id),
        ["meeting_date", "cutoff_date"],
    )


def action_points(engine: Engine) -> pd.DataFrame:
    """The catalogue of action points in the plan's order."""
    t = ActionPoint.__table__
    return _frame(engine, select(t).order_by(t.c.sort_order))


def progress_reports(engine: Engine, include_internal: bool = False) -> pd.DataFrame:
    """Every progress report joined with its action point (cluster, paragraph, text).

    ``internal_notes`` is only selected for roles allowed to see it, so it never
    reaches a partner's session at all.
    """
    r, a = ProgressReport.__table__, ActionPoint.__table__
    cols = [
        r.c.round_id,
        r.c.action_point_id,
        r.c.status,
        r.c.assessment,
        r.c.self_assessment,  # the lead unit's own, shown beside OHCHR's assessment
        r.c.percent_complete,
        r.c.lead_unit,
        r.c.due_date,
        r.c.summary,
        r.c.next_steps,
        r.c.reported_by,
        r.c.reported_on,
        r.c.illustrative,
        a.c.cluster,
        a.c.cluster_title,
        a.c.paragraph,
        a.c.text,
        a.c.sort_order,
    ]
    if include_internal:
        cols.insert(10, r.c.internal_notes)
    stmt = select(*cols).join(a, a.c.id == r.c.action_point_id).order_by(r.c.round_id, a.c.sort_order)
    return _frame(engine, stmt, ["due_date", "reported_on"])


def indicators(engine: Engine) -> pd.DataFrame:
    """The MDG framework with the rights provisions of each indicator."""
    t = MdgIndicator.__table__
    df = _frame(engine, select(t))
    # Sort 1.1 < 1.2 < 1.10 numerically, not as text.
    parts = df["code"].str.split(".", expand=True).astype(int)
    return (
        df.assign(_g=parts[0], _i=parts[1])
        .sort_values(["_g", "_i"])
        .drop(columns=["_g", "_i"])
        .reset_index(drop=True)
    )


def series(engine: Engine) -> pd.DataFrame:
    t = MdgSeries.__table__
    return _frame(engine, select(t.c.code, t.c.indicator_code, t.c.name, t.c.unit))


def countries(engine: Engine) -> pd.DataFrame:
    t = Country.__table__
    return _frame(engine, select(t.c.iso3, t.c.m49, t.c.name, t.c.retired).order_by(t.c.name))


def agencies(engine: Engine) -> pd.DataFrame:
    t = Agency.__table__
    return _frame(engine, select(t.c.code, t.c.name).order_by(t.c.code))


def observation_catalogue(engine: Engine, indicator_codes: Sequence[str] | None = None) -> pd.DataFrame:
    """What data exists: per indicator, series, source, sex and location, the countries and years
    (of ``indicator_codes`` only when given).

    Read from ``observation_summary`` (one row per country within each of these groups),
    so its cost follows the number of series, not of observations.
    """
    s = ObservationSummary.__table__
    keys = [s.c.indicator_code, s.c.series_code, s.c.source, s.c.sex, s.c.location, s.c.unit]
    stmt = select(
        *keys,
        func.count().label("countries"),
        func.min(s.c.first_year).label("first_year"),
        func.max(s.c.last_year).label("last_year"),
        func.sum(s.c.n_values).label("values"),
    )
    if indicator_codes is not None:  # a range of the key each, not the whole summary
        stmt = stmt.where(s.c.indicator_code.in_(list(indicator_codes)))
    return _frame(engine, stmt.group_by(*keys).order_by(*keys))


def observation_countries(engine: Engine, indicator_code: str) -> list[str]:
    """ISO3 codes that have data for an indicator (from ``observation_summary``)."""
    s = ObservationSummary.__table__
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(s.c.country_iso3)
                .where(s.c.indicator_code == indicator_code)
                .distinct()
                .order_by(s.c.country_iso3)
            ).scalars()
        )


def observations(
    engine: Engine,
    indicator_codes: Sequence[str],
    countries: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Observations of some indicators (and countries, and sources), tidy, with the country name."""
    o, c = Observation.__table__, Country.__table__
    stmt = (
        select(
            *[o.c[n] for n in o.c.keys() if n not in ("upload_id", "created_upload_id")],
            c.c.name.label("country_name"),
        )
        .join(c, c.c.iso3 == o.c.country_iso3)
        .where(o.c.indicator_code.in_(list(indicator_codes)))
    )
    if countries:
        stmt = stmt.where(o.c.country_iso3.in_(list(countries)))
    if sources:
        stmt = stmt.where(o.c.source.in_(list(sources)))
    return _frame(engine, stmt.order_by(o.c.indicator_code, o.c.country_iso3, o.c.year))


def disaggregation_counts(engine: Engine, indicator_codes: Sequence[str] | None = None) -> pd.DataFrame:
    """Per country and indicator, how many values exist by sex and location (from
    ``observation_summary``; of ``indicator_codes`` only when given)."""
    s = ObservationSummary.__table__
    keys = [s.c.country_iso3, s.c.indicator_code, s.c.sex, s.c.location]
    stmt = select(*keys, func.sum(s.c.n_values).label("values"))
    if indicator_codes is not None:
        stmt = stmt.where(s.c.indicator_code.in_(list(indicator_codes)))
    return _frame(engine, stmt.group_by(*keys).order_by(*keys))


def work_items(engine: Engine) -> pd.DataFrame:
    t = WorkItem.__table__
    cols = [t.c[n] for n in t.c.keys() if n not in ("upload_id", "created_upload_id")]
    return _frame(engine, select(*cols).order_by(t.c.received_on), ["received_on", "completed_on"])


def activities(engine: Engine) -> pd.DataFrame:
    t, c = Action2Activity.__table__, Country.__table__
    cols = [t.c[n] for n in t.c.keys() if n not in ("upload_id", "created_upload_id")]
    stmt = select(*cols, c.c.name.label("country_name"), c.c.m49).join(c, c.c.iso3 == t.c.country_iso3)
    return _frame(engine, stmt.order_by(t.c.start_date), ["start_date", "end_date"])


def rating_inputs(
    engine: Engine, max_year: int, indicator_codes: Sequence[str] | None = None
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
        ends = pd.DataFrame(_driver_rows(conn, stmt), columns=[*keys, "cutoff_year", *points])
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


def stored_ratings(engine: Engine, now_year: int, before_year: int | None) -> StoredRatings | None:
    """The headline's ratings up to ``now_year`` and ``before_year`` as kept at write time in
    ``observation_rating`` (lib.ingest.ratings), or None when it does not hold both years.

    Counted and compared in SQL: how many series have each rating per year, and the series whose
    rating differs between the two (both rated), so no row per series leaves the database.
    """
    keys = ["indicator_code", "series_code", "country_iso3", "sex", "location", "source"]
    r, held = ObservationRating.__table__, ObservationEndYear.__table__
    wanted = sorted({int(y) for y in (now_year, before_year) if y is not None})
    with engine.connect() as conn:  # on one connection: the years held, then their ratings
        if not set(wanted) <= set(conn.execute(select(held.c.year)).scalars()):
            return None
        tallied = conn.execute(
            select(r.c.cutoff_year, r.c.rating, func.count())
            .where(r.c.cutoff_year.in_(wanted))
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
                    r.c.rating != b.c.rating,
                    r.c.rating.not_in(unrated),
                    b.c.rating.not_in(unrated),
                )
            )
            moved = pd.DataFrame(_driver_rows(conn, stmt), columns=[*keys, "rating_before", "rating"])
    # rating_moves' order (progress_rating's: by series), whatever the database's collation.
    moved = moved.astype(str).sort_values(keys, kind="stable").reset_index(drop=True)
    return StoredRatings(counts, moved)


def _driver_rows(conn, stmt) -> list[tuple]:
    """The rows of ``stmt`` as the driver's own tuples (SQLAlchemy's Row objects cost 2 s for 130k rows)."""
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    if compiled.positional:
        params = [compiled.params[n] for n in compiled.positiontup]
    else:
        params = compiled.params
    cur = conn.connection.dbapi_connection.cursor()
    try:
        cur.execute(str(compiled), params)
        return cur.fetchall()
    finally:
        cur.close()


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


def recommendations(engine: Engine) -> pd.DataFrame:
    """Every recommendation, in the ``recommendations`` dataset's columns, by round made and id.

    The list columns stay as stored ("UNDP; UNICEF"): lib.datasets.split_list reads them.
    """
    t = Recommendation.__table__
    cols = [c for c in t.c if c.name not in ("upload_id", "created_upload_id")]
    return _frame(engine, select(*cols).order_by(t.c.round_id, t.c.id), ["due_date"])


def recommendation_statuses(engine: Engine) -> pd.DataFrame:
    """Every follow-up report, in the ``recommendation-status`` dataset's columns, by recommendation and round."""
    t = RecommendationStatus.__table__
    cols = [c for c in t.c if c.name not in ("upload_id", "created_upload_id")]
    return _frame(engine, select(*cols).order_by(t.c.recommendation_id, t.c.round_id), ["reported_on"])
