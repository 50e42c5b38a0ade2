"""Action points: progress on section V of the Plan of Action (paragraphs 127-158)."""

import streamlit as st

from lib import i18n, links
from lib import webapp as w
from lib.datasets import ASSESSMENTS, CLUSTERS, STATUSES
from lib.domains.action_points import views
from lib.i18n import _

user = w.guard("view_action_points")
internal = w.allowed(user, "view_internal_notes")

st.title(_("Action points"))
version = w.data_version()
rnd = w.round_picker(w.load_rounds(version))
lang = i18n.get_language()
view = w.action_points_round(version, internal, rnd.name, lang)  # cached per version, round, language

st.header(_("Roll-up by cluster"))
if view.rollup is None:
    st.info(_("No progress reports for {round} yet.", round=rnd.name))
    st.stop()
w.chart_with_table(*view.rollup)
w.metrics(view.figures)

st.header(_("Action points"))
f1, f2, f3, f4 = st.columns(4)
units_offered = view.units
for param, offered in (("cluster", CLUSTERS), ("status", STATUSES), ("assessment", ASSESSMENTS)):
    w.linked(param, f"ap-{param}", links.selection_of(list(offered)))
w.linked("unit", "ap-unit", links.selection_of(units_offered))
w.linked("overdue", "ap-overdue", links.choice_of([False, True]))
clusters = f1.multiselect(
    _("Cluster"),
    list(CLUSTERS),
    key="ap-cluster",
    format_func=lambda c: f"{c} {views.cluster_label(c, CLUSTERS[c])}",
    placeholder=w.all_placeholder(),
)
statuses = f2.multiselect(
    _("Status"), STATUSES, key="ap-status", format_func=i18n.label, placeholder=w.all_placeholder()
)
assessments = f3.multiselect(
    _("Assessment"), ASSESSMENTS, key="ap-assessment", format_func=i18n.label, placeholder=w.all_placeholder()
)
units = (
    f4.multiselect(_("Lead unit"), units_offered, key="ap-unit", placeholder=w.all_placeholder())
    if internal
    else []
)
overdue_only = st.toggle(_("Only overdue points"), key="ap-overdue")
filters = (tuple(clusters), tuple(statuses), tuple(assessments), tuple(units), overdue_only)
shown = w.action_points_shown(version, internal, rnd.name, filters, lang)
st.caption(shown.caption)
w.table_with_downloads(shown.table, f"action-points-{rnd.name}")
if shown.differ:
    st.caption(shown.differ)

st.header(_("History of one action point"))
texts = view.texts
w.linked("point", "ap-point", links.choice_of(list(texts.index)))
point = st.selectbox(
    _("Action point"), list(texts.index), key="ap-point", format_func=lambda i: f"{i}: {texts[i][:90]}…"
)
st.markdown(w.md_escape(texts[point]))
w.chart_with_table(*w.action_point_history(version, internal, point, lang))
if w.allowed(user, "edit_records") and point in set(view.table["action_point_id"]):
    w.edit_record(
        user,
        "action-points",
        (rnd.name, point),
        name="ap-report",
        title=_("Progress report of action point {point} for {round}", point=point, round=rnd.name),
        only=views.EDITABLE_REPORT_COLUMNS,
    )
w.illustrative_note()
w.link_to_view()
