"""My agency: what a partner agency reported, what it submitted (pending, returned and why,
approved) and what is due this round."""

import streamlit as st

from lib import due, submissions
from lib import webapp as w
from lib.domains.action2 import views as a2_views
from lib.i18n import _

user = w.guard("view_own_agency")
engine = w.get_engine()

st.title(_("My agency"))
version = w.data_version()
rounds = w.load_rounds(version)
rnd = w.round_picker(rounds)
agency = user.get("agency")
if not agency:
    st.info(_("Your user belongs to no partner agency: an administrator can set it on the Users page."))
    st.stop()
acts = w.load_activities(version)
subs = submissions.list_for(engine, user)  # only this agency's (lib.submissions)

st.header(_("What is due this round"))
table = due.action2_due(acts, [agency], rounds, rnd.name, pending=subs)
st.write(due.own_sentence(table, agency, rnd.name))
recs = due.recommendations_due(
    w.load_recommendations(version), w.load_recommendation_statuses(version), rounds, rnd.name, pending=subs
)
w.show_table(due.recommendations_for_display(recs.loc[recs["addressee"] == agency]))
w.link_to("pages/submit.py", _("Submit activities"))

st.header(_("Submissions"))
st.write(submissions.counts_line(subs))
returned = subs.loc[subs["status"] == submissions.RETURNED]
if not returned.empty:
    st.warning(_("Returned submissions: the reason staff gave is in the table. Correct and submit again."))
w.show_table(submissions.for_display(subs))

st.header(_("What {agency} reported", agency=agency))
own = a2_views.agency_table(acts, agency, rnd.name)
w.show_table(own)
w.download_csv(own, f"action2-{agency}-{rnd.name}.csv")
w.illustrative_note()
