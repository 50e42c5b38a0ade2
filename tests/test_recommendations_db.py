"""Recommendations, follow-up reports and self-assessments through the import pipeline, on SQLite and PostgreSQL.

Whole-table snapshots as in tests/test_ingest_db.py: a refused file leaves every table as it was,
a revert restores the data exactly, an export imports back with nothing changed.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from lib.db import get_data_version
from lib.ingest import (
    RevertRefused,
    export_frame,
    import_bytes,
    revert,
    template_frame,
    to_csv_bytes,
)
from lib.models import SQLModel
from lib.paths import DATA_DIR
from lib.seed import init
from tests.conftest import BACKENDS
from tests.test_ingest_db import csv_bytes, imp, read_rows, snapshot, unmarked

pytestmark = BACKENDS

REC_TABLES = ["recommendation", "recommendation_status", "progress_report", "consultation_round"]


@pytest.fixture
def db(engine: Engine) -> Engine:
    """Catalogues, rounds and the seed recommendations with their follow-up reports."""
    init(engine, seed=False)
    imp(engine, "rounds", (DATA_DIR / "rounds.csv").read_bytes(), "rounds.csv")
    res = imp(
        engine, "recommendations", (DATA_DIR / "recommendations.csv").read_bytes(), "recommendations.csv"
    )
    assert res.new == len(read_rows("recommendations.csv")[1])
    res = imp(
        engine,
        "recommendation-status",
        (DATA_DIR / "recommendation_status.csv").read_bytes(),
        "recommendation_status.csv",
    )
    assert res.new == len(read_rows("recommendation_status.csv")[1])
    return engine


def version(engine: Engine) -> int:
    with engine.connect() as conn:
        return get_data_version(conn)


def row(engine: Engine, table: str, **key) -> dict:
    t = SQLModel.metadata.tables[table]
    with engine.connect() as conn:
        return dict(conn.execute(select(t).where(*[t.c[k] == v for k, v in key.items()])).mappings().one())


REC_HEADER = ["id", "round_id", "text", "addressees", "action_point_ids", "indicator_codes", "lead", "due_round",
              "due_date", "priority"]  # fmt: skip
ST_HEADER = ["recommendation_id", "round_id", "status", "reason", "note", "reported_by", "reported_on"]


def rec_row(**changes: str) -> list[str]:
    base = {
        "id": "R-2008-H2-09",
        "round_id": "2008-H2",
        "text": "UNDP to report on the thematic Global Human Rights Report's use in country programming.",
        "addressees": "UNDP; Research and Right to Development Branch",
        "action_point_ids": "139",
        "indicator_codes": "",
        "lead": "UNDP",
        "due_round": "2008-H2",
        "due_date": "",
        "priority": "high",
    }
    return [{**base, **changes}[c] for c in REC_HEADER]


def st_row(**changes: str) -> list[str]:
    base = {
        "recommendation_id": "R-2008-H1-03",
        "round_id": "2008-H2",
        "status": "substantial",
        "reason": "",
        "note": "Programme document in draft.",
        "reported_by": "Focal point, UNDP",
        "reported_on": "2008-11-10",
    }
    return [{**base, **changes}[c] for c in ST_HEADER]


# --- Round trips -----------------------------------------------------------------------


@pytest.mark.parametrize("dataset", ["recommendations", "recommendation-status"])
def test_seed_reimport_and_export_round_trip_with_nothing_changed(db, dataset):
    name = {"recommendations": "recommendations.csv", "recommendation-status": "recommendation_status.csv"}[
        dataset
    ]
    before, v = snapshot(db), version(db)
    again = imp(db, dataset, (DATA_DIR / name).read_bytes(), name)
    assert (again.new, again.modified, again.upload_id) == (0, 0, None)
    exported = export_frame(db, dataset)
    assert to_csv_bytes(exported) == (DATA_DIR / name).read_bytes()  # the seed is in the stored form
    res = imp(db, dataset, to_csv_bytes(exported), f"{dataset}-export.csv")
    assert (res.new, res.modified, res.unchanged) == (0, 0, len(exported))
    assert snapshot(db) == before and version(db) == v


def test_templates_import_and_reimport_unchanged(db):
    for dataset in ("recommendations", "recommendation-status"):  # the status template names the first
        # The example row is marked so that it is never imported as it is (issue 12): unmarked, it
        # imports as if staff had typed it.
        raw = unmarked(to_csv_bytes(template_frame(dataset)))
        assert (imp(db, dataset, raw, "t.csv").new, 0) == (1, 0), dataset
        again = imp(db, dataset, raw, "t.csv")
        assert (again.new, again.modified, again.unchanged) == (0, 0, 1), dataset
    stored = row(db, "recommendation", id="R-2008-H2-01")
    assert stored["addressees"] == "Research and Right to Development Branch; UNDP"
    assert (stored["action_point_ids"], stored["indicator_codes"]) == ("139", "1.1; 8.16")


def test_lists_are_stored_in_one_form_whatever_the_order_and_spacing(db):
    messy = rec_row(addressees=" UNDP ;Research and Right to Development Branch;UNDP; ", action_point_ids="139;128 ; 139",
                    indicator_codes="8.16;1.1; 8.2")  # fmt: skip
    res = imp(db, "recommendations", csv_bytes(REC_HEADER, [messy]))
    assert res.new == 1
    stored = row(db, "recommendation", id="R-2008-H2-09")
    assert stored["addressees"] == "Research and Right to Development Branch; UNDP"
    assert stored["action_point_ids"] == "128; 139"
    assert stored["indicator_codes"] == "1.1; 8.2; 8.16"
    tidy = rec_row(addressees="Research and Right to Development Branch; UNDP", action_point_ids="128; 139",
                   indicator_codes="1.1; 8.2; 8.16")  # fmt: skip
    for raw in (csv_bytes(REC_HEADER, [messy]), csv_bytes(REC_HEADER, [tidy])):
        again = imp(db, "recommendations", raw)
        assert (again.new, again.modified, again.unchanged) == (0, 0, 1)
    exported = export_frame(db, "recommendations")
    assert (imp(db, "recommendations", to_csv_bytes(exported)).modified, len(exported)) == (0, 27)


# --- Refused files -----------------------------------------------------------------------

REFUSED = [
    ("unknown agency", "recommendations", REC_HEADER, rec_row(addressees="UNDP; UNDPP", lead="UNDP"),
     "'addressees' value 'UNDPP' is unknown; use one of: Administrative Section,"),
    ("unknown unit", "recommendations", REC_HEADER, rec_row(addressees="UNDP; Legal Branch"),
     "'Legal Branch' is unknown"),
    ("unknown action point", "recommendations", REC_HEADER, rec_row(action_point_ids="139; 160"),
     "'action_point_ids' value '160' is unknown; use one of: 127a, 127b,"),
    ("unknown indicator", "recommendations", REC_HEADER, rec_row(indicator_codes="9.1"),
     "'indicator_codes' value '9.1' is unknown; use one of: 1.1,"),
    ("unknown round", "recommendations", REC_HEADER, rec_row(round_id="2009-H1"),
     "'round_id' value '2009-H1' is unknown; use one of: 2006-H1, 2006-H2, 2007-H1, 2007-H2, 2008-H1, 2008-H2."),
    ("unknown due round", "recommendations", REC_HEADER, rec_row(due_round="2010-H2"), "'due_round' value '2010-H2'"),
    ("no addressee", "recommendations", REC_HEADER, rec_row(addressees=" ; "), "'addressees' is required"),
    ("lead not an addressee", "recommendations", REC_HEADER, rec_row(lead="UNICEF"),
     "The lead must be one of the addressees."),
    ("due before made", "recommendations", REC_HEADER, rec_row(due_round="2008-H1"),
     "The due round is before the round in which it was made."),
    ("due round and date", "recommendations", REC_HEADER, rec_row(due_date="2009-06-30"),
     "Give a due round or a due date, not both."),
    ("bad priority", "recommendations", REC_HEADER, rec_row(priority="urgent"), "use one of: high, medium, low"),
    ("dropped without reason", "recommendation-status", ST_HEADER, st_row(status="dropped"),
     "A dropped recommendation needs its reason."),
    ("reason when not dropped", "recommendation-status", ST_HEADER, st_row(reason="No longer relevant."),
     "Only a dropped recommendation has a reason"),
    ("bad status", "recommendation-status", ST_HEADER, st_row(status="done"),
     "use one of: not_started, limited, substantial, completed, dropped"),
    ("unknown recommendation", "recommendation-status", ST_HEADER, st_row(recommendation_id="R-2099-H1-01"),
     "'recommendation_id' value 'R-2099-H1-01' is unknown; use one of: R-2006-H1-01,"),
    ("unknown status round", "recommendation-status", ST_HEADER, st_row(round_id="2009-H1"),
     "'round_id' value '2009-H1' is unknown"),
]  # fmt: skip


def test_malformed_files_are_refused_with_the_allowed_values_and_data_unchanged(db):
    before, v = snapshot(db), version(db)
    for case, dataset, header, bad, fragment in REFUSED:
        # A good row beside the bad one: the whole file is refused, the good row not written.
        good = (
            rec_row(id="R-2008-H2-10")
            if dataset == "recommendations"
            else st_row(recommendation_id="R-2008-H1-04")
        )
        res = import_bytes(db, dataset, csv_bytes(header, [good, bad]), f"{case}.csv")
        errors = [p.message for p in res.errors]
        assert not res.ok, case
        assert any(fragment in m for m in errors), (case, errors)
        assert snapshot(db) == before and version(db) == v, case
    # The good rows alone are accepted: the refusals were about the bad ones.
    assert imp(db, "recommendations", csv_bytes(REC_HEADER, [rec_row()])).new == 1


def test_an_agency_named_in_full_lists_every_addressee(db):
    res = import_bytes(db, "recommendations", csv_bytes(REC_HEADER, [rec_row(addressees="United Nations Development Programme", lead="UNDP")]), "x.csv")  # fmt: skip
    msg = next(p.message for p in res.errors if p.column == "addressees")
    for code in ("UNDP", "UNICEF", "WHO", "OHCHR", "New York Office", "Treaties and Commission Branch"):
        assert code in msg
    assert "in all" not in msg  # named in full, not abridged


# --- Revert ----------------------------------------------------------------------------------


def test_changes_are_previewed_and_reverted_exactly(db):
    before = snapshot(db)
    rec = rec_row(id="R-2008-H1-03", round_id="2008-H1", addressees="Capacity Building and Field Operations Branch; UNDP; UNICEF",
                  lead="UNDP", action_point_ids="128; 146", due_round="", due_date="2009-06-30", priority="high")  # fmt: skip
    res = imp(db, "recommendations", csv_bytes(REC_HEADER, [rec, rec_row()]))
    assert (res.new, res.modified) == (1, 1)
    changed = set(res.modified_preview["column"])
    assert {"addressees", "due_round", "due_date", "priority"} <= changed
    old_new = res.modified_preview.set_index("column").loc["addressees", ["old", "new"]].tolist()
    assert old_new == [
        "Capacity Building and Field Operations Branch; UNDP",
        "Capacity Building and Field Operations Branch; UNDP; UNICEF",
    ]
    st = imp(db, "recommendation-status", csv_bytes(ST_HEADER, [st_row(status="dropped", reason="Merged into R-2008-H2-09.", note=""),
                                                              st_row(recommendation_id="R-2008-H2-09")]))  # fmt: skip
    assert (st.new, st.modified) == (1, 1)
    assert row(db, "recommendation_status", recommendation_id="R-2008-H1-03", round_id="2008-H2")[
        "reason"
    ] == ("Merged into R-2008-H2-09.")
    # The recommendations upload cannot go while follow-up reports refer to the one it added.
    with pytest.raises(
        RevertRefused,
        match=f"other data refers to rows it added \\(rows of recommendation_status from upload {st.upload_id}\\)",
    ):
        revert(db, res.upload_id, "staff1")
    revert(db, st.upload_id, "staff1")
    revert(db, res.upload_id, "staff1")
    after = snapshot(db)
    for table in REC_TABLES:
        assert after[table] == before[table], table


def test_reverting_rounds_still_referred_to_is_refused_with_data_unchanged(db):
    res = imp(db, "rounds", csv_bytes(["id", "title", "meeting_date", "cutoff_date"], [["2009-H1", "First 2009", "2009-06-01", "2009-05-11"]]))  # fmt: skip
    imp(db, "recommendations", csv_bytes(REC_HEADER, [rec_row(due_round="2009-H1")]))
    before = snapshot(db)
    with pytest.raises(
        RevertRefused, match="other data refers to rows it added \\(rows of recommendation from"
    ):
        revert(db, res.upload_id)
    assert snapshot(db) == before


# --- The lead unit's self-assessment ----------------------------------------------------------


def test_self_assessment_imports_beside_the_review_and_reverts(db):
    header, rows = read_rows("progress_reports.csv", 40)
    raw = csv_bytes(header, rows)
    imp(db, "action-points", raw, "progress_reports.csv")
    i = header.index("self_assessment")
    later = next(r for r in rows if r[0] == "2006-H2")
    got = row(db, "progress_report", round_id=later[0], action_point_id=later[1])
    assert got["self_assessment"] == later[i] != ""
    first = row(db, "progress_report", round_id=rows[0][0], action_point_id=rows[0][1])
    assert first["self_assessment"] is None  # empty in 2006-H1: NULL
    # Export and re-import: nothing changes.
    assert imp(db, "action-points", to_csv_bytes(export_frame(db, "action-points"))).modified == 0
    # An edit of one self-assessment changes that report only, and reverts exactly.
    before = snapshot(db, REC_TABLES)
    edited = [list(r) for r in rows]
    edited[0][i] = "OFF_TRACK"  # stored in lower case, like the review's assessment
    res = imp(db, "action-points", csv_bytes(header, edited))
    assert (res.new, res.modified, res.unchanged) == (0, 1, len(rows) - 1)
    assert res.modified_preview[["column", "old", "new"]].values.tolist() == [
        ["self_assessment", None, "off_track"]
    ]
    bad = [list(r) for r in rows[:1]]
    bad[0][i] = "fine"
    refused = import_bytes(db, "action-points", csv_bytes(header, bad), "bad.csv")
    assert not refused.ok and "use one of: on_track, at_risk, off_track" in refused.errors[0].message
    revert(db, res.upload_id)
    assert snapshot(db, REC_TABLES) == before


# --- Read back for the pages ---------------------------------------------------------------


def test_loaders_feed_where_they_stand(db):
    """lib.queries' frames go straight into lib.recommendations (what the page and the briefing call)."""
    from lib import queries
    from lib import recommendations as rec

    recs, sts = queries.recommendations(db), queries.recommendation_statuses(db)
    assert len(recs) == 26 and len(sts) == len(read_rows("recommendation_status.csv")[1])
    out = rec.standing(recs, sts, queries.rounds(db), "2008-H2", made_in="2008-H1")
    assert out["id"].tolist() == [f"R-2008-H1-{i:02d}" for i in range(1, 7)]
    assert set(out["status_round"]) == {"2008-H2"}
    # Due 2008-H2 (the round itself) and not completed: overdue; due in 2009: not yet.
    due_now = out["due_round"].eq("2008-H2") & ~out["status"].isin(["completed", "dropped"])
    assert out["overdue"].tolist() == due_now.tolist() and due_now.any()
    assert not out.loc[out["due_date"].notna(), "overdue"].any()
    assert rec.move_summary(rec.moves(recs, sts, "2008-H1", "2008-H2"))["new"] == 6


