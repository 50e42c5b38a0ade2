"""The briefing's follow-up part opens with the last consultation's recommendations and where they
stand: the pack built by ``python -m lib.cli briefing 2008-H2`` read back with pypdf; the overview."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys

import pytest
from pypdf import PdfReader

from lib import i18n, overview, queries
from lib.db import make_engine
from lib.domains.recommendations import headline as rec_headline
from lib.paths import ROOT

ROUND, PREVIOUS = "2008-H2", "2008-H1"
HEADING = "Recommendations of the last consultation and where they stand"


@pytest.fixture(scope="module")
def db_url(seeded_template, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("recpack") / "pack.db"
    shutil.copy(seeded_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def pages(db_url, tmp_path_factory) -> list[str]:
    out = tmp_path_factory.mktemp("out") / "pack.pdf"
    env = {**os.environ, "DATABASE_URL": db_url}
    done = subprocess.run(
        [sys.executable, "-m", "lib.cli", "briefing", ROUND, "--out", str(out), "--quiet"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [re.sub(r"\s+", " ", p.extract_text()) for p in PdfReader(io.BytesIO(out.read_bytes())).pages]


def test_follow_up_part_lists_the_last_consultations_recommendations_with_their_status(pages, db_url):
    eng = make_engine(db_url)
    recs, statuses = queries.recommendations(eng), queries.recommendation_statuses(eng)
    eng.dispose()
    made = recs.loc[recs["round_id"] == PREVIOUS, "id"]
    assert len(made) == 6
    start = next(i for i, p in enumerate(pages) if i > 1 and HEADING in p)
    section = " ".join(pages[start : start + 2])
    now = statuses.loc[statuses["round_id"] == ROUND].set_index("recommendation_id")["status"]
    for rid in made:
        # Each of them, with its 2008-H2 status in words (e.g. "R-2008-H1-03 ... limited").
        found = re.search(re.escape(rid) + r".{0,600}?" + i18n.label(now[rid]), section)
        assert found, rid
    assert "made 6 recommendations" in section
    # It opens the follow-up part: before the action points.
    ap = next(i for i, p in enumerate(pages) if i > start and "Action points" in p[:200])
    assert ap > start


def test_the_round_comparison_counts_recommendation_moves(pages, db_url):
    eng = make_engine(db_url)
    ov = overview.compute(eng, ROUND)
    eng.dispose()
    assert ov.recommendations_last["id"].str.startswith("R-2008-H1").all()
    assert sum(ov.recommendation_moves.values()) == 26
    sentence = rec_headline.moves_sentence(ov.recommendation_moves, "since 2008-H1")
    assert re.sub(r"\s+", " ", sentence) in " ".join(pages)


def test_overdue_recommendations_give_decisions_sought(db_url):
    eng = make_engine(db_url)
    ov = overview.compute(eng, ROUND)
    eng.dispose()
    items = rec_headline.decisions(ov.recommendations_overdue)
    assert (
        len(items) == len(ov.recommendations_overdue) == int(ov.recommendations_overdue["overdue"].sum()) > 0
    )
    key, question, advice = items[0]
    assert key.startswith("rec-overdue-R-") and "renew it" in question and advice
    assert overview.decode(overview.encode(ov)).recommendation_moves == ov.recommendation_moves
