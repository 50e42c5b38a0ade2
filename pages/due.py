"""What is due (staff): per partner agency its action 2 report for the round, per OHCHR unit its
overdue action points, and the reminders sent (``python -m lib.cli reminders ROUND``)."""

import streamlit as st

from lib import due, reminders, submissions
from lib import webapp as w
from lib.i18n import _

user = w.guard("view_due")
engine = w.get_engine()

st.title(_("What is due"))
version = w.data_version()
rounds = w.load_rounds(version)
rnd = w.round_picker(rounds)
pending = submissions.list_for(engine, user, status=submissions.PENDING)
agencies = w.load_agencies(version)["code"]

st.header(_("Action 2 reports by agency"))
table = due.action2_due(w.load_activities(version), agencies, rounds, rnd.name, pending=pending)
owed = due.owed_by(table)
st.write(_("{count} agency(ies) still owe their report for this round.", count=len(owed)))
w.show_table(due.action2_for_display(table))
w.download_csv(table, f"action2-due-{rnd.name}.csv")

st.header(_("Overdue action points by OHCHR unit"))
points = due.overdue_points(w.load_reports(version, False), rounds, rnd.name)
if points.empty:
    st.write(_("No action point is overdue at this round's cut-off."))
w.show_table(points)

st.header(_("Follow-up reports of recommendations"))
recs = due.recommendations_due(
    w.load_recommendations(version),
    w.load_recommendation_statuses(version),
    rounds,
    rnd.name,
    pending=pending,
)
w.show_table(due.recommendations_for_display(due.owed_by(recs)))

st.header(_("Reminders sent for this round"))
sent = due.reminders_sent(reminders.sent_frame(engine))
w.show_table(sent.loc[sent["round_id"] == rnd.name])
st.caption(_("Reminders are sent from the server: python -m lib.cli reminders ROUND (see the README)."))
