"""The briefing pack (lib.briefing): built for a seed round, read back with pypdf, checked against the metrics."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from pypdf import PdfReader

from lib import briefing, messages, overview, queries, reference, tables
from lib.briefing.fmt import fmt_change, fmt_count, fmt_date, fmt_value, human
from lib.datasets import STATUSES
from lib.db import make_engine
from lib.domains.action2 import metrics as a2_metrics
from lib.domains.action_points import metrics as ap_metrics
from lib.domains.action_points import views as ap_views
from lib.domains.mdg import choices as mdg_choices
from lib.domains.mdg import rating as mdg_rating
from lib.domains.workload import metrics as wl_metrics
from lib.domains.workload import views as wl_views
from lib.paths import ROOT
from lib.rounds import upto_round

ROUND = "2008-H2"
PREVIOUS = "2008-H1"


@pytest.fixture(scope="module")
def seeded_engine(seeded_template, tmp_path_factory):
    """A private copy of the seeded database (the data of ``seeded_db_url``), shared by this module."""
    path = tmp_path_factory.mktemp("briefing") / "pack.db"
    shutil.copy(seeded_template, path)
    eng = make_engine(f"sqlite:///{path}")
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def built(seeded_engine):
    """The pack of 2008-H2 (built once), its pages' text and the progress reports it made."""
    steps: list[tuple[float, str]] = []
    pdf = briefing.build_pack(seeded_engine, ROUND, progress=lambda f, m: steps.append((f, m)))
    reader = PdfReader(io.BytesIO(pdf))
    pages = [page.extract_text() for page in reader.pages]
    return {"pdf": pdf, "pages": pages, "steps": steps, "reader": reader}


@pytest.fixture(scope="module")
def frames(seeded_engine):
    """The frames and the overview exactly as the briefing page loads them (lib.webapp.load_overview)."""
    eng = seeded_engine
    inds = queries.indicators(eng)
    data = {
        "rounds": queries.rounds(eng),
        "reports": queries.progress_reports(eng),
        "indicators": inds,
        "obs": queries.observations(eng, list(inds["code"])),
        "items": queries.work_items(eng),
        "acts": queries.activities(eng),
        "agencies": list(queries.agencies(eng)["code"]),
        "counts": queries.disaggregation_counts(eng),
    }
    data["ov"] = overview.round_overview(
        data["rounds"],
        ROUND,
        data["reports"],
        data["obs"],
        data["indicators"],
        data["items"],
        data["acts"],
        data["agencies"],
    )
    data["cutoff"] = data["rounds"].set_index("id").at[ROUND, "cutoff_date"]
    return data


def lines(text: str) -> list[str]:
    return [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]


def page_with(pages: list[str], heading: str, top: bool = False) -> int:
    """Index of the first page (after the contents) with a line equal to ``heading``.

    ``top``: the heading must open the page (the line after the running header).
    """
    for i, text in enumerate(pages):
        found = lines(text)[1:2] if top else lines(text)
        if i > 1 and heading in found:
            return i
    raise AssertionError(f"no page with the heading {heading!r}")


# --- Structure --------------------------------------------------------------------------------------


def test_pack_is_a_pdf_with_progress_reported(built):
    assert built["pdf"].startswith(b"%PDF-")
    fractions = [f for f, _ in built["steps"]]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions), "progress only moves forward"
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert len(built["steps"]) >= 10


def test_cover_has_round_meeting_date_and_cutoff(built, frames):
    cover = built["pages"][0]
    row = frames["rounds"].set_index("id").loc[ROUND]
    assert "Briefing pack" in cover
    assert f"Consultation round {ROUND}" in cover
    assert row["title"] in cover
    assert f"Meeting date {fmt_date(row['meeting_date'])}" in lines(cover)
    assert f"Data cut-off {fmt_date(row['cutoff_date'])}" in lines(cover)
    assert fmt_date(row["meeting_date"]) == "8 December 2008"  # as the round picker writes it
    assert "Illustrative data" in cover


