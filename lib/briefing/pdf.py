"""PDF primitives of the pack (fpdf2): the A4 page with its running header and footer, headings,
paragraphs, notes, charts, tables and the contents. Nothing here knows a domain."""

from __future__ import annotations

import io
import struct
from collections.abc import Callable

import pandas as pd
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from fpdf.outline import OutlineSection

from lib.briefing.fmt import shorten
from lib.briefing.layout import draw_table, paragraph_lines, write_lines
from lib.i18n import _
from lib.paths import FONT_DIR

CHART_SCALE = 2.0  # PNG pixels per CSS pixel: sharp in print, a few MB for the whole pack
PX_MM = 25.4 / 96  # one CSS pixel in millimetres (charts keep their on-screen size when they fit)

FONT = "DejaVu"
INK = (33, 37, 41)
MUTED = (95, 99, 104)
ACCENT = (0, 114, 178)  # the charts' first Okabe-Ito blue
HEAD_FILL = (226, 234, 242)
ZEBRA = (245, 247, 250)
NOTE_FILL = (255, 246, 220)
#: The tables' look (lib.briefing.layout.draw_table), besides widths, alignment and line height.
TABLE_ARGS = {
    "padding": (0.8, 1.2),
    "headings_style": FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
    "cell_fill_color": ZEBRA,
}

# --- The PDF ------------------------------------------------------------------------------------


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels from a PNG's IHDR chunk."""
    width, height = struct.unpack(">II", png[16:24])
    return width, height


