"""Action 2 texts: the stale-agency warning shared by the page and the pack."""

from __future__ import annotations

import pandas as pd

from lib.i18n import _


def stale_sentence(stale: pd.DataFrame) -> str:
    """The stale-agency warning (metrics.stale_agencies) in words, shared by the page and the pack."""
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
