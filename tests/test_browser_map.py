"""Real browser (Playwright + Debian Chromium) against ``streamlit run dashboard.py``: the action 2
world map draws its countries. The topology reaches the browser inside the spec as a ``data:``
URL (chart_theme.browser_spec), so this checks what only a browser can: that Vega decodes it and
draws every country as land, and the countries with activity again, shaded and labelled."""

from __future__ import annotations

import pytest

from tests import browser_support
from tests.browser_support import open_page, sign_in

browser, live_app, page = browser_support.browser, browser_support.live_app, browser_support.page
pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: Per geoshape layer of each chart: how many shapes Vega drew (SVG renderer: a geoshape is a "shape" mark, one path per country).
SHAPES = """e => Array.from(e.querySelectorAll('g.mark-shape')).map(g => [
    g.querySelectorAll('path').length,
    Array.from(g.querySelectorAll('path[aria-label]')).map(p => p.getAttribute('aria-label')),
])"""


def test_the_world_map_draws_its_countries(live_app, page):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_app, "hc_office")
    open_page(page, "Action 2 activity")
    maps = page.locator('[data-testid="stVegaLiteChart"]:has(g.mark-shape)')
    maps.first.locator("g.mark-shape path").first.wait_for()
    assert maps.count() == 1
    (land, _), (shaded, labels) = maps.first.evaluate(SHAPES)
    assert land > 150  # every country of the 110m topology: the grey land
    assert 10 <= shaded < land  # the countries with activity, drawn over it
    assert any(label.startswith("Activities: ") and "Country: Indonesia" in label for label in labels)
    assert not [e for e in errors if "vega" in e.lower()], errors
