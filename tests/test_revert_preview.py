"""A revert's preview (lib.ingest.revert_preview) names the first rows the revert removes, in key
order, whichever way it finds them: among the table's first rows (an upload that wrote most of the
table) or by sorting the upload's rows. Both ways give the rows a plain sorted query gives."""

from __future__ import annotations

import importlib

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from lib.datasets import MDG, get_dataset
from lib.ingest import import_bytes, revert, revert_preview, to_csv_bytes
from lib.ingest.staging import target_table
from lib.models import Upload
from lib.seed import init
from tests.conftest import BACKENDS
from tests.test_ends import ROUND_2010
from tests.test_summary import imp, modifying_file, new_rows_file, new_years_file, seed_frame

pytestmark = BACKENDS
# lib.ingest exports the function revert under the module's name.
revert_module = importlib.import_module("lib.ingest.revert")


def plainly_first(engine: Engine, upload_id: int) -> pd.DataFrame:
    """The upload's first rows by key, by sorting all of them."""
    t = target_table(MDG)
    stmt = (
        select(*[t.c[c] for c in MDG.column_names])
        .where(t.c.created_upload_id == upload_id)
        .order_by(*[t.c[k] for k in MDG.key])
        .limit(revert_module.REVERT_SAMPLE)
    )
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(stmt)]
    return pd.DataFrame(rows, columns=MDG.column_names)


@pytest.mark.parametrize("scan", [1, 7, 400, 20_000])
def test_the_preview_names_the_first_rows_the_revert_removes(engine, monkeypatch, scan):
    monkeypatch.setattr(revert_module, "SAMPLE_SCAN", scan)
    init(engine)
    new = imp(engine, new_rows_file(), "new.csv")  # rows of a new source, spread through the key order
    with engine.connect() as conn:
        ids = list(
            conn.execute(select(Upload.__table__.c.id).where(Upload.__table__.c.dataset == "mdg")).scalars()
        )
    assert new.upload_id in ids and len(ids) >= 2
    for uid in ids:
        plan = revert_preview(engine, uid)
        expected = plainly_first(engine, uid)
        assert len(expected) == min(revert_module.REVERT_SAMPLE, plan["removed"])
        pd.testing.assert_frame_equal(plan["sample"], expected, check_dtype=False)
    revert(engine, new.upload_id, user="tester")
    gone = revert_preview(engine, new.upload_id)
    assert gone["removed"] == 0 and gone["sample"].empty


def added_rows(engine: Engine) -> dict[int, tuple[int, int]]:
    """Per upload: (the rows its revert would remove as the preview says, as the table holds them)."""
    up = Upload.__table__
    out = {}
    with engine.connect() as conn:
        uploads = conn.execute(select(up.c.id, up.c.dataset)).all()
        for uid, name in uploads:
            t = target_table(get_dataset(name))
            held = conn.execute(
                select(func.count()).select_from(t).where(t.c.created_upload_id == uid)
            ).scalar_one()
            out[uid] = (revert_preview(engine, uid)["removed"], held)
    return out


def assert_counts_exact(engine: Engine) -> None:
    counts = added_rows(engine)
    assert counts and all(said == held for said, held in counts.values()), counts


def test_the_rows_a_revert_removes_are_counted_exactly_through_imports_and_reverts(engine):
    """The preview says how many rows a revert removes from the upload's own count of new rows:
    exact only while no other write deletes or re-creates them. Checked against the table after
    all-new, modifying and repeated imports, a round, and reverts in and out of order."""
    init(engine)
    assert_counts_exact(engine)
    new = imp(engine, new_rows_file(), "new.csv")
    years = imp(engine, new_years_file(), "years.csv")
    mod = imp(engine, modifying_file(), "modified.csv")  # rows of the seed and of years.csv again
    assert mod.modified > 0 and mod.new > 0
    assert_counts_exact(engine)
    again = imp(engine, to_csv_bytes(seed_frame()), "seed-again.csv")
    added = import_bytes(engine, "rounds", ROUND_2010, "r.csv")
    assert added.ok
    assert_counts_exact(engine)
    for done in (added, again, mod):
        revert(engine, done.upload_id, user="tester")
        assert_counts_exact(engine)
    renewed = imp(engine, modifying_file(), "modified-again.csv")  # the reverted rows created anew
    assert renewed.new > 0
    assert_counts_exact(engine)
    revert(engine, renewed.upload_id, user="tester")
    revert(engine, years.upload_id, user="tester")
    revert(engine, new.upload_id, user="tester")
    assert_counts_exact(engine)
