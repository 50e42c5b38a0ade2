"""Real browser: a fresh server leaks nothing to direct page URLs; each role sees exactly its menu."""

from __future__ import annotations

import pytest

from lib.auth import ROLES
from lib.navigation import PAGES, pages_for
from tests import browser_support
from tests.browser_support import sign_in, wait_idle

browser, live_app, page = browser_support.browser, browser_support.live_app, browser_support.page
pytestmark = pytest.mark.browser

DATA_SELECTORS = [
    '[data-testid="stDataFrame"]',
    '[data-testid="stVegaLiteChart"]',
    '[data-testid="stMetric"]',
    '[data-testid="stFileUploader"]',
]
# Text that only appears when data was read: round ids, an action point's words, a country.
LEAK_TEXTS = ["2008-H2", "Geographic desks at headquarters", "Afghanistan", "Showing round"]


def test_direct_urls_on_a_fresh_server_leak_nothing_then_each_role_signs_in(live_app, page):
    # Nobody has opened the entry page yet: Streamlit serves pages/ files by URL itself.
    for spec in PAGES:
        slug = spec.path.removeprefix("pages/").removesuffix(".py")
        page.goto(f"{live_app.url}/{slug}")
        page.locator('[data-testid="stApp"]').wait_for()
        wait_idle(page)
        page.wait_for_timeout(500)
        body = page.locator("body").inner_text()
        for sel in DATA_SELECTORS:
            assert page.locator(sel).count() == 0, f"{slug}: {sel} rendered without sign-in"
        for text in LEAK_TEXTS:
            assert text not in body, f"{slug}: {text!r} shown without sign-in"
        assert "sign in" in body.lower(), f"{slug}: no sign-in prompt: {body[:300]}"
        assert "Traceback" not in body

    for role in ROLES:
        context = page.context.browser.new_context(viewport={"width": 1400, "height": 1000})
        p = context.new_page()
        try:
            sign_in(p, live_app, role)
            nav = p.locator('[data-testid="stSidebarNav"]')
            # Each link reads "<icon ligature>\n\n<title>": keep the title.
            links = [t.strip().splitlines()[-1] for t in nav.get_by_role("link").all_inner_texts()]
            assert links == [s.title for s in pages_for(role)], (role, links)
            body = p.locator("body").inner_text()
            assert "Showing round" in body and "Traceback" not in body
        finally:
            context.close()


def test_wrong_password_is_refused_in_the_browser(live_app, page):
    page.goto(live_app.url + "/")
    page.get_by_role("textbox", name="User name").fill("staff1")
    page.get_by_role("textbox", name="Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Unknown user name or wrong password.").wait_for()
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0


MENU_TITLES = [spec.title for spec in PAGES]


@pytest.mark.parametrize("first_url", ["/users", "/", "/signin"])
def test_a_fresh_server_shows_no_menu_before_sign_in(live_app, page, first_url):
    # The very first visit of a new server (Streamlit then lists every pages/ file by itself).
    page.goto(live_app.url + first_url)
    page.locator('[data-testid="stApp"]').wait_for()
    wait_idle(page)
    page.wait_for_timeout(800)
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    body = page.locator("body").inner_text()
    for title in [*MENU_TITLES, "Signin", "Setup"]:
        assert title not in body, f"{first_url}: menu entry {title!r} shown before sign-in"
    assert "sign in" in body.lower()


def test_every_page_address_answers_once_signed_in(live_app, page):
    """The first page also answers at its own name (/briefing used to show "Page not found" over
    the root), and a page the role may not open shows the refusal, no data and no "Page not found"."""
    sign_in(page, live_app, "staff")
    page.goto(f"{live_app.url}/briefing?round=2008-H1")
    page.get_by_role("heading", name="Briefing overview").first.wait_for()
    wait_idle(page)
    body = page.locator("body").inner_text()
    assert "Page not found" not in body and "Showing round 2008-H1" in body
    assert "/briefing" in page.url

    context = page.context.browser.new_context(viewport={"width": 1400, "height": 1000})
    p = context.new_page()
    try:
        sign_in(p, live_app, "partner")
        for slug in ("briefing", "users", "history"):
            p.goto(f"{live_app.url}/{slug}")
            p.get_by_text("Your role does not give access to this page.").wait_for()
            wait_idle(p)
            body = p.locator("body").inner_text()
            assert "Page not found" not in body and "Traceback" not in body, slug
            for sel in DATA_SELECTORS:
                assert p.locator(sel).count() == 0, f"{slug}: {sel} shown to a partner"
    finally:
        context.close()
