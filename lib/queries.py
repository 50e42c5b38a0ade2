"""Read queries: each returns a DataFrame in the dataset column names the metrics expect.

SQL stays here (bound parameters only); pages call these through the cached
loaders in :mod:`lib.webapp`. Observations are always read filtered: a page
never loads the whole observation table.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Engine, case, func, select

from lib.db import frame as _frame
from lib.models import (
    Action2Activity,
    ActionPoint,
    Agency,
    ConsultationRound,
    Country,
    MdgIndicator,
    MdgSeries,
    Observation,
    ObservationSummary,
    ProgressReport,
    Recommendation,
    RecommendationStatus,
    WorkItem,
)


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


def _codes(codes: str | Sequence[str]) -> list[str]:
    """Indicator codes as a list: one code may be passed as a string."""
    return [codes] if isinstance(codes, str) else list(codes)


def observation_catalogue(engine: Engine, indicator_codes: str | Sequence[str] | None = None) -> pd.DataFrame:
    """What data exists: per indicator, series, source, sex and location, the countries and years
    (of ``indicator_codes`` only when given).

    Read from ``observation_summary`` (one row per country within each of these groups),
    so its cost follows the number of series, not of observations (with codes, a range of the
    summary's index on the indicator each). One code may be given as a string.
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
        stmt = stmt.where(s.c.indicator_code.in_(_codes(indicator_codes)))
    return _frame(engine, stmt.group_by(*keys).order_by(*keys))


def indicators_with_data(engine: Engine) -> list[str]:
    """The codes of the MDG indicators that have any observation: one index look-up per indicator
    (``observation_summary``), however many observations there are."""
    s, i = ObservationSummary.__table__, MdgIndicator.__table__
    has = select(s.c.indicator_code).where(s.c.indicator_code == i.c.code).exists()
    with engine.connect() as conn:
        return list(conn.execute(select(i.c.code).where(has).order_by(i.c.code)).scalars())


def coverage_by_indicator(engine: Engine) -> pd.DataFrame:
    """Per indicator with data: its values, the countries with any, and those with both sexes (female
    and male) and both locations (rural and urban); counted in the database (``observation_summary``).

    Columns: indicator_code, values, countries, countries_by_sex, countries_by_location.
    """
    s = ObservationSummary.__table__

    def has(col, group):
        return func.max(case((col == group, 1), else_=0))

    per_country = (
        select(
            s.c.indicator_code,
            func.sum(s.c.n_values).label("values"),
            (has(s.c.sex, "female") * has(s.c.sex, "male")).label("by_sex"),
            (has(s.c.location, "rural") * has(s.c.location, "urban")).label("by_location"),
        )
        .group_by(s.c.indicator_code, s.c.country_iso3)
        .subquery()
    )
    c = per_country.c
    stmt = select(
        c.indicator_code,
        func.sum(c["values"]).label("values"),
        func.count().label("countries"),
        func.sum(c.by_sex).label("countries_by_sex"),
        func.sum(c.by_location).label("countries_by_location"),
    ).group_by(c.indicator_code)
    return _frame(engine, stmt.order_by(c.indicator_code))


def indicator_breakdowns(engine: Engine) -> pd.DataFrame:
    """Which sexes and locations each indicator has values for, in any source and country.

    Columns: indicator_code, sex, location (one row each).
    """
    s = ObservationSummary.__table__
    keys = [s.c.indicator_code, s.c.sex, s.c.location]
    return _frame(engine, select(*keys).distinct().order_by(*keys))


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
    totals_only: bool = False,
) -> pd.DataFrame:
    """Observations of some indicators (and countries, and sources), tidy, with the country name;
    ``totals_only``: the totals only (both sexes, all locations), not the breakdowns."""
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
        # The key is (indicator, series, country, ...): naming the indicator's series (every row's
        # series is one of its indicator's in the catalogue: lib.ingest.rules) lets both databases
        # seek each country's rows instead of reading every row of the indicator (73,536 for 4.1
        # at 2M observations, to draw 1,783).
        s = MdgSeries.__table__
        stmt = stmt.where(
            o.c.series_code.in_(select(s.c.code).where(s.c.indicator_code.in_(list(indicator_codes)))),
            o.c.country_iso3.in_(list(countries)),
        )
    if sources:
        stmt = stmt.where(o.c.source.in_(list(sources)))
    if totals_only:
        stmt = stmt.where(o.c.sex == "total", o.c.location == "total")
    return _frame(engine, stmt.order_by(o.c.indicator_code, o.c.country_iso3, o.c.year))


def disaggregation_counts(engine: Engine, indicator_codes: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Per country and indicator, how many values exist by sex and location (from
    ``observation_summary``; of ``indicator_codes`` only when given)."""
    s = ObservationSummary.__table__
    keys = [s.c.country_iso3, s.c.indicator_code, s.c.sex, s.c.location]
    stmt = select(*keys, func.sum(s.c.n_values).label("values"))
    if indicator_codes is not None:
        stmt = stmt.where(s.c.indicator_code.in_(_codes(indicator_codes)))
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
