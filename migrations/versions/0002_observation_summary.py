"""observation summary

One row per (indicator, series, country, sex, location, source, unit) with the number of
values and the first and last year, kept up to date by lib.ingest._refresh_summary; filled
here from the observations already stored.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEYS = ['indicator_code', 'series_code', 'country_iso3', 'sex', 'location', 'source', 'unit']


def upgrade() -> None:
    op.create_table('observation_summary',
    sa.Column('indicator_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('series_code', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('country_iso3', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('sex', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('location', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('n_values', sa.Integer(), nullable=False),
    sa.Column('first_year', sa.Integer(), nullable=False),
    sa.Column('last_year', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('indicator_code', 'series_code', 'country_iso3', 'sex', 'location', 'source', 'unit')
    )
    with op.batch_alter_table('observation_summary', schema=None) as batch_op:
        batch_op.create_index('ix_observation_summary_indicator_country', ['indicator_code', 'country_iso3'], unique=False)

    # Fill it from the observations already stored (one set-based statement).
    obs = sa.table('observation', *[sa.column(k) for k in KEYS], sa.column('year'))
    summary = sa.table('observation_summary', *[sa.column(k) for k in KEYS],
                       sa.column('n_values'), sa.column('first_year'), sa.column('last_year'))
    agg = sa.select(
        *[obs.c[k] for k in KEYS], sa.func.count(), sa.func.min(obs.c.year), sa.func.max(obs.c.year)
    ).group_by(*[obs.c[k] for k in KEYS])
    op.execute(summary.insert().from_select([*KEYS, 'n_values', 'first_year', 'last_year'], agg))


def downgrade() -> None:
    with op.batch_alter_table('observation_summary', schema=None) as batch_op:
        batch_op.drop_index('ix_observation_summary_indicator_country')

    op.drop_table('observation_summary')
