"""Briefing overview: one screen a principal can read in two minutes before the consultation."""

import streamlit as st

from lib import headline, i18n, overview
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

if w.allowed(user, "download_briefing"):
    with st.container(border=True):
        st.markdown(
            _(
                "**Briefing pack for {round} (PDF):** cover, what changed, a page per cluster of action points, "
                "MDG indicators, New York workload, action 2 activity and an annex of every action point.",
                round=rnd.name,
            )
        )
        # The pack is built in the language of the page (one cached pack per language).
        lang = i18n.get_language()
        pack_for = (version, rnd.name, lang)
        if st.button(
            _("Build the briefing pack"), key="build-briefing-pack", icon=":material/picture_as_pdf:"
        ):
            st.session_state["briefing_pack_for"] = pack_for
        if st.session_state.get("briefing_pack_for") == pack_for:
            try:
                pack = w.load_briefing_pack(version, rnd.name)
            except Exception:  # noqa: BLE001  (the log has the detail; the rest of the page still shows)
                w.log.exception("briefing pack for %s failed", rnd.name)
                st.error(
                    _("The briefing pack could not be built. Please try again or tell the administrator.")
                )
            else:
                st.download_button(
                    _("Download the briefing pack (PDF)"),
                    pack,
                    file_name=f"briefing-pack-{rnd.name}{'' if lang == 'en' else '-' + lang}.pdf",
                    mime="application/pdf",
                    key="download-briefing-pack",
                    icon=":material/download:",
                    type="primary",
                    on_click="ignore",
                )

since = headline.since(ov.previous_round_id)
w.recommendations_overview(ov, version)  # the follow-up part opens with them

st.header(_("Action points"))
w.metrics(headline.change_figures(ov.action_points))
st.write(ap_headline.moves_sentence(ov.moves, since, markdown=True))
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
w.metrics(headline.change_figures(ov.mdg))
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
    st.warning(_("Not updated since an earlier round:") + " " + a2_headline.stale_agencies_line(ov.stale))
w.link_to("pages/action2.py", _("Open action 2 activity"))

with st.expander(_("All figures as a table")):
    table = overview.changes_frame(ov.recommendations + ov.action_points + ov.mdg + ov.workload + ov.action2)
    w.show_table(table.assign(figure=table["figure"].map(_)), width="content")
    w.download_csv(table, f"briefing-{rnd.name}.csv")
w.illustrative_note()
