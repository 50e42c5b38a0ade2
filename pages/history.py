"""Upload history: every upload, its file to download again, and revert (with a confirmation)."""

import streamlit as st

from lib import links, uploads
from lib import upload_history as history
from lib import webapp as w
from lib.i18n import _

user = w.guard("view_history")
engine = w.get_engine()
state = st.session_state

st.title(_("Upload history"))
if notice := state.pop("history_notice", None):
    getattr(st, notice[0])(notice[1])
table = history.history_table(engine)
if table.empty:
    st.info(_("No uploads yet."))
    st.stop()
st.caption(_("Every upload, newest first. Times are UTC; the SHA-256 identifies the exact file."))
w.show_table(table)
w.download_csv(table, "upload-history.csv", _("Download the history"))

st.header(_("One upload"))
rows = history.history_rows(table)
w.linked("upload", "history_upload", links.choice_of(list(rows)))
uid = st.selectbox(
    _("Upload"), list(rows), format_func=lambda i: history.upload_label(rows[i]), key="history_upload"
)
w.link_to_view()
row = rows[uid]
if row["file kept"]:
    st.download_button(
        _("Download the file as uploaded"),
        data=lambda: uploads.upload_file(engine, uid),
        file_name=row["file name"],
        mime="text/csv",
        icon=":material/download:",
        key=f"file-{uid}",
    )
else:
    st.caption(_("The file of this upload was not kept."))

if w.allowed(user, "revert") and history.is_active(row):
    st.subheader(_("Revert this upload"))
    st.write(uploads.md_escape(history.revert_consequence(row)))
    plan = w.load_revert_plan(w.data_version(), uid)
    if plan["typed"]:  # more than a handful of rows: show them, and have the id typed
        st.write(history.revert_sample_heading(plan))
        w.show_table(plan["sample"])
        typed = st.text_input(history.revert_typed_label(uid), key=f"revert-typed-{uid}")
        sure = typed.strip() == str(uid)
    else:
        sure = st.checkbox(_("Yes, revert upload {upload}", upload=uid), key=f"revert-sure-{uid}")
    if st.button(_("Revert"), type="primary", disabled=not sure, icon=":material/undo:", key=f"revert-{uid}"):
        done, refused = w.safe(
            lambda: history.try_revert(engine, uid, user=user["username"]),
            _("The upload could not be reverted. Nothing was changed; the details are in the server log."),
        )
        if refused:
            st.error(uploads.md_escape(refused))
        else:
            w.warm_shared(done["data_version"])
            state["history_notice"] = history.revert_notice(uid, done)
            st.rerun()
