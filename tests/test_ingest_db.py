"""The import pipeline against a database, on SQLite and PostgreSQL (lib/ingest.py).

Each test starts from a migrated database with the catalogues and data/rounds.csv
loaded, and compares whole-table snapshots: a rejected file, a dry run, a stale
confirmation or a killed import must leave every table exactly as it was, and a
revert must restore the data tables exactly.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select, text

from bench.ingest import write_mdg_csv
from lib.datasets import DATASETS, MDG, Dataset, get_dataset
from lib.db import get_data_version, writer
from lib.ingest import (
    MAX_UPLOAD_BYTES,
    ImportResult,
    RevertRefused,
    StaleData,
    export_frame,
    history,
    import_bytes,
    revert,
    template_frame,
    to_csv_bytes,
)
from lib.models import SQLModel
from lib.paths import DATA_DIR, ROOT
from lib.seed import SEED_FILES, init
from tests.conftest import BACKENDS, pg_admin_url

UN_EXPORTS = ROOT.parent / "shared" / "data" / "mdg" / "un-exports"
DATA_TABLES = [d.table for d in DATASETS.values()]
ALL_TABLES = sorted(SQLModel.metadata.tables)
BOOKKEEPING = ["upload", "revision", "audit_event", "data_version"]
NY = get_dataset("ny-workload")
ROUNDS_DS = get_dataset("rounds")

pytestmark = BACKENDS


# --- Helpers ---------------------------------------------------------------------------


@pytest.fixture
def db(engine: Engine) -> Engine:
    """The catalogues and data/rounds.csv loaded, so that references exist."""
    init(engine, seed=False)
    res = imp(engine, "rounds", (DATA_DIR / "rounds.csv").read_bytes(), "rounds.csv")
    assert res.new == 6
    return engine


def imp(engine: Engine, dataset: str, raw: bytes, filename: str = "upload.csv", **kw) -> ImportResult:
    """Import and require success."""
    res = import_bytes(engine, dataset, raw, filename, **kw)
    assert res.ok, res.errors[:5]
    return res


def snapshot(engine: Engine, tables: list[str] = ALL_TABLES) -> dict[str, list[tuple]]:
    """Every row of ``tables``, in primary key order."""
    out = {}
    with engine.connect() as conn:
        for name in tables:
            t = SQLModel.metadata.tables[name]
            out[name] = [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
    return out


def version(engine: Engine) -> int:
    with engine.connect() as conn:
        return get_data_version(conn)


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(SQLModel.metadata.tables[table])).scalar_one()


def csv_bytes(header: list[str], rows: list[list[str]], delimiter: str = ",") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode()


def read_rows(name: str, limit: int | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a data/ file."""
    with (DATA_DIR / name).open(newline="", encoding="utf-8-sig") as f:
        header, *rows = list(csv.reader(f))
    return header, rows[:limit] if limit else rows


def expected_value(dataset: Dataset, col: str, cell: str):
    """What the database holds for a file's cell."""
    c = dataset.col(col)
    cell = cell.strip()
    if cell == "":
        return False if c.kind == "bool" else ("" if col in ("title", "description") else None)
    if c.kind == "int":
        return int(cell)
    if c.kind == "float":
        return float(cell)
    if c.kind == "date":
        return date.fromisoformat(cell)
    if c.kind == "bool":
        return cell.lower() in ("true", "1", "yes", "y", "t")
    return cell.lower() if c.lower else cell


def db_row(engine: Engine, dataset: Dataset, key: dict) -> dict:
    t = SQLModel.metadata.tables[dataset.table]
    with engine.connect() as conn:
        return dict(conn.execute(select(t).where(*[t.c[k] == v for k, v in key.items()])).mappings().one())


def check_values(engine: Engine, dataset: Dataset, header: list[str], rows: list[list[str]]) -> None:
    """The database holds exactly these file rows' values."""
    for row in rows:
        cells = dict(zip(header, row, strict=True))
        want = {c: expected_value(dataset, c, cells.get(c, "")) for c in dataset.column_names}
        got = db_row(engine, dataset, {k: want[k] for k in dataset.key})
        assert {c: got[c] for c in dataset.column_names} == want


# --- Import, re-import, export -----------------------------------------------------------


