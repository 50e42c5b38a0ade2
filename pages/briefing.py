"""Briefing overview: one screen a principal can read in two minutes before the consultation."""

import streamlit as st

from lib import headline, messages, overview, preparation
from lib import webapp as w
from lib.domains.action2 import headline as a2_headline
from lib.domains.action_points import headline as ap_headline
from lib.domains.action_points import views as ap_views
from lib.domains.mdg import headline as mdg_headline
from lib.i18n import _

user = w.guard("view_briefing")

st.title(_("Briefing overview"))
version = w.data_version()
rnd = w.round_picker(w.load_rounds(version))
ov = w.load_overview(version, rnd.name)
edited = preparation.edited_messages(w.get_engine(), ov)  # with staff's edits, as in the pack
w.key_messages(edited.messages, messages.decisions_sought(ov))
if edited.unmatched and w.allowed(user, "edit_briefing"):
    st.warning(_("Some stored edits of the key messages no longer match the data: see Prepare the briefing."))
    w.link_to("pages/briefing_edit.py", _("Prepare the briefing"))

if w.allowed(user, "download_briefing"):
    w.briefing_pack_download(version, rnd.name)

since = headline.since(ov.previous_round_id)
w.recommendations_overview(ov, version)  # the follow-up part opens with them

st.header(_("Action points"))
w.metrics(headline.change_figures(ov.action_points))
st.text(ap_headline.moves_sentence(ov.moves, since, markdown=False, moved=ov.moved))
c1, c2 = st.columns(2)
with c1:
    st.subheader(_("Newly at risk or off track"))
    w.show_table(ov.newly_at_risk[list(ap_views.NEWLY_AT_RISK_COLUMNS)], width="content")
with c2:
    st.subheader(_("Newly overdue"))
    w.show_table(ov.newly_overdue[list(ap_views.NEWLY_OVERDUE_COLUMNS)], width="content")
w.link_to("pages/action_points.py", _("Open the action points"))

st.header(_("MDG rights-based indicators"))
st.caption(mdg_headline.year_note(ov.mdg_year))
if ov.mdg_previous_year == ov.mdg_year:
    st.info(messages.same_year_note(ov))
if not ov.mdg_moved.empty:
    st.write(mdg_headline.moved_sentence(ov.mdg_moved, since))
    with st.expander(_("Series whose rating moved")):
        w.show_table(ov.mdg_moved, width="content")
w.link_to("pages/mdg.py", _("Open the MDG indicators"))

st.header(_("New York office workload"))
w.metrics(headline.change_figures(ov.workload))
w.link_to("pages/workload.py", _("Open the workload"))

st.header(_("Action 2 with partner agencies"))
w.metrics(headline.change_figures(ov.action2))
if not ov.stale.empty:
    st.warning(
        _("Not updated since an earlier round:")
        + " "
        + w.md_escape(a2_headline.stale_agencies_line(ov.stale))
    )
w.link_to("pages/action2.py", _("Open action 2 activity"))

with st.expander(_("All figures as a table")):
    table = overview.changes_frame(ov.recommendations + ov.action_points + ov.mdg + ov.workload + ov.action2)
    w.show_table(table.assign(figure=table["figure"].map(_)), width="content")
    w.download_csv(table, f"briefing-{rnd.name}.csv")
w.illustrative_note()
w.link_to_view()
