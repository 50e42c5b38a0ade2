"""Users (admins): create users, set roles, reset passwords, deactivate and reactivate."""

from collections.abc import Callable

import streamlit as st

from lib import auth, i18n, uploads
from lib import webapp as w
from lib.i18n import _

user = w.guard("manage_users")
engine = w.get_engine()
state = st.session_state
actor = user["username"]

st.title(_("Users"))
if notice := state.pop("users_notice", None):
    st.success(notice)
users = auth.list_users(engine)
w.show_table(
    users.drop(columns=["id"]).assign(
        language=users["language"].map(i18n.LANGUAGES).fillna(users["language"])
    )
)


def attempt(change: Callable[[], dict], done: str) -> None:
    """Run a user change; show why it was refused, or remember the success message and rerun."""
    try:
        change()
    except ValueError as exc:
        st.error(uploads.md_escape(str(exc)))
        return
    state["users_notice"] = done
    st.rerun()


st.header(_("Create a user"))
with st.form("create_user", clear_on_submit=True):
    c1, c2, c3 = st.columns(3)
    name = c1.text_input(_("User name"), key="new_username")
    email = c2.text_input(_("E-mail (needed for single sign-on)"), key="new_email")
    role = c3.selectbox(_("Role"), auth.ROLES, key="new_role", format_func=i18n.label)
    p1, p2 = st.columns(2)
    pw = p1.text_input(
        _("Password (at least {count} characters)", count=auth.MIN_PASSWORD_LENGTH),
        type="password",
        key="new_password",
    )
    pw2 = p2.text_input(_("Password again"), type="password", key="new_password2")
    if st.form_submit_button(_("Create user"), type="primary", key="create_user_submit"):
        if pw != pw2:
            st.error(_("The two passwords differ."))
        else:
            attempt(
                lambda: auth.create_user(
                    engine, name, role, password=pw or None, email=email or None, actor=actor
                ),
                _("User created."),
            )

st.header(_("Change a user"))
who = st.selectbox(_("User"), list(users["username"]), key="users_who")
current = users.set_index("username").loc[who]
role_col, pw_col, active_col = st.columns(3)
with role_col.form("set_role"):
    new_role = st.selectbox(
        _("Role"),
        auth.ROLES,
        index=auth.ROLES.index(current["role"]),
        key=f"role-{who}",
        format_func=i18n.label,
    )
    if st.form_submit_button(_("Set role"), key="set_role_submit"):
        attempt(
            lambda: auth.set_role(engine, who, new_role, actor=actor),
            _("Role of {user} set to {role}.", user=uploads.md_escape(who), role=i18n.label(new_role)),
        )
with pw_col.form("reset_password", clear_on_submit=True):
    new_pw = st.text_input(_("New password"), type="password", key="reset_password_value")
    if st.form_submit_button(_("Reset password"), key="reset_password_submit"):
        attempt(
            lambda: auth.reset_password(engine, who, new_pw, actor=actor),
            _("Password of {user} reset.", user=uploads.md_escape(who)),
        )
with active_col:
    st.write(_("Active") if current["active"] else _("Deactivated"))
    if st.button(_("Deactivate") if current["active"] else _("Reactivate"), key="toggle_active"):
        attempt(
            lambda: auth.set_active(engine, who, not current["active"], actor=actor),
            _("{user} deactivated.", user=uploads.md_escape(who))
            if current["active"]
            else _("{user} reactivated.", user=uploads.md_escape(who)),
        )