def test_every_page_is_numbered_page_n_of_m(built):
    pages = built["pages"]
    n = len(pages)
    assert n >= 15
    for i, text in enumerate(pages, start=1):
        assert f"Page {i} of {n}" in text, f"page {i}"
    assert "Page 1 of" in pages[0]


def test_contents_lists_every_section_with_its_page(built):
    pages = built["pages"]
    toc = lines(pages[2])  # after the cover and "In brief" (issue 16: the bottom line first)
    assert "Contents" in toc
    entries = []
    for line in toc:
        m = re.match(r"^(.*?)\s*\.{3,}\s*(\d+)$", line)
        if m:
            entries.append((m.group(1).strip(), int(m.group(2))))
    names = [name for name, _ in entries]
    for expected in (
        "In brief",
        "Action points",
        "Action points that need attention",
        "MDG rights-based indicators",
        "New York office workload",
        "Action 2 activity",
        "Annex: every action point and its status",
        "Data sources and notes",
    ):
        assert expected in names, (expected, names)
    assert not [name for name in names if name.startswith("Cluster ")], "no page per cluster (issue 16)"
    for name, page in entries:
        assert name in pages[page - 1].replace("\n", " "), (name, page)
    # The PDF's bookmarks are the same sections.
    assert len(built["reader"].outline) >= 7


def test_data_sources_are_credited(built):
    text = " ".join(built["pages"][page_with(built["pages"], "Data sources and notes", top=True)].split())
    for credit in (
        "United Nations Statistics Division, Millennium Development Goals Indicators database",
        "UN Inter-agency Group for Child Mortality Estimation",
        "Gapminder",
        "World Development Indicators",
        "not real reports",
    ):
        assert credit in text, credit


# --- Figures equal the metrics ---------------------------------------------------------------------


def test_page_two_gives_purpose_key_messages_and_decisions(built, frames):
    """Issue 16: the page after the cover is the bottom line, from the same overview as the page."""
    page = " ".join(lines(built["pages"][1]))
    ov = frames["ov"]
    assert lines(built["pages"][1])[1] == "In brief"
    assert "Purpose:" in page and "Key messages" in page and "Decisions sought" in page
    for m in messages.key_messages(ov):
        assert " ".join(m.text.split()) in page, m.text
    for d in messages.decisions_sought(ov):
        assert " ".join(d.question.split()) in page and " ".join(d.recommendation.split()) in page
    # The follow-up part opens with the last consultation's recommendations (issue 13), then the
    # action points.
    pages = built["pages"]
    heading = "Recommendations of the last consultation and where they stand"
    rec = next(i for i, p in enumerate(pages) if heading in " ".join(lines(p)[:4]))
    assert 1 < rec < page_with(pages, "Action points", top=True)


def test_summary_figures_formatted_as_the_briefing_page():
    assert fmt_count(1103.0) == "1,103" and fmt_change(-328.0) == "-328" and fmt_change(0.0) == "+0"
    assert fmt_count(None) == "—" and fmt_change(None) == "—"


def test_action_points_figures_equal_the_action_points_page(built, frames):
    pages = built["pages"]
    reports, cutoff = frames["reports"], frames["cutoff"]
    table = ap_views.point_table(reports, ROUND, PREVIOUS, cutoff)
    moves = ap_metrics.move_summary(table.dropna(subset=["move"]))
    row = " ".join(
        fmt_count(v)
        for v in (
            moves["improved"],
            moves["declined"],
            moves["unchanged"],
            table["overdue"].sum(),
            table["assessment"].isin(ap_metrics.AT_RISK_ASSESSMENTS).sum(),
        )
    )
    i = page_with(pages, "Action points", top=True)
    page = lines(pages[i])
    assert row in page, (row, page)
    rollup = ap_metrics.cluster_rollup(reports, ROUND)
    for cluster, rows in rollup.groupby("cluster"):
        counts = rows.set_index("status")["count"]
        expected = f"{cluster}. {rows['cluster_title'].iloc[0]} {int(counts.sum())} " + " ".join(
            str(int(counts[s])) for s in STATUSES
        )
        assert expected in page, expected


