"""What is due (staff): per partner agency its action 2 report for the round, per OHCHR unit its
overdue action points, and the reminders sent (``python -m lib.cli reminders ROUND``)."""

from datetime import UTC, datetime

import streamlit as st

from lib import due, i18n, reminders, submissions
from lib import webapp as w
from lib.i18n import _

user = w.guard("view_due")
engine = w.get_engine()

st.title(_("What is due"))
version = w.data_version()
rounds = w.load_rounds(version)
rnd = w.round_picker(rounds)
pending = submissions.list_for(engine, user, status=submissions.PENDING)
today = datetime.now(UTC).date().isoformat()  # a report is overdue from the day after its cut-off

# Cached per version, round, pending submissions, day and language: a rerun recomputes nothing.
view = w.due_round(version, rnd.name, w.pending_key(pending), today, i18n.get_language())

st.header(_("Action 2 reports by agency"))
st.write(_("{count} agency(ies) still owe their report for this round.", count=view.owed))
w.show_table(view.action2_shown)
w.download_csv(view.action2, f"action2-due-{rnd.name}.csv")

st.header(_("Overdue action points by OHCHR unit"))
if view.points is None:
    st.write(_("No action point is overdue at this round's cut-off."))
else:
    w.show_table(view.points)

st.header(_("Follow-up reports of recommendations"))
w.show_table(view.recommendations)

st.header(_("Reminders sent for this round"))
sent = due.reminders_sent(reminders.sent_frame(engine))
w.show_table(sent.loc[sent["round_id"] == rnd.name])
st.caption(_("Reminders are sent from the server: python -m lib.cli reminders ROUND (see the README)."))
