"""Key messages and decisions sought: what a principal reads first, written from the round's data.

Each is a list of items built by small functions, one concern each, over the briefing overview
(lib.overview). The briefing page and the pack's first page show the same lists. A new source of
items (say, the recommendations of the last consultation) is one more function appended to
:data:`MESSAGE_BUILDERS` or :data:`DECISION_BUILDERS`; nothing else changes.

Staff may reword, drop or add key messages per round (lib.datasets.BRIEFING_MESSAGES);
:func:`merge` applies their edits to the computed messages, and says which edits no longer match one.

Texts are in the language of the current run (lib.i18n); names come from the data (action point
ids, lead units, countries), numbers are rounded to what a reader can use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from lib import i18n, reference, tables
from lib.i18n import N_, _
from lib.overview import Overview

MAX_MESSAGES = 6
NAMED = 3  # points, series or agencies named in one message; the rest are counted
OVERDUE_DECISION_DAYS = 180  # a point overdue longer than this needs a principal's decision


@dataclass(frozen=True)
class Message:
    """One key message: ``key`` is stable for the round (staff edits refer to it).

    ``origin``: ``computed`` (from the data), ``reworded`` or ``added`` (by staff, see :func:`merge`).
    """

    key: str
    text: str
    origin: str = "computed"


@dataclass(frozen=True)
class Decision:
    """A question a principal answers yes or no, with the office's recommendation and why."""

    key: str
    question: str
    recommendation: str


# --- Naming things -----------------------------------------------------------------------------


def point_name(row: pd.Series | object, detail: str | None = None) -> str:
    """ "129 (lead: Research and Right to Development Branch)", with ``detail`` after the lead."""
    lead = getattr(row, "lead_unit", None)
    inner = _("lead: {lead}", lead=lead) if isinstance(lead, str) and lead.strip() else ""
    inner = "; ".join(p for p in (inner, detail) if p)
    pid = getattr(row, "action_point_id", "")
    return f"{pid} ({inner})" if inner else str(pid)


def _named(items: list[str], total: int) -> str:
    """The first :data:`NAMED` items, and how many more."""
    shown = "; ".join(items[:NAMED])
    if total > NAMED:
        return _("{items}; and {count} more", items=shown, count=total - NAMED)
    return shown


def _status(code: object) -> str:
    return i18n.label(code).lower() if isinstance(code, str) else ""


# --- Key messages, one function per concern --------------------------------------------------


def point_moves(ov: Overview) -> list[Message]:
    """Which action points moved, and which way, by name and lead."""
    since = ov.previous_round_id
    if since is None:
        return []
    moved = ov.moved
    if moved.empty:
        return [Message("ap-moves", _("No action point changed status since {round}.", round=since))]
    out = []
    for move, text in (
        ("improved", N_IMPROVED),
        ("declined", N_DECLINED),
    ):
        rows = moved.loc[moved["move"] == move]
        if rows.empty:
            continue
        names = [
            point_name(
                r,
                _("from {before} to {now}", before=_status(r.previous_status), now=_status(r.status)),
            )
            for r in rows.itertuples()
        ]
        out.append(
            Message(f"ap-{move}", _(text, count=len(rows), round=since, points=_named(names, len(rows))))
        )
    return out


N_IMPROVED = N_("Improved since {round} ({count}): {points}.")
N_DECLINED = N_("Declined since {round} ({count}): {points}.")


def overdue_points(ov: Overview) -> list[Message]:
    """What is overdue, the longest first, and who owns it."""
    rows = ov.overdue
    if rows.empty:
        return []
    names = [
        point_name(r, _("{days} days", days=i18n.fmt_number(int(r.days_overdue)))) for r in rows.itertuples()
    ]
    return [
        Message(
            "ap-overdue",
            _(
                "Past their due date ({count}), the longest first: {points}.",
                count=len(rows),
                points=_named(names, len(rows)),
            ),
        )
    ]


def newly_at_risk(ov: Overview) -> list[Message]:
    """Points that became at risk or off track this round, and who owns them."""
    rows = ov.newly_at_risk
    if rows.empty:
        return []
    names = [point_name(r, i18n.label(r.assessment).lower()) for r in rows.itertuples()]
    return [
        Message(
            "ap-at-risk",
            _(
                "Newly at risk or off track: {points}.",
                points=_named(names, len(rows)),
            ),
        )
    ]


