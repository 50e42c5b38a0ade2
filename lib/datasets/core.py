"""The datasets of the plan of action: rounds, action points, MDG, workload, action 2."""

from __future__ import annotations

from lib.datasets.base import (
    ACTIVITY_STATUSES,
    ACTIVITY_TYPES,
    ASSESSMENTS,
    ILLUSTRATIVE,
    LOCATIONS,
    NATURES,
    REF_ACTION_POINT,
    REF_AGENCY,
    REF_COUNTRY,
    REF_INDICATOR,
    REF_ROUND,
    REQUESTING_BODIES,
    ROUND_PATTERN,
    SEXES,
    STATUSES,
    WORK_AREAS,
    WORK_KINDS,
    WORK_STATUSES,
    Col,
    Dataset,
)
from lib.i18n import N_

ROUNDS = Dataset(
    name="rounds",
    table="consultation_round",
    title=N_("Consultation rounds"),
    description=N_("The twice-yearly consultation rounds (paragraph 134 of the plan)."),
    key=("id",),
    columns=(
        Col(
            "id",
            "str",
            N_("round id, YYYY-H1 or YYYY-H2"),
            "2009-H1",
            pattern=ROUND_PATTERN,
            pattern_hint="YYYY-H1 or YYYY-H2, e.g. 2009-H1",
        ),
        Col("title", "str", N_("title of the consultation"), "First consultation of 2009", max_length=200),
        Col("meeting_date", "date", N_("date of the meeting (YYYY-MM-DD)"), "2009-05-15"),
        Col("cutoff_date", "date", N_("data cut-off date (YYYY-MM-DD)"), "2009-04-30"),
        ILLUSTRATIVE,
    ),
)

ACTION_POINTS = Dataset(
    name="action-points",
    table="progress_report",
    title=N_("Action point progress reports"),
    description=N_("Progress on each action point of section V of the plan, per round."),
    key=("round_id", "action_point_id"),
    columns=(
        Col("round_id", "str", N_("consultation round"), "2008-H2", ref=REF_ROUND),
        Col("action_point_id", "str", N_("action point (127a-127e, 128-158)"), "134", ref=REF_ACTION_POINT),
        Col("status", "str", N_("progress status (ordinal)"), "substantial", allowed=STATUSES, lower=True),
        Col("assessment", "str", N_("assessment of the trend"), "on_track", allowed=ASSESSMENTS, lower=True),
        Col(
            "self_assessment",
            "str",
            N_("the lead unit's own assessment, beside OHCHR's (assessment); may be empty"),
            "on_track",
            required=False,
            optional_column=True,
            allowed=ASSESSMENTS,
            lower=True,
        ),
        Col("percent_complete", "int", N_("percent complete, 0-100"), "60", min=0, max=100),
        Col(
            "lead_unit",
            "str",
            N_("OHCHR unit leading the action"),
            "Executive Direction and Management",
            max_length=200,
        ),
        Col("due_date", "date", N_("due date (YYYY-MM-DD), may be empty"), "2009-12-31", required=False),
        Col(
            "summary",
            "str",
            N_("short summary shown to all roles"),
            "Consultations held as planned.",
            max_length=4000,
        ),
        Col(
            "next_steps",
            "str",
            N_("next steps, may be empty"),
            "Prepare the next round.",
            required=False,
            max_length=4000,
        ),
        Col(
            "internal_notes",
            "str",
            N_("internal notes, not shown to partner agencies"),
            "",
            required=False,
            optional_column=True,
            max_length=4000,
        ),
        Col("reported_by", "str", N_("who reported"), "A. Officer", max_length=200),
        Col("reported_on", "date", N_("date of the report (YYYY-MM-DD)"), "2008-11-20"),
        ILLUSTRATIVE,
    ),
)