def test_data_files_import_reimport_and_export_round_trip(db):
    """Each data/ file imports with its values; again it changes nothing; so does its export."""
    for dataset_name, name, _ in SEED_FILES:
        dataset = get_dataset(dataset_name)
        header, rows = read_rows(name)
        raw = (DATA_DIR / name).read_bytes()
        if dataset_name != "rounds":  # the fixture imported rounds.csv
            res = imp(db, dataset_name, raw, name)
            assert (res.rows, res.new, res.modified) == (len(rows), len(rows), 0), name
            assert res.upload_id is not None
        check_values(db, dataset, header, [rows[0], rows[len(rows) // 2], rows[-1]])

        tables = [dataset.table, *BOOKKEEPING]
        before, v = snapshot(db, tables), version(db)
        again = imp(db, dataset_name, raw, name)
        assert (again.new, again.modified, again.unchanged) == (0, 0, len(rows)), name
        assert again.upload_id is None and again.modified_preview.empty
        assert "all unchanged (0 new, 0 modified); nothing was written" in again.summary()
        assert version(db) == v
        assert snapshot(db, tables) == before

    # What staff prepare for a round has no seed file: a row each, so that its export round-trips too.
    for name in ("briefing-messages", "briefing-choice"):
        assert imp(db, name, unmarked(to_csv_bytes(template_frame(name))), f"{name}.csv").upload_id
    for dataset_name in DATASETS:
        exported = export_frame(db, dataset_name)
        assert list(exported.columns) == list(template_frame(dataset_name).columns)
        assert len(exported) == count(db, get_dataset(dataset_name).table)
        uploads, v = count(db, "upload"), version(db)
        res = imp(db, dataset_name, to_csv_bytes(exported), f"{dataset_name}-export.csv", max_bytes=None)
        assert (res.new, res.modified, res.unchanged) == (0, 0, len(exported)), dataset_name
        assert (count(db, "upload"), version(db)) == (uploads, v)


def unmarked(raw: bytes) -> bytes:
    """A template with its example row's mark removed (as if staff had typed that row)."""
    return raw.replace(b"# example: ", b"", 1)


def test_templates_import_and_reimport(db):
    """Each template's example row (its mark removed: issue 12 marks it so that a template is never
    imported as it is) imports, in dataset order, and again changes nothing."""
    for name in DATASETS:
        raw = unmarked(to_csv_bytes(template_frame(name)))
        res = imp(db, name, raw, f"{name}-template.csv")
        assert (res.new, res.modified) == (1, 0), name
        again = imp(db, name, raw, f"{name}-template.csv")
        assert (again.new, again.modified, again.unchanged) == (0, 0, 1), name
    example = {c.name: c.example for c in MDG.columns}
    row = db_row(db, MDG, {k: expected_value(MDG, k, example[k]) for k in MDG.key})
    assert (row["value"], row["unit"], row["nature"], row["footnote"]) == (
        396.0,
        "per 100,000 live births",
        "C",
        None,
    )


@pytest.mark.parametrize(
    "names",
    [
        ("rounds", "action-points", "mdg", "ny-workload"),
        ("action2",),
    ],
    ids=["others", "action2"],
)
def test_each_template_is_valid_against_the_seed_references(db, names):
    """A template alone, against the catalogues and data/rounds.csv only."""
    for name in names:
        raw = unmarked(to_csv_bytes(template_frame(name)))
        res = import_bytes(db, name, raw, "template.csv", dry_run=True)
        assert res.ok, (name, [p.message for p in res.errors])
        assert (res.new, res.modified) == (1, 0), name


def test_modified_rows_are_counted_previewed_and_reverted_exactly(db):
    header, rows = read_rows("ny_workload.csv")
    imp(db, "ny-workload", (DATA_DIR / "ny_workload.csv").read_bytes(), "ny_workload.csv")
    before = snapshot(db, DATA_TABLES)
    v = version(db)

    changed = [list(r) for r in rows[:3]]
    i = {c: header.index(c) for c in header}
    changed[0][i["hours"]] = "99.25"
    changed[1][i["status"]], changed[1][i["completed_on"]] = "in_progress", ""
    changed[2][i["title"]] = "A new title, with a comma"
    new_row = list(rows[0])
    new_row[i["id"]] = "NY-2099-001"
    res = imp(db, "ny-workload", csv_bytes(header, [*changed, new_row, *rows[3:5]]), "changes.csv")
    assert (res.rows, res.new, res.modified, res.unchanged) == (6, 1, 3, 2)

    preview = res.modified_preview
    assert set(preview.columns) == {"key", "column", "old", "new"}
    lines = {(r.key, r.column): (r.old, r.new) for r in preview.itertuples()}
    assert lines[(rows[0][i["id"]], "hours")] == (float(rows[0][i["hours"]]), 99.25)
    assert lines[(rows[1][i["id"]], "status")] == ("completed", "in_progress")
    assert lines[(rows[1][i["id"]], "completed_on")] == (date.fromisoformat(rows[1][i["completed_on"]]), None)
    assert lines[(rows[2][i["id"]], "title")] == (rows[2][i["title"]], "A new title, with a comma")
    assert len(preview) == 4
    assert db_row(db, NY, {"id": rows[1][i["id"]]})["completed_on"] is None

    out = revert(db, res.upload_id, user="tester")
    assert (out["deleted"], out["restored"]) == (1, 3)
    assert snapshot(db, DATA_TABLES) == before
    assert version(db) == v + 2
    h = history(db)
    assert h.loc[h["id"] == res.upload_id, "reverted_by"].item() == "tester"

    with pytest.raises(RevertRefused, match=f"Upload {res.upload_id} was already reverted on .* by tester"):
        revert(db, res.upload_id)
    with pytest.raises(RevertRefused, match="There is no upload 9999"):
        revert(db, 9999)
    assert snapshot(db, DATA_TABLES) == before


def test_revert_is_refused_while_a_later_upload_changed_the_same_rows(db):
    header, rows = read_rows("rounds.csv")
    before = snapshot(db, DATA_TABLES)

    def with_title(r: list[str], title: str) -> list[str]:
        return [r[0], title, *r[2:]]

    a = imp(
        db,
        "rounds",
        csv_bytes(
            header, [with_title(rows[0], "A"), ["2009-H1", "New", "2009-05-15", "2009-04-30", "false"]]
        ),
        "a.csv",
    )
    assert (a.new, a.modified) == (1, 1)
    b = imp(db, "rounds", csv_bytes(header, [with_title(rows[0], "B")]), "b.csv")
    assert (b.new, b.modified) == (0, 1)

    with pytest.raises(RevertRefused) as info:
        revert(db, a.upload_id)
    msg = str(info.value)
    assert f"Upload {a.upload_id} cannot be reverted" in msg
    assert f"upload {b.upload_id} (b.csv, " in msg and "Revert those first." in msg

    c = imp(
        db,
        "rounds",
        csv_bytes(header, [["2009-H1", "Changed by C", "2009-05-15", "2009-04-30", "false"]]),
        "c.csv",
    )
    with pytest.raises(RevertRefused, match=rf"upload {b.upload_id} \(b\.csv.*upload {c.upload_id} \(c\.csv"):
        revert(db, a.upload_id)
    assert db_row(db, ROUNDS_DS, {"id": rows[0][0]})["title"] == "B"

    revert(db, c.upload_id)
    revert(db, b.upload_id)
    assert db_row(db, ROUNDS_DS, {"id": rows[0][0]})["title"] == "A"
    revert(db, a.upload_id)
    assert snapshot(db, DATA_TABLES) == before


def test_dry_run_writes_nothing_and_stale_previews_are_refused(db):
    header, rows = read_rows("rounds.csv")
    raw = csv_bytes(
        header,
        [[rows[0][0], "Retitled", *rows[0][2:]], ["2009-H1", "New", "2009-05-15", "2009-04-30", "false"]],
    )
    before, v = snapshot(db), version(db)

    dry = import_bytes(db, "rounds", raw, "dry.csv", dry_run=True)
    assert dry.ok and dry.dry_run and dry.upload_id is None
    assert (dry.new, dry.modified, dry.unchanged) == (1, 1, 0)
    assert dry.modified_preview.to_dict("records") == [
        {"key": rows[0][0], "column": "title", "old": rows[0][1], "new": "Retitled"}
    ]
    assert dry.summary() == "dry.csv: would import 2 rows: +1 new, ~1 modified, =0 unchanged."
    assert snapshot(db) == before and version(db) == v

    other = imp(db, "rounds", csv_bytes(header, [["2010-H1", "Other", "2010-05-15", "2010-04-30", "false"]]))
    assert other.data_version == v + 1
    after_other = snapshot(db)
    with pytest.raises(StaleData, match="changed since your preview"):
        import_bytes(db, "rounds", raw, "confirm.csv", expected_version=v)
    assert snapshot(db) == after_other and version(db) == v + 1

    res = imp(db, "rounds", raw, "confirm.csv", expected_version=v + 1)
    assert (res.new, res.modified, res.data_version) == (1, 1, v + 2)


# --- Malformed input -------------------------------------------------------------------------

AP_HEADER, AP_ROWS = read_rows("progress_reports.csv", 3)
A2_HEADER, A2_ROWS = read_rows("action2.csv", 3)
MDG_HEADER, MDG_ROWS = read_rows("mdg_observations.csv", 3)
ROUNDS_HEADER, ROUNDS_ROWS = read_rows("rounds.csv")


def ap_with(**changes: str) -> list[str]:
    """The first progress report row, modified (it exists: the file also changes a stored row)."""
    row = dict(zip(AP_HEADER, AP_ROWS[0], strict=True)) | changes
    return list(row.values())


def a2_with(**changes: str) -> list[str]:
    row = dict(zip(A2_HEADER, A2_ROWS[0], strict=True)) | changes
    return list(row.values())


def mdg_with(**changes: str) -> list[str]:
    row = dict(zip(MDG_HEADER, MDG_ROWS[0], strict=True)) | changes
    return list(row.values())


def good_ap_row() -> list[str]:
    """A valid change to a stored row: a rejected file must not write it either."""
    return ap_with(summary="Changed, and must not be written.")


def mk_ap(*bad: list[str]) -> bytes:
    return csv_bytes(AP_HEADER, [good_ap_row(), *AP_ROWS[1:], *bad])


UN_HEAD = "CountryCode,Country,SeriesCode,Series,1990,1991\n"
MALFORMED: list[tuple[str, str, bytes, str]] = [
    # (case, dataset, file, fragment of an error message)
    (
        "missing column",
        "action-points",
        csv_bytes(AP_HEADER[:-2], [r[:-2] for r in AP_ROWS]),
        "Column 'reported_on' is missing",
    ),
    (
        "extra column",
        "action-points",
        csv_bytes([*AP_HEADER, "venue"], [[*r, "NY"] for r in AP_ROWS]),
        "Column 'venue' is not part of the action-points template",
    ),
    (
        "duplicate column",
        "action-points",
        csv_bytes([*AP_HEADER, "STATUS"], [[*r, "limited"] for r in AP_ROWS]),
        "Column 'status' appears more than once",
    ),
    (
        "unnamed column",
        "action-points",
        csv_bytes([*AP_HEADER, ""], [[*r, ""] for r in AP_ROWS]),
        "has no name in the header",
    ),
    (
        "too many values",
        "action-points",
        mk_ap([*AP_ROWS[0], "extra"]),
        "Row 5 has 15 values but the header has 14 columns",  # progress_reports.csv: 14 columns since self_assessment
    ),
    (
        "int not a number",
        "action-points",
        mk_ap(ap_with(action_point_id="158", percent_complete="sixty")),
        "'percent_complete' must be a whole number",
    ),
    (
        "int with decimals",
        "action-points",
        mk_ap(ap_with(action_point_id="158", percent_complete="60.5")),
        "'percent_complete' must be a whole number",
    ),
    (
        "int out of range",
        "action-points",
        mk_ap(ap_with(action_point_id="158", percent_complete="101")),
        "is out of range; it must be between 0 and 100",
    ),
    (
        "int overflow",
        "action-points",
        mk_ap(ap_with(action_point_id="158", percent_complete="1e400")),
        "is out of range; it must be between 0 and 100",
    ),
    (
        "bad date",
        "action-points",
        mk_ap(ap_with(action_point_id="158", reported_on="30/11/2008")),
        "must be a date written YYYY-MM-DD",
    ),
    (
        "impossible date",
        "action-points",
        mk_ap(ap_with(action_point_id="158", reported_on="2008-02-30")),
        "must be a date written YYYY-MM-DD",
    ),
    (
        "bad bool",
        "action-points",
        mk_ap(ap_with(action_point_id="158", illustrative="perhaps")),
        "'illustrative' must be true or false",
    ),
    (
        "required empty",
        "action-points",
        mk_ap(ap_with(action_point_id="158", summary="")),
        "'summary' is required",
    ),
    (
        "unknown vocabulary",
        "action-points",
        mk_ap(ap_with(action_point_id="158", status="finished")),
        "use one of: not_started, limited, substantial, completed",
    ),
    (
        "unknown round",
        "action-points",
        mk_ap(ap_with(round_id="2010-H2")),
        "'round_id' value '2010-H2' is unknown; use one of: 2006-H1, 2006-H2, 2007-H1, 2007-H2, 2008-H1, 2008-H2",
    ),
    (
        "unknown action point",
        "action-points",
        mk_ap(ap_with(action_point_id="999")),
        "'action_point_id' value '999' is unknown; use one of: 127a, 127b",
    ),
    (
        "duplicate key",
        "action-points",
        mk_ap(AP_ROWS[1]),
        "Duplicate key: the same round_id, action_point_id as row 3",
    ),
    (
        "text too long",
        "action-points",
        mk_ap(ap_with(action_point_id="158", lead_unit="x" * 201)),
        "is longer than 200 characters",
    ),
    (
        "unknown agency",
        "action2",
        csv_bytes(A2_HEADER, [a2_with(agency="ACME")]),
        "'agency' value 'ACME' is unknown; use one of: ",
    ),
    (
        "unknown country",
        "action2",
        csv_bytes(A2_HEADER, [a2_with(country_iso3="XXX")]),
        "'country_iso3' value 'XXX' is unknown; use one of: ABW, AFG",
    ),
    (
        "end before start",
        "action2",
        csv_bytes(A2_HEADER, [a2_with(end_date="2000-01-01")]),
        "The end date is before the start date",
    ),
    (
        "unknown indicator",
        "mdg",
        csv_bytes(MDG_HEADER, [mdg_with(indicator_code="9.9")]),
        "'indicator_code' value '9.9' is unknown; use one of: 1.1, 1.2",
    ),
    ("year out of range", "mdg", csv_bytes(MDG_HEADER, [mdg_with(year="1900")]), "between 1950 and 2100"),
    ("value not finite", "mdg", csv_bytes(MDG_HEADER, [mdg_with(value="inf")]), "must be a finite number"),
    (
        # Issue 12: a semicolon file's decimal commas are read when the whole column uses them;
        # a column mixing commas and points is refused.
        "decimal comma",
        "mdg",
        csv_bytes(MDG_HEADER, [mdg_with(value="1,5"), mdg_with(value="2.5", year="2001")], delimiter=";"),
        "mixes decimal commas",
    ),
    ("bad nature", "mdg", csv_bytes(MDG_HEADER, [mdg_with(nature="X")]), "use one of: C, CA, E, G, M, N"),
    (
        "UN unknown series",
        "mdg",
        (UN_HEAD + "4,Afghanistan,no-such-series,x,1,2\n").encode(),
        "Unknown UN series code. Known codes:",
    ),
    (
        "UN country name",
        "mdg",
        (UN_HEAD + "Afghanistan,Afghanistan,553,x,1,2\n").encode(),
        "must be a UN M49 number",
    ),
    ("UN header only", "mdg", UN_HEAD.encode(), "header but no data rows"),
    (
        "cutoff after meeting",
        "rounds",
        csv_bytes(ROUNDS_HEADER, [["2009-H1", "x", "2009-05-01", "2009-05-02", "false"]]),
        "cut-off date must not be after",
    ),
    ("empty file", "rounds", b"", "The file is empty"),
    ("blanks only", "rounds", b"\xef\xbb\xbf \r\n\r\n", "The file is empty"),
    ("header only", "rounds", b"id,title,meeting_date,cutoff_date,illustrative\n", "header but no data rows"),
    (
        "blank first line",
        "rounds",
        b"\nid,title,meeting_date,cutoff_date\n2009-H1,x,2009-05-15,2009-04-30\n",
        "must start with the header row",
    ),
    ("NUL bytes", "rounds", "id,title\n2009-H1,x\n".encode("utf-16"), "NUL bytes"),
    (
        "undecodable",
        "rounds",
        b"id,title,meeting_date,cutoff_date\n2009-H1,\x81\x8d,2009-05-15,2009-04-30\n",
        "neither UTF-8 nor Windows-1252",
    ),
    (
        "cp1252 with bad date",
        "rounds",
        "id,title,meeting_date,cutoff_date\n2009-H1,Côte d'Ivoire,2009-05-15,2009-04-3O\n".encode("cp1252"),
        "must be a date",
    ),
]


def test_malformed_files_are_rejected_with_tables_unchanged(db):
    imp(db, "action-points", csv_bytes(AP_HEADER, AP_ROWS))
    imp(db, "action2", csv_bytes(A2_HEADER, A2_ROWS))
    imp(db, "mdg", csv_bytes(MDG_HEADER, MDG_ROWS))
    before, v = snapshot(db), version(db)
    for case, dataset, raw, fragment in MALFORMED:
        res = import_bytes(db, dataset, raw, f"{case}.csv")
        errors = [p.message for p in res.errors]
        assert not res.ok and errors, case
        assert any(fragment in m for m in errors), (case, errors)
        assert res.summary().endswith("nothing was written."), case
        assert snapshot(db) == before, case
        assert version(db) == v, case
    # The valid first row alone imports: the rejections were about the bad rows.
    assert imp(db, "action-points", csv_bytes(AP_HEADER, [good_ap_row()])).modified == 1


def test_optional_text_left_empty_is_stored_as_null_or_empty(db):
    """Empty optional text: NULL where the column allows it, "" where it is NOT NULL (never 'nan')."""
    ny_header, ny_rows = read_rows("ny_workload.csv", 1)
    ny = dict(zip(ny_header, ny_rows[0], strict=True)) | {"title": ""}
    a2 = dict(zip(A2_HEADER, A2_ROWS[0], strict=True)) | {"description": "", "end_date": ""}
    ap = dict(zip(AP_HEADER, AP_ROWS[0], strict=True)) | {
        "next_steps": "",
        "internal_notes": "",
        "due_date": "",
    }
    files = [
        ("ny-workload", csv_bytes(list(ny), [list(ny.values())])),
        ("action2", csv_bytes(list(a2), [list(a2.values())])),
        ("action-points", csv_bytes(list(ap), [list(ap.values())])),
    ]
    for name, raw in files:
        assert imp(db, name, raw).new == 1, name
    assert db_row(db, NY, {"id": ny["id"]})["title"] == ""
    row = db_row(db, get_dataset("action2"), {"id": a2["id"]})
    assert (row["description"], row["end_date"]) == ("", None)
    row = db_row(
        db,
        get_dataset("action-points"),
        {"round_id": ap["round_id"], "action_point_id": ap["action_point_id"]},
    )
    assert (row["next_steps"], row["internal_notes"], row["due_date"]) == (None, None, None)
    for name, raw in files:
        assert imp(db, name, raw).new == 0, name
        exported = to_csv_bytes(export_frame(db, name))
        again = imp(db, name, exported)
        assert (again.new, again.modified) == (0, 0), name


def test_encodings_and_delimiters_are_handled(db):
    head = "id,title,meeting_date,cutoff_date,illustrative\n"
    cases = [
        (
            "cp1252",
            (head + "2009-H1,Côte d'Ivoire – consultation,2009-05-15,2009-04-30,false\n").encode("cp1252"),
            "Côte d'Ivoire – consultation",
        ),
        ("bom", b"\xef\xbb\xbf" + (head + "2009-H2,Genève,2009-12-01,2009-11-10,TRUE\n").encode(), "Genève"),
        (
            "semicolon",
            (head.replace(",", ";") + '2010-H1;"First, of 2010";2010-05-15;2010-04-30;0\n').encode(),
            "First, of 2010",
        ),
        (
            "tab crlf",
            (head.replace(",", "\t") + "2010-H2\tSecond\t2010-12-01\t2010-11-10\t\r\n")
            .replace("\n", "\r\n")
            .encode(),
            "Second",
        ),
    ]
    for case, raw, title in cases:
        res = imp(db, "rounds", raw, f"{case}.csv")
        assert res.new == 1, case
        key = raw.decode("cp1252" if case == "cp1252" else "utf-8-sig").splitlines()[1][:7]
        assert db_row(db, ROUNDS_DS, {"id": key})["title"] == title, case
        assert imp(db, "rounds", raw, f"{case}.csv").new == 0, case
    assert db_row(db, ROUNDS_DS, {"id": "2009-H2"})["illustrative"] is True


# --- Real UN exports -----------------------------------------------------------------------


def un_export(name: str) -> bytes:
    if not UN_EXPORTS.is_dir():
        pytest.skip(f"{UN_EXPORTS} is absent: the real UN MDG exports live outside this repository")
    return (UN_EXPORTS / name).read_bytes()


def count_un_values(raw: bytes) -> int:
    """Non-empty year cells of a UN export, without Sudan (former) and Channel Islands (no ISO code)."""
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig")))
    header = next(reader)
    years = [i for i, h in enumerate(header) if h.strip().isdigit()]
    return sum(
        1
        for row in reader
        if row and row[0] not in ("736", "830")
        for i in years
        if i < len(row) and row[i].strip() not in ("", "..", "-")
    )


def obs(engine: Engine, indicator: str, series: str, iso3: str, year: int, source: str) -> dict:
    key = dict(
        indicator_code=indicator,
        series_code=series,
        country_iso3=iso3,
        year=year,
        sex="total",
        location="total",
        source=source,
    )
    return db_row(engine, MDG, key)


def test_real_un_exports_import_with_correct_values(db):
    goal5 = un_export("MDG_goal5_wide.csv")
    res = imp(db, "mdg", goal5, "MDG_goal5_wide.csv")
    assert res.layout == "un_wide"
    assert (res.new, res.modified) == (count_un_values(goal5), 0)
    warned = " ".join(p.message for p in res.warnings)
    assert "Sudan (former) has no ISO 3166 code; its rows were skipped." in warned
    assert "Channel Islands" in warned
    assert {p.value for p in res.warnings} == {"736", "830"}
    row = obs(db, "5.1", "553", "AFG", 2015, "UNSD MDG DB")
    assert (row["value"], row["unit"], row["nature"]) == (396.0, "per 100,000 live births", None)
    assert obs(db, "5.1", "553", "AFG", 1990, "UNSD MDG DB")["value"] == 1340.0
    # Zimbabwe,762: " , , , , 93.1" - the 1994 cell after four single-space blanks.
    assert obs(db, "5.5", "762", "ZWE", 1994, "UNSD MDG DB")["value"] == 93.1

    export = un_export("MDG_Export_20191227.csv")
    res2 = imp(db, "mdg", export, "MDG_Export_20191227.csv")
    assert (res2.new, res2.modified) == (count_un_values(export), 0)
    assert "Sudan (former)" in " ".join(p.message for p in res2.warnings)
    src = "UNSD MDG DB export 2019-12-27"
    # 4,Afghanistan,749,...,2676.9,,G,2493.6,,G,...  and  4,Afghanistan,567,...,2.1,,E
    row = obs(db, "7.2", "749", "AFG", 1990, src)
    assert (row["value"], row["nature"], row["unit"]) == (2676.9, "G", "thousand metric tons of CO2")
    assert obs(db, "7.2", "749", "AFG", 1991, src)["value"] == 2493.6
    assert (
        obs(db, "7.1", "567", "AFG", 1990, src)["value"],
        obs(db, "7.1", "567", "AFG", 1990, src)["nature"],
    ) == (2.1, "E")
    assert obs(db, "7.6", "616", "ZWE", 1990, src)["value"] == 16.9

    for name, raw in (("MDG_goal5_wide.csv", goal5), ("MDG_Export_20191227.csv", export)):
        again = imp(db, "mdg", raw, name)
        assert (again.new, again.modified, again.upload_id) == (0, 0, None), name


# --- Size limit and killed imports ------------------------------------------------------------


def test_a_file_just_over_50_mb_is_rejected(db, tmp_path):
    line = ",".join(MDG_ROWS[0]).encode() + b"\n"
    path = tmp_path / "big.csv"
    with path.open("wb") as f:
        f.write(",".join(MDG_HEADER).encode() + b"\n")
        f.write(line * (MAX_UPLOAD_BYTES // len(line) + 1))
    raw = path.read_bytes()
    assert MAX_UPLOAD_BYTES < len(raw) < MAX_UPLOAD_BYTES + 2 * len(line)
    before = snapshot(db)
    res = import_bytes(db, "mdg", raw, "big.csv")
    assert not res.ok
    assert (
        res.errors[0].message
        == "The file is larger than the limit of 50 MB (52,428,800 bytes). Split it into smaller files."
    )
    assert res.errors[0].value == f"{len(raw):,} bytes"
    assert snapshot(db) == before


def _writing(admin: Engine | None, db_name: str, db_path: Path | None, threshold: int) -> bool:
    """Is the import inside its write (SQLite: WAL past the stored file; PostgreSQL: INSERT running)?"""
    if db_path is not None:
        wal = Path(f"{db_path}-wal")
        return wal.exists() and wal.stat().st_size > threshold
    assert admin is not None
    with admin.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = :d AND state = 'active' "
                    "AND query LIKE 'INSERT INTO observation%'"
                ),
                {"d": db_name},
            ).scalar()
        )


def _wait_for_backends_to_end(url: str, timeout: float = 60) -> None:
    """After the client died, PostgreSQL rolls its transaction back when it notices; wait for that."""
    eng = create_engine(pg_admin_url())
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with eng.connect() as conn:
                n = conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid() "
                        "AND state <> 'idle'"
                    ),
                    {"d": url.rsplit("/", 1)[-1]},
                ).scalar()
            if not n:
                return
            time.sleep(0.1)
    finally:
        eng.dispose()
    raise AssertionError("the killed import's backend is still running")


