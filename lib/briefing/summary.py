"""The pack's summary: what changed since the previous round, domain by domain."""

from __future__ import annotations

import pandas as pd

from lib.briefing.data import Context
from lib.briefing.fmt import fmt_change, fmt_count
from lib.briefing.pdf import PackPDF, Writer
from lib.domains.action2 import headline as a2_headline
from lib.domains.action_points import headline as ap_headline
from lib.domains.mdg import headline as mdg_headline
from lib.domains.recommendations import headline as rec_headline
from lib.headline import Change
from lib.headline import since as headline_since
from lib.i18n import _

CHANGE_WIDTHS = [64.0, 38.0, 46.0, 30.0]  # figure, this round, previous round, change


def changes_table(ctx: Context, changes: list[Change]) -> pd.DataFrame:
    """The summary's table of one domain, formatted as the briefing page's metrics."""
    prev = ctx.prev or _("none")
    return pd.DataFrame(
        {
            _("Figure"): [_(c.label) for c in changes],
            _("This round ({round})", round=ctx.round_id): [fmt_count(c.now) for c in changes],
            _("Previous round ({round})", round=prev): [fmt_count(c.before) for c in changes],
            _("Change"): [fmt_change(c.delta) for c in changes],
        }
    )


def summary_section(ctx: Context) -> Writer:
    ov = ctx.ov
    since = headline_since(ctx.prev)
    widths = CHANGE_WIDTHS
    align = ("LEFT", "RIGHT", "RIGHT", "RIGHT")

    def write(pdf: PackPDF) -> None:
        pdf.opening(
            _("What changed {since}", since=since),
            _(
                "Headline figures of round {round} against round {previous}, across the four domains. "
                "The same figures as the dashboard's briefing overview.",
                round=ctx.round_id,
                previous=ctx.prev or "—",
            ),
            muted=True,
            size=8.5,
        )
        m = ov.moves
        pdf.subheading(_("Action points"))
        pdf.data_table(changes_table(ctx, ov.action_points), widths, align)
        pdf.para(
            ap_headline.moves_sentence(m, since, markdown=False)
            + " "
            + ap_headline.newly_sentence(ov.newly_at_risk, ov.newly_overdue),
            size=8.5,
        )
        if ov.recommendations:  # the round comparison counts the recommendations' moves too
            pdf.subheading(_("Recommendations of the consultations"))
            pdf.data_table(changes_table(ctx, ov.recommendations), widths, align)
            pdf.para(rec_headline.moves_sentence(ov.recommendation_moves, since), size=8.5)
        pdf.subheading(_("MDG rights-based indicators"))
        if ov.mdg:
            pdf.data_table(changes_table(ctx, ov.mdg), widths, align)
        pdf.para(mdg_headline.summary_sentence(ov.mdg_year, ov.mdg_moved, since), size=8.5)
        pdf.subheading(_("New York office workload"))
        pdf.data_table(changes_table(ctx, ov.workload), widths, align)
        pdf.subheading(_("Action 2 with partner agencies"))
        pdf.data_table(changes_table(ctx, ov.action2), widths, align)
        if not ov.stale.empty:
            pdf.para(
                _(
                    "Not updated since an earlier round: {agencies}.",
                    agencies=a2_headline.stale_agencies_line(ov.stale),
                ),
                size=8.5,
            )

    return write
