"""Roles and permissions: one table, one function, deny by default."""

from __future__ import annotations

from lib.i18n import N_, _

ROLES = ("partner", "hc_office", "staff", "admin")  # least to most privileged
#: The short names the sidebar shows ("signed in as ... (hc office)"), in the run's language.
ROLE_NAMES = {
    "partner": N_("partner"),
    "hc_office": N_("hc office"),
    "staff": N_("staff"),
    "admin": N_("admin"),
}
ACTIONS = (
    "view_action_points",
    "view_internal_notes",
    "view_mdg",
    "view_action2",
    "view_briefing",
    "view_workload",
    "download_briefing",
    "upload",
    "view_history",
    "revert",
    "view_audit",
    "manage_users",
    "view_own_agency",  # the partner's own agency: what it reported, pending, returned, due
    "submit",  # submit the own agency's rows for review
    "review_submissions",
    "view_due",  # what is due per agency and unit, and the reminders sent
    "view_recommendations",  # the consultations' recommendations and where they stand
    "edit_records",  # record or change one record through a form (an upload of one row)
    "edit_briefing",  # reword, drop or add key messages; choose the pack's indicators and countries
)

# Every role may open its own agency's page and submit; lib.submissions refuses a user who
# belongs to no agency (so the roles stay nested, each above the one before).
_PARTNER = frozenset(
    {"view_action_points", "view_mdg", "view_action2", "view_own_agency", "submit", "view_recommendations"}
)
_HC_OFFICE = _PARTNER | {
    "view_due",
    "view_internal_notes",
    "view_briefing",
    "view_workload",
    "download_briefing",
}
_STAFF = _HC_OFFICE | {"upload", "view_history", "revert", "review_submissions", "edit_records", "edit_briefing"}

#: The whole permission table: role -> the actions it may perform. Anything else is denied.
PERMISSIONS: dict[str, frozenset[str]] = {
    "partner": _PARTNER,
    "hc_office": _HC_OFFICE,
    "staff": _STAFF,
    "admin": frozenset(ACTIONS),
}


def is_allowed(role: str | None, action: str | None) -> bool:
    """Whether ``role`` may perform ``action``; unknown roles and actions are denied."""
    if role not in ROLES or action not in ACTIONS:
        return False
    return action in PERMISSIONS.get(role, frozenset())


def check_role(role: str) -> str:
    """``role`` if it is one of :data:`ROLES`; else ValueError."""
    if role not in ROLES:
        raise ValueError(
            _("Unknown role {role}; choose one of: {roles}.", role=repr(role), roles=", ".join(ROLES))
        )
    return role
