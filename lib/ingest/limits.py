"""Rules over a file and the rows stored beside it: what no single row of the file shows.

The "Prepare the briefing" form refuses a fifth added message for a round; a file of key
messages (upload page, ``python -m lib.cli import``) is held to the same limit here, counting
the round's added messages already stored that the file does not change.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection

from lib.datasets import BRIEFING_MESSAGES, MAX_ADDED_MESSAGES, Dataset
from lib.ingest.results import Problem, Problems, Reason
from lib.models_briefing import BriefingMessage


def stored_limits(conn: Connection, dataset: Dataset, typed: pd.DataFrame) -> Problems:
    """The problems of ``typed`` (a validated file of ``dataset``) against what is stored."""
    problems = Problems()
    if dataset.name != BRIEFING_MESSAGES.name or typed.empty:
        return problems
    t = BriefingMessage.__table__
    rounds = sorted(set(typed["round_id"]))
    stored = conn.execute(
        select(t.c.round_id, t.c.message_key).where(t.c.round_id.in_(rounds), t.c.action == "add")
    ).all()
    in_file = set(zip(typed["round_id"], typed["message_key"], strict=True))
    for round_id in rounds:
        added = typed.loc[(typed["round_id"] == round_id) & (typed["action"] == "add")]
        kept = {key for rnd, key in stored if rnd == round_id and (rnd, key) not in in_file}
        total = len(added) + len(kept)
        if total <= MAX_ADDED_MESSAGES:
            continue
        message = (
            f"Round {round_id} would have {total} added messages ({len(added)} in this file, "
            f"{len(kept)} stored and not changed by it); at most {MAX_ADDED_MESSAGES} fit the "
            "briefing: add fewer, or withdraw a stored one (its key with action none)."
        )
        problems.add_capped(
            len(added),
            (Problem(int(i), "action", "add", message, reason=Reason.ROW) for i in added.index),
        )
    return problems
