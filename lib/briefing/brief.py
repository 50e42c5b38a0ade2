"""The pack's first page after the cover: purpose, key messages, decisions sought (lib.messages).

A principal who reads only this page is briefed: the same messages and questions as the
briefing page, written from the same overview.
"""

from __future__ import annotations

from lib import messages
from lib.briefing.data import Context
from lib.briefing.fmt import fmt_date
from lib.briefing.pdf import PackPDF, Writer
from lib.i18n import _


def brief_section(ctx: Context) -> Writer:
    """Purpose (two lines), the key messages and the decisions sought, each decision with the
    office's recommendation."""
    key = messages.key_messages(ctx.ov)
    decisions = messages.decisions_sought(ctx.ov)

    def write(pdf: PackPDF) -> None:
        pdf.opening(
            _("In brief"),
            _(
                "Purpose: to brief principals for consultation round {round}. The pack covers the action "
                "points of the Plan of Action, MDG indicators read through human rights, the New York office "
                "workload and action 2 with partner agencies, with data as of {cutoff}.",
                round=ctx.round_id,
                cutoff=fmt_date(ctx.cutoff),
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

    return write