def test_migration_0005_down_and_up_keeps_the_progress_reports(db):
    """0005 adds the tables and the self-assessment column; down to 0004 and up again on a database with data."""
    from sqlalchemy import inspect

    from tests.test_summary import alembic

    imp(db, "action-points", (DATA_DIR / "progress_reports.csv").read_bytes(), "progress_reports.csv")
    pr = SQLModel.metadata.tables["progress_report"]
    kept = [c for c in pr.c if c.name != "self_assessment"]

    def reports() -> list[tuple]:
        with db.connect() as conn:
            return [
                tuple(r) for r in conn.execute(select(*kept).order_by(pr.c.round_id, pr.c.action_point_id))
            ]

    before = reports()
    alembic(db, "downgrade", "0004")
    names = inspect(db).get_table_names()
    assert "recommendation" not in names and "recommendation_status" not in names
    assert "self_assessment" not in {c["name"] for c in inspect(db).get_columns("progress_report")}
    assert reports() == before
    alembic(db, "upgrade", "head")
    assert reports() == before
    with db.connect() as conn:
        assert set(conn.execute(select(pr.c.self_assessment)).scalars()) == {None}  # written before 0005
        assert conn.execute(select(SQLModel.metadata.tables["recommendation"].c.id)).first() is None
    # And the new datasets import again.
    imp(db, "recommendations", (DATA_DIR / "recommendations.csv").read_bytes(), "recommendations.csv")
