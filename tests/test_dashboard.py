"""AppTest of the entry page: first-admin setup, sign-in, throttling message, sign-out."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from lib import auth
from lib.db import make_engine
from lib.models import User
from tests.conftest import ROLE_USERS, TEST_PASSWORD


@pytest.fixture
def empty_users(seeded_db_url):
    eng = make_engine(seeded_db_url)
    with eng.begin() as conn:
        conn.execute(delete(User))
    yield eng
    eng.dispose()


def test_first_admin_needs_the_console_code(make_app, empty_users):
    at = make_app()
    at.run()
    assert not at.exception
    assert at.title[0].value == "Set up the consultations dashboard"
    code = auth.issue_setup_code(empty_users)  # what the server printed (a fresh one)
    at.text_input[0].input("not-the-code")
    at.text_input[1].input("chief")
    at.text_input[3].input("a long enough password")
    at.text_input[4].input("a long enough password")
    at.button[0].click().run()
    assert any("not correct" in e.value for e in at.error)
    assert auth.needs_setup(empty_users)
    at.text_input[0].input(code)
    at.button[0].click().run()
    assert not at.exception
    assert not auth.needs_setup(empty_users)
    assert any("(admin)" in c.value for c in at.sidebar.markdown)


def test_sign_in_wrong_then_right(make_app):
    at = make_app()
    at.run()
    assert not at.dataframe and not at.metric
    assert any("sign in" in m.value for m in at.warning) or at.title[0].value == "Consultations dashboard"
    at.text_input[0].input(ROLE_USERS["staff"])
    at.text_input[1].input("wrong password here")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["Unknown user name or wrong password."]
    at.text_input[1].input(TEST_PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert any("staff1" in c.value for c in at.sidebar.markdown)
    at.button(key="signout").click().run()
    # AppTest stays on the page it was on; that page's guard now asks to sign in.
    assert not at.dataframe and not at.metric
    assert any("sign in" in m.value for m in at.warning) or at.title[0].value == "Consultations dashboard"


def test_deactivated_user_is_signed_out_on_next_run(make_app, seeded_db_url):
    at = make_app(role="hc_office")
    at.run()
    assert any("hcoffice1" in c.value for c in at.sidebar.markdown)
    eng = make_engine(seeded_db_url)
    auth.set_active(eng, ROLE_USERS["hc_office"], False, actor="test")
    eng.dispose()
    at.run()
    assert not at.dataframe and not at.metric
    assert any("sign in" in m.value for m in at.warning) or at.title[0].value == "Consultations dashboard"


def test_no_error_details_and_no_outside_links_in_error_boxes():
    import tomllib

    from lib.paths import ROOT

    client = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["client"]
    # "none": neither message nor traceback nor type (the legacy false shows the traceback in 1.67).
    assert client["showErrorDetails"] == "none"
    assert client["showErrorLinks"] is False  # no "Ask Google" / "Ask ChatGPT" links


@pytest.fixture
def read_only_pg(monkeypatch):
    """A seeded PostgreSQL database with one user, then made read-only (as a replica or a full disk)."""
    import streamlit as st
    from sqlalchemy import create_engine, text

    from lib.seed import init
    from tests.conftest import PG_SKIP_REASON, _drop_pg_database, _new_pg_database, pg_admin_url

    if not pg_admin_url():
        pytest.skip(PG_SKIP_REASON)
    url, name = _new_pg_database()
    eng = make_engine(url)
    init(eng)
    auth.create_user(eng, ROLE_USERS["staff"], "staff", password=TEST_PASSWORD, actor="test")
    eng.dispose()
    admin = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
    admin.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("AUTH_MODE", "local")
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        yield url
    finally:
        st.cache_resource.clear()
        _drop_pg_database(name)


def test_read_only_database_at_sign_in_gives_our_own_message(read_only_pg):
    from streamlit.testing.v1 import AppTest

    from lib.paths import ROOT

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception and at.title[0].value == "Consultations dashboard"
    at.text_input[0].input(ROLE_USERS["staff"])
    at.text_input[1].input(TEST_PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [auth.DATABASE_UNAVAILABLE]
    assert not at.sidebar.markdown  # not signed in
