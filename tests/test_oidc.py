"""AUTH_MODE=oidc end to end, offline: Streamlit's st.login against oidc-provider-mock on loopback.

The mock runs in a thread on 127.0.0.1 and a free port. Its authorization form asks for a
``sub``; a subject it does not know yet gets the claims ``{"email": <sub>}``, so typing an
e-mail address there signs in as that address. The app reads a temporary secrets.toml given
with ``--secrets.files`` (the repository has no secrets file).
"""

from __future__ import annotations

import secrets
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from lib import auth
from lib.db import make_engine
from lib.navigation import PAGES
from tests import browser_support
from tests.browser_support import LiveApp, streamlit_server, wait_idle

oidc_provider_mock = pytest.importorskip(
    "oidc_provider_mock", reason="oidc-provider-mock is not installed (pip install -r requirements.txt)"
)
pytest.importorskip("authlib", reason="Authlib is not installed: st.login needs Authlib>=1.3.2")
werkzeug_serving = pytest.importorskip("werkzeug.serving", reason="werkzeug (oidc-provider-mock's server)")

browser = browser_support.browser
pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIGN_IN_BUTTON = "Sign in with your organisation account"
HC_EMAIL = "hc@example.org"
HC_USER = "hcoidc"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """oidc-provider-mock on 127.0.0.1 (a free port); yields its base URL."""
    app = oidc_provider_mock.app(
        require_nonce=True,
        user_claims=[
            # The provider says outright that this address is not verified: it must not count.
            oidc_provider_mock.User(sub="unverified", claims={"email": HC_EMAIL, "email_verified": False}),
        ],
    )
    server = werkzeug_serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def oidc_app(provider: str, seeded_template: str, tmp_path: Path) -> Iterator[LiveApp]:
    """The dashboard with AUTH_MODE=oidc on a copy of the seeded database plus an OIDC-only user."""
    db = tmp_path / "oidc.db"
    shutil.copy(seeded_template, db)
    url = f"sqlite:///{db}"
    eng = make_engine(url)
    auth.create_user(eng, HC_USER, "hc_office", password=None, email=HC_EMAIL, actor="test")
    eng.dispose()

    secrets_toml = tmp_path / "secrets.toml"
    secrets_toml.write_text(
        "[auth]\n"
        # Streamlit fills in {port} with server.port (the free port streamlit_server chose).
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "consultations-dashboard"\n'
        f'client_secret = "{secrets.token_urlsafe(16)}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    with streamlit_server(
        url,
        log_dir=tmp_path,
        env={"AUTH_MODE": "oidc"},
        extra_args=["--secrets.files", str(secrets_toml)],
    ) as app:
        yield app


