"""Action 2: partner agencies' work with UN country teams (paras 107-109, 142-143)."""

import streamlit as st

from lib import charts, metrics, views
from lib import webapp as w
from lib.db import DATA_DIR

w.guard("view_action2")

st.title("Action 2 activity")
version = w.data_version()
rounds = w.load_rounds(version)
rnd = w.round_picker(rounds)
acts = views.upto_round(w.load_activities(version), rnd.name)
agencies = w.load_agencies(version)

stale = metrics.stale_agencies(acts, rounds, rnd.name, list(agencies["code"]))
if not stale.empty:
    st.warning(
        "Not updated since an earlier round (stale): "
        + "; ".join(
            f"{s.agency}: last report {s.last_round or 'never'}, {s.rounds_missed} round(s) missed"
            for s in stale.itertuples()
        )
    )

scope = st.radio("Period", ["This round", "All rounds to date"], horizontal=True)
round_filter = rnd.name if scope == "This round" else None
measure = st.selectbox(
    "Measure",
    ["activities", "participants_trained", "advisers_deployed"],
    format_func=lambda m: m.replace("_", " "),
)

st.header("By agency and type")
by_agency = metrics.by_agency_type(acts, round_filter)
w.chart_with_table(
    charts.action2_agency_chart(by_agency, measure=measure),
    by_agency,
    f"action2-agencies-{rnd.name}",
    "by agency and type",
)

st.header("Where: activity by country")
by_country = metrics.by_country(acts, round_filter)
w.chart_with_table(
    charts.action2_world_map(by_country, DATA_DIR / "countries-110m.json", measure=measure),
    by_country,
    f"action2-countries-{rnd.name}",
    "by country",
)

st.header("Over time")
c1, c2 = st.columns(2)
with c1:
    adv = metrics.advisers_over_time(acts)
    w.chart_with_table(
        charts.advisers_over_time_chart(adv, measure="advisers_deployed"),
        adv,
        "advisers-over-time",
        "advisers per round",
    )
with c2:
    trained = metrics.trained_over_time(acts)
    w.chart_with_table(
        charts.advisers_over_time_chart(trained, measure="participants_trained"),
        trained,
        "trained-over-time",
        "people trained per round",
    )

st.header("Activities")
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
st.dataframe(shown[cols], hide_index=True, width="stretch")
w.download_csv(shown[cols], f"action2-activities-{rnd.name}.csv")
w.illustrative_note()
