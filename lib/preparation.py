"""What staff prepared for a round's briefing, read back, and each change as an upload of one row.

Staff reword, drop or add key messages (dataset ``briefing-messages``) and choose the MDG
indicators and countries of the pack (``briefing-choice``), per round. A change goes through
lib.edits (check, old beside new, confirm, audit, upload history, exact revert); this module
adds what is particular to the briefing: the texts checked in the reader's language before the
pipeline's own check, and the messages as they will read after a change. No Streamlit here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Engine, select

from lib import edits, messages
from lib.datasets import (
    BRIEFING_CHOICE,
    BRIEFING_MESSAGES,
    MAX_ADDED_MESSAGES,
    MAX_MESSAGE_CHARS,
    MAX_PACK_COUNTRIES,
    MAX_PACK_INDICATORS,
    split_list,
)
from lib.db import begin
from lib.i18n import _
from lib.models_briefing import BriefingChoice, BriefingMessage
from lib.overview import Overview

MESSAGES = BRIEFING_MESSAGES.name
CHOICE = BRIEFING_CHOICE.name
ADDED_PREFIX = "staff-"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Choice:
    """The pack's MDG indicators and countries stored for a round (empty: the defaults)."""

    indicators: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()


def stored_edits(engine: Engine, round_id: str) -> list[messages.Edit]:
    """Staff's edits of the round's key messages, in key order (``none`` edits left out)."""
    t = BriefingMessage.__table__
    stmt = (
        select(t.c.message_key, t.c.action, t.c.text, t.c.position)
        .where(t.c.round_id == round_id, t.c.action != "none")
        .order_by(t.c.message_key)
    )
    with begin(engine) as conn:
        rows = conn.execute(stmt).all()
    return [messages.Edit(k, a, txt or "", None if p is None else int(p)) for k, a, txt, p in rows]


def stored_choice(engine: Engine, round_id: str) -> Choice:
    """The indicators and countries stored for the round's pack (empty tuples when none)."""
    t = BriefingChoice.__table__
    with begin(engine) as conn:
        row = conn.execute(select(t.c.indicator_codes, t.c.countries).where(t.c.round_id == round_id)).first()
    if row is None:
        return Choice()
    return Choice(tuple(split_list(row[0])), tuple(split_list(row[1])))


def edited_messages(engine: Engine, ov: Overview) -> messages.Merged:
    """The round's key messages as the page and the pack show them: computed, with staff's edits."""
    return messages.merge(messages.key_messages(ov), stored_edits(engine, ov.round_id))


# --- Checking a change in the reader's language --------------------------------------------------


def message_problem(action: str, text: str, stored: list[messages.Edit], key: str) -> str | None:
    """Why a message edit cannot be written (translated), or None. The pipeline checks again."""
    text = (text or "").strip()
    if action in ("reword", "add"):
        if not text:
            return _("Write the message's text: a reworded or added message cannot be empty.")
        if len(text) > MAX_MESSAGE_CHARS:
            return _(
                "The message has {count} characters; at most {most} fit the first page of the pack.",
                count=len(text),
                most=MAX_MESSAGE_CHARS,
            )
        if _CONTROL.search(text):
            return _("Write the message as one paragraph, without line breaks or tabs.")
    if action == "add":
        others = [e for e in stored if e.action == "add" and e.key != key]
        if len(others) >= MAX_ADDED_MESSAGES:
            return _(
                "At most {most} added messages per round: drop or withdraw one first.",
                most=MAX_ADDED_MESSAGES,
            )
    return None


def choice_problem(indicators: list[str], countries: list[str]) -> str | None:
    """Why a choice of indicators and countries cannot be written (translated), or None."""
    if len(indicators) > MAX_PACK_INDICATORS:
        return _("Choose at most {most} indicators: the pack keeps to its pages.", most=MAX_PACK_INDICATORS)
    if len(countries) > MAX_PACK_COUNTRIES:
        return _("Choose at most {most} countries, as on the MDG page.", most=MAX_PACK_COUNTRIES)
    return None


def new_key(stored: list[messages.Edit], taken: set[str]) -> str:
    """A key for an added message: ``staff-<n>``, the first not in use (nor a computed key)."""
    used = {e.key for e in stored} | taken
    n = 1
    while f"{ADDED_PREFIX}{n}" in used:
        n += 1
    return f"{ADDED_PREFIX}{n}"


# --- A change, as an upload of one row --------------------------------------------------------------


def open_message(engine: Engine, round_id: str, key: str) -> edits.Opened:
    """A form for the edit of message ``key`` in the round: the stored row, or a new record."""
    try:
        return edits.open_form(engine, MESSAGES, (round_id, key))
    except KeyError:
        return edits.open_form(engine, MESSAGES)


def open_choice(engine: Engine, round_id: str) -> edits.Opened:
    try:
        return edits.open_form(engine, CHOICE, (round_id,))
    except KeyError:
        return edits.open_form(engine, CHOICE)


def message_values(round_id: str, key: str, action: str, text: str = "", position: int | None = None) -> dict:
    """The row of a message edit (text and position only where the action has them)."""
    return {
        "round_id": round_id,
        "message_key": key,
        "action": action,
        "text": (text or "").strip() if action in ("reword", "add") else "",
        "position": position if action == "add" else None,
    }


def choice_values(round_id: str, indicators: list[str], countries: list[str]) -> dict:
    return {"round_id": round_id, "indicator_codes": list(indicators), "countries": list(countries)}


def as_edit(values: Mapping[str, object]) -> messages.Edit:
    pos = values.get("position")
    return messages.Edit(
        str(values["message_key"]),
        str(values["action"]),
        str(values.get("text") or ""),
        None if pos in (None, "") else int(pos),  # type: ignore[arg-type]
    )


def after_change(
    computed: list[messages.Message], stored: list[messages.Edit], values: Mapping
) -> messages.Merged:
    """The key messages as they will read once the change ``values`` is written (the preview)."""
    return messages.merge(computed, messages.with_edit(stored, as_edit(values)))


def message_lines(merged: messages.Merged) -> list[str]:
    """The messages in order, each with where it comes from when staff wrote it (the preview)."""
    mark = {"reworded": _("reworded by staff"), "added": _("added by staff")}
    return [
        f"{i}. {m.text}" + (f"  ({mark[m.origin]})" if m.origin in mark else "")
        for i, m in enumerate(merged.messages, start=1)
    ]


def choice_lines(
    indicators: list[str],
    countries: list[str],
    indicator_names: Mapping[str, str],
    country_names: Mapping[str, str],
) -> list[str]:
    """What the pack will show with this choice, in words (the preview)."""
    return [
        _("MDG indicators: {items}", items="; ".join(indicator_names.get(c, c) for c in indicators))
        if indicators
        else _("MDG indicators: those whose ratings moved since the previous round"),
        _("Countries: {items}", items="; ".join(country_names.get(c, c) for c in countries))
        if countries
        else _("Countries: for each indicator, the MDG page's default countries"),
    ]

