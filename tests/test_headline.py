"""One headline per domain: the page, the briefing overview and the pack show the same figures.

Each domain's headline (lib/domains/<domain>/headline.py) is computed once; these tests read the
figures where people see them (the page's metrics through AppTest, the pack's figure tables) and
check them against it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from lib import headline, overview, queries
from lib.briefing.fmt import figures_table, fmt_count
from lib.db import make_engine
from lib.domains.action2 import headline as a2_headline
from lib.domains.action_points import headline as ap_headline
from lib.domains.workload import headline as wl_headline
from lib.escape import md_escape
from lib.rounds import window

ROUND = "2008-H2"


@pytest.fixture
def seeded(seeded_db_url):
    engine = make_engine(seeded_db_url)
    yield engine
    engine.dispose()


def _metrics(at) -> dict[str, str]:
    return {m.label: str(m.value) for m in at.metric}


def test_action_point_page_shows_the_headline(seeded, make_app):
    rounds = queries.rounds(seeded)
    hl = ap_headline.headline(queries.progress_reports(seeded), window(rounds, ROUND))
    ov = overview.compute(seeded, ROUND)
    assert hl.changes == ov.action_points and hl.moves == ov.moves  # the overview's are the headline's
    figures = ap_headline.figures(hl.changes, hl.moves, ov.previous_round_id)
    at = make_app("pages/action_points.py", role="hc_office")
    at.run()
    assert not at.exception, at.exception
    assert _metrics(at) == {f.label: str(f.value) for f in figures}
    # The pack's figure table is the same figures, written with the language's separators.
    table = figures_table(figures)
    assert list(table.columns) == [f.label for f in figures]
    assert table.iloc[0].tolist() == [fmt_count(f.value) for f in figures]


def test_workload_page_and_overview_share_the_headline(seeded, make_app):
    rounds = queries.rounds(seeded)
    hl = wl_headline.headline(queries.work_items(seeded), rounds, window(rounds, ROUND))
    assert hl.changes == overview.compute(seeded, ROUND).workload
    # Only what was received by the cut-off counts (the rule is known_at, in one place).
    cutoff = window(rounds, ROUND).cutoff
    assert (hl.known["received_on"] <= cutoff).all() and (hl.in_round["received_on"] <= cutoff).all()
    at = make_app("pages/workload.py", role="hc_office")
    at.run()
    assert not at.exception, at.exception
    assert _metrics(at) == {f.label: str(f.on_screen) for f in wl_headline.figures(hl, ROUND)}


def test_action2_headline_is_the_overview_and_the_page_warning(seeded, make_app):
    rounds = queries.rounds(seeded)
    acts = queries.activities(seeded)
    codes = list(queries.agencies(seeded)["code"])
    hl = a2_headline.headline(acts, rounds, window(rounds, ROUND), codes)
    ov = overview.compute(seeded, ROUND)
    assert hl.changes == ov.action2
    pd.testing.assert_frame_equal(hl.stale, ov.stale)
    at = make_app("pages/action2.py", role="partner")
    at.run()
    warnings = [w.value for w in at.warning]
    assert (md_escape(a2_headline.stale_sentence(hl.stale)) in warnings) == (
        not hl.stale.empty
    )  # data: escaped


def test_briefing_page_figures_are_the_overview(seeded, make_app):
    ov = overview.compute(seeded, ROUND)
    at = make_app("pages/briefing.py", role="hc_office")
    at.run()
    assert not at.exception, at.exception
    shown = [(m.label, str(m.value)) for m in at.metric]
    expected = [
        (f.label, str(f.on_screen))
        # Issue 16: the MDG "series progressing" counts left the page (they meant nothing to a
        # principal); the MDG part says which ratings moved, or why none could.
        for changes in (ov.recommendations, ov.action_points, ov.workload, ov.action2)
        for f in headline.change_figures(changes)
    ]
    assert shown == expected


def test_since_and_change_figures():
    assert headline.since("2008-H1") == "since 2008-H1"
    assert headline.since(None) == "(first round: nothing to compare)"
    first, later = headline.change_figures(
        [headline.Change("Overdue", 3.0, None), headline.Change("Hours", 1234.5, 1000.0)]
    )
    assert (first.text, first.delta) == ("3", None)
    assert (later.text, later.delta) == ("1,234", "+234")
