"""The tables of what staff prepare for a round's briefing (migration 0009).

Apart from lib/models.py only for its length; lib.models imports them, so they are part of the
one schema (SQLModel.metadata) like every other table. Both are written by the importer only
(lib.datasets.BRIEFING_MESSAGES, BRIEFING_CHOICE), hence ``upload_id`` and ``created_upload_id``.
"""

from __future__ import annotations

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class BriefingMessage(SQLModel, table=True):
    """One staff edit of a round's key messages: a computed message reworded or dropped, or a
    message added at a position (lib.messages.merge_messages)."""

    __tablename__ = "briefing_message"
    round_id: str = Field(primary_key=True, foreign_key="consultation_round.id", max_length=7)
    message_key: str = Field(primary_key=True, max_length=40)
    action: str = Field(max_length=8)  # reword / drop / add / none
    text: str | None = Field(default=None, sa_column=Column(Text))
    position: int | None = None
    illustrative: bool = False
    upload_id: int | None = Field(default=None, index=True)
    created_upload_id: int | None = Field(default=None, index=True)


class BriefingChoice(SQLModel, table=True):
    """The MDG indicators and countries a round's pack shows (list cells, lib.datasets.join_list);
    empty: the defaults."""

    __tablename__ = "briefing_choice"
    round_id: str = Field(primary_key=True, foreign_key="consultation_round.id", max_length=7)
    indicator_codes: str | None = Field(default=None, sa_column=Column(Text))
    countries: str | None = Field(default=None, sa_column=Column(Text))
    illustrative: bool = False
    upload_id: int | None = Field(default=None, index=True)
    created_upload_id: int | None = Field(default=None, index=True)
