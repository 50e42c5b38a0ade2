"""The recommendations' headline for a round: where those of the last consultation stand, moves,
overdue ones; and the items they give the briefing's key messages and decisions sought.

Shown by the recommendations page, the briefing overview and the pack (lib.headline).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from lib import i18n
from lib.domains.recommendations import metrics
from lib.headline import Change, Figure, now_of
from lib.i18n import N_, _
from lib.rounds import Window

MADE = N_("Recommendations made so far")
OPEN = N_("Open recommendations")
COMPLETED = N_("Recommendations completed")
OVERDUE = N_("Recommendations overdue")
#: The columns the overview keeps of the last consultation's and the overdue recommendations.
KEPT = ["id", "round_id", "text", "text_fr", "text_es", "lead", "addressees", "due_round", "due_date", "status",
        "status_round", "overdue"]  # fmt: skip


@dataclass
class Headline:
    changes: list[Change]  # made so far, open, completed, overdue: now and in the previous round
    moves: dict[str, int]  # metrics.MOVES since the previous round
    last: pd.DataFrame  # the recommendations of the previous round (the last consultation), as of this one
    overdue: pd.DataFrame  # every overdue recommendation as of this round


def _counts(stand: pd.DataFrame) -> tuple[float, float, float, float]:
    done = stand["status"].eq("completed")
    open_ = ~stand["status"].isin(metrics.CLOSED)
    return float(len(stand)), float(open_.sum()), float(done.sum()), float(stand["overdue"].sum())


def headline(recs: pd.DataFrame, statuses: pd.DataFrame, rounds: pd.DataFrame, win: Window) -> Headline:
    """The round's headline from the recommendations and their follow-up reports."""
    now = metrics.standing(recs, statuses, rounds, win.round_id)
    before = metrics.standing(recs, statuses, rounds, win.previous) if win.previous else None
    c_now = _counts(now)
    c_before = _counts(before) if before is not None else (None,) * 4
    changes = [
        Change(label, n, b)
        for label, n, b in zip((MADE, OPEN, COMPLETED, OVERDUE), c_now, c_before, strict=True)
    ]
    moved = metrics.move_summary(metrics.moves(recs, statuses, win.previous, win.round_id))
    last = now.loc[now["round_id"] == win.previous] if win.previous else now.iloc[0:0]
    keep = [c for c in KEPT if c in now.columns]
    return Headline(
        changes,
        moved,
        last=last[keep].reset_index(drop=True),
        overdue=now.loc[now["overdue"], keep].reset_index(drop=True),
    )


def figures(hl: Headline, previous_round_id: str | None) -> list[Figure]:
    """The recommendations page's figures (and the pack's): open, completed, overdue, moves."""
    return [
        Figure(_(OPEN), int(now_of(hl.changes, OPEN))),
        Figure(_(COMPLETED), int(now_of(hl.changes, COMPLETED))),
        Figure(_(OVERDUE), int(now_of(hl.changes, OVERDUE))),
        Figure(_("Improved since {round}", round=previous_round_id or "—"), hl.moves["improved"]),
        Figure(_("Declined"), hl.moves["declined"]),
    ]


def moves_sentence(moves: dict[str, int], since: str) -> str:
    """How the recommendations' follow-up moved, in words (the overview's and the pack's)."""
    counts = {m: i18n.fmt_number(moves.get(m, 0)) for m in metrics.MOVES}
    return _(
        "Recommendations {since}: {improved} improved, {declined} declined, {unchanged} unchanged, "
        "{new} newly reported, {dropped} dropped, {not_reported} without a report.",
        since=since,
        **counts,
    )


def last_sentence(last: pd.DataFrame, made_in: str | None, as_of: str) -> str:
    """What became of the last consultation's recommendations, in one sentence."""
    if made_in is None or last.empty:
        return _("The last consultation made no recommendations.")
    done = int(last["status"].eq("completed").sum())
    reported = int(last["status_round"].eq(as_of).sum())
    return _(
        "The consultation of {made} made {count} recommendations: {done} completed; {reported} reported "
        "on for {round}; {overdue} overdue.",
        made=made_in,
        count=i18n.fmt_number(len(last)),
        done=i18n.fmt_number(done),
        reported=i18n.fmt_number(reported),
        round=as_of,
        overdue=i18n.fmt_number(int(last["overdue"].sum())),
    )


def _status(code: object) -> str:
    return i18n.label(code) if isinstance(code, str) else _("no report yet")


def decisions(overdue: pd.DataFrame, names: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:
    """The decisions sought that overdue recommendations give: (key, question, recommendation) each.

    One item per overdue recommendation, oldest first: shaped like lib.messages.Decision
    (``Decision(*item)``), kept as plain tuples so this module needs nothing of the briefing.
    """
    names = names or {}
    items = []
    for r in overdue.sort_values(["round_id", "id"]).itertuples():
        lead = names.get(r.lead, r.lead)
        due = r.due_round if isinstance(r.due_round, str) and r.due_round else i18n.fmt_date(r.due_date)
        question = _(
            "Recommendation {id} of {made} ({lead}) was due by {due} and stands at {status}: renew it "
            "with a new due round, or drop it?",
            id=r.id,
            made=r.round_id,
            lead=lead,
            due=due,
            status=_status(r.status),
        )
        advice = _("Ask {lead} for a new due round and what it needs to finish.", lead=lead)
        items.append((f"rec-overdue-{r.id}", question, advice))
    return items


def messages(hl: Headline, made_in: str | None, as_of: str) -> list[tuple[str, str]]:
    """The key messages the recommendations give: (key, text) each (lib.messages.Message(*item))."""
    if made_in is None:
        return []
    return [("rec-last", last_sentence(hl.last, made_in, as_of))]
