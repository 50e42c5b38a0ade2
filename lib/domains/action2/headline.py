"""Action 2's headline for a round: activities, people trained and advisers now and before, and
the agencies that have not reported since an earlier round. Shown by the action 2 page, the
briefing overview and the pack (lib.headline).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from lib.domains.action2 import metrics
from lib.headline import Change
from lib.i18n import N_, _
from lib.rounds import Window


@dataclass
class Headline:
    changes: list[Change]  # activities, people trained, advisers deployed (cancelled left out)
    stale: pd.DataFrame  # metrics.stale_agencies


def _period_sum(df: pd.DataFrame, round_id: str | None, col: str | None = None) -> float | None:
    if round_id is None:
        return None
    rows = df.loc[df["round_id"] == round_id]
    return float(len(rows) if col is None else rows[col].sum())


def headline(
    acts: pd.DataFrame, rounds: pd.DataFrame, win: Window, agencies: Iterable[str] | None = None
) -> Headline:
    """The round's headline from the activities (``agencies``: every known agency code)."""
    live = acts.loc[acts["status"] != "cancelled"]
    rid, prev = win.round_id, win.previous

    def change(label: str, col: str | None = None) -> Change:
        return Change(label, _period_sum(live, rid, col), _period_sum(live, prev, col))

    changes = [
        change(N_("Activities")),
        change(N_("People trained"), "participants_trained"),
        change(N_("Advisers deployed"), "advisers_deployed"),
    ]
    return Headline(changes, metrics.stale_agencies(acts, rounds, rid, agencies))


def stale_sentence(stale: pd.DataFrame) -> str:
    """The stale-agency warning of the action 2 page and the pack's action 2 page."""
    return (
        _("Not updated since an earlier round (stale):")
        + " "
        + "; ".join(
            _(
                "{agency}: last report {last}, {missed} round(s) missed",
                agency=s.agency,
                last=s.last_round or _("never"),
                missed=s.rounds_missed,
            )
            for s in stale.itertuples()
        )
    )


def stale_agencies_line(stale: pd.DataFrame) -> str:
    """The stale agencies with their last round, as the briefing page and the pack's summary list them."""
    return ", ".join(
        _("{agency} (last {round})", agency=a.agency, round=a.last_round or _("never"))
        for a in stale.itertuples()
    )
