"""Action points: progress on section V of the Plan of Action (paragraphs 127-158)."""

import streamlit as st

from lib import i18n, tables
from lib import webapp as w
from lib.datasets import ASSESSMENTS, CLUSTERS, STATUSES
from lib.domains.action_points import charts as ap_charts
from lib.domains.action_points import metrics as ap_metrics
from lib.domains.action_points import views as ap_views
from lib.i18n import _
from lib.rounds import previous_round

user = w.guard("view_action_points")
internal = w.allowed(user, "view_internal_notes")

st.title(_("Action points"))
version = w.data_version()
rounds = w.load_rounds(version)
rnd = w.round_picker(rounds)
reports = w.load_reports(version, internal)
prev = previous_round(rounds["id"], rnd.name)
table = ap_views.point_table(reports, rnd.name, prev, rnd["cutoff_date"])
# The plan's texts stay English unless the data supplies them in the reader's language.
table["text"] = tables.localised_text(table)

st.header(_("Roll-up by cluster"))
rollup = ap_metrics.cluster_rollup(reports, rnd.name)
if rollup.empty:
    st.info(_("No progress reports for {round} yet.", round=rnd.name))
    st.stop()
w.chart_with_table(
    ap_charts.cluster_status_bars(rollup), rollup, f"cluster-rollup-{rnd.name}", _("status by cluster")
)
moves = ap_metrics.move_summary(table.dropna(subset=["move"]))
cols = st.columns(5)
cols[0].metric(_("Improved since {round}", round=prev or "—"), moves["improved"])
cols[1].metric(_("Declined"), moves["declined"])
cols[2].metric(_("Unchanged"), moves["unchanged"])
cols[3].metric(_("Overdue"), int(table["overdue"].sum()))
cols[4].metric(_("At risk or off track"), int(table["assessment"].isin(ap_metrics.AT_RISK_ASSESSMENTS).sum()))

st.header(_("Action points"))
f1, f2, f3, f4 = st.columns(4)
clusters = f1.multiselect(
    _("Cluster"), list(CLUSTERS), format_func=lambda c: f"{c} {ap_views.cluster_label(c, CLUSTERS[c])}"
)
statuses = f2.multiselect(_("Status"), STATUSES, format_func=i18n.label)
assessments = f3.multiselect(_("Assessment"), ASSESSMENTS, format_func=i18n.label)
units = f4.multiselect(_("Lead unit"), sorted(table["lead_unit"].dropna().unique())) if internal else []
overdue_only = st.toggle(_("Only overdue points"))
shown = ap_views.visible_point_columns(
    ap_views.filter_points(table, clusters, statuses, assessments, units, overdue_only), internal
)
st.caption(
    _(
        "{shown} of {total} action points. Overdue: due before the cut-off date and not completed.",
        shown=i18n.fmt_number(len(shown)),
        total=i18n.fmt_number(len(table)),
    )
)
w.show_table(shown)
w.download_csv(shown, f"action-points-{rnd.name}.csv")

st.header(_("History of one action point"))
ids = list(table["action_point_id"])
texts = table.set_index("action_point_id")["text"]
point = st.selectbox(_("Action point"), ids, format_func=lambda i: f"{i}: {texts[i][:90]}…")
history = ap_metrics.point_history(reports, point)
st.write(texts[point])
w.chart_with_table(
    ap_charts.point_history_chart(history),
    ap_views.visible_point_columns(history, internal),
    f"history-{point}",
    _("history of action point {point}", point=point),
)
w.illustrative_note()
