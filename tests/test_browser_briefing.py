"""Real browser: the High Commissioner's office downloads the briefing pack from the briefing page."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests import browser_support
from tests.browser_support import sign_in

browser, live_app, page = browser_support.browser, browser_support.live_app, browser_support.page
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_hc_office_downloads_the_briefing_pack(live_app, page):
    sign_in(page, live_app, "hc_office")  # the briefing overview, latest round
    page.get_by_role("button", name="Build the briefing pack").click()
    button = page.get_by_role("button", name="Download the briefing pack (PDF)")
    button.wait_for(timeout=240_000)
    with page.expect_download() as download:
        button.click()
    data = download.value.path().read_bytes()
    assert data.startswith(b"%PDF")
    assert download.value.suggested_filename.endswith(".pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages[:3])
    assert "2008-H2" in text
    assert "17 November 2008" in text  # the data cut-off on the cover
