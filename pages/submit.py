"""Submit activities: a partner agency's action 2 activities, or the follow-up of recommendations
addressed to it, for a round; one record or a CSV file, checked and previewed; pending until
OHCHR staff review them."""

import streamlit as st

from lib import submissions, uploads
from lib import webapp as w
from lib.i18n import _

user = w.guard("submit")
engine = w.get_engine()
state = st.session_state

st.title(_("Submit activities"))
version = w.data_version()
rnd = w.round_picker(w.load_rounds(version))
if not user.get("agency"):
    st.info(_("Your user belongs to no partner agency: an administrator can set it on the Users page."))
    st.stop()
st.caption(
    _(
        "For {agency}. What you submit stays pending, and is not shown to anyone but your agency and "
        "OHCHR staff, until staff approve it.",
        agency=user["agency"],
    )
)
w.show_notice("submit_notice")
DATASET = st.radio(
    _("What to submit"),
    list(submissions.SUBMITTABLE),
    key="submit_dataset",
    format_func=submissions.dataset_label,
)


def send(raw: bytes, filename: str) -> None:
    """Submit (checked again on the server); a refusal shows its problems."""
    try:
        submissions.submit(engine, user, DATASET, raw, filename, rnd.name)
    except submissions.SubmissionRefused as exc:
        st.error(uploads.md_escape(str(exc)))
        w.show_table(uploads.problems_frame(exc.problems))
        return
    state["submit_notice"] = _("Submitted for review: OHCHR staff will approve it or return it.")
    state["submit_nonce"] = state.get("submit_nonce", 0) + 1  # a fresh, empty uploader
    st.rerun()


one, many = st.tabs([_("One record"), _("A CSV file")])
with one, st.form(f"one_{DATASET}"):
    recs = w.load_recommendations(version) if DATASET != "action2" else None
    options = submissions.form_options(
        DATASET, user["agency"], w.country_names(version).to_dict(), recs, rnd.name
    )
    values = w.record_fields(
        submissions.form_fields(DATASET), "sub" if DATASET == "action2" else "rec", options
    )
    if st.form_submit_button(_("Submit for review"), type="primary", key="submit_one"):
        raw = submissions.form_file(DATASET, {**values, "agency": user["agency"], "round_id": rnd.name})
        try:
            send(raw, "form")
        except ValueError as exc:
            st.error(uploads.md_escape(str(exc)))

with many:
    st.download_button(
        _("Download the template (CSV)"), uploads.template_csv(DATASET), f"{DATASET}-template.csv"
    )
    nonce = state.get("submit_nonce", 0)
    file = st.file_uploader(_("CSV file"), **uploads.uploader_options(nonce))
    if file is not None:
        raw = file.getvalue()
        chk = w.safe(
            lambda: submissions.check_for(engine, user, DATASET, raw, file.name, rnd.name),
            _("The file could not be checked. Nothing was stored; the details are in the server log."),
        )
        if not chk.ok:
            st.error(_("{file}: refused. Nothing was stored.", file=uploads.md_escape(file.name)))
            w.show_table(uploads.problems_frame(chk.all_problems))
        else:
            st.subheader(_("Preview: {changes}", changes=uploads.change_line(chk.result)))
            if chk.result.modified:
                st.write(uploads.modified_heading(chk.result))
                w.show_table(uploads.modified_table(chk.result))
            if st.button(_("Submit for review"), type="primary", key="submit_file", disabled=not chk.writes):
                try:
                    send(raw, file.name)
                except ValueError as exc:
                    st.error(uploads.md_escape(str(exc)))
