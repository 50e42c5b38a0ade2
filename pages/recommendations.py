"""Recommendations of the consultations (paragraph 134) and where they stand, round by round."""

import streamlit as st

from lib import i18n
from lib import webapp as w
from lib.domains.recommendations import metrics, views
from lib.i18n import _

user = w.guard("view_recommendations")
internal = w.allowed(user, "view_internal_notes")  # partners see those addressed to agencies only

st.title(_("Recommendations"))
version = w.data_version()
rounds = w.load_rounds(version)
rnd = w.round_picker(rounds)
agencies = w.load_agencies(version)
recs = w.load_recommendations(version)
recs = recs if internal else metrics.addressed_to(recs, agencies["code"])
statuses = w.load_recommendation_statuses(version)
names, texts = views.addressee_names(agencies), views.point_texts(w.load_reports(version, False))
view = w.recommendations_round(version, rnd.name, internal, i18n.get_language())  # cached per version
w.metrics(view.figures)
stand = view.standing
if view.status is None:
    st.info(_("No recommendations made by {round} yet.", round=rnd.name))
else:
    w.chart_with_table(*view.status)

st.header(_("Where each recommendation stands"))
f1, f2, f3 = st.columns(3)
with f1:
    made = sorted(set(stand["round_id"]))
    made_in = w.choose_many(
        _("Round made"), made, {}, "rec_made_in", "made", [], max(len(made), 1), w.all_placeholder()
    )
with f2:
    offered = views.addressee_options(recs)
    addressees = w.choose_many(
        _("Addressee"),
        offered,
        names,
        "rec_addressees",
        "addressee",
        [],
        max(len(offered), 1),
        w.all_placeholder(),
    )
with f3:
    codes = list(metrics.STATUS_ORDER)
    words = {c: i18n.label(c) for c in codes}
    chosen = w.choose_many(
        _("Status"), codes, words, "rec_statuses", "status", [], len(codes), w.all_placeholder()
    )
overdue_only = st.toggle(_("Only overdue recommendations"), key="rec_overdue")
shown = views.filter_standing(stand, made_in, addressees, chosen, overdue_only)
st.caption(
    _(
        "{shown} of {total} recommendations, as of {round}. Overdue: not completed or dropped although due.",
        shown=i18n.fmt_number(len(shown)),
        total=i18n.fmt_number(len(stand)),
        round=rnd.name,
    )
)
w.table_with_downloads(views.recommendation_table(shown, names, texts), f"recommendations-{rnd.name}")

options = views.form_options(rounds, agencies, texts, w.load_indicators(version), recs)
if w.allowed(user, "edit_records"):
    w.edit_record(user, "recommendations", None, name="rec-new", title=_("Record a new recommendation"),
                  options=options, defaults={"round_id": rnd.name})  # fmt: skip

if recs.empty:
    st.stop()
st.header(_("History of one recommendation"))
labels = views.choice_labels(recs)
rid = w.choose(st, _("Recommendation"), labels, "rec_choice", "rec")
w.table_with_downloads(views.history_table(statuses, rid), f"recommendation-{rid}-history")
if w.allowed(user, "edit_records"):
    reported = set(statuses.loc[statuses["recommendation_id"] == rid, "round_id"])
    w.edit_record(
        user,
        "recommendation-status",
        (rid, rnd.name) if rnd.name in reported else None,
        name="rec-status",
        title=_("Follow-up report of {id} for {round}", id=rid, round=rnd.name),
        options=options,
        defaults={"recommendation_id": rid, "round_id": rnd.name},
    )
w.illustrative_note()
w.link_to_view()
