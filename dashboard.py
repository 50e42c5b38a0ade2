"""Consultations dashboard: entry point. Signs the user in and builds the navigation for their role."""

from __future__ import annotations

import streamlit as st

from lib import auth
from lib.navigation import pages_for
from lib.webapp import AUTH_MODE, current_user, get_engine, no_access_message, oidc_signed_in

st.set_page_config(page_title="Consultations dashboard", page_icon=":material/balance:", layout="wide")


def setup_form(engine) -> None:
    st.title("Set up the consultations dashboard")
    st.write(
        "No user exists yet. Enter the **setup code** printed in the server's console "
        "(the terminal where `streamlit run dashboard.py` was started) to create the first administrator."
    )
    with st.form("setup"):
        code = st.text_input("Setup code", type="password")
        username = st.text_input("Administrator user name")
        email = st.text_input("E-mail (optional)")
        pw = st.text_input("Password (at least 12 characters)", type="password")
        pw2 = st.text_input("Password again", type="password")
        if st.form_submit_button("Create administrator", type="primary"):
            if pw != pw2:
                st.error("The two passwords differ.")
            else:
                try:
                    auth.claim_first_admin(engine, code.strip(), username, pw, email=email or None)
                except ValueError as exc:
                    st.error(str(exc))
                else:
                    st.session_state["username"] = auth.normalise_username(username)
                    st.rerun()


def signin_form(engine) -> None:
    st.title("Consultations dashboard")
    st.write(
        "Twice-yearly system-wide human rights consultations (OHCHR Plan of Action, 2005, paragraph 134)."
    )
    if AUTH_MODE == "oidc":
        if st.button("Sign in with your organisation account", type="primary"):
            st.login()
        return
    with st.form("signin"):
        username = st.text_input("User name", autocomplete="username")
        pw = st.text_input("Password", type="password", autocomplete="current-password")
        if st.form_submit_button("Sign in", type="primary"):
            res = auth.authenticate(engine, username, pw)
            if res.ok:
                st.session_state["username"] = res.user["username"]
                st.rerun()
            else:
                st.error(res.message)


def no_access() -> None:
    """A verified identity without an active user row: a plain message, no data, a way out."""
    st.title("Consultations dashboard")
    st.error(no_access_message())
    st.button("Sign out", icon=":material/logout:", key="signout", on_click=sign_out)


def sign_out() -> None:
    # A callback runs before the next script run, so that run already sees no user.
    st.session_state.pop("username", None)
    if AUTH_MODE == "oidc":
        st.logout()


def main() -> None:
    engine = get_engine()
    user = current_user()
    if user is None:
        if AUTH_MODE == "local" and auth.needs_setup(engine):
            nav = st.navigation([st.Page(lambda: setup_form(engine), title="Set up", url_path="setup")])
        elif oidc_signed_in():
            nav = st.navigation([st.Page(no_access, title="No access", url_path="no-access")])
        else:
            nav = st.navigation([st.Page(lambda: signin_form(engine), title="Sign in", url_path="signin")])
        nav.run()
        return

    pages = [st.Page(p.path, title=p.title, icon=p.icon) for p in pages_for(user["role"])]
    with st.sidebar:
        st.caption(f"Signed in as **{user['username']}** ({user['role'].replace('_', ' ')})")
        st.button("Sign out", icon=":material/logout:", key="signout", on_click=sign_out)
    st.navigation(pages).run()


main()
