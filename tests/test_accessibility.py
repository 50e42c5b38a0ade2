"""Real browser + axe-core: every page for every role, and the sign-in page, against WCAG 2.1 A/AA.

Each role signs in and opens every page of its menu (each tab of a page in turn, every
expander open, so the charts' tables are checked too); the upload page is also checked with
its option list open, with a rejected file and with a preview. axe runs the WCAG 2.0/2.1 A
and AA rules plus its heading rules (tests/a11y.py); each visible chart must have a text
description and a table alternative after it.

The tests fail on a serious or critical violation in what the project renders, or on a chart
without description or table. Findings inside Streamlit's own widgets that the project
cannot change are listed, with the reason, in ``tests/a11y_exceptions.toml``; they are
counted and printed, never dropped silently.

A summary table (page, role, nodes by impact, project vs Streamlit-internal, needs review)
is printed at the end of the module. ``A11Y_REPORT=/path/file.json`` also writes every node
(rule, outcome, impact, target, html, classification, reason) to that file.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from lib.auth import ROLES
from lib.navigation import pages_for
from tests import a11y, browser_support
from tests.browser_support import open_page, select_option, sign_in, wait_idle

browser, live_app, page = browser_support.browser, browser_support.live_app, browser_support.page
NEEDS_AXE = pytest.mark.skipif(
    not a11y.AXE_JS.is_file(),
    reason=f"{a11y.AXE_JS} is missing: run `npm ci` in the repository root to install axe-core",
)


def in_browser(test):
    """Mark a test browser + slow, skipped without axe-core (Chromium: the ``browser`` fixture)."""
    return pytest.mark.browser(pytest.mark.slow(NEEDS_AXE(test)))


SIGNED_OUT = "(signed out)"


class Report:
    """Rows of the summary table and the details, collected over the module's tests."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, list[a11y.Violation]]] = []
        self.charts: list[tuple[str, str, str]] = []  # (page, role, chart without description or table)
        self.exceptions = a11y.load_exceptions()

    def add(self, page_title: str, role: str, violations: list[a11y.Violation], charts: list[str]) -> None:
        self.rows.append((page_title, role, violations))
        self.charts += [(page_title, role, c) for c in charts]

    def table(self) -> list[str]:
        """One line per page and role: violating nodes by kind and impact, and needs-review nodes."""
        imp = [i[:4] for i in a11y.IMPACTS]
        head = ["page", "role", *(f"P-{i}" for i in imp), *(f"I-{i}" for i in imp), "review P/I"]
        widths = [48, 12, *[6] * 8, 10]
        lines = [
            "P = project, I = Streamlit-internal (tests/a11y_exceptions.toml); nodes by impact "
            "(critical, serious, moderate, minor); review = axe 'needs review' nodes.",
            "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)),
        ]
        for title, role, vs in self.rows:
            c = a11y.counts(vs)
            r = a11y.counts(vs, a11y.NEEDS_REVIEW)
            review = [
                sum(n for (k, _), n in r.items() if k == kind) for kind in (a11y.PROJECT, a11y.INTERNAL)
            ]
            cells = [
                title[:48],
                role,
                *(str(c.get((k, i), 0)) for k in (a11y.PROJECT, a11y.INTERNAL) for i in a11y.IMPACTS),
                f"{review[0]}/{review[1]}",
            ]
            lines.append("  ".join(x.ljust(w) for x, w in zip(cells, widths, strict=True)))
        lines += [f"{title} / {role}: {c}" for title, role, c in self.charts]
        used = {n.exception for _, _, vs in self.rows for v in vs for n in v.nodes if n.exception}
        unused = [e for e in self.exceptions if e not in used]
        if self.rows and unused:
            lines.append(
                "Exceptions that matched nothing in this run (fixed in Streamlit? then remove them):"
            )
            lines += [f"  {e.rule} {e.selector or ''} {e.html or ''} ({e.component})" for e in unused]
        return lines

    def as_json(self) -> list[dict]:
        charts = [
            {"page": t, "role": r, "rule": "chart-alternatives", "problem": c} for t, r, c in self.charts
        ]
        return charts + [
            {
                "page": title,
                "role": role,
                "rule": v.id,
                "outcome": v.outcome,
                "help": v.help,
                "impact": n.impact or v.impact,
                "kind": n.kind,
                "target": n.target,
                "html": n.html,
                "failure_summary": n.failure_summary,
                "reason": n.exception.reason if n.exception else None,
            }
            for title, role, vs in self.rows
            for v in vs
            for n in v.nodes
        ]


@pytest.fixture(scope="module")
def report(request):
    rep = Report()
    yield rep
    if not rep.rows:
        return
    tr = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if tr is not None and capture is not None:
        with capture.global_and_fixture_disabled():  # shown without -s
            tr.write_line("")
            tr.write_sep("-", "axe-core: violating nodes by page, role and impact")
            for line in rep.table():
                tr.write_line(line)
    if out := os.environ.get("A11Y_REPORT"):
        Path(out).write_text(json.dumps(rep.as_json(), indent=2), encoding="utf-8")


