"""Every legend's colours are distinguishable pair by pair: normal vision, colour-vision
deficiencies and grey print (lib.colour: CIEDE2000, Machado et al. 2009 simulation).

Thresholds (CIEDE2000): 2.3 is a just-noticeable difference for large patches side by side;
chart marks are small and apart, so a legend needs several times that (Szafir 2017 finds
differences of about 10 needed for small marks). We ask >= 15 with normal vision, >= 10 under
each simulated deficiency (severity 1.0, the worst case) and >= 8 in greyscale for legends
whose categories are told apart by colour alone. The rating grid writes its arrow and word in
every cell and the country lines carry a point shape: for them grey print is not required.
"""

from __future__ import annotations

from itertools import combinations

import pytest

from lib import chart_theme as theme
from lib import colour

NORMAL, CVD, GREY = 15.0, 10.0, 8.0

# legend -> (colours, must they differ in grey print?)
LEGENDS = {
    "status": (list(theme.STATUS_COLOURS.values()), True),
    "rating": (list(theme.RATING_COLOURS.values()), False),  # arrow and word in every cell
    "work area": (list(theme.WORK_AREA_COLOURS.values()), True),
    "activity type": (list(theme.ACTIVITY_TYPE_COLOURS.values()), True),
    "capacity": (list(theme.OVER_CAPACITY_COLOURS.values()), True),
    "countries (category range)": (theme.OKABE_ITO, False),  # point shape per country
}


def _threshold(vision: str, grey_required: bool) -> float | None:
    if vision == "normal":
        return NORMAL
    if vision == "greyscale":
        return GREY if grey_required else None
    return CVD


CASES = [(name, vision) for name in LEGENDS for vision in colour.VISIONS]


@pytest.mark.parametrize(("legend", "vision"), CASES, ids=[f"{n}-{v}" for n, v in CASES])
def test_every_pair_of_a_legend_is_distinguishable(legend, vision):
    colours, grey_required = LEGENDS[legend]
    assert len(set(colours)) == len(colours), f"{legend}: two categories share a colour"
    limit = _threshold(vision, grey_required)
    if limit is None:
        pytest.skip(f"{legend}: a second channel tells its categories apart in grey print")
    too_close = [
        (a, b, round(colour.difference(a, b, vision), 1))
        for a, b in combinations(colours, 2)
        if colour.difference(a, b, vision) < limit
    ]
    assert not too_close, f"{legend} under {vision}: {too_close}"


def test_the_issue_pairs_now_differ():
    """The pairs the tester could not tell apart (issue 16)."""
    r = theme.RATING_COLOURS
    for a, b in [
        ("on track", "substantial progress"),
        ("substantial deterioration", "moving away"),
    ]:
        assert colour.difference(r[a], r[b]) >= NORMAL
    s = theme.STATUS_COLOURS
    assert colour.difference(s["not_started"], s["limited"], "greyscale") >= GREY
