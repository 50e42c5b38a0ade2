"""Alembic environment: runs on the connection handed in by lib.db.migrate, or DATABASE_URL."""

from alembic import context
from sqlmodel import SQLModel

import lib.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from lib.db import make_engine

target_metadata = SQLModel.metadata


def run_on(connection) -> None:
    # render_as_batch: SQLite cannot ALTER most things; batch mode copies the table.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_on(connection)
else:
    with make_engine().begin() as conn:
        run_on(conn)