def series_name(row: object) -> str:
    """ "4.1 in Ethiopia (UN IGME, 2017)": indicator, country name and source, no codes."""
    country = tables.country_labels(pd.Series([getattr(row, "country_iso3", "")])).iloc[0]
    return _(
        "{indicator} in {country} ({source})",
        indicator=getattr(row, "indicator_code", ""),
        country=country,
        source=reference.source_name(getattr(row, "source", "")),
    )


def mdg_ratings(ov: Overview) -> list[Message]:
    """MDG ratings that moved, with the country; or why none could move."""
    if ov.previous_round_id is None or ov.mdg_year is None:
        return []
    if ov.mdg_previous_year == ov.mdg_year:
        return [Message("mdg-moves", same_year_note(ov))]
    moved = ov.mdg_moved
    if moved.empty:
        return [Message("mdg-moves", _("No MDG rating moved since {round}.", round=ov.previous_round_id))]
    order = moved.sort_values("direction", key=lambda d: d.map({"worse": 0, "better": 1}), kind="stable")
    names = [
        _(
            "{series}: from {before} to {now}",
            series=series_name(r),
            before=i18n.label(r.rating_before),
            now=i18n.label(r.rating),
        )
        for r in order.itertuples()
    ]
    better = int((moved["direction"] == "better").sum())
    return [
        Message(
            "mdg-moves",
            _(
                "MDG ratings moved for {count} country series since {round} ({better} better, "
                "{worse} worse): {series}.",
                count=len(moved),
                round=ov.previous_round_id,
                better=better,
                worse=len(moved) - better,
                series=_named(names, len(moved)),
            ),
        )
    ]


def same_year_note(ov: Overview) -> str:
    """Why no MDG rating can move between the two rounds of one year."""
    return _(
        "No MDG rating can move since {round}: both rounds rate data up to {year} (a round uses "
        "data up to the year before its cut-off); ratings move when the {next} data are in.",
        round=ov.previous_round_id,
        year=ov.mdg_year,
        next=(ov.mdg_year or 0) + 1,
    )


def stale_agencies(ov: Overview) -> list[Message]:
    """Partner agencies that have not reported this round."""
    stale = ov.stale
    if stale.empty:
        return []
    names = [
        _("{agency} (last {round})", agency=a.agency, round=a.last_round or _("never"))
        for a in stale.itertuples()
    ]
    return [
        Message(
            "a2-stale",
            _(
                "Partner agencies with no action 2 report this round ({count}): {agencies}.",
                count=len(stale),
                agencies=_named(names, len(stale)),
            ),
        )
    ]


MessageBuilder = Callable[[Overview], list[Message]]
MESSAGE_BUILDERS: list[MessageBuilder] = [
    point_moves,
    overdue_points,
    newly_at_risk,
    mdg_ratings,
    stale_agencies,
]


def key_messages(ov: Overview, builders: list[MessageBuilder] | None = None) -> list[Message]:
    """The round's key messages, at most :data:`MAX_MESSAGES`, in the builders' order."""
    out = [m for build in (MESSAGE_BUILDERS if builders is None else builders) for m in build(ov)]
    return out[:MAX_MESSAGES]


# --- Decisions sought ---------------------------------------------------------------------------


def off_track_twice(ov: Overview) -> list[Decision]:
    """Points off track two rounds running: a recovery plan?"""
    rows = ov.off_track_twice
    if rows.empty:
        return []
    names = [point_name(r) for r in rows.itertuples()]
    return [
        Decision(
            "ap-off-track-twice",
            _(
                "Action points off track in {previous} and again in {round} ({count}): {points}. Should "
                "their leads present a recovery plan with dates at the next consultation?",
                count=len(rows),
                previous=ov.previous_round_id,
                round=ov.round_id,
                points=_named(names, len(rows)),
            ),
            _(
                "Recommendation: yes. Two rounds off track means the current plan is not working; "
                "a plan with dates lets the principals follow each point."
            ),
        )
    ]


