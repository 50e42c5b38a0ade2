"""Prepare the briefing: staff reword, drop or add key messages and choose the pack's MDG
indicators and countries, per round. Each change is previewed, then written as an upload of
one row (audited, in the upload history, revertible there)."""

import streamlit as st

from lib import messages, preparation
from lib import webapp as w
from lib.i18n import _

user = w.guard("edit_briefing")
engine = w.get_engine()

st.title(_("Prepare the briefing"))
version = w.data_version()
rnd = w.round_picker(w.load_rounds(version))
ov = w.load_overview(version, rnd.name)
stored = preparation.stored_edits(engine, rnd.name)
merged = messages.merge(messages.key_messages(ov), stored)

st.header(_("Key messages"))
st.caption(
    _(
        "The briefing page and page 2 of the pack show these, in this order. Computed messages are "
        "written from the data; staff may reword or drop them, or add their own. Texts written by "
        "staff are shown in every language as written."
    )
)
with st.container(border=True):
    for line in preparation.message_lines(merged):
        st.text(line)
if merged.dropped:
    st.caption(_("Dropped by staff:"))
    for m in merged.dropped:
        st.text("– " + m.text)
if merged.unmatched:
    st.warning(
        _(
            "Some stored edits no longer match a message computed from the data (the data changed "
            "since they were written). They change nothing now: reword or drop the messages again, "
            "or withdraw the edits (choose them below)."
        )
    )
    for e in merged.unmatched:
        st.text(messages.unmatched_line(e))

st.subheader(_("Change a message"))
w.briefing_message_form(user, ov, rnd["cutoff_date"], stored)

st.header(_("MDG indicators and countries of the pack"))
choice = preparation.stored_choice(engine, rnd.name)
indicators = w.load_indicators(version)
names = w.country_names(version)
w.briefing_choice_form(
    user,
    ov,
    {c: f"{c} {t}" for c, t in zip(indicators["code"], indicators["text"], strict=True)},
    names.sort_values().to_dict(),
    choice,
)

st.caption(
    _(
        "Every change is an upload of one row, listed in the upload history (as form-briefing-…), "
        "audited, and reverted there exactly."
    )
)
w.link_to("pages/history.py", _("Open the upload history"))
w.link_to("pages/briefing.py", _("Open the briefing overview"))
w.link_to_view()
