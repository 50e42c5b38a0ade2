"""Accessibility checks in the real browser: axe-core injected into a Playwright page.

axe-core comes from npm (``package.json`` at the repository root; ``npm ci`` installs it
into ``node_modules``). :func:`run_axe` injects ``node_modules/axe-core/axe.min.js`` into
the page and runs the WCAG 2.0/2.1 A and AA rules on the whole document.

Each violating node is then classified (:func:`classify`):

* ``"streamlit-internal"`` when an entry of ``tests/a11y_exceptions.toml`` matches it: the
  same rule id, and the node matches the entry's CSS ``selector`` (the element itself or an
  ancestor, ``Element.closest``) and/or its ``html`` regular expression (searched in axe's
  html snippet of the node). Every entry names the Streamlit component and gives the
  reason the project cannot change it;
* ``"project"`` otherwise: markup the project renders or can change (its own text,
  headings, labels, theme colours, charts, widget arguments).

Nothing is dropped: internal nodes are counted and reported, only kept apart.

axe also returns "incomplete" results (needs review: it could not decide, e.g. the contrast of
text in an SVG chart). :func:`run_axe` keeps them with ``outcome == NEEDS_REVIEW``; they are
classified and reported the same way but never counted as violations.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lib.paths import ROOT

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
EXCEPTIONS_FILE = Path(__file__).with_name("a11y_exceptions.toml")
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
# axe files heading order under "best-practice", not under a WCAG tag: run these rules as well
# (issue 7 asks for headings in order). Reported like the rest; their impact is moderate or minor.
HEADING_RULES = ("heading-order", "empty-heading", "page-has-heading-one")
IMPACTS = ("critical", "serious", "moderate", "minor")
BLOCKING = ("critical", "serious")
PROJECT, INTERNAL = "project", "streamlit-internal"
VIOLATION, NEEDS_REVIEW = "violation", "needs review"


@dataclass(frozen=True)
class Exception_:
    """One allow-list entry of ``a11y_exceptions.toml``."""

    rule: str
    reason: str
    component: str = ""
    selector: str | None = None  # CSS; matched with Element.closest (the node or an ancestor)
    html: str | None = None  # a regular expression searched in the node's html snippet
    outcome: str | None = None  # only this outcome (VIOLATION or NEEDS_REVIEW); None: both

    def matches(self, rule: str, node: Node, outcome: str = VIOLATION) -> bool:
        if rule != self.rule or (self.outcome is not None and outcome != self.outcome):
            return False
        if self.selector is not None and self.selector not in node.matched_selectors:
            return False
        if self.html is not None and not re.search(self.html, node.html):
            return False
        return True


@dataclass
class Node:
    target: list[str]  # axe's selector path (more than one item: inside iframes / shadow roots)
    html: str  # axe's html snippet of the element
    impact: str | None
    failure_summary: str = ""
    matched_selectors: frozenset[str] = frozenset()  # exception selectors this element matches
    kind: str = PROJECT  # PROJECT or INTERNAL after classify()
    exception: Exception_ | None = None


@dataclass
class Violation:
    id: str
    impact: str | None
    help: str
    help_url: str
    tags: list[str]
    nodes: list[Node] = field(default_factory=list)
    outcome: str = VIOLATION  # or NEEDS_REVIEW (axe's "incomplete")

    def nodes_of(self, kind: str) -> list[Node]:
        return [n for n in self.nodes if n.kind == kind]


def load_exceptions(path: Path = EXCEPTIONS_FILE) -> list[Exception_]:
    """The allow-list; every entry needs a rule, a reason and a selector or an html pattern."""
    if not path.is_file():
        return []
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("exception", [])
    out = []
    for i, e in enumerate(entries):
        unknown = set(e) - {"rule", "reason", "component", "selector", "html", "outcome"}
        if unknown:
            raise ValueError(f"{path.name} entry {i + 1}: unknown keys {sorted(unknown)}")
        if not e.get("rule") or not str(e.get("reason", "")).strip():
            raise ValueError(f"{path.name} entry {i + 1}: 'rule' and a non-empty 'reason' are required")
        if not e.get("selector") and not e.get("html"):
            raise ValueError(f"{path.name} entry {i + 1}: give a 'selector' or an 'html' pattern")
        if e.get("html"):
            re.compile(e["html"])
        if e.get("outcome") not in (None, VIOLATION, NEEDS_REVIEW):
            raise ValueError(f"{path.name} entry {i + 1}: outcome is {VIOLATION!r} or {NEEDS_REVIEW!r}")
        out.append(
            Exception_(
                rule=e["rule"],
                reason=" ".join(str(e["reason"]).split()),
                component=e.get("component", ""),
                selector=e.get("selector") or None,
                html=e.get("html") or None,
                outcome=e.get("outcome"),
            )
        )
    return out


def inject_axe(page) -> None:
    """Load axe-core into the page (once per document)."""
    if not AXE_JS.is_file():
        raise FileNotFoundError(f"{AXE_JS} is missing: run `npm ci` in the repository root")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))


_RUN = """
async ([kind, values, selectors]) => {
  const res = await axe.run(document, {runOnly: {type: kind, values: values}, resultTypes: ['violations', 'incomplete']});
  // Which of the allow-list's selectors each violating node matches (itself or an ancestor).
  const find = (target) => {
    let root = document, el = null;
    for (const part of target) {
      if (Array.isArray(part)) {            // a shadow DOM path
        for (const p of part) { el = (el ? el.shadowRoot : root).querySelector(p); if (!el) return null; }
      } else {
        el = root.querySelector(part);
      }
      if (!el) return null;
      if (el.tagName === 'IFRAME') { try { root = el.contentDocument; } catch (e) { return el; } }
    }
    return el;
  };
  const matching = (el) => selectors.filter((s) => { try { return !!el.closest(s); } catch (e) { return false; } });
  const out = (list, outcome) => list.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, tags: v.tags, outcome: outcome,
    nodes: v.nodes.map((n) => {
      let el = null;
      try { el = find(n.target); } catch (e) { el = null; }
      const why = n.failureSummary || [...n.any, ...n.all, ...n.none].map((c) => c.message).join('; ');
      return {target: n.target, html: n.html, impact: n.impact, failureSummary: why || '',
              matched: el ? matching(el) : []};
    }),
  }));
  return [...out(res.violations, 'violation'), ...out(res.incomplete, 'needs review')];
}
"""


def run_axe(
    page,
    selectors: list[str] | tuple[str, ...] = (),
    tags=WCAG_TAGS,
    rules: tuple[str, ...] = (),
    incomplete: bool = False,
) -> list[Violation]:
    """Run axe on the page's document: the rules of ``tags`` (default WCAG 2.0/2.1 A and AA), or
    exactly ``rules`` when given. Returns the violations, and with ``incomplete`` also axe's
    needs-review results (``outcome``). ``selectors``: exception selectors to test each
    node against (see :func:`classify`)."""
    inject_axe(page)
    run_only = ["rule", list(rules)] if rules else ["tag", list(tags)]
    raw: list[dict[str, Any]] = page.evaluate(_RUN, [*run_only, list(selectors)])
    return [
        Violation(
            id=v["id"],
            impact=v["impact"],
            help=v["help"],
            help_url=v["helpUrl"],
            tags=v["tags"],
            outcome=v["outcome"],
            nodes=[
                Node(
                    target=[str(t) for t in n["target"]],
                    html=n["html"],
                    impact=n["impact"],
                    failure_summary=n["failureSummary"],
                    matched_selectors=frozenset(n["matched"]),
                )
                for n in v["nodes"]
            ],
        )
        for v in raw
        if incomplete or v["outcome"] == VIOLATION
    ]


def classify(violations: list[Violation], exceptions: list[Exception_]) -> list[Violation]:
    """Mark each node ``project`` or ``streamlit-internal`` (the first matching exception wins)."""
    for v in violations:
        for n in v.nodes:
            hit = next((e for e in exceptions if e.matches(v.id, n, v.outcome)), None)
            n.kind, n.exception = (INTERNAL, hit) if hit else (PROJECT, None)
    return violations


def audit(
    page, exceptions: list[Exception_] | None = None, headings: bool = True, incomplete: bool = True
) -> list[Violation]:
    """The WCAG rules (and with ``headings`` the heading rules), classified with the allow-list
    (default: the exceptions file); with ``incomplete`` the needs-review results too."""
    exceptions = load_exceptions() if exceptions is None else exceptions
    selectors = sorted({e.selector for e in exceptions if e.selector})
    found = run_axe(page, selectors, incomplete=incomplete)
    if headings:
        found += run_axe(page, selectors, rules=HEADING_RULES, incomplete=incomplete)
    return classify(found, exceptions)


_CHARTS = """
() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
  .filter((c) => c.offsetParent !== null)
  .map((c) => {
    const label = (c.getAttribute('aria-label') || c.querySelector('svg, canvas')?.getAttribute('aria-label') || '').trim();
    // The table alternative: an expander holding a data frame or table among the next few blocks.
    let box = c.closest('[data-testid="stElementContainer"]') || c, table = false;
    for (let i = 0, sib = box.nextElementSibling; sib && i < 4; i++, sib = sib.nextElementSibling) {
      if (sib.querySelector('[data-testid="stExpander"] [data-testid="stDataFrame"], [data-testid="stExpander"] [data-testid="stTable"]')) { table = true; break; }
    }
    const title = c.querySelector('svg .role-title-text, svg text.role-title-text')?.textContent
      || c.querySelector('svg text')?.textContent || '';
    return {title: title.trim(), description: label, table: table};
  })
