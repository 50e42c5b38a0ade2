"""Real-browser test support: a live ``streamlit run dashboard.py`` and Debian's Chromium via Playwright.

Use it from a test module by binding the fixtures to module names (pytest finds
fixtures among a module's attributes; plain imports would trip ruff's F811)::

    import pytest
    from tests import browser_support
    from tests.browser_support import open_page, sign_in

    browser, live_app, page = browser_support.browser, browser_support.live_app, browser_support.page
    pytestmark = pytest.mark.browser

    def test_something(live_app, page):
        sign_in(page, live_app, "staff")
        page.get_by_role("link", name="Upload data").click()
        ...

Fixtures:

* ``live_app`` (function scope): a :class:`LiveApp` (``.url``, ``.database_url``,
  ``.engine()``, ``.log()``) serving a private copy of the seeded test database
  (the conftest ``seeded_template``: seed data plus one user per role from
  ``ROLE_USERS``, password ``TEST_PASSWORD``). The server runs in its own process
  group on 127.0.0.1 and a free port, and is killed at the end of the test.
* ``browser`` (session scope): Chromium from ``/usr/bin/chromium`` (never a
  downloaded browser). Tests are skipped with the reason when it or Playwright is missing.
* ``page`` (function scope): a new page in a fresh browser context (its own
  cookies, so its own Streamlit session).

Without fixtures, :func:`streamlit_server` is a context manager starting a server
for any database URL (``env``: more environment; ``extra_args``: more command-line
options, e.g. ``--secrets.files``). Helpers: :func:`sign_in`, :func:`open_page` (menu
navigation, which keeps the session: a full page load starts a new, signed-out
session), :func:`wait_idle` (until the script run finished).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from lib.db import make_engine
from lib.paths import ROOT
from tests.conftest import ROLE_USERS, TEST_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT_S = 90
DEFAULT_TIMEOUT_MS = 30_000


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveApp:
    """A running ``streamlit run`` server."""

    url: str  # http://127.0.0.1:<port>, no trailing slash
    database_url: str
    log_path: Path
    process: subprocess.Popen

    def log(self, tail: int = 4000) -> str:
        """The end of the server's console output (for assertion messages)."""
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except OSError:
            return ""

    def engine(self):
        """A new engine on the server's database (the caller disposes it)."""
        return make_engine(self.database_url)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:  # noqa: S310 (loopback)
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(proc: subprocess.Popen) -> None:
    """Terminate the server's whole process group (streamlit and anything it started)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


@contextmanager
def streamlit_server(
    database_url: str,
    *,
    script: str = "dashboard.py",
    log_dir: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = START_TIMEOUT_S,
    extra_args: Sequence[str] = (),
) -> Iterator[LiveApp]:
    """Start ``streamlit run <script>`` on 127.0.0.1 with ``DATABASE_URL``; yield it once healthy.

    ``extra_args`` are appended to the command line, e.g. ``["--secrets.files", "/tmp/x/secrets.toml"]``
    (the repository has no secrets file; the server's working directory is the repository root).
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_dir = log_dir or Path(os.environ.get("TMPDIR", "/tmp"))
    log_path = log_dir / f"streamlit-{port}.log"
    child_env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "AUTH_MODE": "local",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        *extra_args,
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(  # noqa: S603 (our own command line)
            cmd, cwd=ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    app = LiveApp(url, database_url, log_path, proc)
    try:
        deadline = time.monotonic() + timeout
        while not _healthy(url):
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {proc.returncode}:\n{app.log()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit was not healthy after {timeout:.0f} s:\n{app.log()}")
            time.sleep(0.25)
        yield app
    finally:
        _stop(proc)


@pytest.fixture
def live_app(seeded_template: str, tmp_path: Path) -> Iterator[LiveApp]:
    """A live dashboard on a private copy of the seeded database (users: ROLE_USERS / TEST_PASSWORD)."""
    db = tmp_path / "live.db"
    shutil.copy(seeded_template, db)
    with streamlit_server(f"sqlite:///{db}", log_dir=tmp_path) as app:
        yield app


# One Playwright and one Chromium for the whole session, however many test modules bind the
# fixture: each binding is its own session fixture to pytest, and a second sync_playwright()
# while the first runs fails ("Playwright Sync API inside the asyncio loop").
_SHARED: dict = {}


def _shared_browser(config):
    if "browser" not in _SHARED:
        from playwright.sync_api import sync_playwright

        pw = sync_playwright().start()
        try:
            _SHARED["browser"] = pw.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
        except BaseException:
            pw.stop()
            raise
        _SHARED["playwright"] = pw

        def stop() -> None:
            _SHARED.pop("browser").close()
            _SHARED.pop("playwright").stop()

        config.add_cleanup(stop)  # after every session fixture of every module
    return _SHARED["browser"]


@pytest.fixture(scope="session")
def browser(pytestconfig):
    """Debian's Chromium driven by Playwright (skipped with the reason when unavailable)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package for the browser tests")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("the playwright Python package is not installed")
    return _shared_browser(pytestconfig)


@pytest.fixture
def page(browser):
    """A page in a fresh browser context (its own Streamlit session)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    p = context.new_page()
    try:
        yield p
    finally:
        context.close()


# --- Helpers ---------------------------------------------------------------------------


IDLE = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'


def wait_idle(page, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> None:
    """Wait until Streamlit finished the current script run (as Streamlit's own e2e tests do).

    A run triggered by the last action may not have started yet: wait a moment first,
    and prefer waiting for the text you expect when it matters.
    """
    page.wait_for_timeout(300)
    page.locator(IDLE).wait_for(timeout=timeout_ms)


def sign_in(page, app: LiveApp | str, role: str, password: str = TEST_PASSWORD) -> None:
    """Open the app and sign in as the test user of ``role`` (see conftest ROLE_USERS)."""
    url = app.url if isinstance(app, LiveApp) else app
    page.goto(url + "/")
    page.get_by_role("textbox", name="User name").fill(ROLE_USERS[role])
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Signed in as {ROLE_USERS[role]}").wait_for()
    wait_idle(page)


def open_page(page, title: str, heading: str | None = None) -> None:
    """Go to a page through the sidebar menu (keeps the session, unlike page.goto).

    Waits for the page's ``heading`` (default: the menu title) and the end of the run.
    """
    nav = page.locator('[data-testid="stSidebarNav"]')
    link = nav.get_by_role("link", name=title, exact=True)
    more = page.locator('[data-testid="stSidebarNavViewButton"]').filter(
        has_text=re.compile(r"View \d+ more")
    )
    if not link.count() and more.count():  # a long menu shows its first pages, then "View N more"
        more.click()
    link.click()
    page.get_by_role("heading", name=heading or title).first.wait_for()
    wait_idle(page)


def select_option(page, label: str, option: str | re.Pattern[str]) -> None:
    """Choose ``option`` (its text, or a pattern) in the select box labelled ``label``."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has=page.get_by_text(label, exact=True))
    box.locator("input").click()
    page.get_by_role("option").filter(has_text=option).first.click()
    wait_idle(page)
