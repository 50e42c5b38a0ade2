"""Generate the ILLUSTRATIVE data of the dashboard: rounds, progress, NY workload, action 2, recommendations.

Run from the repository root, after ``scripts/build_seed.py``::

    python scripts/generate_illustrative.py [--out data]

None of this is real: it exists so that every page has something plausible to show
before staff upload real reports. Every row carries ``illustrative=true``. The
output is deterministic (one seeded generator, fixed iteration order), so a re-run
gives byte-identical files and a test can check that the committed files are current.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pycountry

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, sys.path[0] is scripts/; lib/ lives at the repository root.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lib.datasets import (  # noqa: E402
    ACTION2,
    ACTION_POINTS,
    NY_WORKLOAD,
    OHCHR_UNITS,
    RECOMMENDATION_STATUS,
    RECOMMENDATIONS,
    ROUNDS,
    Dataset,
    join_list,
)

SEED = 2005
DATA = ROOT / "data"
YEARS = (2006, 2007, 2008)
ROUND_IDS = tuple(f"{y}-H{h}" for y in YEARS for h in (1, 2))
# Data "as of" the end of the last round's half-year: later work is not known yet.
AS_OF = date(2008, 12, 31)

# --- Small helpers -----------------------------------------------------------------


def iso(d: date | None) -> str:
    """ISO date, or empty for a missing date."""
    return d.isoformat() if d else ""


def pick(rng: np.random.Generator, items: tuple | list, p: Iterable[float] | None = None):
    """One item of ``items`` (weights ``p``, normalised), as a plain Python value."""
    if p is not None:
        w = np.asarray(list(p), dtype=float)
        p = w / w.sum()
    return items[int(rng.choice(len(items), p=p))]


def weekday_on_or_before(d: date) -> date:
    """Meetings and cut-offs fall on working days."""
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return d


def half_year(round_id: str) -> tuple[date, date]:
    """First and last day of a round's half-year."""
    year, half = int(round_id[:4]), round_id[-1]
    return (date(year, 1, 1), date(year, 6, 30)) if half == "1" else (date(year, 7, 1), date(year, 12, 31))


