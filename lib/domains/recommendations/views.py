"""Recommendation tables: names instead of codes, the columns each role sees, filters, a history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from lib import tables
from lib.datasets import OHCHR_UNITS, split_list
from lib.domains.recommendations import metrics
from lib.i18n import N_, _

#: The columns of the page's table, in order (names, not codes; statuses stay codes, shown in words).
TABLE_COLUMNS = [
    "id",
    "round_id",
    "text",
    "addressees",
    "lead",
    "action_point_ids",
    "due",
    "priority",
    "status",
    "status_round",
    "overdue",
    "note",
    "reason",
]
#: What the pack and the briefing page list of the last consultation's recommendations.
LAST_COLUMNS = ["id", "text", "lead", "status", "status_round", "overdue"]
HISTORY_COLUMNS = ["round_id", "status", "reason", "note", "reported_by", "reported_on"]
POINT_TEXT_LENGTH = 70
#: Agency names the catalogue translates (the office's own); other names stay as the data gives them.
TRANSLATED_NAMES = {N_("Office of the United Nations High Commissioner for Human Rights")}


def addressee_names(agencies: pd.DataFrame) -> dict[str, str]:
    """Addressee code -> name: each partner agency by its name, OHCHR units as they are called."""
    names = {
        str(c): _(str(n)) if str(n) in TRANSLATED_NAMES else str(n)
        for c, n in zip(agencies["code"], agencies["name"], strict=True)
    }
    return {**{u: u for u in OHCHR_UNITS}, **names}


def point_texts(reports: pd.DataFrame) -> dict[str, str]:
    """Action point id -> its text (from the progress reports' join with the action points)."""
    pts = reports.drop_duplicates("action_point_id")
    return {str(i): str(t) for i, t in zip(pts["action_point_id"], pts["text"], strict=True)}


def named(cell: object, names: Mapping[str, str]) -> str:
    """A list cell's codes as names ("United Nations Development Programme; New York Office")."""
    return "; ".join(names.get(c, c) for c in split_list(cell))


def points_named(cell: object, texts: Mapping[str, str], length: int = POINT_TEXT_LENGTH) -> str:
    """A list cell of action point ids as "139: the text's start…" each."""

    def one(pid: str) -> str:
        text = texts.get(pid, "")
        short = text if len(text) <= length else text[: length - 1].rstrip() + "…"
        return f"{pid}: {short}" if short else pid

    return "; ".join(one(p) for p in split_list(cell))


def addressee_options(recommendations: pd.DataFrame) -> list[str]:
    """Every addressee named by some recommendation, sorted."""
    return sorted({a for cell in recommendations["addressees"] for a in split_list(cell)})


def filter_standing(
    stand: pd.DataFrame,
    made_in: Sequence[str] = (),
    addressees: Sequence[str] = (),
    statuses: Sequence[str] = (),
    overdue_only: bool = False,
) -> pd.DataFrame:
    """The recommendations matching every filter given (an empty filter keeps all)."""
    out = metrics.with_reported(stand)
    if made_in:
        out = out.loc[out["round_id"].isin(made_in)]
    if addressees:
        out = metrics.addressed_to(out, addressees)
    if statuses:
        out = out.loc[out["status"].isin(statuses)]
    if overdue_only:
        out = out.loc[out["overdue"]]
    return out.reset_index(drop=True)


def recommendation_table(
    stand: pd.DataFrame, names: Mapping[str, str], texts: Mapping[str, str], lang: str | None = None
) -> pd.DataFrame:
    """The page's table: texts in the reader's language where given, names for codes."""
    if stand.empty:
        return pd.DataFrame(columns=TABLE_COLUMNS)
    out = metrics.with_reported(stand)
    out["text"] = tables.localised_text(out, "text", lang)
    out["addressees"] = out["addressees"].map(lambda c: named(c, names))
    out["lead"] = out["lead"].map(lambda c: names.get(c, c))
    out["action_point_ids"] = out["action_point_ids"].map(lambda c: points_named(c, texts))
    due_date = pd.to_datetime(out["due_date"], errors="coerce").dt.strftime("%Y-%m-%d")
    out["due"] = out["due_round"].where(out["due_round"].fillna("").ne(""), due_date).fillna("")
    return out[TABLE_COLUMNS].reset_index(drop=True)


def last_table(last: pd.DataFrame, names: Mapping[str, str], lang: str | None = None) -> pd.DataFrame:
    """The briefing overview's list of one consultation's recommendations (headline ``last``)."""
    if last.empty:
        return pd.DataFrame(columns=LAST_COLUMNS)
    out = metrics.with_reported(last)
    out["text"] = tables.localised_text(out, "text", lang)
    out["lead"] = out["lead"].map(lambda c: names.get(c, c))
    return out[LAST_COLUMNS].reset_index(drop=True)


def history_table(statuses: pd.DataFrame, recommendation_id: str) -> pd.DataFrame:
    """One recommendation's follow-up reports, oldest round first."""
    return metrics.history(statuses, recommendation_id).reindex(columns=HISTORY_COLUMNS)


def choice_labels(recommendations: pd.DataFrame, lang: str | None = None) -> pd.Series:
    """Recommendation id -> "id: the text's start", for a select box."""
    text = tables.localised_text(recommendations, "text", lang)
    return pd.Series(
        [f"{i}: {t[:90]}" for i, t in zip(recommendations["id"], text, strict=True)],
        index=list(recommendations["id"]),
    )


def form_options(
    rounds: pd.DataFrame,
    agencies: pd.DataFrame,
    texts: Mapping[str, str],
    indicators: pd.DataFrame,
    recommendations: pd.DataFrame,
) -> dict[str, dict[str, str]]:
    """What the recording forms offer for the columns read from the database: code -> name."""
    addressees = addressee_names(agencies)
    round_names = {str(r): str(r) for r in rounds["id"]}
    points = {p: points_named(p, texts) for p in texts}
    inds = {str(c): f"{c}: {t}" for c, t in zip(indicators["code"], indicators["text"], strict=True)}
    return {
        "round_id": round_names,
        "due_round": round_names,
        "addressees": addressees,
        "lead": addressees,
        "action_point_ids": points,
        "indicator_codes": inds,
        "recommendation_id": dict(choice_labels(recommendations)) if not recommendations.empty else {},
    }
