"""New York office workload: rule of law, mainstreaming, MDGs, action 2, peace and security (paras 83, 123, 153)."""

import streamlit as st

from lib import chart_theme as theme
from lib import i18n, links
from lib import webapp as w
from lib.domains.workload import charts, headline, metrics, views
from lib.i18n import N_, _
from lib.rounds import upto_round, window

w.guard("view_workload")

st.title(_("New York office workload"))
version = w.data_version()
rounds = w.load_rounds(version)
rnd = w.round_picker(rounds)
as_of = rnd["cutoff_date"]
hl = headline.headline(w.load_work_items(version), rounds, window(rounds, rnd.name))
known = hl.known  # what was known at the round's cut-off
w.metrics(headline.figures(hl, rnd.name))

st.header(_("Requests per month"))
BREAKDOWNS = {"work_area": N_("Work area"), "requesting_body": N_("Requesting body")}
w.linked("by", "wl-by", links.choice_of(list(BREAKDOWNS)))
by = st.radio(
    _("Break down by"), list(BREAKDOWNS), horizontal=True, format_func=lambda v: _(BREAKDOWNS[v]), key="wl-by"
)
w.linked("measure", "wl-measure", links.choice_of(["items", "hours"]))
measure = st.radio(
    _("Measure"), ["items", "hours"], horizontal=True, format_func=theme.measure_title, key="wl-measure"
)
monthly = views.monthly_upto(metrics.monthly_counts(known, by=by), as_of)
chart = charts.workload_monthly_chart(monthly, measure=measure)
w.chart_with_table(chart, monthly, f"workload-monthly-{by}", _("requests per month"))

st.header(_("Per round"))
per_round = upto_round(metrics.by_round(known, rounds), rnd.name)
st.dataframe(
    views.per_round_pivot(per_round)
    .rename(columns=i18n.label)
    .rename_axis(index=_("Round"), columns=_("Work area")),
    width="stretch",
)
w.download_csv(per_round, f"workload-per-round-{rnd.name}.csv")

st.header(_("Hours against staff capacity"))
per_officer = st.number_input(
    _("Hours per officer per month"),
    min_value=1.0,
    value=views.HOURS_PER_PERSON_MONTH,
    step=10.0,
    help=_(
        "A month's capacity: the officers on staff that month (from their first request to their "
        "last) x these hours. Default: {hours} hours.",
        hours=i18n.fmt_number(views.HOURS_PER_PERSON_MONTH),
    ),
)
hours = metrics.hours_vs_capacity(known, per_officer)
w.chart_with_table(
    charts.hours_capacity_chart(hours), hours, "workload-hours-capacity", _("hours against capacity")
)

st.header(_("Open backlog and its age"))
if hl.backlog.empty:
    st.success(_("No open requests at the cut-off date."))
else:
    w.chart_with_table(
        charts.backlog_age_chart(hl.backlog),
        hl.backlog[views.BACKLOG_COLUMNS],
        f"backlog-{rnd.name}",
        _("open requests by age"),
    )

st.header(_("Turnaround"))
st.caption(_("Days from receipt to completion, over requests completed by the cut-off."))
w.table_with_downloads(metrics.turnaround(views.completed_by(known, as_of)), f"turnaround-{rnd.name}")
w.illustrative_note()
w.link_to_view()
