"""Tests of the domains' metrics (lib/domains/*/metrics.py, mdg/rating.py, lib/rounds.py) on small hand-made frames with the expected numbers written out."""

from __future__ import annotations

import copy
import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from lib import reference
from lib.domains.action2 import metrics as a2_metrics
from lib.domains.action_points import metrics as ap_metrics
from lib.domains.mdg import metrics as mdg_metrics
from lib.domains.mdg import rating as mdg_rating
from lib.domains.workload import metrics as wl_metrics
from lib.rounds import previous_round, round_bounds, round_key, round_of_date, sort_rounds

# --- Fixtures ------------------------------------------------------------------------

POINTS = {
    # action_point_id: (cluster, cluster_title, paragraph, sort_order)
    "127a": ("A", "Country engagement", 127, 1),
    "128": ("A", "Country engagement", 128, 6),
    "134": ("B", "Leadership", 134, 12),
    "140": ("C", "Partnership", 140, 18),
}


def _report(round_id: str, point: str, status: str, assessment: str, due: date | None = None) -> dict:
    cluster, title, paragraph, order = POINTS[point]
    return {
        "round_id": round_id,
        "action_point_id": point,
        "status": status,
        "assessment": assessment,
        "percent_complete": 50,
        "lead_unit": "EDM",
        "due_date": due,
        "summary": "s",
        "next_steps": None,
        "internal_notes": None,
        "reported_by": "A. Officer",
        "reported_on": date(2009, 5, 1),
        "cluster": cluster,
        "cluster_title": title,
        "paragraph": paragraph,
        "text": "t",
        "sort_order": order,
    }


@pytest.fixture
def reports() -> pd.DataFrame:
    return pd.DataFrame(
        [
            _report("2008-H2", "127a", "limited", "on_track", date(2009, 12, 31)),
            _report("2008-H2", "128", "substantial", "on_track"),
            _report("2008-H2", "134", "limited", "at_risk"),
            # 2009-H1: 127a improves, 128 declines, 134 unchanged, 140 new
            _report("2009-H1", "127a", "substantial", "at_risk", date(2009, 3, 31)),
            _report("2009-H1", "128", "limited", "off_track", date(2009, 4, 30)),
            _report("2009-H1", "134", "limited", "off_track", date(2010, 1, 1)),
            _report("2009-H1", "140", "completed", "at_risk", date(2009, 1, 31)),
        ]
    )


def _unchanged(func, *frames, **kwargs):
    """Call ``func`` and assert that no input frame was changed."""
    before = [copy.deepcopy(f) for f in frames]
    result = func(*frames, **kwargs)
    for original, frame in zip(before, frames, strict=True):
        pd.testing.assert_frame_equal(original, frame)
    return result


# --- Rounds ------------------------------------------------------------------------


def test_round_key_and_previous_round():
    assert round_key("2009-H2") == (2009, 2)
    assert sort_rounds(["2009-H2", "2008-H2", "2009-H1", "2009-H1"]) == ["2008-H2", "2009-H1", "2009-H2"]
    ids = ["2009-H2", "2008-H1", "2009-H1"]
    assert previous_round(ids, "2009-H2") == "2009-H1"
    assert previous_round(ids, "2009-H1") == "2008-H1"  # 2008-H2 missing: the one before it
    assert previous_round(ids, "2008-H1") is None
    with pytest.raises(ValueError):
        round_key("2009-H3")


def test_round_bounds_and_round_of_date():
    assert round_bounds("2009-H1") == (pd.Timestamp(2009, 1, 1), pd.Timestamp(2009, 6, 30))
    assert round_bounds("2009-H2") == (pd.Timestamp(2009, 7, 1), pd.Timestamp(2009, 12, 31))
    assert round_of_date(date(2009, 6, 30)) == "2009-H1"
    assert round_of_date(date(2009, 7, 1)) == "2009-H2"


# --- Action points -----------------------------------------------------------------


def test_status_rank_is_ordinal():
    assert [ap_metrics.status_rank(s) for s in ("not_started", "limited", "substantial", "completed")] == [
        0,
        1,
        2,
        3,
    ]
    assert ap_metrics.status_rank("Completed") == 3
    with pytest.raises(ValueError):
        ap_metrics.status_rank("done")


def test_cluster_rollup_counts_and_shares(reports):
    out = _unchanged(ap_metrics.cluster_rollup, reports, round_id="2009-H1")
    assert list(out.columns) == [
        "cluster",
        "cluster_title",
        "status",
        "status_rank",
        "count",
        "total",
        "share",
    ]
    a = out[out["cluster"] == "A"]
    # every status present, in ordinal order, zeros included
    assert list(a["status"]) == ["not_started", "limited", "substantial", "completed"]
    assert list(a["count"]) == [0, 1, 1, 0]
    assert list(a["share"]) == [0.0, 0.5, 0.5, 0.0]
    assert set(a["total"]) == {2}
    c = out[out["cluster"] == "C"].set_index("status")
    assert c.loc["completed", "share"] == 1.0
    assert c.loc["completed", "cluster_title"] == "Partnership"
    assert list(out["cluster"].unique()) == ["A", "B", "C"]


def test_cluster_rollup_unknown_round_is_empty(reports):
    assert ap_metrics.cluster_rollup(reports, "2001-H1").empty


def test_status_moves(reports):
    moves = _unchanged(ap_metrics.status_moves, reports, round_id="2009-H1", previous_round_id="2008-H2")
    got = moves.set_index("action_point_id")[["previous_status", "status", "move"]]
    assert got.loc["127a"].tolist() == ["limited", "substantial", "improved"]
    assert got.loc["128"].tolist() == ["substantial", "limited", "declined"]
    assert got.loc["134"].tolist() == ["limited", "limited", "unchanged"]
    assert pd.isna(got.loc["140", "previous_status"]) and got.loc["140", "move"] == "new"
    # plan order (sort_order)
    assert list(moves["action_point_id"]) == ["127a", "128", "134", "140"]
    assert ap_metrics.move_summary(moves) == {"improved": 1, "declined": 1, "unchanged": 1, "new": 1}


