"""Shared fixtures: temporary databases (SQLite files and fresh PostgreSQL databases), never data/."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from lib.db import make_engine, migrate, normalise_url
from lib.paths import ROOT

# Strict translations for the whole session: a text marked for translation but missing from
# the French or Spanish catalogue raises lib.i18n.MissingTranslation instead of showing English.
os.environ["I18N_STRICT"] = "1"

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


# --- App fixtures: a seeded SQLite database built once per session, copied per test --------

ROLE_USERS = {"partner": "partner1", "hc_office": "hcoffice1", "staff": "staff1", "admin": "admin1"}
TEST_PASSWORD = "correct horse battery staple"
PARTNER_AGENCY = "UNDP"


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> str:
    """A SQLite file with the full seed data and one user per role (built once)."""
    from lib import auth
    from lib.seed import init

    path = tmp_path_factory.mktemp("seeded") / "seeded.db"
    eng = make_engine(f"sqlite:///{path}")
    init(eng)
    for role, name in ROLE_USERS.items():
        # The partner reports for UNDP (a partner user belongs to an agency).
        agency = PARTNER_AGENCY if role == "partner" else None
        auth.create_user(eng, name, role, password=TEST_PASSWORD, actor="test", agency=agency)
    # Closing the last connection checkpoints the WAL into the file, so a plain copy is complete.
    eng.dispose()
    return str(path)


@pytest.fixture
def seeded_db_url(seeded_template, tmp_path, monkeypatch) -> str:
    """A private copy of the seeded database, set as DATABASE_URL, with Streamlit caches cleared."""
    import shutil

    import streamlit as st

    path = tmp_path / "app.db"
    shutil.copy(seeded_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("AUTH_MODE", "local")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield url
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def make_app(seeded_db_url):
    """Factory: an AppTest of a script (default dashboard.py) signed in as a role (or nobody)."""
    from streamlit.testing.v1 import AppTest

    def factory(script: str = "dashboard.py", role: str | None = None, timeout: float = 60) -> AppTest:
        at = AppTest.from_file(str(ROOT / script), default_timeout=timeout)
        if role is not None:
            at.session_state["username"] = ROLE_USERS[role]
        return at

    return factory
