"""Issue 16 and two points of issue 12 on the pack itself, read back with pypdf:

* it opens with the key messages and decisions sought (page 2), is at most 12 pages before the
  annex in English, French and Spanish, and no page shows a raw source identifier, an ISO3 code
  used as a label or a column name with an underscore;
* it is built from data the importer accepts: a 4,000-character summary of an at-risk point
  (fpdf2 "row too high") and an MDG value of 1e27 for a pack country (decimal.InvalidOperation).
"""

from __future__ import annotations

import io
import re
import shutil

import pycountry
import pytest
from pypdf import PdfReader

from lib import briefing, i18n, queries
from lib.db import make_engine
from lib.exports import to_csv_bytes
from lib.i18n import _
from lib.ingest import export_frame, import_bytes

ROUND = "2008-H2"
LANGS = ("en", "fr", "es")
ISO3 = {c.alpha_3 for c in pycountry.countries}
WORDS_THAT_ARE_NOT_COUNTRIES = {"MDG"}  # "MDG" (Millennium Development Goals) is also Madagascar's code
RAW_SOURCE = re.compile(r"\[[\w.-]+/[\w.-]+\]|@[0-9a-f]{7}\b|open-numbers|Gapminder SG|IGME:|MDGViewer")
COLUMN_NAME = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def _copy(seeded_template, tmp_path_factory, name):
    path = tmp_path_factory.mktemp(name) / "pack.db"
    shutil.copy(seeded_template, path)
    return make_engine(f"sqlite:///{path}")


@pytest.fixture(scope="module")
def packs(seeded_template, tmp_path_factory):
    eng = _copy(seeded_template, tmp_path_factory, "readable")
    out = {}
    for lang in LANGS:
        with i18n.language(lang):
            out[lang] = [
                p.extract_text() for p in PdfReader(io.BytesIO(briefing.build_pack(eng, ROUND))).pages
            ]
    eng.dispose()
    return out


def _heading(page: str) -> str:
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    return lines[1] if len(lines) > 1 else ""


@pytest.mark.parametrize("lang", LANGS)
def test_page_two_is_the_brief(packs, lang):
    page = packs[lang][1]
    with i18n.language(lang):
        assert _heading(page) == _("In brief")
        assert _("Key messages") in page and _("Decisions sought") in page
    assert "129" in page and "Research and Right to Development Branch" in page  # names and owners


@pytest.mark.parametrize("lang", LANGS)
def test_at_most_twelve_pages_before_the_annex(packs, lang):
    with i18n.language(lang):
        annex = _("Annex: every action point and its status")
    first = next(i for i, page in enumerate(packs[lang]) if _heading(page) == annex)
    assert first <= 12, f"{first} pages before the annex in {lang}"


@pytest.mark.parametrize("lang", LANGS)
def test_no_codes_on_any_page(packs, lang):
    problems = []
    for number, page in enumerate(packs[lang], start=1):
        text = " ".join(page.split())
        problems += [(number, m) for m in RAW_SOURCE.findall(text)]
        problems += [(number, m) for m in COLUMN_NAME.findall(text)]
        words = set(re.findall(r"\b[A-Z]{3}\b", text)) & ISO3
        problems += [(number, w) for w in sorted(words - WORDS_THAT_ARE_NOT_COUNTRIES)]
    assert not problems, problems


def test_every_at_risk_table_names_the_owner_and_the_text(packs):
    page = next(p for p in packs["en"] if _heading(p) == "Action points" or "need attention" in p)
    attention = next(p for p in packs["en"] if "At risk, off track or overdue" in p)
    assert "Lead unit" in attention and "Action point text" in attention
    assert "Geographic desks at headquarters" in attention  # 127a's text, not only its id
    assert page


# --- Issue 12: data the importer accepts must not break the pack ---------------------------------


def _reimport(eng, dataset, frame):
    result = import_bytes(eng, dataset, to_csv_bytes(frame, for_import=True), f"{dataset}.csv", user="test")
    assert result.ok, result


def test_a_4000_character_summary_of_an_at_risk_point(seeded_template, tmp_path_factory):
    eng = _copy(seeded_template, tmp_path_factory, "long-summary")
    reports = export_frame(eng, "action-points")
    mask = (reports["round_id"] == ROUND) & reports["assessment"].isin(["at_risk", "off_track"])
    row = reports.index[mask][0]
    reports.loc[row, "summary"] = ("A very long progress summary without end " * 100)[:4000]
    _reimport(eng, "action-points", reports.loc[[row]])
    pdf = briefing.build_pack(eng, ROUND)
    assert pdf.startswith(b"%PDF-")


def test_an_mdg_value_of_1e27_for_a_pack_country(seeded_template, tmp_path_factory):
    eng = _copy(seeded_template, tmp_path_factory, "huge-value")
    obs = export_frame(eng, "mdg")
    shown = briefing.default_countries(queries.disaggregation_counts(eng), "4.1")
    mask = (obs["indicator_code"] == "4.1") & obs["country_iso3"].isin(list(shown))
    row = obs.index[mask & (obs["year"].astype(int) <= 2007)][0]
    obs["value"] = obs["value"].astype(object)
    obs.loc[row, "value"] = "1e27"
    _reimport(eng, "mdg", obs.loc[[row]])
    for lang in LANGS:
        with i18n.language(lang):
            assert briefing.build_pack(eng, ROUND, mdg_indicators=("4.1",)).startswith(b"%PDF-")
