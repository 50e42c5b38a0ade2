"""what staff prepare for a round's briefing

New tables ``briefing_message`` (staff's edits of a round's key messages: reworded, dropped
or added) and ``briefing_choice`` (the MDG indicators and countries a round's pack shows).
Both are written through the import pipeline only (datasets briefing-messages and
briefing-choice), so every change is in the upload history and revertible.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Text = sqlmodel.sql.sqltypes.AutoString


def _bookkeeping(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_upload_id"), ["upload_id"], unique=False)
        batch_op.create_index(
            batch_op.f(f"ix_{table}_created_upload_id"), ["created_upload_id"], unique=False
        )


def upgrade() -> None:
    op.create_table(
        "briefing_message",
        sa.Column("round_id", Text(length=7), nullable=False),
        sa.Column("message_key", Text(length=40), nullable=False),
        sa.Column("action", Text(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=True),
        sa.Column("created_upload_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["consultation_round.id"]),
        sa.PrimaryKeyConstraint("round_id", "message_key"),
    )
    _bookkeeping("briefing_message")
    op.create_table(
        "briefing_choice",
        sa.Column("round_id", Text(length=7), nullable=False),
        sa.Column("indicator_codes", sa.Text(), nullable=True),
        sa.Column("countries", sa.Text(), nullable=True),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=True),
        sa.Column("created_upload_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["consultation_round.id"]),
        sa.PrimaryKeyConstraint("round_id"),
    )
    _bookkeeping("briefing_choice")


def downgrade() -> None:
    for table in ("briefing_choice", "briefing_message"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_created_upload_id"))
            batch_op.drop_index(batch_op.f(f"ix_{table}_upload_id"))
        op.drop_table(table)
