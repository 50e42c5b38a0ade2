"""each series' rating kept in its end points' row

observation_end.rating and observation_end.counted take the place of the observation_rating
table, which had the same key (cut-off year and the six series columns) and one row for each
row of observation_end. One derived row per series and year instead of two: an import writes a
table and its key fewer (on 300,000 new observations, about a quarter of the derived bytes).
Filled here from observation_rating before it is dropped; the downgrade puts it back.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = ["cutoff_year", "indicator_code", "series_code", "country_iso3", "sex", "location", "source"]
Text = sqlmodel.sql.sqltypes.AutoString
OLD_INDEX, NEW_INDEX = "ix_observation_rating_counted", "ix_observation_end_counted"


def _tables():
    """The two tables as this revision knows them (not lib.models, which follows the latest schema)."""
    cols = [*KEY, "rating", "counted"]
    return sa.table("observation_end", *[sa.column(c) for c in cols]), sa.table(
        "observation_rating", *[sa.column(c) for c in cols]
    )


def upgrade() -> None:
    # Plain ADD COLUMN on both backends (SQLite keeps the table, WITHOUT ROWID, as it is).
    op.add_column("observation_end", sa.Column("rating", Text(length=40), nullable=True))
    op.add_column(
        "observation_end", sa.Column("counted", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    e, r = _tables()
    same = sa.and_(*[r.c[k] == e.c[k] for k in KEY])
    for col in ("rating", "counted"):
        op.execute(
            e.update()
            .values({col: sa.select(r.c[col]).where(same).scalar_subquery()})
            .where(sa.exists().where(same))
        )
    op.create_index(NEW_INDEX, "observation_end", ["cutoff_year", "counted", "rating"])
    op.drop_index(OLD_INDEX, table_name="observation_rating")
    op.drop_table("observation_rating")


def downgrade() -> None:
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
        sa.Column("counted", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.PrimaryKeyConstraint(*KEY),
        sqlite_with_rowid=False,
    )
    op.create_index(OLD_INDEX, "observation_rating", ["cutoff_year", "counted", "rating"])
    e, r = _tables()
    cols = [*KEY, "rating", "counted"]
    op.execute(
        r.insert().from_select(cols, sa.select(*[e.c[c] for c in cols]).where(e.c.rating.is_not(None)))
    )
    op.drop_index(NEW_INDEX, table_name="observation_end")
    # SQLite 3.35+ drops a column in place (a batch copy would lose WITHOUT ROWID); PostgreSQL too.
    op.drop_column("observation_end", "counted")
    op.drop_column("observation_end", "rating")
