"""Stored forms of frames: a DataFrame as Parquet bytes and back, with pandas' own dtypes.

Used by lib.derived (results shared between app servers) and lib.overview (its stored form);
neither imports the other for it.
"""

from __future__ import annotations

import io
import json

import pandas as pd


def frame_to_bytes(frame: pd.DataFrame) -> bytes:
    """A DataFrame as Parquet, with pandas' own dtypes in the file's metadata.

    Parquet rather than pickle: reading a stored result never runs code. Parquet keeps
    timestamps in ms or finer, so the dtypes bring back pandas' units exactly.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame)
    dtypes = json.dumps({str(c): str(t) for c, t in frame.dtypes.items()})
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"dtypes": dtypes.encode()})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def frame_from_bytes(raw: bytes) -> pd.DataFrame:
    """The DataFrame :func:`frame_to_bytes` stored, with its dtypes."""
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(raw))
    frame = table.to_pandas()
    dtypes = json.loads((table.schema.metadata or {}).get(b"dtypes", b"{}"))
    moved = {c: t for c, t in dtypes.items() if c in frame.columns and str(frame[c].dtype) != t}
    return frame.astype(moved) if moved else frame
