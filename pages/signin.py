"""Sign-in (signed-out visitors only): the language for this session and the sign-in form."""

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from lib import auth
from lib import webapp as w
from lib.i18n import _

engine = w.public_page()

st.title(_("Consultations dashboard"))
st.write(
    _("Twice-yearly system-wide human rights consultations (OHCHR Plan of Action, 2005, paragraph 134).")
)
# For this session (it then wins over the user's stored language); signed in, the sidebar's is stored.
w.language_choice(st.radio, horizontal=True, on_change=lambda: st.session_state.update(language_chosen=True))
if w.AUTH_MODE == "oidc":
    if st.button(_("Sign in with your organisation account"), type="primary"):
        st.login()
    st.stop()

with st.form("signin"):
    username = st.text_input(_("User name"), autocomplete="username")
    pw = st.text_input(_("Password"), type="password", autocomplete="current-password")
    if st.form_submit_button(_("Sign in"), type="primary"):
        try:
            res = auth.authenticate(engine, username, pw, address=w.client_address())
        except SQLAlchemyError:  # e.g. a read-only database: our message, the detail in the log
            w.log.exception("sign-in could not be recorded")
            st.error(_(auth.DATABASE_UNAVAILABLE))
        else:
            if res.ok:
                w.signed_in(res.user)
            st.error(res.message)
