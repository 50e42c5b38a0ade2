"""The seed files in data/: shapes, vocabularies, keys, cross-field rules, provenance.

Pure and fast: reads only data/ (and ../shared for the word-for-word check of the
action points, skipped when the shared material is absent) and re-runs the
illustrative generator into a temporary directory.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
from datetime import date
from functools import cache
from pathlib import Path
from types import ModuleType

import pycountry
import pytest

from lib.datasets import (
    ACTION2,
    ACTION_POINTS,
    CLUSTERS,
    MDG,
    NY_WORKLOAD,
    OHCHR_UNITS,
    RECOMMENDATION_STATUS,
    RECOMMENDATIONS,
    REF_ACTION_POINT,
    REF_ADDRESSEE,
    REF_AGENCY,
    REF_COUNTRY,
    REF_INDICATOR,
    REF_RECOMMENDATION,
    REF_ROUND,
    REQUESTING_BODIES,
    ROUNDS,
    Dataset,
    join_list,
    split_list,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
PLAN = ROOT.parent / "shared" / "seed" / "000_b881052f9eda7b23.txt"

EXPECTED_IDS = [f"127{c}" for c in "abcde"] + [str(n) for n in range(128, 159)]
CLUSTER_OF = {n: c for c, (lo, hi) in {"A": (127, 133), "B": (134, 141), "C": (142, 144),
              "D": (145, 150), "E": (151, 158)}.items() for n in range(lo, hi + 1)}  # fmt: skip

GENERATED = {
    "rounds.csv": ROUNDS,
    "progress_reports.csv": ACTION_POINTS,
    "ny_workload.csv": NY_WORKLOAD,
    "action2.csv": ACTION2,
    "recommendations.csv": RECOMMENDATIONS,
    "recommendation_status.csv": RECOMMENDATION_STATUS,
}
DATASET_FILES = {
    **GENERATED,
    "mdg_observations.csv": MDG,
    "mdg_supplement_observations.csv": MDG,
}


@cache
def read(name: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a data/ CSV, every cell as text."""
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def rows(name: str) -> list[dict[str, str]]:
    return read(name)[1]


def norm(text: str) -> str:
    return " ".join(text.split())


@cache
def refs() -> dict[str, set[str]]:
    """The reference sets the importer looks up in the database, built from data/."""
    countries = {c.alpha_3 for c in pycountry.countries} | {c.alpha_3 for c in pycountry.historic_countries}
    return {
        REF_ROUND: {r["id"] for r in rows("rounds.csv")},
        REF_ACTION_POINT: {r["id"] for r in rows("action_points.csv")},
        REF_AGENCY: {r["code"] for r in rows("agencies.csv")},
        REF_INDICATOR: {r["code"] for r in rows("mdg_indicators.csv")},
        REF_COUNTRY: countries,
        REF_ADDRESSEE: {r["code"] for r in rows("agencies.csv")} | set(OHCHR_UNITS),
        REF_RECOMMENDATION: {r["id"] for r in rows("recommendations.csv")},
    }


def cell_errors(ds: Dataset, row: dict[str, str]) -> list[str]:
    """Every way one row breaks its dataset's column declarations."""
    errors = []
    for col in ds.columns:
        value = row.get(col.name, "")
        if value == "":
            if col.required:
                errors.append(f"{col.name}: missing")
            continue
        cmp = value.lower() if col.lower else value
        if col.lower and value != cmp:
            errors.append(f"{col.name}: {value!r} not lower case")
        if col.multiple and value != join_list(split_list(value)):
            errors.append(f"{col.name}: {value!r} not in the stored list form")
        for one in split_list(value) if col.multiple else [value]:
            if col.allowed is not None and one not in col.allowed:
                errors.append(f"{col.name}: {one!r} not in {col.allowed}")
            if col.ref is not None and one not in refs()[col.ref]:
                errors.append(f"{col.name}: {one!r} not a known {col.ref}")
        if col.max_length is not None and len(value) > col.max_length:
            errors.append(f"{col.name}: longer than {col.max_length}")
        if col.pattern is not None and not re.fullmatch(col.pattern, value):
            errors.append(f"{col.name}: {value!r} does not match {col.pattern}")
        if col.kind == "bool" and value not in ("true", "false"):
            errors.append(f"{col.name}: {value!r} not a bool")
        if col.kind == "date":
            try:
                date.fromisoformat(value)
            except ValueError:
                errors.append(f"{col.name}: {value!r} not a YYYY-MM-DD date")
        if col.kind in ("int", "float"):
            # Plain decimals only: no thousands separators, no exponents.
            pattern = r"-?\d+" if col.kind == "int" else r"-?\d+(\.\d+)?"
            if not re.fullmatch(pattern, value):
                errors.append(f"{col.name}: {value!r} not a plain {col.kind}")
                continue
            number = float(value)
            if (col.min is not None and number < col.min) or (col.max is not None and number > col.max):
                errors.append(f"{col.name}: {value} outside {col.min}..{col.max}")
    return errors


