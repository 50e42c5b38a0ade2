"""The pack's opening of the follow-up part: the recommendations of the last consultation and
where they stand, then how the follow-up moved and what is overdue."""

from __future__ import annotations

import pandas as pd

from lib import tables
from lib.briefing.data import Context
from lib.briefing.fmt import figures_table, human
from lib.briefing.pdf import PackPDF, Writer
from lib.domains.recommendations import headline as rec_headline
from lib.domains.recommendations import views as rec_views
from lib.headline import since as headline_since
from lib.i18n import _

WIDTHS = [24.0, 86.0, 30.0, 22.0, 16.0]  # id, text, lead, status, reported for (178 mm)


def _status(code: object) -> str:
    return human(code) if isinstance(code, str) else _("no report yet")


def listing(rows: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Recommendations as the pack lists them: text in the reader's language, names, status in words."""
    if rows.empty:
        return pd.DataFrame()
    text = tables.localised_text(rows, "text")
    return pd.DataFrame(
        {
            _("Recommendation"): rows["id"],
            _("Text"): text,
            _("Lead"): rows["lead"].map(lambda c: names.get(c, c)),
            _("Status"): [
                _status(s) + (" " + _("(overdue)") if o else "")
                for s, o in zip(rows["status"], rows["overdue"], strict=True)
            ],
            _("Reported for"): rows["status_round"].fillna("—"),
        }
    )


def recommendations_section(ctx: Context) -> Writer:
    """The recommendations of the last consultation, their status as of this round; moves; overdue."""
    ov, rid, prev = ctx.ov, ctx.round_id, ctx.prev
    names = rec_views.addressee_names(ctx.data.agencies)
    last = ov.recommendations_last
    figures = figures_table(
        rec_headline.figures(rec_headline.Headline(ov.recommendations, ov.recommendation_moves, last, ov.recommendations_overdue), prev)
    ) if ov.recommendations else pd.DataFrame()  # fmt: skip
    overdue = ov.recommendations_overdue
    older = overdue.loc[overdue["round_id"] != prev] if not overdue.empty else overdue

    def write(pdf: PackPDF) -> None:
        pdf.opening(
            _("Recommendations of the last consultation and where they stand"),
            _(
                "What the consultation of {made} recommended to the United Nations system (paragraph 134), "
                "with the latest follow-up report as of round {round}.",
                made=prev or "—",
                round=rid,
            ),
            size=9,
        )
        pdf.para(rec_headline.last_sentence(last, prev, rid), size=9)
        pdf.data_table(listing(last, names), WIDTHS, size=7.5)
        if not figures.empty:
            pdf.subheading(_("Follow-up of every recommendation made so far"))
            pdf.data_table(figures, align="CENTER", size=8.5)
            pdf.para(rec_headline.moves_sentence(ov.recommendation_moves, headline_since(prev)), size=8.5)
        if not older.empty:
            # One paragraph, not a table: the decisions sought already put them to the principals.
            pdf.subheading(_("Overdue recommendations of earlier consultations"))
            items = "; ".join(
                _(
                    "{id} (lead: {lead}; {status})",
                    id=r.id,
                    lead=names.get(r.lead, r.lead),
                    status=_status(r.status),
                )
                for r in older.sort_values(["round_id", "id"]).itertuples()
            )
            pdf.para(items, size=8)

    return write
