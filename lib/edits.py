"""Edit one record in the browser: a form's values become an upload of one row.

An edit goes the way of any upload (lib.uploads, lib.ingest): the row is written in the
dataset's template layout as a one-row CSV, checked (validation, then old beside new), written
only on confirmation (audit, history, exact revert). Nothing here uses Streamlit; the form
itself is lib.webapp.edit_record.

A form remembers the row as it was when it opened (:class:`Opened`). If the row changed since
(someone's upload or edit), checking or confirming raises :class:`StaleForm` and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from lib import ingest, uploads
from lib.datasets import Col, get_dataset, join_list
from lib.i18n import N_, _
from lib.ingest import ImportResult

STALE_FORM = N_(
    "This record changed since you opened the form (someone else saved it in the meantime), so nothing "
    "was written. The form now shows the current values: make your change again."
)
EXISTS = N_("A record with the key {key} exists already: choose it to edit it, or give another key.")
#: Columns a form never shows: kept as they are (a new row is real data, not illustrative).
KEPT_COLUMNS = ("illustrative",)


class StaleForm(Exception):
    """The record changed since its form was opened."""


@dataclass(frozen=True)
class Opened:
    """A form as it opened: the dataset, the record's key (None for a new record) and its row then."""

    dataset: str
    key: tuple[str, ...] | None
    row: dict[str, str] | None  # template layout, as text; None for a new record

    @property
    def is_new(self) -> bool:
        return self.key is None


@dataclass
class Checked:
    """A checked edit: the one-row file and the upload preview, until confirmed."""

    opened: Opened
    key: tuple[str, ...]
    raw: bytes
    preview: uploads.Preview

    @property
    def ok(self) -> bool:
        return self.preview.ok


def _text(v: object) -> str:
    if v is None or (isinstance(v, float) and v != v) or v is pd.NaT:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, pd.Timestamp | dt.datetime):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list | tuple | set):
        return join_list(str(x) for x in v)
    return str(v)


def current_row(engine: Engine, dataset: str, key: tuple[str, ...]) -> dict[str, str] | None:
    """The record's row in the template layout (as the export writes it), or None when there is none."""
    ds = get_dataset(dataset)
    df = ingest.export_frame(engine, dataset)
    hit = df
    for col, value in zip(ds.key, key, strict=True):
        hit = hit.loc[hit[col].astype(str) == str(value)]
    if hit.empty:
        return None
    return {c: _text(v) for c, v in hit.iloc[0].items()}


def open_form(engine: Engine, dataset: str, key: tuple[str, ...] | None = None) -> Opened:
    """A form for the record ``key`` of ``dataset`` (None: a new record), with its row as it is now."""
    if key is None:
        return Opened(dataset, None, None)
    row = current_row(engine, dataset, tuple(key))
    if row is None:
        raise KeyError(f"no {dataset} record with key {key!r}")
    return Opened(dataset, tuple(str(k) for k in key), row)


def form_columns(dataset: str, opened: Opened, only: tuple[str, ...] | None = None) -> list[Col]:
    """The columns the form shows: ``only`` (in the dataset's order) or all but the kept ones; an
    existing record's key is fixed."""
    ds = get_dataset(dataset)
    cols = [c for c in ds.columns if c.name not in KEPT_COLUMNS and (only is None or c.name in only)]
    if not opened.is_new:
        cols = [c for c in cols if c.name not in ds.key]
    return cols


def row_of(opened: Opened, values: Mapping[str, object]) -> dict[str, str]:
    """The full row the form gives: the record as it opened (every column), with the form's values."""
    ds = get_dataset(opened.dataset)
    base = dict(opened.row) if opened.row is not None else {c: "" for c in ds.column_names}
    if opened.row is None:
        base["illustrative"] = "false"
    return {c: _text(values[c]) if c in values else base.get(c, "") for c in ds.column_names}


def row_csv(dataset: str, row: Mapping[str, str]) -> bytes:
    """The one-row file of ``row`` in the dataset's template layout."""
    ds = get_dataset(dataset)
    return ingest.to_csv_bytes(
        pd.DataFrame([[row.get(c, "") for c in ds.column_names]], columns=ds.column_names)
    )


def key_of(dataset: str, row: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(row.get(k, "") for k in get_dataset(dataset).key)


def file_name(dataset: str, key: tuple[str, ...]) -> str:
    """The name the history lists an edit under (a form, not a file)."""
    return f"form-{dataset}-{'-'.join(key)}.csv"


def _still_as_opened(engine: Engine, opened: Opened, key: tuple[str, ...]) -> None:
    now = current_row(engine, opened.dataset, key)
    if opened.is_new:
        if now is not None:
            raise StaleForm(_(EXISTS, key=" / ".join(key)))
    elif now != opened.row:
        raise StaleForm(_(STALE_FORM))


def check(engine: Engine, opened: Opened, values: Mapping[str, object], *, user: str) -> Checked:
    """Check an edit as an upload of one row (dry run: nothing written).

    Raises :class:`StaleForm` when the record changed since the form opened (or, for a new
    record, when its key is taken).
    """
    row = row_of(opened, values)
    key = key_of(opened.dataset, row)
    _still_as_opened(engine, opened, key)
    raw = row_csv(opened.dataset, row)
    preview = uploads.check(engine, opened.dataset, raw, file_name(opened.dataset, key), user=user)
    return Checked(opened, key, raw, preview)


def confirm(engine: Engine, checked: Checked, *, user: str) -> ImportResult:
    """Write a checked edit (one transaction, audited, in the history, revertible).

    Raises :class:`StaleForm` when the record changed since the form opened and
    :class:`lib.ingest.StaleData` when any data changed since the check.
    """
    _still_as_opened(engine, checked.opened, checked.key)
    return uploads.confirm(engine, checked.preview, checked.raw, user=user)


def change_table(checked: Checked) -> pd.DataFrame:
    """Old value beside new value: the changed cells of an edit, or every value of a new record."""
    res = checked.preview.result
    if checked.opened.is_new or res.new:
        row = pd.read_csv(pd.io.common.BytesIO(checked.raw), dtype=str, keep_default_na=False).iloc[0]
        return pd.DataFrame(
            {"column": list(row.index), "old value": [""] * len(row), "new value": list(row.values)}
        )
    return uploads.modified_table(res).drop(columns="key")
