"""Two staff confirming uploads at the same moment: one wins or both succeed; nothing is lost or doubled.

Threads call :func:`lib.ingest.import_bytes` (through :mod:`lib.uploads`, as the page
does) on SQLite and PostgreSQL, released together by a barrier.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select

from lib import ingest, reference, uploads
from lib.db import get_data_version
from lib.ingest import StaleData
from lib.models import ConsultationRound, Revision, Upload
from lib.paths import DATA_DIR
from tests.conftest import BACKENDS

HEADER = "id,title,meeting_date,cutoff_date\n"


def rounds_csv(years: range, title: str = "Consultation") -> bytes:
    """A rounds file with both halves of each year."""
    lines = [
        f"{y}-H{h},{title} {y}-H{h},{y}-{h * 6 - 1:02d}-15,{y}-{h * 6 - 2:02d}-28\n"
        for y in years
        for h in (1, 2)
    ]
    return (HEADER + "".join(lines)).encode()


@pytest.fixture
def db(engine: Engine) -> Engine:
    """A migrated database with the reference catalogues and no data."""
    with engine.begin() as conn:
        reference.load_catalogues(conn, DATA_DIR)
    return engine


def run_together(calls: list[Callable[[], object]]) -> list[object]:
    """Run the calls in threads released at the same moment; each result or the exception raised."""
    barrier = threading.Barrier(len(calls))
    out: list[object] = [None] * len(calls)

    def worker(i: int) -> None:
        barrier.wait()
        try:
            out[i] = calls[i]()
        except Exception as exc:  # noqa: BLE001  (the test inspects whatever was raised)
            out[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a confirmation hung"
    return out


def count(engine: Engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def version(engine: Engine) -> int:
    with engine.connect() as conn:
        return get_data_version(conn)


def titles(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(select(ConsultationRound.id, ConsultationRound.title)).all())


@BACKENDS
def test_same_preview_version_exactly_one_wins(db: Engine) -> None:
    """Both previews were made at the same version: one write succeeds, the other is stale."""
    files = [rounds_csv(range(2006, 2010), "A"), rounds_csv(range(2008, 2012), "B")]
    previews = [
        uploads.check(db, "rounds", raw, f"f{i}.csv", user=f"staff{i}") for i, raw in enumerate(files)
    ]
    assert {p.version for p in previews} == {0}
    assert [p.result.new for p in previews] == [8, 8]

    out = run_together(
        [lambda i=i: uploads.confirm(db, previews[i], files[i], user=f"staff{i}") for i in range(2)]
    )
    wins = [r for r in out if isinstance(r, ingest.ImportResult)]
    stale = [r for r in out if isinstance(r, StaleData)]
    assert len(wins) == 1 and len(stale) == 1, out
    assert "changed since your preview" in str(stale[0])
    winner = out.index(wins[0])
    assert wins[0].new == 8
    assert count(db, ConsultationRound) == 8
    assert count(db, Upload) == 1
    assert version(db) == 1
    assert set(titles(db).values()) == {f"{'AB'[winner]} {r}" for r in titles(db)}

    # The loser checks again (a fresh preview at the new version) and confirms: it succeeds.
    loser = 1 - winner
    again = uploads.check(db, "rounds", files[loser], f"f{loser}.csv", user=f"staff{loser}")
    assert again.version == 1
    assert (again.result.new, again.result.modified, again.result.unchanged) == (4, 4, 0)
    res = uploads.confirm(db, again, files[loser], user=f"staff{loser}")
    assert (res.new, res.modified) == (4, 4)
    assert count(db, ConsultationRound) == 12
    assert count(db, Upload) == 2
    assert count(db, Revision) == 4
    assert version(db) == 2


@BACKENDS
def test_stale_confirmation_through_try_confirm(db: Engine) -> None:
    """The page's wrapper turns StaleData into None: the page then shows the plain message."""
    raw = rounds_csv(range(2006, 2008))
    preview = uploads.check(db, "rounds", raw, "r.csv", user="staff1")
    ingest.import_bytes(db, "rounds", rounds_csv(range(2020, 2021)), "other.csv", user="staff2")
    assert uploads.try_confirm(db, preview, raw, user="staff1") is None
    assert count(db, ConsultationRound) == 2
    assert "check" in uploads.STALE_MESSAGE.lower()


@BACKENDS
def test_fresh_versions_both_succeed(db: Engine) -> None:
    """Confirmations made against the version each one saw both succeed, one after the other."""
    files = [rounds_csv(range(2006, 2010), "A"), rounds_csv(range(2010, 2014), "B")]
    done: list[ingest.ImportResult] = []
    lock = threading.Lock()

    def check_and_confirm(i: int) -> ingest.ImportResult:
        # Each thread's preview and confirmation happen back to back under the lock,
        # so each confirms against the version its own preview saw.
        with lock:
            p = uploads.check(db, "rounds", files[i], f"f{i}.csv", user=f"staff{i}")
            res = uploads.confirm(db, p, files[i], user=f"staff{i}")
            done.append(res)
            return res

    out = run_together([lambda i=i: check_and_confirm(i) for i in range(2)])
    assert all(isinstance(r, ingest.ImportResult) and r.ok for r in out), out
    assert sorted(r.new for r in out) == [8, 8]
    assert count(db, ConsultationRound) == 16
    assert count(db, Upload) == 2
    assert version(db) == 2


@BACKENDS
def test_unversioned_concurrent_imports_serialise(db: Engine) -> None:
    """Without a preview version (the CLI), overlapping imports serialise: no row doubled, none lost."""
    files = [rounds_csv(range(2006, 2012), "A"), rounds_csv(range(2009, 2015), "B")]
    out = run_together(
        [lambda i=i: ingest.import_bytes(db, "rounds", files[i], f"f{i}.csv", user=f"u{i}") for i in range(2)]
    )
    assert all(isinstance(r, ingest.ImportResult) and r.ok for r in out), out
    first, second = sorted(out, key=lambda r: r.upload_id)
    assert (first.new, first.modified) == (12, 0)
    assert (second.new, second.modified, second.unchanged) == (6, 6, 0)
    assert count(db, ConsultationRound) == 18
    assert count(db, Upload) == 2
    assert version(db) == 2
    # Every row carries the title of the import that wrote it last.
    last = "AB"[out.index(second)]
    overlap = {f"{y}-H{h}" for y in range(2009, 2012) for h in (1, 2)}
    assert {titles(db)[k] for k in overlap} == {f"{last} {k}" for k in overlap}
