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
    names = w.load_agencies(w.data_version()).set_index("code")["name"]
    agencies, agency_name = ["", *names.index], lambda c: f"{c}: {names[c]}" if c else "—"
    agency = st.selectbox(
        _("Partner agency (required for partners)"), agencies, key="new_agency", format_func=agency_name
    )
    p1, p2 = st.columns(2)
    pw = p1.text_input(w.password_label(), type="password", key="new_password")
    pw2 = p2.text_input(_("Password again"), type="password", key="new_password2")
    if st.form_submit_button(_("Create user"), type="primary", key="create_user_submit"):
        w.attempt(
            lambda: auth.create_user(
                engine,
                name,
                role,
                auth.confirmed(pw, pw2),
                email or None,
                actor,
                agency or None,
                auth_mode=w.AUTH_MODE,
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
with st.form("set_agency"):
    a1, a2 = st.columns(2)
    now = current["agency"] if isinstance(current["agency"], str) else ""
    new_agency = a1.selectbox(
        _("Partner agency"), agencies, index=agencies.index(now), key=f"agency-{who}", format_func=agency_name
    )
    unit = a2.text_input(_("OHCHR unit (focal point of)"), value=current["unit"] or "", key=f"unit-{who}")
    if st.form_submit_button(_("Set agency and unit"), key="set_agency_submit"):
        w.attempt(
            lambda: auth.set_agency(engine, who, new_agency or None, unit or None, actor=actor),
            _("Agency and unit of {user} set.", user=shown),
            "users_notice",
        )
