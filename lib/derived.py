"""Results computed from the data, shared through the database by every app server.

Each server keeps its own cache (st.cache_data, keyed on the data version). Behind it,
heavy results such as the briefing overview are also kept in the ``derived_result``
table under the same data version, so with N servers (or after a restart) a result is
computed once per data version instead of once per process. A stored result is only
used for the exact data version and code it was computed with: the key carries a
fingerprint of the ``lib`` sources, so a deploy that changes a calculation never serves
results of the old one.

Storing is best effort and never delays a page: on SQLite it waits at most
:data:`STORE_WAIT_MS` for the write lock (an upload may hold it), and nothing is stored
when an upload committed while the result was being computed (the result could mix two
versions).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache, partial
from pathlib import Path
from typing import TypeVar

import pandas as pd
from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from lib import overview, queries
from lib.db import SQLITE_BUSY_TIMEOUT_MS, get_data_version, is_sqlite, refresh_statistics
from lib.models import DerivedResult
from lib.storage import frame_from_bytes, frame_to_bytes

log = logging.getLogger(__name__)
T = TypeVar("T")
STORE_WAIT_MS = 250


@cache
def code_fingerprint() -> str:
    """A short hash of every module in ``lib`` and its packages: results computed by other code are not reused."""
    h = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _key(name: str) -> str:
    return f"{code_fingerprint()}:{name}"


def load(engine: Engine, name: str, version: int) -> bytes | None:
    """The stored payload of ``name`` at data ``version``, or None."""
    t = DerivedResult.__table__
    with engine.connect() as conn:
        return conn.execute(
            select(t.c.payload).where(t.c.key == _key(name), t.c.data_version == version)
        ).scalar()


def store(engine: Engine, name: str, version: int, payload: bytes, drop_older: str | None = None) -> bool:
    """Keep ``payload`` as ``name`` at ``version`` if that is still the current version.

    Returns whether it was stored. Replaces what ``name`` held before (older versions are
    of no use once the version has moved on); ``drop_older``: also drops the results of other
    versions whose names start with it.
    """
    t = DerivedResult.__table__
    key = _key(name)
    try:
        with engine.connect() as conn:
            # On the DBAPI connection: through SQLAlchemy the PRAGMA would open the transaction.
            raw = conn.connection.dbapi_connection if is_sqlite(conn) else None
            if raw is not None:
                raw.execute(f"PRAGMA busy_timeout = {STORE_WAIT_MS}")
            try:
                with conn.begin():
                    if get_data_version(conn) != version:
                        return False
                    conn.execute(delete(t).where(t.c.key == key))
                    if drop_older is not None:
                        stale = t.c.key.startswith(_key(drop_older), autoescape=True)
                        conn.execute(delete(t).where(stale, t.c.data_version != version))
                    conn.execute(
                        insert(t).values(
                            key=key, data_version=version, payload=payload, created_at=datetime.now(UTC)
                        )
                    )
            finally:
                if raw is not None:
                    raw.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        return True
    except (IntegrityError, DBAPIError) as exc:  # another server stored it first, or the lock is busy
        log.info("derived result %s not stored: %s", name, exc.__class__.__name__)
        return False


def shared(
    engine: Engine,
    name: str,
    version: int,
    compute: Callable[[], T],
    encode: Callable[[T], bytes],
    decode: Callable[[bytes], T],
) -> T:
    """``compute()``'s result for data ``version``: read from the database if any server has
    already computed it, else computed now and stored for the others."""
    raw = load(engine, name, version)
    if raw is not None:
        try:
            return decode(raw)
        except Exception:  # a damaged payload is recomputed, never shown  # noqa: BLE001
            log.warning("derived result %s could not be read; recomputing", name, exc_info=True)
    value = compute()
    store(engine, name, version, encode(value))
    return value


# --- The shared results -------------------------------------------------------------------------


def round_overview(engine: Engine, round_id: str, version: int):
    """The briefing overview of a round (lib.overview), shared."""
    return shared(
        engine,
        f"overview:{round_id}",
        version,
        lambda: overview.compute(engine, round_id),
        overview.encode,
        overview.decode,
    )


CHART_PREFIX = "chart:"


def chart_png(engine: Engine, version: int, spec: dict, scale: float, draw: Callable[[], bytes]) -> bytes:
    """A chart's PNG (``draw()``), drawn once per data version for every server and kept.

    The name is a hash of the spec (data, texts in the reader's language, size) and scale; the
    key's code fingerprint covers how it is drawn. Charts of other data versions are dropped
    when one is stored, so the table holds one version's charts.
    """
    digest = hashlib.sha256(json.dumps([spec, scale], sort_keys=True, default=str).encode()).hexdigest()
    name = f"{CHART_PREFIX}{digest[:40]}"
    raw = load(engine, name, version)
    if raw is not None:
        return raw
    png = draw()
    store(engine, name, version, png, drop_older=CHART_PREFIX)
    return png


def disaggregation_counts(engine: Engine, version: int) -> pd.DataFrame:
    """Values per country, indicator, sex and location (lib.queries.disaggregation_counts), shared."""
    compute = partial(queries.disaggregation_counts, engine)
    return shared(engine, "disaggregation_counts", version, compute, frame_to_bytes, frame_from_bytes)


def warm(engine: Engine, version: int) -> list[str]:
    """Compute and store, after a write, what the first page views would otherwise compute:
    the latest round's overview (the briefing page opens on it) and the MDG page's counts of
    values per indicator and breakdown (its coverage of every indicator). Returns what was done; stops early when the data moved on meanwhile.

    Each result reads the database in several statements, so a write committed by another
    process in between can leave them inconsistent (a round gone between two reads of the
    rounds): a failure once the version has moved is that race, not a fault, and the writer
    of the newer version warms its own results.
    """
    done: list[str] = []
    # First the planner's statistics of the tables a bulk write changed (PostgreSQL), so that
    # what follows, and the first page views, read them through the indexes (lib.db).
    if analysed := refresh_statistics(engine):
        log.info("statistics gathered again for %s", ", ".join(analysed))
    # Not the whole catalogue: every page reads one indicator's (0.5 s at 2 million observations).
    steps: list[tuple[str, Callable[[], object]]] = [
        ("disaggregation_counts", partial(disaggregation_counts, engine, version)),
    ]
    try:
        for name, fn in steps:
            fn()
            done.append(name)
        rounds = queries.rounds(engine)
        if len(rounds):
            latest = str(rounds["id"].iloc[-1])
            round_overview(engine, latest, version)
            done.append(f"overview:{latest}")
    except Exception:
        if _current_version(engine) == version:
            raise
        log.info("warming data version %s stopped: the data moved on", version)
    return done


def _current_version(engine: Engine) -> int:
    with engine.connect() as conn:
        return get_data_version(conn)


def clear(engine: Engine) -> int:
    """Delete every stored result (they are recomputed on demand); returns how many."""
    t = DerivedResult.__table__
    with engine.begin() as conn:
        return conn.execute(delete(t)).rowcount
