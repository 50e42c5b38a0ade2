"""Real browser: a link to a view, opened in a fresh browser, asks for sign-in and then shows exactly
that view; hostile values give the defaults and a notice; a link to a page the role may not open
gives the refusal."""

from __future__ import annotations

import pytest

from tests import browser_support
from tests.browser_support import open_page, sign_in, wait_idle
from tests.conftest import ROLE_USERS, TEST_PASSWORD

browser, live_app, page = browser_support.browser, browser_support.live_app, browser_support.page
pytestmark = pytest.mark.browser

VIEW = "mdg?round=2008-H1&indicator=4.1&countries=NGA&countries=ETH"
HOSTILE = (
    "mdg?round=2099-H1&round=2008-H1&indicator=4.1%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"
    "&countries=NGA&countries=%3Cb%3EXX%3C%2Fb%3E&tab=" + "x" * 3000
)
DATA_SELECTORS = [
    '[data-testid="stDataFrame"]',
    '[data-testid="stVegaLiteChart"]',
    '[data-testid="stMultiSelect"]',
]


def warm(live_app, browser) -> None:
    """One visit of the start page, so that the server serves every URL through st.navigation
    (on a server nobody has visited, Streamlit runs pages/ files by URL itself)."""
    context = browser.new_context()
    try:
        p = context.new_page()
        p.goto(live_app.url + "/")
        p.get_by_role("button", name="Sign in").wait_for()
    finally:
        context.close()


def open_signed_out(page, live_app, path: str) -> None:
    """Open ``path`` in this fresh browser: the sign-in form, and no data yet."""
    page.goto(f"{live_app.url}/{path}")
    page.get_by_role("button", name="Sign in").wait_for()
    wait_idle(page)
    # Every page's address leads to the sign-in form itself: no "Page not found" box over it (issue 17).
    assert page.get_by_role("dialog").count() == 0
    assert "Page not found" not in page.locator("body").inner_text()
    for sel in DATA_SELECTORS:
        assert page.locator(sel).count() == 0, f"{sel} before sign-in"
    assert "Showing round" not in page.locator("body").inner_text()


def sign_in_here(page, role: str) -> None:
    """Sign in on the form this page shows (not a new visit of the start page)."""
    page.get_by_role("textbox", name="User name").fill(ROLE_USERS[role])
    page.get_by_role("textbox", name="Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Signed in as {ROLE_USERS[role]}").wait_for()
    wait_idle(page)


def chosen(page, label: str) -> str:
    """The text a select box or multiselect labelled ``label`` shows."""
    box = page.locator('[data-testid="stSelectbox"], [data-testid="stMultiSelect"]').filter(
        has=page.get_by_text(label, exact=True)
    )
    inputs = box.first.locator("input")
    return box.first.inner_text() + " " + " ".join(i.input_value() for i in inputs.all())


def test_a_link_asks_for_sign_in_then_shows_exactly_that_view(live_app, browser, page):
    warm(live_app, browser)
    open_signed_out(page, live_app, VIEW)
    sign_in_here(page, "staff")
    page.get_by_role("heading", name="MDG rights-based indicators").wait_for()
    wait_idle(page)
    assert "Showing round 2008-H1" in page.locator("body").inner_text()
    assert "2008-H1" in chosen(page, "Consultation round")
    assert "4.1" in chosen(page, "Indicator")
    countries = chosen(page, "Countries (up to 8)")
    assert "Nigeria" in countries and "Ethiopia" in countries and "India" not in countries
    assert "round=2008-H1" in page.url and "countries=NGA&countries=ETH" in page.url
    # The link to copy is this view's.
    page.get_by_text("Copy link to this view").click()
    code = page.locator('[data-testid="stCode"]').inner_text()
    assert "/mdg?round=2008-H1" in code and "countries=NGA&countries=ETH" in code


def test_a_hostile_link_shows_the_defaults_and_a_notice(live_app, browser, page):
    warm(live_app, browser)
    open_signed_out(page, live_app, HOSTILE)
    sign_in_here(page, "staff")
    page.get_by_text("not offered here").wait_for()
    body = page.locator("body").inner_text()
    assert "Showing round 2008-H2" in body  # the latest round, the default
    assert "onerror" not in body and "XX" not in body and "x" * 100 not in body
    assert page.locator("img[src='x']").count() == 0 and page.locator("b", has_text="XX").count() == 0


def test_a_partners_link_to_the_workload_page_shows_the_refusal(live_app, browser, page):
    warm(live_app, browser)
    open_signed_out(page, live_app, "workload?round=2008-H1&measure=hours")
    sign_in_here(page, "partner")
    page.get_by_text("Your role does not give access to this page.").wait_for()
    wait_idle(page)
    for sel in DATA_SELECTORS:
        assert page.locator(sel).count() == 0, f"{sel} shown to a partner"
    assert "Hours against staff capacity" not in page.locator("body").inner_text()


def test_markdown_in_data_loads_no_external_image_and_makes_no_link(live_app, page):
    from tests.test_markdown_data import seed_markdown

    seed_markdown(live_app.database_url)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "example" in r.url else None)
    sign_in(page, live_app, "staff")
    for title, heading in (("Briefing overview", None), ("MDG rights-based indicators", None)):
        open_page(page, title, heading)
        assert "Round" in page.locator("body").inner_text()
        external = page.locator("img[src^='http']").evaluate_all("els => els.map(e => e.src)")
        assert not [s for s in external if not s.startswith(live_app.url)], external
        bad = page.locator("a[href*='evil.example']")
        assert bad.count() == 0, bad.first.evaluate(
            "e => e.parentElement.parentElement.outerHTML.slice(0, 800)"
        )
    # The source's name is shown as text (issue 16 shortens it: repository brackets go), never as an image.
    assert "tracker.example/s.png" in page.locator("body").inner_text().replace("\u2060", "")
    assert asked == []
