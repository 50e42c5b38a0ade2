"""AppTest: every page for every role (and signed out), run by its file as a URL would run it."""

from __future__ import annotations

import pytest

from lib.auth import ROLES, is_allowed
from lib.navigation import PAGES, pages_for

MATRIX = [(p, role) for p in PAGES for role in (*ROLES, None)]


def _shows_data(at) -> bool:
    return bool(len(at.dataframe) or len(at.get("vega_lite_chart")) or len(at.metric))


@pytest.mark.parametrize(
    ("page", "role"), MATRIX, ids=[f"{p.path.split('/')[-1][:-3]}-{r}" for p, r in MATRIX]
)
def test_page_guards_itself(make_app, page, role):
    at = make_app(page.path, role=role)
    at.run()
    assert not at.exception, at.exception
    if role is not None and is_allowed(role, page.action):
        assert not [e for e in at.error if "does not give access" in e.value]
        assert at.title and at.title[0].value, "an allowed page shows its title"
    else:
        # Nothing of the data reaches a role without access, or a visitor.
        assert not _shows_data(at)
        assert not len(at.get("file_uploader"))
        messages = [m.value for m in (*at.error, *at.warning)]
        assert any("sign in" in m or "does not give access" in m for m in messages), messages


def test_each_role_sees_exactly_its_pages():
    titles = {role: [p.title for p in pages_for(role)] for role in ROLES}
    own = ["My agency", "Submit activities"]  # every role: a user of any role may belong to an agency
    assert titles["partner"] == [
        "Action points",
        "Recommendations",  # every role (issue 13)
        "MDG rights-based indicators",
        "Action 2 activity",
        *own,
    ]
    assert titles["hc_office"] == [
        "Briefing overview",
        "Action points",
        "Recommendations",
        "MDG rights-based indicators",
        "New York office workload",
        "Action 2 activity",
        *own,
        "What is due",
    ]
    assert titles["staff"] == [
        *titles["hc_office"][:-1],
        "Prepare the briefing",  # issue 16: staff edit the key messages and the pack's choice
        "Upload data",
        "Upload history",
        "Review submissions",
        "What is due",
    ]
    assert titles["admin"] == [*titles["staff"], "Users", "Audit log"]
    assert pages_for(None) == [] and pages_for("guest") == []


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_runs_for_each_role(make_app, role):
    at = make_app("dashboard.py", role=role)
    at.run()
    assert not at.exception, at.exception
    assert any(f"({role.replace('_', ' ')})" in c.value for c in at.sidebar.markdown)


def test_partner_never_receives_internal_notes(make_app):
    at = make_app("pages/action_points.py", role="partner")
    at.run()
    assert not at.exception
    for df in at.dataframe:
        assert "internal_notes" not in df.value.columns
        assert "lead_unit" not in df.value.columns
    staff = make_app("pages/action_points.py", role="staff")
    staff.run()
    assert any("internal_notes" in df.value.columns for df in staff.dataframe)


def test_round_and_cutoff_shown(make_app):
    at = make_app("pages/action_points.py", role="hc_office")
    at.run()
    caption = " ".join(c.value for c in at.caption)
    assert "Showing round **2008-H2**" in caption and "cut-off" in caption
    at.selectbox(key="round").set_value("2007-H1").run()
    assert "Showing round **2007-H1**" in " ".join(c.value for c in at.caption)


def _points_table(at):
    return next(df.value for df in at.dataframe if "percent_complete" in df.value.columns)


def test_action_point_filters(make_app):
    at = make_app("pages/action_points.py", role="staff")
    at.run()
    table = _points_table(at)
    assert len(table) == 36
    at.multiselect[0].set_value(["A"]).run()  # cluster A: paragraphs 127-133, 11 points
    filtered = _points_table(at)
    assert set(filtered["cluster"]) == {"A"} and len(filtered) == 11
    at.toggle[0].set_value(True).run()
    overdue = _points_table(at)
    assert overdue["overdue"].all() and set(overdue["cluster"]) == {"A"}


def test_round_choice_follows_the_user_across_pages(make_app):
    at = make_app("dashboard.py", role="staff")
    at.run()
    at.selectbox(key="round").set_value("2007-H1").run()
    assert "Showing round **2007-H1**" in " ".join(c.value for c in at.caption)
    at.switch_page("pages/action_points.py")
    at.run()
    assert at.selectbox(key="round").value == "2007-H1"
