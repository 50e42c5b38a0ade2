"""recommendations and their follow-up; the lead unit's self-assessment

New tables ``recommendation`` (what a consultation round recommended, to whom, linked to
action points and MDG indicators) and ``recommendation_status`` (where it stands, per round).
``progress_report.self_assessment``: the lead unit's own assessment beside OHCHR's
(nullable: reports imported before this revision have none).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recommendation",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("round_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_fr", sa.Text(), nullable=True),
        sa.Column("text_es", sa.Text(), nullable=True),
        sa.Column("addressees", sa.Text(), nullable=False),
        sa.Column("action_point_ids", sa.Text(), nullable=True),
        sa.Column("indicator_codes", sa.Text(), nullable=True),
        sa.Column("lead", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("due_round", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("priority", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=True),
        sa.Column("created_upload_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["due_round"], ["consultation_round.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["consultation_round.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recommendation_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_recommendation_upload_id"), ["upload_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_recommendation_created_upload_id"), ["created_upload_id"], unique=False
        )

    op.create_table(
        "recommendation_status",
        sa.Column("recommendation_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("round_id", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reported_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=True),
        sa.Column("created_upload_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["recommendation_id"], ["recommendation.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["consultation_round.id"]),
        sa.PrimaryKeyConstraint("recommendation_id", "round_id"),
    )
    with op.batch_alter_table("recommendation_status", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recommendation_status_upload_id"), ["upload_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_recommendation_status_created_upload_id"), ["created_upload_id"], unique=False
        )

    # Batch mode: on SQLite an added column goes through ALTER TABLE ADD COLUMN ("auto" needs no copy).
    with op.batch_alter_table("progress_report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("self_assessment", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("progress_report", schema=None) as batch_op:
        batch_op.drop_column("self_assessment")
    with op.batch_alter_table("recommendation_status", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendation_status_created_upload_id"))
        batch_op.drop_index(batch_op.f("ix_recommendation_status_upload_id"))
    op.drop_table("recommendation_status")
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendation_created_upload_id"))
        batch_op.drop_index(batch_op.f("ix_recommendation_upload_id"))
        batch_op.drop_index(batch_op.f("ix_recommendation_round_id"))
    op.drop_table("recommendation")