"""


def chart_alternatives(page) -> list[str]:
    """Visible charts lacking a text description (aria-label) or a table alternative after them."""
    out = []
    for c in page.evaluate(_CHARTS):
        missing = [
            what for what, ok in (("text description", c["description"]), ("table", c["table"])) if not ok
        ]
        if missing:
            out.append(f"chart {c['title']!r}: no {' and no '.join(missing)}")
    return out


def counts(violations: list[Violation], outcome: str = VIOLATION) -> dict[tuple[str, str], int]:
    """Nodes of one outcome (default: violations) by (kind, impact)."""
    c: Counter[tuple[str, str]] = Counter()
    for v in violations:
        if v.outcome != outcome:
            continue
        for n in v.nodes:
            c[(n.kind, n.impact or v.impact or "minor")] += 1
    return dict(c)


def blocking(violations: list[Violation]) -> list[tuple[Violation, Node]]:
    """Serious or critical nodes in the project's own markup."""
    return [
        (v, n)
        for v in violations
        for n in v.nodes
        if v.outcome == VIOLATION and n.kind == PROJECT and (n.impact or v.impact) in BLOCKING
    ]


def describe(v: Violation, n: Node, limit: int = 300) -> str:
    html = n.html if len(n.html) <= limit else n.html[:limit] + "…"
    review = " (needs review)" if v.outcome == NEEDS_REVIEW else ""
    line = (
        f"[{n.impact or v.impact}]{review} {v.id}: {v.help}\n"
        f"    target: {' >>> '.join(n.target)}\n    html: {html}"
    )
    if n.exception:
        line += f"\n    streamlit-internal ({n.exception.component}): {n.exception.reason}"
    return line
