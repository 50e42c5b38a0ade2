"""Load and consistency: readers and writers at once, on SQLite and PostgreSQL (loopback only).

20 reader threads read the data the pages read while 4 writer threads import for
LOAD_SECONDS (default 60). Every reader checks, inside one read transaction, that it
never sees half an upload and that the data version matches the uploads it sees.
At the end no upload is lost or doubled.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from lib import queries
from lib.db import get_data_version
from lib.ingest import import_bytes
from lib.models import Upload, WorkItem
from lib.paths import DATA_DIR
from lib.seed import init
from tests.conftest import BACKENDS

LOAD_SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
READERS, WRITERS, ROWS_PER_UPLOAD = 20, 4, 25
HEADER = "id,received_on,work_area,requesting_body,kind,title,staff_member,hours,status,completed_on\n"


def _file(writer: int, n: int) -> bytes:
    lines = [
        f"LOAD-{writer}-{n}-{i},2008-03-{1 + i % 28:02d},rule_of_law,Security Council,briefing,"
        f"load test,NY officer {writer},{1 + i % 7},open,\n"
        for i in range(ROWS_PER_UPLOAD)
    ]
    return (HEADER + "".join(lines)).encode()


@pytest.mark.slow
@BACKENDS
def test_readers_and_writers_under_load(engine):
    init(engine)  # the full seed: readers read real-sized tables
    with engine.connect() as conn:
        base_version = get_data_version(conn)
        base_uploads = conn.execute(select(func.count()).select_from(Upload)).scalar_one()
    stop = time.monotonic() + LOAD_SECONDS
    errors: list[str] = []
    done: Counter[str] = Counter()
    lock = threading.Lock()

    def writer(w: int) -> None:
        n = 0
        while time.monotonic() < stop:
            try:
                res = import_bytes(engine, "ny-workload", _file(w, n), f"load-{w}-{n}.csv", user=f"writer{w}")
                assert res.ok and res.new == ROWS_PER_UPLOAD, res.summary()
                with lock:
                    done["uploads"] += 1
            except Exception as exc:  # noqa: BLE001  (collected and reported by the test)
                errors.append(f"writer {w}: {exc!r}")
                return
            n += 1

    def snapshot():
        # One snapshot for the whole read: SQLite's WAL read transactions are; PostgreSQL's
        # default READ COMMITTED takes a new one per statement, so ask for REPEATABLE READ.
        if engine.dialect.name == "postgresql":
            return engine.connect().execution_options(isolation_level="REPEATABLE READ")
        return engine.connect()

    def reader(r: int) -> None:
        while time.monotonic() < stop:
            try:
                # What a page does: a loader's query...
                items = queries.work_items(engine)
                assert len(items) >= 1
                # ...and one snapshot in which the version and the rows must agree.
                with snapshot() as conn:
                    version = get_data_version(conn)
                    uploads = conn.execute(select(func.count()).select_from(Upload)).scalar_one()
                    per_upload = conn.execute(
                        select(WorkItem.upload_id, func.count())
                        .where(WorkItem.id.like("LOAD-%"))
                        .group_by(WorkItem.upload_id)
                    ).all()
                assert version - base_version == uploads - base_uploads, (version, uploads)
                assert all(c == ROWS_PER_UPLOAD for _, c in per_upload), per_upload
                assert len(per_upload) == uploads - base_uploads
                with lock:
                    done["reads"] += 1
            except Exception as exc:  # noqa: BLE001
                errors.append(f"reader {r}: {exc!r}")
                return

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    threads += [threading.Thread(target=reader, args=(r,)) for r in range(READERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=LOAD_SECONDS + 120)
    assert not errors, errors[:5]
    assert done["uploads"] >= WRITERS and done["reads"] >= READERS
    with engine.connect() as conn:
        rows = conn.execute(
            select(func.count()).select_from(WorkItem).where(WorkItem.id.like("LOAD-%"))
        ).scalar_one()
        uploads = conn.execute(select(func.count()).select_from(Upload)).scalar_one() - base_uploads
        version = get_data_version(conn) - base_version
    # Nothing lost, nothing doubled.
    assert uploads == done["uploads"] == version
    assert rows == ROWS_PER_UPLOAD * done["uploads"]
    print(
        f"\n{engine.dialect.name}: {done['uploads']} uploads, {done['reads']} consistent reads in {LOAD_SECONDS:.0f} s"
    )


def test_seed_files_are_where_the_load_test_expects():
    assert (DATA_DIR / "ny_workload.csv").exists()
