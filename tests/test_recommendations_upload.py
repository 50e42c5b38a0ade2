"""The upload and history pages with the recommendation datasets (AppTest on the seeded SQLite database).

Check, preview (old beside new), confirm, history and an exact revert: the same path as every
dataset, driven by the declarations in lib/datasets.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from lib.db import make_engine
from lib.ingest import export_frame, to_csv_bytes
from tests.test_ingest_db import snapshot
from tests.test_upload_pages import HISTORY, UPLOAD, run, texts, upload

TABLES = ["recommendation", "recommendation_status"]


@pytest.fixture
def db(seeded_db_url: str) -> Iterator[Engine]:
    eng = make_engine(seeded_db_url)
    yield eng
    eng.dispose()


def test_staff_upload_a_recommendation_preview_confirm_and_revert(make_app, db):
    before = snapshot(db, TABLES)
    recs = export_frame(db, "recommendations")
    recs.loc[recs["id"] == "R-2008-H1-03", "priority"] = "high"
    new = {c: "" for c in recs.columns} | {
        "id": "R-2008-H2-01",
        "round_id": "2008-H2",
        "text": "UNDP to draw on the thematic Global Human Rights Report in its country programming.",
        "addressees": "UNDP",
        "action_point_ids": "139",
        "lead": "UNDP",
        "due_date": "2009-06-30",
        "priority": "medium",
        "illustrative": "false",
    }
    recs.loc[len(recs)] = new
    raw = to_csv_bytes(recs)

    at = upload(run(make_app, UPLOAD, "staff"), "recommendations", "recs.csv", raw)
    assert texts(at.header) == [f"Preview: +1 new, ~1 modified, ={len(recs) - 2} unchanged"]
    changed = at.dataframe[-1].value
    assert changed.to_dict("records") == [
        {"key": "R-2008-H1-03", "column": "priority", "old value": "medium", "new value": "high"}
    ]
    assert snapshot(db, TABLES) == before, "nothing is written before the confirmation"
    assert at.button[0].label == "Confirm: write 2 rows"
    at.button[0].click().run()
    assert not at.exception, at.exception
    (msg,) = texts(at.success)
    assert "+1 new, ~1 modified" in msg
    stored = export_frame(db, "recommendations").set_index("id")
    assert stored.loc["R-2008-H2-01", ["addressees", "action_point_ids", "lead"]].tolist() == [
        "UNDP",
        "139",
        "UNDP",
    ]

    hist = run(make_app, HISTORY, "staff")
    top = hist.dataframe[0].value.iloc[0]
    assert (top["file name"], top["new"], top["modified"]) == ("recs.csv", 1, 1)
    uid = int(top["upload"])
    hist.checkbox(key=f"revert-sure-{uid}").check().run()
    hist.button(key=f"revert-{uid}").click().run()
    assert not hist.exception, hist.exception
    assert texts(hist.success) == [
        f"Upload {uid} reverted: 1 added row(s) removed, 1 modified row(s) restored."
    ]
    assert snapshot(db, TABLES) == before


def test_a_refused_follow_up_file_names_the_problem_on_the_page(make_app, db):
    before = snapshot(db, TABLES)
    raw = (
        b"recommendation_id,round_id,status,reason,note,reported_by,reported_on\n"
        b"R-2008-H1-03,2008-H2,dropped,,,Focal point,2008-11-10\n"
    )
    at = upload(run(make_app, UPLOAD, "staff"), "recommendation-status", "follow-up.csv", raw)
    shown = " ".join(str(df.value.to_dict("records")) for df in at.dataframe)
    assert "A dropped recommendation needs its reason." in shown
    assert not any(b.label.startswith("Confirm") for b in at.button)
    assert snapshot(db, TABLES) == before