def test_status_moves_without_previous_round_are_all_new(reports):
    moves = ap_metrics.status_moves(reports, "2008-H2", None)
    assert ap_metrics.move_summary(moves) == {"improved": 0, "declined": 0, "unchanged": 0, "new": 3}


def test_overdue_with_fixed_date(reports):
    out = _unchanged(ap_metrics.overdue, reports, round_id="2009-H1", as_of=date(2009, 5, 15))
    flags = out.set_index("action_point_id")
    assert flags["overdue"].to_dict() == {"127a": True, "128": True, "134": False, "140": False}
    # 140 is past due but completed; 134 is due later
    assert flags.loc["127a", "days_overdue"] == 45  # 31 Mar -> 15 May
    assert flags.loc["128", "days_overdue"] == 15
    assert flags.loc["134", "days_overdue"] == 0


def test_overdue_ignores_missing_due_date(reports):
    out = ap_metrics.overdue(reports, "2008-H2", pd.Timestamp("2030-01-01"))
    assert out.set_index("action_point_id")["overdue"].to_dict() == {"127a": True, "128": False, "134": False}


def test_newly_at_risk(reports):
    out = _unchanged(ap_metrics.newly_at_risk, reports, round_id="2009-H1", previous_round_id="2008-H2")
    # 127a and 128 were on track; 140 is new; 134 was already at risk
    assert list(out["action_point_id"]) == ["127a", "128", "140"]
    assert out.set_index("action_point_id")["previous_assessment"].isna().to_dict() == {
        "127a": False,
        "128": False,
        "140": True,
    }


def test_point_history_in_round_order(reports):
    shuffled = reports.iloc[::-1].reset_index(drop=True)
    out = _unchanged(ap_metrics.point_history, shuffled, action_point_id="127a")
    assert list(out["round_id"]) == ["2008-H2", "2009-H1"]
    assert list(out["status_rank"]) == [1, 2]


# --- MDG progress rating -----------------------------------------------------------

INDICATORS = pd.DataFrame(
    {
        "code": ["1.1", "2.1", "4.1", "5.1", "9.9"],
        "target_ratio_2015": [None, None, 1 / 3, 0.25, None],
        "desired_direction": ["decrease", "increase", "decrease", "decrease", "none"],
    }
)


def _obs(rows: list[tuple]) -> pd.DataFrame:
    """rows: (indicator, country, year, value[, source[, sex[, location]]])."""
    out = []
    for r in rows:
        ind, iso, year, value, *rest = r
        source, sex, location = (list(rest) + ["UNSD", "total", "total"][len(rest) :])[:3]
        out.append(
            {
                "indicator_code": ind,
                "series_code": f"S{ind}",
                "country_iso3": iso,
                "year": year,
                "value": value,
                "unit": "u",
                "sex": sex,
                "location": location,
                "source": source,
                "nature": "C",
                "footnote": None,
            }
        )
    return pd.DataFrame(out)


