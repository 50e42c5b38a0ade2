"""Rules across the columns of a row, and plausibility: dates in order, a round's half-year
against its meeting month, an MDG series in the catalogue under its own indicator."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.datasets import (
    ROUND_PATTERN,
    AtMostOne,
    AtMostValues,
    Dataset,
    EmptyUnless,
    MemberOf,
    NotBefore,
    RequiredWhen,
    RowRule,
    split_list,
)
from lib.ingest.results import Problem, Problems, Reason

#: Rounds of the 2005 plan of action: a round code outside these years is a typo (3000-H1 would
#: become everyone's default round).
ROUND_YEARS = (2005, 2100)


def _flagger(df: pd.DataFrame, problems: Problems):
    """``flag(mask, column, message)``: a problem for each row where ``mask`` holds."""

    def flag(mask: pd.Series, col: str, msg) -> None:
        where = np.flatnonzero(mask.fillna(False).to_numpy(dtype=bool))
        values = df[col].to_numpy()  # by position: a UN export repeats row numbers

        def text(i: int) -> str | None:
            v = values[i]
            return None if pd.isna(v) else str(v)[:10]

        problems.add_capped(
            len(where),
            (
                Problem(int(df.index[i]), col, text(i), msg(i) if callable(msg) else msg, reason=Reason.ROW)
                for i in where
            ),
        )

    return flag


def row_rules(df: pd.DataFrame, dataset: Dataset, series: pd.DataFrame | None = None) -> Problems:
    """Rules across columns of a row."""
    problems = Problems()
    flag = _flagger(df, problems)
    if dataset.name == "rounds":
        flag(
            df["cutoff_date"] > df["meeting_date"],
            "cutoff_date",
            "The data cut-off date must not be after the meeting date.",
        )
        well_formed = df["id"].str.match(ROUND_PATTERN).fillna(False)  # else its form is the problem
        year = pd.to_numeric(df["id"].str[:4], errors="coerce")
        lo, hi = ROUND_YEARS
        flag(
            well_formed & ((year < lo) | (year > hi)),
            "id",
            f"The round's year is implausible: rounds of the plan of action are between {lo} and {hi}.",
        )
        half = df["id"].str[-2:]
        month = df["meeting_date"].dt.month
        flag(
            (half.eq("H1") & (month > 6)) | (half.eq("H2") & (month < 7)),
            "meeting_date",
            "The meeting date does not fall in the round's half-year (H1: January to June, "
            "H2: July to December).",
        )
    elif dataset.name == "ny-workload":
        done = df["status"].eq("completed")
        flag(
            done & df["completed_on"].isna(),
            "completed_on",
            "A completed item needs its completion date (completed_on).",
        )
        flag(
            ~done & df["completed_on"].notna(),
            "completed_on",
            "Only completed items have a completion date; clear it or set status to completed.",
        )
        flag(
            df["completed_on"] < df["received_on"],
            "completed_on",
            "The completion date is before the date received.",
        )
    elif dataset.name == "action2":
        flag(df["end_date"] < df["start_date"], "end_date", "The end date is before the start date.")
    elif dataset.name == "mdg" and series is not None and not series.empty:
        _series_rules(df, series, flag)
    for rule in dataset.rules:
        flag(*_rule_mask(df, rule))
    return problems


def _rule_mask(df: pd.DataFrame, rule: RowRule) -> tuple[pd.Series, str, str]:
    """(rows breaking a rule declared with the dataset, the column to report, the message)."""
    if isinstance(rule, RequiredWhen):
        return df[rule.when].isin(rule.values) & df[rule.column].isna(), rule.column, rule.message
    if isinstance(rule, EmptyUnless):
        return ~df[rule.when].isin(rule.values) & df[rule.column].notna(), rule.column, rule.message
    if isinstance(rule, NotBefore):
        given = df[rule.column].notna() & df[rule.other].notna()
        before = pd.Series(False, index=df.index)
        before[given] = (df.loc[given, rule.column] < df.loc[given, rule.other]).to_numpy(dtype=bool)
        return before, rule.column, rule.message
    if isinstance(rule, MemberOf):
        inside = [
            v is None or v in split_list(lst)
            for v, lst in zip(df[rule.column], df[rule.list_column], strict=True)
        ]
        return pd.Series(inside, index=df.index).eq(False), rule.column, rule.message
    if isinstance(rule, AtMostOne):
        return df[list(rule.columns)].notna().sum(axis=1).gt(1), rule.columns[-1], rule.message
    if isinstance(rule, AtMostValues):
        return df[rule.column].map(lambda cell: len(split_list(cell))).gt(rule.most), rule.column, rule.message
    raise TypeError(rule)  # a programming error in datasets.py


def _series_rules(df: pd.DataFrame, series: pd.DataFrame, flag) -> None:
    """Each row's series must be in the catalogue, and be a series of the row's indicator."""
    indicator_of = dict(zip(series["code"].astype(str), series["indicator_code"].astype(str), strict=True))
    # Looked up once per distinct series (a file of 300k rows names a few thousand), not per row.
    at, names = pd.factorize(df["series_code"], use_na_sentinel=True)
    owner = np.array([*(indicator_of.get(n) for n in names), None], dtype=object)  # -1: None
    owned = np.array([o is not None for o in owner], dtype=bool).take(at)
    codes, indicators, owners = df["series_code"].to_numpy(), df["indicator_code"].to_numpy(), owner.take(at)
    unknown = pd.Series((at >= 0) & ~owned, index=df.index)
    flag(
        unknown,
        "series_code",
        lambda i: (
            f"Series '{codes[i]}' is not in the series catalogue (data/mdg_series.csv): "
            "check its spelling, or add the series to the catalogue first."
        ),
    )
    flag(
        pd.Series(owned & pd.notna(indicators) & (owners != indicators), index=df.index),
        "series_code",
        lambda i: (
            f"Series '{codes[i]}' is a series of indicator {owners[i]}, not of {indicators[i]}: "
            "correct the indicator or the series."
        ),
    )
