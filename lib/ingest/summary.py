"""Upkeep of ``observation_summary`` (counts and years per series) at write time: added to for
an all-new import, rebuilt for the series an import or a revert touched, or rebuilt whole."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Column, Connection, Table, and_, case, delete, exists, func, insert, select, update
from sqlalchemy.sql import Select

from lib.db import is_sqlite
from lib.ingest.staging import fill_staging, temp_table
from lib.models import Observation, ObservationSummary

#: A series of observations: the summary's key without the unit. A write refreshes whole
#: series, so a value whose unit changed moves between the summary rows of its series.
SUMMARY_GROUP = ("indicator_code", "series_code", "country_iso3", "sex", "location", "source")
SUMMARY_KEY = (*SUMMARY_GROUP, "unit")
#: A write of at least this share of the observations (or of the series) rebuilds the whole
#: summary with one scan of ``observation``: cheaper than looking its series up one by one.
SUMMARY_REBUILD_SHARE = 0.25


def summary_groups_of(obs: Table, upload_id: int) -> Select:
    """The series holding rows an upload inserted or modified.

    Those rows carry its id in ``upload_id`` until a later upload writes them again (which
    blocks the revert of this one), so the index on ``upload_id`` finds exactly them.
    """
    return select(*[obs.c[k] for k in SUMMARY_GROUP]).where(obs.c.upload_id == upload_id)


def rebuild_all_worth(conn: Connection, rows_written: int) -> bool:
    """Whether a write of ``rows_written`` observations is big enough to rebuild the whole summary."""
    s = ObservationSummary.__table__
    stored = conn.execute(select(func.coalesce(func.sum(s.c.n_values), 0))).scalar_one()
    return rows_written >= SUMMARY_REBUILD_SHARE * stored


def collect_groups(conn: Connection, groups: Select) -> Table:
    """The distinct series of ``groups`` (a select of the SUMMARY_GROUP columns) in a temporary table."""
    o = Observation.__table__
    t = temp_table(conn, "summary_groups", [Column(k, o.c[k].type, primary_key=True) for k in SUMMARY_GROUP])
    sub = groups.subquery()
    conn.execute(insert(t).from_select(list(SUMMARY_GROUP), select(*sub.c).distinct()))
    # Its size for the planner: a few series are looked up through observation's primary
    # key, not found by scanning the whole table.
    conn.exec_driver_sql("ANALYZE temp.summary_groups" if is_sqlite(conn) else "ANALYZE summary_groups")
    return t


def add_to_summary(conn: Connection, rows: pd.DataFrame, delta: pd.DataFrame | None = None) -> None:
    """Add observations that were all new (none replaced an existing one) to the summary.

    Their counts and years per summary key are grouped here (or given as ``delta``, see
    direct.summary_delta), then merged in two set-based statements: existing keys get
    n_values added and their years widened; new keys are inserted.
    """
    s = ObservationSummary.__table__
    if delta is None:
        delta = (
            rows.groupby(list(SUMMARY_KEY), sort=False, dropna=False, observed=True)["year"]
            .agg(["size", "min", "max"])
            .reset_index()
        )
    d = temp_table(conn, "summary_delta", [Column(c.name, c.type) for c in s.columns])
    values = [delta[k].tolist() for k in SUMMARY_KEY]
    counts = [delta[c].astype("int64").tolist() for c in ("size", "min", "max")]
    fill_staging(conn, d, zip(*values, *counts, strict=True))
    same = and_(*[s.c[k] == d.c[k] for k in SUMMARY_KEY])
    conn.execute(
        update(s)
        .where(same)
        .values(
            n_values=s.c.n_values + d.c.n_values,
            first_year=case((d.c.first_year < s.c.first_year, d.c.first_year), else_=s.c.first_year),
            last_year=case((d.c.last_year > s.c.last_year, d.c.last_year), else_=s.c.last_year),
        )
    )
    conn.execute(
        insert(s).from_select([c.name for c in s.columns], select(*d.c).where(~exists().where(same)))
    )
    d.drop(conn)


def refresh_summary(conn: Connection, groups: Select | Table | None) -> None:
    """Rebuild the ``observation_summary`` rows of some series from ``observation``.

    ``groups`` is a select of the SUMMARY_GROUP columns (duplicates allowed), a table made by
    :func:`collect_groups`, or None for every series. Inside the caller's write transaction:
    delete the series' summary rows, then insert them again aggregated from their
    observations (a series with no observations left keeps none). Set-based: a few
    statements whatever the size; when the series are a large share of all of them, the
    whole summary is rebuilt instead (see SUMMARY_REBUILD_SHARE).
    """
    s, o = ObservationSummary.__table__, Observation.__table__
    g = groups if groups is None or isinstance(groups, Table) else collect_groups(conn, groups)
    if g is not None:
        n_groups = conn.execute(select(func.count()).select_from(g)).scalar_one()
        n_summary = conn.execute(select(func.count()).select_from(s)).scalar_one()
        if n_groups >= SUMMARY_REBUILD_SHARE * n_summary:
            g.drop(conn)
            g = None
    agg = select(*[o.c[k] for k in SUMMARY_KEY], func.count(), func.min(o.c.year), func.max(o.c.year))
    if g is None:
        conn.execute(delete(s))
    else:
        conn.execute(delete(s).where(exists().where(and_(*[s.c[k] == g.c[k] for k in SUMMARY_GROUP]))))
        agg = agg.select_from(g.join(o, and_(*[o.c[k] == g.c[k] for k in SUMMARY_GROUP])))
    agg = agg.group_by(*[o.c[k] for k in SUMMARY_KEY])
    conn.execute(insert(s).from_select([*SUMMARY_KEY, "n_values", "first_year", "last_year"], agg))
    if g is not None:
        g.drop(conn)
