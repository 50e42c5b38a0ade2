"""Recommendations and where they stand (lib/recommendations.py): pure functions on small frames and the seed."""

from __future__ import annotations

import pandas as pd
import pytest

from lib import recommendations as rec
from lib.datasets import split_list
from lib.paths import DATA_DIR

ROUNDS = pd.DataFrame(
    {
        "id": ["2008-H1", "2008-H2", "2009-H1"],
        "meeting_date": pd.to_datetime(["2008-06-10", "2008-12-02", "2009-06-09"]),
    }
)


def recs_frame() -> pd.DataFrame:
    rows = [
        # id, made, addressees, due_round, due_date
        ("A", "2008-H1", "UNDP; New York Office", "2008-H2", None),
        ("B", "2008-H1", "UNICEF", None, "2008-11-30"),  # due before the 2008-H2 meeting
        ("C", "2008-H1", "Treaties and Commission Branch", None, "2008-12-31"),  # due after it
        ("D", "2008-H1", "WHO", "2009-H1", None),
        ("E", "2008-H2", "UNDP", None, None),  # no due round or date: never overdue
        ("F", "2009-H1", "UNFPA", "2009-H1", None),  # made after 2008-H2
        ("G", "2008-H1", "DPKO", "2008-H1", None),  # never reported
    ]
    return pd.DataFrame(
        [
            {
                "id": i,
                "round_id": made,
                "text": f"recommendation {i}",
                "addressees": who,
                "lead": split_list(who)[0],
                "due_round": due_round,
                "due_date": due_date,
                "priority": "high",
            }
            for i, made, who, due_round, due_date in rows
        ]
    )


def status_frame() -> pd.DataFrame:
    rows = [
        ("A", "2008-H2", "substantial", None),
        ("B", "2008-H2", "limited", None),
        ("C", "2008-H2", "not_started", None),
        ("D", "2008-H2", "limited", None),
        ("D", "2009-H1", "dropped", "Superseded."),
        ("A", "2009-H1", "completed", None),
        ("B", "2009-H1", "not_started", None),
        ("E", "2009-H1", "limited", None),
    ]
    return pd.DataFrame(
        [
            {
                "recommendation_id": r,
                "round_id": rid,
                "status": st,
                "reason": why,
                "note": None,
                "reported_by": "x",
                "reported_on": "2008-11-01",
            }
            for r, rid, st, why in rows
        ]
    )


def test_standing_takes_the_latest_report_as_of_the_round_and_flags_overdue():
    recs, sts = recs_frame(), status_frame()
    before = (recs.copy(), sts.copy())
    out = rec.standing(recs, sts, ROUNDS, "2008-H2").set_index("id")
    assert list(out.index) == ["A", "B", "C", "D", "G", "E"]  # by round made, then id; F not yet made
    status = {k: v if isinstance(v, str) else None for k, v in out["status"].items()}
    assert status == {
        "A": "substantial",
        "B": "limited",
        "C": "not_started",
        "D": "limited",
        "G": None,
        "E": None,
    }
    assert set(out.loc[out["status"].notna(), "status_round"]) == {"2008-H2"}
    # A: due round reached and not completed; B: due date before the meeting; G: due and never reported.
    assert out["overdue"].to_dict() == {"A": True, "B": True, "C": False, "D": False, "G": True, "E": False}
    # Inputs untouched.
    pd.testing.assert_frame_equal(recs, before[0])
    pd.testing.assert_frame_equal(sts, before[1])


def test_standing_later_round_completed_and_dropped_are_not_overdue():
    out = rec.standing(recs_frame(), status_frame(), ROUNDS, "2009-H1").set_index("id")
    assert out.loc["A", ["status", "status_round"]].tolist() == ["completed", "2009-H1"]
    assert out.loc["D", ["status", "reason"]].tolist() == ["dropped", "Superseded."]
    assert out.loc["C", "status_round"] == "2008-H2"  # not reported again: the last report stands
    assert out["overdue"].to_dict() == {
        "A": False,  # completed
        "B": True,
        "C": True,  # due 2008-12-31, before the 2009-H1 meeting
        "D": False,  # dropped
        "G": True,
        "E": False,
        "F": True,  # due this round, nothing reported
    }


