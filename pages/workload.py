"""New York office workload: rule of law, mainstreaming, MDGs, action 2, peace and security (paras 83, 123, 153)."""

import streamlit as st

from lib import charts, metrics, views
from lib import webapp as w

w.guard("view_workload")

st.title("New York office workload")
version = w.data_version()
rounds = w.load_rounds(version)
rnd = w.round_picker(rounds)
items = w.load_work_items(version)
as_of = rnd["cutoff_date"]
known = items.loc[items["received_on"] <= as_of]  # what was known at the round's cut-off

in_round = views.items_in_round(known, rounds, rnd.name)
backlog = metrics.backlog(known, as_of)
share = metrics.plan_area_share(in_round).set_index("group")
c = st.columns(4)
c[0].metric(f"Requests in {rnd.name}", len(in_round))
c[1].metric("Hours in the round", f"{in_round['hours'].sum():,.0f}")
c[2].metric("Open backlog at cut-off", len(backlog))
c[3].metric("Share of hours in the plan's five areas", f"{share.at[metrics.PLAN_GROUP, 'hour_share']:.0%}")

st.header("Requests per month")
by = st.radio(
    "Break down by",
    ["work_area", "requesting_body"],
    horizontal=True,
    format_func=lambda v: v.replace("_", " "),
)
measure = st.radio("Measure", ["items", "hours"], horizontal=True)
monthly = views.monthly_upto(metrics.monthly_counts(known, by=by), as_of)
w.chart_with_table(
    charts.workload_monthly_chart(monthly, measure=measure),
    monthly,
    f"workload-monthly-{by}",
    "requests per month",
)

st.header("Per round")
per_round = views.upto_round(metrics.by_round(known, rounds), rnd.name)
st.dataframe(
    per_round.pivot_table(index="round_id", columns="work_area", values="items", fill_value=0),
    width="stretch",
)
w.download_csv(per_round, f"workload-per-round-{rnd.name}.csv")

st.header("Hours against staff capacity")
capacity = st.number_input(
    "Capacity, hours per month",
    min_value=1.0,
    value=views.default_capacity(known),
    step=20.0,
    help=f"Default: the officers who handled requests x {views.HOURS_PER_PERSON_MONTH:.0f} hours.",
)
hours = metrics.hours_vs_capacity(known, capacity)
w.chart_with_table(
    charts.hours_capacity_chart(hours), hours, "workload-hours-capacity", "hours against capacity"
)

st.header("Open backlog and its age")
if backlog.empty:
    st.success("No open requests at the cut-off date.")
else:
    cols = [
        "id",
        "received_on",
        "work_area",
        "requesting_body",
        "kind",
        "title",
        "staff_member",
        "status",
        "age_days",
        "age_bucket",
    ]
    w.chart_with_table(
        charts.backlog_age_chart(backlog), backlog[cols], f"backlog-{rnd.name}", "open requests by age"
    )

st.header("Turnaround")
st.caption("Days from receipt to completion, over requests completed by the cut-off.")
turn = metrics.turnaround(known.loc[known["completed_on"] <= as_of])
st.dataframe(turn, hide_index=True, width="stretch")
w.download_csv(turn, f"turnaround-{rnd.name}.csv")
w.illustrative_note()