def _rating(out: pd.DataFrame, ind: str, iso: str, source: str = "UNSD") -> pd.Series:
    rows = out[(out["indicator_code"] == ind) & (out["country_iso3"] == iso) & (out["source"] == source)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_cagr_method_by_hand():
    obs = _obs(
        [
            ("1.1", "AAA", 2000, 40.0),
            ("1.1", "AAA", 2005, 38.0),
            ("1.1", "AAA", 2010, 30.0),  # (30/40)^(1/10)-1 = -0.028358: falling is progress
            ("1.1", "BBB", 2000, 10.0),
            ("1.1", "BBB", 2010, 15.0),  # +0.041380 on a "decrease" indicator
            ("2.1", "AAA", 2000, 80.0),
            ("2.1", "AAA", 2010, 82.0),  # +0.002472
            ("2.1", "BBB", 2000, 80.0),
            ("2.1", "BBB", 2010, 79.0),  # -0.001257
        ]
    )
    out = _unchanged(mdg_rating.progress_rating, obs, INDICATORS)
    r = _rating(out, "1.1", "AAA")
    assert r["method"] == "cagr"
    assert (r["base_year"], r["base_value"], r["latest_year"], r["latest_value"]) == (2000, 40.0, 2010, 30.0)
    assert r["cagr"] == pytest.approx(-0.028358, abs=1e-6)
    assert r["directed_cagr"] == pytest.approx(0.028358, abs=1e-6)
    assert (r["rating"], r["arrow"], r["n_points"]) == ("substantial progress", "↑", 3)
    assert math.isnan(r["required_cagr"]) and math.isnan(r["target_value"])

    r = _rating(out, "1.1", "BBB")
    assert r["cagr"] == pytest.approx(0.041380, abs=1e-6)
    assert (r["rating"], r["arrow"]) == ("substantial deterioration", "↓")
    r = _rating(out, "2.1", "AAA")
    assert r["cagr"] == pytest.approx(0.002472, abs=1e-6)
    assert (r["rating"], r["arrow"]) == ("moderate progress", "↗")
    r = _rating(out, "2.1", "BBB")
    assert r["cagr"] == pytest.approx(-0.001257, abs=1e-6)
    assert (r["rating"], r["arrow"]) == ("moderate deterioration", "↘")


def test_cagr_thresholds_at_the_boundaries():
    # exactly +1 % a year for 1 year is substantial; exactly 0 is deterioration (not progress)
    obs = _obs([("2.1", "AAA", 2000, 100.0), ("2.1", "AAA", 2001, 101.0)])
    obs = pd.concat([obs, _obs([("2.1", "BBB", 2000, 50.0), ("2.1", "BBB", 2004, 50.0)])])
    out = mdg_rating.progress_rating(obs, INDICATORS)
    assert _rating(out, "2.1", "AAA")["rating"] == "substantial progress"
    assert _rating(out, "2.1", "BBB")["rating"] == "moderate deterioration"


def test_target_method_on_track_4_1():
    # 4.1: reduce by two thirds from 1990; 1990 = 90, 2015 = 30 hits the target exactly
    obs = _obs([("4.1", "AAA", 1990, 90.0), ("4.1", "AAA", 2000, 60.0), ("4.1", "AAA", 2015, 30.0)])
    r = _rating(mdg_rating.progress_rating(obs, INDICATORS), "4.1", "AAA")
    assert r["method"] == "target"
    assert r["target_value"] == pytest.approx(30.0)
    assert r["required_cagr"] == pytest.approx(-0.042993, abs=1e-6)  # (1/3)^(1/25) - 1
    assert r["cagr"] == pytest.approx(r["required_cagr"])
    assert r["ratio"] == pytest.approx(1.0)
    assert (r["rating"], r["arrow"]) == ("on track", "↑")


def test_target_method_slow_moderate_and_moving_away():
    obs = _obs(
        [
            ("4.1", "AAA", 1990, 120.0),
            ("4.1", "AAA", 2000, 100.0),  # actual -0.018067 / required -0.042993 = 0.4202
            ("4.1", "BBB", 1985, 130.0),  # before 1990: not the baseline
            ("4.1", "BBB", 1995, 100.0),  # baseline: earliest year from 1990
            ("4.1", "BBB", 2005, 70.0),  # actual -0.035039 / required -0.053449 = 0.6556
            ("4.1", "CCC", 1990, 50.0),
            ("4.1", "CCC", 2000, 60.0),  # rising mortality: ratio < 0
        ]
    )
    out = mdg_rating.progress_rating(obs, INDICATORS)
    r = _rating(out, "4.1", "AAA")
    assert r["ratio"] == pytest.approx(0.4202, abs=1e-4)
    assert (r["rating"], r["arrow"]) == ("slow progress", "→")
    r = _rating(out, "4.1", "BBB")
    assert (r["base_year"], r["base_value"], r["target_value"]) == (1995, 100.0, pytest.approx(100 / 3))
    assert r["required_cagr"] == pytest.approx(-0.053449, abs=1e-6)  # over 2015 - 1995 = 20 years
    assert r["cagr"] == pytest.approx(-0.035039, abs=1e-6)
    assert r["ratio"] == pytest.approx(0.6555, abs=1e-4)
    assert r["rating"] == "moderate progress"
    r = _rating(out, "4.1", "CCC")
    assert r["ratio"] < 0
    assert (r["rating"], r["arrow"]) == ("moving away", "↓")


def test_target_ratio_5_1_quarter():
    obs = _obs([("5.1", "AAA", 1990, 800.0), ("5.1", "AAA", 2015, 200.0)])
    r = _rating(mdg_rating.progress_rating(obs, INDICATORS), "5.1", "AAA")
    assert r["target_value"] == pytest.approx(200.0)
    assert r["rating"] == "on track"


def test_insufficient_data_and_not_rated():
    obs = _obs(
        [
            ("1.1", "AAA", 2000, 40.0),  # single point
            ("1.1", "BBB", 2000, 0.0),
            ("1.1", "BBB", 2010, 5.0),  # zero at the start: no CAGR
            ("2.1", "AAA", 2000, -1.0),
            ("2.1", "AAA", 2010, 5.0),  # negative: no CAGR
            ("9.9", "AAA", 2000, 1.0),
            ("9.9", "AAA", 2010, 2.0),  # no desired direction, no target
            ("7.7", "AAA", 2000, 1.0),
            ("7.7", "AAA", 2010, 2.0),  # indicator unknown
            ("4.1", "CCC", 1985, 100.0),
            ("4.1", "CCC", 1988, 90.0),  # target method needs data from 1990
        ]
    )
    out = mdg_rating.progress_rating(obs, INDICATORS)
    for ind, iso in [("1.1", "AAA"), ("1.1", "BBB"), ("2.1", "AAA"), ("4.1", "CCC")]:
        r = _rating(out, ind, iso)
        assert (r["rating"], r["arrow"]) == ("insufficient data", ""), (ind, iso)
        assert math.isnan(r["cagr"])
    assert _rating(out, "9.9", "AAA")["rating"] == "not rated"
    assert _rating(out, "7.7", "AAA")["rating"] == "not rated"
    assert _rating(out, "9.9", "AAA")["method"] == "none"


def test_sources_are_never_merged():
    # one point per source: together they would make a 2000-2010 series, apart each is too short
    obs = _obs([("1.1", "AAA", 2000, 40.0, "Survey A"), ("1.1", "AAA", 2010, 30.0, "Survey B")])
    out = mdg_rating.progress_rating(obs, INDICATORS)
    assert len(out) == 2
    assert set(out["rating"]) == {"insufficient data"}
    assert set(out["source"]) == {"Survey A", "Survey B"}


def test_sex_and_location_are_separate_series():
    obs = _obs(
        [
            ("2.1", "AAA", 2000, 50.0, "UNSD", "female"),
            ("2.1", "AAA", 2010, 70.0, "UNSD", "female"),
            ("2.1", "AAA", 2000, 80.0, "UNSD", "male"),
            ("2.1", "AAA", 2010, 79.0, "UNSD", "male"),
        ]
    )
    out = mdg_rating.progress_rating(obs, INDICATORS).set_index("sex")
    assert out.loc["female", "rating"] == "substantial progress"
    assert out.loc["male", "rating"] == "moderate deterioration"


def test_progress_rating_columns_expose_the_calculation():
    out = mdg_rating.progress_rating(_obs([("1.1", "AAA", 2000, 4.0), ("1.1", "AAA", 2001, 3.0)]), INDICATORS)
    for col in [
        "base_year",
        "base_value",
        "latest_year",
        "latest_value",
        "target_value",
        "cagr",
        "required_cagr",
        "ratio",
        "rating",
        "arrow",
        "method",
        "source",
    ]:
        assert col in out.columns
    assert out.loc[0, "rating_order"] == mdg_rating.RATING_ORDER.index("substantial progress")


# --- Equity gaps ---------------------------------------------------------------------


@pytest.fixture
def sex_obs() -> pd.DataFrame:
    return _obs(
        [
            ("2.1", "NPL", 2000, 60.0, "UNSD", "female"),
            ("2.1", "NPL", 2000, 80.0, "UNSD", "male"),
            ("2.1", "NPL", 2005, 70.0, "UNSD", "female"),
            ("2.1", "NPL", 2005, 85.0, "UNSD", "male"),
            ("2.1", "NPL", 2010, 70.0, "UNSD", "female"),
            ("2.1", "NPL", 2010, 95.0, "UNSD", "male"),  # gap -20 -> -25: widened
            ("2.1", "NPL", 2012, 72.0, "UNSD", "female"),  # no male value: not a gap year
            ("2.1", "NPL", 2010, 90.0, "UNSD", "total"),
            ("2.1", "IND", 2000, 50.0, "UNSD", "female"),
            ("2.1", "IND", 2000, 80.0, "UNSD", "male"),
            ("2.1", "IND", 2010, 88.0, "UNSD", "female"),
            ("2.1", "IND", 2010, 90.0, "UNSD", "male"),  # gap -30 -> -2: narrowed
            ("2.1", "PAK", 2000, 40.0, "UNSD", "female"),
            ("2.1", "PAK", 2000, 50.0, "UNSD", "male"),
            ("2.1", "PAK", 2010, 60.0, "UNSD", "female"),
            ("2.1", "PAK", 2010, 50.0, "UNSD", "male"),  # -10 -> +10: same size, reversed
            ("2.1", "BGD", 2000, 40.0, "UNSD", "female"),
            ("2.1", "BGD", 2000, 50.0, "UNSD", "male"),  # a single year
            ("2.1", "BGD", 2000, 40.0, "DHS", "female"),
            ("2.1", "BGD", 2010, 45.0, "DHS", "male"),  # sources not merged: female and male never meet
        ]
    )


def test_equity_gaps_by_sex(sex_obs):
    gaps = _unchanged(mdg_metrics.equity_gaps, sex_obs, dimension="sex")
    npl = gaps[gaps["country_iso3"] == "NPL"]
    assert list(npl["year"]) == [2000, 2005, 2010]
    assert list(npl["difference"]) == [-20.0, -15.0, -25.0]
    assert list(npl["ratio"]) == pytest.approx([0.75, 70 / 85, 70 / 95])
    assert set(gaps["group_a"]) == {"female"} and set(gaps["group_b"]) == {"male"}
    assert "location" in gaps.columns and "sex" not in gaps.columns
    assert gaps[(gaps["country_iso3"] == "BGD")]["source"].tolist() == ["UNSD"]


def test_equity_gaps_key_every_row_as_series_key_does():
    # Keys are worked out once per distinct code: every row still gets its own code's key,
    # a missing code included, whatever the column's dtype.
    codes = [("S, girls", "female"), ("S, boys", "male"), (None, "female"), (None, "male")]
    rows = [
        {
            "indicator_code": "x",
            "series_code": code,
            "country_iso3": iso3,
            "year": year,
            "value": float(year - 1990 + (sex == "male")),
            "unit": "%",
            "sex": sex,
            "location": "total",
            "source": "UNSD",
        }
        for code, sex in codes
        for iso3 in ("NPL", "MOZ")
        for year in (2000, 2005, 2010)
    ]
    for obs in (pd.DataFrame(rows), pd.DataFrame(rows).astype({"series_code": object})):
        gaps = mdg_metrics.equity_gaps(obs, "sex")
        assert len(gaps) == 12
        assert gaps["series_key"].tolist() == [mdg_metrics.series_key(c, "sex") for c in gaps["series_code"]]
        assert set(gaps["series_key"]) == {"s", "none"} or set(gaps["series_key"]) == {"s", "nan"}
        assert (gaps["difference"] == -1.0).all()
    assert mdg_metrics.equity_gaps(pd.DataFrame(rows).iloc[:0], "sex").empty


def test_equity_gaps_pair_un_style_series_per_group():
    # The UN MDG database names each group's series apart; they pair on the rest of the label.
    rows = [
        ("Total net enrolment ratio in primary education, girls", "female", "total", 2000, 60.0),
        ("Total net enrolment ratio in primary education, boys", "male", "total", 2000, 80.0),
        ("Total net enrolment ratio in primary education, girls", "female", "total", 2010, 85.0),
        ("Total net enrolment ratio in primary education, boys", "male", "total", 2010, 90.0),
        ("Employment-to-population ratio, women, %", "female", "total", 2000, 40.0),
        ("Employment-to-population ratio, men, %", "male", "total", 2000, 70.0),
        ("at_least_basic_water_source_rural_access_percent", "total", "rural", 2000, 50.0),
        ("at_least_basic_water_source_urban_access_percent", "total", "urban", 2000, 90.0),
    ]
    obs = pd.DataFrame(
        [
            {
                "indicator_code": "x",
                "series_code": code,
                "country_iso3": "NPL",
                "year": year,
                "value": value,
                "unit": "%",
                "sex": sex,
                "location": loc,
                "source": "UNSD",
            }
            for code, sex, loc, year, value in rows
        ]
    )
    assert (
        mdg_metrics.series_key("Employment-to-population ratio, women, %", "sex")
        == "employment to population ratio"
    )
    by_sex = mdg_metrics.equity_gaps(obs, "sex")
    assert len(by_sex) == 3
    enrol = by_sex[by_sex["series_key"] == "total net enrolment ratio in primary education"]
    assert enrol["difference"].tolist() == [-20.0, -5.0]
    assert enrol["series_code_b"].iloc[0].endswith("boys") and enrol["series_code"].iloc[0].endswith("girls")
    assert (
        mdg_metrics.gap_trend(by_sex).set_index("series_key").loc[enrol["series_key"].iloc[0], "trend"]
        == "narrowed"
    )
    by_location = mdg_metrics.equity_gaps(obs, "location")
    assert by_location["difference"].tolist() == [-40.0]
    assert by_location["series_key"].tolist() == ["at least basic water source access percent"]


def test_gap_trend(sex_obs):
    gaps = mdg_metrics.equity_gaps(sex_obs, "sex")
    trend = _unchanged(mdg_metrics.gap_trend, gaps).set_index("country_iso3")
    assert trend.loc["NPL", "trend"] == "widened"
    assert (trend.loc["NPL", "first_year"], trend.loc["NPL", "latest_year"]) == (2000, 2010)
    assert trend.loc["NPL", "change"] == pytest.approx(5.0)
    assert trend.loc["IND", "trend"] == "narrowed"
    assert trend.loc["IND", "change"] == pytest.approx(-28.0)
    assert trend.loc["PAK", "trend"] == "unchanged"
    assert bool(trend.loc["PAK", "sign_reversed"]) and not bool(trend.loc["NPL", "sign_reversed"])
    assert trend.loc["BGD", "trend"] == "insufficient data"


def test_gap_trend_tolerance_absorbs_float_noise():
    gaps = mdg_metrics.equity_gaps(
        _obs(
            [
                ("2.1", "AAA", 2000, 0.3, "S", "female"),
                ("2.1", "AAA", 2000, 0.1, "S", "male"),  # 0.19999999999999998
                ("2.1", "AAA", 2010, 0.5, "S", "female"),
                ("2.1", "AAA", 2010, 0.3, "S", "male"),  # 0.2
            ]
        ),
        "sex",
    )
    assert gaps["difference"].iloc[0] != gaps["difference"].iloc[1]
    assert mdg_metrics.gap_trend(gaps)["trend"].tolist() == ["unchanged"]


def test_equity_gaps_by_location_keeps_sex_apart():
    obs = _obs(
        [
            ("7.8", "AAA", 2000, 40.0, "S", "total", "rural"),
            ("7.8", "AAA", 2000, 90.0, "S", "total", "urban"),
            ("7.8", "AAA", 2000, 30.0, "S", "female", "rural"),
            ("7.8", "AAA", 2000, 95.0, "S", "female", "urban"),
            ("7.8", "AAA", 2000, 80.0, "S", "total", "total"),
        ]
    )
    gaps = mdg_metrics.equity_gaps(obs, "location").set_index("sex")
    assert gaps.loc["total", "ratio"] == pytest.approx(40 / 90)
    assert gaps.loc["total", "difference"] == -50.0
    assert gaps.loc["female", "difference"] == -65.0
    assert (gaps["group_a"].iloc[0], gaps["group_b"].iloc[0]) == ("rural", "urban")
    with pytest.raises(ValueError):
        mdg_metrics.equity_gaps(obs, "age")


def test_equity_ratio_with_zero_denominator_is_nan():
    obs = _obs([("2.1", "AAA", 2000, 1.0, "S", "female"), ("2.1", "AAA", 2000, 0.0, "S", "male")])
    gaps = mdg_metrics.equity_gaps(obs, "sex")
    assert math.isnan(gaps["ratio"].iloc[0]) and gaps["difference"].iloc[0] == 1.0


def test_disaggregation_coverage(sex_obs):
    extra = _obs(
        [("7.8", "NPL", 2000, 1.0, "S", "total", "rural"), ("7.8", "NPL", 2000, 2.0, "S", "total", "urban")]
    )
    obs = pd.concat([sex_obs, extra], ignore_index=True)
    cov = _unchanged(mdg_metrics.disaggregation_coverage, obs).set_index(["country_iso3", "indicator_code"])
    assert cov.loc[("NPL", "2.1"), "n_obs"] == 8
    assert cov.loc[("NPL", "2.1"), "n_sex"] == 7
    assert bool(cov.loc[("NPL", "2.1"), "has_sex"]) and not bool(cov.loc[("NPL", "2.1"), "has_location"])
    assert bool(cov.loc[("NPL", "7.8"), "has_location"]) and cov.loc[("NPL", "7.8"), "n_location"] == 2
    assert (cov.loc[("NPL", "2.1"), "first_year"], cov.loc[("NPL", "2.1"), "latest_year"]) == (2000, 2012)


def test_latest_values():
    obs = _obs(
        [
            ("1.1", "AAA", 2000, 40.0),
            ("1.1", "AAA", 2010, 30.0),
            ("1.1", "AAA", 2012, np.nan),  # no value: not the latest
            ("1.1", "AAA", 2005, 35.0, "Other"),
        ]
    )
    out = _unchanged(mdg_metrics.latest_values, obs)
    assert out.set_index("source")["year"].to_dict() == {"Other": 2005, "UNSD": 2010}
    assert out.set_index("source")["value"].to_dict() == {"Other": 35.0, "UNSD": 30.0}


# --- New York workload ---------------------------------------------------------------


def _item(id_: str, received: str, area: str, hours: float, status: str, completed: str | None = None):
    return {
        "id": id_,
        "received_on": date.fromisoformat(received),
        "work_area": area,
        "requesting_body": "Security Council" if area == "rule_of_law" else "UNDG",
        "kind": "briefing",
        "title": "t",
        "staff_member": "NY officer 1",
        "hours": hours,
        "status": status,
        "completed_on": date.fromisoformat(completed) if completed else None,
    }


@pytest.fixture
def items() -> pd.DataFrame:
    return pd.DataFrame(
        [
            _item("NY1", "2009-06-20", "rule_of_law", 5.0, "open"),
            _item("NY2", "2009-05-01", "mdgs", 10.0, "in_progress"),
            _item("NY3", "2009-01-15", "rule_of_law", 2.5, "open"),
            _item("NY4", "2008-11-01", "other", 20.0, "completed", "2009-07-10"),
            _item("NY5", "2009-02-01", "rule_of_law", 4.0, "completed", "2009-03-01"),
            _item("NY6", "2009-07-05", "action2", 8.0, "open"),
            _item("NY7", "2009-03-10", "rule_of_law", 6.0, "completed", "2009-03-20"),
        ]
    )


def test_backlog_ages_with_fixed_as_of(items):
    out = _unchanged(wl_metrics.backlog, items, as_of=date(2009, 6, 30))
    # NY5/NY7 closed before; NY6 received after; NY4 completed after as_of, so still open then
    assert list(out["id"]) == ["NY4", "NY3", "NY2", "NY1"]
    assert list(out["age_days"]) == [241, 166, 60, 10]
    assert list(out["age_bucket"]) == [">180", "91-180", "31-90", "0-30"]


def test_age_bucket_edges():
    assert [wl_metrics.age_bucket(d) for d in (0, 30, 31, 90, 91, 180, 181)] == [
        "0-30",
        "0-30",
        "31-90",
        "31-90",
        "91-180",
        "91-180",
        ">180",
    ]


def test_monthly_counts_fills_empty_months(items):
    out = _unchanged(wl_metrics.monthly_counts, items)
    assert list(out.columns) == ["month", "work_area", "items", "hours"]
    months = sorted(out["month"].unique())
    assert len(months) == 9  # Nov 2008 .. Jul 2009
    assert pd.Timestamp(months[0]) == pd.Timestamp(2008, 11, 1)
    assert len(out) == 9 * 4  # every month x the four areas seen
    row = out[(out["month"] == pd.Timestamp(2009, 3, 1)) & (out["work_area"] == "rule_of_law")].iloc[0]
    assert (row["items"], row["hours"]) == (1, 6.0)
    assert out[out["month"] == pd.Timestamp(2008, 12, 1)]["items"].sum() == 0
    assert out["items"].sum() == 7 and out["hours"].sum() == 55.5


def test_monthly_counts_by_requesting_body(items):
    out = wl_metrics.monthly_counts(items, by="requesting_body")
    assert out.groupby("requesting_body")["items"].sum().to_dict() == {"Security Council": 4, "UNDG": 3}
    with pytest.raises(ValueError):
        wl_metrics.monthly_counts(items, by="kind")


def test_by_round(items):
    rounds = pd.DataFrame(
        {
            "id": ["2009-H1", "2009-H2"],
            "meeting_date": [date(2009, 5, 15), date(2009, 11, 15)],
            "cutoff_date": [date(2009, 4, 30), date(2009, 10, 31)],
        }
    )
    out = _unchanged(wl_metrics.by_round, items, rounds).set_index(["round_id", "work_area"])
    assert out.loc[("2009-H1", "rule_of_law"), "items"] == 4
    assert out.loc[("2009-H1", "rule_of_law"), "hours"] == 17.5
    assert out.loc[("2009-H2", "action2"), "items"] == 1
    assert out.loc[("2009-H2", "rule_of_law"), "items"] == 0
    assert out["items"].sum() == 6  # NY4 (2008-H2) is outside the listed rounds
    assigned = wl_metrics.assign_round(items, rounds).set_index("id")["round_id"]
    assert assigned["NY1"] == "2009-H1" and assigned["NY6"] == "2009-H2" and pd.isna(assigned["NY4"])


def test_hours_vs_capacity(items):
    out = _unchanged(wl_metrics.hours_vs_capacity, items, hours_per_officer=10.0).set_index("month")
    assert out.loc[pd.Timestamp(2008, 11, 1), "hours"] == 20.0
    assert out.loc[pd.Timestamp(2008, 11, 1), "utilisation"] == 2.0
    assert bool(out.loc[pd.Timestamp(2008, 11, 1), "over_capacity"])
    assert out.loc[pd.Timestamp(2008, 12, 1), "hours"] == 0.0
    assert not bool(out.loc[pd.Timestamp(2009, 5, 1), "over_capacity"])  # exactly at capacity
    with pytest.raises(ValueError):
        wl_metrics.hours_vs_capacity(items, 0)


def test_capacity_counts_the_officers_on_staff_each_month(items):
    """A month's capacity: its officers (first to last request) x hours each, not every officer ever seen."""
    items = items.copy()
    items.loc[items["id"].isin(["NY5", "NY7"]), "staff_member"] = "NY officer 2"  # Feb and Mar 2009 only
    on_staff = wl_metrics.officers_on_staff(items)
    assert on_staff[pd.Timestamp(2008, 11, 1)] == 1 and on_staff[pd.Timestamp(2009, 2, 1)] == 2
    assert on_staff[pd.Timestamp(2009, 4, 1)] == 1  # officer 2's last request was in March
    out = wl_metrics.hours_vs_capacity(items, 10.0).set_index("month")
    assert out.loc[pd.Timestamp(2009, 3, 1), "capacity_hours"] == 20.0
    assert out.loc[pd.Timestamp(2009, 7, 1), "capacity_hours"] == 10.0
    assert (out["capacity_hours"] == out["officers"] * 10.0).all()
    # A quiet last month or two before the cut-off is no departure: officer 2 last seen in May stays.
    items.loc[items["id"] == "NY2", "staff_member"] = "NY officer 2"  # 2009-05-01; the data end in July
    assert wl_metrics.officers_on_staff(items)[pd.Timestamp(2009, 7, 1)] == 2


def test_turnaround(items):
    out = _unchanged(wl_metrics.turnaround, items).set_index("work_area")
    assert out.loc["rule_of_law", "completed_items"] == 2
    assert out.loc["rule_of_law", "median_days"] == 19.0  # 28 and 10 days
    assert out.loc["rule_of_law", "mean_days"] == 19.0
    assert out.loc["other", "median_days"] == 251.0
    assert "mdgs" not in out.index  # nothing completed


def test_plan_area_share(items):
    out = _unchanged(wl_metrics.plan_area_share, items).set_index("group")
    assert list(out.index) == ["plan areas", "other"]
    assert out.loc["plan areas", "items"] == 6 and out.loc["other", "items"] == 1
    assert out.loc["other", "hours"] == 20.0
    assert out.loc["plan areas", "hour_share"] == pytest.approx(35.5 / 55.5)
    assert out.loc["plan areas", "item_share"] + out.loc["other", "item_share"] == pytest.approx(1.0)


def test_plan_area_share_empty():
    out = wl_metrics.plan_area_share(pd.DataFrame([_item("X", "2009-01-01", "mdgs", 1.0, "open")]).iloc[0:0])
    assert list(out["items"]) == [0, 0] and list(out["item_share"]) == [0.0, 0.0]


# --- Action 2 ----------------------------------------------------------------------


def _act(id_, agency, iso, type_, trained, advisers, status, round_id):
    return {
        "id": id_,
        "agency": agency,
        "country_iso3": iso,
        "type": type_,
        "start_date": date(2009, 2, 1),
        "end_date": None,
        "participants_trained": trained,
        "advisers_deployed": advisers,
        "status": status,
        "round_id": round_id,
        "description": "",
    }


@pytest.fixture
def acts() -> pd.DataFrame:
    return pd.DataFrame(
        [
            _act("A1", "UNDP", "NPL", "training", 25, 0, "completed", "2008-H1"),
            _act("A2", "UNDP", "NPL", "hr_adviser", 0, 2, "ongoing", "2009-H2"),
            _act("A3", "UNICEF", "NPL", "training", 40, 0, "completed", "2008-H2"),
            _act("A4", "UNICEF", "AFG", "hr_adviser", 0, 1, "completed", "2008-H2"),
            _act("A5", "UNFPA", "AFG", "training", 100, 0, "cancelled", "2008-H1"),
            _act("A6", "UNFPA", "SCG", "training", 10, 0, "completed", "2008-H1"),
        ]
    )


ROUND_IDS = ["2008-H1", "2008-H2", "2009-H1", "2009-H2"]


def test_by_agency_type(acts):
    out = _unchanged(a2_metrics.by_agency_type, acts)
    got = out.set_index(["agency", "type"])
    assert got.loc[("UNDP", "training"), "participants_trained"] == 25
    assert got.loc[("UNFPA", "training"), "activities"] == 1  # the cancelled one is left out
    assert got.loc[("UNFPA", "training"), "participants_trained"] == 10
    with_cancelled = a2_metrics.by_agency_type(acts, include_cancelled=True).set_index(["agency", "type"])
    assert with_cancelled.loc[("UNFPA", "training"), "participants_trained"] == 110
    one_round = a2_metrics.by_agency_type(acts, round_id="2008-H2")
    assert set(one_round["agency"]) == {"UNICEF"}


def test_by_country_with_m49(acts):
    out = _unchanged(a2_metrics.by_country, acts).set_index("country_iso3")
    assert out.loc["NPL", "activities"] == 3
    assert out.loc["NPL", "participants_trained"] == 65
    assert out.loc["NPL", "advisers_deployed"] == 2
    assert out.loc["NPL", "agencies"] == 2
    assert out.loc["NPL", "m49"] == "524"
    assert out.loc["AFG", "m49"] == "004"  # zero-padded like the TopoJSON ids
    assert out.loc["AFG", "country_name"] == "Afghanistan"
    assert out.loc["SCG", "m49"] == "891"  # retired code, from the historic list
    assert reference.m49_code("XKX") is None


def test_advisers_and_trained_over_time(acts):
    adv = _unchanged(a2_metrics.advisers_over_time, acts)
    assert list(adv["round_id"]) == ["2008-H1", "2008-H2", "2009-H2"]
    assert list(adv["advisers_deployed"]) == [0, 1, 2]
    assert list(adv["countries"]) == [0, 1, 1]
    trained = _unchanged(a2_metrics.trained_over_time, acts)
    assert list(trained["participants_trained"]) == [35, 40, 0]
    assert list(trained["training_activities"]) == [2, 1, 0]


def test_stale_agencies(acts):
    out = _unchanged(
        a2_metrics.stale_agencies, acts, rounds=ROUND_IDS, current_round="2009-H2", agencies=["WHO"]
    )
    assert out["agency"].tolist() == ["WHO", "UNFPA", "UNICEF"]  # most rounds missed first
    assert out["rounds_missed"].tolist() == [4, 3, 2]
    assert pd.isna(out["last_round"].iloc[0])  # never reported
    assert out["last_round"].tolist()[1:] == ["2008-H1", "2008-H2"]
    # as of 2009-H1 UNDP's 2009-H2 report does not exist yet
    agencies = pd.Series(["UNDP", "UNICEF"])  # a column of the agency table works too
    earlier = a2_metrics.stale_agencies(acts, pd.DataFrame({"id": ROUND_IDS}), "2009-H1", agencies).set_index(
        "agency"
    )
    assert earlier.loc["UNDP", "last_round"] == "2008-H1"
    assert earlier.loc["UNDP", "rounds_missed"] == 2
    assert "UNDP" not in a2_metrics.stale_agencies(acts, ROUND_IDS, "2009-H2")["agency"].tolist()


# --- Empty inputs ------------------------------------------------------------------


def test_functions_accept_empty_frames():
    # a fresh database: every page must still get a frame with its columns
    items = pd.DataFrame([_item("X", "2009-01-01", "mdgs", 1.0, "open")]).iloc[0:0]
    acts = pd.DataFrame([_act("A", "U", "NPL", "training", 1, 0, "completed", "2009-H1")]).iloc[0:0]
    obs = _obs([("1.1", "AAA", 2000, 1.0)]).iloc[0:0]
    expected = {
        "month": wl_metrics.monthly_counts(items),
        "capacity_hours": wl_metrics.hours_vs_capacity(items, 10),
        "age_bucket": wl_metrics.backlog(items, "2009-01-01"),
        "median_days": wl_metrics.turnaround(items),
        "m49": a2_metrics.by_country(acts),
        "advisers_deployed": a2_metrics.advisers_over_time(acts),
        "rating": mdg_rating.progress_rating(obs, INDICATORS),
        "trend": mdg_metrics.gap_trend(mdg_metrics.equity_gaps(obs, "sex")),
        "has_sex": mdg_metrics.disaggregation_coverage(obs),
    }
    for column, frame in expected.items():
        assert frame.empty and column in frame.columns, column
    assert wl_metrics.plan_area_share(items)["items"].tolist() == [0, 0]


def _ratings_one_by_one(ends: pd.DataFrame) -> pd.DataFrame:
    """The oracle: mdg_rating._rate_series called per series, as progress_rating did before it was vectorised."""
    rows = [
        mdg_rating._rate_series(
            (r.first_year, r.first_value),
            (r.b90_year, r.b90_value),
            (r.latest_year, r.latest_value),
            r.target_ratio_2015,
            r.desired_direction if isinstance(r.desired_direction, str) else None,
        )
        for r in ends.itertuples(index=False)
    ]
    return pd.DataFrame(rows, index=ends.index)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vectorised_rating_equals_the_rule_applied_series_by_series(seed):
    """Random end points covering every branch: no 1990 base, single points, zeros and negatives,
    base years at or after 2015, "keep the level" targets (ratio 1), every direction."""
    rng = np.random.default_rng(seed)
    n = 4000
    first_year = rng.integers(1980, 2016, n).astype(float)
    latest_year = first_year + rng.integers(0, 12, n)
    b90_year = np.where(rng.random(n) < 0.2, np.nan, np.maximum(first_year, 1990 + rng.integers(0, 30, n)))
    values = rng.choice([0.0, -1.0, 1.0, 10.0, 50.0, 99.5], size=(3, n)) * rng.uniform(0.5, 1.5, (3, n))
    ends = pd.DataFrame(
        {
            "first_year": first_year,
            "first_value": values[0],
            "b90_year": b90_year,
            "b90_value": np.where(np.isnan(b90_year), np.nan, values[1]),
            "latest_year": latest_year,
            "latest_value": values[2],
            "target_ratio_2015": rng.choice([np.nan, 1 / 3, 0.25, 1.0, 0.5], n),
            "desired_direction": rng.choice(
                np.array(["increase", "decrease", "none", None], dtype=object), n
            ),
        }
    )
    want = _ratings_one_by_one(ends)
    got = mdg_rating.rate_points(ends)[want.columns]
    assert set(got["rating"]) >= {
        mdg_rating.RATING_NOT_RATED,
        mdg_rating.RATING_INSUFFICIENT,
        mdg_rating.RATING_ON_TRACK,
    }
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_vectorised_rating_on_the_real_seed_equals_the_rule_series_by_series():
    from lib.paths import DATA_DIR

    obs = pd.read_csv(DATA_DIR / "mdg_observations.csv")
    inds = pd.read_csv(DATA_DIR / "mdg_indicators.csv")
    out = mdg_rating.progress_rating(obs, inds)
    d = obs.sort_values([*mdg_rating.SERIES_KEYS, "year"])
    g = d.groupby(mdg_rating.SERIES_KEYS, sort=True, dropna=False)
    e = g.agg(first_year=("year", "first"), first_value=("value", "first"))
    e = e.join(g.agg(latest_year=("year", "last"), latest_value=("value", "last")))
    b = d[d["year"] >= 1990].groupby(mdg_rating.SERIES_KEYS, sort=True, dropna=False)
    e = e.join(b.agg(b90_year=("year", "first"), b90_value=("value", "first"))).reset_index()
    meta = inds.drop_duplicates("code").set_index("code")
    e["target_ratio_2015"] = e["indicator_code"].map(
        pd.to_numeric(meta["target_ratio_2015"], errors="coerce")
    )
    e["desired_direction"] = e["indicator_code"].map(meta["desired_direction"])
    want = _ratings_one_by_one(e)
    assert len(out) == len(want) > 1000
    assert list(out["rating"]) == list(want["rating"])
    np.testing.assert_allclose(out["cagr"].astype(float), want["cagr"].astype(float), equal_nan=True)
