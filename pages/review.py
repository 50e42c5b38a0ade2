"""Review submissions (staff): each pending submission beside the live data (new, modified,
unchanged; old value beside new), then approve (imported through the upload pipeline) or
return with a reason, one or many at a time."""

import streamlit as st

from lib import submissions, uploads
from lib import webapp as w
from lib.i18n import _
from lib.ingest import StaleData

user = w.guard("review_submissions")
engine = w.get_engine()
state = st.session_state

st.title(_("Review submissions"))
if notice := state.pop("review_notice", None):
    getattr(st, notice[0])(notice[1])
version = w.data_version()  # before the previews: an approval after another write is stale
pending = submissions.list_for(engine, user, status=submissions.PENDING)
if pending.empty:
    st.info(_("No submission is waiting for review."))
rows = {int(r["id"]): r for _i, r in pending.iterrows()}
for sid, row in rows.items():
    with st.expander(submissions.label_of(row)):
        rv = w.safe(
            lambda sid=sid: submissions.review(engine, user, sid), _("The submission could not be checked.")
        )
        st.write(_("Against the published data: {changes}", changes=uploads.change_line(rv.check.result)))
        if not rv.check.ok:
            st.error(_("It does not pass the check any more: return it with the reason."))
            w.show_table(uploads.problems_frame(rv.check.all_problems))
        w.show_table(rv.rows)
        if rv.check.result.modified:
            st.write(uploads.modified_heading(rv.check.result))
            w.show_table(uploads.modified_table(rv.check.result))

if rows:
    chosen = st.multiselect(
        _("Submissions to approve or return"),
        list(rows),
        format_func=lambda i: submissions.label_of(rows[i]),
        key="review_chosen",
    )
    left, right = st.columns(2)
    if left.button(_("Approve and publish"), type="primary", key="approve", disabled=not chosen):
        try:
            outcomes = submissions.approve(engine, user, chosen, seen_version=version)
        except StaleData:
            state["review_notice"] = ("warning", _(uploads.STALE_MESSAGE))
        else:
            state["review_notice"] = submissions.outcome_notice(outcomes)
            if any(o.upload_id for o in outcomes):
                w.warm_shared(w.data_version())
        st.rerun()
    with right.form("return_form", clear_on_submit=True):
        reason = st.text_area(
            _("Reason (the agency sees it)"), max_chars=submissions.MAX_REASON_LENGTH, key="return_reason"
        )
        if st.form_submit_button(_("Return to the agency"), key="return", disabled=not chosen):
            w.attempt(
                lambda: submissions.return_to_agency(engine, user, chosen, reason),
                _("Returned to the agency with the reason."),
                "return_notice",
            )
    w.show_notice("return_notice")

st.header(_("Reviewed"))
done = submissions.list_for(engine, user)
w.show_table(submissions.for_display(done.loc[done["status"] != submissions.PENDING]))
w.link_to("pages/history.py", _("Upload history (approved submissions can be reverted there)"))
