"""The pack's summary: what changed since the previous round, domain by domain."""

from __future__ import annotations

import pandas as pd

from lib import overview
from lib.briefing.data import Context
from lib.briefing.fmt import fmt_change, fmt_count
from lib.briefing.pdf import PackPDF, Writer
from lib.i18n import _

CHANGE_WIDTHS = [64.0, 38.0, 46.0, 30.0]  # figure, this round, previous round, change


def _changes_table(ctx: Context, changes: list[overview.Change]) -> pd.DataFrame:
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


def _ids(df: pd.DataFrame) -> str:
    return ", ".join(map(str, df["action_point_id"])) if not df.empty else _("none")


def _since(prev: str | None) -> str:
    """ "since 2008-H1", or the first round's note."""
    return _("since {round}", round=prev) if prev else _("(first round: nothing to compare)")


def _moves_line(m: dict[str, int]) -> str:
    return _(
        "{improved} improved, {declined} declined, {unchanged} unchanged, {new} newly reported.",
        improved=m.get("improved", 0),
        declined=m.get("declined", 0),
        unchanged=m.get("unchanged", 0),
        new=m.get("new", 0),
    )


def _stale_line(stale: pd.DataFrame) -> str:
    return ", ".join(
        _("{agency} (last {round})", agency=a.agency, round=a.last_round or _("never"))
        for a in stale.itertuples()
    )


def summary_section(ctx: Context) -> Writer:
    ov = ctx.ov
    since = _since(ctx.prev)
    widths = CHANGE_WIDTHS
    align = ("LEFT", "RIGHT", "RIGHT", "RIGHT")

    def write(pdf: PackPDF) -> None:
        pdf.section(_("What changed {since}", since=since))
        pdf.para(
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
        pdf.data_table(_changes_table(ctx, ov.action_points), widths, align)
        pdf.para(
            _("Status {since}:", since=since)
            + " "
            + _moves_line(m)
            + " "
            + _(
                "Newly at risk or off track: {at_risk}. Newly overdue: {overdue}.",
                at_risk=_ids(ov.newly_at_risk),
                overdue=_ids(ov.newly_overdue),
            ),
            size=8.5,
        )
        pdf.subheading(_("MDG rights-based indicators"))
        if ov.mdg:
            pdf.data_table(_changes_table(ctx, ov.mdg), widths, align)
        moved = ov.mdg_moved
        better = int((moved["direction"] == "better").sum()) if not moved.empty else 0
        worse = int((moved["direction"] == "worse").sum()) if not moved.empty else 0
        pdf.para(
            _(
                "Ratings use data up to {year} (the year before the cut-off); each series is rated "
                "separately by source. Ratings that moved {since}: {better} better, {worse} worse.",
                year=ov.mdg_year,
                since=since,
                better=better,
                worse=worse,
            ),
            size=8.5,
        )
        pdf.subheading(_("New York office workload"))
        pdf.data_table(_changes_table(ctx, ov.workload), widths, align)
        pdf.subheading(_("Action 2 with partner agencies"))
        pdf.data_table(_changes_table(ctx, ov.action2), widths, align)
        if not ov.stale.empty:
            pdf.para(
                _("Not updated since an earlier round: {agencies}.", agencies=_stale_line(ov.stale)),
                size=8.5,
            )

    return write
