"""series end points per cut-off year

observation_end: per series (indicator, series, country, sex, location, source) and data
cut-off year of the latest round and the one before, its first value, its first value from 1990 and its latest up to
that year; observation_end_year: the cut-off years it holds. Kept up to date by
lib.ingest.ends in every import and revert; filled here from the observations stored.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SERIES = ["indicator_code", "series_code", "country_iso3", "sex", "location", "source"]
POINTS = ["first", "base", "latest"]
BASE_YEAR = 1990
Text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "observation_end",
        sa.Column("cutoff_year", sa.Integer(), nullable=False),
        sa.Column("indicator_code", Text(), nullable=False),
        sa.Column("series_code", Text(length=120), nullable=False),
        sa.Column("country_iso3", Text(), nullable=False),
        sa.Column("sex", Text(length=6), nullable=False),
        sa.Column("location", Text(length=5), nullable=False),
        sa.Column("source", Text(length=120), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("first_value", sa.Float(), nullable=False),
        sa.Column("first_unit", Text(), nullable=False),
        sa.Column("base_year", sa.Integer(), nullable=True),
        sa.Column("base_value", sa.Float(), nullable=True),
        sa.Column("base_unit", Text(), nullable=True),
        sa.Column("latest_year", sa.Integer(), nullable=False),
        sa.Column("latest_value", sa.Float(), nullable=False),
        sa.Column("latest_unit", Text(), nullable=False),
        sa.PrimaryKeyConstraint("cutoff_year", *SERIES),
        # One B-tree (the key) instead of a rowid table and a key index: half the writes.
        sqlite_with_rowid=False,
    )
    op.create_table(
        "observation_end_year",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )

    # The data years of the latest round and the one before (overview.mdg_years: the year before
    # each cut-off date), as lib.ingest.ends.cutoff_years.
    bind = op.get_bind()
    rounds = sa.table("consultation_round", sa.column("id"), sa.column("cutoff_date", sa.Date()))
    latest = sa.select(rounds.c.cutoff_date).order_by(rounds.c.id.desc()).limit(2)
    cutoffs = bind.execute(latest).scalars().all()
    years = sorted(
        {(d if isinstance(d, date) else date.fromisoformat(str(d)[:10])).year - 1 for d in cutoffs if d}
    )
    if not years:
        return
    obs = sa.table(
        "observation",
        *[sa.column(k) for k in SERIES],
        sa.column("year"),
        sa.column("value"),
        sa.column("unit"),
    )
    end = sa.table(
        "observation_end",
        sa.column("cutoff_year"),
        *[sa.column(k) for k in SERIES],
        *[sa.column(f"{p}_{x}") for p in POINTS for x in ("year", "value", "unit")],
    )
    for y in years:
        # One GROUP BY per cut-off year, then each end point's value by the primary key.
        agg = (
            sa.select(
                *[obs.c[k] for k in SERIES],
                sa.func.min(obs.c.year).label("y_first"),
                sa.func.min(sa.case((obs.c.year >= BASE_YEAR, obs.c.year))).label("y_base"),
                sa.func.max(obs.c.year).label("y_last"),
            )
            .where(obs.c.year <= y)
            .group_by(*[obs.c[k] for k in SERIES])
            .subquery("a")
        )
        first, base, latest = (obs.alias(f"{p}_o") for p in POINTS)

        def at(alias, year_col, agg=agg):
            return sa.and_(*[alias.c[k] == agg.c[k] for k in SERIES], alias.c.year == year_col)

        stmt = sa.select(
            sa.literal(y),
            *[agg.c[k] for k in SERIES],
            *[t.c[x] for t in (first, base, latest) for x in ("year", "value", "unit")],
        ).select_from(
            agg.join(first, at(first, agg.c.y_first))
            .outerjoin(base, at(base, agg.c.y_base))
            .join(latest, at(latest, agg.c.y_last))
        )
        op.execute(end.insert().from_select([c.name for c in end.columns], stmt))
    op.bulk_insert(
        sa.table("observation_end_year", sa.column("year", sa.Integer())), [{"year": y} for y in years]
    )


def downgrade() -> None:
    op.drop_table("observation_end_year")
    op.drop_table("observation_end")