def test_points_that_need_attention_with_text_lead_and_days(built, frames):
    """Issue 16: one section instead of a page per cluster; every flagged point with its text and lead."""
    pages = built["pages"]
    reports, cutoff = frames["reports"], frames["cutoff"]
    table = ap_views.point_table(reports, ROUND, PREVIOUS, cutoff)
    i = page_with(pages, "Action points that need attention")
    text = " ".join(" ".join(lines(p)) for p in pages[i : i + 3])
    flagged = table.loc[table["assessment"].isin(ap_metrics.AT_RISK_ASSESSMENTS) | table["overdue"]]
    assert f"At risk, off track or overdue ({len(flagged)})" in text
    order = flagged.sort_values(["days_overdue", "sort_order"], ascending=[False, True], kind="stable")
    positions = [text.index(f" {p.action_point_id} {p.text.split()[0]}") for p in order.itertuples()]
    assert positions == sorted(positions), "longest overdue first"
    for p in flagged.itertuples():
        assert " ".join(p.text.split()[:6]) in text, p.action_point_id
        assert p.lead_unit.split()[0] in text
        if p.overdue:
            assert f"{p.days_overdue:,}" in text
    m = ap_metrics.move_summary(table)
    assert f"{m['improved']} improved, {m['declined']} declined, {m['unchanged']} unchanged" in text
    for p in table.loc[table["move"].isin(["improved", "declined"])].itertuples():
        assert f" {p.action_point_id} {p.text.split()[0]}" in text, p.action_point_id


@pytest.mark.parametrize("code", ["4.1", "5.1"])
def test_mdg_ratings_equal_progress_rating(built, frames, code):
    pages = built["pages"]
    year = frames["ov"].mdg_year
    obs = frames["obs"]
    obs = obs.loc[(obs["indicator_code"] == code) & (obs["year"] <= year)]
    # The MDG page's default countries for the indicator.
    chosen = list(
        mdg_choices.countries_with_data(frames["counts"], code)["country_iso3"][
            : mdg_choices.DEFAULT_COUNTRY_COUNT
        ]
    )
    assert briefing.default_countries(frames["counts"], code) == chosen
    assert 1 <= len(chosen) <= briefing.MAX_COUNTRIES
    ratings = mdg_rating.progress_rating(obs.loc[obs["country_iso3"].isin(chosen)], frames["indicators"])
    ratings = ratings.loc[
        ~ratings["rating"].isin([mdg_rating.RATING_NOT_RATED, mdg_rating.RATING_INSUFFICIENT])
    ]
    title = frames["indicators"].set_index("code").at[code, "text"]
    i = page_with(pages, f"{code} {title}")
    text = "\n".join(lines(pages[i]) + lines(pages[i + 1]))
    # Issue 16: country names and source names, not ISO3 codes and storage labels.
    names = tables.country_labels(pd.Series(chosen, dtype=object))
    assert f"Countries: {', '.join(names)}." in " ".join(text.split())
    flat = " ".join(text.split())
    for r in ratings.itertuples():
        rating = f"{r.arrow} {r.rating}".strip()
        country = tables.country_labels(pd.Series([r.country_iso3])).iloc[0]
        expected = f"{int(r.base_year)}: {fmt_value(r.base_value)} {int(r.latest_year)}: {fmt_value(r.latest_value)} {rating}"
        assert expected in flat and country.split()[0] in flat, (country, expected)
    for source in ratings["source"].unique():
        assert reference.source_name(source) in flat


