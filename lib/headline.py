"""What a headline is made of: figures now and in the previous round, and figures as shown.

Each domain has one function that returns its headline for a round
(``lib/domains/<domain>/headline.py``); its page, the briefing overview (lib.overview) and the
PDF pack (lib.briefing) all show that result, so a figure cannot differ between screen and paper.
"""

from __future__ import annotations

from dataclasses import dataclass

from lib import i18n
from lib.i18n import _


@dataclass
class Change:
    """A figure now and in the previous round.

    ``label`` is English, marked for the catalogue: pages and the pack show ``_(label)``.
    """

    label: str
    now: float
    before: float | None

    @property
    def delta(self) -> float | None:
        return None if self.before is None else self.now - self.before


@dataclass(frozen=True)
class Figure:
    """One of a page's headline figures: its label (translated) and value.

    ``text`` is how the value is written when it is not a plain count (hours, shares); a count
    is shown as the number itself on screen and with the language's separators in the pack.
    """

    label: str
    value: float
    text: str | None = None
    delta: str | None = None  # the change since the previous round, written out
    arrow: bool = True  # False for a change of zero: "+0" with an up arrow reads as a rise

    @property
    def on_screen(self) -> str | int | float:
        """What ``st.metric`` shows."""
        return self.text if self.text is not None else self.value


def now_of(changes: list[Change], label: str) -> float:
    """The current value of the figure ``label`` of a headline's changes."""
    return next(c.now for c in changes if c.label == label)


def since(previous_round_id: str | None) -> str:
    """ "since 2008-H1", or the first round's note."""
    if previous_round_id:
        return _("since {round}", round=previous_round_id)
    return _("(first round: nothing to compare)")


def change_figures(changes: list[Change]) -> list[Figure]:
    """The briefing page's figures of one domain: each value now and its change since the previous round."""
    return [
        Figure(
            _(c.label),
            c.now,
            i18n.fmt_number(c.now),
            None if c.delta is None else _("no change") if c.delta == 0 else i18n.fmt_signed(c.delta),
            arrow=bool(c.delta),
        )
        for c in changes
    ]