def long_overdue(ov: Overview) -> list[Decision]:
    """Points overdue longer than :data:`OVERDUE_DECISION_DAYS`: new due dates?"""
    rows = ov.overdue
    if rows.empty:
        return []
    rows = rows.loc[rows["days_overdue"] > OVERDUE_DECISION_DAYS]
    if rows.empty:
        return []
    names = [
        point_name(r, _("{days} days", days=i18n.fmt_number(int(r.days_overdue)))) for r in rows.itertuples()
    ]
    return [
        Decision(
            "ap-long-overdue",
            _(
                "Action points overdue by more than {days} days ({count}): {points}. Should new due "
                "dates be agreed with their leads, or the points closed where no longer relevant?",
                count=len(rows),
                days=OVERDUE_DECISION_DAYS,
                points=_named(names, len(rows)),
            ),
            _(
                "Recommendation: yes. A date passed by months no longer says when the work will be "
                "done; a new date, or a decision to close, makes the follow-up meaningful."
            ),
        )
    ]


def overdue_recommendations(ov: Overview) -> list[Decision]:
    """Recommendations of earlier consultations past their due round or date: one question for all
    of them (one per recommendation would fill the page), oldest first."""
    rows = ov.recommendations_overdue
    if rows.empty:
        return []
    rows = rows.sort_values(["round_id", "id"])
    names = [
        _("{id} (lead: {lead}; {status})", id=r.id, lead=r.lead, status=_status(r.status))
        for r in rows.itertuples()
    ]
    return [
        Decision(
            "rec-overdue",
            _(
                "Recommendations of earlier consultations past their due date ({count}): {items}. Should "
                "their leads report by the next consultation what remains to be done and by when, or "
                "propose that the recommendation be dropped?",
                count=len(rows),
                items=_named(names, len(rows)),
            ),
            _(
                "Recommendation: yes. A recommendation past its date without a new one is no longer "
                "followed; a date, or a decision to drop it, keeps the consultation's word."
            ),
        )
    ]


DecisionBuilder = Callable[[Overview], list[Decision]]
DECISION_BUILDERS: list[DecisionBuilder] = [overdue_recommendations, off_track_twice, long_overdue]


def decisions_sought(ov: Overview, builders: list[DecisionBuilder] | None = None) -> list[Decision]:
    """The questions the round puts to the principals, in the builders' order."""
    return [d for build in (DECISION_BUILDERS if builders is None else builders) for d in build(ov)]


# --- Staff's edits of the key messages ----------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """A stored edit (lib.datasets.BRIEFING_MESSAGES): ``reword`` or ``drop`` the computed message
    ``key``, ``add`` a message at ``position`` (1: first), or ``none`` (the computed message as it is)."""

    key: str
    action: str
    text: str = ""
    position: int | None = None


@dataclass(frozen=True)
class Merged:
    """The key messages as shown (computed, reworded, added; dropped ones absent) and the stored
    edits that no longer match a computed message (its source changed with the data)."""

    messages: list[Message]
    unmatched: list[Edit]
    dropped: list[Message]


def merge(computed: list[Message], edits: list[Edit]) -> Merged:
    """Apply staff's ``edits`` to the ``computed`` messages (pure).

    A reworded message keeps its computed one's place, a dropped one is left out, the added ones
    go to their positions (in the order of their positions, then keys). A reword or a drop whose
    computed message no longer exists changes nothing and is listed in ``unmatched``, so staff see
    it rather than it vanishing or staying unnoticed.
    """
    by_key = {e.key: e for e in edits if e.action in ("reword", "drop")}
    out: list[Message] = []
    dropped: list[Message] = []
    for m in computed:
        e = by_key.get(m.key)
        if e is not None and e.action == "drop":
            dropped.append(m)
        elif e is not None:
            out.append(Message(m.key, e.text, "reworded"))
        else:
            out.append(m)
    added = sorted((e for e in edits if e.action == "add"), key=lambda e: (e.position or 10**6, e.key))
    for e in added:
        place = len(out) if e.position is None else min(max(e.position - 1, 0), len(out))
        out.insert(place, Message(e.key, e.text, "added"))
    known = {m.key for m in computed}
    unmatched = [e for e in edits if e.action in ("reword", "drop") and e.key not in known]
    return Merged(out, unmatched, dropped)


def with_edit(edits: list[Edit], edit: Edit) -> list[Edit]:
    """``edits`` with ``edit`` in place of any stored edit of the same key: what a change will give."""
    return [e for e in edits if e.key != edit.key] + [edit]


def unmatched_line(e: Edit) -> str:
    """One stored edit that no longer matches a computed message, in words."""
    if e.action == "drop":
        return _("{key}: dropped, but the data no longer give this message.", key=e.key)
    return _('{key}: reworded as "{text}", but the data no longer give this message.', key=e.key, text=e.text)
