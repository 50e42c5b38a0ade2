"""The import of one file, stages 1-5 in order: decode, parse, validate, then (unless a dry run)
one transaction that stages, compares, upserts, keeps the summary and the audit log."""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, insert, update

from lib import reference
from lib.audit import audit
from lib.datasets import MDG, Dataset, get_dataset
from lib.db import bump_data_version, get_data_version, writer
from lib.ingest import direct, ends
from lib.ingest.decode import decode
from lib.ingest.readers import parse
from lib.ingest.results import (
    MAX_UPLOAD_BYTES,
    PREVIEW_LIMIT,
    ImportRejected,
    ImportResult,
    Parsed,
    Problem,
    StaleData,
)
from lib.ingest.staging import (
    apply_rows,
    count_changes,
    fill_staging,
    lock_writes,
    modified_preview,
    python_rows,
    staging_table,
    target_table,
)
from lib.ingest.summary import add_to_summary, rebuild_all_worth, refresh_summary, summary_groups_of
from lib.ingest.validate import validate
from lib.models import ConsultationRound, Observation, Upload


def default_source(filename: str) -> str:
    """The source label of a UN export: its export date is its vintage (MDG_Export_20191227.csv)."""
    m = re.search(r"(19|20)(\d{2})(\d{2})(\d{2})", filename)
    if m:
        return f"UNSD MDG DB export {m.group(1)}{m.group(2)}-{m.group(3)}-{m.group(4)}"
    return "UNSD MDG DB"


def read_file(
    conn: Connection,
    dataset: Dataset,
    raw: bytes,
    *,
    source: str | None = None,
    max_bytes: int | None = MAX_UPLOAD_BYTES,
) -> tuple[pd.DataFrame | None, Parsed | None, list[Problem]]:
    """Stages 1-4 on one connection (for the reference sets): typed frame or problems."""
    try:
        text, encoding = decode(raw, max_bytes)
        series = reference.load_series(conn) if dataset.name == MDG.name else None
        parsed = parse(text, dataset, source=source, series=series)
        parsed.encoding = encoding
    except ImportRejected as rej:
        return None, None, rej.problems
    typed, problems = validate(parsed, dataset, reference.load_refs(conn))
    problems = parsed.problems + problems
    if any(p.severity == "error" for p in problems):
        return None, parsed, problems
    return typed, parsed, problems


def _compress_later(raw: bytes) -> Future[bytes]:
    """The kept file, compressed on a worker thread: CSV shrinks about 13-fold (188 MB -> 14 MB)."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(zlib.compress, raw, 1)
    finally:
        pool.shutdown(wait=False)  # the thread ends once the file is done


def import_bytes(
    engine: Engine,
    dataset_name: str,
    raw: bytes,
    filename: str,
    *,
    user: str = "cli",
    dry_run: bool = False,
    expected_version: int | None = None,
    source: str | None = None,
    max_bytes: int | None = MAX_UPLOAD_BYTES,
    keep_file: bool = True,
    progress: Callable[[float, str], None] | None = None,
    after_write: Callable[[Connection, int], None] | None = None,
) -> ImportResult:
    """Check a file and, unless ``dry_run``, write it in ONE transaction.

    ``expected_version`` is the data version the user's preview was made
    against: if the data changed since, :class:`StaleData` is raised and nothing
    is written. ``after_write(conn, upload_id)`` runs inside the same transaction once the
    rows are written (an approved submission records its upload); if it raises, nothing is
    written.
    """
    dataset = get_dataset(dataset_name)
    sha = hashlib.sha256(raw).hexdigest()
    res = ImportResult(dataset.name, filename, sha, ok=False, dry_run=dry_run)
    step = progress or (lambda f, m: None)
    target = target_table(dataset)
    step(0.05, "reading the file")
    with writer(engine).begin() as conn:
        typed, parsed, problems = read_file(
            conn, dataset, raw, source=source or default_source(filename), max_bytes=max_bytes
        )
        res.problems = problems
        res.layout = parsed.layout if parsed else None
        if typed is None:
            conn.rollback()
            return res
        step(0.5, "comparing with the database")
        if not dry_run:
            lock_writes(conn)
        if expected_version is not None and get_data_version(conn) != expected_version:
            raise StaleData(
                "The data changed since your preview (another upload was confirmed). Check the file again."
            )
        # Rows of series with nothing stored are new without comparing: they skip staging (direct).
        series = direct.series_codes(typed) if target is Observation.__table__ else None
        fresh = (
            direct.fresh_rows(conn, dataset, typed, series)
            if series is not None
            else np.zeros(len(typed), bool)
        )
        staging = staging_table(dataset, conn)
        fill_staging(conn, staging, python_rows(typed[~fresh] if fresh.any() else typed, dataset))
        res.rows = len(typed)
        staged_new, res.modified, res.unchanged = count_changes(conn, target, staging, dataset)
        res.new = staged_new + int(fresh.sum())
        res.modified_preview = (
            modified_preview(conn, target, staging, dataset, PREVIEW_LIMIT)
            if res.modified
            else pd.DataFrame(columns=["key", "column", "old", "new"])
        )
        res.ok = True
        if dry_run or (res.new == 0 and res.modified == 0):
            # Nothing to write: a re-import of the same file leaves no trace.
            conn.rollback()
            return res
        step(0.7, "writing")
        # Compressed on another thread while the rows are written (zlib and the drivers release the GIL).
        packing = _compress_later(raw) if keep_file else None
        upload_id = conn.execute(
            insert(Upload.__table__)
            .values(
                dataset=dataset.name,
                filename=filename,
                sha256=sha,
                username=user,
                created_at=datetime.now(UTC),
                rows_new=res.new,
                rows_modified=res.modified,
                rows_unchanged=res.unchanged,
                # Kept compressed: CSV shrinks about 13-fold (188 MB -> 14 MB in 0.4 s).
                content=None,  # filled below, once compressed
                content_encoding="zlib" if keep_file else None,
            )
            .returning(Upload.__table__.c.id)
        ).scalar_one()
        apply_rows(conn, target, staging, dataset, upload_id, (staged_new, res.modified, res.unchanged))
        staging.drop(conn)
        if fresh.any():
            direct.insert_rows(conn, target, dataset, typed if fresh.all() else typed[fresh], upload_id)
        if packing is not None:
            up = Upload.__table__
            conn.execute(update(up).where(up.c.id == upload_id).values(content=packing.result()))
        if series is not None:
            if res.modified == 0 and res.unchanged == 0:
                # Every row is new: add the file's own counts and end points (grouped here on the
                # series numbers; SQLite's GROUP BY over the table took 2.7 s).
                delta = direct.summary_delta(typed, series)
                if fresh.all():  # series with nothing stored: their rows are only inserted
                    direct.insert_summary(conn, delta)
                else:
                    add_to_summary(conn, typed, delta)
                ends.add_new_rows(conn, typed, series.codes, new_series=bool(fresh.all()))
            else:
                big = rebuild_all_worth(conn, res.new + res.modified)
                refresh_summary(conn, None if big else summary_groups_of(target, upload_id))
                ends.refresh_written(conn, upload_id, big)
        elif dataset.table == ConsultationRound.__tablename__:
            ends.sync_years(conn)  # the rounds' cut-off years may have changed
        res.upload_id = upload_id
        if after_write is not None:
            after_write(conn, upload_id)
        res.data_version = bump_data_version(conn)
        audit(
            conn,
            user,
            "upload",
            f"{dataset.name} {filename} upload {upload_id}: +{res.new} ~{res.modified} ={res.unchanged}",
        )
    step(1.0, "done")
    return res
