"""Issue 12: files as staff really have them, and hostile ones. Nothing crashes, nothing is
damaged silently, the work of a check is bounded. Each test names the point it covers; each
failed on the code before the fix (run against main's lib/ingest.py)."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from datetime import date

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import Engine, select

from lib import exports, uploads
from lib.datasets import ACTION2, MDG, ROUNDS
from lib.db import is_sqlite
from lib.ingest import (
    ImportRejected,
    RevertRefused,
    import_bytes,
    parse,
    revert,
    template_frame,
    to_csv_bytes,
)
from lib.models import ConsultationRound, Observation
from lib.paths import DATA_DIR, ROOT
from lib.seed import init
from tests.conftest import BACKENDS

ROUNDS_HEAD = "id,title,meeting_date,cutoff_date\n"
MDG_HEAD = "indicator_code,series_code,country_iso3,year,value,unit,sex,location,source\n"
UN_HEAD = "CountryCode;Country;SeriesCode;MDG;Series;1990;1991\n"


@pytest.fixture
def db(engine: Engine) -> Engine:
    """Catalogues and the rounds loaded (references exist)."""
    init(engine, seed=False)
    import_bytes(engine, "rounds", (DATA_DIR / "rounds.csv").read_bytes(), "rounds.csv")
    return engine


def errors_of(res) -> list[str]:
    assert not res.ok, "the file should have been refused"
    return [p.message for p in res.errors]


def rounds_stored(engine: Engine) -> list[tuple]:
    t = ConsultationRound.__table__
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(t).order_by(t.c.id))]


def observations(engine: Engine) -> list[tuple]:
    """(year, value, source) of every observation, in key order."""
    t = Observation.__table__
    with engine.connect() as conn:
        q = select(t.c.year, t.c.value, t.c.source).order_by(*t.primary_key.columns)
        return [tuple(r) for r in conn.execute(q)]


def cli(db_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own command line)
        [sys.executable, "-m", "lib.cli", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": db_url},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


# --- Crashes -------------------------------------------------------------------------------------


@BACKENDS
def test_french_excel_un_export_is_read_and_its_problems_shown(db):
    """French Excel saves the UN export with ';', decimal commas and FAUX: read, values exact;
    a bad cell of a row with several years is a problem with a text value (it was a pandas Series,
    and the upload page and the CLI crashed showing it)."""
    good = UN_HEAD + '4;Afghanistan;553;FAUX;"Maternal mortality ratio per 100,000 live births";1340,5;1331\n'
    res = import_bytes(db, "mdg", good.encode("cp1252"), "MDG_Export_20191227.csv")
    assert res.ok, res.errors
    values = {r[0]: r[1] for r in observations(db)}
    assert values == {1990: 1340.5, 1991: 1331.0}

    bad = UN_HEAD + '4;Afghanistan;553;FAUX;"Maternal mortality";1340,5;12.5\n'
    res = import_bytes(db, "mdg", bad.encode(), "MDG_Export_20191228.csv")
    assert not res.ok
    assert all(isinstance(p.value, str | None) for p in res.problems)
    frame = uploads.problems_frame(res.problems)  # what the page shows
    assert len(frame) == len(res.problems) and "mixes decimal commas" in frame.iloc[0, 3]


@BACKENDS
def test_series_must_be_in_the_catalogue_and_of_its_indicator(db):
    typo = MDG_HEAD + "4.1,IGME:U5MR.Typo,AFG,2015,70,per 1000,total,total,S\n"
    res = import_bytes(db, "mdg", typo.encode(), "typo.csv")
    assert any("not in the series catalogue" in m for m in errors_of(res))
    wrong = MDG_HEAD + "4.1,553,AFG,2015,396,per 100000,total,total,S\n"
    res = import_bytes(db, "mdg", wrong.encode(), "wrong.csv")
    assert any("is a series of indicator 5.1, not of 4.1" in m for m in errors_of(res))
    assert observations(db) == []
    # The MDG template's example pairs its indicator with a series of it.
    assert (MDG.col("indicator_code").example, MDG.col("series_code").example) == ("5.1", "553")


@BACKENDS
def test_cr_only_line_endings_are_read(db):
    raw = b"id,title,meeting_date,cutoff_date\r2009-H1,First of 2009,2009-05-15,2009-04-30\r"
    res = import_bytes(db, "rounds", raw, "mac.csv")
    assert res.ok and res.new == 1, res.errors


@BACKENDS
def test_revert_of_the_first_seed_upload_is_refused_with_a_reason(engine):
    init(engine)
    before = rounds_stored(engine)
    with pytest.raises(RevertRefused, match="other data refers to rows it added"):
        revert(engine, 1)
    assert rounds_stored(engine) == before


def test_cli_revert_refusal_and_bad_files_print_no_traceback(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert cli(url, "init").returncode == 0
    out = cli(url, "revert", "1", "--confirm", "1")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "cannot be reverted: other data refers" in out.stderr
    hostile = {
        "mac.csv": b"id,title\r2009-H1,x\r",
        "zip.xlsx": b"PK\x03\x04" + os.urandom(200),
        "noise.csv": bytes(range(256)) * 40,
        "commas.csv": b"," * 100_000,
        "quote.csv": b'id,title,meeting_date,cutoff_date\n"2009-H1,x\n',
        "escape.csv": b"id,title,meeting_date,cutoff_date\n2009-H9,\x1b[31mred\x1b[0m"
        + b"y" * 300_000
        + b",x,y\n",
    }
    for name, raw in hostile.items():
        (tmp_path / name).write_bytes(raw)
        out = cli(url, "import", "rounds", str(tmp_path / name))
        assert out.returncode in (0, 1), (name, out.stderr[-2000:])
        assert "Traceback" not in out.stderr, (name, out.stderr[-2000:])
        assert "\x1b" not in out.stderr + out.stdout, name  # escape sequences are shown escaped
        assert len(out.stderr) < 20_000, (name, len(out.stderr))  # a 300 KB cell is not echoed


# --- Memory and bounded work ---------------------------------------------------------------------


@BACKENDS
def test_a_header_of_thousands_of_columns_is_refused_before_reading(db):
    res = import_bytes(db, "rounds", b"," * 65_535 + b"\n1\n", "wide.csv")
    assert any("at most 500 are accepted" in m for m in errors_of(res))


@BACKENDS
def test_problems_are_bounded_and_the_rest_counted(db):
    """50,000 one-letter lines: a bounded list, and the count of the others."""
    res = import_bytes(db, "rounds", (ROUNDS_HEAD + "a\n" * 50_000).encode(), "letters.csv")
    assert not res.ok and len(res.problems) <= 1000
    assert res.error_count == 50_000
    assert "rejected, 50000 problem(s)" in res.summary()
    shown, rest = uploads.problem_table(res.problems)
    assert len(shown) + rest == 50_000


# --- Silent damage -------------------------------------------------------------------------------


@BACKENDS
def test_a_file_cut_mid_row_is_refused_naming_row_and_fields(db):
    cut = MDG_HEAD + "5.1,553,AFG,2014,425,u,total,total,S\n5.1,553,AFG,2015,8"
    res = import_bytes(db, "mdg", cut.encode(), "cut.csv")
    assert any(m.startswith("Row 3 has 5 value(s) but the header has 9 columns") for m in errors_of(res))
    assert observations(db) == []


@BACKENDS
def test_a_row_missing_trailing_optional_fields_is_refused(db):
    head = "id,title,meeting_date,cutoff_date,illustrative\n"
    res = import_bytes(db, "rounds", (head + "2009-H1,x,2009-05-15,2009-04-30\n").encode(), "short.csv")
    assert any("Row 2 has 4 value(s) but the header has 5 columns" in m for m in errors_of(res))


@BACKENDS
def test_a_utf8_file_with_a_stray_byte_is_refused_naming_the_line(db):
    raw = ROUNDS_HEAD.encode() + "2009-H1,Côte d'Ivoire,2009-05-15,2009-04-30\n".encode()
    raw += b"2009-H2,Second \x92 round,2009-11-15,2009-10-30\n"
    res = import_bytes(db, "rounds", raw, "mixed.csv")
    assert not res.ok and res.errors[0].row == 3
    assert "line 3 holds a byte that is not UTF-8" in res.errors[0].message
    assert "CÃ´te" not in str(rounds_stored(db))


@BACKENDS
def test_the_same_export_under_another_name_is_refused_unless_a_source_is_given(db, tmp_path):
    un = UN_HEAD + '4;Afghanistan;553;VRAI;"Maternal mortality";1340;1331\n'
    first = import_bytes(db, "mdg", un.encode(), "MDG_Export_20191227.csv")
    assert first.ok and first.source == "UNSD MDG DB export 2019-12-27"
    again = import_bytes(db, "mdg", un.encode(), "MDG_Export (copy).csv", dry_run=True)
    assert any(
        "already stored, the same, under the source 'UNSD MDG DB export 2019-12-27'" in m
        for m in errors_of(again)
    )
    stored = observations(db)
    refused = import_bytes(db, "mdg", un.encode(), "MDG_Export (copy).csv")
    assert not refused.ok and observations(db) == stored
    # Only an explicit choice files it apart (the CLI's --source).
    kept = import_bytes(db, "mdg", un.encode(), "copy.csv", source="Another label", allow_other_source=True)
    assert kept.ok and kept.new == 2


@BACKENDS
def test_a_template_as_it_is_never_imports_its_example(db):
    before = rounds_stored(db)
    for name in ("rounds", "action-points"):
        res = import_bytes(db, name, to_csv_bytes(template_frame(name)), f"{name}-template.csv")
        assert any("it is the template's example row" in m for m in errors_of(res)), name
    assert rounds_stored(db) == before


def test_a_large_revert_from_the_cli_needs_its_id_typed(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert cli(url, "init").returncode == 0
    uid = "6"  # action2.csv: 322 activities, nothing refers to them
    out = cli(url, "revert", uid)
    assert out.returncode == 1 and f"needs --confirm {uid}" in out.stderr
    assert "removes 322 row(s)" in out.stdout and "A2-" in out.stdout  # what it would remove
    assert "reverted_at" not in cli(url, "history").stdout or "None" in cli(url, "history").stdout
    done = cli(url, "revert", uid, "--confirm", uid)
    assert done.returncode == 0 and "322 rows removed" in done.stdout


def test_a_large_revert_on_the_history_page_needs_its_id_typed(make_app, seeded_db_url):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROLE_USERS

    at = AppTest.from_file(str(ROOT / "pages/history.py"), default_timeout=60)
    at.session_state["username"] = ROLE_USERS["admin"]
    at.run()
    uid = at.selectbox[0].value
    assert not len(at.get("checkbox")), "a large revert is confirmed by typing the id, not a tick"
    assert at.button(key=f"revert-{uid}").disabled
    assert any("The first rows it removes" in m.value for m in at.markdown)
    at.text_input(key=f"revert-typed-{uid}").input("999").run()
    assert at.button(key=f"revert-{uid}").disabled
    at.text_input(key=f"revert-typed-{uid}").input(str(uid)).run()
    assert not at.button(key=f"revert-{uid}").disabled


@BACKENDS
@pytest.mark.parametrize(
    ("case", "dataset", "text", "fragment"),
    [
        (
            "round 0000",
            "rounds",
            ROUNDS_HEAD + "0000-H1,x,2009-05-15,2009-04-30\n",
            "round's year is implausible",
        ),
        (
            "round 3000",
            "rounds",
            ROUNDS_HEAD + "3000-H1,x,3000-05-15,3000-04-30\n",
            "round's year is implausible",
        ),
        ("H1 in November", "rounds", ROUNDS_HEAD + "2009-H1,x,2009-11-15,2009-10-30\n", "half-year"),
        ("year 1", "rounds", ROUNDS_HEAD + "2009-H1,x,0001-05-15,0001-04-30\n", "not a plausible date"),
        (
            "long title",
            "rounds",
            ROUNDS_HEAD + "2009-H1," + "t" * 100_000 + ",2009-05-15,2009-04-30\n",
            "longer than 200",
        ),
        (
            "underflow",
            "mdg",
            MDG_HEAD + "5.1,553,AFG,2015,1e-400,u,total,total,S\n",
            "too small to be stored",
        ),
    ],
)
def test_plausibility(db, case, dataset, text, fragment):
    res = import_bytes(db, dataset, text.encode(), f"{case}.csv")
    assert any(fragment in m for m in errors_of(res)), (case, errors_of(res))


# --- Locks and downloads -------------------------------------------------------------------------


def test_a_dry_run_check_does_not_hold_the_write_lock(tmp_path):
    """While a check compares a file with the database, another writer is not kept waiting."""
    from lib.db import make_engine

    path = tmp_path / "lock.db"
    engine = make_engine(f"sqlite:///{path}")
    init(engine, seed=False)
    waited: list[str] = []

    def step(fraction: float, message: str) -> None:
        other = sqlite3.connect(path, timeout=0.2, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        except sqlite3.OperationalError as exc:
            waited.append(f"{message}: {exc}")
        finally:
            other.close()

    raw = (DATA_DIR / "rounds.csv").read_bytes()
    res = import_bytes(engine, "rounds", raw, "rounds.csv", dry_run=True, progress=step)
    assert res.ok and res.new == 6 and is_sqlite(engine)
    assert waited == []
    engine.dispose()


def test_csv_downloads_keep_semicolon_formulas_inert():
    data = exports.to_csv_bytes(pd.DataFrame({"label": ["Total;=1+1;x", "a,@SUM(A1)"], "n": [1, 2]}))
    text = data.decode("utf-8-sig")
    for line in text.splitlines()[1:]:
        for delimiter in (";", ","):  # however a spreadsheet splits it, no cell starts a formula
            for cell in line.split(delimiter):
                assert not cell.strip('"').startswith(("=", "+", "@")), (line, cell)
    assert next(csv.reader(io.StringIO(text.splitlines()[1])))[0] == "Total;'=1+1;x"


# --- Files staff have ----------------------------------------------------------------------------


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@BACKENDS
def test_xlsx_is_read_from_the_sheet_named_after_the_dataset(db):
    raw = _workbook(
        {
            "Notes": [["read me"]],
            "rounds": [
                ["id", "title", "meeting_date", "cutoff_date"],
                ["2009-H1", "First of 2009", date(2009, 5, 15), date(2009, 4, 30)],
            ],
        }
    )
    res = import_bytes(db, "rounds", raw, "rounds.xlsx")
    assert res.ok and res.new == 1, res.errors
    stored = dict((r[0], r) for r in rounds_stored(db))["2009-H1"]
    assert stored[1:4] == ("First of 2009", date(2009, 5, 15), date(2009, 4, 30))
    # The first sheet when none is named after the dataset; Excel's float years read as whole numbers.
    mdg = _workbook(
        {
            "Sheet1": [
                MDG_HEAD.strip().split(","),
                ["5.1", "553", "AFG", 2015.0, 396.5, "u", "total", "total", "S"],
            ]
        }
    )
    res = import_bytes(db, "mdg", mdg, "mdg.xlsx")
    assert res.ok, res.errors
    assert [r[:2] for r in observations(db)] == [(2015, 396.5)]


@BACKENDS
def test_semicolon_file_with_decimal_commas_and_day_first_dates(db):
    a2 = (
        "id;agency;country_iso3;type;start_date;end_date;participants_trained;advisers_deployed;status;round_id;description\n"
        "A2-1;UNDP;NPL;training;01/09/2008;25/09/2008;25;0;completed;2008-H2;x\n"
    )
    res = import_bytes(db, "action2", a2.encode(), "fr.csv")
    assert res.ok, res.errors
    assert (res.sample.loc[0, "start_date"], res.sample.loc[0, "end_date"]) == (
        pd.Timestamp("2008-09-01"),
        pd.Timestamp("2008-09-25"),
    )
    month_first = a2.replace("25/09/2008", "09/25/2008")
    res = import_bytes(db, "action2", month_first.encode(), "us.csv")
    assert any("can only be month first" in m for m in errors_of(res))
    mixed = a2 + "A2-2;UNDP;NPL;training;2008-10-01;2008-10-05;25;0;completed;2008-H2;x\n"
    res = import_bytes(db, "action2", mixed.encode(), "mixed.csv")
    assert any("mixes day-first dates" in m for m in errors_of(res))


def test_headers_in_any_case_accents_and_in_french_and_spanish():
    fr = "Identifiant;Organisme;CODE DU PAYS;Type;Date de début;date de fin;Personnes formées;Conseillers déployés;État;Cycle;Description\n"
    es = "Identificador;Organismo;Código del país;Tipo;Fecha de inicio;Fecha de finalización;Personas capacitadas;Asesores desplegados;Estado;Ronda;Descripción\n"
    row = "A2-1;UNDP;NPL;training;2008-09-01;2008-09-05;25;0;completed;2008-H2;x\n"
    assert list(parse(fr + row, ACTION2).frame.columns) == ACTION2.column_names
    from lib import i18n

    with i18n.language("es"):
        assert [i18n.gettext(h) for h in ("Round", "Start date")] == ["Ronda", "Fecha de inicio"], "labels"
    try:
        assert list(parse(es + row, ACTION2).frame.columns) == ACTION2.column_names
    except ImportRejected as rej:  # pragma: no cover - shows which header did not match
        raise AssertionError([p.message for p in rej.problems]) from None
    assert list(
        parse("ID,Title,Meeting Date,CUTOFF_DATE\n2009-H1,x,2009-05-15,2009-04-30\n", ROUNDS).frame.columns
    )[:4] == [
        "id",
        "title",
        "meeting_date",
        "cutoff_date",
    ]


@BACKENDS
def test_the_preview_names_the_source_shows_sample_rows_and_says_it_in_words(db):
    text = (
        MDG_HEAD
        + "5.1,553,AFG,2014,425,u,total,total,My source\n5.1,553,AFG,2015,396,u,total,total,My source\n"
    )
    preview = uploads.check(db, "mdg", text.encode(), "mdg.csv", user="staff")
    res = preview.result
    assert res.ok and res.source == "My source"
    assert list(res.sample["year"]) == [2014, 2015]
    sentence = uploads.preview_sentence(res)
    assert "2 new (not stored yet), 0 modified" in sentence and "“My source”" in sentence
    headings = [h for h, _t in uploads.preview_tables(res)]
    assert headings[0] == "The first 2 rows as they will be stored:"
    assert MDG.name == res.dataset
