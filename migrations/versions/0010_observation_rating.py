"""series progress ratings per cut-off year

observation_rating: per series (indicator, series, country, sex, location, source) and
cut-off year of observation_end, its progress rating. Kept up to date by lib.ingest.ratings in
every import and revert; filled here from the end points stored, with the rating function
itself (a rating is a Python calculation, not SQL).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import pandas as pd
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SERIES = ["indicator_code", "series_code", "country_iso3", "sex", "location", "source"]
POINTS = ["first", "base", "latest"]
Text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "observation_rating",
        sa.Column("cutoff_year", sa.Integer(), nullable=False),
        sa.Column("indicator_code", Text(), nullable=False),
        sa.Column("series_code", Text(length=120), nullable=False),
        sa.Column("country_iso3", Text(), nullable=False),
        sa.Column("sex", Text(length=6), nullable=False),
        sa.Column("location", Text(length=5), nullable=False),
        sa.Column("source", Text(length=120), nullable=False),
        sa.Column("rating", Text(length=40), nullable=False),
        sa.PrimaryKeyConstraint("cutoff_year", *SERIES),
        sqlite_with_rowid=False,
    )
    # The tables as this revision knows them (not lib.models, which follows the latest schema).
    from lib.ingest.ratings import END_COLUMNS, rate_ends

    bind = op.get_bind()
    end = sa.table("observation_end", *[sa.column(c) for c in END_COLUMNS])
    ends = pd.DataFrame(bind.execute(sa.select(*end.c)).all(), columns=END_COLUMNS)
    if ends.empty:
        return
    ind = sa.table(
        "mdg_indicator", sa.column("code"), sa.column("target_ratio_2015"), sa.column("desired_direction")
    )
    indicators = pd.DataFrame(
        bind.execute(sa.select(*ind.c)).all(), columns=["code", "target_ratio_2015", "desired_direction"]
    )
    ratings = rate_ends(ends, indicators)
    rating = sa.table("observation_rating", *[sa.column(c) for c in ratings.columns])
    op.bulk_insert(rating, ratings.astype({"cutoff_year": "int64"}).to_dict("records"))


def downgrade() -> None:
    op.drop_table("observation_rating")
