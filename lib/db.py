"""Database engines, migrations and the data version.

No engine is created at import time: callers ask :func:`make_engine` (the
Streamlit glue caches one per process). SQLite connections get WAL, foreign
keys and a busy timeout; PostgreSQL is selected through ``DATABASE_URL``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, create_engine, event, select, text, update
from sqlalchemy.engine import Connection

from lib.models import DataVersion
from lib.paths import DATA_DIR, ROOT

DEFAULT_URL = f"sqlite:///{DATA_DIR / 'consultations.db'}"
# A writer waits this long for another writer (a large upload holds the lock for a while).
SQLITE_BUSY_TIMEOUT_MS = 120_000


def database_url() -> str:
    """The configured database URL (``DATABASE_URL``), SQLite in ``data/`` by default."""
    return normalise_url(os.environ.get("DATABASE_URL", "").strip() or DEFAULT_URL)


def normalise_url(url: str) -> str:
    """Route plain libpq URLs (``postgres://``, ``postgresql://``) to psycopg 3, the driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # Per-connection settings: SQLite forgets them when a connection closes.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


#: The pooled connection's note that its foreign-key checks are off (see :func:`checked_writer`).
_FK_OFF = "foreign_keys_off"


def _sqlite_begin(conn: Connection) -> None:
    # Readers BEGIN (deferred): in WAL mode they read a snapshot and never wait.
    # Writers (see writer()) BEGIN IMMEDIATE: they take the write lock up front, so two
    # writers queue on busy_timeout instead of failing when a read upgrades to a write.
    options = conn.get_execution_options()
    # The pragma is a no-op inside a transaction: set before BEGIN, for this transaction only.
    fk_off = options.get("sqlite_foreign_keys", True) is False
    info = conn.connection.info
    if fk_off != info.get(_FK_OFF, False):
        conn.exec_driver_sql(f"PRAGMA foreign_keys={'OFF' if fk_off else 'ON'}")
        info[_FK_OFF] = fk_off
    mode = options.get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")


def _sqlite_checkin(dbapi_conn, record) -> None:
    # Back in the pool (rolled back or committed already): foreign-key checks on again.
    if record.info.pop(_FK_OFF, False):
        dbapi_conn.execute("PRAGMA foreign_keys=ON")


def writer(engine: Engine) -> Engine:
    """The engine for a write transaction: ``with writer(engine).begin() as conn``.

    On SQLite it begins IMMEDIATE; elsewhere it is the same engine.
    """
    return engine.execution_options(sqlite_begin="IMMEDIATE") if is_sqlite(engine) else engine


def checked_writer(engine: Engine) -> Engine:
    """:func:`writer` for a transaction that checks every reference it writes itself, inside
    the transaction: on SQLite its connection skips the per-row foreign-key checks (10 % of an
    import's inserts), switched back on for the connection's next transaction and once it is
    back in the pool. Elsewhere the same as :func:`writer`.

    Only for writes whose references the caller checks, under the write lock it holds.
    """
    if not is_sqlite(engine):
        return engine
    return engine.execution_options(sqlite_begin="IMMEDIATE", sqlite_foreign_keys=False)


def make_engine(url: str | None = None) -> Engine:
    """A new engine for ``url`` (default: :func:`database_url`)."""
    url = normalise_url(url) if url else database_url()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy, not pysqlite, emit BEGIN (pysqlite's own is deferred).
        event.listen(engine, "connect", lambda c, r: setattr(c, "isolation_level", None))
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "checkin", _sqlite_checkin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def is_sqlite(engine_or_conn: Engine | Connection) -> bool:
    return engine_or_conn.dialect.name == "sqlite"


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest Alembic revision (idempotent)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    with writer(engine).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def get_data_version(conn: Connection) -> int:
    """The current data version (0 before anything was written)."""
    v = conn.execute(select(DataVersion.version).where(DataVersion.id == 1)).scalar()
    return int(v or 0)


def bump_data_version(conn: Connection) -> int:
    """Increase the data version inside the caller's transaction; returns the new one."""
    now = datetime.now(UTC)
    res = conn.execute(
        update(DataVersion)
        .where(DataVersion.id == 1)
        .values(version=DataVersion.version + 1, updated_at=now)
        .returning(DataVersion.version)
    ).scalar()
    if res is None:
        conn.execute(DataVersion.__table__.insert().values(id=1, version=1, updated_at=now))
        return 1
    return int(res)


Bind = Engine | Connection


@contextmanager
def begin(bind: Bind) -> Iterator[Connection]:
    """A connection in a transaction: a new writer transaction for an engine, the caller's otherwise."""
    if isinstance(bind, Engine):
        with writer(bind).begin() as conn:
            yield conn
    elif bind.in_transaction():
        yield bind
    else:
        with bind.begin():
            yield bind


def driver_rows(conn: Connection, stmt) -> list[tuple]:
    """The rows of ``stmt`` as the driver's own tuples, on ``conn`` (SQLAlchemy's Row objects
    cost 2 s for 130,000 rows): for the reads of whole derived tables."""
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = [compiled.params[n] for n in compiled.positiontup] if compiled.positional else compiled.params
    cur = conn.connection.driver_connection.cursor()
    try:
        cur.execute(str(compiled), params)
        return cur.fetchall()
    finally:
        cur.close()


def frame(engine: Engine, stmt, date_cols: Sequence[str] = ()) -> pd.DataFrame:
    """The rows of ``stmt`` as a DataFrame (``date_cols`` parsed as dates): the read queries' one reader."""
    with engine.connect() as conn:
        res = conn.execute(stmt)
        # Plain tuples: pandas probes Row objects slowly (0.3 s for 64,000 rows, against 0.04 s).
        df = pd.DataFrame([tuple(r) for r in res], columns=list(res.keys()))
    for c in date_cols:
        df[c] = pd.to_datetime(df[c])
    return df


#: The tables an MDG import or revert rewrites in bulk, whose statistics the planner reads.
BULK_TABLES = (
    "observation",
    "observation_summary",
    "observation_end",
    "observation_end_year",
)
STALE_FRACTION = 0.1  # autovacuum's own default (autovacuum_analyze_scale_factor)


def refresh_statistics(engine: Engine, tables: Sequence[str] = BULK_TABLES) -> list[str]:
    """PostgreSQL: ``ANALYZE`` each of ``tables`` changed by more than a tenth of its rows since
    its statistics were last gathered (or never gathered); the tables analysed.

    Autovacuum does the same within a minute or so when it runs (it may be off); until then the
    planner reads a table of 130,000 ratings as 57 rows and sorts them on disk (110 ms for the
    briefing's counts at 2 million observations, 20 ms with statistics). SQLite: nothing (its
    plans here follow the keys, not statistics).
    """
    if is_sqlite(engine):
        return []
    stale = text(
        "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(:names) AND ("
        "(last_analyze IS NULL AND last_autoanalyze IS NULL)"
        " OR n_mod_since_analyze > :share * GREATEST(n_live_tup, 1))"
    )
    with engine.connect() as conn:
        names = set(conn.execute(stale, {"names": list(tables), "share": STALE_FRACTION}).scalars())
    analysed = []
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for name in (n for n in tables if n in names):  # our own table names, never input
            conn.exec_driver_sql(f"ANALYZE {engine.dialect.identifier_preparer.quote(name)}")
            analysed.append(name)
    return analysed
