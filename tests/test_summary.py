"""observation_summary, maintained at write time, gives the same frames as grouping the whole
observation table (SQLite and PostgreSQL): after seeding, imports of new and modified rows,
reverts, and the migration that creates and fills it on a database already holding data.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, func, inspect, literal, select

from lib import ingest, queries
from lib.db import writer
from lib.ingest import import_bytes, revert, to_csv_bytes
from lib.models import Observation, ObservationSummary
from lib.paths import DATA_DIR, ROOT
from lib.seed import init
from tests.conftest import BACKENDS

pytestmark = BACKENDS

SUMMARY_KEY = ["indicator_code", "series_code", "country_iso3", "sex", "location", "source", "unit"]
CATALOGUE_KEY = ["indicator_code", "series_code", "source", "sex", "location", "unit"]
DISAGGREGATION_KEY = ["country_iso3", "indicator_code", "sex", "location"]
TEST_SOURCE = "Summary test source"


# --- The oracle: the former queries, grouping the whole observation table ----------------------


def _catalogue_direct(engine: Engine) -> pd.DataFrame:
    o = Observation.__table__
    stmt = select(
        o.c.indicator_code,
        o.c.series_code,
        o.c.source,
        o.c.sex,
        o.c.location,
        o.c.unit,
        func.count(func.distinct(o.c.country_iso3)).label("countries"),
        func.min(o.c.year).label("first_year"),
        func.max(o.c.year).label("last_year"),
        func.count().label("values"),
    ).group_by(o.c.indicator_code, o.c.series_code, o.c.source, o.c.sex, o.c.location, o.c.unit)
    return queries._frame(engine, stmt)


def _disaggregation_direct(engine: Engine) -> pd.DataFrame:
    o = Observation.__table__
    stmt = select(
        o.c.country_iso3, o.c.indicator_code, o.c.sex, o.c.location, func.count().label("values")
    ).group_by(o.c.country_iso3, o.c.indicator_code, o.c.sex, o.c.location)
    return queries._frame(engine, stmt)


def _countries_direct(engine: Engine, indicator_code: str) -> list[str]:
    o = Observation.__table__
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(o.c.country_iso3)
                .where(o.c.indicator_code == indicator_code)
                .distinct()
                .order_by(o.c.country_iso3)
            ).scalars()
        )


def _summary_direct(engine: Engine) -> list[tuple]:
    """What observation_summary must hold, aggregated from observation now."""
    o = Observation.__table__
    keys = [o.c[k] for k in SUMMARY_KEY]
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(*keys, func.count(), func.min(o.c.year), func.max(o.c.year))
                .group_by(*keys)
                .order_by(*keys)
            )
        ]


def summary_rows(engine: Engine) -> list[tuple]:
    """observation_summary as stored, in key order."""
    s = ObservationSummary.__table__
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(*[s.c[k] for k in SUMMARY_KEY], s.c.n_values, s.c.first_year, s.c.last_year).order_by(
                    *[s.c[k] for k in SUMMARY_KEY]
                )
            )
        ]


def _same_frame(fast: pd.DataFrame, direct: pd.DataFrame, keys: list[str]) -> None:
    """Same columns, dtypes and rows (the former queries had no ORDER BY: compare in key order)."""
    assert list(fast.columns) == list(direct.columns)
    assert len(fast) > 0
    pd.testing.assert_frame_equal(
        fast.sort_values(keys).reset_index(drop=True), direct.sort_values(keys).reset_index(drop=True)
    )


def assert_summary_exact(engine: Engine) -> None:
    """The summary and the three queries reading it agree with observation itself."""
    assert summary_rows(engine) == _summary_direct(engine)
    _same_frame(queries.observation_catalogue(engine), _catalogue_direct(engine), CATALOGUE_KEY)
    _same_frame(queries.disaggregation_counts(engine), _disaggregation_direct(engine), DISAGGREGATION_KEY)
    inds = queries.indicators(engine)["code"]
    for code in inds:
        assert queries.observation_countries(engine, code) == _countries_direct(engine, code), code
    assert queries.observation_countries(engine, "no such indicator") == []


# --- Files ---------------------------------------------------------------------------------------


def seed_frame() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "mdg_observations.csv", dtype=str, keep_default_na=False)


def new_rows_file() -> bytes:
    """Rows of a new source: new series (groups) only, some with two units in one series."""
    df = seed_frame().iloc[::40].copy()
    df["source"] = TEST_SOURCE
    df.iloc[::7, df.columns.get_loc("unit")] = "other unit"
    return to_csv_bytes(df)


def new_years_file() -> bytes:
    """Only new rows, most of them in existing series and units: years before and after theirs."""
    seed = seed_frame()
    picked = seed.drop_duplicates(
        ["indicator_code", "series_code", "country_iso3", "sex", "location", "source"]
    )
    picked = picked.iloc[::9]
    later, earlier = picked.copy(), picked.iloc[::2].copy()
    later["year"], earlier["year"] = "2032", "1960"
    return to_csv_bytes(pd.concat([later, earlier]))


def modifying_file() -> bytes:
    """Existing series of the seed: changed values and units, unchanged rows, new years, new breakdowns."""
    seed = seed_frame()
    first = seed.groupby(["indicator_code", "series_code", "country_iso3", "sex", "location", "source"]).head(
        3
    )
    picked = first.iloc[::25].copy()
    changed = picked.copy()
    changed["value"] = (changed["value"].astype(float) + 1.5).map(repr)
    changed.iloc[::4, changed.columns.get_loc("unit")] = "a new unit"  # a series that splits in two units
    later = picked.drop_duplicates(["series_code", "country_iso3", "source"]).copy()
    later["year"] = "2031"  # a year no series has yet: new rows of existing series
    breakdown = later[later["sex"] == "total"].copy()
    breakdown["sex"] = "female"  # a breakdown the series did not have
    unchanged = seed.iloc[1::50]
    out = pd.concat([changed, later, breakdown, unchanged]).drop_duplicates(
        ["indicator_code", "series_code", "country_iso3", "year", "sex", "location", "source"]
    )
    return to_csv_bytes(out)


def imp(engine: Engine, raw: bytes, name: str):
    res = import_bytes(engine, "mdg", raw, name, max_bytes=None)
    assert res.ok, res.errors[:5]
    return res


def alembic(engine: Engine, action: str, revision: str) -> None:
    """alembic upgrade/downgrade on the engine (lib.db.migrate, to a chosen revision)."""
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    with writer(engine).begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, revision)


# --- Tests ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("share", [0.25, 0.0, math.inf], ids=["default", "always-rebuild", "always-series"])
def test_summary_follows_seeding_imports_and_reverts(engine, share, monkeypatch):
    """Both ways of refreshing (the touched series, or everything) keep the summary exact."""
    monkeypatch.setattr(ingest.summary, "SUMMARY_REBUILD_SHARE", share)
    init(engine)
    assert_summary_exact(engine)
    seeded = summary_rows(engine)

    new = imp(engine, new_rows_file(), "new.csv")
    assert new.new > 0 and new.modified == 0
    assert_summary_exact(engine)
    after_new = summary_rows(engine)
    assert len(after_new) > len(seeded)

    # All new rows, in series the summary has: their counts are added and their years widened.
    years = imp(engine, new_years_file(), "years.csv")
    assert years.new > 0 and (years.modified, years.unchanged) == (0, 0)
    assert_summary_exact(engine)
    after_years = summary_rows(engine)
    assert len(after_years) == len(after_new) and after_years != after_new

    mod = imp(engine, modifying_file(), "modified.csv")
    assert mod.new > 0 and mod.modified > 0 and mod.unchanged > 0
    assert_summary_exact(engine)
    assert summary_rows(engine) != after_new

    # The same file again writes nothing, and the summary stays as it is.
    again = imp(engine, modifying_file(), "modified.csv")
    assert (again.new, again.modified) == (0, 0)
    assert_summary_exact(engine)

    revert(engine, mod.upload_id, user="tester")
    assert_summary_exact(engine)
    assert summary_rows(engine) == after_years

    revert(engine, years.upload_id, user="tester")
    assert_summary_exact(engine)
    assert summary_rows(engine) == after_new

    revert(engine, new.upload_id, user="tester")
    assert_summary_exact(engine)
    assert summary_rows(engine) == seeded


def test_migration_fills_the_summary_it_creates(engine):
    """Down to 0001 (no summary) and up again: the migration's fill equals the maintained summary."""
    init(engine)
    imp(engine, modifying_file(), "modified.csv")
    maintained = summary_rows(engine)
    assert maintained

    alembic(engine, "downgrade", "0001")
    assert "observation_summary" not in inspect(engine).get_table_names()
    alembic(engine, "upgrade", "head")
    assert summary_rows(engine) == maintained
    assert_summary_exact(engine)


def test_migration_on_a_database_written_before_the_summary(engine):
    """Observations written by a version without the summary are all in it after the upgrade."""
    init(engine)
    alembic(engine, "downgrade", "0001")
    o = Observation.__table__
    cols = [c.name for c in o.columns]
    with writer(engine).begin() as conn:
        # What an older version's import would have written: a new source beside the seed.
        rows = select(*[literal(TEST_SOURCE).label(c) if c == "source" else o.c[c] for c in cols]).where(
            o.c.location == "total"
        )
        conn.execute(o.insert().from_select(cols, rows))
    alembic(engine, "upgrade", "head")
    assert_summary_exact(engine)
    assert any(r[SUMMARY_KEY.index("source")] == TEST_SOURCE for r in summary_rows(engine))

    # And the maintenance carries on from the filled table.
    imp(engine, modifying_file(), "modified.csv")
    assert_summary_exact(engine)
