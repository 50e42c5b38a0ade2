"""The menu: which pages exist and which action grants each (pure; dashboard.py renders it)."""

from __future__ import annotations

from typing import NamedTuple

from lib.auth import is_allowed


class PageSpec(NamedTuple):
    path: str
    title: str
    icon: str
    action: str


# In menu order. Each page file checks the same action itself (lib.webapp.guard):
# this list only decides what the menu shows.
PAGES = [
    PageSpec("pages/briefing.py", "Briefing overview", ":material/summarize:", "view_briefing"),
    PageSpec("pages/action_points.py", "Action points", ":material/checklist:", "view_action_points"),
    PageSpec("pages/mdg.py", "MDG rights-based indicators", ":material/public:", "view_mdg"),
    PageSpec("pages/workload.py", "New York office workload", ":material/work:", "view_workload"),
    PageSpec("pages/action2.py", "Action 2 activity", ":material/handshake:", "view_action2"),
    PageSpec("pages/upload.py", "Upload data", ":material/upload_file:", "upload"),
    PageSpec("pages/history.py", "Upload history", ":material/history:", "view_history"),
    PageSpec("pages/users.py", "Users", ":material/group:", "manage_users"),
    PageSpec("pages/audit.py", "Audit log", ":material/policy:", "view_audit"),
]


def pages_for(role: str | None) -> list[PageSpec]:
    """The pages a role may open, in menu order (none for an unknown role)."""
    return [p for p in PAGES if is_allowed(role, p.action)]
