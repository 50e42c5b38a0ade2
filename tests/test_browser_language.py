"""Real browser: the document declares the reader's language (WCAG 2.1 SC 3.1.1) on every page,
and the briefing page as a French and a Spanish reader see it (screenshots kept for review)."""

from __future__ import annotations

import pytest

from lib import auth, i18n
from lib.i18n import _
from lib.navigation import pages_for
from tests import browser_support
from tests.browser_support import wait_idle
from tests.conftest import ROLE_USERS, TEST_PASSWORD

browser, live_app, page = browser_support.browser, browser_support.live_app, browser_support.page
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _document_lang(page) -> str:
    return page.evaluate("document.documentElement.lang")


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_pages_declare_the_readers_language(live_app, page, lang, tmp_path):
    engine = live_app.engine()
    auth.set_language(engine, ROLE_USERS["hc_office"], lang, actor="test")
    page.goto(live_app.url + "/")
    page.get_by_role("textbox", name="User name").fill(ROLE_USERS["hc_office"])
    page.get_by_role("textbox", name="Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    with i18n.language(lang):
        titles = [_(p.title) for p in pages_for("hc_office")]
    page.get_by_role("heading", name=titles[0]).first.wait_for()
    wait_idle(page)
    page.wait_for_function(f"document.documentElement.lang === '{lang}'")
    assert _document_lang(page) == lang
    page.screenshot(path=str(tmp_path / f"briefing-{lang}.png"), full_page=True)
    for title in titles[1:]:
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True).click()
        page.get_by_role("heading", name=title).first.wait_for()
        wait_idle(page)
        assert _document_lang(page) == lang, title


def test_french_menu_entries_are_not_cut(live_app, page):
    auth.set_language(live_app.engine(), ROLE_USERS["hc_office"], "fr", actor="test")
    page.goto(live_app.url + "/")
    page.get_by_role("textbox", name="User name").fill(ROLE_USERS["hc_office"])
    page.get_by_role("textbox", name="Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    with i18n.language("fr"):
        titles = [_(p.title) for p in pages_for("hc_office")]
    page.get_by_role("heading", name=titles[0]).first.wait_for()
    wait_idle(page)
    cut = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stSidebarNav"] a span')]
            .filter(s => s.scrollWidth > s.clientWidth + 1).map(s => s.textContent)"""
    )
    assert not cut, cut
