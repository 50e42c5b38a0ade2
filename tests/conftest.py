"""Shared fixtures: temporary databases (SQLite files and fresh PostgreSQL databases), never data/."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from lib.db import make_engine, migrate, normalise_url

PG_SKIP_REASON = "TEST_DATABASE_URL is not set: PostgreSQL tests need a server (see README, Testing)"


def pg_admin_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    return normalise_url(url) if url else None


def _new_pg_database() -> tuple[str, str]:
    """Create an empty PostgreSQL database; returns (url, name)."""
    admin = pg_admin_url()
    assert admin
    name = f"cdtest_{uuid.uuid4().hex[:12]}"
    eng = create_engine(admin, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))  # name is ours, not input
    eng.dispose()
    return make_url(admin).set(database=name).render_as_string(hide_password=False), name


def _drop_pg_database(name: str) -> None:
    eng = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    eng.dispose()


@pytest.fixture
def empty_db_url(request, tmp_path) -> Iterator[str]:
    """The URL of a new, empty database of the backend the test is parametrised with."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    if not pg_admin_url():
        pytest.skip(PG_SKIP_REASON)
    url, name = _new_pg_database()
    try:
        yield url
    finally:
        _drop_pg_database(name)


@pytest.fixture
def engine(empty_db_url) -> Iterator[Engine]:
    """A migrated, empty database (no seed)."""
    eng = make_engine(empty_db_url)
    migrate(eng)
    yield eng
    eng.dispose()


BACKENDS = pytest.mark.parametrize(
    "empty_db_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
