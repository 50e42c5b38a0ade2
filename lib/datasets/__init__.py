"""The importable datasets: their columns, keys, vocabularies and templates.

One declaration per dataset drives everything that depends on its shape: the
validation schema, the template staff download, the CLI's export, and the
upsert's key. Pages and metrics read frames with exactly these column names.

The package: ``base`` (vocabularies, columns, rules), ``core`` (the plan's datasets),
``recommendations`` (the consultations' recommendations and follow-up), ``briefing`` (what
staff prepare for a round's briefing: edited key messages, the pack's indicators and countries).
"""

from __future__ import annotations

from lib.datasets.base import (  # noqa: F401  (the public API)
    ACTIVITY_STATUSES,
    ACTIVITY_TYPES,
    ASSESSMENTS,
    CLUSTERS,
    ILLUSTRATIVE,
    LIST_SEPARATOR,
    LOCATIONS,
    NATURES,
    OHCHR_UNITS,
    PLAN_WORK_AREAS,
    PRIORITIES,
    REC_ID_PATTERN,
    RECOMMENDATION_STATUSES,
    REF_ACTION_POINT,
    REF_ADDRESSEE,
    REF_AGENCY,
    REF_COUNTRY,
    REF_INDICATOR,
    REF_RECOMMENDATION,
    REF_ROUND,
    REQUESTING_BODIES,
    ROUND_PATTERN,
    SEXES,
    STATUSES,
    WORK_AREAS,
    WORK_KINDS,
    WORK_STATUSES,
    AtMostOne,
    AtMostValues,
    Col,
    Dataset,
    EmptyUnless,
    MemberOf,
    NotBefore,
    RequiredWhen,
    RowRule,
    _natural_key,
    join_list,
    split_list,
)
from lib.datasets.briefing import (  # noqa: F401  (the public API)
    BRIEFING_CHOICE,
    BRIEFING_MESSAGES,
    MAX_ADDED_MESSAGES,
    MAX_MESSAGE_CHARS,
    MAX_PACK_COUNTRIES,
    MAX_PACK_INDICATORS,
    MAX_POSITION,
    MESSAGE_ACTIONS,
    MESSAGE_KEY_PATTERN,
)
from lib.datasets.core import (  # noqa: F401  (the public API)
    ACTION2,
    ACTION_POINTS,
    MDG,
    NY_WORKLOAD,
    ROUNDS,
)
from lib.datasets.recommendations import (  # noqa: F401  (the public API)
    RECOMMENDATION_STATUS,
    RECOMMENDATIONS,
)

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        ROUNDS,
        ACTION_POINTS,
        MDG,
        NY_WORKLOAD,
        ACTION2,
        RECOMMENDATIONS,
        RECOMMENDATION_STATUS,
        BRIEFING_MESSAGES,
        BRIEFING_CHOICE,
    )
}


def get_dataset(name: str) -> Dataset:
    """The dataset called ``name``; a KeyError names the allowed ones."""
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(f"unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}") from None
