"""Import benchmark: ``python -m bench.ingest [--rows N]`` (default 1,000,000).

Generates a tidy MDG CSV of N rows with valid codes and unique keys, then times
in the same run:

(a) baseline: the csv module and sqlite3 ``executemany`` into an equivalent
    table, one transaction, no validation;
(b) ours: :func:`lib.ingest.import_bytes` into a fresh migrated SQLite database
    with the catalogues loaded;
(c) ``sqlite-utils insert DB table file.csv --csv``;

and the stages inside our import (decode, parse, validate, staging fill,
apply), called one by one. Targets: ours within 2x of the baseline and at
least 5x faster than sqlite-utils.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

import pandas as pd
from sqlalchemy import Engine

from lib.datasets import MDG
from lib.paths import DATA_DIR

HEADER = MDG.column_names
T = TypeVar("T")


def mdg_rows(n: int, seed: int = 1, source: str = "Bench source") -> Iterator[list[str]]:
    """``n`` tidy MDG rows with valid codes and unique keys (series x country x year x sex).

    The catalogues hold ~100 series and ~255 countries: 11 million distinct keys.
    """
    from lib.reference import countries_frame

    series = pd.read_csv(DATA_DIR / "mdg_series.csv", dtype=str, keep_default_na=False)
    series = series.drop_duplicates("code")
    countries = sorted(countries_frame()["iso3"])
    rng = random.Random(seed)
    combos = itertools.product(
        series.itertuples(index=False), countries, range(1950, 2101), ("total", "female", "male")
    )
    for s, iso3, year, sex in itertools.islice(combos, n):
        value = f"{rng.uniform(0, 1000):.2f}"
        yield [s.indicator_code, s.code, iso3, str(year), value, s.unit or "%", sex, "total", source, "E", ""]


def write_mdg_csv(path: Path, n: int, **kw) -> Path:
    """Write :func:`mdg_rows` to ``path`` as a template-layout CSV."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(mdg_rows(n, **kw))
    return path


@dataclass
class Timing:
    """Wall and CPU seconds of one measurement (CPU: this process and its children)."""

    wall: float
    cpu: float


