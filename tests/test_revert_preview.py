"""A revert's preview (lib.ingest.revert_preview) names the first rows the revert removes, in key
order, whichever way it finds them: among the table's first rows (an upload that wrote most of the
table) or by sorting the upload's rows. Both ways give the rows a plain sorted query gives."""

from __future__ import annotations

import importlib

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from lib.datasets import MDG
from lib.ingest import revert, revert_preview
from lib.ingest.staging import target_table
from lib.models import Upload
from lib.seed import init
from tests.conftest import BACKENDS
from tests.test_summary import imp, new_rows_file

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
