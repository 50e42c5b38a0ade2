"""Action 2: partner agencies' work with UN country teams (paras 107-109, 142-143)."""

import streamlit as st

from lib import chart_theme as theme
from lib import webapp as w
from lib.domains.action2 import charts as a2_charts
from lib.domains.action2 import metrics as a2_metrics
from lib.domains.action2 import views as a2_views
from lib.i18n import N_, _
from lib.paths import DATA_DIR
from lib.rounds import upto_round

w.guard("view_action2")

st.title(_("Action 2 activity"))
version = w.data_version()
rounds = w.load_rounds(version)
rnd = w.round_picker(rounds)
acts = upto_round(w.load_activities(version), rnd.name)
acts = acts.assign(
    country_name=acts["country_iso3"].map(w.country_names(version)).fillna(acts["country_name"])
)
agencies = w.load_agencies(version)

stale = a2_metrics.stale_agencies(acts, rounds, rnd.name, list(agencies["code"]))
if not stale.empty:
    st.warning(a2_views.stale_sentence(stale))

PERIODS = {"round": N_("This round"), "all": N_("All rounds to date")}
scope = st.radio(_("Period"), list(PERIODS), horizontal=True, format_func=lambda p: _(PERIODS[p]))
round_filter = rnd.name if scope == "round" else None
measure = st.selectbox(
    _("Measure"),
    ["activities", "participants_trained", "advisers_deployed"],
    format_func=theme.measure_title,
)

st.header(_("By agency and type"))
by_agency = a2_metrics.by_agency_type(acts, round_filter)
w.chart_with_table(
    a2_charts.action2_agency_chart(by_agency, measure=measure),
    by_agency,
    f"action2-agencies-{rnd.name}",
    _("by agency and type"),
)

st.header(_("Where: activity by country"))
by_country = a2_metrics.by_country(acts, round_filter)
w.chart_with_table(
    a2_charts.action2_world_map(by_country, DATA_DIR / "countries-110m.json", measure=measure),
    by_country,
    f"action2-countries-{rnd.name}",
    _("by country"),
)

st.header(_("Over time"))
c1, c2 = st.columns(2)
with c1:
    adv = a2_metrics.advisers_over_time(acts)
    w.chart_with_table(
        a2_charts.advisers_over_time_chart(adv, measure="advisers_deployed"),
        adv,
        "advisers-over-time",
        _("advisers per round"),
    )
with c2:
    trained = a2_metrics.trained_over_time(acts)
    w.chart_with_table(
        a2_charts.advisers_over_time_chart(trained, measure="participants_trained"),
        trained,
        "trained-over-time",
        _("people trained per round"),
    )

st.header(_("Activities"))
shown = acts.loc[acts["round_id"] == rnd.name] if round_filter else acts
cols = [
    "id",
    "round_id",
    "agency",
    "country_name",
    "type",
    "start_date",
    "end_date",
    "participants_trained",
    "advisers_deployed",
    "status",
    "description",
]
w.show_table(shown[cols])
w.download_csv(shown[cols], f"action2-activities-{rnd.name}.csv")
w.illustrative_note()
