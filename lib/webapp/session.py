"""The current user and their language, sign-in and sign-out, the page guard."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import streamlit as st
from sqlalchemy import Engine

from lib import auth, i18n
from lib.auth import cookie as auth_cookie
from lib.escape import md_escape
from lib.i18n import _
from lib.webapp.data import AUTH_MODE, get_engine
from lib.webapp.links import _LINKED, NOT_ALLOWED


def current_user() -> dict | None:
    """The signed-in, active user, re-read on every run (a role change or a deactivation applies at once)."""
    with st.spinner(_("Preparing the database...")):  # shown only when it takes a while (first run)
        engine = get_engine()
    if AUTH_MODE == "oidc":
        email = oidc_email()
        # Only an active user with exactly this address (lib.auth.get_user_by_email).
        user = auth.get_user_by_email(engine, email) if email else None
        claim = os.environ.get("OIDC_AGENCY_CLAIM", "").strip()  # e.g. "agency": the provider names it
        if user is not None and claim:
            user = auth.with_claimed_agency(engine, user, st.user.get(claim))
        return user
    state = st.session_state
    cookie = st.context.cookies.get(auth.sessions.COOKIE_NAME)
    state["session_id"], user = auth.sessions.current(
        engine, state.get("session_id"), state.get("username"), cookie
    )
    state["username"] = user["username"] if user else None
    return user


def oidc_signed_in() -> bool:
    """Whether the organisation's provider has signed this browser in (AUTH_MODE=oidc), access or not."""
    return AUTH_MODE == "oidc" and bool(getattr(st.user, "is_logged_in", False))


def oidc_email() -> str | None:
    """The provider's e-mail address for the signed-in identity, if trusted (lib.auth.oidc)."""
    return auth.oidc.verified_email(st.user) if oidc_signed_in() else None


def no_access_message() -> str:
    """What a signed-in identity without an active user row sees (AUTH_MODE=oidc)."""
    return auth.oidc.no_access_message(st.user.get("email") if oidc_signed_in() else None)


def apply_language(user: dict | None) -> str:
    """Set this run's language: the session's choice, else the user's stored one, else English."""
    chosen = st.session_state.get("language")
    if chosen not in i18n.LANGUAGES:
        chosen = (user or {}).get("language")
    return i18n.set_language(chosen)


# One constant script per language code of lib.i18n.LANGUAGES: nothing from data or input.
_LANG_SCRIPTS = {
    code: f'<script>document.documentElement.setAttribute("lang", "{code}");</script>'
    for code in i18n.LANGUAGES
}


def document_language(lang: str) -> None:
    """Declare the reader's language on the document (``<html lang>``, WCAG 2.1 SC 3.1.1), so
    screen readers pronounce French as French. Streamlit itself always writes ``lang="en"``."""
    st.html(_LANG_SCRIPTS.get(lang, _LANG_SCRIPTS[i18n.DEFAULT_LANGUAGE]), unsafe_allow_javascript=True)
    st.html(_READABLE_LABELS)  # style only: Streamlit puts it out of the page's flow


# Longer French and Spanish words: menu entries and headline figures' labels wrap instead of being
# cut. Streamlit cuts them in a "stMarkdownEllipsis" box (nowrap, ellipsis); the menu entry's text
# must also shrink to the link's width (min-width 0) or it runs past the sidebar's edge.
_WRAP = "white-space: normal !important; overflow: visible !important; text-overflow: clip !important;"
_READABLE_LABELS = (
    "<style>"
    f'[data-testid="stSidebarNav"] a span[label], [data-testid="stSidebarNav"] a .stMarkdownEllipsis, '
    f'[data-testid="stSidebarNav"] a p {{ {_WRAP} min-width: 0; }}'
    '[data-testid="stSidebarNavLink"] { height: auto !important; min-height: 2rem; }'
    f'[data-testid="stMetricLabel"] .stMarkdownEllipsis, [data-testid="stMetricLabel"] p {{ {_WRAP} }}'
    "</style>"
)


def guard(action: str) -> dict:
    """Stop the page unless a signed-in user may do ``action``: every page file, before reading data."""
    i18n.set_language(st.session_state.get("language"))  # for the first run's spinner
    user = current_user()
    document_language(apply_language(user))
    if user is None and oidc_signed_in():
        st.error(no_access_message())
        st.markdown(_("[Go to the start page](/)"))
        st.stop()
    if user is None:
        st.warning(_("Please sign in to see this page."))
        # A plain link: st.page_link needs st.navigation, which a page run by URL has not had.
        st.markdown(_("[Go to the sign-in page](/)"))
        st.stop()
    if not auth.is_allowed(user["role"], action):
        st.error(_(NOT_ALLOWED))
        st.stop()
    # This run's linked choices (see linked) and the place of the notice about a bad link.
    st.session_state[_LINKED] = {"params": {}, "bad": [], "notice": st.empty()}
    return user


def signed_in(user: dict) -> None:
    """After a successful sign-in or setup: start a session (its cookie follows) and rerun."""
    st.session_state["session_id"], st.session_state["session_handover"] = auth.sessions.start(
        get_engine(), user["id"]
    )
    st.session_state["username"] = user["username"]
    if not st.session_state.pop("language_chosen", False):
        st.session_state.pop("language", None)  # the user's stored language applies
    st.rerun()


def sign_out() -> None:
    """The sign-out callback (before the next run): the session ends in the database, cookie or not."""
    name = st.session_state.pop("username", None)
    auth.sessions.revoke(get_engine(), st.session_state.pop("session_id", None), actor=name or "")
    st.session_state["session_cookie_end"] = True
    if AUTH_MODE == "oidc":
        st.logout()


def session_cookie() -> None:
    """Hand a new session to the browser, or delete an ended one's cookie (lib.auth.cookie)."""
    state = st.session_state
    code, end = state.pop("session_handover", None), state.pop("session_cookie_end", None)
    if not (code or end):
        return
    script = auth_cookie.script(st.get_option("server.baseUrlPath"), code)
    st.html(script, unsafe_allow_javascript=True, width=1)


def language_choice(widget: Callable[..., Any], **kwargs: Any) -> None:
    """The language choice (key "language") drawn with ``widget`` (sidebar select box, sign-in radio)."""
    st.session_state["language"] = i18n.get_language()  # this run's (the user's stored one on a first run)
    widget(_("Language"), list(i18n.LANGUAGES), key="language", format_func=i18n.LANGUAGES.get, **kwargs)


def public_page() -> Engine:
    """Start a signed-out visitor's page (sign-in, setup): their language; the engine. Signed in: home."""
    if current_user() is not None:
        st.switch_page("dashboard.py")
    document_language(apply_language(None))
    return get_engine()


def client_address() -> str | None:
    """The browser's address for sign-in throttling, or None (lib.auth.throttle.client_address)."""
    headers = st.context.headers
    return auth.client_address(st.context.ip_address, headers.get("X-Forwarded-For"), auth.trusted_proxies())


def allowed(user: dict, action: str) -> bool:
    return auth.is_allowed(user["role"], action)


def attempt(change: Callable[[], Any], done: str, notice_key: str) -> None:
    """Run a change from a form: show why it was refused, or keep ``done`` for the next run and rerun."""
    try:
        change()
    except ValueError as exc:
        st.error(md_escape(str(exc)))
        return
    st.session_state[notice_key] = done
    st.rerun()


def show_notice(notice_key: str) -> None:
    """The success message :func:`attempt` kept for this run, if any."""
    if notice := st.session_state.pop(notice_key, None):
        st.success(notice)
