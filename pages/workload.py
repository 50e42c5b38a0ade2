"""New York office workload: rule of law, mainstreaming, MDGs, action 2, peace and security (paras 83, 123, 153)."""

import streamlit as st

from lib import chart_theme as theme
from lib import i18n, links
from lib import webapp as w
from lib.domains.workload import views
from lib.i18n import N_, _

w.guard("view_workload")

st.title(_("New York office workload"))
version = w.data_version()
rnd = w.round_picker(w.load_rounds(version))
lang = i18n.get_language()
view = w.workload_round(version, rnd.name, lang)  # what was known at the round's cut-off, cached
w.metrics(view.figures)

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
w.chart_with_table(*w.workload_monthly(version, rnd.name, by, measure, lang))

st.header(_("Per round"))
st.dataframe(view.pivot, width="stretch")
w.download_csv(view.per_round, f"workload-per-round-{rnd.name}.csv")

st.header(_("Hours against staff capacity"))
per_officer = st.number_input(
    _("Hours per officer per month"),
    min_value=1.0,
    value=view.capacity,
    step=10.0,
    help=_(
        "A month's capacity: the officers on staff that month (from their first request to their "
        "last) x these hours. Default: {hours} hours.",
        hours=i18n.fmt_number(views.HOURS_PER_PERSON_MONTH),
    ),
)
w.chart_with_table(*w.workload_hours(version, rnd.name, per_officer, lang))

st.header(_("Open backlog and its age"))
if view.backlog is None:
    st.success(_("No open requests at the cut-off date."))
else:
    w.chart_with_table(*view.backlog)

st.header(_("Turnaround"))
st.caption(_("Days from receipt to completion, over requests completed by the cut-off."))
w.table_with_downloads(view.turnaround, f"turnaround-{rnd.name}")
w.illustrative_note()
w.link_to_view()
