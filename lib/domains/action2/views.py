"""Action 2 tables: activities with their country names in the reader's language, the activity list."""

from __future__ import annotations

import pandas as pd

ACTIVITY_COLUMNS = [
    "id",
    "round_id",
    "agency",
    "country_name",
    "type",
    "start_date",
    "end_date",
    "participants_trained",
    "advisers_deployed",
    "status",
    "description",
]


def with_country_names(acts: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    """The activities with ``country_name`` from ``names`` (by ISO3), the stored name where it has none."""
    return acts.assign(country_name=acts["country_iso3"].map(names).fillna(acts["country_name"]))


def activity_table(acts: pd.DataFrame, round_id: str | None) -> pd.DataFrame:
    """The activities of ``round_id`` (every round when None), with the columns the page lists."""
    shown = acts.loc[acts["round_id"] == round_id] if round_id else acts
    return shown[ACTIVITY_COLUMNS]


def agency_table(acts: pd.DataFrame, agency: str, round_id: str) -> pd.DataFrame:
    """What one agency reported for a round (its own page): the activity list without the round and
    agency columns, which the heading already names."""
    own = activity_table(acts.loc[acts["agency"] == agency], round_id)
    return own.drop(columns=["round_id", "agency"])