@pytest.fixture(scope="module")
def big_mdg_file(tmp_path_factory) -> Path:
    """A 150,000-row tidy MDG file (14 MB), shared by both backends."""
    return write_mdg_csv(tmp_path_factory.mktemp("big") / "big.csv", 150_000)


@pytest.mark.slow
def test_a_killed_import_leaves_the_tables_unchanged(db, tmp_path, big_mdg_file):
    """SIGKILL the CLI while it writes a 150,000-row file: nothing is left of it, and the next import works."""
    small = write_mdg_csv(tmp_path / "small.csv", 1000)  # the first rows of the big file
    imp(db, "mdg", small.read_bytes(), "small.csv")
    before, v = snapshot(db), version(db)

    url = db.url.render_as_string(hide_password=False)
    db_path = Path(db.url.database) if db.dialect.name == "sqlite" else None
    db.dispose()
    # PostgreSQL notices a dead client only when it next talks to it, unless told to check.
    env = {**os.environ, "DATABASE_URL": url, "PGOPTIONS": "-c client_connection_check_interval=100"}
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "lib.cli", "import", "mdg", str(big_mdg_file), "--no-size-limit"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    admin = create_engine(pg_admin_url()) if db_path is None else None
    try:
        deadline = time.monotonic() + 120
        threshold = big_mdg_file.stat().st_size + 2**20  # past the stored file: rows are being written
        while proc.poll() is None and time.monotonic() < deadline:
            if _writing(admin, db.url.database, db_path, threshold):
                break
            time.sleep(0.02)
        assert proc.poll() is None, f"the import ended before it could be killed: {proc.communicate()}"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
        if admin is not None:
            admin.dispose()
    assert proc.returncode == -signal.SIGKILL
    if db_path is None:
        _wait_for_backends_to_end(url)

    assert snapshot(db) == before
    assert version(db) == v
    follow = write_mdg_csv(tmp_path / "follow.csv", 2000)
    res = imp(db, "mdg", follow.read_bytes(), "follow.csv")
    assert (res.new, res.modified, res.unchanged) == (1000, 0, 1000)
    assert version(db) == v + 1