MDG = Dataset(
    name="mdg",
    table="observation",
    title=N_("MDG indicator observations"),
    description=(
        N_(
            "Millennium Development Goals data, one value per row (tidy). The UN MDG "
            "database's own export layout (one column per year) is accepted too."
        )
    ),
    key=("indicator_code", "series_code", "country_iso3", "year", "sex", "location", "source"),
    columns=(
        Col(
            "indicator_code", "str", N_("MDG indicator code of the 2008 framework"), "5.1", ref=REF_INDICATOR
        ),
        Col("series_code", "str", N_("series code (UN MDG database code or label)"), "553", max_length=120),
        Col("country_iso3", "str", N_("country, ISO 3166-1 alpha-3"), "AFG", ref=REF_COUNTRY),
        Col("year", "int", N_("year of the observation"), "2015", min=1950, max=2100),
        Col("value", "float", N_("the value (plain decimal, no thousands separator)"), "396"),
        Col("unit", "str", N_("unit of the value"), "per 100,000 live births", max_length=120),
        Col("sex", "str", N_("total, female or male"), "total", allowed=SEXES, lower=True),
        Col("location", "str", N_("total, urban or rural"), "total", allowed=LOCATIONS, lower=True),
        Col(
            "source",
            "str",
            N_("source (kept apart: sources are never merged)"),
            "UNSD MDG DB",
            max_length=120,
        ),
        Col(
            "nature",
            "str",
            N_(
                "UN nature code: C country, CA adjusted, E estimated, G global monitoring, M modelled, N non-relevant"
            ),
            "C",
            required=False,
            optional_column=True,
            allowed=NATURES,
        ),
        Col(
            "footnote",
            "str",
            N_("footnote, may be empty"),
            "",
            required=False,
            optional_column=True,
            max_length=500,
        ),
    ),
    ignored_columns=("goal", "target", "indicator_name", "country_name"),
)

NY_WORKLOAD = Dataset(
    name="ny-workload",
    table="work_item",
    title=N_("New York office workload"),
    description=N_("Requests handled by the New York office (paragraphs 83, 123 and 153)."),
    key=("id",),
    columns=(
        Col("id", "str", N_("work item id"), "NY-2009-001", max_length=32),
        Col("received_on", "date", N_("date received (YYYY-MM-DD)"), "2009-01-12"),
        Col("work_area", "str", N_("work area"), "rule_of_law", allowed=WORK_AREAS, lower=True),
        Col("requesting_body", "str", N_("requesting body"), "Security Council", allowed=REQUESTING_BODIES),
        Col("kind", "str", N_("kind of work"), "briefing", allowed=WORK_KINDS, lower=True),
        Col("title", "str", N_("short title"), "Briefing on rule of law", required=False, max_length=300),
        Col("staff_member", "str", N_("staff member handling it"), "NY officer 1", max_length=120),
        Col("hours", "float", N_("hours spent"), "6.5", min=0, max=2000),
        Col(
            "status",
            "str",
            N_("open, in_progress or completed"),
            "completed",
            allowed=WORK_STATUSES,
            lower=True,
        ),
        Col(
            "completed_on",
            "date",
            N_("date completed, required when completed"),
            "2009-01-20",
            required=False,
        ),
        ILLUSTRATIVE,
    ),
)

ACTION2 = Dataset(
    name="action2",
    table="action2_activity",
    title=N_("Action 2 activity"),
    description=N_(
        "Partner agencies' action 2 activities with UN country teams (paragraphs 107-109, 142-143)."
    ),
    key=("id",),
    columns=(
        Col("id", "str", N_("activity id"), "A2-2008-901", max_length=32),
        Col("agency", "str", N_("partner agency code"), "UNDP", ref=REF_AGENCY),
        Col("country_iso3", "str", N_("country, ISO 3166-1 alpha-3"), "NPL", ref=REF_COUNTRY),
        Col("type", "str", N_("type of activity"), "training", allowed=ACTIVITY_TYPES, lower=True),
        Col("start_date", "date", N_("start date (YYYY-MM-DD)"), "2008-09-01"),
        Col("end_date", "date", N_("end date, may be empty"), "2008-09-05", required=False),
        Col("participants_trained", "int", N_("people trained"), "25", min=0, max=1_000_000),
        Col("advisers_deployed", "int", N_("human rights advisers deployed"), "0", min=0, max=1000),
        Col(
            "status",
            "str",
            N_("planned, ongoing, completed or cancelled"),
            "completed",
            allowed=ACTIVITY_STATUSES,
            lower=True,
        ),
        Col("round_id", "str", N_("consultation round reported in"), "2008-H2", ref=REF_ROUND),
        Col(
            "description",
            "str",
            N_("short description"),
            "Training of the UN country team",
            required=False,
            max_length=1000,
        ),
        ILLUSTRATIVE,
    ),
)
