"""Upload data: choose a dataset, get its template, upload a file, check the preview, then confirm."""

import streamlit as st

from lib import uploads
from lib import webapp as w
from lib.datasets import DATASETS
from lib.i18n import _
from lib.ingest import MAX_UPLOAD_BYTES

user = w.guard("upload")
engine = w.get_engine()
state = st.session_state

st.title(_("Upload data"))
st.caption(_("The file is checked against the database first. Nothing is written until you confirm."))
if notice := state.pop("upload_notice", None):
    getattr(st, notice[0])(notice[1])

ds = st.selectbox(_("Dataset"), list(DATASETS), format_func=uploads.dataset_title, key="upload_dataset")
st.write(uploads.dataset_description(ds))
with st.expander(_("Template: the columns and their allowed values")):
    st.download_button(_("Download the template (CSV)"), uploads.template_csv(ds), f"{ds}-template.csv")
    columns = uploads.template_description(engine, ds)
    w.show_table(columns)
    w.download_csv(columns, f"{ds}-columns.csv", _("Download the column descriptions"))

nonce = state.get("upload_nonce", 0)
file = st.file_uploader(_("CSV or Excel file"), **uploads.uploader_options(nonce))
if file is None:
    state.pop("upload_preview", None)
    st.stop()
if too_big := uploads.size_problem(file.size, MAX_UPLOAD_BYTES):
    st.error(too_big)
    st.stop()
raw = file.getvalue()
preview = state.get("upload_preview")
if preview is None or not preview.matches(ds, uploads.sha256_of(raw)):
    bar = st.progress(0.0, text=_("Checking the file..."))
    step = lambda f, m: bar.progress(f, text=uploads.step_text(m))  # noqa: E731
    preview = w.safe(
        lambda: uploads.check(engine, ds, raw, file.name, user=user["username"], progress=step),
        _("The file could not be checked. Nothing was written; the details are in the server log."),
    )
    bar.empty()
    state["upload_preview"] = preview
res = preview.result

if not res.ok:
    st.error(uploads.rejected_line(res))
    shown, rest = uploads.problem_table(res.problems)
    w.show_table(shown)
    if rest:
        st.caption(uploads.more_problems_line(len(shown), rest))
    full = uploads.problems_frame(res.problems)
    w.download_csv(full, "problems.csv", _("Download the full list of problems"))
    st.stop()

st.header(_("Preview: {changes}", changes=uploads.change_line(res)))
st.write(uploads.md_escape(uploads.preview_sentence(res)))
for heading, table in uploads.preview_tables(res):  # sample rows, skipped rows, modified rows
    st.write(uploads.md_escape(heading))
    w.show_table(table)
if not preview.writes:
    st.info(_("Every row is already in the database as it is in the file: there is nothing to write."))
elif st.button(uploads.confirm_label(res), type="primary", icon=":material/check:"):
    with st.spinner(_("Writing in one transaction...")):
        done = w.safe(
            lambda: uploads.try_confirm(engine, preview, raw, user=user["username"]),
            _("The upload failed and nothing was written; the details are in the server log."),
        )
    state.pop("upload_preview", None)
    state["upload_notice"] = uploads.confirm_notice(done)
    if done is not None:
        state["upload_nonce"] = nonce + 1  # a fresh, empty uploader
        w.warm_shared(done.data_version)
    st.rerun()
