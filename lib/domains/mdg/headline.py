"""The MDG indicators' headline for a round: series progressing or deteriorating, ratings that moved.

A round can rely on data up to the year before its cut-off (:func:`data_year`); the ratings of
the round and of the previous round are compared series by series. Shown by the MDG page, the
briefing overview and the pack (lib.headline).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from lib import reference, tables
from lib.domains.mdg import rating, texts
from lib.headline import Change
from lib.i18n import N_, _
from lib.rounds import Window

if TYPE_CHECKING:
    from lib.rating_reads import StoredRatings

PROGRESSING = (rating.RATING_ON_TRACK, rating.RATING_SUBSTANTIAL, rating.RATING_MODERATE)
DETERIORATING = (
    rating.RATING_MOVING_AWAY,
    rating.RATING_SUBSTANTIAL_DETERIORATION,
    rating.RATING_MODERATE_DETERIORATION,
)


def data_year(cutoff: pd.Timestamp) -> int:
    """The latest data year a round can rely on: the year before its cut-off."""
    return int(pd.Timestamp(cutoff).year) - 1


def data_years(win: Window) -> list[int]:
    """The data years the headline of a round rates: its own and the previous round's."""
    cutoffs = [win.cutoff] + ([win.previous_cutoff] if win.previous_cutoff is not None else [])
    return [data_year(c) for c in cutoffs]


