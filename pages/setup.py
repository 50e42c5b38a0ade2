"""First-admin setup (a server with no user yet): the console's setup code claims the server."""

import streamlit as st

from lib import auth
from lib import webapp as w
from lib.i18n import _

engine = w.public_page()

st.title(_("Set up the consultations dashboard"))
if not auth.needs_setup(engine):
    st.info(_(auth.SETUP_DONE))
    st.markdown(_("[Go to the sign-in page](/)"))
    st.stop()
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
    pw = st.text_input(auth.rule_label(), type="password")
    pw2 = st.text_input(_("Password again"), type="password")
    if st.form_submit_button(_("Create administrator"), type="primary"):
        try:
            admin = auth.claim_first_admin(engine, code, username, auth.confirmed(pw, pw2), email or None)
        except ValueError as exc:
            st.error(str(exc))
        else:
            w.signed_in(admin)
