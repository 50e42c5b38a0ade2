"""Real browser (Playwright + Debian Chromium) against ``streamlit run dashboard.py``: staff upload a
real UN MDG export, find its values on the MDG page, get a malformed file rejected, then revert."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lib import reference, uploads
from lib.models import Observation, Upload
from lib.paths import ROOT
from tests import browser_support
from tests.browser_support import open_page, select_option, sign_in, wait_idle

# The fixtures, found by pytest under these module names.
browser, live_app, page = browser_support.browser, browser_support.live_app, browser_support.page

EXPORT = ROOT.parent / "shared" / "data" / "mdg" / "un-exports" / "MDG_Export_20191227.csv"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not EXPORT.is_file(), reason=f"{EXPORT} is absent: this test uploads the shared UN MDG export"
    ),
]
SOURCE = "UNSD MDG DB export 2019-12-27"  # the label the importer derives from the file name
MDG_PAGE, SERIES, INDICATOR = "MDG rights-based indicators", "749", "7.2"
MALFORMED = (
    b"CountryCode,Country,SeriesCode,Series,2000,2001\n"
    b"AFG,Afghanistan,749,CO2,1,2\n"
    b"4,Afghanistan,99999,Unknown series,3,4\n"
)


def export_values() -> dict[tuple[str, int], float]:
    """(ISO3, year) -> value of series 749 in the export, read independently of the importer."""
    m49 = reference.m49_to_iso3()
    lines = EXPORT.read_text(encoding="utf-8-sig").splitlines()
    end = next((i for i, ln in enumerate(lines) if not ln.strip()), len(lines))  # a legend may follow
    rows = csv.reader(io.StringIO("\n".join(lines[:end])))
    header = next(rows)
    out = {}
    for r in rows:
        if r[2] == SERIES and int(r[0]) in m49:
            for i, h in enumerate(header):
                if re.fullmatch(r"\d{4}", h) and r[i].strip():
                    out[(m49[int(r[0])], int(h))] = float(r[i])
    return out


def counts(app) -> tuple[int, int]:
    """(uploads, observations from the export's source) in the live database."""
    eng = app.engine()
    try:
        with eng.connect() as conn:
            n_up = conn.execute(select(func.count()).select_from(Upload)).scalar_one()
            n_obs = conn.execute(
                select(func.count()).select_from(Observation).where(Observation.source == SOURCE)
            ).scalar_one()
    finally:
        eng.dispose()
    return n_up, n_obs


def source_options(page) -> list[str]:
    """The MDG page's sources of indicator 7.2 (goal 7)."""
    open_page(page, MDG_PAGE)
    select_option(page, "Goal", re.compile(r"^7\. "))
    select_option(page, "Indicator", re.compile(rf"^{re.escape(INDICATOR)} "))
    box = page.locator('[data-testid="stSelectbox"]').filter(has=page.get_by_text("Source", exact=True))
    box.locator("input").click()
    options = [o.inner_text() for o in page.get_by_role("option").all()]
    page.keyboard.press("Escape")
    return options


def table_rows(table) -> list[dict[str, str]]:
    """The rows of an st.dataframe as its accessible table shows them (the rows in view)."""
    table.locator("tr").nth(1).wait_for(state="attached")  # the grid fills its (hidden) table once drawn
    rows = [[c.inner_text().strip() for c in tr.locator("th, td").all()] for tr in table.locator("tr").all()]
    header, body = rows[0], rows[1:]
    return [dict(zip(header, r, strict=False)) for r in body if len(r) == len(header)]


def revised_export(app) -> Path:
    """The export with one value revised (forest area, series 567, not the 749 checked below).

    The seed holds the export's values under another source label: the export itself is refused
    as the same data again (issue 12), a revised vintage of it is not.
    """
    path = app.log_path.parent / EXPORT.name
    text = EXPORT.read_text(encoding="utf-8-sig")
    assert text.count('Proportion of land area covered by forest, percentage",2.1,,E,') >= 1
    path.write_text(
        text.replace('forest, percentage",2.1,,E,', 'forest, percentage",2.2,,E,', 1), encoding="utf-8"
    )
    return path


def test_staff_upload_preview_confirm_reject_and_revert(live_app, page):
    revised = revised_export(live_app)
    raw = revised.read_bytes()
    eng = live_app.engine()
    expected = uploads.check(eng, "mdg", raw, EXPORT.name, user="test").result  # a dry run: writes nothing
    eng.dispose()
    assert expected.ok and expected.new > 0
    before = counts(live_app)
    assert before[1] == 0

    # Upload, preview, confirm.
    sign_in(page, live_app, "staff")
    open_page(page, "Upload data")
    select_option(page, "Dataset", "MDG indicator observations (mdg)")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(revised))
    page.get_by_text(f"Preview: {uploads.change_line(expected)}").wait_for(timeout=60_000)
    assert counts(live_app) == before, "nothing is written before the confirmation"
    page.get_by_role("button", name=f"Confirm: write {expected.new + expected.modified:,} rows").click()
    done = page.get_by_text(re.compile(r"^Upload \d+ written: "))
    done.wait_for(timeout=60_000)
    upload_id = int(re.search(r"Upload (\d+)", done.inner_text()).group(1))
    assert counts(live_app) == (before[0] + 1, expected.new)

    # The values are on the MDG page, under the export's own source.
    assert any(o.startswith(f"{SOURCE} (") for o in source_options(page))
    select_option(page, "Source", re.compile(rf"^{re.escape(SOURCE)} \("))
    page.get_by_text(f"Table: values of {INDICATOR}").click()
    wait_idle(page)
    table = page.locator('[data-testid="stExpander"] [data-testid="stDataFrame"] table').first
    rows = table_rows(table)
    assert rows, "the values table is empty"
    values = export_values()
    for r in rows[:5]:
        # Issue 16: English tables show labelled headers, not the data's column names.
        assert float(r["Value"].replace(",", "")) == pytest.approx(
            values[(r["Country code"], int(r["Year"]))]
        )

    # A malformed file: the problem table, nothing written.
    open_page(page, "Upload data")
    select_option(page, "Dataset", "MDG indicator observations (mdg)")
    bad = live_app.log_path.parent / "malformed.csv"
    bad.write_bytes(MALFORMED)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bad))
    page.get_by_text("malformed.csv: rejected, 2 problem(s). Nothing was written.").wait_for(timeout=60_000)
    problems = table_rows(page.locator('[data-testid="stDataFrame"] table').last)
    assert [p["Column"] for p in problems] == ["CountryCode", "SeriesCode"]  # labelled headers (issue 16)
    assert "UN M49 number" in problems[0]["What is wrong and how to fix it"]
    assert page.get_by_role("button", name="Download the full list of problems").is_visible()
    assert not page.get_by_role("button", name=re.compile("^Confirm")).count()
    assert counts(live_app) == (before[0] + 1, expected.new)

    # Revert the first upload (with the confirmation): the old data is back.
    open_page(page, "Upload history")
    with page.expect_download() as download:  # the kept file, byte for byte
        page.get_by_role("button", name="Download the file as uploaded").click()
    assert download.value.suggested_filename == EXPORT.name
    assert download.value.path().read_bytes() == raw
    # A large revert shows its rows and wants the upload's id typed (issue 12).
    page.get_by_label(f"To confirm, type the upload's id ({upload_id})").fill(str(upload_id))
    page.keyboard.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Revert").click()
    page.get_by_text(f"Upload {upload_id} reverted: {expected.new:,} added row(s) removed").wait_for()
    assert counts(live_app) == (before[0] + 1, 0)
    options = source_options(page)
    assert options and not any(o.startswith(f"{SOURCE} (") for o in options), options
    assert not page.locator('[data-testid="stException"]').count()
