"""Builds the pack: loads the data, renders the charts in parallel, writes the sections in order."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pandas as pd
from fpdf.enums import XPos, YPos
from sqlalchemy import Engine

from lib import i18n, overview
from lib.briefing.action2 import action2_section
from lib.briefing.action_points import action_point_sections
from lib.briefing.annex import annex_section, sources_section
from lib.briefing.data import CHART_WORKERS, DEFAULT_INDICATORS, MAX_COUNTRIES, Context, ProgressFn, load_data
from lib.briefing.fmt import ILLUSTRATIVE, fmt_date
from lib.briefing.mdg import mdg_sections
from lib.briefing.pdf import ACCENT, FONT, INK, MUTED, PackPDF, Writer, render_toc
from lib.briefing.recommendations import recommendations_section
from lib.briefing.summary import summary_section
from lib.briefing.workload import workload_section
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


# --- Entry point --------------------------------------------------------------------------------


def build_pack(
    engine: Engine,
    round_id: str,
    *,
    mdg_indicators: tuple[str, ...] | list[str] = DEFAULT_INDICATORS,
    countries: list[str] | tuple[str, ...] | None = None,
    progress: ProgressFn | None = None,
    round_overview: overview.Overview | None = None,
) -> bytes:
    """The briefing pack of ``round_id`` as PDF bytes.

    ``countries`` (at most :data:`MAX_COUNTRIES` ISO3 codes) applies to every MDG
    indicator; by default each indicator shows the MDG page's default countries
    (those with the most values). ``progress(fraction, message)`` is told how far
    the build is. ``round_overview``: the round's overview if the caller has it (the
    briefing page does), else it is computed here. Raises ``ValueError`` for an unknown
    round or too many countries.
    """
    if countries and len(countries) > MAX_COUNTRIES:
        raise ValueError(f"at most {MAX_COUNTRIES} countries, as on the MDG page; got {len(countries)}")

    def report(fraction: float, message: str) -> None:
        if progress is not None:
            progress(min(max(fraction, 0.0), 1.0), message)

    report(0.0, _("Loading the data"))
    chosen = list(countries) if countries else None
    data = load_data(engine, tuple(mdg_indicators), chosen)
    if round_id not in set(data.rounds["id"]):
        raise ValueError(f"unknown round {round_id!r}; rounds: {', '.join(data.rounds['id']) or 'none'}")
    report(0.1, _("Comparing with the previous round"))
    ov = round_overview if round_overview is not None else overview.compute(engine, round_id)
    row = data.rounds.set_index("id").loc[round_id]
    with ThreadPoolExecutor(max_workers=CHART_WORKERS, thread_name_prefix="pack-chart") as pool:
        ctx = Context(data, ov, round_id, row, ov.previous_round_id, pd.Timestamp(row["cutoff_date"]), pool)
        report(0.2, _("Computing the figures and drawing the charts"))
        parts: list[tuple[str, list[Writer]]] = [
            (_("Writing the summary"), [summary_section(ctx)]),
            (
                _("Writing the recommendations"),
                [recommendations_section(ctx)],
            ),  # the follow-up part opens here
            (_("Writing the action points"), action_point_sections(ctx)),
            (
                _("Writing the MDG indicators"),
                mdg_sections(ctx, tuple(mdg_indicators), list(countries) if countries else None),
            ),
            (_("Writing the New York workload"), [workload_section(ctx)]),
            (_("Writing action 2 activity"), [action2_section(ctx)]),
            (_("Writing the annex"), [annex_section(ctx)]),
            (_("Crediting the sources"), [sources_section(ctx)]),
        ]
        pdf = PackPDF(
            _(
                "Briefing pack · round {round} · data as of {cutoff}",
                round=round_id,
                cutoff=fmt_date(ctx.cutoff),
            )
        )
        pdf.set_title(_("Briefing pack, consultation round {round}", round=round_id))
        pdf.set_subject(str(row["title"]))
        pdf.set_author(_("Consultations dashboard (OHCHR Plan of Action, 2005)"))
        pdf.set_creator("consultations dashboard: lib.briefing")
        pdf.set_lang(i18n.get_language())
        cover(ctx, pdf)
        pdf.add_page()
        pdf.insert_toc_placeholder(render_toc, pages=1)
        total = sum(len(writers) for _, writers in parts)
        done = 0
        for message, writers in parts:
            for write in writers:
                report(0.25 + 0.7 * done / total, message)
                write(pdf)
                done += 1
        report(0.97, _("Finishing the PDF"))
        out = bytes(pdf.output())
    report(1.0, _("Done"))
    return out
