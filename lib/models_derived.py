"""SQLModel tables derived from the data and kept at write time (the rest of the schema: lib.models)."""

from __future__ import annotations

from sqlalchemy import Index, true
from sqlmodel import Field, SQLModel


class ObservationEnd(SQLModel, table=True):
    """Each series' end points up to a round's data cut-off year (its first value, its first value
    from 1990, the rating's base, and its latest) and its progress rating on them.

    Derived data like ``ObservationSummary``, kept in the same transaction as every import and
    revert: the end points by ``lib.ingest.ends``, the rating by ``lib.ingest.ratings`` from them.
    The briefing's ratings read one row per series and year instead of grouping and sorting the
    whole observation table, and the headline counts its index instead of rating every series.
    The rating shares the end points' row (migration 0012): one derived row per series and year,
    not two with the same six text keys (a table and an index fewer to write on each import).
    """

    __tablename__ = "observation_end"
    __table_args__ = (
        # The headline's counts per year and rating read this index alone.
        Index("ix_observation_end_counted", "cutoff_year", "counted", "rating"),
        {"sqlite_with_rowid": False},  # one B-tree (the key): half the writes
    )
    cutoff_year: int = Field(primary_key=True)
    indicator_code: str = Field(primary_key=True)
    series_code: str = Field(primary_key=True, max_length=120)
    country_iso3: str = Field(primary_key=True)
    sex: str = Field(primary_key=True, max_length=6)
    location: str = Field(primary_key=True, max_length=5)
    source: str = Field(primary_key=True, max_length=120)
    first_year: int
    first_value: float
    first_unit: str
    base_year: int | None = None
    base_value: float | None = None
    base_unit: str | None = None
    latest_year: int
    latest_value: float
    latest_unit: str
    # Set in the transaction that writes the end points (NULL only until lib.ingest.ratings rates them).
    rating: str | None = Field(default=None, max_length=40)
    # Whether the headline counts it: MDG-era series always; a successor series only where no
    # MDG-era series of the same indicator and country is rated (lib.ingest.ratings.recount_statement).
    counted: bool = Field(default=True, sa_column_kwargs={"server_default": true()})


class ObservationEndYear(SQLModel, table=True):
    """The cut-off years :class:`ObservationEnd` holds (the rounds' data years)."""

    __tablename__ = "observation_end_year"
    year: int = Field(primary_key=True)
