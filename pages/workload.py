"""New York office workload: rule of law, mainstreaming, MDGs, action 2, peace and security (paras 83, 123, 153)."""

import streamlit as st

from lib import chart_theme as theme
from lib import i18n
from lib import webapp as w
from lib.domains.workload import charts as wl_charts
from lib.domains.workload import metrics as wl_metrics
from lib.domains.workload import views as wl_views
from lib.i18n import N_, _
from lib.rounds import upto_round

w.guard("view_workload")

st.title(_("New York office workload"))
version = w.data_version()
rounds = w.load_rounds(version)
rnd = w.round_picker(rounds)
items = w.load_work_items(version)
as_of = rnd["cutoff_date"]
known = items.loc[items["received_on"] <= as_of]  # what was known at the round's cut-off

in_round = wl_views.items_in_round(known, rounds, rnd.name)
backlog = wl_metrics.backlog(known, as_of)
share = wl_metrics.plan_area_share(in_round).set_index("group")
c = st.columns(4)
c[0].metric(_("Requests in {round}", round=rnd.name), len(in_round))
c[1].metric(_("Hours in the round"), i18n.fmt_number(in_round["hours"].sum()))
c[2].metric(_("Open backlog at cut-off"), len(backlog))
c[3].metric(
    _("Share of hours in the plan's five areas"),
    i18n.fmt_percent(share.at[wl_metrics.PLAN_GROUP, "hour_share"]),
)

st.header(_("Requests per month"))
BREAKDOWNS = {"work_area": N_("Work area"), "requesting_body": N_("Requesting body")}
by = st.radio(_("Break down by"), list(BREAKDOWNS), horizontal=True, format_func=lambda v: _(BREAKDOWNS[v]))
measure = st.radio(_("Measure"), ["items", "hours"], horizontal=True, format_func=theme.measure_title)
monthly = wl_views.monthly_upto(wl_metrics.monthly_counts(known, by=by), as_of)
w.chart_with_table(
    wl_charts.workload_monthly_chart(monthly, measure=measure),
    monthly,
    f"workload-monthly-{by}",
    _("requests per month"),
)

st.header(_("Per round"))
per_round = upto_round(wl_metrics.by_round(known, rounds), rnd.name)
pivot = per_round.pivot_table(index="round_id", columns="work_area", values="items", fill_value=0)
st.dataframe(
    pivot.rename(columns=i18n.label).rename_axis(index=_("Round"), columns=_("Work area")),
    width="stretch",
)
w.download_csv(per_round, f"workload-per-round-{rnd.name}.csv")

st.header(_("Hours against staff capacity"))
capacity = st.number_input(
    _("Capacity, hours per month"),
    min_value=1.0,
    value=wl_views.default_capacity(known),
    step=20.0,
    help=_(
        "Default: the officers who handled requests x {hours} hours.",
        hours=i18n.fmt_number(wl_views.HOURS_PER_PERSON_MONTH),
    ),
)
hours = wl_metrics.hours_vs_capacity(known, capacity)
w.chart_with_table(
    wl_charts.hours_capacity_chart(hours), hours, "workload-hours-capacity", _("hours against capacity")
)

st.header(_("Open backlog and its age"))
if backlog.empty:
    st.success(_("No open requests at the cut-off date."))
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
        wl_charts.backlog_age_chart(backlog), backlog[cols], f"backlog-{rnd.name}", _("open requests by age")
    )

st.header(_("Turnaround"))
st.caption(_("Days from receipt to completion, over requests completed by the cut-off."))
turn = wl_metrics.turnaround(known.loc[known["completed_on"] <= as_of])
w.show_table(turn)
w.download_csv(turn, f"turnaround-{rnd.name}.csv")
w.illustrative_note()
