"""Keyboard only, in the real browser: after the first page.goto, every step is a key press.

Staff sign in, change the round, filter the action points and download them as CSV, go to
Upload data, choose a dataset, upload a file (Enter on the uploader's button opens the file
chooser), confirm, and download the upload history as CSV. Only ``page.keyboard`` acts on
the page; locators only read it (what has the focus, what the page shows) and wait for it.

The focus is found by pressing Tab (or Shift+Tab) until the focused element has the expected
role and accessible name, as a keyboard user would: :func:`tab_to` fails if it never gets
there, which is what "impossible by keyboard" would look like.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from lib import uploads
from lib.ingest import template_frame
from lib.models import WorkItem
from tests import browser_support
from tests.browser_support import wait_idle
from tests.conftest import ROLE_USERS, TEST_PASSWORD

browser, live_app, page = browser_support.browser, browser_support.live_app, browser_support.page
pytestmark = [pytest.mark.browser, pytest.mark.slow]

ITEM_ID = "NY-2009-977"  # a new work item: the template's example row under another id
MAX_PRESSES = 250  # a full cycle through any page of the app is well under this


UPLOAD_BUTTON = r'button "(Browse files|Upload)"'


def focused(page) -> str:
    """The focused element as ``role "name"`` (the first line of its ARIA snapshot), or ""."""
    loc = page.locator("*:focus")
    if not loc.count():
        return ""
    try:
        lines = loc.first.aria_snapshot().splitlines()
    except Exception:  # noqa: BLE001  (the element went away between the two calls)
        return ""
    line = (lines[0] if lines else "").removeprefix("- ").removesuffix(":")
    if line.startswith("'"):  # YAML quotes lines holding a colon: - 'button "Confirm: write 1 rows"':
        line = line[1 : line.rindex("'")].replace("''", "'")
    return line


def tab_to(page, pattern: str, *, backwards: bool = False) -> str:
    """Press Tab (Shift+Tab) until the focus matches ``pattern`` (a regex on ``role "name"``)."""
    key = "Shift+Tab" if backwards else "Tab"
    seen: list[str] = []
    for _ in range(MAX_PRESSES):
        page.keyboard.press(key)
        now = focused(page)
        if re.match(pattern, now):
            return now
        if not seen or seen[-1] != now:
            seen.append(now)
    raise AssertionError(f"{pattern!r} never got the focus by {key}; focus went through: {seen}")


def open_file_chooser(page, attempts: int = 3):
    """Tab to the uploader's button and press Enter until the browser opens its file chooser.

    The dataset choice reruns the page, and a rerun that lands after the button got the focus
    redraws the uploader: the Enter then reaches a button that is gone and nothing opens (seen
    once in a full suite run). A user would press Enter again; so does this, at most ``attempts``
    times, each time on the button as it is after the page went idle.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(attempts):
        wait_idle(page)
        if not re.match(UPLOAD_BUTTON, focused(page)):
            tab_to(page, UPLOAD_BUTTON)
        try:
            with page.expect_file_chooser(timeout=15_000) as chooser:
                page.keyboard.press("Enter")
            return chooser.value
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def rows(data: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.removeprefix("\ufeff"))))


