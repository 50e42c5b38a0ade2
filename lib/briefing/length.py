"""How long the pack would be with a choice of indicators and countries (the preview of
"Prepare the briefing"): its length depends on the data of what is chosen, not on its number."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import Engine

from lib.briefing.pack import build_pack, default_indicators
from lib.i18n import _
from lib.overview import Overview

MAX_PAGES_BEFORE_ANNEX = 12  # the pack a principal reads: its annex comes after


def pages_before_annex(pdf: bytes) -> int | None:
    """How many pages of a built pack come before its annex (from the PDF's bookmarks), or None."""
    reader = PdfReader(io.BytesIO(pdf))
    annex = _("Annex: every action point and its status")
    for item in reader.outline:
        if not isinstance(item, list) and getattr(item, "title", None) == annex:
            return int(reader.get_destination_page_number(item))
    return None


def choice_too_long(engine: Engine, ov: Overview, indicators: list[str], countries: list[str]) -> str | None:
    """Why the pack built with this choice (in the reader's language) would be too long, or None.

    Builds the pack once (seconds): its length depends on the data of the indicators and countries
    chosen, not on their number alone.
    """
    pdf = build_pack(
        engine,
        ov.round_id,
        mdg_indicators=tuple(indicators) or default_indicators(ov),
        countries=list(countries),  # empty: each indicator's default countries
        round_overview=ov,
    )
    pages = pages_before_annex(pdf)
    if pages is not None and pages > MAX_PAGES_BEFORE_ANNEX:
        return _(
            "With this choice the pack would have {pages} pages before its annex (at most {most}): "
            "choose fewer indicators or countries, or others.",
            pages=pages,
            most=MAX_PAGES_BEFORE_ANNEX,
        )
    return None
