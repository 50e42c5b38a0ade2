"""Action points: progress on section V of the Plan of Action (paragraphs 127-158)."""

import streamlit as st

from lib import charts, metrics, views
from lib import webapp as w
from lib.datasets import ASSESSMENTS, CLUSTERS, STATUSES

user = w.guard("view_action_points")
internal = w.allowed(user, "view_internal_notes")

st.title("Action points")
version = w.data_version()
rounds = w.load_rounds(version)
rnd = w.round_picker(rounds)
reports = w.load_reports(version, internal)
prev = metrics.previous_round(rounds["id"], rnd.name)
table = views.point_table(reports, rnd.name, prev, rnd["cutoff_date"])

st.header("Roll-up by cluster")
rollup = metrics.cluster_rollup(reports, rnd.name)
if rollup.empty:
    st.info(f"No progress reports for {rnd.name} yet.")
    st.stop()
w.chart_with_table(charts.cluster_status_bars(rollup), rollup, f"cluster-rollup-{rnd.name}", "status by cluster")
moves = metrics.move_summary(table.dropna(subset=["move"]))
cols = st.columns(5)
cols[0].metric("Improved since " + (prev or "—"), moves["improved"])
cols[1].metric("Declined", moves["declined"])
cols[2].metric("Unchanged", moves["unchanged"])
cols[3].metric("Overdue", int(table["overdue"].sum()))
cols[4].metric("At risk or off track", int(table["assessment"].isin(metrics.AT_RISK_ASSESSMENTS).sum()))

st.header("Action points")
f1, f2, f3, f4 = st.columns(4)
clusters = f1.multiselect("Cluster", list(CLUSTERS), format_func=lambda c: f"{c} {CLUSTERS[c]}")
statuses = f2.multiselect("Status", STATUSES)
assessments = f3.multiselect("Assessment", ASSESSMENTS)
units = f4.multiselect("Lead unit", sorted(table["lead_unit"].dropna().unique())) if internal else []
overdue_only = st.toggle("Only overdue points")
shown = views.visible_point_columns(
    views.filter_points(table, clusters, statuses, assessments, units, overdue_only), internal
)
st.caption(f"{len(shown)} of {len(table)} action points. Overdue: due before the cut-off date and not completed.")
st.dataframe(shown, hide_index=True, width="stretch")
w.download_csv(shown, f"action-points-{rnd.name}.csv")

st.header("History of one action point")
ids = list(table["action_point_id"])
point = st.selectbox("Action point", ids, format_func=lambda i: f"{i}: {table.set_index('action_point_id').at[i, 'text'][:90]}…")
history = metrics.point_history(reports, point)
st.write(table.set_index("action_point_id").at[point, "text"])
w.chart_with_table(
    charts.point_history_chart(history),
    views.visible_point_columns(history, internal),
    f"history-{point}",
    f"history of action point {point}",
)
w.illustrative_note()
