"""The pack's paragraphs and tables laid out as fpdf2 lays them out (``multi_cell`` and
``FPDF.table`` with :data:`TABLE_STYLE`), at a fraction of its cost.

fpdf2's line breaker re-measures the whole line at every character, and its table lays out
every cell twice (once for the row's height, once to draw it): 10-20 ms a table row, tens of
ms a paragraph. Here a text is broken into lines once, by :func:`wrap` (fpdf2's rule: break at
the last space that fits, else inside the word), and each line is written where fpdf2 writes
it. A text :func:`wrap` does not handle exactly (other spaces, soft hyphens, line breaks, the
page-count alias) is laid out by fpdf2's own ``multi_cell``.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout, TableCellFillMode
from fpdf.fonts import FontFace
from fpdf.line_break import BREAKING_SPACE_SYMBOLS_STR, NBSP, SOFT_HYPHEN
from fpdf.util import FloatTolerance, Padding

#: What :func:`draw_table` draws, as the arguments of fpdf2's ``FPDF.table`` that draw the same
#: (besides widths, alignment, line height, headings and fill colours given by the caller).
TABLE_STYLE = {
    "align": "LEFT",
    "borders_layout": "HORIZONTAL_LINES",
    "cell_fill_mode": "ROWS",
    "repeat_headings": 1,
    "v_align": "TOP",
}
_SPECIAL = set(BREAKING_SPACE_SYMBOLS_STR.replace(" ", "") + NBSP + SOFT_HYPHEN + "\n\r\f")


def _units(pdf: FPDF, text: str) -> float:
    """The width of ``text`` in the font's units (summed as fpdf2 sums them)."""
    cw = pdf.current_font.cw  # type: ignore[union-attr]
    return sum(cw[ord(c)] for c in text)


def _mm(pdf: FPDF, units: float) -> float:
    return units * pdf.font_size_pt * 0.001 / pdf.k  # fpdf2's own order of operations


def wrap(pdf: FPDF, text: str, width: float) -> list[str] | None:
    """The lines fpdf2's ``multi_cell`` breaks ``text`` into at ``width`` mm (word wrap, no cell
    margins) in the current font, or None for a text it would treat otherwise (see the module)."""
    if (
        not text
        or text != text.strip(" ")
        or "  " in text
        or pdf.str_alias_nb_pages in text
        or pdf.text_shaping
        or not set(text).isdisjoint(_SPECIAL)
        or getattr(pdf.current_font, "color_font", False)
    ):
        return None
    cw = pdf.current_font.cw  # type: ignore[union-attr]
    lines: list[str] = []
    i, n = 0, len(text)
    while i < n:
        start, units, space = i, 0, -1
        while i < n:
            c = text[i]
            u = cw[ord(c)]
            if FloatTolerance.greater_than(_mm(pdf, units) + _mm(pdf, u), width):
                break
            if c == " ":
                space = i
            units += u
            i += 1
        else:
            lines.append(text[start:])
            break
        if text[i] == " ":  # a space that does not fit ends the line and is dropped
            lines.append(text[start:i])
            i += 1
        elif space >= 0:  # back to the last space
            lines.append(text[start:space])
            i = space + 1
        elif i > start:  # a word longer than the line: cut where it overflows
            lines.append(text[start:i])
        else:  # not one character fits: fpdf2 raises, let it
            return None
    return lines


def paragraph_lines(pdf: FPDF, text: str) -> list[str] | None:
    """The lines of ``pdf.multi_cell(0, h, text)`` from the cursor to the right margin, or None."""
    w = pdf.w - pdf.r_margin - pdf.x
    return wrap(pdf, text, w - 0 - 0 - pdf.c_margin - pdf.c_margin)  # fpdf2's order of operations


def write_lines(pdf: FPDF, lines: list[str], h: float) -> None:
    """Writes :func:`paragraph_lines` as ``multi_cell(0, h, text, align="L", new_x=LMARGIN,
    new_y=NEXT)`` writes them: a line of height ``h`` each, a page break wherever one does not fit."""
    for line in lines:
        pdf._perform_page_break_if_need_be(h)  # noqa: SLF001 (as multi_cell, before each line)
        pdf.text(pdf.x + pdf.c_margin, pdf.y + 0.5 * h + 0.3 * pdf.font_size, line)
        pdf.y += h
    pdf.x = pdf.l_margin