# --- Action points ----------------------------------------------------------------


def test_action_points_ids_clusters_and_order() -> None:
    header, aps = read("action_points.csv")
    assert header == ["id", "paragraph", "cluster", "cluster_title", "text", "sort_order"]
    assert [r["id"] for r in aps] == EXPECTED_IDS
    assert [int(r["sort_order"]) for r in aps] == list(range(1, 37))
    for r in aps:
        paragraph = int(r["paragraph"])
        assert r["id"].startswith(str(paragraph))
        assert r["cluster"] == CLUSTER_OF[paragraph], r["id"]
        assert r["cluster_title"] == CLUSTERS[r["cluster"]]


def test_action_point_texts_are_clean() -> None:
    aps = {r["id"]: r["text"] for r in rows("action_points.csv")}
    for ap_id, text in aps.items():
        assert text == norm(text), f"{ap_id}: whitespace not normalised"
        assert not text.startswith("\u2022"), f"{ap_id}: bullet character kept"
    # The lead-in sentence of paragraph 127 belongs to none of its bullets.
    assert not any("In particular" in aps[f"127{c}"] for c in "abcde")
    assert aps["127a"].startswith("Geographic desks at headquarters")
    assert aps["134"].startswith("The High Commissioner will proactively propose solutions")
    assert aps["158"].endswith("identified by human resources specialists.")


@pytest.mark.skipif(
    not PLAN.exists(), reason="../shared (the plan's text) is absent: word-for-word check skipped"
)
def test_action_point_texts_word_for_word() -> None:
    plan = norm(PLAN.read_text(encoding="utf-8"))
    section_v = plan[plan.rindex("V. Action points") :]
    for r in rows("action_points.csv"):
        assert r["text"] in section_v, f"{r['id']}: not word for word in section V of the plan"
        if not r["id"].startswith("127"):
            # A whole paragraph: it runs from its number to the next number or heading.
            assert f"{r['paragraph']}. {r['text']}" in section_v, r["id"]


# --- Every dataset file -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(DATASET_FILES))
def test_dataset_file_matches_its_declaration(name: str) -> None:
    ds = DATASET_FILES[name]
    header, data = read(name)
    assert header == ds.column_names, f"{name}: columns differ from lib.datasets {ds.name}"
    assert data, f"{name} is empty"
    errors = [f"row {i + 2}: {e}" for i, row in enumerate(data) for e in cell_errors(ds, row)]
    assert not errors, f"{name}: {len(errors)} errors, first: {errors[:10]}"
    keys = [tuple(row[k] for k in ds.key) for row in data]
    assert len(keys) == len(set(keys)), f"{name}: duplicate keys {ds.key}"
    if name in GENERATED:
        assert {row["illustrative"] for row in data} == {"true"}


def test_mdg_sources_are_kept_apart() -> None:
    mdg_sources = {r["source"] for r in rows("mdg_observations.csv")}
    supplement_sources = {r["source"] for r in rows("mdg_supplement_observations.csv")}
    assert mdg_sources.isdisjoint(supplement_sources)
    assert any("IGME" in s for s in mdg_sources)
    # The UN nature codes were joined in for the raw export's series.
    natures = {r["nature"] for r in rows("mdg_observations.csv") if r["series_code"] in ("567", "749", "616")}
    assert natures <= {"C", "E", "G"} and "G" in natures


def test_mdg_series_cover_every_observation() -> None:
    series = {r["code"]: r for r in rows("mdg_series.csv")}
    assert len(series) == len(rows("mdg_series.csv"))
    for name in ("mdg_observations.csv", "mdg_supplement_observations.csv"):
        for r in rows(name):
            s = series.get(r["series_code"])
            assert s is not None, f"{name}: series {r['series_code']!r} missing from mdg_series.csv"
            assert s["indicator_code"] == r["indicator_code"]
            assert s["unit"] == r["unit"]
    assert all(s["name"] and s["indicator_code"] in refs()[REF_INDICATOR] for s in series.values())
    assert series["553"]["name"] == "Maternal mortality ratio per 100,000 live births"


