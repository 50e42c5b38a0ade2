"""Action 2: partner agencies' work with UN country teams (paras 107-109, 142-143)."""

import streamlit as st

from lib import chart_theme as theme
from lib import due, links, reminders
from lib import webapp as w
from lib.domains.action2 import charts, headline, metrics, views
from lib.i18n import N_, _
from lib.paths import DATA_DIR
from lib.rounds import upto_round, window

w.guard("view_action2")

st.title(_("Action 2 activity"))
version = w.data_version()
rounds = w.load_rounds(version)
rnd = w.round_picker(rounds)
acts = views.with_country_names(upto_round(w.load_activities(version), rnd.name), w.country_names(version))
hl = headline.headline(acts, rounds, window(rounds, rnd.name), list(w.load_agencies(version)["code"]))
if not hl.stale.empty:
    st.warning(w.md_escape(headline.stale_sentence(hl.stale)))
    st.caption(w.md_escape(due.reminder_note(hl.stale, reminders.sent_frame(w.get_engine()), rnd.name)))

PERIODS = {"round": N_("This round"), "all": N_("All rounds to date")}
w.linked("period", "a2-period", links.choice_of(list(PERIODS)))
scope = st.radio(
    _("Period"), list(PERIODS), horizontal=True, format_func=lambda p: _(PERIODS[p]), key="a2-period"
)
round_filter = rnd.name if scope == "round" else None
MEASURES = ["activities", "participants_trained", "advisers_deployed"]
w.linked("measure", "a2-measure", links.choice_of(MEASURES))
measure = st.selectbox(_("Measure"), MEASURES, format_func=theme.measure_title, key="a2-measure")

st.header(_("By agency and type"))
by_agency = metrics.by_agency_type(acts, round_filter)
chart = charts.action2_agency_chart(by_agency, measure=measure)
w.chart_with_table(chart, by_agency, f"action2-agencies-{rnd.name}", _("by agency and type"))

st.header(_("Where: activity by country"))
by_country = metrics.by_country(acts, round_filter)
chart = charts.action2_world_map(by_country, DATA_DIR / "countries-110m.json", measure=measure)
w.chart_with_table(chart, by_country, f"action2-countries-{rnd.name}", _("by country"))

st.header(_("Over time"))
c1, c2 = st.columns(2)
for col, frame, what, name, caption in (
    (
        c1,
        metrics.advisers_over_time(acts),
        "advisers_deployed",
        "advisers-over-time",
        _("advisers per round"),
    ),
    (
        c2,
        metrics.trained_over_time(acts),
        "participants_trained",
        "trained-over-time",
        _("people trained per round"),
    ),
):
    with col:
        w.chart_with_table(charts.advisers_over_time_chart(frame, measure=what), frame, name, caption)

st.header(_("Activities"))
w.table_with_downloads(views.activity_table(acts, round_filter), f"action2-activities-{rnd.name}")
w.illustrative_note()
w.link_to_view()
