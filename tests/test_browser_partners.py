"""Real browser (Playwright + Debian Chromium) against ``streamlit run dashboard.py``: a UNDP partner
submits one activity through the form, it stays out of the live data until a staff member approves
it on the review page, then the partner's own page counts it approved."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lib.models import Action2Activity, Submission
from tests import browser_support
from tests.browser_support import open_page, sign_in, wait_idle

browser, live_app, page = browser_support.browser, browser_support.live_app, browser_support.page
pytestmark = [pytest.mark.browser, pytest.mark.slow]
ACTIVITY = "A2-2008-977"


def stored(app) -> tuple[list[str], list[str]]:
    """(statuses of the submissions, live activity ids equal to ACTIVITY)."""
    eng = app.engine()
    try:
        with eng.connect() as conn:
            statuses = list(conn.execute(select(Submission.status)).scalars())
            live = list(
                conn.execute(select(Action2Activity.id).where(Action2Activity.id == ACTIVITY)).scalars()
            )
    finally:
        eng.dispose()
    return statuses, live


def test_partner_submits_and_staff_approves_in_the_browser(live_app, page):
    sign_in(page, live_app, "partner")
    open_page(page, "Submit activities")
    page.get_by_role("textbox", name="activity id").fill(ACTIVITY)
    page.get_by_role("textbox", name="short description").fill("Training of the UN country team")
    page.get_by_role("button", name="Submit for review").first.click()
    page.get_by_text("Submitted for review").wait_for()
    assert stored(live_app) == (["pending"], [])

    context = page.context.browser.new_context(viewport={"width": 1400, "height": 1000})
    staff = context.new_page()
    try:
        sign_in(staff, live_app, "staff")
        open_page(staff, "Review submissions")
        staff.get_by_text("1: UNDP, round 2008-H2").first.wait_for()
        box = staff.locator('[data-testid="stMultiSelect"]')
        box.locator("input").click()
        staff.get_by_role("option").first.click()
        staff.keyboard.press("Escape")
        wait_idle(staff)
        staff.get_by_role("button", name="Approve and publish").click()
        staff.get_by_text("Submission 1 approved.").wait_for()
        assert "Traceback" not in staff.locator("body").inner_text()
    finally:
        context.close()
    assert stored(live_app) == (["approved"], [ACTIVITY])

    open_page(page, "My agency")
    page.get_by_text("0 pending, 0 returned, 1 approved").wait_for()