def test_staff_workflow_by_keyboard_only(live_app, page, tmp_path):
    kb = page.keyboard
    frame = template_frame("ny-workload")
    frame.loc[0, "id"] = ITEM_ID
    upload = tmp_path / "ny-keyboard.csv"
    frame.to_csv(upload, index=False)
    eng = live_app.engine()
    try:
        expected = uploads.check(eng, "ny-workload", upload.read_bytes(), upload.name, user="test").result
    finally:
        eng.dispose()
    assert expected.ok and expected.new == 1, expected.errors  # a valid file, checked without writing

    # Sign in: Tab to the user name, type, Tab to the password, type, Enter submits the form.
    page.goto(live_app.url + "/")
    page.get_by_role("textbox", name="User name").wait_for()
    wait_idle(page)
    tab_to(page, r'textbox "User name"')
    kb.type(ROLE_USERS["staff"])
    kb.press("Tab")
    assert focused(page).startswith('textbox "Password"'), focused(page)
    kb.type(TEST_PASSWORD)
    kb.press("Enter")
    page.get_by_text(f"Signed in as {ROLE_USERS['staff']}").wait_for()
    wait_idle(page)

    # Change the round: ArrowDown opens the list, ArrowUp moves to the previous round, Enter picks it.
    caption = page.get_by_text(re.compile(r"^Showing round "))
    before = caption.inner_text()
    tab_to(page, r'combobox "Consultation round"')
    kb.press("ArrowDown")
    page.get_by_role("option").first.wait_for()
    kb.press("ArrowUp")
    kb.press("Enter")
    wait_idle(page)
    after = caption.inner_text()
    assert after != before, "the round did not change"
    chosen = re.match(r"Showing round (\S+)", after).group(1)
    assert focused(page).startswith(f'combobox "Consultation round": {chosen}'), focused(page)

    # Action points through the menu; the round chosen stays.
    tab_to(page, r'link "Action points"')
    kb.press("Enter")
    page.get_by_role("heading", name="Roll-up by cluster").wait_for()
    wait_idle(page)
    assert page.get_by_text(re.compile(rf"^Showing round {re.escape(chosen)} ")).is_visible()

    # Filter on status: open the list, type to narrow it, Enter picks, Escape closes.
    count = page.get_by_text(re.compile(r"^\d+ of \d+ action points"))
    total = int(re.match(r"\d+ of (\d+)", count.inner_text()).group(1))
    tab_to(page, r'combobox "Status"')
    kb.press("ArrowDown")
    page.get_by_role("option").first.wait_for()
    kb.type("completed")
    page.get_by_role("option", name="completed", exact=True).wait_for()
    kb.press("Enter")
    kb.press("Escape")
    wait_idle(page)
    page.get_by_text(re.compile(r"^\d+ of \d+ action points")).wait_for()
    shown = int(re.match(r"(\d+) of", count.inner_text()).group(1))
    assert 0 < shown < total, (shown, total)

    # Download the filtered table as CSV: exactly the rows shown.
    tab_to(page, r'button "Download CSV"')
    with page.expect_download() as dl:
        kb.press("Enter")
    assert dl.value.suggested_filename == f"action-points-{chosen}.csv"
    points = rows(dl.value.path().read_text(encoding="utf-8"))
    assert len(points) == shown and {p["status"] for p in points} == {"completed"}

    # Upload data: choose the dataset by typing in its list.
    tab_to(page, r'link "Upload data"')
    kb.press("Enter")
    page.get_by_role("heading", name="Upload data").wait_for()
    wait_idle(page)
    tab_to(page, r'combobox "Dataset"')
    kb.press("ArrowDown")
    page.get_by_role("option").first.wait_for()
    kb.type("ny-workload")
    kb.press("Enter")
    wait_idle(page)
    assert focused(page).startswith('combobox "Dataset": New York office workload'), focused(page)

    # The uploader's button (Streamlit 1.67 names it "Upload"; earlier versions "Browse files"):
    # Enter opens the file chooser, where the user picks the file.
    chooser = open_file_chooser(page)
    chooser.set_files(str(upload))
    page.get_by_text(f"Preview: {uploads.change_line(expected)}").wait_for(timeout=60_000)
    wait_idle(page)

    # Confirm by keyboard (the rerun drops the focus: Tab starts again from the top).
    tab_to(page, r'button "Confirm: write 1 rows"')
    kb.press("Enter")
    done = page.get_by_text(re.compile(r"^Upload \d+ written: "))
    done.wait_for(timeout=60_000)
    wait_idle(page)
    upload_id = re.search(r"Upload (\d+)", done.inner_text()).group(1)
    eng = live_app.engine()
    try:
        with eng.connect() as conn:
            assert conn.execute(select(WorkItem.id).where(WorkItem.id == ITEM_ID)).scalar_one() == ITEM_ID
    finally:
        eng.dispose()

    # Upload history: download it as CSV; the new upload is its first row.
    tab_to(page, r'link "Upload history"')
    kb.press("Enter")
    page.get_by_role("heading", name="One upload").wait_for()
    wait_idle(page)
    tab_to(page, r'button "Download the history"')
    with page.expect_download() as dl:
        kb.press("Enter")
    history = rows(dl.value.path().read_text(encoding="utf-8"))
    assert history[0]["upload"] == upload_id and history[0]["file name"] == upload.name, history[0]
    assert not page.locator('[data-testid="stException"]').count()