def test_more_countries_than_the_mdg_page_allows_are_refused(seeded_engine):
    too_many = ["AFG", "AGO", "ALB", "ARG", "ARM", "AUS", "AUT", "AZE", "BGD"]
    with pytest.raises(ValueError, match="at most 8 countries"):
        briefing.build_pack(seeded_engine, ROUND, countries=too_many)


@pytest.mark.slow
def test_chosen_indicators_and_countries(seeded_engine):
    pdf = briefing.build_pack(seeded_engine, ROUND, mdg_indicators=("4.1", "9.9"), countries=["KEN", "BGD"])
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Countries: Kenya, Bangladesh." in text
    assert "9.9: unknown indicator" in text
    assert "5.1 Maternal mortality ratio" not in text
    assert re.search(r"^Kenya all 1990: [\d.,]+ 2007: [\d.,]+ ", text, re.M)


def test_workload_figures_equal_the_workload_page(built, frames):
    pages = built["pages"]
    items, rounds, cutoff = frames["items"], frames["rounds"], frames["cutoff"]
    known = items.loc[items["received_on"] <= cutoff]
    in_round = wl_views.items_in_round(known, rounds, ROUND)
    backlog = wl_metrics.backlog(known, cutoff)
    share = wl_metrics.plan_area_share(in_round).set_index("group").at[wl_metrics.PLAN_GROUP, "hour_share"]
    expected = f"{len(in_round):,} {in_round['hours'].sum():,.0f} {len(backlog):,} {share:.0%}"
    i = page_with(pages, "New York office workload", top=True)
    assert expected in lines(pages[i]), expected
    # ... and they are the briefing overview's figures too.
    ov = {c.label: c.now for c in frames["ov"].workload}
    assert (ov["Requests received"], ov["Hours"], ov["Open backlog at cut-off"]) == (
        len(in_round),
        in_round["hours"].sum(),
        len(backlog),
    )
    per_round = upto_round(wl_metrics.by_round(known, rounds), ROUND)
    pivot = per_round.pivot_table(index="round_id", columns="work_area", values="items", aggfunc="sum")
    text = lines(pages[i]) + lines(pages[i + 1])
    for rid, row in pivot.iterrows():
        assert f"{rid} " + " ".join(fmt_count(v) for v in row) in text


def test_action2_figures_equal_the_metrics(built, frames):
    pages = built["pages"]
    acts = upto_round(frames["acts"], ROUND)
    by_agency = a2_metrics.by_agency_type(acts, ROUND)
    per_agency = by_agency.groupby("agency")[
        ["activities", "participants_trained", "advisers_deployed"]
    ].sum()
    i = page_with(pages, "Action 2 activity", top=True)
    page = lines(pages[i])
    for agency, row in per_agency.iterrows():
        expected = f"{agency} " + " ".join(fmt_count(v) for v in row)
        assert expected in page, expected
    for change in frames["ov"].action2:
        assert (
            f"{change.label} {fmt_count(change.now)} {fmt_count(change.before)} {fmt_change(change.delta)}"
            in page
        )
    trained = a2_metrics.trained_over_time(acts).set_index("round_id")
    advisers = a2_metrics.advisers_over_time(acts).set_index("round_id")
    text = lines(pages[i]) + lines(pages[i + 1]) + lines(pages[i + 2])
    for rid in trained.index:
        expected = (
            f"{rid} {fmt_count(trained.at[rid, 'activities'])} {fmt_count(trained.at[rid, 'participants_trained'])} "
            f"{fmt_count(advisers.at[rid, 'advisers_deployed'])} {fmt_count(advisers.at[rid, 'countries'])}"
        )
        assert expected in text, expected


def test_annex_lists_every_action_point_with_its_status(built, frames):
    pages = built["pages"]
    start = page_with(pages, "Annex: every action point and its status", top=True)
    end = page_with(pages, "Data sources and notes", top=True)
    annex = [line for text in pages[start:end] for line in lines(text)]
    points = frames["reports"].loc[frames["reports"]["round_id"] == ROUND]
    assert len(points) == 36
    for p in points.itertuples():
        row = [line for line in annex if line.startswith(f"{p.action_point_id} ")]
        assert len(row) == 1, (p.action_point_id, row)
        assert row[0].startswith(
            f"{p.action_point_id} {human(p.status)} {human(p.assessment)} {p.percent_complete} "
        )