def expand_all(page) -> None:
    """Open every expander (the charts' table alternatives live in them) so axe checks their content."""
    closed = page.locator('[data-testid="stExpander"] details:not([open]) > summary').filter(visible=True)
    for _ in range(50):
        if not closed.count():
            break
        closed.first.click()
    page.wait_for_timeout(300)


def settle(page) -> None:
    """The run finished and the charts and grids drew themselves."""
    wait_idle(page)
    for chart in page.locator('[data-testid="stVegaLiteChart"]').all():
        if chart.is_visible():  # charts in a hidden tab draw only when the tab opens
            chart.locator("svg, canvas").first.wait_for(state="attached")
    page.wait_for_timeout(500)


def check(page, report: Report, title: str, role: str, expand: bool = True) -> list[str]:
    """axe on what the page shows now, plus each chart's description and table; the blocking problems."""
    settle(page)
    if expand:
        expand_all(page)
    violations = a11y.audit(page, report.exceptions)
    charts = a11y.chart_alternatives(page)
    report.add(title, role, violations, charts)
    return [f"{title} / {role}: " + a11y.describe(v, n) for v, n in a11y.blocking(violations)] + [
        f"{title} / {role}: {c}" for c in charts
    ]


@in_browser
def test_sign_in_page(live_app, page, report):
    page.goto(live_app.url + "/")
    page.get_by_role("textbox", name="User name").wait_for()
    problems = check(page, report, "Sign in", SIGNED_OUT)
    assert not problems, "serious/critical violations in the project's markup:\n" + "\n".join(problems)


@in_browser
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role(live_app, page, report, role):
    sign_in(page, live_app, role)
    problems = []
    for spec in pages_for(role):
        open_page(page, spec.title)
        tabs = page.locator('[data-testid="stTabs"] [role="tab"]')
        if not tabs.count():
            problems += check(page, report, spec.title, role)
            continue
        for i in range(tabs.count()):  # each tab's content is checked while it shows
            tab = tabs.nth(i)
            name = tab.inner_text().strip()
            tab.click()
            problems += check(page, report, f"{spec.title} › {name}", role)
    assert not problems, "serious/critical violations in the project's markup:\n" + "\n".join(problems)


@in_browser
def test_upload_states(live_app, page, report, tmp_path):
    """What only shows after an action: an open select list, a rejected file and a preview."""
    from lib.ingest import template_frame

    good, bad = tmp_path / "ny-a11y.csv", tmp_path / "ny-bad.csv"
    frame = template_frame("ny-workload")
    frame.loc[0, "id"] = "NY-2099-901"
    frame.to_csv(good, index=False)
    bad.write_text("id,received_on\nNY-2099-902,not a date\n", encoding="utf-8")

    sign_in(page, live_app, "staff")
    open_page(page, "Upload data")
    page.get_by_role("combobox", name="Dataset").click()
    page.get_by_role("option").first.wait_for()
    problems = check(page, report, "Upload data › dataset list open", "staff", expand=False)
    page.keyboard.press("Escape")
    select_option(page, "Dataset", "(ny-workload)")
    uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    uploader.set_input_files(str(bad))
    page.get_by_text(re.compile(r"ny-bad\.csv: rejected")).wait_for(timeout=60_000)
    problems += check(page, report, "Upload data › file rejected", "staff")
    uploader.set_input_files(str(good))
    page.get_by_role("button", name=re.compile("^Confirm")).wait_for(timeout=60_000)
    problems += check(page, report, "Upload data › preview", "staff")
    assert not problems, "serious/critical violations in the project's markup:\n" + "\n".join(problems)


def test_exceptions_file_is_valid_and_classifies():
    """Every allow-list entry has a rule, a selector or pattern and a reason; unlisted nodes are the project's."""
    exceptions = a11y.load_exceptions()
    assert exceptions, "tests/a11y_exceptions.toml lists the known Streamlit-internal findings"
    assert all(len(e.reason) > 40 and e.component for e in exceptions)
    chip = '[data-testid="stMultiSelect"] span[data-tag]'
    node = a11y.Node(
        ["span"], '<span aria-label="Brazil" data-tag="">', "serious", matched_selectors=frozenset({chip})
    )
    other = a11y.Node(["p"], "<p>Signed in as</p>", "serious")
    found = [
        a11y.Violation("aria-prohibited-attr", "serious", "", "", [], [node]),
        a11y.Violation("color-contrast", "serious", "", "", [], [other]),
    ]
    a11y.classify(found, exceptions)
    assert node.kind == a11y.INTERNAL and node.exception.selector == chip
    assert other.kind == a11y.PROJECT
    assert [v.id for v, _ in a11y.blocking(found)] == ["color-contrast"]
    # An entry limited to "needs review" never hides a violation of the same rule.
    tab = a11y.Node(
        ["p"], "<p>Trend</p>", "serious", matched_selectors=frozenset({'[data-testid="stTabs"] [role="tab"]'})
    )
    a11y.classify([a11y.Violation("color-contrast", "serious", "", "", [], [tab])], exceptions)
    assert tab.kind == a11y.PROJECT
