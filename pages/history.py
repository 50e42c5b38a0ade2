"""Upload history: every upload, its file to download again, and revert (with a confirmation)."""

import streamlit as st

from lib import uploads
from lib import webapp as w

user = w.guard("view_history")
engine = w.get_engine()
state = st.session_state

st.title("Upload history")
if notice := state.pop("history_notice", None):
    getattr(st, notice[0])(notice[1])
table = uploads.history_table(engine)
if table.empty:
    st.info("No uploads yet.")
    st.stop()
st.caption("Every upload, newest first. Times are UTC; the SHA-256 identifies the exact file.")
st.dataframe(table, hide_index=True, width="stretch")
w.download_csv(table, "upload-history.csv", "Download the history")

st.header("One upload")
rows = table.set_index("upload", drop=False)
uid = st.selectbox("Upload", list(rows.index), format_func=lambda i: uploads.upload_label(rows.loc[i]))
row = rows.loc[uid]
if row["file kept"]:
    st.download_button(
        "Download the file as uploaded",
        data=lambda: uploads.upload_file(engine, int(uid)),
        file_name=row["file name"],
        mime="text/csv",
        icon=":material/download:",
        key=f"file-{uid}",
    )
else:
    st.caption("The file of this upload was not kept.")

if w.allowed(user, "revert") and row["status"] == "active":
    st.subheader("Revert this upload")
    st.write(uploads.md_escape(uploads.revert_consequence(row)))
    sure = st.checkbox(f"Yes, revert upload {uid}", key=f"revert-sure-{uid}")
    if st.button("Revert", type="primary", disabled=not sure, icon=":material/undo:", key=f"revert-{uid}"):
        done, refused = w.safe(
            lambda: uploads.try_revert(engine, int(uid), user=user["username"]),
            "The upload could not be reverted. Nothing was changed; the details are in the server log.",
        )
        if refused:
            st.error(uploads.md_escape(refused))
        else:
            state["history_notice"] = (
                "success",
                f"Upload {uid} reverted: {done['deleted']:,} added row(s) removed, "
                f"{done['restored']:,} modified row(s) restored.",
            )
            st.rerun()
