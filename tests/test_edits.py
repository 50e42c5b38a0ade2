"""One record edited through a form: an upload of one row (lib.edits), on the seeded SQLite database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from lib import edits, ingest
from lib.db import make_engine
from lib.ingest import StaleData
from tests.test_ingest_db import snapshot

NEW_REC = {
    "id": "R-2008-H2-01",
    "round_id": "2008-H2",
    "text": "UNDP to use the human rights guidance in its country programming.",
    "addressees": ["UNDP"],
    "action_point_ids": ["139"],
    "indicator_codes": [],
    "lead": "UNDP",
    "due_round": None,
    "due_date": dt.date(2009, 6, 30),
    "priority": "high",
}


@pytest.fixture
def db(seeded_db_url: str) -> Iterator[Engine]:
    eng = make_engine(seeded_db_url)
    yield eng
    eng.dispose()


def test_new_recommendation_is_checked_then_written_and_reverted_exactly(db):
    before = snapshot(db, ["recommendation"])
    opened = edits.open_form(db, "recommendations")
    checked = edits.check(db, opened, NEW_REC, user="staff1")
    assert checked.ok and checked.preview.result.new == 1
    assert snapshot(db, ["recommendation"]) == before  # nothing written by the check
    table = edits.change_table(checked)
    assert dict(zip(table["column"], table["new value"], strict=True))["addressees"] == "UNDP"
    done = edits.confirm(db, checked, user="staff1")
    row = edits.current_row(db, "recommendations", ("R-2008-H2-01",))
    assert row["action_point_ids"] == "139" and row["illustrative"] == "false"
    hist = ingest.history(db)
    assert hist.iloc[0]["filename"] == "form-recommendations-R-2008-H2-01.csv"
    ingest.revert(db, done.upload_id, user="staff1")
    assert snapshot(db, ["recommendation"]) == before


def test_bad_values_are_refused_with_the_pipeline_messages(db):
    opened = edits.open_form(db, "recommendations")
    checked = edits.check(db, opened, {**NEW_REC, "lead": "UNICEF"}, user="staff1")
    assert not checked.ok
    assert any("lead must be one of the addressees" in p.message for p in checked.preview.result.errors)
    with pytest.raises(ValueError):
        edits.confirm(db, checked, user="staff1")


def test_one_progress_report_edit_changes_that_report_only(db):
    before = snapshot(db, ["progress_report"])
    opened = edits.open_form(db, "action-points", ("2008-H2", "139"))
    new_status = "completed" if opened.row["status"] != "completed" else "limited"
    checked = edits.check(db, opened, {"status": new_status, "percent_complete": 100}, user="staff1")
    assert checked.ok and checked.preview.result.modified == 1, checked.preview.result.problems
    table = edits.change_table(checked)
    assert set(table["column"]) <= {"status", "percent_complete"}
    assert new_status in set(table["new value"])
    edits.confirm(db, checked, user="staff1")
    after = snapshot(db, ["progress_report"])["progress_report"]
    changed = [a for a, b in zip(after, before["progress_report"], strict=True) if a != b]
    assert len(after) == len(before["progress_report"]) and len(changed) == 1
    assert edits.current_row(db, "action-points", ("2008-H2", "139"))["status"] == new_status


def test_a_stale_form_is_refused_and_writes_nothing(db):
    opened = edits.open_form(db, "recommendation-status", ("R-2008-H1-01", "2008-H2"))
    # Someone else changes the same report after the form opened.
    other = edits.check(
        db, edits.open_form(db, "recommendation-status", opened.key), {"note": "Changed."}, user="x"
    )
    edits.confirm(db, other, user="x")
    before = snapshot(db, ["recommendation_status"])
    with pytest.raises(edits.StaleForm, match="changed since you opened the form"):
        edits.check(db, opened, {"status": "completed"}, user="staff1")
    assert snapshot(db, ["recommendation_status"]) == before


def test_a_checked_edit_goes_stale_when_the_row_changes_before_confirming(db):
    opened = edits.open_form(db, "recommendation-status", ("R-2008-H1-01", "2008-H2"))
    checked = edits.check(db, opened, {"status": "limited", "reported_on": dt.date(2008, 11, 20)}, user="a")
    other = edits.check(
        db, edits.open_form(db, "recommendation-status", opened.key), {"note": "B."}, user="b"
    )
    edits.confirm(db, other, user="b")
    with pytest.raises(edits.StaleForm):
        edits.confirm(db, checked, user="a")


def test_a_check_made_before_another_upload_is_stale_data(db):
    checked = edits.check(db, edits.open_form(db, "recommendations"), NEW_REC, user="a")
    rounds = ingest.export_frame(db, "rounds")
    rounds.loc[rounds["id"] == "2008-H2", "title"] = "Retitled"
    ingest.import_bytes(db, "rounds", ingest.to_csv_bytes(rounds), "rounds.csv", user="b")
    with pytest.raises(StaleData):
        edits.confirm(db, checked, user="a")


def test_a_new_record_with_a_taken_key_is_refused(db):
    opened = edits.open_form(db, "recommendations")
    with pytest.raises(edits.StaleForm, match="exists already"):
        edits.check(db, opened, {**NEW_REC, "id": "R-2008-H1-01"}, user="staff1")


def test_form_columns_fix_the_key_of_an_existing_record(db):
    opened = edits.open_form(db, "action-points", ("2008-H2", "139"))
    names = [c.name for c in edits.form_columns("action-points", opened)]
    assert "round_id" not in names and "status" in names and "illustrative" not in names
    assert [c.name for c in edits.form_columns("recommendations", edits.open_form(db, "recommendations"))][
        0
    ] == "id"