@pytest.fixture
def new_page(browser):
    """Factory: a page in a new browser context (own cookies, so own identity and session)."""
    contexts = []

    def factory():
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(browser_support.DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()


def oidc_sign_in(page, app: LiveApp, provider: str, subject: str | None = None, button: str | None = None):
    """Click the sign-in button, then on the mock's form type ``subject`` (or click a predefined user)."""
    page.goto(app.url + "/")
    page.get_by_role("button", name=SIGN_IN_BUTTON).click()
    page.wait_for_url(f"{provider}/oauth2/authorize**")
    if button:
        page.get_by_role("button", name=button, exact=True).click()
    else:
        page.get_by_placeholder("sub").fill(subject or "")
        page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(f"{app.url}/**")


DATA_SELECTORS = [
    '[data-testid="stDataFrame"]',
    '[data-testid="stVegaLiteChart"]',
    '[data-testid="stMetric"]',
    '[data-testid="stFileUploader"]',
    '[data-testid="stSelectbox"]',  # the round picker
]
# Text that only appears when data was read: round ids, an action point's words, a country.
LEAK_TEXTS = ["2008-H2", "Geographic desks at headquarters", "Afghanistan", "Showing round", "Signed in as"]


def assert_no_data(page, where: str = "") -> str:
    """Nothing of the dashboard's data is on the page; returns the page's text."""
    wait_idle(page)
    page.wait_for_timeout(300)
    body = page.locator("body").inner_text()
    for sel in DATA_SELECTORS:
        assert page.locator(sel).count() == 0, f"{where}: {sel} rendered"
    for text in LEAK_TEXTS:
        assert text not in body, f"{where}: {text!r} shown"
    assert "Traceback" not in body
    return body


def test_registered_address_signs_in_with_its_role(oidc_app, provider, new_page):
    page = new_page()
    oidc_sign_in(page, oidc_app, provider, HC_EMAIL)
    page.get_by_text(f"Signed in as {HC_USER} (hc office)").wait_for()
    page.get_by_role("heading", name="Briefing overview").first.wait_for()
    # The page's data is there: waited for, as the heading can be drawn a moment before the round
    # picker under load (a count taken right away once found none).
    page.get_by_text("Consultation round").first.wait_for()
    wait_idle(page)
    nav = page.locator('[data-testid="stSidebarNav"]')
    assert nav.get_by_role("link", name="Briefing overview", exact=True).count() == 1
    assert nav.get_by_role("link", name="Upload data", exact=True).count() == 0  # hc office may not upload
    assert "Traceback" not in oidc_app.log()

    # Deactivated: the next run (here a reload, which keeps the identity cookie) shows no data.
    eng = oidc_app.engine()
    auth.set_active(eng, HC_USER, False, actor="test")
    eng.dispose()
    page.reload()
    page.get_by_text("has no access to this dashboard").wait_for()
    assert_no_data(page)
    assert page.get_by_role("button", name="Sign out").count() == 1


def test_unknown_address_sees_no_access_and_can_sign_out(oidc_app, provider, new_page):
    page = new_page()
    oidc_sign_in(page, oidc_app, provider, "unknown@example.org")
    page.get_by_text(
        "Your organisation account (unknown@example.org) has no access to this dashboard"
    ).wait_for()
    assert_no_data(page)

    # The same identity asking for a page by URL still gets nothing.
    page.goto(oidc_app.url + "/briefing")
    page.get_by_text("has no access to this dashboard").wait_for()
    assert_no_data(page)

    # (Streamlit also shows a "page not found" dialog there: start from the entry page again.)
    page.goto(oidc_app.url + "/")
    page.get_by_text("has no access to this dashboard").wait_for()
    wait_idle(page)

    # Sign out: Streamlit clears its cookie and sends the browser to the provider's end-session
    # endpoint (the mock asks to confirm), which returns to the app, signed out.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{provider}/oauth2/end_session**")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{oidc_app.url}/**")
    page.get_by_role("button", name=SIGN_IN_BUTTON).wait_for()
    assert_no_data(page)


def test_address_marked_unverified_is_refused(oidc_app, provider, new_page):
    page = new_page()
    oidc_sign_in(page, oidc_app, provider, button="unverified")
    page.get_by_text("has no access to this dashboard").wait_for()
    assert_no_data(page)


def test_pages_by_url_without_sign_in_show_no_data(oidc_app, new_page):
    page = new_page()
    # A fresh server: nobody has opened the entry page, so Streamlit serves pages/ files by URL itself.
    for spec in PAGES:
        slug = spec.path.removeprefix("pages/").removesuffix(".py")
        page.goto(f"{oidc_app.url}/{slug}")
        page.locator('[data-testid="stApp"]').wait_for()
        body = assert_no_data(page, slug)
        assert "sign in" in body.lower(), f"{slug}: no sign-in prompt: {body[:300]}"
    page.goto(oidc_app.url + "/")
    page.get_by_role("button", name=SIGN_IN_BUTTON).wait_for()
    assert_no_data(page, "/")
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    # Once the entry page has run, a page URL falls back to the sign-in page (Streamlit says "page not found").
    page.goto(oidc_app.url + "/briefing")
    page.get_by_role("button", name=SIGN_IN_BUTTON).wait_for()
    assert_no_data(page, "/briefing after the entry page ran")
