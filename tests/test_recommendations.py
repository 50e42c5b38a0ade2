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


# --- Validation of the list columns (lib.ingest, no database) ------------------------------

REFS = {
    "round": {"2008-H1", "2008-H2"},
    "action_point": {"128", "139"},
    "indicator": {"1.1", "8.2", "8.16"},
    "addressee": {"UNDP", "UNICEF", "New York Office"},
    "recommendation": {"R-1"},
}
REC_CSV = (
    "id,round_id,text,addressees,action_point_ids,indicator_codes,lead,due_round,due_date,priority\n"
    "R-1,2008-H2,t, UNICEF;UNDP ;UNDP,139;128,8.16; 1.1;8.2,UNDP,2008-H2,,High\n"
    "R-2,2008-H2,t,UNDP; WFP,139;140,9.9,WFP,,,low\n"
)


def _validate(text: str):
    from lib.datasets import RECOMMENDATIONS
    from lib.ingest import parse, validate

    return validate(parse(text, RECOMMENDATIONS), RECOMMENDATIONS, REFS)


def test_list_cells_are_normalised_and_checked_value_by_value():
    typed, problems = _validate(REC_CSV)
    assert typed.loc[2, ["addressees", "action_point_ids", "indicator_codes", "priority"]].tolist() == [
        "UNDP; UNICEF",
        "128; 139",
        "1.1; 8.2; 8.16",
        "high",
    ]
    got = sorted((p.row, p.column, p.value) for p in problems)
    assert got == [
        (3, "action_point_ids", "140"),
        (3, "addressees", "WFP"),
        (3, "indicator_codes", "9.9"),
        (3, "lead", "WFP"),  # unknown (it is one of the addressees given)
    ]
    unknown = next(p for p in problems if p.column == "addressees")
    assert (
        unknown.message == "'addressees' value 'WFP' is unknown; use one of: New York Office, UNDP, UNICEF."
    )


def test_list_checks_agree_with_pandera():
    """build_schema (for other tools) applies the same value rules to each value of a list cell."""
    import pandera.pandas as pa

    from lib.datasets import RECOMMENDATIONS
    from lib.ingest import build_schema, parse
    from lib.ingest.validate import coerce as _coerce

    typed, _ = _coerce(parse(REC_CSV, RECOMMENDATIONS).frame, RECOMMENDATIONS)
    with pytest.raises(pa.errors.SchemaErrors) as err:
        build_schema(RECOMMENDATIONS, REFS).validate(typed, lazy=True)
    failed = {(int(r.index), r.column) for r in err.value.failure_cases.itertuples()}
    assert failed == {(3, "addressees"), (3, "action_point_ids"), (3, "indicator_codes"), (3, "lead")}
