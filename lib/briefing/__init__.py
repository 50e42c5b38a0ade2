"""The briefing pack of a round: a PDF with the same figures and charts as the pages.

No Streamlit here. Data comes through :mod:`lib.queries`; the headline figures are the
domains' headlines (``lib/domains/<domain>/headline.py``, gathered by
:func:`lib.overview.round_overview`) and the rest the domain functions the pages call, so the
numbers match the pages by construction; charts are the domains' chart builders rendered to
PNG by vl-convert; the PDF is written by fpdf2 (primitives in :mod:`lib.briefing.pdf`, one
module per section) with the DejaVu Sans font shipped in ``data/fonts``. Everything installs
from requirements.txt alone (no browser, no system libraries).

Layout: cover; "In brief" (purpose, key messages, decisions sought: lib.messages); contents;
action points (the roll-up, then the points that need attention and those that moved, each with
its text and lead); MDG rights-based indicators (by default those whose ratings moved: ratings
and equity gaps, with sources); New York workload; action 2 activity; an annex of every action
point; data sources. 8-12 pages before the annex in every language.
Every page but the cover carries a running header, and every page "Page N of M".

The pack is written in the language of the current run (lib.i18n: headings, labels, dates
and numbers); the figures are the same in every language. Texts that come with the data
(action point texts, MDG indicator texts, round titles) stay as stored.
"""

from lib.briefing.data import DEFAULT_INDICATORS, MAX_COUNTRIES
from lib.briefing.pack import build_pack
from lib.domains.mdg.choices import default_countries

__all__ = ["DEFAULT_INDICATORS", "MAX_COUNTRIES", "build_pack", "default_countries"]
