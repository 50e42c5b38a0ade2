"""Real browser: no menu entry or headline figure label is cut in French or Spanish (issue 16).

Streamlit cuts both with an ellipsis in a one-line box; testers saw "…basados en los d…",
"…oficina de Nuev…" and "Recommendations complet…". A cut element is wider inside than it shows
(``scrollWidth > clientWidth``). Screenshots of the pages are kept in the test's tmp_path.
"""

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

ROLE = "admin"  # the longest menu
PAGES_WITH_FIGURES = ("pages/workload.py", "pages/recommendations.py", "pages/action_points.py")
CUT = """(selector) => [...document.querySelectorAll(selector)]
    .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.textContent.trim())"""
MENU = '[data-testid="stSidebarNavLink"], [data-testid="stSidebarNavLink"] span[label] *'
FIGURE_LABELS = '[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *'


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_menu_entries_and_figure_labels_are_whole(live_app, page, lang, tmp_path):
    auth.set_language(live_app.engine(), ROLE_USERS[ROLE], lang, actor="test")
    page.goto(live_app.url + "/")
    page.get_by_role("textbox", name="User name").fill(ROLE_USERS[ROLE])
    page.get_by_role("textbox", name="Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    with i18n.language(lang):
        titles = {p.path: _(p.title) for p in pages_for(ROLE)}
    page.get_by_role("heading", name=titles["pages/briefing.py"]).first.wait_for()
    wait_idle(page)
    nav = page.locator('[data-testid="stSidebarNav"]')
    assert nav.get_by_role("link").count() == len(titles)  # every entry shown, none folded away
    assert page.evaluate(CUT, MENU) == []
    for path in PAGES_WITH_FIGURES:
        nav.get_by_role("link", name=titles[path], exact=True).click()
        page.get_by_role("heading", name=titles[path]).first.wait_for()
        wait_idle(page)
        page.locator('[data-testid="stMetricLabel"]').first.wait_for()
        page.screenshot(path=str(tmp_path / f"{path.split('/')[-1][:-3]}-{lang}.png"))
        assert page.evaluate(CUT, FIGURE_LABELS) == [], path
        assert page.evaluate(CUT, MENU) == [], path
