"""The schema the Alembic migrations build is the one lib.models declares (SQLite and PostgreSQL):
tables, columns, types, keys and indexes, so no change reaches the models without its migration."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import lib.models  # noqa: F401  (registers every table on SQLModel.metadata)
from tests.conftest import BACKENDS

pytestmark = BACKENDS


def test_the_migrated_schema_is_the_models_schema(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_each_rating_lives_in_its_end_points_row(engine):
    """Migration 0012: the ratings share observation_end's rows, with the headline's index."""
    from sqlalchemy import inspect

    names = inspect(engine).get_table_names()
    assert "observation_rating" not in names
    cols = {c["name"] for c in inspect(engine).get_columns("observation_end")}
    assert {"rating", "counted"} <= cols
    indexes = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("observation_end")}
    assert indexes["ix_observation_end_counted"] == ["cutoff_year", "counted", "rating"]