def test_unknown_round_is_refused(seeded_engine):
    with pytest.raises(ValueError, match="unknown round"):
        briefing.build_pack(seeded_engine, "1999-H1")


# --- Command line -----------------------------------------------------------------------------------


def _cli(args: list[str], url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "lib.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_cli_writes_the_pack(seeded_db_url, tmp_path):
    out = tmp_path / "pack.pdf"
    res = _cli(["briefing", ROUND, "--out", str(out)], seeded_db_url)
    assert res.returncode == 0, res.stderr
    assert f"briefing pack for {ROUND} written to {out}" in res.stdout
    assert "[100%] Done" in res.stderr
    reader = PdfReader(out)
    assert f"Consultation round {ROUND}" in reader.pages[0].extract_text()
    n = len(reader.pages)
    assert f"Page {n} of {n}" in reader.pages[-1].extract_text()


def test_cli_refuses_an_unknown_round(seeded_db_url, tmp_path):
    out = tmp_path / "pack.pdf"
    res = _cli(["briefing", "1999-H1", "--out", str(out)], seeded_db_url)
    assert res.returncode == 2
    assert "no round '1999-H1'" in res.stderr and "2008-H2" in res.stderr
    assert not out.exists()


# --- The page ---------------------------------------------------------------------------------------


def test_briefing_page_offers_the_pack_to_hc_office(make_app):
    at = make_app("pages/briefing.py", role="hc_office")
    at.run()
    assert not at.exception, at.exception
    assert [b for b in at.button if b.label == "Build the briefing pack"]
    assert not at.get("download_button") or all(
        "briefing pack" not in d.proto.label for d in at.get("download_button")
    ), "the download appears only once built"


@pytest.mark.slow
def test_briefing_page_builds_and_offers_the_download(make_app):
    at = make_app("pages/briefing.py", role="hc_office", timeout=600)
    at.run()
    next(b for b in at.button if b.label == "Build the briefing pack").click().run()
    assert not at.exception, at.exception
    labels = [d.proto.label for d in at.get("download_button")]
    assert "Download the briefing pack (PDF)" in labels
    # A rerun takes the cached pack (its progress bar replays) and still offers it.
    at.run()
    assert not at.exception, at.exception
    assert "Download the briefing pack (PDF)" in [d.proto.label for d in at.get("download_button")]


def test_rating_grids_in_the_pack_stay_readable():
    """Over 40 series the pack's grid shows the totals (or the first 40); the table keeps them all."""
    import pandas as pd

    from lib.briefing.mdg import PACK_CHART_ROWS, _chart_rows

    def frame(n: int, breakdowns: bool) -> pd.DataFrame:
        groups = (
            [("total", "total"), ("female", "total"), ("male", "total")]
            if breakdowns
            else [("total", "total")]
        )
        rows = [
            {"country_iso3": f"C{i:02d}", "sex": sex, "location": loc, "rating": "on track"}
            for i in range(n)
            for sex, loc in groups
        ]
        return pd.DataFrame(rows)

    few = frame(10, True)  # 30 series
    shown, note = _chart_rows(few)
    assert shown.equals(few) and note == ""
    many = frame(20, True)  # 60 series, 20 of them totals
    shown, note = _chart_rows(many)
    assert len(shown) == 20 and set(shown["sex"]) == {"total"} and "20" in note and "60" in note
    flat = frame(50, False)  # 50 totals: the first 40
    shown, note = _chart_rows(flat)
    assert len(shown) == PACK_CHART_ROWS and list(shown["country_iso3"]) == list(flat["country_iso3"][:40])
    assert "50" in note
