"""What is due in a round, per partner agency and per OHCHR unit, and the reminders sent (pure).

Every function takes frames and returns a new frame; none reads the database or changes its input.

* a partner agency owes an **action 2 report** for each round: it is *reported* when a live
  activity of the agency is reported in the round, *submitted* while a submission of the
  round awaits review, else *overdue* once the round's cut-off date has passed (*due* before);
* an OHCHR unit's focal point owes progress on the **overdue action points** the unit leads
  (:func:`lib.domains.action_points.metrics.overdue`, as of the round's cut-off, as the briefing overview counts them).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

import pandas as pd

from lib import i18n
from lib.domains.action_points.metrics import overdue
from lib.i18n import N_, _
from lib.rounds import round_key

REPORTED, SUBMITTED, OVERDUE, DUE = "reported", "submitted", "overdue", "due"
STATE_LABELS = {
    REPORTED: N_("reported"),
    SUBMITTED: N_("submitted, awaiting review"),
    OVERDUE: N_("overdue"),
    DUE: N_("due"),
}
ACTION2_COLUMNS = ["agency", "state", "activities", "pending", "last_round", "cutoff_date"]
POINT_COLUMNS = ["lead_unit", "action_point_id", "due_date", "days_overdue", "status", "assessment"]
SENT_COLUMNS = ["recipient_kind", "recipient", "round_id", "reminders", "last_sent_at"]


def _cutoff(rounds: pd.DataFrame, round_id: str) -> pd.Timestamp:
    row = rounds.loc[rounds["id"] == round_id]
    if row.empty:
        raise ValueError(_("There is no consultation round {round}.", round=repr(round_id)))
    return pd.Timestamp(row.iloc[0]["cutoff_date"])


def action2_due(
    acts: pd.DataFrame,
    agencies: Iterable[str],
    rounds: pd.DataFrame,
    round_id: str,
    as_of: date | datetime | pd.Timestamp | None = None,
    pending: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each agency's action 2 report for ``round_id``: its state, the round's live activities, pending
    submissions and the latest round it reported. Overdue first, then by agency.

    ``as_of``: the day the report is judged overdue on (default: today, UTC)."""
    cutoff = _cutoff(rounds, round_id)
    in_round = acts.loc[acts["round_id"] == round_id].groupby("agency").size()
    known = [r for r in rounds["id"] if round_key(r) <= round_key(round_id)]
    upto = acts.loc[acts["round_id"].isin(known)]
    last = upto.groupby("agency")["round_id"].agg(lambda s: max(s, key=round_key))
    waiting = pd.Series(dtype=int)
    if pending is not None and not pending.empty:
        p = pending.loc[(pending["round_id"] == round_id) & (pending["status"] == "pending")]
        waiting = p.groupby("agency").size()
    as_of = pd.Timestamp(as_of if as_of is not None else datetime.now(UTC).date())
    late = as_of.tz_localize(None) > cutoff
    rows = []
    for agency in sorted(set(agencies)):
        n, w = int(in_round.get(agency, 0)), int(waiting.get(agency, 0))
        state = REPORTED if n else SUBMITTED if w else OVERDUE if late else DUE
        rows.append([agency, state, n, w, last.get(agency), cutoff.date()])
    out = pd.DataFrame(rows, columns=ACTION2_COLUMNS)
    order = {OVERDUE: 0, DUE: 1, SUBMITTED: 2, REPORTED: 3}
    return out.sort_values(
        ["state", "agency"], key=lambda s: s.map(order) if s.name == "state" else s
    ).reset_index(drop=True)


def overdue_points(reports: pd.DataFrame, rounds: pd.DataFrame, round_id: str) -> pd.DataFrame:
    """The round's overdue action points (as of its cut-off) by leading OHCHR unit, most overdue first."""
    od = overdue(reports, round_id, _cutoff(rounds, round_id))
    od = od.loc[od["overdue"]]
    return (
        od[POINT_COLUMNS]
        .sort_values(["lead_unit", "days_overdue"], ascending=[True, False])
        .reset_index(drop=True)
    )


REC_COLUMNS = ["addressee", "recommendation_id", "made_in", "last_status", "last_round", "state"]