def _cpu() -> float:
    """CPU seconds of this process (all threads) and of the children it waited for."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def measure(fn: Callable[[], T]) -> tuple[Timing, T]:
    """Time ``fn()`` (wall and CPU); and its result.

    The disk is settled first (``os.sync``, untimed): writes an earlier step left pending (a
    file just generated, a database just deleted) are not charged to whichever runs next.
    """
    os.sync()
    c0, t0 = _cpu(), time.perf_counter()
    out = fn()
    return Timing(time.perf_counter() - t0, _cpu() - c0), out


@contextmanager
def timer(label: str, times: dict[str, Timing]) -> Iterator[None]:
    """Record the wall and CPU time of the block under ``label``."""
    c0, t0 = _cpu(), time.perf_counter()
    yield
    times[label] = Timing(time.perf_counter() - t0, _cpu() - c0)


def _observation_ddl(db: Path) -> list[str]:
    """The CREATE statements of the migrated observation table and its indexes."""
    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'observation' AND sql IS NOT NULL"
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


#: The tables an import keeps beside the observations, in the same transaction (lib.ingest).
DERIVED_TABLES = ("observation_summary", "observation_end")
#: Each derived table of an imported database: (name, CREATE statements, rows).
Derived = Sequence[tuple[str, list[str], list[tuple]]]


def quoted_table(name: str) -> str:
    """``name`` quoted as an SQL identifier, for one of the bench's own tables only (a table name
    cannot be a bound parameter; nothing from a file or a user reaches here)."""
    if name not in ("observation", *DERIVED_TABLES):
        raise ValueError(f"not a table of the bench: {name!r}")
    return f'"{name}"'


def derived_rows(db: Path) -> Derived:
    """The derived tables of an imported database: (name, CREATE statements, rows) each."""
    con = sqlite3.connect(db)
    try:
        out = []
        for name in DERIVED_TABLES:
            ddl = [
                r[0]
                for r in con.execute(
                    "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type DESC",
                    (name,),
                )
            ]
            out.append((name, ddl, con.execute(f"SELECT * FROM {quoted_table(name)}").fetchall()))  # noqa: S608
    finally:
        con.close()
    return out


def baseline(csv_path: Path, db: Path, ddl: list[str], derived: Derived = ()) -> int:
    """csv module + sqlite3 executemany into an equivalent table, one transaction, no checks.

    ``derived`` (see :func:`derived_rows`): what our import wrote beside the observations, each
    table loaded by one bare ``executemany`` in the same transaction, into the same tables and
    indexes: the "floor", the least a load that keeps them in its transaction can take.
    """
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    for stmt in ddl + [s for _, stmts, _ in derived for s in stmts]:
        con.execute(stmt)
    cols = ", ".join(HEADER)
    marks = ", ".join("?" * len(HEADER))
    with csv_path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        con.execute("BEGIN")
        cur = con.executemany(f"INSERT INTO observation ({cols}) VALUES ({marks})", reader)  # noqa: S608
        n = cur.rowcount
        for name, _, rows in derived:
            if rows:  # the values are bound; the name is one of DERIVED_TABLES (quoted_table)
                insert = f"INSERT INTO {quoted_table(name)} VALUES ({', '.join('?' * len(rows[0]))})"  # noqa: S608
                con.executemany(insert, rows)
        con.execute("COMMIT")
    con.close()
    return n


def fresh_engine(db: Path) -> Engine:
    """A migrated SQLite database at ``db`` with the catalogues and the rounds loaded (no other seed)."""
    from lib.db import make_engine

    engine = make_engine(f"sqlite:///{db}")
    prepare_empty(engine)
    return engine


def prepare_empty(engine: Engine) -> None:
    """Migrate, load the catalogues and the consultation rounds: an app before its first MDG data
    (the rounds' cut-off years decide the series end points an import keeps, see lib.ingest.ends)."""
    from lib.ingest import import_bytes
    from lib.seed import init

    init(engine, seed=False)
    rounds = DATA_DIR / "rounds.csv"
    res = import_bytes(engine, "rounds", rounds.read_bytes(), rounds.name, user="bench")
    if not res.ok:
        raise SystemExit(f"the rounds were rejected: {res.errors[:3]}")


def ours(engine: Engine, csv_path: Path, keep_file: bool = True) -> int:
    """Our full import, no size limit (``keep_file``: store the file in the upload history, the default)."""
    from lib.ingest import import_bytes

    raw = csv_path.read_bytes()
    res = import_bytes(engine, "mdg", raw, csv_path.name, user="bench", max_bytes=None, keep_file=keep_file)
    if not res.ok:
        raise SystemExit(f"our import rejected the file: {res.errors[:3]}")
    return res.new


def stages(engine: Engine, csv_path: Path) -> dict[str, Timing]:
    """Time each stage of :func:`lib.ingest.import_bytes`, called one by one (same order, one transaction)."""
    from sqlalchemy import insert

    from lib import ingest, reference
    from lib.ingest import staging as st
    from lib.models import Upload

    times: dict[str, Timing] = {}
    raw = csv_path.read_bytes()
    with engine.connect() as conn:
        trans = conn.begin()
        with timer("decode", times):
            text, _ = ingest.decode(raw, max_bytes=None)
        with timer("parse", times):
            series = reference.load_series(conn)
            parsed = ingest.parse(text, MDG, source="bench", series=series)
        with timer("validate", times):
            typed, problems = ingest.validate(parsed, MDG, reference.load_refs(conn))
        if any(p.severity == "error" for p in problems):
            raise SystemExit(f"validation failed: {problems[:3]}")
        target = st.target_table(MDG)
        with timer("staging fill", times):
            staging = st.staging_table(MDG, conn)
            st.fill_staging(conn, staging, st.python_rows(typed, MDG))
        with timer("apply", times):
            counts = st.count_changes(conn, target, staging, MDG)
            if counts[1]:
                st.modified_preview(conn, target, staging, MDG, ingest.PREVIEW_LIMIT)
            upload_id = conn.execute(
                insert(Upload.__table__)
                .values(
                    dataset="mdg",
                    filename=csv_path.name,
                    sha256="0" * 64,
                    username="bench",
                    created_at=datetime.now(UTC),
                    content=raw,
                )
                .returning(Upload.__table__.c.id)
            ).scalar_one()
            st.apply_rows(conn, target, staging, MDG, upload_id, counts)
            staging.drop(conn)
        with timer("commit", times):
            trans.commit()
    return times


def sqlite_utils(csv_path: Path, db: Path) -> None:
    """``sqlite-utils insert DB table file.csv --csv``."""
    exe = shutil.which("sqlite-utils")
    if exe is None:
        raise SystemExit("sqlite-utils is not installed (pass --skip-sqlite-utils)")
    cmd = [exe, "insert", str(db), "observation", str(csv_path), "--csv"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows to generate (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of (a) and (b), alternating; best kept")
    parser.add_argument("--skip-sqlite-utils", action="store_true", help="leave out (c)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        csv_path = tmp / "mdg_bench.csv"
        gen, _ = measure(lambda: write_mdg_csv(csv_path, args.rows))
        size = csv_path.stat().st_size
        print(f"{args.rows:,} rows, {size / 2**20:.1f} MB (generated in {gen.wall:.1f} s); {_load()}")

        # Warm up our code path (lazy imports) on a small file, as a long-running app would be.
        warm = write_mdg_csv(tmp / "warm.csv", 100)
        warm_engine = fresh_engine(tmp / "warm.db")
        ours(warm_engine, warm)
        warm_engine.dispose()

        ddl: list[str] = []
        base: list[Timing] = []
        mine: list[Timing] = []
        for i in range(args.repeat):
            engine = fresh_engine(tmp / f"ours{i}.db")
            ddl = ddl or _observation_ddl(tmp / f"ours{i}.db")
            t_base, n_base = measure(partial(baseline, csv_path, tmp / f"baseline{i}.db", ddl))
            t_ours, n_ours = measure(partial(ours, engine, csv_path))
            engine.dispose()
            assert n_base == n_ours == args.rows, (n_base, n_ours)
            base.append(t_base)
            mine.append(t_ours)
        b = min(base, key=lambda t: t.wall)
        o = min(mine, key=lambda t: t.wall)
        nofile_engine = fresh_engine(tmp / "ours_nofile.db")
        nofile, _ = measure(partial(ours, nofile_engine, csv_path, False))
        nofile_engine.dispose()
        su = None
        if not args.skip_sqlite_utils:
            su, _ = measure(partial(sqlite_utils, csv_path, tmp / "sqlite_utils.db"))

        stage_engine = fresh_engine(tmp / "stages.db")
        st = stages(stage_engine, csv_path)
        stage_engine.dispose()

        print(f"                                            wall s    CPU s   (best of {args.repeat})")
        print(f"(a) baseline csv + sqlite3 executemany:   {b.wall:8.2f} {b.cpu:8.2f}")
        print(f"(b) ours, lib.ingest.import_bytes:        {o.wall:8.2f} {o.cpu:8.2f}")
        print(
            f"    ours without storing the file:        {nofile.wall:8.2f} {nofile.cpu:8.2f}  (keep_file=False)"
        )
        if su is not None:
            print(f"(c) sqlite-utils insert --csv:            {su.wall:8.2f} {su.cpu:8.2f}")
        ratio = o.wall / b.wall
        print(
            f"ours / baseline     = {ratio:5.2f} wall, {o.cpu / b.cpu:5.2f} CPU  (target <= 2)  "
            f"{'OK' if ratio <= 2 else 'MISSED'}"
        )
        if su is not None:
            speed = su.wall / o.wall
            print(
                f"sqlite-utils / ours = {speed:5.2f} wall, {su.cpu / o.cpu:5.2f} CPU  (target >= 5)  "
                f"{'OK' if speed >= 5 else 'MISSED'}"
            )
        wall = sum(t.wall for t in st.values())
        cpu = sum(t.cpu for t in st.values())
        print("stages of our import (called one by one):   wall s         CPU s")
        for k, t in st.items():
            print(
                f"  {k:<13} {t.wall:8.2f} {100 * t.wall / wall:5.1f} %  {t.cpu:8.2f} {100 * t.cpu / cpu:5.1f} %"
            )
        print(f"  {'total':<13} {wall:8.2f}          {cpu:8.2f}")
        print(_load())
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
