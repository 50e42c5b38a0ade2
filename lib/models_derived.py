"""SQLModel tables derived from the data and kept at write time (the rest of the schema: lib.models)."""

from __future__ import annotations

from sqlalchemy import Index, true
from sqlmodel import Field, SQLModel


class ObservationRating(SQLModel, table=True):
    """Each series' progress rating up to a cut-off year of :class:`ObservationEnd`.

    Derived data kept by ``lib.ingest.ratings`` from ``observation_end`` in the same transaction
    as every import and revert, so the briefing overview reads its ratings instead of rating
    every series on each view.
    """

    __tablename__ = "observation_rating"
    __table_args__ = (
        # The headline's counts per year and rating read this index alone (migration 0011).
        Index("ix_observation_rating_counted", "cutoff_year", "counted", "rating"),
        {"sqlite_with_rowid": False},  # one B-tree (the key): half the writes
    )
    cutoff_year: int = Field(primary_key=True)
    indicator_code: str = Field(primary_key=True)
    series_code: str = Field(primary_key=True, max_length=120)
    country_iso3: str = Field(primary_key=True)
    sex: str = Field(primary_key=True, max_length=6)
    location: str = Field(primary_key=True, max_length=5)
    source: str = Field(primary_key=True, max_length=120)
    rating: str = Field(max_length=40)
    # Whether the headline counts it: MDG-era series always; a successor series only where no
    # MDG-era series of the same indicator and country is rated (lib.ingest.ratings.recount_statement).
    counted: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