def test_standing_of_one_round_made():
    out = rec.standing(recs_frame(), status_frame(), ROUNDS, "2009-H1", made_in="2008-H2")
    assert out["id"].tolist() == ["E"]
    with pytest.raises(ValueError, match="2010-H1"):
        rec.standing(recs_frame(), status_frame(), ROUNDS, "2010-H1")


def test_moves_between_two_rounds():
    moved = rec.moves(recs_frame(), status_frame(), "2008-H2", "2009-H1").set_index("id")
    assert moved["move"].to_dict() == {
        "A": "improved",
        "B": "declined",
        "C": "unchanged",
        "D": "dropped",
        "G": "not_reported",
        "E": "new",
        "F": "not_reported",
    }
    summary = rec.move_summary(moved.reset_index())
    assert list(summary) == list(rec.MOVES)
    assert summary == {
        "improved": 1,
        "declined": 1,
        "unchanged": 1,
        "new": 1,
        "dropped": 1,
        "reopened": 0,
        "not_reported": 2,
    }


def test_moves_reopened_and_first_round():
    sts = pd.concat(
        [
            status_frame(),
            pd.DataFrame(
                [
                    {
                        "recommendation_id": "D",
                        "round_id": "2009-H2",
                        "status": "limited",
                        "reason": None,
                        "note": None,
                        "reported_by": "x",
                        "reported_on": "2009-11-01",
                    }
                ]
            ),
        ]
    )
    assert rec.moves(recs_frame(), sts, "2009-H1", "2009-H2").set_index("id").loc["D", "move"] == "reopened"
    first = rec.moves(recs_frame(), sts, None, "2008-H2").set_index("id")["move"]
    assert set(first[["A", "B", "C", "D"]]) == {"new"} and first["G"] == "not_reported"


def test_history_and_addressed_to():
    h = rec.history(status_frame(), "D")
    assert h["round_id"].tolist() == ["2008-H2", "2009-H1"]
    recs = recs_frame()
    assert rec.addressed_to(recs, {"UNDP"})["id"].tolist() == ["A", "E"]
    assert rec.addressed_to(recs, {"New York Office", "WHO"})["id"].tolist() == ["A", "D"]
    assert rec.addressed_to(recs, set()).empty


def test_seed_recommendations_of_2008_h1_stand_in_2008_h2_some_overdue():
    """The illustrative seed has the cases the pages and the briefing show."""
    recs = pd.read_csv(DATA_DIR / "recommendations.csv", dtype=str, keep_default_na=False)
    sts = pd.read_csv(DATA_DIR / "recommendation_status.csv", dtype=str, keep_default_na=False)
    rounds = pd.read_csv(DATA_DIR / "rounds.csv", dtype=str)
    out = rec.standing(recs, sts, rounds, "2008-H2", made_in="2008-H1")
    assert len(out) >= 4 and set(out["status_round"]) == {"2008-H2"}
    assert out["overdue"].any() and not out["overdue"].all()
    every = rec.standing(recs, sts, rounds, "2008-H2")
    assert set(every["round_id"]) == {"2006-H1", "2006-H2", "2007-H1", "2007-H2", "2008-H1"}
    assert (every["status"] == "dropped").any() and (every["status"] == "completed").any()
    undp_139 = every[
        every["addressees"].map(lambda a: "UNDP" in split_list(a))
        & every["action_point_ids"].map(lambda a: "139" in split_list(a))
    ]
    assert len(undp_139) >= 1
    summary = rec.move_summary(rec.moves(recs, sts, "2008-H1", "2008-H2"))
    assert summary["improved"] > 0 and summary["new"] > 0
