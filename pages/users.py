"""Users (admins): create users, set roles, reset passwords, deactivate and reactivate."""

from collections.abc import Callable

import streamlit as st

from lib import auth, uploads
from lib import webapp as w

user = w.guard("manage_users")
engine = w.get_engine()
state = st.session_state
actor = user["username"]

st.title("Users")
if notice := state.pop("users_notice", None):
    st.success(notice)
users = auth.list_users(engine)
st.dataframe(users.drop(columns=["id"]), hide_index=True, width="stretch")


def attempt(change: Callable[[], dict], done: str) -> None:
    """Run a user change; show why it was refused, or remember the success message and rerun."""
    try:
        change()
    except ValueError as exc:
        st.error(uploads.md_escape(str(exc)))
        return
    state["users_notice"] = done
    st.rerun()


st.header("Create a user")
with st.form("create_user", clear_on_submit=True):
    c1, c2, c3 = st.columns(3)
    name = c1.text_input("User name", key="new_username")
    email = c2.text_input("E-mail (needed for single sign-on)", key="new_email")
    role = c3.selectbox("Role", auth.ROLES, key="new_role")
    p1, p2 = st.columns(2)
    pw = p1.text_input(
        f"Password (at least {auth.MIN_PASSWORD_LENGTH} characters)", type="password", key="new_password"
    )
    pw2 = p2.text_input("Password again", type="password", key="new_password2")
    if st.form_submit_button("Create user", type="primary", key="create_user_submit"):
        if pw != pw2:
            st.error("The two passwords differ.")
        else:
            attempt(
                lambda: auth.create_user(
                    engine, name, role, password=pw or None, email=email or None, actor=actor
                ),
                "User created.",
            )

st.header("Change a user")
who = st.selectbox("User", list(users["username"]), key="users_who")
current = users.set_index("username").loc[who]
role_col, pw_col, active_col = st.columns(3)
with role_col.form("set_role"):
    new_role = st.selectbox("Role", auth.ROLES, index=auth.ROLES.index(current["role"]), key=f"role-{who}")
    if st.form_submit_button("Set role", key="set_role_submit"):
        attempt(
            lambda: auth.set_role(engine, who, new_role, actor=actor),
            f"Role of {uploads.md_escape(who)} set to {new_role}.",
        )
with pw_col.form("reset_password", clear_on_submit=True):
    new_pw = st.text_input("New password", type="password", key="reset_password_value")
    if st.form_submit_button("Reset password", key="reset_password_submit"):
        attempt(
            lambda: auth.reset_password(engine, who, new_pw, actor=actor),
            f"Password of {uploads.md_escape(who)} reset.",
        )
with active_col:
    st.write("Active" if current["active"] else "Deactivated")
    if st.button("Deactivate" if current["active"] else "Reactivate", key="toggle_active"):
        attempt(
            lambda: auth.set_active(engine, who, not current["active"], actor=actor),
            f"{uploads.md_escape(who)} {'deactivated' if current['active'] else 'reactivated'}.",
        )
