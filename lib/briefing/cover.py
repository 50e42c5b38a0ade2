"""The pack's cover: the round, its meeting and cut-off, what the pack holds, the illustrative-data notice."""

from __future__ import annotations

from datetime import date

from fpdf.enums import XPos, YPos

from lib.briefing.data import Context
from lib.briefing.fmt import ILLUSTRATIVE, fmt_date
from lib.briefing.pdf import ACCENT, FONT, INK, MUTED, PackPDF
from lib.i18n import _


def cover(ctx: Context, pdf: PackPDF) -> None:
    row = ctx.round_row
    pdf.add_page()
    pdf.set_y(40)
    pdf.set_font(FONT, size=10)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(
        0,
        5,
        _("Office of the United Nations High Commissioner for Human Rights"),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.multi_cell(
        0,
        5,
        _("System-wide consultations of principals, twice yearly (Plan of Action, 2005, paragraph 134)"),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(14)
    pdf.set_text_color(*ACCENT)
    pdf.set_font(FONT, "B", 30)
    pdf.cell(0, 14, _("Briefing pack"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 18)
    pdf.cell(0, 10, _("Consultation round {round}", round=ctx.round_id), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=12)
    pdf.multi_cell(0, 6, str(row["title"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(10)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + 60, pdf.get_y())
    pdf.set_line_width(0.2)
    pdf.ln(6)
    facts = [
        (_("Meeting date"), fmt_date(row["meeting_date"])),
        (_("Data cut-off"), fmt_date(row["cutoff_date"])),
        (
            _("Compared with"),
            _("round {round}", round=ctx.prev) if ctx.prev else _("nothing (first round)"),
        ),
        (_("MDG data up to"), str(ctx.ov.mdg_year)),
        (_("Prepared"), fmt_date(date.today())),
    ]
    pdf.set_font(FONT, size=11)
    label_width = max(42.0, max(pdf.get_string_width(label) for label, _v in facts) + 4)  # longer in fr/es
    for label, value in facts:
        pdf.set_font(FONT, size=11)
        pdf.set_text_color(*MUTED)
        pdf.cell(label_width, 7.5, label)
        pdf.set_text_color(*INK)
        pdf.set_font(FONT, "B", 11)
        pdf.cell(0, 7.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y() + 20, 200))
    if bool(row.get("illustrative", False)):
        pdf.note(_(ILLUSTRATIVE), size=9)
    pdf.para(
        _(
            "Figures are those of the consultations dashboard for this round; data sources are credited "
            "at the end."
        ),
        size=8.5,
        muted=True,
    )
