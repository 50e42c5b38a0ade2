"""The briefing overview on a small hand-made round pair, expected figures written out."""

from __future__ import annotations

import pandas as pd
import pytest

from lib import overview

ROUNDS = pd.DataFrame(
    {
        "id": ["2007-H2", "2008-H1"],
        "title": ["Second 2007", "First 2008"],
        "meeting_date": pd.to_datetime(["2007-11-20", "2008-05-20"]),
        "cutoff_date": pd.to_datetime(["2007-11-01", "2008-05-01"]),
    }
)


def _report(round_id, point, status, assessment, due, cluster="A"):
    return {
        "round_id": round_id,
        "action_point_id": point,
        "status": status,
        "assessment": assessment,
        "percent_complete": 0,
        "due_date": pd.Timestamp(due) if due else pd.NaT,
        "summary": "",
        "cluster": cluster,
        "cluster_title": "Country engagement",
        "sort_order": {"127a": 1, "128": 6, "129": 7}[point],
    }


REPORTS = pd.DataFrame(
    [
        _report("2007-H2", "127a", "limited", "on_track", "2008-12-31"),
        _report("2007-H2", "128", "substantial", "on_track", "2007-03-01"),  # overdue at 2007-11-01
        _report("2007-H2", "129", "not_started", "on_track", None),
        _report("2008-H1", "127a", "substantial", "on_track", "2008-12-31"),  # improved
        _report(
            "2008-H1", "128", "limited", "at_risk", "2007-03-01"
        ),  # declined, newly at risk, still overdue
        _report(
            "2008-H1", "129", "not_started", "off_track", "2008-04-01"
        ),  # newly at risk and newly overdue
    ]
)

INDICATORS = pd.DataFrame({"code": ["4.1"], "target_ratio_2015": [1 / 3], "desired_direction": ["decrease"]})
OBS = pd.DataFrame(
    {
        "indicator_code": "4.1",
        "series_code": "U5MR",
        "country_iso3": "AAA",
        "year": [1990, 2006, 2007],
        "value": [90.0, 80.0, 30.0],
        "unit": "per 1,000",
        "sex": "total",
        "location": "total",
        "source": "IGME",
    }
)
ITEMS = pd.DataFrame(
    {
        "id": ["W1", "W2", "W3", "W4"],
        "received_on": pd.to_datetime(["2008-02-01", "2008-04-01", "2008-05-15", "2007-08-01"]),
        "completed_on": pd.to_datetime(["2008-02-10", None, None, "2007-12-01"]),
        "status": ["completed", "open", "open", "completed"],
        "hours": [10.0, 5.0, 100.0, 7.0],
        "work_area": ["mdgs", "rule_of_law", "action2", "mdgs"],
        "staff_member": "NY officer 1",
    }
)
ACTS = pd.DataFrame(
    {
        "id": ["A1", "A2", "A3", "A4"],
        "agency": ["UNDP", "UNDP", "WFP", "UNDP"],
        "country_iso3": ["NPL", "NPL", "KEN", "KEN"],
        "type": ["training", "hr_adviser", "training", "training"],
        "participants_trained": [20, 0, 10, 50],
        "advisers_deployed": [0, 1, 0, 0],
        "status": ["completed", "ongoing", "completed", "cancelled"],
        "round_id": ["2008-H1", "2008-H1", "2007-H2", "2008-H1"],
    }
)


@pytest.fixture
def ov():
    return overview.round_overview(
        ROUNDS, "2008-H1", REPORTS, OBS, INDICATORS, ITEMS, ACTS, ["UNDP", "WFP", "ILO"]
    )


def _figures(changes):
    return {c.label: (c.now, c.before) for c in changes}


def test_action_point_changes(ov):
    assert ov.previous_round_id == "2007-H2"
    assert ov.moves == {"improved": 1, "declined": 1, "unchanged": 1, "new": 0}
    assert list(ov.newly_at_risk["action_point_id"]) == ["128", "129"]
    assert list(ov.newly_overdue["action_point_id"]) == ["129"]
    assert _figures(ov.action_points) == {
        "Completed": (0, 0),
        "Substantial progress": (1, 1),
        "At risk or off track": (2, 0),
        "Overdue": (2, 1),
    }


def test_mdg_rating_moves_with_the_data_year(ov):
    # Data up to 2006 (cut-off 2007): (80/90)^(1/16)-1 = -0.73 %/yr against -4.30 % required:
    # ratio 0.17, slow progress. Up to 2007: (30/90)^(1/17)-1 = -6.26 %/yr, ratio 1.46: on track.
    assert ov.mdg_year == 2007
    moved = ov.mdg_moved
    assert len(moved) == 1
    row = moved.iloc[0]
    assert (row["rating_before"], row["rating"], row["direction"]) == ("slow progress", "on track", "better")
    assert _figures(ov.mdg) == {"Series progressing": (1, 0), "Series deteriorating or moving away": (0, 0)}


def test_workload_as_known_at_each_cutoff(ov):
    # W3 arrived after the 2008-05-01 cut-off: not counted. W4 was open at the 2007 cut-off.
    assert _figures(ov.workload) == {
        "Requests received": (2, 1),
        "Hours": (15, 7),
        "Open backlog at cut-off": (1, 1),
    }


def test_action2_and_stale_agencies(ov):
    # A4 is cancelled: it trained nobody.
    assert _figures(ov.action2) == {
        "Activities": (2, 1),
        "People trained": (20, 10),
        "Advisers deployed": (1, 0),
    }
    stale = ov.stale.set_index("agency")
    assert stale.at["WFP", "last_round"] == "2007-H2" and stale.at["WFP", "rounds_missed"] == 1
    assert pd.isna(stale.at["ILO", "last_round"]) and stale.at["ILO", "rounds_missed"] == 2
    assert "UNDP" not in stale.index


def test_first_round_has_nothing_to_compare():
    ov = overview.round_overview(ROUNDS, "2007-H2", REPORTS, OBS, INDICATORS, ITEMS, ACTS)
    assert ov.previous_round_id is None
    assert all(c.before is None and c.delta is None for c in ov.action_points + ov.workload + ov.action2)
    assert ov.moves["new"] == 3


def test_inputs_not_mutated():
    frames = [ROUNDS, REPORTS, OBS, INDICATORS, ITEMS, ACTS]
    copies = [f.copy(deep=True) for f in frames]
    overview.round_overview(ROUNDS, "2008-H1", REPORTS, OBS, INDICATORS, ITEMS, ACTS)
    for f, c in zip(frames, copies, strict=True):
        pd.testing.assert_frame_equal(f, c)
