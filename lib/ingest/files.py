"""Files around the data: the upload history, an upload's file, the export that imports back,
and the templates (with their column descriptions)."""

from __future__ import annotations

import zlib

import pandas as pd
from sqlalchemy import Engine, select

from lib import exports
from lib.datasets import get_dataset
from lib.ingest.results import EXAMPLE_MARK
from lib.ingest.staging import target_table
from lib.ingest.validate import allowed_text
from lib.models import Upload


def history(engine: Engine) -> pd.DataFrame:
    """Every upload, newest first (without the file contents)."""
    up = Upload.__table__
    cols = [c for c in up.c if c.name not in ("content", "content_encoding")]
    with engine.connect() as conn:
        rows = conn.execute(select(*cols).order_by(up.c.id.desc())).all()
    return pd.DataFrame(rows, columns=[c.name for c in cols])


def upload_file(engine: Engine, upload_id: int) -> tuple[str, bytes | None]:
    """The file name and bytes of an upload, to download it again."""
    up = Upload.__table__
    with engine.connect() as conn:
        r = conn.execute(
            select(up.c.filename, up.c.content, up.c.content_encoding).where(up.c.id == upload_id)
        ).first()
    if r is None:
        raise KeyError(upload_id)
    name, content, encoding = r
    if content is not None and encoding == "zlib":
        content = zlib.decompress(content)
    return name, content


def export_frame(engine: Engine, dataset_name: str) -> pd.DataFrame:
    """A dataset's rows in the template layout (imports back with nothing changed)."""
    dataset = get_dataset(dataset_name)
    target = target_table(dataset)
    with engine.connect() as conn:
        result = conn.execute(
            select(*[target.c[c] for c in dataset.column_names]).order_by(*[target.c[k] for k in dataset.key])
        )
        rows = [tuple(r) for r in result]  # plain tuples: pandas probes Row objects slowly
    df = pd.DataFrame(rows, columns=dataset.column_names)
    for c in dataset.columns:
        if c.kind == "bool":
            df[c.name] = df[c.name].map({True: "true", False: "false"})
        elif c.kind == "float":
            df[c.name] = df[c.name].map(lambda v: "" if v is None or v != v else repr(float(v)))
    return df


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """A frame in the template encoding, to import back (the one CSV writer, in its import mode)."""
    return exports.to_csv_bytes(df, for_import=True)


def template_frame(dataset_name: str) -> pd.DataFrame:
    """The template: the header and one example row, marked as such (see :data:`EXAMPLE_MARK`)."""
    dataset = get_dataset(dataset_name)
    row = {c.name: c.example for c in dataset.columns}
    first = dataset.columns[0].name
    row[first] = f"{EXAMPLE_MARK} example: {row[first]}"
    return pd.DataFrame([row], columns=dataset.column_names)


def template_description(dataset_name: str, refs: dict[str, set[str]] | None = None) -> pd.DataFrame:
    """One line per column: type, required, allowed values, description."""
    dataset = get_dataset(dataset_name)
    rows = []
    for c in dataset.columns:
        allowed = ""
        if c.allowed:
            allowed = ", ".join(c.allowed)
        elif c.ref and refs is not None:
            allowed = allowed_text(refs.get(c.ref, set()), limit=60)
        elif c.min is not None or c.max is not None:
            allowed = f"{c.min:g} to {c.max:g}" if c.min is not None and c.max is not None else ""
        rows.append(
            {
                "column": c.name,
                "type": {
                    "str": "text",
                    "int": "whole number",
                    "float": "number",
                    "date": "date YYYY-MM-DD",
                    "bool": "true/false",
                }[c.kind],
                "required": "yes" if c.required else "no",
                "allowed values": allowed,
                "description": c.description,
            }
        )
    return pd.DataFrame(rows)
