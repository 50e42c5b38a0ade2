"""The menu: which pages exist and which action grants each (pure; dashboard.py renders it)."""

from __future__ import annotations

from typing import NamedTuple

from lib.auth import is_allowed
from lib.i18n import N_


class PageSpec(NamedTuple):
    path: str
    title: str  # English, marked for the catalogue: the menu shows it translated (lib.i18n)
    icon: str
    action: str


# In menu order. Each page file checks the same action itself (lib.webapp.guard):
# this list only decides what the menu shows.
PAGES = [
    PageSpec("pages/briefing.py", N_("Briefing overview"), ":material/summarize:", "view_briefing"),
    PageSpec("pages/action_points.py", N_("Action points"), ":material/checklist:", "view_action_points"),
    PageSpec(
        "pages/recommendations.py",
        N_("Recommendations"),
        ":material/assignment_turned_in:",
        "view_recommendations",
    ),
    PageSpec("pages/mdg.py", N_("MDG rights-based indicators"), ":material/public:", "view_mdg"),
    PageSpec("pages/workload.py", N_("New York office workload"), ":material/work:", "view_workload"),
    PageSpec("pages/action2.py", N_("Action 2 activity"), ":material/handshake:", "view_action2"),
    PageSpec("pages/my_agency.py", N_("My agency"), ":material/corporate_fare:", "view_own_agency"),
    PageSpec("pages/submit.py", N_("Submit activities"), ":material/outbox:", "submit"),
    PageSpec("pages/briefing_edit.py", N_("Prepare the briefing"), ":material/edit_note:", "edit_briefing"),
    PageSpec("pages/upload.py", N_("Upload data"), ":material/upload_file:", "upload"),
    PageSpec("pages/history.py", N_("Upload history"), ":material/history:", "view_history"),
    PageSpec("pages/review.py", N_("Review submissions"), ":material/fact_check:", "review_submissions"),
    PageSpec("pages/due.py", N_("What is due"), ":material/event_upcoming:", "view_due"),
    PageSpec("pages/users.py", N_("Users"), ":material/group:", "manage_users"),
    PageSpec("pages/audit.py", N_("Audit log"), ":material/policy:", "view_audit"),
]


def pages_for(role: str | None) -> list[PageSpec]:
    """The pages a role may open, in menu order (none for an unknown role)."""
    return [p for p in PAGES if is_allowed(role, p.action)]


def url_of(page: PageSpec) -> str:
    """A page's URL path: its file name."""
    return page.path.removeprefix("pages/").removesuffix(".py")


def page_urls() -> list[str]:
    """The URL path of every page (its file name): the addresses a link or a bookmark may hold."""
    return [url_of(p) for p in PAGES]
