"""Consultations dashboard: entry point. Signs the user in and builds the navigation for their role."""

from __future__ import annotations

from functools import partial

import streamlit as st

from lib import auth, i18n
from lib.i18n import _
from lib.navigation import pages_for
from lib.webapp import (
    AUTH_MODE,
    apply_language,
    current_user,
    get_engine,
    no_access_message,
    oidc_signed_in,
    password_label,
)


def language_picker(save: bool) -> None:
    """The language choice (key "language"): a select box in the sidebar, radio buttons on the sign-in page.

    ``save``: the choice is stored on the signed-in user; else (sign-in page) it is for this session.
    """
    # Set from this run's language (the user's stored one on a first run) before drawing: the
    # sign-in page's and the sidebar's widgets are different widgets sharing the key.
    st.session_state["language"] = i18n.get_language()
    widget = st.selectbox if save else partial(st.radio, horizontal=True)
    widget(
        _("Language"),
        list(i18n.LANGUAGES),
        key="language",
        format_func=i18n.LANGUAGES.get,
        on_change=save_language if save else choose_for_session,
    )


def choose_for_session() -> None:
    """Remember that the language was chosen on the sign-in page (it then wins over the stored one)."""
    st.session_state["language_chosen"] = True


def save_language() -> None:
    """Store the newly chosen language on the signed-in user (a callback: it runs before the next run)."""
    user = current_user()
    lang = st.session_state.get("language")
    if user is not None and lang in i18n.LANGUAGES:
        auth.set_language(get_engine(), user["username"], lang)


def setup_form(engine) -> None:
    st.title(_("Set up the consultations dashboard"))
    st.write(
        _(
            "No user exists yet. Enter the **setup code** printed in the server's console "
            "(the terminal where `streamlit run dashboard.py` was started) to create the first administrator."
        )
    )
    with st.form("setup"):
        code = st.text_input(_("Setup code"), type="password")
        username = st.text_input(_("Administrator user name"))
        email = st.text_input(_("E-mail (optional)"))
        pw = st.text_input(password_label(), type="password")
        pw2 = st.text_input(_("Password again"), type="password")
        if st.form_submit_button(_("Create administrator"), type="primary"):
            try:
                admin = auth.claim_first_admin(engine, code, username, auth.confirmed(pw, pw2), email or None)
            except ValueError as exc:
                st.error(str(exc))
            else:
                st.session_state["username"] = admin["username"]
                st.rerun()


def signin_form(engine) -> None:
    st.title(_("Consultations dashboard"))
    st.write(
        _("Twice-yearly system-wide human rights consultations (OHCHR Plan of Action, 2005, paragraph 134).")
    )
    language_picker(save=False)  # for this session; signed in, the choice is stored on the user
    if AUTH_MODE == "oidc":
        if st.button(_("Sign in with your organisation account"), type="primary"):
            st.login()
        return
    with st.form("signin"):
        username = st.text_input(_("User name"), autocomplete="username")
        pw = st.text_input(_("Password"), type="password", autocomplete="current-password")
        if st.form_submit_button(_("Sign in"), type="primary"):
            res = auth.authenticate(engine, username, pw)
            if res.ok:
                st.session_state["username"] = res.user["username"]
                if not st.session_state.pop("language_chosen", False):
                    st.session_state.pop("language", None)  # the user's stored language applies
                st.rerun()
            else:
                st.error(res.message)


def no_access() -> None:
    """A verified identity without an active user row: a plain message, no data, a way out."""
    st.title(_("Consultations dashboard"))
    st.error(no_access_message())
    st.button(_("Sign out"), icon=":material/logout:", key="signout", on_click=sign_out)


def sign_out() -> None:
    # A callback runs before the next script run, so that run already sees no user.
    st.session_state.pop("username", None)
    if AUTH_MODE == "oidc":
        st.logout()


def main() -> None:
    i18n.set_language(st.session_state.get("language"))  # for the first run's spinner
    user = current_user()
    apply_language(user)
    engine = get_engine()
    st.set_page_config(page_title=_("Consultations dashboard"), page_icon=":material/balance:", layout="wide")
    if user is None:
        if AUTH_MODE == "local" and auth.needs_setup(engine):
            page = st.Page(lambda: setup_form(engine), title=_("Set up"), url_path="setup")
        elif oidc_signed_in():
            page = st.Page(no_access, title=_("No access"), url_path="no-access")
        else:
            page = st.Page(lambda: signin_form(engine), title=_("Sign in"), url_path="signin")
        st.navigation([page]).run()
        return

    pages = [st.Page(p.path, title=_(p.title), icon=p.icon) for p in pages_for(user["role"])]
    with st.sidebar:
        # Markdown, not a caption: a caption's lighter grey fails 4.5:1 contrast on the sidebar.
        st.markdown(
            _(
                "Signed in as **{user}** ({role})",
                user=user["username"],
                role=_(auth.ROLE_NAMES.get(user["role"], user["role"])),
            )
        )
        language_picker(save=True)
        st.button(_("Sign out"), icon=":material/logout:", key="signout", on_click=sign_out)
    st.navigation(pages).run()


main()