def draw_table(
    pdf: FPDF,
    rows: Sequence[Sequence[str]],
    col_widths: Sequence[float] | None,
    width: float,
    text_align: str | Sequence[str],
    line_height: float,
    padding: tuple[float, float],
    headings_style: FontFace,
    cell_fill_color: tuple[int, int, int],
) -> None:
    """``rows`` (the first one the headings) as ``FPDF.table(**TABLE_STYLE, ...)`` draws them."""
    pad = Padding.new(padding)
    ncols = max(len(r) for r in rows)
    # The columns' widths and places, computed as fpdf2 computes them.
    if col_widths:
        widths = [w / sum(col_widths) * width for w in col_widths]
    else:
        widths = [width / ncols] * ncols
    prev_l_margin = pdf.l_margin
    pdf.l_margin = pdf.x  # fpdf2's table starts where the cursor is, page breaks included
    xs = [pdf.x]
    for w in widths[:-1]:
        xs.append(xs[-1] + w)
    aligns = (
        [Align.coerce(text_align)] * ncols
        if isinstance(text_align, str)
        else [Align.coerce(a) for a in text_align]
    )
    base = pdf.font_face()
    fill_mode = TableCellFillMode.coerce(TABLE_STYLE["cell_fill_mode"])
    borders = TableBordersLayout.coerce(TABLE_STYLE["borders_layout"])

    def style(i: int) -> FontFace:
        s = base.replace(fill_color=cell_fill_color) if fill_mode.should_fill_cell(i, 0) else base
        return FontFace.combine(s, headings_style) if i == 0 else s  # type: ignore[return-value]

    def layout(i: int) -> tuple[FontFace, list[list[str] | None], list[float], float]:
        """A row's style, each cell's lines (None: fpdf2 lays it out), heights and the row's height."""
        face = style(i)
        lines, heights = [], []
        with pdf.use_font_face(face):
            for j, text in enumerate(rows[i]):
                inner = widths[j] - pad.right - pad.left
                cut = wrap(pdf, text, inner) if aligns[j] in (Align.L, Align.R, Align.C) else None
                if cut is not None:
                    h = len(cut) * line_height + pad.top + pad.bottom
                elif text:
                    h = float(
                        pdf.multi_cell(  # type: ignore[arg-type]
                            widths[j],
                            line_height,
                            text,
                            **_cell_args(aligns[j], line_height, pad),
                            dry_run=True,
                            output="HEIGHT",
                        )
                    )
                else:
                    h = 0.0
                lines.append(cut)
                heights.append(h)
        return face, lines, heights, max(heights) or line_height

    def draw(i: int, row: tuple[FontFace, list[list[str] | None], list[float], float]) -> None:
        face, lines, _, height = row
        y = pdf.y
        with pdf.use_font_face(face):
            ascent = 0.5 * line_height + 0.3 * pdf.font_size  # fpdf2's baseline in a line
            for j, text in enumerate(rows[i]):
                x = xs[j]
                borders.cell_style_getter(
                    row_idx=i,
                    col_idx=j,
                    col_pos=j,
                    num_heading_rows=1,
                    num_rows=len(rows),
                    num_col_idx=ncols,
                    num_col_pos=ncols,
                ).draw_cell_border(pdf, x, y, x + widths[j], y + height, fill_color=face.fill_color)
                cut = lines[j]
                if cut is None:
                    if text:
                        pdf.set_xy(x, y)
                        pdf.multi_cell(
                            widths[j], line_height, text, **_cell_args(aligns[j], line_height, pad)
                        )
                    continue
                inner = widths[j] - pad.right - pad.left
                for k, line in enumerate(cut):
                    dx = 0.0
                    if aligns[j] != Align.L:
                        free = inner - _mm(pdf, _units(pdf, line))
                        dx = free if aligns[j] == Align.R else free / 2
                    pdf.text(x + pad.left + dx, y + pad.top + k * line_height + ascent, line)
        pdf.set_y(y)
        pdf.ln(height)

    try:
        laid = [layout(i) for i in range(len(rows))]
        if len(rows) > 1:  # the headings never alone at the foot of a page
            pdf._perform_page_break_if_need_be(laid[0][3] + laid[1][3])  # noqa: SLF001 (as fpdf2's table)
        for i, row in enumerate(laid):
            if pdf._perform_page_break_if_need_be(row[3]):  # noqa: SLF001
                if pdf.y + row[3] > pdf.page_break_trigger:
                    raise ValueError(
                        f"The row with index {i} is too high and cannot be rendered on a single page"
                    )
                if i >= 1:
                    draw(0, laid[0])
            draw(i, row)
    finally:
        pdf.l_margin = prev_l_margin
    pdf.set_x(pdf.l_margin)


def _cell_args(align: Align, line_height: float, pad: Padding) -> dict:
    """``multi_cell``'s arguments for a table cell, as fpdf2's table passes them."""
    return {
        "max_line_height": line_height,
        "border": 0,
        "align": align,
        "new_x": "RIGHT",
        "new_y": "TOP",
        "fill": False,
        "padding": pad,
    }
