"""The Recommendations page (AppTest on the seeded SQLite database): figures, filters, history, and
one record recorded through its form, previewed, confirmed, listed in the history and reverted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from lib import edits, ingest
from lib.db import make_engine
from tests.test_ingest_db import snapshot
from tests.test_upload_pages import HISTORY, run, texts

PAGE = "pages/recommendations.py"
NEW_ID = "R-2008-H2-01"


@pytest.fixture
def db(seeded_db_url: str) -> Iterator[Engine]:
    eng = make_engine(seeded_db_url)
    yield eng
    eng.dispose()


def fill_new_recommendation(at) -> None:
    p = "edit-rec-new-0-new"
    at.text_input(key=f"{p}_id").set_value(NEW_ID)
    at.selectbox(key=f"{p}_round_id").set_value("2008-H2")
    at.text_area(key=f"{p}_text").set_value("UNDP to use the human rights guidance in its programming.")
    at.multiselect(key=f"{p}_addressees").set_value(["UNDP"])
    at.multiselect(key=f"{p}_action_point_ids").set_value(["139"])
    at.selectbox(key=f"{p}_lead").set_value("UNDP")
    at.date_input(key=f"{p}_due_date").set_value(dt.date(2009, 6, 30))
    at.selectbox(key=f"{p}_priority").set_value("high")


def test_staff_record_a_recommendation_see_it_and_revert_it(make_app, db):
    before = snapshot(db, ["recommendation"])
    at = run(make_app, PAGE, "staff")
    fill_new_recommendation(at)
    [b for b in at.button if b.label == "Check the change"][0].click()
    at.run()
    assert not at.exception, at.exception
    assert snapshot(db, ["recommendation"]) == before  # nothing written by the check
    shown = [t.value for t in at.dataframe]
    change = next(d for d in shown if "new value" in d.columns)
    assert dict(zip(change["column"], change["new value"], strict=True))["action_point_ids"] == "139"
    [b for b in at.button if b.label.startswith("Confirm")][0].click()
    at.run()
    assert not at.exception, at.exception
    assert any("written" in s for s in texts(at.success))
    row = edits.current_row(db, "recommendations", (NEW_ID,))
    assert row is not None and row["addressees"] == "UNDP" and row["action_point_ids"] == "139"
    table = at.dataframe[1].value  # the page's table (after the chart's), now with the new one
    assert NEW_ID in set(table["id"])
    assert "United Nations Development Programme" in set(table.loc[table["id"] == NEW_ID, "addressees"])

    hist = run(make_app, HISTORY, "staff")
    upload_id = int(ingest.history(db).iloc[0]["id"])
    assert ingest.history(db).iloc[0]["filename"] == f"form-recommendations-{NEW_ID}.csv"
    hist.selectbox[0].set_value(upload_id).run()
    hist.checkbox(key=f"revert-sure-{upload_id}").check().run()
    hist.button(key=f"revert-{upload_id}").click().run()
    assert not hist.exception, hist.exception
    assert snapshot(db, ["recommendation"]) == before


def test_partner_sees_the_recommendation_but_no_form(make_app, db):
    checked = edits.check(
        db,
        edits.open_form(db, "recommendations"),
        {"id": NEW_ID, "round_id": "2008-H2", "text": "UNDP to act.", "addressees": ["UNDP"],
         "action_point_ids": ["139"], "lead": "UNDP", "due_date": dt.date(2009, 6, 30), "priority": "high"},
        user="staff1",
    )  # fmt: skip
    edits.confirm(db, checked, user="staff1")
    at = run(make_app, PAGE, "partner")
    assert NEW_ID in set(at.dataframe[1].value["id"])
    assert not [b for b in at.button if b.label == "Check the change"]
    # No recording form: only the chart's table and the link to this view.
    assert [e.label for e in at.expander] == ["Table: status by round made", "Copy link to this view"]


def test_a_stale_follow_up_form_is_refused_with_a_message(make_app, db):
    at = run(make_app, PAGE, "staff")
    rid = "R-2008-H1-01"
    at.selectbox(key="rec_choice").set_value(rid).run()  # the form opens on its 2008-H2 report
    key = (rid, "2008-H2")
    assert edits.current_row(db, "recommendation-status", key) is not None
    # Someone else changes the same report after the form opened.
    other = edits.check(db, edits.open_form(db, "recommendation-status", key), {"note": "Changed."}, user="x")
    edits.confirm(db, other, user="x")
    before = snapshot(db, ["recommendation_status"])
    at.text_area(key=f"edit-rec-status-0-{rid}-2008-H2_note").set_value("Mine.")
    [b for b in at.button if b.label == "Check the change"][-1].click()
    at.run()
    assert not at.exception, at.exception
    assert any("changed since you opened the form" in s for s in texts(at.warning))
    assert snapshot(db, ["recommendation_status"]) == before


def test_one_action_point_status_edited_on_its_page_changes_that_report_only(make_app, db):
    before = snapshot(db, ["progress_report"])["progress_report"]
    at = run(make_app, "pages/action_points.py", "staff")
    next(s for s in at.selectbox if s.label == "Action point").set_value("139").run()
    old = edits.current_row(db, "action-points", ("2008-H2", "139"))
    new_status = "completed" if old["status"] != "completed" else "limited"
    at.selectbox(key="edit-ap-report-0-2008-H2-139_status").set_value(new_status)
    [b for b in at.button if b.label == "Check the change"][0].click()
    at.run()
    change = next(d.value for d in at.dataframe if "new value" in d.value.columns)
    assert list(change["column"]) == ["status"] and list(change["new value"]) == [new_status]
    assert snapshot(db, ["progress_report"])["progress_report"] == before  # nothing written yet
    [b for b in at.button if b.label.startswith("Confirm")][0].click()
    at.run()
    assert not at.exception, at.exception
    after = snapshot(db, ["progress_report"])["progress_report"]
    changed = [(a, b) for a, b in zip(after, before, strict=True) if a != b]
    assert len(after) == len(before) and len(changed) == 1
    assert edits.current_row(db, "action-points", ("2008-H2", "139"))["status"] == new_status
    assert {
        k: v for k, v in edits.current_row(db, "action-points", ("2008-H2", "139")).items() if k != "status"
    } == {k: v for k, v in old.items() if k != "status"}


def test_action_points_show_the_self_assessment_beside_the_review(make_app):
    at = run(make_app, "pages/action_points.py", "partner")
    table = at.dataframe[1].value
    assert {"assessment", "self_assessment", "assessments_differ"} <= set(table.columns)
    differ = table["self_assessment"].notna() & (table["self_assessment"] != table["assessment"])
    assert list(table["assessments_differ"]) == list(differ)
    assert any("self-assessment differs" in c.value for c in at.caption)
    assert not [b for b in at.button if b.label == "Check the change"]  # partners have no form