def recommendations_due(
    recommendations: pd.DataFrame,
    statuses: pd.DataFrame,
    rounds: pd.DataFrame,
    round_id: str,
    as_of: date | datetime | pd.Timestamp | None = None,
    pending: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per addressee (agency or unit), the follow-up reports owed for ``round_id``: each open
    recommendation addressed to it, made in an earlier round (not completed or dropped as of the
    round before), with the state of its report for the round (reported, submitted, overdue, due).

    ``pending``: pending submissions (agency, round_id, dataset, status); a pending follow-up
    submission of the agency for the round counts its recommendations as submitted.
    """
    from lib.datasets import split_list
    from lib.recommendations import CLOSED

    cutoff = _cutoff(rounds, round_id)
    as_of = pd.Timestamp(as_of if as_of is not None else datetime.now(UTC).date())
    late = as_of.tz_localize(None) > cutoff
    earlier = statuses.loc[statuses["round_id"] < round_id].sort_values("round_id")
    last = earlier.drop_duplicates("recommendation_id", keep="last").set_index("recommendation_id")
    now = set(statuses.loc[statuses["round_id"] == round_id, "recommendation_id"])
    waiting: set[str] = set()
    if pending is not None and not pending.empty:
        p = pending.loc[
            (pending["round_id"] == round_id)
            & (pending["status"] == "pending")
            & (pending["dataset"] == "recommendation-status")
        ]
        waiting = set(p["agency"])
    rows = []
    for r in recommendations.loc[recommendations["round_id"] < round_id].itertuples():
        status = last["status"].get(r.id)
        if status in CLOSED:
            continue
        for who in split_list(r.addressees):
            state = REPORTED if r.id in now else SUBMITTED if who in waiting else OVERDUE if late else DUE
            rows.append(
                [
                    who,
                    r.id,
                    r.round_id,
                    status,
                    last["round_id"].get(r.id) if r.id in last.index else None,
                    state,
                ]
            )
    out = pd.DataFrame(rows, columns=REC_COLUMNS)
    return out.sort_values(["addressee", "recommendation_id"]).reset_index(drop=True)


def owed_by(due: pd.DataFrame) -> pd.DataFrame:
    """The agencies of :func:`action2_due` whose report is still owed (overdue or due)."""
    return due.loc[due["state"].isin([OVERDUE, DUE])].reset_index(drop=True)


def reminders_sent(sent: pd.DataFrame) -> pd.DataFrame:
    """Reminders sent per recipient (agency or unit) and round: how many and the latest."""
    if sent.empty:
        return pd.DataFrame(columns=SENT_COLUMNS)
    g = sent.groupby(["recipient_kind", "recipient", "round_id"], as_index=False)
    return g.agg(reminders=("sent_at", "size"), last_sent_at=("sent_at", "max"))[SENT_COLUMNS]


def with_reminders(stale: pd.DataFrame, sent: pd.DataFrame, round_id: str) -> pd.DataFrame:
    """The stale agencies (:func:`lib.domains.action2.metrics.stale_agencies`) with ``reminded_at``: the latest
    reminder sent to each for ``round_id`` (NaT when none went out)."""
    per = reminders_sent(sent)
    per = per.loc[(per["recipient_kind"] == "agency") & (per["round_id"] == round_id)]
    last = dict(zip(per["recipient"], per["last_sent_at"], strict=True))
    return stale.assign(reminded_at=pd.to_datetime(stale["agency"].map(last), utc=True))


def reminder_note(stale: pd.DataFrame, sent: pd.DataFrame, round_id: str) -> str:
    """One line for the stale-agency warning: whether a reminder went out to each stale agency."""
    rows = with_reminders(stale, sent, round_id)
    parts = [
        _("{agency}: reminded on {date}", agency=r.agency, date=i18n.fmt_date(r.reminded_at.date()))
        if pd.notna(r.reminded_at)
        else _("{agency}: no reminder sent", agency=r.agency)
        for r in rows.itertuples()
    ]
    return _("Reminders for round {round}:", round=round_id) + " " + "; ".join(parts) if parts else ""


def state_label(state: str) -> str:
    """A state of :func:`action2_due` in the current language."""
    return _(STATE_LABELS.get(state, state))


def recommendations_for_display(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`recommendations_due` with its states and headers in the current language."""
    out = table.assign(
        state=table["state"].map(state_label),
        last_status=table["last_status"].map(lambda v: i18n.label(v) if isinstance(v, str) else v),
    )
    return out.rename(
        columns={
            "addressee": _("addressee"),
            "recommendation_id": _("recommendation"),
            "made_in": _("made in round"),
            "last_status": _("last status reported"),
            "last_round": _("reported in round"),
            "state": _("follow-up report"),
        }
    )


def action2_for_display(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`action2_due` with its states and headers in the current language."""
    out = table.assign(
        state=table["state"].map(state_label), last_round=table["last_round"].fillna(_("never"))
    )
    return out.rename(
        columns={
            "agency": _("agency"),
            "state": _("action 2 report"),
            "activities": _("activities this round"),
            "pending": _("submissions awaiting review"),
            "last_round": _("last round reported"),
            "cutoff_date": _("cut-off"),
        }
    )


def own_sentence(table: pd.DataFrame, agency: str, round_id: str) -> str:
    """What an agency owes for the round, in one sentence (its row of :func:`action2_due`)."""
    row = table.loc[table["agency"] == agency]
    if row.empty:
        return _("{agency} is not a partner agency of action 2.", agency=agency)
    r = row.iloc[0]
    texts = {
        REPORTED: N_("{agency} reported {count} activity(ies) for round {round}: nothing is due."),
        SUBMITTED: N_("{agency}'s report for round {round} awaits review by OHCHR staff."),
        OVERDUE: N_("The action 2 report of {agency} for round {round} is overdue (cut-off {date})."),
        DUE: N_("The action 2 report of {agency} for round {round} is due by {date}."),
    }
    return _(
        texts[r["state"]],
        agency=agency,
        round=round_id,
        count=r["activities"],
        date=i18n.fmt_date(r["cutoff_date"]),
    )
