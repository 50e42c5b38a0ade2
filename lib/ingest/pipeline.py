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
from lib.db import bump_data_version, checked_writer, get_data_version, writer
from lib.ingest import direct, ends, ratings
from lib.ingest.decode import decode
from lib.ingest.limits import stored_limits
from lib.ingest.readers import parse
from lib.ingest.results import (
    INPUT_ERRORS,
    MAX_UPLOAD_BYTES,
    PREVIEW_LIMIT,
    ImportResult,
    Parsed,
    Problem,
    Problems,
    Reason,
    StaleData,
    problems_of,
)
from lib.ingest.staging import (
    apply_rows,
    count_changes,
    fill_staging,
    lock_writes,
    modified_preview,
    python_rows,
    staging_table,
    stored_elsewhere,
    target_table,
)
from lib.ingest.summary import add_to_summary, rebuild_all_worth, refresh_summary, summary_groups_of
from lib.ingest.validate import validate
from lib.models import ConsultationRound, Observation, Upload

SAMPLE_ROWS = 5  # the rows of a file the preview shows as they will be stored


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
    """Stages 1-4 on one connection (for the reference sets): typed frame or problems.

    Whatever the bytes, it returns: a file the readers cannot make sense of gives problems
    (:func:`problems_of`), never an exception.
    """
    parsed = None
    try:
        text, encoding = decode(raw, max_bytes, sheet=dataset.name)
        series = reference.load_series(conn) if dataset.name == MDG.name else None
        parsed = parse(text, dataset, source=source, series=series)
        parsed.encoding = encoding
        typed, problems = validate(parsed, dataset, reference.load_refs(conn), series)
    except INPUT_ERRORS as exc:
        return None, parsed, Problems.merge(problems_of(exc))
    problems = Problems.merge(parsed.problems, problems)
    if any(p.severity == "error" for p in problems):
        return None, parsed, problems
    if beside := stored_limits(conn, dataset, typed):  # the file with what is stored beside it
        return None, parsed, Problems.merge(problems, beside)
    return typed, parsed, problems


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
    allow_other_source: bool = False,
    max_bytes: int | None = MAX_UPLOAD_BYTES,
    keep_file: bool = True,
    progress: Callable[[float, str], None] | None = None,
    after_write: Callable[[Connection, int], None] | None = None,
) -> ImportResult:
    """Check a file and, unless ``dry_run``, write it in ONE transaction.

    ``expected_version`` is the data version the user's preview was made
    against: if the data changed since, :class:`StaleData` is raised and nothing
    is written. ``allow_other_source``: import MDG values even when every one of them is
    already stored, the same, under another source (refused by default: the same file again).
    ``after_write(conn, upload_id)`` runs inside the same transaction once the rows are written
    (an approved submission records its upload); if it raises, nothing is written.
    """
    dataset = get_dataset(dataset_name)
    res = ImportResult(dataset.name, filename, hashlib.sha256(raw).hexdigest(), ok=False, dry_run=dry_run)
    step = progress or (lambda f, m: None)
    label = source or default_source(filename)
    step(0.05, "reading the file")
    # Parsing and validating read the reference sets on a plain connection: no write lock is
    # held meanwhile (a sign-in waited 5 s behind a 10 s check that held it).
    with engine.connect() as conn:
        version = get_data_version(conn)
        typed, parsed, res.problems = read_file(conn, dataset, raw, source=label, max_bytes=max_bytes)
    res.layout = parsed.layout if parsed else None
    res.source = _source_of(typed, label)
    if typed is None:
        return res
    step(0.5, "comparing with the database")
    # Observations reference only the country and indicator catalogues: the write checks those
    # codes itself (direct.check_references) instead of SQLite checking them row by row.
    own_checks = dataset.table == Observation.__tablename__ and after_write is None
    with (engine if dry_run else (checked_writer if own_checks else writer)(engine)).begin() as conn:
        if not dry_run:
            lock_writes(conn)
        now = get_data_version(conn)
        if expected_version is not None and now != expected_version:
            raise StaleData(
                "The data changed since your preview (another upload was confirmed). Check the file again."
            )
        if now != version:  # the reference sets may have changed since the check: check again
            typed, parsed, res.problems = read_file(conn, dataset, raw, source=label, max_bytes=max_bytes)
            if typed is None:
                conn.rollback()
                return res
        staging = _compare(conn, res, typed, dataset, allow_other_source)
        if dry_run or not res.ok or (res.new == 0 and res.modified == 0):
            # Nothing to write: a check, or a re-import of the same file, leaves no trace.
            conn.rollback()
            return res
        step(0.7, "writing")
        if own_checks:
            direct.check_references(conn, target_table(dataset), typed)
        with direct.write_cache(conn):
            _write(
                conn,
                res,
                typed,
                dataset,
                staging,
                raw,
                user=user,
                keep_file=keep_file,
                after_write=after_write,
            )
    step(1.0, "done")
    return res


def _source_of(typed: pd.DataFrame | None, label: str) -> str | None:
    """The source an MDG file's values are stored under (the file's own column, else ``label``)."""
    if typed is None or "source" not in typed.columns or typed.empty:
        return None
    names = typed["source"].dropna().unique()
    return ", ".join(map(str, names[:3])) + (" ..." if len(names) > 3 else "") if len(names) else label


class _Staged:
    """What :func:`_compare` staged: the table, and the rows that skip it (series with nothing stored)."""

    def __init__(self, table, series, fresh: np.ndarray, staged_new: int) -> None:
        self.table, self.series, self.fresh, self.staged_new = table, series, fresh, staged_new


