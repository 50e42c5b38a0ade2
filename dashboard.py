"""Consultations dashboard: entry point. Signs the user in and builds the navigation for their role.

``streamlit run dashboard.py`` serves it as an ``st.App`` (Starlette), so that the app's own routes
can set the HttpOnly session cookie (lib.auth.cookie, lib.auth.sessions).
"""

from __future__ import annotations

import streamlit as st

from lib import auth, i18n
from lib.i18n import _
from lib.navigation import PAGES, page_urls, pages_for, url_of


def no_access() -> None:
    """A verified identity without an active user row: a plain message, no data, a way out."""
    from lib import webapp as w

    st.title(_("Consultations dashboard"))
    st.error(w.no_access_message())
    st.button(_("Sign out"), icon=":material/logout:", key="signout", on_click=w.sign_out)


def save_language() -> None:
    """Store the newly chosen language on the signed-in user (a callback: before the next run)."""
    from lib import webapp as w

    user, lang = w.current_user(), st.session_state.get("language")
    if user is not None and lang in i18n.LANGUAGES:
        auth.set_language(w.get_engine(), user["username"], lang)


def main() -> None:
    from lib import webapp as w  # here, not at the top: the server imports this file for its st.App

    i18n.set_language(st.session_state.get("language"))  # for the first run's spinner
    user = w.current_user()
    w.apply_language(user)
    engine = w.get_engine()
    st.set_page_config(page_title=_("Consultations dashboard"), page_icon=":material/balance:", layout="wide")
    w.session_cookie()  # right after a sign-in or a sign-out
    if user is None:
        if w.AUTH_MODE == "local" and auth.needs_setup(engine):
            source, title, url = "pages/setup.py", _("Set up"), "setup"
        elif w.oidc_signed_in():
            source, title, url = no_access, _("No access"), "no-access"
        else:
            source, title, url = "pages/signin.py", _("Sign in"), "signin"
        # Every page's address shows the same form, not "Page not found" over it: after sign-in the
        # view the address asked for opens (lib.links). The menu stays hidden: no page names leak.
        pages = [st.Page(source, title=title, url_path=u) for u in (url, *page_urls())]
        st.navigation(pages, position="hidden").run()
        return

    menu = pages_for(user["role"])
    pages = [st.Page(p.path, title=_(p.title), icon=p.icon) for p in menu]
    # Every page's own address answers, not Streamlit's "Page not found" over the first page. A page
    # the role may not open gets its guard's refusal (the page file checks the role and shows no
    # data). The first page is served at /, and Streamlit reserves its name without serving it: when
    # that name is asked for, the first page answers there and a hidden page holds the root.
    pages += [st.Page(p.path, title=_(p.title), visibility="hidden") for p in PAGES if p not in menu]
    if menu and w.requested_page() == url_of(menu[0]):
        pages[0] = st.Page(menu[0].path, title=_(menu[0].title), icon=menu[0].icon, default=False)
        pages.append(
            st.Page(menu[0].path, title=_(menu[0].title), url_path="home", default=True, visibility="hidden")
        )
    with st.sidebar:
        # Markdown, not a caption: a caption's lighter grey fails 4.5:1 contrast on the sidebar.
        st.markdown(
            _(
                "Signed in as **{user}** ({role})",
                user=w.md_escape(user["username"]),  # data: shown as written
                role=_(auth.ROLE_NAMES.get(user["role"], user["role"])),
            )
        )
        w.language_choice(st.selectbox, on_change=save_language)
        st.button(_("Sign out"), icon=":material/logout:", key="signout", on_click=w.sign_out)
    current = st.navigation(pages, expanded=True)  # every page listed: admins have 13, past the default 10
    w.open_requested(pages)  # right after sign-in: the view a link asked for (lib.links)
    current.run()


if __name__ == "__main__":  # a script run
    main()
else:  # imported once by the server (`streamlit run` finds this st.App): the session cookie's routes
    from streamlit.runtime.pages_manager import PagesManager

    from lib.auth.cookie import session_routes

    PagesManager.uses_pages_directory = False  # the menu comes from st.navigation, even on the first visit
    app = st.App(__file__, routes=session_routes(st.get_option("server.baseUrlPath")))
