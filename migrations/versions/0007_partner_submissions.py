"""partner agencies' accounts, their pending submissions and the reminders sent

app_user.agency (the partner agency a user reports for) and app_user.unit (the OHCHR unit
whose focal point the user is); submission (rows a partner submitted, pending until staff
approve them through the import pipeline or return them with a reason); reminder_sent.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    # batch: SQLite cannot add a column with a foreign key in place; app_user is small and no
    # other table refers to it, so copying it is cheap and safe.
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("agency", S(length=32), nullable=True))
        batch.add_column(sa.Column("unit", S(length=200), nullable=True))
        batch.create_foreign_key("fk_app_user_agency", "agency", ["agency"], ["code"])
    op.create_table(
        "submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset", S(length=64), nullable=False),
        sa.Column("agency", S(length=32), nullable=False),
        sa.Column("round_id", S(length=7), nullable=False),
        sa.Column("filename", S(), nullable=False),
        sa.Column("submitted_by", S(length=120), nullable=False),
        sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("status", S(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("reviewed_by", S(length=120), nullable=True),
        sa.Column("reviewed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["agency"], ["agency.code"]),
        sa.ForeignKeyConstraint(["round_id"], ["consultation_round.id"]),
        sa.ForeignKeyConstraint(["upload_id"], ["upload.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_submission_agency", "submission", ["agency"])
    op.create_index("ix_submission_status", "submission", ["status"])
    op.create_table(
        "reminder_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", S(length=7), nullable=False),
        sa.Column("recipient_kind", S(length=8), nullable=False),
        sa.Column("recipient", S(length=200), nullable=False),
        sa.Column("channel", S(length=8), nullable=False),
        sa.Column("language", S(length=8), nullable=False),
        sa.Column("addresses", S(), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("sent_by", S(length=120), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["consultation_round.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reminder_sent_round_id", "reminder_sent", ["round_id"])


def downgrade() -> None:
    op.drop_index("ix_reminder_sent_round_id", table_name="reminder_sent")
    op.drop_table("reminder_sent")
    op.drop_index("ix_submission_status", table_name="submission")
    op.drop_index("ix_submission_agency", table_name="submission")
    op.drop_table("submission")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_constraint("fk_app_user_agency", type_="foreignkey")
        batch.drop_column("unit")
        batch.drop_column("agency")
