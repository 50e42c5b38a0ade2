"""Briefing overview: one screen a principal can read in two minutes before the consultation."""

import streamlit as st

from lib import i18n, overview
from lib import webapp as w
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

since = (
    _("since {round}", round=ov.previous_round_id)
    if ov.previous_round_id
    else _("(first round: nothing to compare)")
)


def figures(changes: list[overview.Change]) -> None:
    cols = st.columns(len(changes))
    for col, c in zip(cols, changes, strict=True):
        col.metric(
            _(c.label),
            i18n.fmt_number(c.now),
            None if c.delta is None else i18n.fmt_signed(c.delta),
            delta_color="off",
        )


st.header(_("Action points"))
figures(ov.action_points)
m = ov.moves
st.write(
    _(
        "Status {since}: **{improved} improved**, **{declined} declined**, {unchanged} unchanged, "
        "{new} newly reported.",
        since=since,
        improved=m.get("improved", 0),
        declined=m.get("declined", 0),
        unchanged=m.get("unchanged", 0),
        new=m.get("new", 0),
    )
)
c1, c2 = st.columns(2)
with c1:
    st.subheader(_("Newly at risk or off track"))
    w.show_table(
        ov.newly_at_risk[["action_point_id", "cluster", "status", "assessment", "summary"]], width="content"
    )
with c2:
    st.subheader(_("Newly overdue"))
    w.show_table(
        ov.newly_overdue[["action_point_id", "cluster", "status", "due_date", "days_overdue"]],
        width="content",
    )
w.link_to("pages/action_points.py", _("Open the action points"))

st.header(_("MDG rights-based indicators"))
st.caption(
    _(
        "Ratings use data up to {year} (the year before the cut-off); each series rated separately by source.",
        year=ov.mdg_year,
    )
)
figures(ov.mdg)
if not ov.mdg_moved.empty:
    counts = ov.mdg_moved["direction"].value_counts()
    st.write(
        _(
            "Ratings that moved {since}: **{better} better**, **{worse} worse**.",
            since=since,
            better=counts.get("better", 0),
            worse=counts.get("worse", 0),
        )
    )
    with st.expander(_("Series whose rating moved")):
        w.show_table(ov.mdg_moved, width="content")
w.link_to("pages/mdg.py", _("Open the MDG indicators"))

st.header(_("New York office workload"))
figures(ov.workload)
w.link_to("pages/workload.py", _("Open the workload"))

st.header(_("Action 2 with partner agencies"))
figures(ov.action2)
if not ov.stale.empty:
    st.warning(
        _("Not updated since an earlier round:")
        + " "
        + ", ".join(
            _("{agency} (last {round})", agency=a.agency, round=a.last_round or _("never"))
            for a in ov.stale.itertuples()
        )
    )
w.link_to("pages/action2.py", _("Open action 2 activity"))

with st.expander(_("All figures as a table")):
    table = overview.changes_frame(ov.action_points + ov.mdg + ov.workload + ov.action2)
    w.show_table(table.assign(figure=table["figure"].map(_)), width="content")
    w.download_csv(table, f"briefing-{rnd.name}.csv")
w.illustrative_note()