def test_mdg_indicators() -> None:
    header, inds = read("mdg_indicators.csv")
    assert header == [
        "code", "goal", "goal_title", "target", "target_text", "text", "quantified_target",
        "rights_provisions", "indicator_type", "target_ratio_2015", "desired_direction",
    ]  # fmt: skip
    assert len(inds) == 60 and len({r["code"] for r in inds}) == 60
    by_code = {r["code"]: r for r in inds}
    assert {r["indicator_type"] for r in inds} == {"structural", "process", "outcome"}
    assert {r["desired_direction"] for r in inds} <= {"increase", "decrease", "none"}
    assert by_code["4.1"]["target_ratio_2015"] == "0.3333"
    assert by_code["5.1"]["target_ratio_2015"] == "0.25"
    assert by_code["1.1"]["target_ratio_2015"] == "0.5"
    assert by_code["7.8"]["target_ratio_2015"] == ""  # halves the share *without* access
    for r in inds:
        if r["target_ratio_2015"]:
            assert 0 < float(r["target_ratio_2015"]) < 1 and r["desired_direction"] == "decrease", r["code"]
    assert by_code["4.1"]["indicator_type"] == "outcome" and by_code["4.1"]["desired_direction"] == "decrease"
    assert by_code["2.1"]["indicator_type"] == "process" and by_code["2.1"]["desired_direction"] == "increase"
    assert by_code["7.2"]["desired_direction"] == "decrease"
    assert by_code["8.16"]["desired_direction"] == "increase"


def test_agencies_and_sources_md() -> None:
    header, agencies = read("agencies.csv")
    assert header == ["code", "name"]
    codes = [r["code"] for r in agencies]
    assert len(codes) == len(set(codes)) == 17
    assert {"UNDP", "UNICEF", "UNDG", "OHCHR", "UN-HABITAT", "DPKO"} <= set(codes)
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    assert "United Nations Statistics Division, Millennium Development Goals Indicators database" in sources
    assert "UN Inter-agency Group for Child Mortality Estimation" in sources
    assert "ILLUSTRATIVE" in sources
    assert (DATA / "LICENSE-world-atlas").exists()


# --- Illustrative data: cross-field rules ------------------------------------------------


def rounds_by_id() -> dict[str, dict[str, str]]:
    return {r["id"]: r for r in rows("rounds.csv")}


def test_rounds() -> None:
    rounds = rounds_by_id()
    assert list(rounds) == ["2006-H1", "2006-H2", "2007-H1", "2007-H2", "2008-H1", "2008-H2"]
    for rid, r in rounds.items():
        meeting, cutoff = date.fromisoformat(r["meeting_date"]), date.fromisoformat(r["cutoff_date"])
        assert meeting.year == int(rid[:4])
        assert meeting.month in ((5, 6) if rid.endswith("H1") else (11, 12)), rid
        assert 14 <= (meeting - cutoff).days <= 28, rid


def test_progress_reports() -> None:
    reports = rows("progress_reports.csv")
    rounds = rounds_by_id()
    pairs = {(r["round_id"], r["action_point_id"]) for r in reports}
    assert pairs == {(rid, ap) for rid in rounds for ap in EXPECTED_IDS}
    bands = {"not_started": (0, 0), "limited": (1, 39), "substantial": (40, 99), "completed": (100, 100)}
    overdue = 0
    for r in reports:
        lo, hi = bands[r["status"]]
        assert lo <= int(r["percent_complete"]) <= hi, r
        rnd = rounds[r["round_id"]]
        assert r["reported_on"] <= rnd["cutoff_date"], r
        if r["due_date"] and r["due_date"] < rnd["meeting_date"] and r["status"] != "completed":
            overdue += 1
    assert overdue > 0, "no overdue action point to show"
    assessments = {r["assessment"] for r in reports}
    assert {"at_risk", "off_track"} <= assessments
    # Progress mostly rises: the last round is ahead of the first overall.
    first = sum(int(r["percent_complete"]) for r in reports if r["round_id"] == "2006-H1")
    last = sum(int(r["percent_complete"]) for r in reports if r["round_id"] == "2008-H2")
    assert last > 2 * first


def test_ny_workload() -> None:
    items = rows("ny_workload.csv")
    assert 400 <= len(items) <= 600
    assert {r["requesting_body"] for r in items} <= set(REQUESTING_BODIES)
    for r in items:
        assert "2006-01-01" <= r["received_on"] <= "2008-12-31"
        assert 1 <= float(r["hours"]) <= 60
        assert re.fullmatch(r"NY officer [1-7]", r["staff_member"])
        if r["status"] == "completed":
            assert r["completed_on"] and r["completed_on"] >= r["received_on"], r
        else:
            assert r["completed_on"] == "", r
    per_year = {y: sum(r["received_on"].startswith(y) for r in items) for y in ("2006", "2007", "2008")}
    assert per_year["2006"] < per_year["2007"] < per_year["2008"]
    assert any(r["status"] != "completed" for r in items)


