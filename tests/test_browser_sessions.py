"""Real browser: a signed-in session survives a reload (AUTH_MODE=local) and ends when it must."""

from __future__ import annotations

import shutil

import pytest

from lib import auth
from lib.auth.sessions import COOKIE_NAME
from tests import browser_support
from tests.browser_support import open_page, sign_in, streamlit_server, wait_idle
from tests.conftest import ROLE_USERS

browser, live_app, page = browser_support.browser, browser_support.live_app, browser_support.page
pytestmark = pytest.mark.browser

DATA = ['[data-testid="stDataFrame"]', '[data-testid="stMetric"]', '[data-testid="stVegaLiteChart"]']


def session_cookie(page) -> dict:
    """The session cookie the browser holds (it must exist)."""
    page.wait_for_function("() => true")  # let the hand-over request finish
    for _ in range(40):
        found = [c for c in page.context.cookies() if c["name"] == COOKIE_NAME and c["value"]]
        if found:
            return found[0]
        page.wait_for_timeout(250)
    raise AssertionError("no session cookie was set")


def reload(page) -> str:
    """Reload the page (a new Streamlit session) and return its text once the run is over."""
    page.reload()
    page.locator('[data-testid="stApp"]').wait_for()
    wait_idle(page)
    page.wait_for_timeout(500)
    return page.locator("body").inner_text()


def assert_signed_out(page, body: str) -> None:
    assert "Signed in as" not in body
    assert page.get_by_role("button", name="Sign in").count() == 1 or "sign in" in body.lower()
    for sel in DATA:
        assert page.locator(sel).count() == 0, f"{sel} shown while signed out"


def assert_signed_out_at(page, url: str) -> None:
    """Open ``url`` (a new Streamlit session) and check that it is signed out, with no data."""
    page.goto(url)
    page.locator('[data-testid="stApp"]').wait_for()
    wait_idle(page)
    page.wait_for_timeout(500)
    assert_signed_out(page, page.locator("body").inner_text())


def test_reload_keeps_the_session_on_the_same_page_and_sign_out_ends_it(live_app, page):
    sign_in(page, live_app, "staff")
    cookie = session_cookie(page)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert not cookie["secure"]  # served over plain HTTP here; Secure over HTTPS
    eng = live_app.engine()
    try:
        with eng.connect() as conn:
            stored = conn.exec_driver_sql("SELECT token_hash FROM user_session").scalars().all()
        assert cookie["value"] not in stored and auth.sessions.token_hash(cookie["value"]) in stored
    finally:
        eng.dispose()

    open_page(page, "Action points")
    assert "/action_points" in page.url
    body = reload(page)
    assert f"Signed in as {ROLE_USERS['staff']}" in body and "/action_points" in page.url
    page.get_by_role("heading", name="Action points").first.wait_for()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for()
    wait_idle(page)
    page.go_back()
    body = reload(page)
    assert_signed_out(page, body)

    # The cookie of the ended session, put back into a fresh browser, is refused.
    other = page.context.browser.new_context()
    try:
        other.add_cookies([{"name": cookie["name"], "value": cookie["value"], "url": live_app.url + "/"}])
        assert_signed_out_at(other.new_page(), live_app.url + "/action_points")
    finally:
        other.close()


def test_a_deactivated_users_open_session_is_refused_at_its_next_run(live_app, page):
    sign_in(page, live_app, "hc_office")
    session_cookie(page)
    eng = live_app.engine()
    try:
        auth.set_active(eng, ROLE_USERS["hc_office"], False, actor="test")
    finally:
        eng.dispose()
    open_page_or_signed_out = page.locator('[data-testid="stSidebarNav"]').get_by_role(
        "link", name="Action points"
    )
    open_page_or_signed_out.click()  # the next run of the open tab
    wait_idle(page)
    page.wait_for_timeout(500)
    assert_signed_out(page, page.locator("body").inner_text())
    assert_signed_out(page, reload(page))


def test_a_session_ends_after_the_idle_time(seeded_template, tmp_path, page):
    db = tmp_path / "idle.db"
    shutil.copy(seeded_template, db)
    with streamlit_server(f"sqlite:///{db}", log_dir=tmp_path, env={"SESSION_IDLE_MINUTES": "0.1"}) as app:
        sign_in(page, app, "partner")
        session_cookie(page)
        assert f"Signed in as {ROLE_USERS['partner']}" in reload(page)  # within the idle time
        page.wait_for_timeout(8_000)  # longer than 6 s without a run
        assert_signed_out(page, reload(page))


@pytest.mark.postgres
@pytest.mark.slow
def test_a_session_started_on_one_server_is_accepted_by_another(browser, tmp_path):
    from lib.db import make_engine
    from lib.seed import init
    from tests.conftest import (
        PG_SKIP_REASON,
        TEST_PASSWORD,
        _drop_pg_database,
        _new_pg_database,
        pg_admin_url,
    )

    if not pg_admin_url():
        pytest.skip(PG_SKIP_REASON)
    url, name = _new_pg_database()
    eng = make_engine(url)
    try:
        init(eng)
        auth.create_user(eng, ROLE_USERS["staff"], "staff", password=TEST_PASSWORD, actor="test")
        with streamlit_server(url, log_dir=tmp_path) as a, streamlit_server(url, log_dir=tmp_path) as b:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            try:
                p = context.new_page()
                sign_in(p, a, "staff")
                session_cookie(p)  # set by server A (cookies are per host, so B receives it too)
                p.goto(b.url + "/action_points")
                p.locator('[data-testid="stApp"]').wait_for()
                p.get_by_text(f"Signed in as {ROLE_USERS['staff']}").wait_for()
                p.get_by_role("heading", name="Action points").first.wait_for()
                # Signing out on B ends the session on A too.
                p.get_by_role("button", name="Sign out").click()
                p.get_by_role("button", name="Sign in").wait_for()
                assert_signed_out_at(p, a.url + "/action_points")
            finally:
                context.close()
    finally:
        eng.dispose()
        _drop_pg_database(name)
