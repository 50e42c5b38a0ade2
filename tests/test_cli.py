"""The command line, ``python -m lib.cli``, run as a subprocess against a temporary SQLite file.

Exit codes: 0 success, 1 input rejected (problems on stderr, nothing written),
2 usage error. Independent commands run concurrently to keep the suite fast.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select

from lib.datasets import DATASETS
from lib.db import make_engine, migrate
from lib.models import SQLModel, User
from lib.paths import DATA_DIR, ROOT

PASSWORD = "a long enough secret"


@dataclass
class Run:
    """A finished CLI run."""

    args: list[str]
    code: int
    out: str
    err: str


def run_all(db: Path, *commands: list[str] | tuple[list[str], str]) -> list[Run]:
    """Run CLI commands concurrently (each optionally with standard input); their results in order."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    procs = []
    for cmd in commands:
        args, stdin = (cmd, "") if isinstance(cmd, list) else cmd
        p = subprocess.Popen(  # noqa: S603 (our own command line)
            [sys.executable, "-m", "lib.cli", *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        procs.append((args, stdin, p))
    runs = []
    for args, stdin, p in procs:
        out, err = p.communicate(stdin, timeout=120)
        runs.append(Run(args, p.returncode, out, err))
    return runs


def run(db: Path, *args: str, stdin: str = "") -> Run:
    return run_all(db, (list(args), stdin))[0]


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary key order."""
    with engine.connect() as conn:
        return {
            name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for name, t in sorted(SQLModel.metadata.tables.items())
        }


def test_usage_errors_exit_2(tmp_path):
    no_command, bad_dataset, no_file = run_all(
        tmp_path / "cli.db",
        [],
        ["import", "nonsense", "x.csv"],
        ["import", "rounds", str(tmp_path / "missing.csv")],
    )
    assert no_command.code == 2 and "usage: python -m lib.cli" in no_command.err
    assert bad_dataset.code == 2 and "invalid choice: 'nonsense'" in bad_dataset.err
    assert "rounds" in bad_dataset.err and "action-points" in bad_dataset.err
    assert no_file.code == 2 and f"error: no such file: {tmp_path / 'missing.csv'}" in no_file.err
    assert not (tmp_path / "cli.db").exists(), "a usage error touched the database"


def test_cli_end_to_end(tmp_path):
    db = tmp_path / "cli.db"
    t_rounds = tmp_path / "t_rounds.csv"

    # init (the full seed) while the template is written.
    init, template = run_all(db, ["init"], ["template", "rounds", str(t_rounds)])
    assert init.code == 0, init.err
    assert "rounds.csv: imported 6 rows: +6 new" in init.out
    assert "mdg_observations.csv: imported" in init.out
    assert init.out.strip().endswith("Database ready.")
    assert template.code == 0 and f"template for rounds written to {t_rounds}" in template.out
    # Issue 12: the example row is marked, so that a template is never imported as it is.
    assert t_rounds.read_text().splitlines() == [
        ",".join(DATASETS["rounds"].column_names),
        "# example: 2009-H1,First consultation of 2009,2009-05-15,2009-04-30,false",
    ]
    t_rounds.write_text(t_rounds.read_text().replace("# example: ", ""))  # as staff fill it in

    engine = make_engine(f"sqlite:///{db}")
    try:
        before = snapshot(engine)
        bad = tmp_path / "bad.csv"
        bad.write_text(
            "id,title,meeting_date,cutoff_date\n"
            "2009-H3,Bad,2009-05-15,2009-04-30\n"
            "2010-H1,x,2010-05-15,2010-05-30\n"
        )
        # A UN export: 1990 unchanged, 1991 modified, 2016 new, and a warning (no ISO code).
        un = tmp_path / "un.csv"
        un.write_text(
            "CountryCode,Country,SeriesCode,Series,1990,1991,2016\n"
            '4,Afghanistan,553,"Maternal mortality ratio per 100,000 live births",1340,1331,390\n'
            '736,Sudan (former),553,"Maternal mortality ratio per 100,000 live births",744,,\n'
        )
        un_import = ["import", "mdg", str(un), "--source", "UNSD MDG DB [agilvarry/MDGViewer]"]
        export = tmp_path / "export.csv"
        ok, rejected, dry, exported = run_all(
            db,
            ["import", "rounds", str(t_rounds), "--user", "alice"],
            ["import", "rounds", str(bad)],
            [*un_import, "--dry-run"],
            ["export", "action-points", str(export)],
        )
        # The template imports (exit 0) and reports its upload.
        assert ok.code == 0, ok.err
        out = ok.out.splitlines()
        assert out[:2] == [
            "t_rounds.csv: imported 1 rows: +1 new, ~0 modified, =0 unchanged.",
            "upload id 9; data version 9",  # after the eight seed uploads
        ]
        # Then what the first page views need is prepared for every app server (lib.derived).
        assert out[2].startswith("prepared for every app server: disaggregation_counts, overview:2009-H1 (")
        assert len(out) == 3
        # Rejected: exit 1, problems on stderr, nothing written.
        assert rejected.code == 1
        assert rejected.err.splitlines() == [
            "error: row 2, column id [2009-H3]: 'id' value '2009-H3' is not in the right form; "
            "write it as YYYY-H1 or YYYY-H2, e.g. 2009-H1.",
            "error: row 3, column cutoff_date [2010-05-30]: "
            "The data cut-off date must not be after the meeting date.",
        ]
        assert rejected.out.strip() == "bad.csv: rejected, 2 problem(s); nothing was written."
        # A dry run prints the counts and problems and writes nothing.
        assert dry.code == 0, dry.err
        assert dry.out.strip() == "un.csv: would import 3 rows: +1 new, ~1 modified, =1 unchanged."
        warning = "warning: row 3, column CountryCode [736]: Sudan (former) has no ISO 3166 code; its rows were skipped."
        assert dry.err.splitlines() == [warning]
        assert exported.code == 0 and exported.out.strip() == f"216 rows written to {export}"
        assert export.read_text().splitlines()[0] == ",".join(DATASETS["action-points"].column_names)
        # Only the template's import wrote (they ran together): one round, one upload, one audit event.
        after = snapshot(engine)
        # derived_result: results prepared after the write for the app servers (lib.derived), not data;
        # observation_end(_year): the series' end points at the new round's cut-off year (lib.ingest.ends)
        # and their progress ratings up to that year (lib.ingest.ratings).
        unchanged = set(before) - {
            "consultation_round",
            "upload",
            "audit_event",
            "data_version",
            "derived_result",
            "observation_end",
            "observation_end_year",
        }
        assert {t: after[t] for t in unchanged} == {t: before[t] for t in unchanged}
        assert [r[0] for r in after["consultation_round"]] == [r[0] for r in before["consultation_round"]] + [
            "2009-H1"
        ]
        assert [r[2] for r in after["upload"][len(before["upload"]) :]] == ["t_rounds.csv"]
        assert len(after["audit_event"]) == len(before["audit_event"]) + 1

        # The export imports back with nothing changed; revert; users.
        back, real, reverted, user = run_all(
            db,
            ["import", "action-points", str(export)],
            un_import,
            ["revert", "9", "--user", "bob"],
            (["create-user", "carol", "--role", "staff", "--email", "carol@example.org"], PASSWORD + "\n"),
        )
        assert back.code == 0, back.err
        assert back.out.startswith(
            "export.csv: 216 rows, all unchanged (0 new, 0 modified); nothing was written."
        )
        # The real import prints what its dry run did (the concurrent revert may bump the version first).
        assert real.code == 0, real.err
        assert real.out.splitlines()[0] == "un.csv: imported 3 rows: +1 new, ~1 modified, =1 unchanged."
        assert real.out.splitlines()[1] in ("upload id 10; data version 10", "upload id 10; data version 11")
        # Its warm-up may find the revert committed meanwhile: it stops early, without an error.
        assert real.out.splitlines()[2].startswith("prepared for every app server: ")
        assert real.err == dry.err
        assert reverted.code == 0, reverted.err
        assert reverted.out.splitlines()[0] == "Upload 9 reverted: 1 rows removed, 0 rows restored."
        assert reverted.out.splitlines()[1].startswith("prepared for every app server: ")
        assert user.code == 0 and user.out.strip() == "User carol created with role staff."
        final = snapshot(engine)
        for table in DATASETS.values():
            if table.name != "mdg":
                assert final[table.table] == before[table.table], table.name
        cols = [c.name for c in SQLModel.metadata.tables["observation"].columns]
        changed = [
            dict(zip(cols, r, strict=True)) for r in set(final["observation"]) - set(before["observation"])
        ]
        assert sorted((r["series_code"], r["country_iso3"], r["year"], r["value"]) for r in changed) == [
            ("553", "AFG", 1991, 1331.0),
            ("553", "AFG", 2016, 390.0),
        ]
        assert len(final["observation"]) == len(before["observation"]) + 1
        with engine.connect() as conn:
            users = conn.execute(select(User.username, User.role, User.email)).all()
        assert users == [("carol", "staff", "carol@example.org")]

        # A second revert is refused; the history shows the first.
        twice, history, short = run_all(
            db, ["revert", "9"], ["history"], (["create-user", "dave", "--role", "admin"], "short\n")
        )
        assert short.code == 1
        assert short.err.strip() == "error: The password must be at least 12 characters long."
        assert twice.code == 1
        assert twice.err.startswith("error: Upload 9 was already reverted on ")
        assert twice.err.strip().endswith("by bob.")
        assert history.code == 0
        lines = history.out.splitlines()
        assert lines[0].split()[:4] == ["id", "dataset", "filename", "username"]
        assert lines[1].split()[:4] == ["10", "mdg", "un.csv", "cli"]
        assert lines[2].split()[:4] == ["9", "rounds", "t_rounds.csv", "alice"]
        assert len(lines) == 1 + 10  # eight seed uploads, t_rounds.csv, un.csv
    finally:
        engine.dispose()


def test_an_unchanged_import_prints_no_upload_id(tmp_path, monkeypatch, capsys):
    from lib.cli import main
    from lib.ingest import import_bytes

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    migrate(engine)
    assert import_bytes(engine, "rounds", (DATA_DIR / "rounds.csv").read_bytes(), "rounds.csv").new == 6
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["import", "rounds", str(DATA_DIR / "rounds.csv")]) == 0
    assert (
        capsys.readouterr().out
        == "rounds.csv: 6 rows, all unchanged (0 new, 0 modified); nothing was written.\n"
    )