def test_action2() -> None:
    acts = rows("action2.csv")
    assert 250 <= len(acts) <= 400
    topo = json.loads((DATA / "countries-110m.json").read_text(encoding="utf-8"))
    map_ids = {g.get("id") for g in topo["objects"]["countries"]["geometries"]}
    countries = {r["country_iso3"] for r in acts}
    assert 30 <= len(countries) <= 50
    for code in countries:
        country = pycountry.countries.get(alpha_3=code)
        assert country is not None and country.numeric in map_ids, code
    for r in acts:
        year, half = int(r["round_id"][:4]), r["round_id"][-1]
        start = date.fromisoformat(r["start_date"])
        assert start.year == year and (start.month <= 6) == (half == "1"), r
        if r["end_date"]:
            assert r["end_date"] >= r["start_date"], r
        if r["type"] == "hr_adviser":
            assert 1 <= int(r["advisers_deployed"]) <= 2 and r["participants_trained"] == "0", r
        elif r["type"] == "training":
            assert 10 <= int(r["participants_trained"]) <= 80 and r["advisers_deployed"] == "0", r
        else:
            assert r["advisers_deployed"] == "0", r
    # Two agencies stop reporting after 2007-H2: the "stale agency" flag's case.
    reporting = {r["agency"] for r in acts if r["round_id"] <= "2007-H2"}
    recent = {r["agency"] for r in acts if r["round_id"] > "2007-H2"}
    assert len(reporting - recent) == 2


def test_self_assessments_beside_the_review() -> None:
    reports = rows("progress_reports.csv")
    first = [r for r in reports if r["round_id"] == "2006-H1"]
    later = [r for r in reports if r["round_id"] != "2006-H1"]
    assert {r["self_assessment"] for r in first} == {""}  # asked for from 2006-H2 on
    assert all(r["self_assessment"] for r in later)
    differ = [r for r in later if r["self_assessment"] != r["assessment"]]
    assert 0 < len(differ) < len(later) / 2


def test_recommendations_and_their_follow_up() -> None:
    recs = {r["id"]: r for r in rows("recommendations.csv")}
    rounds = rounds_by_id()
    assert {r["round_id"] for r in recs.values()} == {"2006-H1", "2006-H2", "2007-H1", "2007-H2", "2008-H1"}
    agencies = {r["code"] for r in rows("agencies.csv")}
    for r in recs.values():
        assert r["lead"] in split_list(r["addressees"]), r["id"]
        assert bool(r["due_round"]) != bool(r["due_date"]), r["id"]  # one or the other
        if r["due_round"]:
            assert r["due_round"] > r["round_id"], r["id"]
        for ap in split_list(r["action_point_ids"]):
            assert 127 <= int(ap[:3]) <= 158
    assert any(set(split_list(r["addressees"])) & set(OHCHR_UNITS) for r in recs.values())
    assert any(set(split_list(r["addressees"])) & agencies for r in recs.values())
    assert any(
        "UNDP" in split_list(r["addressees"]) and "139" in split_list(r["action_point_ids"])
        for r in recs.values()
    )
    reports = rows("recommendation_status.csv")
    for s in reports:
        made = recs[s["recommendation_id"]]["round_id"]
        assert s["round_id"] > made, s  # followed up in a later round
        assert s["reported_on"] <= rounds[s["round_id"]]["cutoff_date"], s
        assert (s["status"] == "dropped") == bool(s["reason"]), s
    reported_2008_h2 = {s["recommendation_id"] for s in reports if s["round_id"] == "2008-H2"}
    assert {i for i, r in recs.items() if r["round_id"] == "2008-H1"} <= reported_2008_h2
    assert {"dropped", "completed", "limited"} <= {s["status"] for s in reports}


# --- Determinism ----------------------------------------------------------------------------


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_illustrative", ROOT / "scripts" / "generate_illustrative.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generation_is_deterministic_and_committed_files_are_current(tmp_path: Path) -> None:
    generator = load_generator()
    generator.main(tmp_path / "a")
    generator.main(tmp_path / "b")
    for name in GENERATED:
        first = (tmp_path / "a" / name).read_bytes()
        assert first == (tmp_path / "b" / name).read_bytes(), f"{name}: two runs differ"
        assert first == (DATA / name).read_bytes(), (
            f"{name}: data/ is stale, re-run scripts/generate_illustrative.py"
        )
