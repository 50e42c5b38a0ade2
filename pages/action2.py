"""Action 2: partner agencies' work with UN country teams (paras 107-109, 142-143)."""

import streamlit as st

from lib import chart_theme as theme
from lib import due, i18n, links, reminders
from lib import webapp as w
from lib.i18n import N_, _

w.guard("view_action2")

st.title(_("Action 2 activity"))
version = w.data_version()
rnd = w.round_picker(w.load_rounds(version))
lang = i18n.get_language()
view = w.action2_round(version, rnd.name, lang)  # cached per version, round and language
if not view.stale.empty:
    st.warning(w.md_escape(view.stale_sentence))
    st.caption(w.md_escape(due.reminder_note(view.stale, reminders.sent_frame(w.get_engine()), rnd.name)))

PERIODS = {"round": N_("This round"), "all": N_("All rounds to date")}
w.linked("period", "a2-period", links.choice_of(list(PERIODS)))
scope = st.radio(
    _("Period"), list(PERIODS), horizontal=True, format_func=lambda p: _(PERIODS[p]), key="a2-period"
)
MEASURES = ["activities", "participants_trained", "advisers_deployed"]
w.linked("measure", "a2-measure", links.choice_of(MEASURES))
measure = st.selectbox(_("Measure"), MEASURES, format_func=theme.measure_title, key="a2-measure")

period = w.action2_period(version, rnd.name, scope == "round", measure, lang)
st.header(_("By agency and type"))
w.chart_with_table(*period.agencies)

st.header(_("Where: activity by country"))
w.chart_with_table(*period.countries)

st.header(_("Over time"))
for col, over_time in zip(st.columns(2), view.over_time, strict=True):
    with col:
        w.chart_with_table(*over_time)

st.header(_("Activities"))
w.table_with_downloads(period.activities, f"action2-activities-{rnd.name}")
w.illustrative_note()
w.link_to_view()
