"""Text columns coerced through their distinct values (lib.ingest.textcols) give exactly what
trimming every cell gives, on random columns: the same stored strings, the same checked
column, the same codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.ingest.textcols import distinct_first

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Texts that trim, lower-case or empty to the same value, and cells that are missing.
CELL = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "\t", "a", " a", "a ", "A", " A\t", "Bench source", "bench source ", "É", " é"]),
    st.text(alphabet=" \taAbBé-", max_size=4),
)


def _per_cell(raw: pd.Series, lower: bool) -> tuple[list, list, np.ndarray]:
    """What validate did for each cell before: fill, trim, lower-case, then number."""
    s = raw.fillna("").astype(str).str.strip()
    if lower:
        s = s.str.lower()
    codes, _ = pd.factorize(s)
    stored = [None if v == "" else v for v in s.tolist()]
    return stored, stored, codes


@SETTINGS
@given(cells=st.lists(CELL, max_size=30), lower=st.booleans())
def test_distinct_values_give_what_every_cell_gives(cells, lower):
    raw = pd.Series(cells, dtype="str", index=pd.RangeIndex(2, 2 + len(cells)))
    stored, checked, codes = distinct_first(raw, lower)
    want_stored, want_checked, want_codes = _per_cell(raw, lower)
    assert stored.dtype == object and stored.tolist() == want_stored
    assert stored.index.equals(raw.index) and checked.index.equals(raw.index)
    assert checked.dtype == "str"
    assert [None if pd.isna(v) else v for v in checked.tolist()] == want_checked
    assert codes.tolist() == want_codes.tolist()
    # Equal cells are one object: binding and isin then compare pointers first.
    texts = [v for v in stored.tolist() if v is not None]
    assert len({id(v) for v in texts}) == len(set(texts))


def test_a_column_not_of_strings_goes_cell_by_cell():
    assert distinct_first(pd.Series([1, "a"], dtype=object), lower=False) is None
