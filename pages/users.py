"""Users (admins): create users, set roles, reset passwords, deactivate and reactivate."""

import streamlit as st

from lib import auth, i18n
from lib import webapp as w
from lib.i18n import _
from lib.uploads import md_escape

user = w.guard("manage_users")
engine = w.get_engine()
actor = user["username"]

st.title(_("Users"))
w.show_notice("users_notice")
users = auth.list_users(engine)
w.show_table(auth.users.for_display(users, i18n.LANGUAGES))

st.header(_("Create a user"))
with st.form("create_user", clear_on_submit=True):
    c1, c2, c3 = st.columns(3)
    name = c1.text_input(_("User name"), key="new_username")
    email = c2.text_input(_("E-mail (needed for single sign-on)"), key="new_email")
    role = c3.selectbox(_("Role"), auth.ROLES, key="new_role", format_func=i18n.label)
    p1, p2 = st.columns(2)
    pw = p1.text_input(w.password_label(), type="password", key="new_password")
    pw2 = p2.text_input(_("Password again"), type="password", key="new_password2")
    if st.form_submit_button(_("Create user"), type="primary", key="create_user_submit"):
        w.attempt(
            lambda: auth.create_user(
                engine, name, role, password=auth.confirmed(pw, pw2), email=email or None, actor=actor
            ),
            _("User created."),
            "users_notice",
        )

st.header(_("Change a user"))
who = st.selectbox(_("User"), list(users["username"]), key="users_who")
current = users.set_index("username").loc[who]
shown = md_escape(who)
role_col, pw_col, active_col = st.columns(3)
with role_col.form("set_role"):
    roles = auth.ROLES
    new_role = st.selectbox(
        _("Role"), roles, index=roles.index(current["role"]), key=f"role-{who}", format_func=i18n.label
    )
    if st.form_submit_button(_("Set role"), key="set_role_submit"):
        w.attempt(
            lambda: auth.set_role(engine, who, new_role, actor=actor),
            _("Role of {user} set to {role}.", user=shown, role=i18n.label(new_role)),
            "users_notice",
        )
with pw_col.form("reset_password", clear_on_submit=True):
    new_pw = st.text_input(_("New password"), type="password", key="reset_password_value")
    if st.form_submit_button(_("Reset password"), key="reset_password_submit"):
        w.attempt(
            lambda: auth.reset_password(engine, who, new_pw, actor=actor),
            _("Password of {user} reset.", user=shown),
            "users_notice",
        )
with active_col:
    active = bool(current["active"])
    st.write(_("Active") if active else _("Deactivated"))
    if st.button(_("Deactivate") if active else _("Reactivate"), key="toggle_active"):
        done = _("{user} deactivated.", user=shown) if active else _("{user} reactivated.", user=shown)
        w.attempt(lambda: auth.set_active(engine, who, not active, actor=actor), done, "users_notice")
