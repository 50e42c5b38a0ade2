"""kept upload files compressed

upload.content_encoding: "zlib" when the kept file is stored compressed (a 188 MB CSV takes
14 MB), None for files kept as uploaded before this revision.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE ADD / DROP COLUMN (SQLite 3.35+ and PostgreSQL): a batch operation would
# recreate the upload table, which the revision table's foreign key forbids on SQLite.


def upgrade() -> None:
    op.add_column(
        "upload", sa.Column("content_encoding", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("upload", "content_encoding")
