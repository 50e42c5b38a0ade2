"""Briefing overview: one screen a principal can read in two minutes before the consultation."""

import streamlit as st

from lib import overview
from lib import webapp as w

w.guard("view_briefing")

st.title("Briefing overview")
version = w.data_version()
rnd = w.round_picker(w.load_rounds(version))
ov = w.load_overview(version, rnd.name)
since = f"since {ov.previous_round_id}" if ov.previous_round_id else "(first round: nothing to compare)"


def figures(changes: list[overview.Change]) -> None:
    cols = st.columns(len(changes))
    for col, c in zip(cols, changes, strict=True):
        col.metric(c.label, f"{c.now:,.0f}", None if c.delta is None else f"{c.delta:+,.0f}", delta_color="off")


st.header("Action points")
figures(ov.action_points)
m = ov.moves
st.write(
    f"Status {since}: **{m.get('improved', 0)} improved**, **{m.get('declined', 0)} declined**, "
    f"{m.get('unchanged', 0)} unchanged, {m.get('new', 0)} newly reported."
)
c1, c2 = st.columns(2)
with c1:
    st.subheader("Newly at risk or off track")
    st.dataframe(ov.newly_at_risk[["action_point_id", "cluster", "status", "assessment", "summary"]], hide_index=True)
with c2:
    st.subheader("Newly overdue")
    st.dataframe(ov.newly_overdue[["action_point_id", "cluster", "status", "due_date", "days_overdue"]], hide_index=True)
w.link_to("pages/action_points.py", "Open the action points")

st.header("MDG rights-based indicators")
st.caption(f"Ratings use data up to {ov.mdg_year} (the year before the cut-off); each series rated separately by source.")
figures(ov.mdg)
if not ov.mdg_moved.empty:
    counts = ov.mdg_moved["direction"].value_counts()
    st.write(f"Ratings that moved {since}: **{counts.get('better', 0)} better**, **{counts.get('worse', 0)} worse**.")
    with st.expander("Series whose rating moved"):
        st.dataframe(ov.mdg_moved, hide_index=True)
w.link_to("pages/mdg.py", "Open the MDG indicators")

st.header("New York office workload")
figures(ov.workload)
w.link_to("pages/workload.py", "Open the workload")

st.header("Action 2 with partner agencies")
figures(ov.action2)
if not ov.stale.empty:
    st.warning(
        "Not updated since an earlier round: "
        + ", ".join(f"{a.agency} (last {a.last_round or 'never'})" for a in ov.stale.itertuples())
    )
w.link_to("pages/action2.py", "Open action 2 activity")

with st.expander("All figures as a table"):
    table = overview.changes_frame(ov.action_points + ov.mdg + ov.workload + ov.action2)
    st.dataframe(table, hide_index=True)
    w.download_csv(table, f"briefing-{rnd.name}.csv")
w.illustrative_note()
