"""Upload data: choose a dataset, get its template, upload a CSV, check the preview, then confirm."""

import streamlit as st

from lib import uploads
from lib import webapp as w
from lib.datasets import DATASETS
from lib.ingest import MAX_UPLOAD_BYTES

user = w.guard("upload")
engine = w.get_engine()
state = st.session_state

st.title("Upload data")
st.caption("The file is checked against the database first. Nothing is written until you confirm.")
if notice := state.pop("upload_notice", None):
    getattr(st, notice[0])(notice[1])

ds = st.selectbox("Dataset", list(DATASETS), format_func=uploads.dataset_title, key="upload_dataset")
st.write(DATASETS[ds].description)
with st.expander("Template: the columns and their allowed values"):
    st.download_button("Download the template (CSV)", uploads.template_csv(ds), f"{ds}-template.csv")
    columns = uploads.template_description(engine, ds)
    st.dataframe(columns, hide_index=True, width="stretch")
    w.download_csv(columns, f"{ds}-columns.csv", "Download the column descriptions")

nonce = state.get("upload_nonce", 0)  # bumped after a write, for a fresh, empty uploader
file = st.file_uploader("CSV file", ["csv", "txt"], key=f"upload_file_{nonce}", help=uploads.UPLOAD_HELP)
if file is None:
    state.pop("upload_preview", None)
    st.stop()
if too_big := uploads.size_problem(file.size, MAX_UPLOAD_BYTES):
    st.error(too_big)
    st.stop()
raw = file.getvalue()
preview = state.get("upload_preview")
if preview is None or not preview.matches(ds, uploads.sha256_of(raw)):
    bar = st.progress(0.0, text="Checking the file...")
    step = lambda f, m: bar.progress(f, text=f"Checking: {m}")  # noqa: E731
    preview = w.safe(
        lambda: uploads.check(engine, ds, raw, file.name, user=user["username"], progress=step),
        "The file could not be checked. Nothing was written; the details are in the server log.",
    )
    bar.empty()
    state["upload_preview"] = preview
res = preview.result

if not res.ok:
    st.error(uploads.rejected_line(res))
    shown, rest = uploads.problem_table(res.problems)
    st.dataframe(shown, hide_index=True, width="stretch")
    if rest:
        st.caption(f"The first {len(shown)} problems are shown; {rest:,} more are in the full list.")
    w.download_csv(uploads.problems_frame(res.problems), "problems.csv", "Download the full list of problems")
    st.stop()

st.subheader(f"Preview: {uploads.change_line(res)}")
if res.warnings:
    with st.expander(f"{len(res.warnings):,} row(s) of the file will be skipped"):
        st.dataframe(uploads.problems_frame(res.warnings), hide_index=True, width="stretch")
if res.modified:
    st.write(uploads.modified_heading(res))
    st.dataframe(uploads.modified_table(res), hide_index=True, width="stretch")
if not preview.writes:
    st.info("Every row is already in the database as it is in the file: there is nothing to write.")
    st.stop()
if st.button(f"Confirm: write {res.new + res.modified:,} rows", type="primary", icon=":material/check:"):
    with st.spinner("Writing in one transaction..."):
        done = w.safe(
            lambda: uploads.try_confirm(engine, preview, raw, user=user["username"]),
            "The upload failed and nothing was written; the details are in the server log.",
        )
    state.pop("upload_preview", None)
    if done is None:
        state["upload_notice"] = ("warning", uploads.STALE_MESSAGE)
    else:
        state["upload_notice"] = ("success", f"Upload {done.upload_id} written: {uploads.change_line(done)}.")
        state["upload_nonce"] = nonce + 1
    st.rerun()
