"""Revert: return the data exactly to its state before an upload, in one transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Table,
    and_,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from lib.audit import audit
from lib.datasets import get_dataset
from lib.db import bump_data_version, writer
from lib.ingest import ends, ratings
from lib.ingest.results import RevertRefused
from lib.ingest.staging import lock_writes, target_table, temp_table
from lib.ingest.summary import collect_groups, rebuild_all_worth, refresh_summary, summary_groups_of
from lib.models import ConsultationRound, Observation, SQLModel, Upload
from lib.models import Revision as RevisionModel


def _restore_value(col: Column, v):
    if v is None:
        return None
    if isinstance(col.type, DateTime):
        return datetime.fromisoformat(v)
    if isinstance(col.type, Date):
        return date.fromisoformat(v)
    return v


def _befores_table(conn: Connection, target: Table, befores: list[dict]) -> Table:
    """The rows' old values (from the revision table) in a temporary table shaped like ``target``."""
    t = temp_table(conn, f"revert_{target.name}", [Column(c.name, c.type) for c in target.columns])
    if befores:
        rows = [{c.name: _restore_value(c, b.get(c.name)) for c in target.columns} for b in befores]
        conn.execute(insert(t), rows)
    return t


def _refuse_if_referenced(conn: Connection, target: Table, upload_id: int) -> None:
    """Refuse to remove rows an upload added while other tables' rows refer to them (by foreign key).

    E.g. the follow-up reports of recommendations the upload added: revert those reports first.
    """
    added = target.c.created_upload_id == upload_id
    for table in SQLModel.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is not target or "upload_id" not in table.c:
                continue
            refs = select(target.c[fk.column.name]).where(added)
            uploads = sorted(
                u
                for u in conn.execute(
                    select(table.c.upload_id).where(table.c[fk.parent.name].in_(refs)).distinct()
                ).scalars()
                if u is not None
            )
            if uploads:
                listed = ", ".join(f"upload {u}" for u in uploads)
                raise RevertRefused(
                    f"Upload {upload_id} cannot be reverted: other data refers to rows it added "
                    f"(rows of {table.name} from {listed}). Revert those first; nothing was changed."
                )


def _referrers(target: Table) -> str:
    """The tables whose foreign keys point at ``target`` (what blocks removing its rows)."""
    names = sorted(
        {
            t.name
            for t in target.metadata.tables.values()
            for fk in t.foreign_keys
            if fk.column.table is target
        }
    )
    return "rows of " + ", ".join(names) if names else "rows of other tables"


#: A revert removing or restoring more rows than this asks for the upload's id to be typed.
REVERT_TYPED_ABOVE = 10
REVERT_SAMPLE = 10


#: How many rows, in key order, are looked through for a revert's first rows before sorting all
#: the upload's rows: an upload that wrote most of a table (2 million rows) has its first rows among
#: the table's first ones, where sorting them all took 1 s on SQLite.
SAMPLE_SCAN = 20_000


def _first_added(
    conn, target: Table, columns: Sequence[str], key: Sequence[str], upload_id: int, removed: int
) -> list[tuple]:
    """The first ``REVERT_SAMPLE`` rows, in key order, that ``upload_id`` added to ``target``.

    Exact either way: when the table's first ``SAMPLE_SCAN`` rows hold that many of them (or all
    ``removed``), every row before them was looked at; otherwise the upload's rows are sorted.
    """
    wanted = min(REVERT_SAMPLE, removed)
    if wanted == 0:
        return []
    head = (
        select(*[target.c[c] for c in columns], target.c.created_upload_id)
        .order_by(*[target.c[k] for k in key])
        .limit(SAMPLE_SCAN)
        .subquery("head")
    )
    first = conn.execute(
        select(*[head.c[c] for c in columns])
        .where(head.c.created_upload_id == upload_id)
        .order_by(*[head.c[k] for k in key])
        .limit(REVERT_SAMPLE)
    ).all()
    if len(first) < wanted:
        cols = [target.c[c] for c in columns]
        first = conn.execute(
            select(*cols)
            .where(target.c.created_upload_id == upload_id)
            .order_by(*[target.c[k] for k in key])
            .limit(REVERT_SAMPLE)
        ).all()
    return first


