"""Action 2 (partner agencies with UN country teams): activities by agency, type and country, over time.

Pure functions over the activity frame (lib/datasets.py columns); none mutates its input.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from lib import reference
from lib.rounds import ids_of, round_key, round_number


def _acts(acts: pd.DataFrame, round_id: str | None, include_cancelled: bool) -> pd.DataFrame:
    d = acts.copy()
    if round_id is not None:
        d = d.loc[d["round_id"] == round_id]
    if not include_cancelled:
        # A cancelled activity trained nobody and deployed nobody: counting it inflates reach.
        d = d.loc[d["status"] != "cancelled"]
    return d


_ACT_AGG = {
    "activities": ("id", "size"),
    "participants_trained": ("participants_trained", "sum"),
    "advisers_deployed": ("advisers_deployed", "sum"),
}


def by_agency_type(
    acts: pd.DataFrame, round_id: str | None = None, include_cancelled: bool = False
) -> pd.DataFrame:
    """Activities, people trained and advisers per agency and activity type.

    Cancelled activities are left out unless asked for. Columns: agency, type,
    activities, participants_trained, advisers_deployed.
    """
    d = _acts(acts, round_id, include_cancelled)
    return d.groupby(["agency", "type"], sort=True).agg(**_ACT_AGG).reset_index()


def by_country(
    acts: pd.DataFrame, round_id: str | None = None, include_cancelled: bool = False
) -> pd.DataFrame:
    """Activities, people trained, advisers and agencies per country, with its M49 code for maps.

    Columns: country_iso3, country_name, m49 (zero-padded string, missing when
    unknown, e.g. XKX), activities, participants_trained, advisers_deployed, agencies.
    """
    d = _acts(acts, round_id, include_cancelled)
    out = d.groupby("country_iso3", sort=True).agg(**_ACT_AGG, agencies=("agency", "nunique")).reset_index()
    out.insert(1, "country_name", out["country_iso3"].map(reference.country_name))
    out.insert(2, "m49", out["country_iso3"].map(reference.m49_code))
    return out


def _ordered_by_round(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values("round_id", key=lambda s: s.map(round_number)).reset_index(drop=True)


def advisers_over_time(acts: pd.DataFrame, include_cancelled: bool = False) -> pd.DataFrame:
    """Advisers deployed per round. Columns: round_id, advisers_deployed, countries, agencies.

    countries and agencies count those with at least one adviser deployed in the round.
    """
    d = _acts(acts, None, include_cancelled)
    with_advisers = d.loc[d["advisers_deployed"] > 0]
    out = d.groupby("round_id").agg(advisers_deployed=("advisers_deployed", "sum"))
    reach = with_advisers.groupby("round_id").agg(
        countries=("country_iso3", "nunique"), agencies=("agency", "nunique")
    )
    out = out.join(reach).fillna(0).astype(int).reset_index()
    return _ordered_by_round(out)


def trained_over_time(acts: pd.DataFrame, include_cancelled: bool = False) -> pd.DataFrame:
    """People trained per round. Columns: round_id, participants_trained, training_activities, activities."""
    d = _acts(acts, None, include_cancelled)
    d = d.assign(_training=d["type"] == "training")
    out = d.groupby("round_id").agg(
        participants_trained=("participants_trained", "sum"),
        training_activities=("_training", "sum"),
        activities=("id", "size"),
    )
    return _ordered_by_round(out.astype(int).reset_index())


def stale_agencies(
    acts: pd.DataFrame,
    rounds: pd.DataFrame | Iterable[str],
    current_round: str,
    agencies: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Agencies whose latest reported round is earlier than ``current_round``.

    Only reports up to ``current_round`` count. ``agencies`` (all known codes)
    adds agencies that never reported (last_round missing). rounds_missed counts
    the listed rounds after last_round up to and including current_round.
    Columns: agency, last_round, rounds_missed; most rounds missed first.
    """
    ids = ids_of(rounds)
    current = round_key(current_round)
    upto = [r for r in ids if round_key(r) <= current]
    d = acts.loc[acts["round_id"].map(lambda r: round_key(r) <= current).astype(bool)]
    last = d.groupby("agency")["round_id"].agg(lambda s: max(s, key=round_key)).to_dict()
    everyone = set(last) | (set(agencies) if agencies is not None else set())
    rows = []
    for agency in sorted(everyone):
        lr = last.get(agency)
        if lr is not None and round_key(lr) >= current:
            continue
        missed = sum(1 for r in upto if lr is None or round_key(r) > round_key(lr))
        rows.append({"agency": agency, "last_round": lr, "rounds_missed": missed})
    out = pd.DataFrame(rows, columns=["agency", "last_round", "rounds_missed"])
    out["rounds_missed"] = out["rounds_missed"].astype(int)
    return out.sort_values(["rounds_missed", "agency"], ascending=[False, True]).reset_index(drop=True)
