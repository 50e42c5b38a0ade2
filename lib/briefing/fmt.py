"""Formatting of the pack's figures as the pages show them (the tests format the metrics' figures with these too)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from lib import i18n
from lib.domains.mdg import texts as mdg_texts
from lib.headline import Figure
from lib.i18n import N_, _

ILLUSTRATIVE = N_(
    "Illustrative data: the consultation rounds, progress reports, New York workload and action 2 "
    "figures in this pack are generated to show how the dashboard works. They are not real reports "
    "of OHCHR, its New York office or any agency."
)
# --- Formatting (the tests format the metrics' figures with these too) --------------------------


def fmt_count(value: float | None) -> str:
    """A count or total as on the pages' metrics: 1,234 / 1 234 / 1.234 (a dash when there is none)."""
    if value is None or pd.isna(value):
        return "—"
    return i18n.fmt_number(value)


def fmt_change(value: float | None) -> str:
    """A change as on the pages' metric deltas: +3, -2, +0 (a dash without a previous round)."""
    if value is None or pd.isna(value):
        return "—"
    return i18n.fmt_signed(value)


def fmt_date(value: Any) -> str:
    """A date as the round picker writes it: 8 December 2008, 8 décembre 2008, 8 de diciembre de 2008."""
    if value is None or pd.isna(value):
        return "—"
    return i18n.fmt_date(pd.Timestamp(value))


MAX_CELL_CHARS = 900  # a table row taller than a page cannot be laid out ("row too high")


def shorten(text: str, limit: int = MAX_CELL_CHARS) -> str:
    """``text`` cut at a word before ``limit`` characters, with an ellipsis; the dashboard has it whole."""
    text = str(text)
    if len(text) <= limit:
        return text  # as it is: numbers keep their narrow no-break spaces (1 103)
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut + " …"


def fmt_value(value: Any) -> str:
    """An indicator value: thousands separated, at most two decimals, trailing zeros dropped."""
    if value is None or pd.isna(value):
        return "—"
    return i18n.fmt_number(float(value), 2, trim=True)


def fmt_year(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else str(int(value))


def human(value: Any) -> str:
    """A stored code as words in the current language: not_started -> not started, non commencé."""
    return "—" if value is None or (not isinstance(value, str) and pd.isna(value)) else i18n.label(value)


def group_words(sex: Any, location: Any) -> str:
    """A rating's breakdown in words: "all" for the totals, else the group(s) it covers."""
    parts = [human(v) for v in (sex, location) if isinstance(v, str) and v != "total"]
    return " / ".join(parts) if parts else _("all")


def credit(source: str) -> str:
    """Who to credit for an observation source, worded as on the MDG page."""
    return mdg_texts.source_credit(source, markdown=False).replace("**", "")


def figures_table(figures: list[Figure]) -> pd.DataFrame:
    """A page's headline figures as the pack's one-row table (counts with the language's separators)."""
    return pd.DataFrame({f.label: [f.text if f.text is not None else fmt_count(f.value)] for f in figures})