def rating_moves(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Series whose rating differs between two :func:`rating.progress_rating` results.

    Columns: the series keys, rating_before, rating, arrow, direction (better / worse).
    Series without a rating at either time are left out.
    """
    keys = rating.SERIES_KEYS
    unrated = [rating.RATING_INSUFFICIENT, rating.RATING_NOT_RATED]
    both = now.loc[~now["rating"].isin(unrated)].merge(
        before[[*keys, "rating", "rating_order"]].rename(
            columns={"rating": "rating_before", "rating_order": "order_before"}
        ),
        on=keys,
        how="inner",
    )
    both = both.loc[~both["rating_before"].isin(unrated)]
    moved = both.loc[both["rating"] != both["rating_before"]]
    return moves_of(moved[[*keys, "rating_before", "rating"]])


def moves_of(moved: pd.DataFrame) -> pd.DataFrame:
    """:func:`rating_moves`' columns for series whose rating moved (keys, rating_before, rating)."""
    order = {name: i for i, name in enumerate(rating.RATING_ORDER)}
    better = moved["rating"].map(order) < moved["rating_before"].map(order)
    return moved.assign(
        arrow=moved["rating"].map(rating.RATING_ARROWS),
        direction=better.map({True: "better", False: "worse"}),
    ).reset_index(drop=True)[[*rating.SERIES_KEYS, "rating_before", "rating", "arrow", "direction"]]


@dataclass
class Rated:
    year: int  # the data year rated
    ratings: pd.DataFrame  # rating.progress_rating of the chosen series
    fallbacks: pd.DataFrame  # rating.mdg_first's: where a successor series stands in for the MDG one


def rated(obs: pd.DataFrame, indicators: pd.DataFrame, year: int) -> Rated:
    """The ratings as of a data year, on the MDG series where they have values up to it, else on
    the successor series (:func:`rating.mdg_first`). The one choice of the page, overview and pack."""
    chosen, fallbacks = rating.mdg_first(obs.loc[obs["year"] <= year], texts.is_successor_source)
    return Rated(year, rating.progress_rating(chosen, indicators), fallbacks)


NOTE_COUNTRIES = 8  # a note names up to this many countries (the page's most), else counts them


def fallback_notes(found: Rated, series_names: pd.Series | None = None) -> list[str]:
    """One sentence per indicator and successor source rated instead of the MDG series, and why."""
    fb = found.fallbacks
    notes = []
    for (code, source), rows in fb.groupby(["indicator_code", "source"], sort=True):
        named = series_names if series_names is not None else pd.Series(dtype=object)
        totals = rows.loc[(rows["sex"] == "total") & (rows["location"] == "total"), "series_code"]
        shown = totals.iloc[0] if len(totals) else rows["series_code"].iloc[0]  # its breakdowns are alike
        countries = sorted(set(tables.country_labels(rows["country_iso3"].drop_duplicates())))
        many = len(countries) > NOTE_COUNTRIES
        listed = _("{count} countries", count=len(countries)) if many else ", ".join(countries)
        notes.append(
            _(
                "{code} rated on the successor series “{series}” ({source}): no MDG series "
                "data up to {year} for {countries}.",
                code=code,
                series=str(named.get(shown, shown)),
                source=reference.source_name(source),
                year=found.year,
                countries=listed,
            )
        )
    return notes


@dataclass
class Headline:
    year: int  # the data year of the round
    changes: list[Change] = field(default_factory=list)  # series progressing, deteriorating
    moved: pd.DataFrame = field(default_factory=pd.DataFrame)  # rating_moves since the previous round


def headline(
    obs: pd.DataFrame, indicators: pd.DataFrame, win: Window, stored: StoredRatings | None = None
) -> Headline:
    """The round's headline from the observations of the data years (:func:`data_years`), or
    from the ratings kept at write time (``stored``: rating_reads.stored_ratings, the same
    progress_rating results counted and compared in SQL)."""
    hl = Headline(data_year(win.cutoff))
    before_year = data_year(win.previous_cutoff) if win.previous_cutoff is not None else None
    if stored is not None:
        if not any(stored.counts.values()):  # as no observation up to the data years
            return hl
        now = stored.counts[hl.year]
        before = stored.counts[before_year] if before_year is not None else None
        if before_year is not None:
            hl.moved = moves_of(stored.moved)
    else:
        if obs.empty:
            return hl
        ratings = rated(obs, indicators, hl.year).ratings  # the MDG series first, as everywhere
        now, before = ratings["rating"].value_counts().to_dict(), None
        if before_year is not None:
            earlier = rated(obs, indicators, before_year).ratings
            before = earlier["rating"].value_counts().to_dict()
            hl.moved = rating_moves(ratings, earlier)

    def tally(counts: dict[str, int] | None, which: tuple[str, ...]) -> float | None:
        return None if counts is None else float(sum(counts.get(r, 0) for r in which))

    hl.changes = [
        Change(N_("Series progressing"), tally(now, PROGRESSING), tally(before, PROGRESSING)),
        Change(
            N_("Series deteriorating or moving away"), tally(now, DETERIORATING), tally(before, DETERIORATING)
        ),
    ]
    return hl


def moved_counts(moved: pd.DataFrame) -> tuple[int, int]:
    """How many series' ratings moved better and worse."""
    if moved.empty:
        return 0, 0
    return int((moved["direction"] == "better").sum()), int((moved["direction"] == "worse").sum())


def year_note(year: int | None) -> str:
    """The briefing page's note on the data year."""
    return _(
        "Ratings use data up to {year} (the year before the cut-off); each series rated separately by source.",
        year=year,
    )


def moved_sentence(moved: pd.DataFrame, since: str) -> str:
    """The briefing page's sentence on the ratings that moved (markdown)."""
    better, worse = moved_counts(moved)
    return _(
        "Ratings that moved {since}: **{better} better**, **{worse} worse**.",
        since=since,
        better=better,
        worse=worse,
    )


def summary_sentence(year: int | None, moved: pd.DataFrame, since: str) -> str:
    """The pack's summary sentence: the data year and the ratings that moved."""
    better, worse = moved_counts(moved)
    return _(
        "Ratings use data up to {year} (the year before the cut-off); each series is rated "
        "separately by source. Ratings that moved {since}: {better} better, {worse} worse.",
        year=year,
        since=since,
        better=better,
        worse=worse,
    )
