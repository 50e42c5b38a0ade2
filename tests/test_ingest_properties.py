"""Property-based tests (Hypothesis) of decode -> parse -> validate -> store, on SQLite:

- for any bytes, the pipeline returns problems or rows, and never raises;
- an accepted file's stored values are the file's;
- any valid frame, exported then imported, is unchanged (the export is an identity).

Example counts are modest so the suite stays fast; each example is one import (and a revert).
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from lib.datasets import DATASETS, get_dataset
from lib.db import make_engine
from lib.ingest import export_frame, import_bytes, read_file, revert, to_csv_bytes
from lib.seed import init

SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
#: Text a cell may hold: letters with accents, digits, spaces, delimiters, quotes, a hash.
CELL_TEXT = st.text(
    alphabet=st.characters(categories=["L", "N", "Zs"], include_characters=",;\"'#-./()&’"), max_size=40
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    path = tmp_path_factory.mktemp("properties") / "p.db"
    eng = make_engine(f"sqlite:///{path}")
    init(eng, seed=False)
    raw = (pytest.importorskip("lib.paths").DATA_DIR / "rounds.csv").read_bytes()
    assert import_bytes(eng, "rounds", raw, "rounds.csv").ok
    yield eng
    eng.dispose()


def _csv(header: list[str], rows: list[list[str]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue().encode("utf-8")


def _checked(engine: Engine, dataset: str, raw: bytes):
    with engine.connect() as conn:
        typed, _parsed, problems = read_file(conn, get_dataset(dataset), raw, max_bytes=None)
    assert (typed is None) == any(p.severity == "error" for p in problems)
    assert all(isinstance(p.message, str) and p.message for p in problems)
    return typed, problems


@SETTINGS
@given(raw=st.binary(max_size=3000), dataset=st.sampled_from(list(DATASETS)))
def test_any_bytes_give_problems_or_rows(engine, raw, dataset):
    _checked(engine, dataset, raw)


@SETTINGS
@given(
    dataset=st.sampled_from(list(DATASETS)),
    rows=st.lists(
        st.lists(
            CELL_TEXT | st.sampled_from(["", "2008-H2", "1,5", "20/11/2008", "true", "1e-400"]), max_size=14
        ),
        max_size=8,
    ),
    delimiter=st.sampled_from([",", ";", "\t"]),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_any_table_of_text_gives_problems_or_rows(engine, dataset, rows, delimiter, ending):
    """Files shaped like CSVs (the template's header, cells of any text, any width)."""
    raw = _csv(DATASETS[dataset].column_names, rows, delimiter).replace(b"\n", ending.encode())
    _checked(engine, dataset, raw)


def _work_item(i: int, data) -> dict:
    """One valid work item, drawn."""
    received = data.draw(st.dates(date(2006, 1, 1), date(2012, 12, 31)))
    status = data.draw(st.sampled_from(["open", "in_progress", "completed"]))
    done = received + timedelta(days=data.draw(st.integers(0, 300))) if status == "completed" else None
    return {
        "id": f"P-{i}",
        "received_on": received.isoformat(),
        "work_area": data.draw(st.sampled_from(["rule_of_law", "mdgs", "other"])),
        "requesting_body": data.draw(st.sampled_from(["Security Council", "UNDG", "Other"])),
        "kind": data.draw(st.sampled_from(["meeting", "report"])),
        "title": data.draw(CELL_TEXT).strip(),
        "staff_member": data.draw(CELL_TEXT.map(str.strip).filter(bool)),
        "hours": repr(data.draw(st.floats(0, 2000, allow_subnormal=False))),
        "status": status,
        "completed_on": done.isoformat() if done else "",
        "illustrative": data.draw(st.sampled_from(["true", "false"])),
    }


@SETTINGS
@given(data=st.data(), n=st.integers(1, 6))
def test_accepted_values_are_stored_as_in_the_file_and_export_round_trips(engine, data, n):
    items = [_work_item(i, data) for i in range(n)]
    header = list(items[0])
    res = import_bytes(engine, "ny-workload", _csv(header, [list(r.values()) for r in items]), "p.csv")
    assert res.ok, res.errors[:3]
    try:
        stored = export_frame(engine, "ny-workload").set_index("id").loc[[r["id"] for r in items]]
        for r in items:  # the stored values, as the export writes them, are the file's
            row = stored.loc[r["id"]].fillna("")
            expected = {k: v for k, v in r.items() if k != "id"}
            got = {k: ("" if row[k] is None else str(row[k])) for k in expected}
            got["received_on"] = str(pd.Timestamp(row["received_on"]).date())
            if got["completed_on"]:
                got["completed_on"] = str(pd.Timestamp(row["completed_on"]).date())
            assert got == expected
        # Export then import: nothing changes.
        back = import_bytes(
            engine, "ny-workload", to_csv_bytes(export_frame(engine, "ny-workload")), "back.csv"
        )
        assert back.ok and (back.new, back.modified) == (0, 0)
    finally:
        revert(engine, res.upload_id)