class PackPDF(FPDF):
    """A4 portrait with the DejaVu fonts, a running header and "Page N of M" footers."""

    def __init__(self, running_title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running_title = running_title
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(16, 18, 16)
        self.set_auto_page_break(True, margin=18)
        self.set_text_color(*INK)
        self.set_font(FONT, size=10)

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(8)
        self.set_font(FONT, size=7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 4, self.running_title, align="L")
        self.set_draw_color(200, 205, 210)
        self.line(self.l_margin, 13, self.w - self.r_margin, 13)
        self.set_text_color(*INK)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*MUTED)
        # {nb} is fpdf2's alias for the page count, filled in when the PDF is written.
        self.cell(0, 5, _("Page {page} of {pages}", page=self.page_no(), pages="{nb}"), align="C")
        self.set_text_color(*INK)

    # --- building blocks

    def fresh(self) -> bool:
        """Whether nothing has been written on this page below the running header."""
        return self.page > 0 and self.get_y() <= self.t_margin + 0.01

    def need(self, height: float) -> None:
        """Start a new page unless ``height`` mm are left on this one."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def section(self, title: str, level: int = 0, new_page: bool = True) -> None:
        """A heading that is also an entry of the contents and a PDF bookmark."""
        if new_page:
            if not self.fresh():
                self.add_page()
        else:
            self.need(60)
            self.ln(3)
        self.start_section(title, level=level)
        self.set_font(FONT, "B", 17 if level == 0 else 13.5)
        self.set_text_color(*(ACCENT if level == 0 else INK))
        self.multi_cell(0, 8 if level == 0 else 6.5, title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.ln(2)

    def opening(
        self,
        title: str,
        text: str,
        size: float = 9.5,
        muted: bool = False,
        level: int = 0,
        new_page: bool = True,
    ) -> None:
        """A section's heading (:meth:`section`) and its first paragraph (:meth:`para`)."""
        self.section(title, level=level, new_page=new_page)
        self.para(text, size=size, muted=muted)

    def subheading(self, text: str) -> None:
        self.need(28)
        self.ln(1.5)
        self.set_font(FONT, "B", 10.5)
        self.multi_cell(0, 5.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(0.5)

    def para(self, text: str, size: float = 9.5, muted: bool = False) -> None:
        """A paragraph, moved whole to the next page rather than split (they are all short)."""
        self.set_font(FONT, size=size)
        h = size * 0.5
        lines = paragraph_lines(self, text)  # None: fpdf2 lays it out (lib.briefing.layout)
        if lines is None:
            height = float(self.multi_cell(0, h, text, dry_run=True, output="HEIGHT"))  # type: ignore[arg-type]
        else:
            height = len(lines) * h
        self.need(height)
        if muted:
            self.set_text_color(*MUTED)
        if lines is None:
            self.multi_cell(0, h, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            write_lines(self, lines, h)
        self.set_text_color(*INK)
        self.ln(1.5)

    def note(self, text: str, size: float = 8.5) -> None:
        """A shaded box, for the illustrative-data notice and warnings."""
        self.set_font(FONT, size=size)
        self.set_fill_color(*NOTE_FILL)
        self.multi_cell(
            0, size * 0.5, text, align="L", fill=True, padding=2, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.ln(2)

    def chart_size(
        self, png: bytes, max_height: float = 110.0, max_width: float | None = None
    ) -> tuple[float, float]:
        """Width and height (mm) of a chart at its on-screen size, shrunk to fit the given box."""
        px_w, px_h = _png_size(png)
        w = px_w / CHART_SCALE * PX_MM
        h = px_h / CHART_SCALE * PX_MM
        shrink = min(1.0, (max_width or self.epw) / w, max_height / h, (self.eph - 20) / h)
        return w * shrink, h * shrink

    def chart(self, png: bytes, alt_text: str, max_height: float = 110.0, heading: str | None = None) -> None:
        """A chart image (after its optional subheading, kept on the same page)."""
        w, h = self.chart_size(png, max_height)
        self.need(h + (12 if heading else 2))
        if heading:
            self.subheading(heading)
        self.image(io.BytesIO(png), x=self.l_margin, y=self.get_y(), w=w, h=h, alt_text=alt_text[:1000])
        self.set_y(self.get_y() + h + 3)

    def chart_pair(self, left: tuple[bytes, str], right: tuple[bytes, str], max_height: float = 70.0) -> None:
        """Two charts side by side, each in half the text width."""
        half = (self.epw - 4) / 2
        sizes = [self.chart_size(png, max_height, half) for png, _ in (left, right)]
        h = max(size[1] for size in sizes)
        self.need(h + 2)
        y = self.get_y()
        for (png, alt), (w, hh), x in zip(
            (left, right), sizes, (self.l_margin, self.l_margin + half + 4), strict=True
        ):
            self.image(io.BytesIO(png), x=x, y=y, w=w, h=hh, alt_text=alt[:1000])
        self.set_y(y + h + 3)

    def fit_headers(self, headers: list[str], widths: list[float], size: float) -> list[float]:
        """Widths in which no header word is cut (French and Spanish words run longer): a column
        too narrow for its longest header word takes the room from the widest column."""
        self.set_font(FONT, "B", size)
        need = [max(self.get_string_width(w) for w in (h.split() or [""])) + 2.6 for h in headers]
        out = list(widths)
        for i, n in enumerate(need):
            if out[i] < n:
                widest = max(range(len(out)), key=lambda j: out[j] - need[j])
                give = min(n - out[i], out[widest] - need[widest])
                if give > 0 and widest != i:
                    out[widest] -= give
                    out[i] += give
        return out

    def data_table(
        self,
        df: pd.DataFrame,
        widths: list[float] | None = None,
        align: str | tuple[str, ...] = "LEFT",
        size: float = 8.0,
    ) -> None:
        """A table of strings with a shaded heading row, repeated after a page break."""
        if df.empty:
            return
        if widths is not None:
            widths = self.fit_headers([str(c) for c in df.columns], list(widths), size)
        self.set_font(FONT, size=size)
        self.set_fill_color(255, 255, 255)  # rows without zebra fill stay white
        self.need(size * 0.5 * 3 + 4)
        draw_table(
            self,
            [[str(c) for c in df.columns]]
            # Any cell, whatever the data: no row may be taller than a page ("row too high").
            + [[shorten(str(v)) for v in record] for record in df.itertuples(index=False)],
            widths,
            self.epw if widths is None else min(self.epw, float(sum(widths))),
            align,
            **TABLE_ARGS,  # type: ignore[arg-type]
            line_height=size * 0.52,
        )
        self.ln(3)


def render_toc(pdf: FPDF, outline: list[OutlineSection]) -> None:
    """The contents: every section with a dotted leader and its page, each a link."""
    pdf.set_x(pdf.l_margin)
    pdf.set_font(FONT, "B", 17)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 9, _("Contents"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.ln(3)
    for item in outline:
        top = item.level == 0
        pdf.set_font(FONT, "B" if top else "", 10.5 if top else 9.5)
        if top:
            pdf.ln(1.2)
        indent = 7.0 * item.level
        page = str(item.page_number)
        link = pdf.add_link(page=item.page_number)
        name_w = pdf.get_string_width(item.name)
        page_w = pdf.get_string_width(page)
        room = pdf.epw - indent - name_w - page_w - 4
        dots = "." * max(int(room / max(pdf.get_string_width("."), 0.1)), 0)
        pdf.set_x(pdf.l_margin + indent)
        pdf.cell(name_w + 1, 6, item.name, link=link)
        pdf.set_text_color(*MUTED)
        pdf.cell(room + 1, 6, dots, align="R", link=link)
        pdf.set_text_color(*INK)
        pdf.cell(0, 6, page, align="R", link=link, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


Writer = Callable[[PackPDF], None]
