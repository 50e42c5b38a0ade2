"""the headline's choice of series, kept with each rating

observation_rating.counted: whether the briefing headline counts the rating. Every MDG-era
series counts; a successor series (its source marked "via gapminder") counts only where no
MDG-era series of the same indicator and country is rated up to the same year (see
lib.domains.mdg.rating.mdg_first). Kept by lib.ingest.ratings in every import and revert, so the
headline's counts read an index instead of testing every rating against its neighbours (0.3-0.5 s
at 2 million observations). Filled here by the same statement the upkeep runs.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_observation_rating_counted"


def upgrade() -> None:
    with op.batch_alter_table("observation_rating") as batch:
        batch.add_column(sa.Column("counted", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.create_index(INDEX, "observation_rating", ["cutoff_year", "counted", "rating"])
    # The table as this revision knows it (not lib.models, which follows the latest schema).
    from lib.ingest.ratings import recount_statement

    r = sa.table(
        "observation_rating",
        *[sa.column(c) for c in ("cutoff_year", "indicator_code", "country_iso3", "source")],
        sa.column("counted", sa.Boolean()),
    )
    op.get_bind().execute(recount_statement(r))


def downgrade() -> None:
    op.drop_index(INDEX, table_name="observation_rating")
    with op.batch_alter_table("observation_rating") as batch:
        batch.drop_column("counted")
