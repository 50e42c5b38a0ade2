"""First start: migrate, load the shipped catalogues, import the seed data through the importer."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select

from lib import reference
from lib.db import migrate, writer
from lib.ingest import ImportResult, import_bytes
from lib.models import Upload
from lib.paths import DATA_DIR

# Seed files in import order (rounds first: the others refer to them).
SEED_FILES: list[tuple[str, str, str | None]] = [
    ("rounds", "rounds.csv", None),
    ("action-points", "progress_reports.csv", None),
    ("mdg", "mdg_observations.csv", None),
    ("mdg", "mdg_supplement_observations.csv", None),
    ("ny-workload", "ny_workload.csv", None),
    ("action2", "action2.csv", None),
    ("recommendations", "recommendations.csv", None),
    ("recommendation-status", "recommendation_status.csv", None),  # after the recommendations
]
SEED_USER = "seed"


def is_seeded(engine: Engine) -> bool:
    """True once any upload exists (the seed is the first)."""
    with engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(Upload)).scalar())


def init(engine: Engine, data_dir: Path = DATA_DIR, *, seed: bool = True) -> list[ImportResult]:
    """Migrate, load catalogues and, on an empty database, import the seed files.

    Safe to call on every start: it does nothing that is already done.
    """
    migrate(engine)
    with writer(engine).begin() as conn:
        reference.load_catalogues(conn, data_dir)
    if not seed or is_seeded(engine):
        return []
    results = []
    for dataset, name, source in SEED_FILES:
        path = data_dir / name
        res = import_bytes(
            engine, dataset, path.read_bytes(), name, user=SEED_USER, source=source, max_bytes=None
        )
        if not res.ok:
            first = res.errors[0] if res.errors else None
            raise RuntimeError(f"seed file {name} was rejected: {first}")
        results.append(res)
    return results