def test_kept_files_are_stored_compressed_and_given_back_as_uploaded(db):
    from lib.ingest import upload_file
    from lib.models import Upload

    raw = (DATA_DIR / "mdg_observations.csv").read_bytes()
    res = imp(db, "mdg", raw, "mdg.csv", max_bytes=None)
    up = Upload.__table__
    with db.connect() as conn:
        stored, encoding = conn.execute(
            select(up.c.content, up.c.content_encoding).where(up.c.id == res.upload_id)
        ).one()
    assert encoding == "zlib" and len(stored) < len(raw) / 4
    assert upload_file(db, res.upload_id) == ("mdg.csv", raw)
    # A file kept before compression (migration 0004) comes back as it was stored.
    with writer(db).begin() as conn:
        conn.execute(up.update().where(up.c.id == res.upload_id).values(content=raw, content_encoding=None))
    assert upload_file(db, res.upload_id) == ("mdg.csv", raw)


def test_codes_missing_from_the_catalogues_fail_the_import_and_change_nothing(db, monkeypatch):
    """An MDG import checks the country and indicator codes it writes against the catalogues,
    inside its transaction (on SQLite in place of the per-row foreign-key checks, which its
    connection skips): a code the validation took for known (a catalogue changed without a new
    data version) fails the import, fresh rows or staged, and leaves every table as it was. The
    connection checks foreign keys again afterwards."""
    import sqlite3

    import psycopg
    from sqlalchemy.exc import IntegrityError

    from lib import reference
    from lib.db import is_sqlite
    from lib.models import Observation

    imp(db, "mdg", csv_bytes(MDG_HEADER, MDG_ROWS[:2]))
    load_refs = reference.load_refs

    def stale(conn):
        refs = load_refs(conn)
        return refs | {"country": refs["country"] | {"QQQ"}}

    monkeypatch.setattr(reference, "load_refs", stale)
    failed = (sqlite3.IntegrityError, psycopg.IntegrityError, IntegrityError)
    changed = mdg_with(value="12.5")
    for rows in ([mdg_with(country_iso3="QQQ")], [changed, mdg_with(country_iso3="QQQ", year="1999")]):
        before = snapshot(db)
        with pytest.raises(failed):
            import_bytes(db, "mdg", csv_bytes(MDG_HEADER, rows), "stale.csv")
        assert snapshot(db) == before
    o = Observation.__table__
    with writer(db).begin() as conn:
        if is_sqlite(conn):
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        row = dict(zip(MDG_HEADER, MDG_ROWS[0], strict=True)) | {"country_iso3": "QQQ", "value": 1.0}
        row["year"] = int(row["year"])
        with pytest.raises(IntegrityError):
            conn.execute(o.insert().values(**row))