def _compare(
    conn: Connection, res: ImportResult, typed: pd.DataFrame, dataset: Dataset, allow_other_source: bool
) -> _Staged:
    """Stage the rows and fill ``res`` with what the write would do.

    Rows of series with nothing stored are new without comparing: they skip staging and go
    straight into the table when written (:mod:`lib.ingest.direct`).
    """
    target = target_table(dataset)
    series = direct.series_codes(typed) if target is Observation.__table__ else None
    fresh = (
        direct.fresh_rows(conn, dataset, typed, series, any_source=not allow_other_source)
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
    res.sample = typed.head(SAMPLE_ROWS).reset_index(drop=True)
    res.ok = True
    if target is Observation.__table__:
        res.elsewhere = stored_elsewhere(conn, target, staging, dataset)
        again = res.elsewhere[res.elsewhere["values"] >= res.rows]
        if res.new and not again.empty and not allow_other_source:
            other = str(again["source"].iloc[0])
            res.problems = Problems.merge(
                res.problems,
                [
                    Problem(
                        None,
                        "source",
                        other,
                        f"Every value of this file is already stored, the same, under the source '{other}': "
                        "it looks like the same data uploaded again under another name, which would count "
                        "every value twice. Nothing was imported. To keep it as a separate source anyway, "
                        "import it with the command line and an explicit --source.",
                        reason=Reason.DUPLICATE,
                    )
                ],
            )
            res.ok = False
    return _Staged(staging, series, fresh, staged_new)


def _compress_later(raw: bytes) -> Future[bytes]:
    """The kept file, compressed on a worker thread: CSV shrinks about 13-fold (188 MB -> 14 MB)."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(zlib.compress, raw, 1)
    finally:
        pool.shutdown(wait=False)  # the thread ends once the file is done


def _derive_later(
    conn: Connection, typed: pd.DataFrame, series: direct.SeriesCodes, new_series: bool
) -> Future[tuple[pd.DataFrame, pd.DataFrame]]:
    """What an all-new import adds to the summary and the end points (``new_series``: none of its
    series is stored, so with their ratings in the same rows), computed on a worker thread while the rows are written (the
    driver waits on the database meanwhile: SQLite steps and PostgreSQL's COPY release the GIL).
    Reads the cut-off years and the indicators' targets first, on ``conn``."""
    years = ends.covered_years(conn)
    indicators = ratings._indicators(conn) if new_series else None

    def derive() -> tuple[pd.DataFrame, pd.DataFrame]:
        end_points = ends.ends_frame(typed, years, series.codes)
        if indicators is not None:
            # New series: rated from their own end points and inserted with them, in the same rows.
            end_points = ratings.rated_ends(end_points, indicators)
        return direct.summary_delta(typed, series), end_points

    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(derive)
    finally:
        pool.shutdown(wait=False)


def _write(
    conn: Connection,
    res: ImportResult,
    typed: pd.DataFrame,
    dataset: Dataset,
    staged: _Staged,
    raw: bytes,
    *,
    user: str,
    keep_file: bool,
    after_write: Callable[[Connection, int], None] | None = None,
) -> None:
    """Record the upload, upsert the staged rows (and insert the fresh ones), keep the summary and
    the series end points, bump the version, audit."""
    target = target_table(dataset)
    # Compressed on another thread while the rows are written (zlib and the drivers release the GIL).
    packing = _compress_later(raw) if keep_file else None
    up = Upload.__table__
    upload_id = conn.execute(
        insert(up)
        .values(
            dataset=dataset.name,
            filename=res.filename,
            sha256=res.sha256,
            username=user,
            created_at=datetime.now(UTC),
            rows_new=res.new,
            rows_modified=res.modified,
            rows_unchanged=res.unchanged,
            content=None,  # filled below, once compressed
            content_encoding="zlib" if keep_file else None,
        )
        .returning(up.c.id)
    ).scalar_one()
    fresh, series = staged.fresh, staged.series
    all_new = series is not None and res.modified == 0 and res.unchanged == 0
    derived = _derive_later(conn, typed, series, bool(fresh.all())) if all_new else None
    apply_rows(
        conn, target, staged.table, dataset, upload_id, (staged.staged_new, res.modified, res.unchanged)
    )
    staged.table.drop(conn)
    if fresh.any():
        direct.insert_rows(conn, target, dataset, typed if fresh.all() else typed[fresh], upload_id)
    if packing is not None:
        conn.execute(update(up).where(up.c.id == upload_id).values(content=packing.result()))
    if series is not None:
        if derived is not None:
            # Every row is new: add the file's own counts and end points (grouped on the
            # series numbers, see _derive_later; SQLite's GROUP BY over the table took 2.7 s).
            delta, end_points = derived.result()
            if fresh.all():  # series with nothing stored: their rows are only inserted
                direct.insert_summary(conn, delta)
            else:
                add_to_summary(conn, typed, delta)
            ends.add_new_rows(conn, typed, series.codes, new_series=bool(fresh.all()), delta=end_points)
            rated = end_points if fresh.all() else None  # rated on the worker thread (_derive_later)
            ratings.add_new_rows(conn, typed, series.codes, new_series=bool(fresh.all()), rated=rated)
        else:
            big = rebuild_all_worth(conn, res.new + res.modified)
            refresh_summary(conn, None if big else summary_groups_of(target, upload_id))
            ends.refresh_written(conn, upload_id, big)
            ratings.refresh_written(conn, upload_id, big)
    elif dataset.table == ConsultationRound.__tablename__:
        ends.sync_years(conn)  # the rounds' cut-off years may have changed
        ratings.sync_years(conn)
    res.upload_id = upload_id
    if after_write is not None:
        after_write(conn, upload_id)
    res.data_version = bump_data_version(conn)
    audit(
        conn,
        user,
        "upload",
        f"{dataset.name} {res.filename} upload {upload_id}: +{res.new} ~{res.modified} ={res.unchanged}",
    )
