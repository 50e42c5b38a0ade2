"""Audit log (admins): sign-ins, failed sign-ins, uploads, reverts and user changes."""

import streamlit as st

from lib import uploads
from lib import webapp as w

w.guard("view_audit")
engine = w.get_engine()

st.title("Audit log")
st.caption("Recorded by the application in the same transaction as each change. Times are UTC.")
c1, c2 = st.columns([3, 1])
kinds = c1.multiselect("Kinds of events", list(uploads.AUDIT_KINDS), placeholder="All kinds")
limit = c2.selectbox("Latest events read", [200, 1000, 5000, 20000], index=1)
log = uploads.audit_view(engine, kinds, limit)
st.caption(f"{len(log):,} events shown, newest first.")
st.dataframe(log, hide_index=True, width="stretch")
w.download_csv(log, "audit-log.csv", "Download the audit log")
