"""SQLModel tables: the whole schema of the consultations dashboard.

The schema is created and changed only through the Alembic migrations in
``migrations/``; these classes are their source of truth (autogenerate).

Every data table written by the importer carries ``upload_id`` (the upload that
last wrote the row) and ``created_upload_id`` (the upload that first inserted it),
which together with :class:`Revision` make an upload revertible exactly.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, LargeBinary, Text
from sqlmodel import Field, SQLModel

# --- Reference data -----------------------------------------------------------


class ConsultationRound(SQLModel, table=True):
    """A twice-yearly consultation round, id ``YYYY-H1`` or ``YYYY-H2``."""

    __tablename__ = "consultation_round"
    id: str = Field(primary_key=True, max_length=7)
    title: str
    meeting_date: date
    cutoff_date: date
    illustrative: bool = False
    upload_id: int | None = Field(default=None, index=True)
    created_upload_id: int | None = Field(default=None, index=True)


class ActionPoint(SQLModel, table=True):
    """One action point of section V of the 2005 Plan of Action, text word for word."""

    __tablename__ = "action_point"
    id: str = Field(primary_key=True, max_length=8)  # 127a..127e, 128..158
    paragraph: int
    cluster: str = Field(max_length=1)  # A..E
    cluster_title: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    sort_order: int


class Country(SQLModel, table=True):
    """Countries and territories by ISO 3166-1 alpha-3 (plus retired codes)."""

    __tablename__ = "country"
    iso3: str = Field(primary_key=True, max_length=3)
    m49: int | None = Field(default=None, index=True)
    name: str
    retired: bool = False


class Agency(SQLModel, table=True):
    """A partner agency of action 2."""

    __tablename__ = "agency"
    code: str = Field(primary_key=True, max_length=32)
    name: str


class MdgIndicator(SQLModel, table=True):
    """An indicator of the official MDG framework (revision of 15 January 2008)."""

    __tablename__ = "mdg_indicator"
    code: str = Field(primary_key=True, max_length=8)  # e.g. 4.1
    goal: int
    goal_title: str
    target: str
    target_text: str = Field(sa_column=Column(Text, nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    quantified_target: str | None = None
    rights_provisions: str | None = None
    indicator_type: str  # structural / process / outcome
    # Quantified 2015 target for the progress rating, as a fraction of the 1990
    # level to reach (0.333 for 4.1's two-thirds reduction); None = use CAGR.
    target_ratio_2015: float | None = None
    desired_direction: str = "decrease"  # increase / decrease / none


class MdgSeries(SQLModel, table=True):
    """A data series (UN MDG database code or a source's own label) of an indicator."""

    __tablename__ = "mdg_series"
    code: str = Field(primary_key=True, max_length=120)
    indicator_code: str = Field(foreign_key="mdg_indicator.code", index=True)
    name: str = Field(sa_column=Column(Text, nullable=False))
    unit: str | None = None


# --- Imported data -------------------------------------------------------------


class ProgressReport(SQLModel, table=True):
    """Progress on one action point as reported for one round."""

    __tablename__ = "progress_report"
    round_id: str = Field(primary_key=True, foreign_key="consultation_round.id")
    action_point_id: str = Field(primary_key=True, foreign_key="action_point.id")
    status: str  # not_started < limited < substantial < completed
    assessment: str  # on_track / at_risk / off_track: OHCHR's review
    self_assessment: str | None = None  # the lead unit's own assessment, same scale
    percent_complete: int
    lead_unit: str
    due_date: date | None = None
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    next_steps: str | None = Field(default=None, sa_column=Column(Text))
    internal_notes: str | None = Field(default=None, sa_column=Column(Text))
    reported_by: str
    reported_on: date
    illustrative: bool = False
    upload_id: int | None = Field(default=None, index=True)
    created_upload_id: int | None = Field(default=None, index=True)


class Observation(SQLModel, table=True):
    """One MDG data value. The source is part of the key: sources are never merged."""

    __tablename__ = "observation"
    indicator_code: str = Field(primary_key=True, foreign_key="mdg_indicator.code")
    series_code: str = Field(primary_key=True, max_length=120)
    country_iso3: str = Field(primary_key=True, foreign_key="country.iso3")
    year: int = Field(primary_key=True)
    sex: str = Field(primary_key=True, max_length=6)  # total / female / male
    location: str = Field(primary_key=True, max_length=5)  # total / urban / rural
    source: str = Field(primary_key=True, max_length=120)
    value: float
    unit: str
    nature: str | None = None  # UN "Type": C, CA, E, G, M
    footnote: str | None = None
    upload_id: int | None = Field(default=None, index=True)
    created_upload_id: int | None = Field(default=None, index=True)


class ObservationSummary(SQLModel, table=True):
    """What :class:`Observation` holds per series, country, breakdown, source and unit.

    Derived data, never written by hand: in the same transaction as an import or a revert,
    ``lib.ingest._add_to_summary`` adds an import's rows when all of them are new, else
    ``lib.ingest._refresh_summary`` rebuilds the rows of the series it touched. The catalogue and
    disaggregation queries read it instead of grouping the whole observation table.
    """

    __tablename__ = "observation_summary"
    __table_args__ = (Index("ix_observation_summary_indicator_country", "indicator_code", "country_iso3"),)
    indicator_code: str = Field(primary_key=True)
    series_code: str = Field(primary_key=True, max_length=120)
    country_iso3: str = Field(primary_key=True)
    sex: str = Field(primary_key=True, max_length=6)
    location: str = Field(primary_key=True, max_length=5)
    source: str = Field(primary_key=True, max_length=120)
    unit: str = Field(primary_key=True)
    n_values: int
    first_year: int
    last_year: int


class WorkItem(SQLModel, table=True):
    """One request handled by the New York office."""

    __tablename__ = "work_item"
    id: str = Field(primary_key=True, max_length=32)
    received_on: date = Field(index=True)
    work_area: str  # rule_of_law, mainstreaming, mdgs, action2, peace_security, other
    requesting_body: str
    kind: str  # meeting, briefing, written_input, ...
    title: str = ""
    staff_member: str
    hours: float
    status: str  # open / in_progress / completed
    completed_on: date | None = None
    illustrative: bool = False
    upload_id: int | None = Field(default=None, index=True)
    created_upload_id: int | None = Field(default=None, index=True)


class Action2Activity(SQLModel, table=True):
    """One action 2 activity of a partner agency in a country."""

    __tablename__ = "action2_activity"
    id: str = Field(primary_key=True, max_length=32)
    agency: str = Field(foreign_key="agency.code", index=True)
    country_iso3: str = Field(foreign_key="country.iso3")
    type: str  # training, hr_adviser, learning_package, protection_system, treaty_reporting, other
    start_date: date
    end_date: date | None = None
    participants_trained: int = 0
    advisers_deployed: int = 0
    status: str  # planned / ongoing / completed / cancelled
    round_id: str = Field(foreign_key="consultation_round.id", index=True)
    description: str = ""
    illustrative: bool = False
    upload_id: int | None = Field(default=None, index=True)
    created_upload_id: int | None = Field(default=None, index=True)


class Recommendation(SQLModel, table=True):
    """A recommendation a consultation round made to the UN system (paragraph 134).

    The list columns (addressees, action_point_ids, indicator_codes) hold their values
    de-duplicated, in natural order and joined by ``"; "`` (lib.datasets.join_list): one
    stored form per set, so an import, its export and a revert agree exactly.
    """

    __tablename__ = "recommendation"
    id: str = Field(primary_key=True, max_length=32)
    round_id: str = Field(foreign_key="consultation_round.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    text_fr: str | None = Field(default=None, sa_column=Column(Text))
    text_es: str | None = Field(default=None, sa_column=Column(Text))
    addressees: str = Field(sa_column=Column(Text, nullable=False))  # agency codes and/or OHCHR units
    action_point_ids: str | None = Field(default=None, sa_column=Column(Text))
    indicator_codes: str | None = Field(default=None, sa_column=Column(Text))
    lead: str = Field(max_length=200)
    due_round: str | None = Field(default=None, foreign_key="consultation_round.id")
    due_date: date | None = None
    priority: str = Field(max_length=8)  # high / medium / low
    illustrative: bool = False
    upload_id: int | None = Field(default=None, index=True)
    created_upload_id: int | None = Field(default=None, index=True)


class RecommendationStatus(SQLModel, table=True):
    """Where a recommendation stands, as reported for one round."""

    __tablename__ = "recommendation_status"
    recommendation_id: str = Field(primary_key=True, foreign_key="recommendation.id", max_length=32)
    round_id: str = Field(primary_key=True, foreign_key="consultation_round.id", max_length=7)
    status: str = Field(max_length=16)  # not_started < limited < substantial < completed; or dropped
    reason: str | None = Field(default=None, sa_column=Column(Text))  # required when dropped
    note: str | None = Field(default=None, sa_column=Column(Text))
    reported_by: str = Field(max_length=200)
    reported_on: date
    illustrative: bool = False
    upload_id: int | None = Field(default=None, index=True)
    created_upload_id: int | None = Field(default=None, index=True)


# --- Bookkeeping -----------------------------------------------------------------


class Upload(SQLModel, table=True):
    """Every import, with the file itself so it can be downloaded again."""

    __tablename__ = "upload"
    id: int | None = Field(default=None, primary_key=True)
    dataset: str
    filename: str
    sha256: str = Field(max_length=64)
    username: str
    created_at: datetime
    rows_new: int = 0
    rows_modified: int = 0
    rows_unchanged: int = 0
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    # "zlib": content is the file compressed (lib.ingest.upload_file gives it back as uploaded);
    # None: as uploaded (files kept before migration 0004).
    content_encoding: str | None = Field(default=None, max_length=16)
    reverted_at: datetime | None = None
    reverted_by: str | None = None


class Revision(SQLModel, table=True):
    """The previous values of a row an upload modified (JSON), for an exact revert."""

    __tablename__ = "revision"
    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = Field(foreign_key="upload.id", index=True)
    table_name: str
    before: str = Field(sa_column=Column(Text, nullable=False))


class DataVersion(SQLModel, table=True):
    """A single row whose number every write bumps; page caches key on it."""

    __tablename__ = "data_version"
    id: int = Field(default=1, primary_key=True)
    version: int = 0
    updated_at: datetime | None = None


class User(SQLModel, table=True):
    """A person who may sign in, with an argon2id password hash (local mode)."""

    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=120)
    email: str | None = Field(default=None, index=True)
    role: str  # partner / hc_office / staff / admin
    password_hash: str | None = None
    active: bool = True
    failed_attempts: int = 0
    locked_until: datetime | None = None
    created_at: datetime
    language: str = "en"
    # The partner agency the user reports for (role partner), and the OHCHR unit whose focal
    # point the user is (reminders of the unit's overdue action points). Migration 0007.
    agency: str | None = Field(default=None, foreign_key="agency.code", max_length=32)
    unit: str | None = Field(default=None, max_length=200)


class AuditEvent(SQLModel, table=True):
    """Sign-ins, failed sign-ins, uploads, reverts and user changes."""

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor: str
    action: str
    detail: str = ""


class AppSetting(SQLModel, table=True):
    """Small key/value settings (e.g. the hash of the one-time setup code)."""

    __tablename__ = "app_setting"
    key: str = Field(primary_key=True, max_length=64)
    value: str


class DerivedResult(SQLModel, table=True):
    """A result computed from the data (e.g. a round's briefing overview), shared by every app server.

    Valid only for ``data_version``; ``key`` starts with a fingerprint of the code that
    computed it (lib.derived).
    """

    __tablename__ = "derived_result"
    key: str = Field(primary_key=True, max_length=200)
    data_version: int
    created_at: datetime
    payload: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class SigninThrottle(SQLModel, table=True):
    """Failed sign-ins counted per user name, client address, (name, address) pair and overall.

    ``key`` is ``name:<user name>``, ``addr:<address>``, ``pair:<name>|<address>`` or ``global``
    (lib.auth.throttle). A pair with ``last_success_at`` is an address the user signed in from.
    """

    __tablename__ = "signin_throttle"
    key: str = Field(primary_key=True, max_length=300)
    failures: int = 0
    locked_until: datetime | None = None
    window_start: datetime | None = None
    last_success_at: datetime | None = None
    updated_at: datetime = Field(index=True)


class UserSession(SQLModel, table=True):
    """A signed-in browser (AUTH_MODE=local): only the SHA-256 of its random token is stored.

    ``delivered`` is False while the token is still a one-time hand-over code that the
    browser exchanges for its HttpOnly cookie (lib.auth.sessions).
    """

    __tablename__ = "user_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    created_at: datetime
    last_used_at: datetime
    delivered: bool = False
    revoked_at: datetime | None = None


# --- Partner submissions and reminders (migration 0007) ---------------------------------


class Submission(SQLModel, table=True):
    """Rows a partner agency submitted for a round, pending until staff approve or return them.

    Kept apart from the live tables on purpose: nothing pending is seen by a shared view, a
    count, the overview or the pack. Approval imports ``content`` (a CSV in the dataset's
    template layout) through the one import pipeline and records its ``upload_id``.
    """

    __tablename__ = "submission"
    id: int | None = Field(default=None, primary_key=True)
    dataset: str = Field(max_length=64)
    agency: str = Field(foreign_key="agency.code", index=True, max_length=32)
    round_id: str = Field(foreign_key="consultation_round.id", max_length=7)
    filename: str
    submitted_by: str = Field(max_length=120)
    submitted_at: datetime
    status: str = Field(index=True, max_length=16)  # pending / approved / returned
    reason: str | None = Field(default=None, sa_column=Column(Text))
    reviewed_by: str | None = Field(default=None, max_length=120)
    reviewed_at: datetime | None = None
    rows: int = 0
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    upload_id: int | None = Field(default=None, foreign_key="upload.id")


class ReminderSent(SQLModel, table=True):
    """A reminder of what is due in a round, sent to an agency or an OHCHR unit."""

    __tablename__ = "reminder_sent"
    id: int | None = Field(default=None, primary_key=True)
    round_id: str = Field(foreign_key="consultation_round.id", index=True, max_length=7)
    recipient_kind: str = Field(max_length=8)  # agency / unit
    recipient: str = Field(max_length=200)
    channel: str = Field(max_length=8)  # file / smtp
    language: str = Field(default="en", max_length=8)
    addresses: str = ""  # the e-mail addresses it went to (smtp), comma-separated
    sent_at: datetime
    sent_by: str = Field(max_length=120)


from lib.models_briefing import BriefingChoice, BriefingMessage  # noqa: E402, F401
from lib.models_derived import ObservationEnd, ObservationEndYear  # noqa: E402, F401  (kept apart: size limit)
