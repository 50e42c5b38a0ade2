"""Builds the pack: loads the data, renders the charts in parallel (in processes), writes the sections in order."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from lib import derived, i18n, overview, preparation, queries
from lib.briefing.action2 import action2_section
from lib.briefing.action_points import action_point_sections
from lib.briefing.annex import annex_section, sources_section
from lib.briefing.brief import brief_section
from lib.briefing.cover import cover
from lib.briefing.data import (
    DEFAULT_INDICATORS,
    MAX_COUNTRIES,
    Context,
    ProgressFn,
    load_frames,
    with_mdg,
)
from lib.briefing.fmt import fmt_date
from lib.briefing.mdg import mdg_sections
from lib.briefing.pdf import PackPDF, Writer, render_toc
from lib.briefing.recommendations import recommendations_section
from lib.briefing.render import ChartPool, start_workers
from lib.briefing.workload import workload_section
from lib.db import get_data_version
from lib.i18n import _

MOVED_INDICATORS = 2  # by default at most this many indicators: staff may choose 2, and 3 pass 12 pages


def default_indicators(ov: overview.Overview) -> tuple[str, ...]:
    """The indicators the pack shows unless staff chose: those whose ratings moved since the
    previous round (most moves first); when none moved, the first two of the usual set."""
    moved = ov.mdg_moved
    if moved is not None and not moved.empty:
        counts = moved["indicator_code"].astype(str).value_counts(sort=True)
        return tuple(counts.index[:MOVED_INDICATORS])
    return DEFAULT_INDICATORS[:2]


# --- Entry point --------------------------------------------------------------------------------


def build_pack(
    engine: Engine,
    round_id: str,
    *,
    mdg_indicators: tuple[str, ...] | list[str] | None = None,
    countries: list[str] | tuple[str, ...] | None = None,
    progress: ProgressFn | None = None,
    round_overview: overview.Overview | None = None,
) -> bytes:
    """The briefing pack of ``round_id`` as PDF bytes.

    ``countries`` (at most :data:`MAX_COUNTRIES` ISO3 codes) applies to every MDG
    indicator; by default each indicator shows the MDG page's default countries
    (those with the most values). ``mdg_indicators`` and ``countries`` left out: what staff
    stored for the round (lib.preparation), else those defaults; staff's edits of the key
    messages are applied on page 2. ``progress(fraction, message)`` is told how far
    the build is. ``round_overview``: the round's overview if the caller has it (the
    briefing page does), else the one shared by the servers (lib.derived), computed if none is. Raises ``ValueError`` for an unknown
    round or too many countries.
    """
    if countries and len(countries) > MAX_COUNTRIES:
        raise ValueError(f"at most {MAX_COUNTRIES} countries, as on the MDG page; got {len(countries)}")

    def report(fraction: float, message: str) -> None:
        if progress is not None:
            progress(min(max(fraction, 0.0), 1.0), message)

    report(0.0, _("Loading the data"))
    start_workers()  # they load vl-convert while the data loads
    with engine.connect() as conn:
        version = get_data_version(conn)
    stored = preparation.stored_choice(engine, round_id)  # staff's choice for the round, if any
    if countries is None:
        countries = list(stored.countries) or None
    chosen = list(countries) if countries else None
    known = set(queries.rounds(engine)["id"])
    if round_id not in known:
        raise ValueError(f"unknown round {round_id!r}; rounds: {', '.join(sorted(known)) or 'none'}")
    data = load_frames(engine)
    row = data.rounds.set_index("id").loc[round_id]
    with ChartPool() as pool:
        cutoff = pd.Timestamp(row["cutoff_date"])
        ctx = Context(data, None, round_id, row, None, cutoff, pool, engine=engine, version=version)
        # The sections with charts first, so that the workers draw while the rest is computed (the
        # workload and action 2 pages need neither the overview nor the MDG data); each chart ranked
        # by its section's place in the pack, so that the PDF waits the least.
        ctx.rank = 2
        workload = [workload_section(ctx)]
        ctx.rank = 3
        action2 = [action2_section(ctx)]
        report(0.1, _("Comparing with the previous round"))
        # Else the overview every server shares (lib.derived): the briefing page has usually computed it.
        ov = (
            round_overview
            if round_overview is not None
            else derived.round_overview(engine, round_id, version)
        )
        ctx.ov, ctx.prev = ov, ov.previous_round_id
        if mdg_indicators is None:
            mdg_indicators = stored.indicators or default_indicators(ov)
        mdg_indicators = tuple(mdg_indicators)
        ctx.data = with_mdg(engine, data, mdg_indicators, chosen)
        report(0.2, _("Computing the figures and drawing the charts"))
        ctx.rank = 1
        mdg = mdg_sections(ctx, tuple(mdg_indicators), list(countries) if countries else None)
        ctx.rank = 0
        parts: list[tuple[str, list[Writer]]] = [
            (_("Writing the summary"), [brief_section(ctx, preparation.stored_edits(engine, round_id))]),
            # The follow-up part opens with the last consultation's recommendations (issue 13).
            (_("Writing the recommendations"), [recommendations_section(ctx)]),
            (_("Writing the action points"), action_point_sections(ctx)),
            (_("Writing the MDG indicators"), mdg),
            (_("Writing the New York workload"), workload),
            (_("Writing action 2 activity"), action2),
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
        report(0.25, parts[0][0])
        parts[0][1][0](pdf)  # page 2: what a principal needs to know and decide, before anything else
        pdf.add_page()
        pdf.insert_toc_placeholder(render_toc, pages=1)
        total = sum(len(writers) for _, writers in parts)
        done = 1
        for message, writers in parts[1:]:
            for write in writers:
                report(0.25 + 0.7 * done / total, message)
                write(pdf)
                done += 1
        report(0.97, _("Finishing the PDF"))
        out = bytes(pdf.output())
    report(1.0, _("Done"))
    return out
