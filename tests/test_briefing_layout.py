"""The pack's fast paragraphs and tables (lib.briefing.layout) against fpdf2's own layout."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from fpdf.fonts import FontFace
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops
from pypdf import PdfReader

from lib.briefing.layout import TABLE_STYLE, draw_table, wrap
from lib.briefing.pdf import FONT, HEAD_FILL, TABLE_ARGS, ZEBRA, PackPDF

PAD = TABLE_ARGS["padding"]

WORD = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCÉéèàçñüß0123456789.,;:()-–/%'’«»—", min_size=1, max_size=30
)
PLAIN = st.lists(WORD, min_size=1, max_size=40).map(" ".join)  # single spaces between words
ANY = st.text(alphabet="ab cdéW-\n\u00ad\u00a0\t\u2009{nb}", max_size=80)


def _pdf(style: str = "", size: float = 7.0) -> PackPDF:
    pdf = PackPDF("test")
    pdf.add_page()
    pdf.set_font(FONT, style, size)
    return pdf


def _fpdf_lines(pdf: PackPDF, text: str, cell_width: float) -> list[str]:
    """fpdf2's lines for a table cell of ``cell_width`` with the pack's padding (the plain computation)."""
    return pdf.multi_cell(cell_width, 3.6, text, padding=PAD, dry_run=True, output="LINES")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=PLAIN,
    cell_width=st.floats(8, 180),
    style=st.sampled_from(["", "B"]),
    size=st.sampled_from([6.8, 7, 8]),
)
def test_wrap_breaks_plain_text_as_fpdf(text: str, cell_width: float, style: str, size: float) -> None:
    pdf = _pdf(style, size)
    lines = wrap(pdf, text, cell_width - PAD[1] - PAD[1])
    assert lines is not None  # every plain text takes the fast path
    assert lines == _fpdf_lines(pdf, text, cell_width)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=ANY, cell_width=st.floats(8, 120))
def test_wrap_is_fpdf_or_declines(text: str, cell_width: float) -> None:
    """Other spaces, line breaks, soft hyphens, the page-count alias: fpdf2's lines, or None."""
    pdf = _pdf()
    lines = wrap(pdf, text, cell_width - PAD[1] - PAD[1])
    if lines is not None:
        assert lines == _fpdf_lines(pdf, text, cell_width)


def test_wrap_declines_what_it_does_not_model() -> None:
    pdf = _pdf()
    for text in (
        "",
        " lead",
        "trail ",
        "two  spaces",
        "line\nbreak",
        "soft\u00adhyphen",
        "nb\u00a0sp",
        "{nb}",
    ):
        assert wrap(pdf, text, 50) is None, text
    assert wrap(pdf, "W", 0.5) is None  # not one character fits: fpdf2 raises


LONG = (
    "Strengthen the capacity of the office to engage with countries on the implementation of "
    "treaty body recommendations, follow-up and reporting (Plan of Action, section V)"
)


def _rows(n: int) -> list[list[str]]:
    rows = [["Point", "Status", "Value", "Action point text (long heading that wraps)"]]
    for i in range(n):
        rows.append(
            [
                f"P{i}",
                ["on track", "at risk", "", "off track\nnew line"][i % 4],  # empty and fallback cells
                f"{i * 1234.5:,.1f}",
                LONG[: 20 + (i * 37) % len(LONG)] + (" soft\u00adhyphen" if i % 7 == 3 else ""),
            ]
        )
    return rows


def _build(rows: list[list[str]], widths: list[float] | None, fast: bool) -> bytes:
    pdf = _pdf(size=6.8)
    pdf.set_fill_color(255, 255, 255)
    pdf.multi_cell(0, 4, "A paragraph before the table. " * 30)
    align = ("LEFT", "CENTER", "RIGHT", "LEFT")
    width = pdf.epw if widths is None else min(pdf.epw, float(sum(widths)))
    if fast:
        draw_table(pdf, rows, widths, width, align, **TABLE_ARGS, line_height=6.8 * 0.52)
    else:  # the plain computation: fpdf2's table, with the same look
        with pdf.table(
            col_widths=widths,
            width=width,
            text_align=align,
            line_height=6.8 * 0.52,
            padding=PAD,
            headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
            cell_fill_color=ZEBRA,
            **TABLE_STYLE,
        ) as table:
            for row in rows:
                table.row(row)
    pdf.multi_cell(0, 4, "After the table.")
    return bytes(pdf.output())


def _pages(pdf: bytes, tmp: Path, name: str) -> list[Image.Image]:
    subprocess.run(["pdftoppm", "-r", "110", "-png", "-", str(tmp / name)], input=pdf, check=True)
    return [Image.open(p).convert("RGB") for p in sorted(tmp.glob(f"{name}-*.png"))]


@pytest.mark.parametrize("widths", [[11, 18, 20, 77], None])
def test_table_draws_as_fpdf_table(widths: list[float] | None) -> None:
    """Same pages, same text on each, and (where poppler is installed) the same pixels: page
    breaks with repeated headings, wrapped, empty, centred, right-aligned and fallback cells."""
    rows = _rows(70)
    _same_pages(_build(rows, widths, True), _build(rows, widths, False), at_least=3)


def _same_pages(fast: bytes, plain: bytes, at_least: int = 2) -> None:
    fast_pages, plain_pages = PdfReader(io.BytesIO(fast)).pages, PdfReader(io.BytesIO(plain)).pages
    assert len(fast_pages) == len(plain_pages) >= at_least
    for a, b in zip(fast_pages, plain_pages, strict=True):
        assert a.extract_text() == b.extract_text()
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler's pdftoppm is not installed: pixels not compared")
    with tempfile.TemporaryDirectory() as tmp:
        for a, b in zip(_pages(fast, Path(tmp), "fast"), _pages(plain, Path(tmp), "plain"), strict=True):
            assert ImageChops.difference(a, b).getbbox() is None


def _paragraphs(fast: bool) -> bytes:
    pdf = PackPDF("test")
    pdf.add_page()
    texts = [
        LONG,
        "Short.",
        "A paragraph with soft\u00adhyphens and\nline breaks (fpdf2 lays it out).",
        LONG * 30,
    ]
    for size, muted in ((9.5, False), (8.5, True), (7.5, True)):
        for text in texts:
            if fast:
                pdf.para(text, size=size, muted=muted)
            else:  # the plain computation: what para wrote with fpdf2's multi_cell alone
                pdf.set_font(FONT, size=size)
                pdf.need(float(pdf.multi_cell(0, size * 0.5, text, dry_run=True, output="HEIGHT")))
                if muted:
                    pdf.set_text_color(95, 99, 104)
                pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
                pdf.set_text_color(33, 37, 41)
                pdf.ln(1.5)
    return bytes(pdf.output())


def test_paragraphs_write_as_multi_cell() -> None:
    """Paragraphs (one longer than a page, split as multi_cell splits it): same pages, text, pixels."""
    _same_pages(_paragraphs(True), _paragraphs(False))
