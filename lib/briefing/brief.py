"""The pack's first page after the cover: purpose, key messages, decisions sought (lib.messages).

A principal who reads only this page is briefed: the same messages and questions as the
briefing page, written from the same overview, with the same edits by staff.
"""

from __future__ import annotations

import pandas as pd

from lib import i18n, messages
from lib.briefing.data import Context
from lib.briefing.fmt import fmt_date
from lib.briefing.pdf import PackPDF, Writer
from lib.i18n import _
from lib.overview import Overview


def write_brief(
    pdf: PackPDF,
    round_id: str,
    cutoff: pd.Timestamp,
    key: list[messages.Message],
    decisions: list[messages.Decision],
) -> None:
    """Page 2: purpose, the key messages as shown, the decisions with the office's recommendations.
    Staff's texts are written as plain text (the PDF knows no Markdown)."""
    pdf.opening(
        _("In brief"),
        _(
            "Purpose: to brief principals for consultation round {round}. The pack covers the action "
            "points of the Plan of Action, MDG indicators read through human rights, the New York office "
            "workload and action 2 with partner agencies, with data as of {cutoff}.",
            round=round_id,
            cutoff=fmt_date(cutoff),
        ),
        size=9.5,
    )
    pdf.subheading(_("Key messages"))
    for m in key:
        pdf.para("• " + m.text, size=9.5)
    pdf.subheading(_("Decisions sought"))
    if not decisions:
        pdf.para(_("No decision is sought this round."), size=9.5)
    for i, d in enumerate(decisions, start=1):
        pdf.para(f"{i}. {d.question}", size=9.5)
        pdf.para(d.recommendation, size=9, muted=True)


def brief_section(ctx: Context, edits: list[messages.Edit] | None = None) -> Writer:
    """The brief of the round, with staff's ``edits`` of the key messages (lib.messages.merge:
    reworded in place, dropped ones absent, added ones at their places)."""
    key = messages.merge(messages.key_messages(ctx.ov), list(edits or [])).messages
    decisions = messages.decisions_sought(ctx.ov)

    def write(pdf: PackPDF) -> None:
        write_brief(pdf, ctx.round_id, ctx.cutoff, key, decisions)

    return write


def overflowing_languages(ov: Overview, cutoff: object, edits: list[messages.Edit]) -> list[str]:
    """The languages in which the brief, with ``edits``, would not fit its one page of the pack
    (the pack keeps to 12 pages before its annex). Text only: a few milliseconds per language."""
    out = []
    for lang in i18n.LANGUAGES:
        with i18n.language(lang):
            pdf = PackPDF("")
            pdf.add_page()  # the cover
            pdf.add_page()  # the brief's page, with its running header as in the pack
            key = messages.merge(messages.key_messages(ov), edits).messages
            write_brief(pdf, ov.round_id, pd.Timestamp(cutoff), key, messages.decisions_sought(ov))
            if pdf.page_no() > 2:
                out.append(lang)
    return out
