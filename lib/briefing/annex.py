"""The pack's annex of every action point and its data sources."""

from __future__ import annotations

from datetime import date

import pandas as pd

from lib import i18n, reference, tables
from lib.briefing.action_points import point_rows
from lib.briefing.data import Context
from lib.briefing.fmt import ILLUSTRATIVE, fmt_count, fmt_date, human
from lib.briefing.pdf import PackPDF, Writer
from lib.domains.action_points import views as ap_views
from lib.i18n import _


def annex_section(ctx: Context) -> Writer:
    table = point_rows(ap_views.point_table(ctx.data.reports, ctx.round_id, ctx.prev, ctx.cutoff))
    shown = pd.DataFrame(
        {
            _("Point"): table["action_point_id"],
            _("Status"): table["status"].map(human),
            _("Assessment"): table["assessment"].map(human),
            "%": table["percent_complete"].map(fmt_count),
            _("Due"): table["due_date"].map(
                lambda d: "—" if pd.isna(d) else i18n.fmt_month(d, abbreviated=True)
            ),
            _("Overdue"): table["overdue"].map({True: _("yes"), False: _("no")}),
            _("Move"): table["move"].map(human),
            # The plan's texts (English) unless the data supplies them in the pack's language.
            _("Action point (Plan of Action, section V)"): tables.localised_text(table).fillna(""),
        }
    )

    def write(pdf: PackPDF) -> None:
        pdf.opening(
            _("Annex: every action point and its status"),
            _(
                "All {count} action points reported for {round}, in the plan's order; the move is the "
                "change of status since {previous}.",
                count=len(shown),
                round=ctx.round_id,
                previous=ctx.prev or _("the previous round"),
            ),
            size=8.5,
        )
        pdf.data_table(
            shown,
            [11, 18, 19, 8, 15, 14, 16, 77],
            ("LEFT", "LEFT", "LEFT", "RIGHT", "LEFT", "LEFT", "LEFT", "LEFT"),
            size=6.8,
        )

    return write


def sources_section(ctx: Context) -> Writer:
    def write(pdf: PackPDF) -> None:
        pdf.section(_("Data sources and notes"))
        items = [
            (
                _("Action points"),
                _(
                    "The texts of the action points are those of section V (paragraphs 127-158) of the Plan "
                    "of action submitted by the United Nations High Commissioner for Human Rights "
                    "(A/59/2005/Add.3)."
                ),
            ),
            (
                _("MDG indicators"),
                _(
                    "United Nations Statistics Division, Millennium Development Goals Indicators database "
                    "(UNSD MDG DB); UN Inter-agency Group for Child Mortality Estimation (UN IGME); World Bank "
                    "World Development Indicators and UNAIDS series via Gapminder Systema Globalis (CC BY 4.0), "
                    "successor (SDG-era) series kept under their own source labels and never merged with the "
                    "MDG series. Values are as published, without interpolation."
                ),
            ),
            (
                _("Sources in this pack"),
                # Cited as their publishers ask (the catalogue's citation), not by their storage labels.
                "; ".join(sorted({reference.source_citation(s) for s in ctx.mdg_sources})) or _("none"),
            ),
            (
                _("Rights provisions and indicator typing"),
                _(
                    "An indicative mapping in the spirit of OHCHR's Claiming the MDGs: a human rights approach "
                    "(2008) and the indicator framework of HRI/MC/2008/3; the 2015 target ratios and desired "
                    "directions are the dashboard's classification."
                ),
            ),
            (_("Illustrative data"), _(ILLUSTRATIVE)),
            (
                _("World map"),
                _("world-atlas 2.0.2 (ISC licence), derived from Natural Earth (public domain)."),
            ),
            (_("Font"), _("DejaVu Sans (Bitstream Vera licence; DejaVu changes in the public domain).")),
        ]
        if i18n.get_language() != i18n.DEFAULT_LANGUAGE:
            items.append(
                (
                    _("Languages"),
                    _(
                        "The action point texts, the MDG indicator and target texts and the round titles are "
                        "given in English, the language of the plan and of the MDG framework, unless the data "
                        "supplies a translation."
                    ),
                )
            )
        for title, text in items:
            pdf.subheading(title)
            pdf.para(text, size=8.5)
        pdf.para(
            _(
                "Built by the consultations dashboard on {today} from the data as of the round's cut-off "
                "({cutoff}). Charts are the dashboard's own, rendered with vl-convert.",
                today=fmt_date(date.today()),
                cutoff=fmt_date(ctx.cutoff),
            ),
            size=8,
            muted=True,
        )

    return write
