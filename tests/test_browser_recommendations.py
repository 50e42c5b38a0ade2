"""Real browser (Playwright + Debian Chromium) against ``streamlit run dashboard.py``: a staff user
records a recommendation for 2008-H2 addressed to UNDP and linked to action point 139 through the
form on the Recommendations page, confirms it and sees it there; a partner sees it but has no form;
staff revert it from the upload history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lib.models import Recommendation
from tests import browser_support
from tests.browser_support import open_page, sign_in, wait_idle

browser, live_app, page = browser_support.browser, browser_support.live_app, browser_support.page
pytestmark = [pytest.mark.browser, pytest.mark.slow]
REC = "R-2008-H2-01"
UNDP = "United Nations Development Programme"


def stored(app) -> list[tuple]:
    eng = app.engine()
    try:
        with eng.connect() as conn:
            t = Recommendation.__table__
            return [
                tuple(r)
                for r in conn.execute(
                    select(t.c.round_id, t.c.addressees, t.c.action_point_ids).where(t.c.id == REC)
                )
            ]
    finally:
        eng.dispose()


def choose_many(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stMultiSelect"]').filter(has=page.get_by_text(label, exact=True))
    box.locator("input").click()
    box.locator("input").fill(option)  # the list is long: typing narrows it
    page.get_by_role("option").filter(has_text=option).first.click()
    page.keyboard.press("Escape")


def choose_one(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has=page.get_by_text(label, exact=True))
    box.locator("input").click()
    box.locator("input").fill(option)
    page.get_by_role("option").filter(has_text=option).first.click()
    wait_idle(page)


def test_staff_record_a_recommendation_partner_sees_it_staff_revert(live_app, page):
    sign_in(page, live_app, "staff")
    open_page(page, "Recommendations")
    page.get_by_text("Record a new recommendation").click()
    page.get_by_role("textbox", name="recommendation id (letters, digits, '.', '_' or '-')").fill(REC)
    page.get_by_role("textbox", name="the recommendation as agreed").fill(
        "UNDP to draw on the thematic Global Human Rights Report in its country programming."
    )
    choose_many(page, "one or more partner agency codes and/or OHCHR units, separated by semicolons", UNDP)
    choose_many(
        page, "related action points (127a-127e, 128-158), separated by semicolons; may be empty", "139: "
    )
    choose_one(page, "the addressee who leads the follow-up (one of the addressees)", UNDP)
    date = page.locator('[data-testid="stDateInput"]').filter(
        has=page.get_by_text("due date (YYYY-MM-DD), may be empty")
    )
    date.locator("input").fill("2009/06/30")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Check the change").first.click()
    page.get_by_text("The change, old value beside new value:").wait_for()
    assert stored(live_app) == []  # nothing written before the confirmation
    page.get_by_role("button", name="Confirm: write 1 rows").click()
    page.get_by_text("written: +1 new").wait_for()
    wait_idle(page)
    assert stored(live_app) == [("2008-H2", "UNDP", "139")]
    choose_one(page, "Recommendation", REC)  # on the page, with its history
    assert "Traceback" not in page.locator("body").inner_text()

    context = page.context.browser.new_context(viewport={"width": 1400, "height": 1000})
    partner = context.new_page()
    try:
        sign_in(partner, live_app, "partner")
        open_page(partner, "Recommendations")
        choose_one(partner, "Recommendation", REC)
        assert partner.get_by_text("Record a new recommendation").count() == 0
        assert partner.get_by_role("button", name="Check the change").count() == 0
    finally:
        context.close()

    open_page(page, "Upload history")
    # The newest upload is chosen: the form's one row, listed under its own name.
    assert f"form-recommendations-{REC}.csv" in page.locator('[data-testid="stSelectbox"]').last.inner_html()
    page.get_by_text("Yes, revert upload").click()
    wait_idle(page)
    page.get_by_role("button", name="Revert", exact=True).click()
    page.get_by_text("reverted: 1 added row(s) removed").wait_for()
    assert stored(live_app) == []
