"""Audit log (admins): sign-ins, failed sign-ins, uploads, reverts and user changes."""

import streamlit as st

from lib import audit, i18n, uploads
from lib import webapp as w
from lib.i18n import _

w.guard("view_audit")
engine = w.get_engine()

st.title(_("Audit log"))
st.caption(
    _(
        "Recorded by the application in the same transaction as each change. Times are UTC. "
        "The details are recorded in English."
    )
)
c1, c2 = st.columns([3, 1])
kinds = c1.multiselect(
    _("Kinds of events"), list(uploads.AUDIT_KINDS), format_func=_, placeholder=_("All kinds")
)
limit = c2.selectbox(_("Latest events read"), [200, 1000, 5000, 20000], index=1, format_func=i18n.fmt_number)
log = uploads.audit_view(engine, kinds, limit)
st.caption(_("{count} events shown, newest first.", count=i18n.fmt_number(len(log))))
w.show_table(audit.for_display(log))  # actions in words; the CSV keeps their codes
w.download_csv(log, "audit-log.csv", _("Download the audit log"))