def write_dataset(path: Path, ds: Dataset, rows: list[dict[str, str]]) -> None:
    """Write rows in the dataset's template layout, every column, in order, \\n line ends."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=ds.column_names, lineterminator="\n", extrasaction="raise")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "illustrative": "true"})


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --- Rounds ----------------------------------------------------------------------


def make_rounds(rng: np.random.Generator) -> list[dict[str, str]]:
    """Six rounds: principals meet in May/June and November/December (paragraph 134)."""
    rows = []
    for rid in ROUND_IDS:
        year, half = int(rid[:4]), rid[-1]
        if half == "1":
            meeting = date(year, 5, 15) + timedelta(days=int(rng.integers(0, 40)))  # 15 May .. 23 June
        else:
            meeting = date(year, 11, 10) + timedelta(days=int(rng.integers(0, 35)))  # 10 Nov .. 14 Dec
        meeting = weekday_on_or_before(meeting)
        cutoff = weekday_on_or_before(meeting - timedelta(days=21))
        ordinal = "First" if half == "1" else "Second"
        rows.append(
            {
                "id": rid,
                "title": f"{ordinal} {year} consultation of principals",
                "meeting_date": iso(meeting),
                "cutoff_date": iso(cutoff),
            }
        )
    return rows


# --- Progress reports ------------------------------------------------------------------

FOTCD = "Field Operations and Technical Cooperation Division"
CBFOB = "Capacity Building and Field Operations Branch"
RRDB = "Research and Right to Development Branch"
TCB = "Treaties and Commission Branch"
SPB = "Special Procedures Branch"
EDM = "Executive Direction and Management"
NYO = "New York Office"
ADMIN = "Administrative Section"

# Lead unit per action point, following the subject of each paragraph.
LEAD_UNITS = {
    "127a": FOTCD, "127b": FOTCD, "127c": CBFOB, "127d": CBFOB, "127e": CBFOB,
    "128": CBFOB, "129": RRDB, "130": RRDB, "131": TCB, "132": RRDB, "133": CBFOB,
    "134": EDM, "135": NYO, "136": RRDB, "137": EDM, "138": EDM, "139": RRDB, "140": EDM, "141": EDM,
    "142": CBFOB, "143": NYO, "144": EDM,
    "145": TCB, "146": TCB, "147": TCB, "148": TCB, "149": SPB, "150": SPB,
    "151": EDM, "152": ADMIN, "153": NYO, "154": ADMIN, "155": ADMIN, "156": ADMIN, "157": ADMIN, "158": ADMIN,
}  # fmt: skip

# Action points scheduled for an early, one-off deliverable (e.g. 147: an
# intergovernmental meeting in 2006; 150: special meetings in 2005).
EARLY = {"147", "150", "132", "136", "151"}
# Action points that fall behind: a due date in 2007 they miss, so the
# dashboard's "overdue" flag has something to show.
LAGGARDS = {"127a", "129", "137", "148", "154", "156"}
# Continuing functions with no single due date.
NO_DUE_DATE = {"131", "134", "135", "145", "149"}

SUMMARIES = {
    "not_started": (
        "Work has not started; preparatory discussions are under way.",
        "Not yet started pending the allocation of resources.",
        "Scheduled to start once the related posts are filled.",
    ),
    "limited": (
        "Initial steps taken; a concept note has been circulated for comment.",
        "Consultations with partners have begun; first outputs are in preparation.",
        "Recruitment for the dedicated posts is under way.",
        "A work plan has been agreed and early activities have started.",
    ),
    "substantial": (
        "Most planned activities are under way and on schedule.",
        "Core staff are in place and the main outputs are in draft.",
        "Good progress; remaining work depends on extrabudgetary funding.",
        "Implementation is well advanced in most of the regions concerned.",
    ),
    "completed": (
        "Completed as planned; follow-up is part of regular work.",
        "The deliverable has been completed and shared with partners.",
        "Completed; lessons learned have been documented.",
    ),
}
NEXT_STEPS = {
    "not_started": ("Finalise the concept note.", "Secure funding for the first phase.", "Identify a focal point."),
    "limited": ("Complete recruitment.", "Hold the first consultation with partners.", "Finalise the work plan."),
    "substantial": ("Consolidate results and report to the next round.", "Extend to the remaining regions.",
                    "Prepare an evaluation of the first phase."),
    "completed": ("", "Monitor follow-up.", ""),
}  # fmt: skip
INTERNAL_NOTES = (
    "Funding for two posts not yet confirmed by donors.",
    "Depends on the outcome of the budget discussions in the Fifth Committee.",
    "Coordination with the partner department to be raised at the next meeting.",
    "Delay partly due to the transition to the Human Rights Council.",
    "Recruitment freeze affected the timeline.",
    "Consider merging with the related action point in the next plan.",
)


def end_of_half(year: int, half: int) -> date:
    """Due dates fall at the end of a half-year, in step with the rounds."""
    return date(year, 6, 30) if half == 1 else date(year, 12, 31)


def status_of(pct: int) -> str:
    """The status band a percentage falls in (the rule lib's validation enforces)."""
    if pct <= 0:
        return "not_started"
    if pct < 40:
        return "limited"
    if pct < 100:
        return "substantial"
    return "completed"


def make_progress(
    rng: np.random.Generator, rounds: list[dict[str, str]], action_points: list[dict[str, str]]
) -> list[dict[str, str]]:
    """One report per action point and round, with a mostly rising trajectory."""
    plans = {}
    for ap in action_points:
        aid = ap["id"]
        if aid in EARLY:
            pace, start, due = rng.uniform(30, 45), 10 + int(rng.integers(0, 20)), end_of_half(2007, 1)
        elif aid in LAGGARDS:
            pace, start = rng.uniform(3, 9), int(rng.integers(0, 6))
            due = end_of_half(2007, int(pick(rng, (1, 2))))
        else:
            pace, start = rng.uniform(8, 22), int(rng.integers(0, 25))
            due = end_of_half(int(pick(rng, (2007, 2008, 2008, 2009, 2009))), int(pick(rng, (1, 2))))
        if aid in NO_DUE_DATE:
            due = None
        plans[aid] = (pace, start, due)

    rows = []
    pct_by_ap: dict[str, int] = {}
    setback: set[str] = set()
    for rnd in rounds:
        meeting = date.fromisoformat(rnd["meeting_date"])
        cutoff = date.fromisoformat(rnd["cutoff_date"])
        for ap in action_points:
            aid = ap["id"]
            pace, start, due = plans[aid]
            prev = pct_by_ap.get(aid)
            if prev is None:
                pct = start if rng.random() < 0.8 else 0
            elif prev >= 100:
                pct = 100  # completed actions stay completed
            elif rng.random() < 0.06 and prev > 10 and aid not in setback:
                # A setback (e.g. a lost post or funding), at most once per action point,
                # never back to "not started".
                pct = max(1, prev - int(rng.integers(5, 16)))
                setback.add(aid)
            else:
                pct = prev + int(round(pace * rng.uniform(0.4, 1.6)))
            if aid in LAGGARDS:
                pct = min(pct, 85)  # laggards never complete within the period
            pct = max(0, min(100, pct))
            # Near the end, round up: an action at 96% is reported as completed.
            if pct >= 95 and aid not in LAGGARDS:
                pct = 100
            status = status_of(pct)

            delta = pct - prev if prev is not None else pct
            overdue = due is not None and due < meeting and status != "completed"
            if status == "completed":
                assessment = "on_track"
            elif prev is not None and delta < 0:
                assessment = "off_track"
            elif overdue:
                assessment = "off_track" if pct < 50 else "at_risk"
            elif prev is not None and delta < 6:
                assessment = "at_risk"
            else:
                assessment = "on_track"
            pct_by_ap[aid] = pct

            unit = LEAD_UNITS[aid]
            summary = pick(rng, SUMMARIES[status])
            if overdue:
                summary += " The original deadline has passed."
            rows.append(
                {
                    "round_id": rnd["id"],
                    "action_point_id": aid,
                    "status": status,
                    "assessment": assessment,
                    "percent_complete": str(pct),
                    "lead_unit": unit,
                    "due_date": iso(due),
                    "summary": summary,
                    "next_steps": pick(rng, NEXT_STEPS[status]),
                    "internal_notes": pick(rng, INTERNAL_NOTES) if rng.random() < 0.2 else "",
                    "reported_by": f"Focal point, {unit}",
                    # Reports come in during the fortnight before the cut-off.
                    "reported_on": iso(cutoff - timedelta(days=int(rng.integers(1, 15)))),
                }
            )
    return rows


# --- New York office workload -----------------------------------------------------------

NY_AREAS = ("rule_of_law", "mainstreaming", "mdgs", "action2", "peace_security", "other")
# Requesting bodies per work area, with weights.
NY_BODIES = {
    "rule_of_law": (("Security Council", "General Assembly", "Executive Committee on Peace and Security",
                     "DPKO", "Secretary-General", "Other"), (3, 2, 3, 3, 1, 1)),
    "mainstreaming": (("UNDG", "ECOSOC", "General Assembly", "Secretary-General", "Other"), (4, 2, 2, 2, 1)),
    "mdgs": (("ECOSOC", "UNDG", "General Assembly", "Secretary-General"), (3, 3, 2, 1)),
    "action2": (("UNDG", "Secretary-General", "Other"), (6, 2, 1)),
    "peace_security": (("Security Council", "Peacebuilding Commission", "DPKO", "DPA",
                        "Executive Committee on Peace and Security"), (4, 2, 2, 3, 3)),
    "other": (("Human Rights Council", "General Assembly", "ECOSOC", "Other"), (3, 2, 1, 3)),
}  # fmt: skip
# Bodies that did not exist yet: the Human Rights Council held its first session on
# 19 June 2006 and the Peacebuilding Commission its first meeting on 23 June 2006.
BODY_FROM = {"Human Rights Council": date(2006, 6, 19), "Peacebuilding Commission": date(2006, 6, 23)}
NY_KINDS = ("meeting", "briefing", "written_input", "report", "consultation", "other")
KIND_WEIGHTS = (5, 4, 4, 1.5, 2.5, 1)
KIND_HOURS = {  # (low, high) hours: reports take longest
    "meeting": (1, 8), "briefing": (2, 16), "written_input": (3, 24), "report": (15, 60),
    "consultation": (2, 12), "other": (1, 10),
}  # fmt: skip
KIND_DAYS = {"meeting": 3, "briefing": 7, "written_input": 14, "report": 45, "consultation": 10, "other": 10}
KIND_TITLE = {
    "meeting": "Meeting", "briefing": "Briefing", "written_input": "Written input",
    "report": "Report", "consultation": "Consultation", "other": "Follow-up",
}  # fmt: skip
AREA_TOPIC = {
    "rule_of_law": "rule of law and transitional justice",
    "mainstreaming": "human rights mainstreaming",
    "mdgs": "human rights and the MDGs",
    "action2": "action 2 and UN country teams",
    "peace_security": "peace and security",
    "other": "human rights issues",
}
# Staff grow with the plan's reinforcement of the New York office (paragraph 153).
STAFF_FROM = {1: date(2006, 1, 1), 2: date(2006, 1, 1), 3: date(2006, 1, 1),
              4: date(2006, 9, 1), 5: date(2007, 3, 1), 6: date(2008, 1, 1)}  # fmt: skip


def area_weights(t: float) -> tuple[float, ...]:
    """Work area mix at time ``t`` (0 = Jan 2006, 1 = Dec 2008): MDGs, action 2, peace grow."""
    return (3.0, 2.5, 1.0 + 1.5 * t, 1.0 + 2.0 * t, 2.0 + 1.0 * t, 1.5)


def make_workload(rng: np.random.Generator) -> list[dict[str, str]]:
    """Work items received 2006-01 to 2008-12, monthly volume growing about 2.5-fold."""
    items = []
    months = [(y, m) for y in YEARS for m in range(1, 13)]
    for k, (y, m) in enumerate(months):
        t = k / (len(months) - 1)
        n = int(rng.poisson(7 + 13 * t))
        first = date(y, m, 1)
        days_in_month = ((date(y + (m == 12), m % 12 + 1, 1)) - first).days
        for _ in range(n):
            received = first + timedelta(days=int(rng.integers(0, days_in_month)))
            area = pick(rng, NY_AREAS, area_weights(t))
            bodies, weights = NY_BODIES[area]
            w = [
                wt if received >= BODY_FROM.get(b, date.min) else 0
                for b, wt in zip(bodies, weights, strict=True)
            ]
            body = pick(rng, bodies, w)
            kind = pick(rng, NY_KINDS, KIND_WEIGHTS)
            lo, hi = KIND_HOURS[kind]
            hours = round(float(rng.uniform(lo, hi)) * 2) / 2  # half-hour steps
            staff = pick(rng, [s for s, since in STAFF_FROM.items() if since <= received])
            days = int(rng.integers(0, 2 * KIND_DAYS[kind] + 1))
            completed_on = received + timedelta(days=days)
            age = (AS_OF - received).days
            if completed_on <= AS_OF and (age > 60 or rng.random() < 0.5):
                # Older requests are almost all done; a few stay open (e.g. standing requests).
                status = "completed" if rng.random() < 0.97 or age <= 60 else "in_progress"
            else:
                status = pick(rng, ("open", "in_progress"), (1, 2))
            if status != "completed":
                completed_on = None
            items.append(
                {
                    "received_on": received,
                    "work_area": area,
                    "requesting_body": body,
                    "kind": kind,
                    "title": f"{KIND_TITLE[kind]} on {AREA_TOPIC[area]} ({body})",
                    "staff_member": f"NY officer {staff}",
                    "hours": f"{hours:g}",
                    "status": status,
                    "completed_on": iso(completed_on),
                }
            )
    items.sort(key=lambda r: r["received_on"])  # stable: ties keep generation order
    rows, seq = [], {}
    for item in items:
        y = item["received_on"].year
        seq[y] = seq.get(y, 0) + 1
        rows.append({"id": f"NY-{y}-{seq[y]:03d}", **item, "received_on": iso(item["received_on"])})
    return rows


# --- Action 2 -----------------------------------------------------------------------------

# Agencies doing action 2 work, weighted by how much they would report; OHCHR
# (the convening office) and UNDG (the framework) report a little joint work.
A2_AGENCY_WEIGHTS = {
    "UNDP": 10, "UNICEF": 9, "UNFPA": 5, "UNHCR": 5, "UNESCO": 3, "ILO": 3, "WHO": 3, "UN-HABITAT": 2,
    "UNIFEM": 4, "WFP": 2, "FAO": 2, "UNAIDS": 3, "DPKO": 3, "DPA": 2, "UNODC": 2, "UNDG": 2, "OHCHR": 3,
}  # fmt: skip
# These two stop reporting after 2007-H2, so the "stale agency" flag has a case.
STALE_AGENCIES = ("UN-HABITAT", "WFP")
STALE_AFTER = "2007-H2"
# Countries with UN country teams engaged in action 2 (all in ISO 3166 and in the map).
A2_COUNTRIES = (
    "AFG", "AGO", "BDI", "BGD", "BOL", "BIH", "KHM", "CMR", "TCD", "COL", "COD", "CIV", "ECU", "SLV",
    "ETH", "GTM", "HTI", "HND", "IDN", "IRQ", "KEN", "KGZ", "LBR", "MWI", "MDA", "MNG", "MOZ", "NPL",
    "NIC", "NER", "PRY", "PHL", "RWA", "SRB", "SLE", "LKA", "SDN", "TJK", "TLS", "UGA",
)  # fmt: skip
A2_TYPES = ("training", "hr_adviser", "learning_package", "protection_system", "treaty_reporting", "other")
A2_TYPE_WEIGHTS = (35, 14, 15, 14, 13, 9)
A2_DESCRIPTIONS = {
    "training": ("Training of the UN country team on the human rights-based approach",
                 "Training of national counterparts on human rights standards",
                 "Training of trainers on human rights programming"),
    "hr_adviser": ("Deployment of a human rights adviser to the resident coordinator",
                   "Human rights adviser supporting the UN country team"),
    "learning_package": ("Roll-out of the UNDG common learning package on the human rights-based approach",
                         "Adaptation of the common learning package to the country context"),
    "protection_system": ("Support to the national human rights institution",
                          "Support to the national protection system assessment"),
    "treaty_reporting": ("Support to State reporting to the treaty bodies",
                         "Follow-up to treaty body concluding observations with the UN country team"),
    "other": ("Human rights input to the common country assessment",
              "Human rights review of the UNDAF results matrix"),
}  # fmt: skip
A2_VOLUME = {"2006-H1": 38, "2006-H2": 46, "2007-H1": 52, "2007-H2": 58, "2008-H1": 62, "2008-H2": 66}


def check_countries(codes: Iterable[str], map_path: Path) -> None:
    """Every country must be a current ISO 3166 country and have a shape on the world map."""
    topo = json.loads(map_path.read_text(encoding="utf-8"))
    map_ids = {g.get("id") for g in topo["objects"]["countries"]["geometries"]}
    for code in codes:
        country = pycountry.countries.get(alpha_3=code)
        if country is None or country.numeric not in map_ids:
            raise ValueError(f"action 2 country {code} is not in ISO 3166 or not on the world map")


def make_action2(
    rng: np.random.Generator, rounds: list[dict[str, str]], agencies: list[str]
) -> list[dict[str, str]]:
    """Activities per round, growing in number; two agencies go quiet after 2007-H2."""
    unknown = set(A2_AGENCY_WEIGHTS) - set(agencies)
    if unknown:
        raise ValueError(f"agencies missing from agencies.csv: {sorted(unknown)}")
    rows = []
    seq: dict[int, int] = {}
    for rnd in rounds:
        rid = rnd["id"]
        cutoff = date.fromisoformat(rnd["cutoff_date"])
        first, last = half_year(rid)
        active = [a for a in A2_AGENCY_WEIGHTS if not (a in STALE_AGENCIES and rid > STALE_AFTER)]
        weights = [A2_AGENCY_WEIGHTS[a] for a in active]
        acts = []
        for _ in range(A2_VOLUME[rid]):
            agency = pick(rng, active, weights)
            country = pick(rng, A2_COUNTRIES)
            kind = pick(rng, A2_TYPES, A2_TYPE_WEIGHTS)
            # Trainings and deployments are reported once they have happened, so
            # they start before the cut-off; other work may be planned ahead.
            latest = cutoff if kind in ("training", "hr_adviser") else last
            start = first + timedelta(days=int(rng.integers(0, (latest - first).days + 1)))
            if kind == "training":
                end = start + timedelta(days=int(rng.integers(0, 5)))
            elif kind == "learning_package":
                end = start + timedelta(days=int(rng.integers(1, 11)))
            elif kind == "hr_adviser":
                end = None if rng.random() < 0.4 else start + timedelta(days=int(rng.integers(180, 730)))
            elif kind == "protection_system":
                end = None if rng.random() < 0.3 else start + timedelta(days=int(rng.integers(30, 365)))
            elif kind == "treaty_reporting":
                end = start + timedelta(days=int(rng.integers(30, 181)))
            else:
                end = start + timedelta(days=int(rng.integers(1, 61)))

            # Status as known at the round's cut-off.
            if start > cutoff:
                status = "cancelled" if rng.random() < 0.08 else "planned"
            elif end is not None and end < cutoff:
                status = "completed"
            else:
                status = "ongoing"

            participants = advisers = 0
            if kind == "training":
                participants = int(rng.integers(10, 81))
            elif kind == "hr_adviser":
                advisers = int(rng.integers(1, 3))
            elif kind == "learning_package" and status in ("completed", "ongoing"):
                participants = int(rng.integers(8, 41))
            acts.append(
                {
                    "agency": agency,
                    "country_iso3": country,
                    "type": kind,
                    "start_date": start,
                    "end_date": iso(end),
                    "participants_trained": str(participants),
                    "advisers_deployed": str(advisers),
                    "status": status,
                    "round_id": rid,
                    "description": pick(rng, A2_DESCRIPTIONS[kind]),
                }
            )
        acts.sort(key=lambda r: r["start_date"])
        for act in acts:
            y = act["start_date"].year
            seq[y] = seq.get(y, 0) + 1
            rows.append({"id": f"A2-{y}-{seq[y]:03d}", **act, "start_date": iso(act["start_date"])})
    return rows


# --- Self-assessments ---------------------------------------------------------------------

ASSESSMENT_ORDER = ("off_track", "at_risk", "on_track")


def add_self_assessments(rng: np.random.Generator, progress: list[dict[str, str]]) -> None:
    """The lead unit's own assessment beside OHCHR's: mostly the same, more often rosier than not.

    Lead units were first asked for one in 2006-H2, so the first round's reports have none.
    """
    for row in progress:
        if row["round_id"] == ROUND_IDS[0]:
            row["self_assessment"] = ""
            continue
        i = ASSESSMENT_ORDER.index(row["assessment"])
        u = rng.random()
        if u < 0.22 and i < 2:
            i += 1  # the owner sees it better than the review does
        elif u > 0.96 and i > 0:
            i -= 1
        row["self_assessment"] = ASSESSMENT_ORDER[i]


# --- Recommendations and their follow-up ------------------------------------------------

# (round made, text, addressees, action points, MDG indicators, lead, priority), in the spirit
# of the plan: what principals would ask of the system and of OHCHR itself.
RECOMMENDATIONS_MADE = (
    ("2006-H1", "Partner agencies to designate a human rights focal point in each UN country team engaged in "
     "action 2 and share the names with OHCHR before the next consultation.",
     ("UNDP", "UNICEF", "UNFPA", "UNDG", CBFOB), ("142", "143"), (), "UNDG", "high"),
    ("2006-H1", "OHCHR to circulate a concept note on its unit on the Millennium Development Goals and "
     "rights-based approaches for comments from partner agencies.",
     (RRDB, "UNDP", "UNICEF"), ("136",), ("1.1", "2.1", "5.1"), RRDB, "medium"),
    ("2006-H1", "DPKO and OHCHR to review the support given to the human rights components of peace "
     "operations and agree on a joint guidance note.",
     ("DPKO", FOTCD), ("127e",), (), "DPKO", "high"),
    ("2006-H1", "OHCHR to brief the consultation on the options for a unified standing treaty body before "
     "the intergovernmental meeting of States parties.",
     (TCB,), ("147",), (), TCB, "medium"),
    ("2006-H1", "Agencies to share their training calendars on the human rights-based approach so that "
     "trainings for UN country teams can be held jointly.",
     ("UNDG", "UNICEF", "UNFPA", "UNIFEM", CBFOB), ("142",), (), "UNDG", "low"),
    ("2006-H2", "UNDP and OHCHR to prepare a chapter on human rights and poverty reduction for the thematic "
     "Global Human Rights Report, drawing on national MDG reports.",
     ("UNDP", RRDB), ("129", "139"), ("1.1", "1.2"), "UNDP", "high"),
    ("2006-H2", "UNICEF, WHO and UNFPA to disaggregate the child and maternal health data they share with "
     "country teams by sex and by urban and rural location.",
     ("UNICEF", "WHO", "UNFPA"), ("136",), ("4.1", "4.2", "5.1", "5.2"), "UNICEF", "medium"),
    ("2006-H2", "OHCHR to set out with OHRM a timetable for the review of its human resource policies and "
     "report on it to the next consultation.",
     (ADMIN,), ("154", "158"), (), ADMIN, "medium"),
    ("2006-H2", "The New York Office to brief the Peacebuilding Commission on human rights in its "
     "country-specific configurations.",
     (NYO, "DPA"), ("135", "153"), (), NYO, "high"),
    ("2006-H2", "UNHCR and OHCHR to agree on joint training for protection officers on the work of the "
     "treaty bodies and special procedures.",
     ("UNHCR", TCB, SPB), ("131", "145"), (), "UNHCR", "low"),
    ("2007-H1", "UNIFEM and OHCHR to prepare together the servicing of the Committee on the Elimination of "
     "Discrimination against Women after its move to Geneva.",
     ("UNIFEM", TCB), ("148",), ("3.3",), TCB, "medium"),
    ("2007-H1", "Partner agencies to use the common learning package on the human rights-based approach in "
     "every UN country team preparing a new UNDAF in 2008.",
     ("UNDG", "UNDP", "UNICEF", "UNFPA", "WHO"), ("142", "143"), (), "UNDG", "high"),
    ("2007-H1", "ILO and OHCHR to prepare a joint note on economic, social and cultural rights in decent "
     "work country programmes.",
     ("ILO", RRDB), ("129", "138"), ("1.4", "1.5", "1.6"), "ILO", "medium"),
    ("2007-H1", "OHCHR to present the results of its analysis of field deployment options and the criteria "
     "it will apply to new offices.",
     (FOTCD, EDM), ("127b",), (), FOTCD, "high"),
    ("2007-H1", "UN-HABITAT and OHCHR to document forced evictions with the country teams concerned and agree "
     "on their follow-up.",
     ("UN-HABITAT", FOTCD), ("129",), ("7.10",), "UN-HABITAT", "low"),
    ("2007-H2", "UNESCO, UNICEF and OHCHR to align their support to human rights education in schools with "
     "the targets on primary education.",
     ("UNESCO", "UNICEF", RRDB), ("140",), ("2.1", "2.2", "3.1"), "UNESCO", "medium"),
    ("2007-H2", "OHCHR to complete the roster of its rapid response capacity and share the deployment "
     "procedures with DPKO and DPA.",
     (FOTCD, "DPKO", "DPA"), ("127c",), (), FOTCD, "high"),
    ("2007-H2", "UNAIDS and WHO to include rights-based measures of access to treatment in their reports to "
     "the consultation.",
     ("UNAIDS", "WHO"), ("136",), ("6.1", "6.5", "8.13"), "UNAIDS", "medium"),
    ("2007-H2", "OHCHR to ask donor countries to sponsor Junior Professional Officers from developing "
     "countries and report on the response.",
     (ADMIN, EDM), ("156",), (), EDM, "low"),
    ("2007-H2", "FAO and WFP to take the right to food into account in the food security assessments they "
     "carry out with country teams.",
     ("FAO", "WFP"), ("129",), ("1.8", "1.9"), "FAO", "medium"),
    ("2008-H1", "OHCHR to present a communications strategy for the sixtieth anniversary of the Universal "
     "Declaration of Human Rights and invite agencies to join the campaign.",
     (EDM, "UNDP", "UNICEF", "UNESCO"), ("137", "140"), (), EDM, "high"),
    ("2008-H1", "UNDG to cover resident coordinators' human rights competencies in the induction of every "
     "new resident coordinator.",
     ("UNDG", NYO), ("143",), (), "UNDG", "high"),
    ("2008-H1", "UNDP and OHCHR to agree on a joint programme of support to national human rights "
     "institutions in five countries.",
     ("UNDP", CBFOB), ("128", "146"), (), "UNDP", "medium"),
    ("2008-H1", "UNODC and OHCHR to coordinate their support to justice reform and rule-of-law assessments in "
     "post-conflict countries.",
     ("UNODC", "DPKO", CBFOB), ("133",), (), "UNODC", "medium"),
    ("2008-H1", "UNFPA and WHO to report on the gaps in maternal mortality data, by urban and rural location, "
     "in the countries with the highest ratios.",
     ("UNFPA", "WHO"), ("136",), ("5.1", "5.2", "5.5"), "UNFPA", "high"),
    ("2008-H1", "OHCHR to put in place its policy, planning, monitoring and evaluation unit and share its "
     "first plan with partners.",
     (EDM,), ("141", "151"), (), EDM, "medium"),
)  # fmt: skip
# Dropped along the way, with the reason given at the consultation.
DROPPED = {
    "R-2007-H1-05": ("2008-H1", "UN-HABITAT withdrew from action 2 reporting; the work continues under the "
                     "joint housing rights programme."),
    "R-2006-H2-05": ("2007-H2", "Superseded by the treaty body capacity-building programme."),
}  # fmt: skip
REC_NOTES = {
    "not_started": ("Not started; a focal point has been named.", "Awaiting funding.",
                    "To be taken up after the current planning cycle."),
    "limited": ("First consultations held.", "A draft is being prepared.", "Terms of reference agreed."),
    "substantial": ("Draft shared with partners for comment.", "Most country teams covered.",
                    "Work well advanced; completion expected by the next round."),
    "completed": ("Completed and reported to principals.", "Done; follow-up is part of regular work."),
}  # fmt: skip
STEP_UP = {"not_started": "limited", "limited": "substantial", "substantial": "completed"}


def make_recommendations(rng: np.random.Generator) -> list[dict[str, str]]:
    """The recommendations of 2006-H1 to 2008-H1, each due a round or a date later."""
    rows, seq = [], {}
    for made, text, addressees, aps, indicators, lead, priority in RECOMMENDATIONS_MADE:
        seq[made] = seq.get(made, 0) + 1
        later = ROUND_IDS[ROUND_IDS.index(made) + 1 :]
        due_round, due_date = "", ""
        if rng.random() < 0.65:
            due_round = later[min(int(rng.integers(0, 3)), len(later) - 1)]
        else:
            year, half = int(made[:4]) + 1, int(pick(rng, (1, 2)))
            due_date = iso(end_of_half(year, half))
        rows.append(
            {
                "id": f"R-{made}-{seq[made]:02d}",
                "round_id": made,
                "text": text,
                "text_fr": "",
                "text_es": "",
                "addressees": join_list(addressees),
                "action_point_ids": join_list(aps),
                "indicator_codes": join_list(indicators),
                "lead": lead,
                "due_round": due_round,
                "due_date": due_date,
                "priority": priority,
            }
        )
    return rows


def make_recommendation_status(
    rng: np.random.Generator, recommendations: list[dict[str, str]], rounds: list[dict[str, str]]
) -> list[dict[str, str]]:
    """A follow-up report per recommendation for each later round (a few rounds go unreported)."""
    cutoffs = {r["id"]: date.fromisoformat(r["cutoff_date"]) for r in rounds}
    rows = []
    for rec in recommendations:
        status = None
        later = ROUND_IDS[ROUND_IDS.index(rec["round_id"]) + 1 :]
        for k, rid in enumerate(later):
            if status in ("completed", "dropped"):
                break  # nothing more to report
            if k > 0 and rid != ROUND_IDS[-1] and rng.random() < 0.12:
                continue  # no report this round: the last one stands
            reason = ""
            if status is None:
                status = pick(rng, ("not_started", "limited", "substantial"), (3, 5, 1))
            elif rng.random() < (0.55 if rec["priority"] == "high" else 0.4):
                status = STEP_UP[status]
            drop = DROPPED.get(rec["id"])
            if drop is not None and drop[0] == rid:
                status, reason = "dropped", drop[1]
            rows.append(
                {
                    "recommendation_id": rec["id"],
                    "round_id": rid,
                    "status": status,
                    "reason": reason,
                    "note": "" if status == "dropped" else pick(rng, REC_NOTES[status]),
                    "reported_by": f"Focal point, {rec['lead']}",
                    "reported_on": iso(cutoffs[rid] - timedelta(days=int(rng.integers(1, 15)))),
                }
            )
    return rows


# --- Main ------------------------------------------------------------------------------


def main(out_dir: Path, data_dir: Path = DATA) -> dict[str, int]:
    """Write the illustrative files to ``out_dir``; inputs (action points, agencies, map) from ``data_dir``.

    Returns the row count per file written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    # One generator, consumed in a fixed order: rounds, progress, workload, action 2.
    rng = np.random.default_rng(SEED)
    action_points = read_rows(data_dir / "action_points.csv")
    agencies = [r["code"] for r in read_rows(data_dir / "agencies.csv")]
    missing = {ap["id"] for ap in action_points} ^ set(LEAD_UNITS)
    if missing:
        raise ValueError(f"lead units and action points differ: {sorted(missing)}")
    check_countries(A2_COUNTRIES, data_dir / "countries-110m.json")

    rounds = make_rounds(rng)
    progress = make_progress(rng, rounds, action_points)
    workload = make_workload(rng)
    action2 = make_action2(rng, rounds, agencies)
    # Added later, from a generator of their own: the files above stay as they were.
    rng_follow_up = np.random.default_rng([SEED, 134])
    add_self_assessments(rng_follow_up, progress)
    recommendations = make_recommendations(rng_follow_up)
    unknown = (
        {a for r in recommendations for a in r["addressees"].split("; ")} - set(agencies) - set(OHCHR_UNITS)
    )
    if unknown:
        raise ValueError(f"addressees neither in agencies.csv nor OHCHR units: {sorted(unknown)}")
    follow_up = make_recommendation_status(rng_follow_up, recommendations, rounds)

    outputs = {
        "rounds.csv": (ROUNDS, rounds),
        "progress_reports.csv": (ACTION_POINTS, progress),
        "ny_workload.csv": (NY_WORKLOAD, workload),
        "action2.csv": (ACTION2, action2),
        "recommendations.csv": (RECOMMENDATIONS, recommendations),
        "recommendation_status.csv": (RECOMMENDATION_STATUS, follow_up),
    }
    for name, (ds, rows) in outputs.items():
        write_dataset(out_dir / name, ds, rows)
    return {name: len(rows) for name, (_, rows) in outputs.items()}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA, help="where to write the files")
    args = parser.parse_args()
    for name, n in main(args.out).items():
        print(f"{name}: {n} rows (ILLUSTRATIVE)")