def revert_preview(engine: Engine, upload_id: int) -> dict:
    """What reverting an upload would do: rows removed and restored, and the first removed ones."""
    up = Upload.__table__
    with engine.connect() as conn:
        row = conn.execute(
            select(up.c.dataset, up.c.rows_new, up.c.reverted_at).where(up.c.id == upload_id)
        ).first()
        if row is None:
            raise RevertRefused(f"There is no upload {upload_id}.")
        dataset = get_dataset(row.dataset)
        target = target_table(dataset)
        # The rows a revert removes are those the upload added (created_upload_id), and they are
        # its rows_new until it is reverted: only its own revert deletes them, and a later write
        # keeps a row's creator (tests/test_revert_preview.py counts them after imports,
        # re-imports and reverts). Counting them took 0.2-0.4 s for 2 million rows.
        removed = 0 if row.reverted_at is not None else int(row.rows_new)
        r = RevisionModel.__table__
        restored = conn.execute(select(func.count()).where(r.c.upload_id == upload_id)).scalar_one()
        first = _first_added(conn, target, dataset.column_names, dataset.key, upload_id, removed)
    return {
        "upload_id": upload_id,
        "removed": removed,
        "restored": restored,
        "sample": pd.DataFrame([tuple(x) for x in first], columns=dataset.column_names),
        "typed": removed + restored > REVERT_TYPED_ABOVE,
    }


def revert(engine: Engine, upload_id: int, user: str = "cli") -> dict:
    """Return the data exactly to its state before the upload, in one transaction."""
    up = Upload.__table__
    with writer(engine).begin() as conn:
        lock_writes(conn)
        row = conn.execute(select(up).where(up.c.id == upload_id)).mappings().first()
        if row is None:
            raise RevertRefused(f"There is no upload {upload_id}.")
        if row["reverted_at"] is not None:
            raise RevertRefused(
                f"Upload {upload_id} was already reverted on {row['reverted_at']:%Y-%m-%d %H:%M} by {row['reverted_by']}."
            )
        dataset = get_dataset(row["dataset"])
        target = target_table(dataset)
        revs = (
            conn.execute(
                select(RevisionModel.__table__.c.before).where(
                    RevisionModel.__table__.c.upload_id == upload_id
                )
            )
            .scalars()
            .all()
        )
        befores = [json.loads(b) for b in revs]
        # Rows this upload wrote that a later upload has since written again.
        later = set(
            conn.execute(
                select(target.c.upload_id)
                .where(target.c.created_upload_id == upload_id, target.c.upload_id != upload_id)
                .distinct()
            ).scalars()
        )
        # The old values in a temporary table: one statement checks them and one restores them
        # (a statement per row took 36 s for 100,000 modified rows on SQLite).
        before = _befores_table(conn, target, befores)
        same_row = and_(*[target.c[k] == before.c[k] for k in dataset.key])
        later |= set(
            conn.execute(
                select(target.c.upload_id)
                .select_from(target.join(before, same_row))
                .where(target.c.upload_id != upload_id)
                .distinct()
            ).scalars()
        )
        later.discard(None)
        if later:
            names = conn.execute(
                select(up.c.id, up.c.filename, up.c.created_at)
                .where(up.c.id.in_(sorted(later)))
                .order_by(up.c.id)
            ).all()
            listed = "; ".join(f"upload {i} ({f}, {t:%Y-%m-%d %H:%M})" for i, f, t in names)
            raise RevertRefused(
                f"Upload {upload_id} cannot be reverted: later uploads changed the same rows since: {listed}. Revert those first."
            )
        _refuse_if_referenced(conn, target, upload_id)
        # The series the revert changes, collected before their rows go (None: all of them).
        summary = target is Observation.__table__
        groups = None
        if summary and not rebuild_all_worth(conn, row["rows_new"] + row["rows_modified"]):
            groups = collect_groups(conn, summary_groups_of(target, upload_id))
        try:
            deleted = conn.execute(delete(target).where(target.c.created_upload_id == upload_id)).rowcount
        except IntegrityError:  # the transaction rolls back as the refusal leaves it
            raise RevertRefused(
                f"Upload {upload_id} ({row['filename']}) cannot be reverted: other data refers to rows it "
                f"added ({_referrers(target)}). Revert the uploads of that data first; nothing was changed."
            ) from None
        if befores:
            restored = {c.name: before.c[c.name] for c in target.columns if c.name not in dataset.key}
            conn.execute(update(target).where(same_row).values(**restored))  # UPDATE ... FROM
        before.drop(conn)
        if summary:
            ends.refresh(conn, groups)  # before refresh_summary, which drops the groups' table
            ratings.refresh(conn, groups)
            refresh_summary(conn, groups)
        elif target is ConsultationRound.__table__:
            ends.sync_years(conn)  # the rounds' cut-off years may have changed
            ratings.sync_years(conn)
        now = datetime.now(UTC)
        conn.execute(update(up).where(up.c.id == upload_id).values(reverted_at=now, reverted_by=user))
        version = bump_data_version(conn)
        audit(
            conn,
            user,
            "revert",
            f"upload {upload_id} ({row['filename']}): {deleted} rows removed, {len(befores)} restored",
        )
    return {"upload_id": upload_id, "deleted": deleted, "restored": len(befores), "data_version": version}
