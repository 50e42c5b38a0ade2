"""The briefing pack of a round: a PDF with the same figures and charts as the pages.

No Streamlit here. Data comes through :mod:`lib.queries`; figures through
:func:`lib.overview.round_overview` and the :mod:`lib.metrics` / :mod:`lib.views`
functions the pages call, so the numbers match the pages by construction; charts
are the :mod:`lib.charts` builders rendered to PNG by vl-convert; the PDF is
written by fpdf2 with the DejaVu Sans font shipped in ``data/fonts``. Everything
installs from requirements.txt alone (no browser, no system libraries).

Layout: cover; contents; a one-page summary of what changed since the previous
round; action points (the roll-up, then a page per cluster); MDG rights-based
indicators (ratings and equity gaps per indicator, with sources); New York
workload; action 2 activity; an annex of every action point; data sources.
Every page but the cover carries a running header, and every page "Page N of M".
"""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from fpdf.outline import OutlineSection
from sqlalchemy import Engine

from lib import charts, metrics, overview, queries, views
from lib.datasets import CLUSTERS, STATUSES
from lib.db import DATA_DIR
from lib.exports import FONT_DIR, chart_png

ProgressFn = Callable[[float, str], None]

DEFAULT_INDICATORS = ("4.1", "5.1", "7.8", "2.1", "3.1")
MAX_COUNTRIES = 8  # as on the MDG page (its country picker's limit), so grids and tables fit a page
CHART_SCALE = 2.0  # PNG pixels per CSS pixel: sharp in print, a few MB for the whole pack
PX_MM = 25.4 / 96  # one CSS pixel in millimetres (charts keep their on-screen size when they fit)
CHART_WORKERS = min(4, os.cpu_count() or 1)  # vl-convert renders charts in parallel threads

FONT = "DejaVu"
INK = (33, 37, 41)
MUTED = (95, 99, 104)
ACCENT = (0, 114, 178)  # the charts' first Okabe-Ito blue
HEAD_FILL = (226, 234, 242)
ZEBRA = (245, 247, 250)
NOTE_FILL = (255, 246, 220)
MDG_CHART_HEIGHT = 165.0  # a 24-row rating grid stays legible
CHANGE_WIDTHS = [64.0, 38.0, 46.0, 30.0]  # figure, this round, previous round, change

ILLUSTRATIVE = (
    "Illustrative data: the consultation rounds, progress reports, New York workload and action 2 "
    "figures in this pack are generated to show how the dashboard works. They are not real reports "
    "of OHCHR, its New York office or any agency."
)
# --- Formatting (the tests format the metrics' figures with these too) --------------------------


def fmt_count(value: float | None) -> str:
    """A count or total as on the pages' metrics: 1,234 (a dash when there is none)."""
    if value is None or pd.isna(value):
        return "—"
    return f"{value:,.0f}"


def fmt_change(value: float | None) -> str:
    """A change as on the pages' metric deltas: +3, -2, +0 (a dash without a previous round)."""
    if value is None or pd.isna(value):
        return "—"
    return f"{value:+,.0f}"


def fmt_date(value: Any) -> str:
    """A date as the round picker writes it: 08 December 2008."""
    if value is None or pd.isna(value):
        return "—"
    return f"{pd.Timestamp(value):%d %B %Y}"


def fmt_value(value: Any) -> str:
    """An indicator value: thousands separated, at most two decimals, trailing zeros dropped."""
    if value is None or pd.isna(value):
        return "—"
    text = f"{float(value):,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_year(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else str(int(value))


def human(value: Any) -> str:
    """A code as words: not_started -> not started."""
    return (
        "—"
        if value is None or (not isinstance(value, str) and pd.isna(value))
        else str(value).replace("_", " ")
    )


def credit(source: str) -> str:
    """Who to credit for an observation source, worded as on the MDG page."""
    return views.source_credit(source).replace("**", "")


# --- Data ---------------------------------------------------------------------------------------


@dataclass
class PackData:
    """Every frame the pack reads, loaded once through lib.queries."""

    rounds: pd.DataFrame
    reports: pd.DataFrame
    indicators: pd.DataFrame
    series: pd.DataFrame
    obs: pd.DataFrame
    items: pd.DataFrame
    acts: pd.DataFrame
    agencies: pd.DataFrame
    counts: pd.DataFrame  # values per country, indicator, sex and location (the MDG page's country list)


def load_data(engine: Engine) -> PackData:
    """The pack's frames, read as the pages read them (internal notes are never included)."""
    inds = queries.indicators(engine)
    return PackData(
        rounds=queries.rounds(engine),
        reports=queries.progress_reports(engine),
        indicators=inds,
        series=queries.series(engine),
        obs=queries.observations(engine, list(inds["code"])),
        items=queries.work_items(engine),
        acts=queries.activities(engine),
        agencies=queries.agencies(engine),
        counts=queries.disaggregation_counts(engine),
    )


def pack_overview(data: PackData, round_id: str) -> overview.Overview:
    """The briefing page's overview (same call as lib.webapp.load_overview)."""
    return overview.round_overview(
        data.rounds,
        round_id,
        data.reports,
        data.obs,
        data.indicators,
        data.items,
        data.acts,
        list(data.agencies["code"]),
    )


def default_countries(counts: pd.DataFrame, code: str, limit: int = views.DEFAULT_COUNTRY_COUNT) -> list[str]:
    """The MDG page's default countries for an indicator: those with the most values (views.countries_with_data)."""
    return list(views.countries_with_data(counts, code)["country_iso3"].head(limit))


# --- The PDF ------------------------------------------------------------------------------------


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels from a PNG's IHDR chunk."""
    width, height = struct.unpack(">II", png[16:24])
    return width, height


class PackPDF(FPDF):
    """A4 portrait with the DejaVu fonts, a running header and "Page N of M" footers."""

    def __init__(self, running_title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running_title = running_title
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(16, 18, 16)
        self.set_auto_page_break(True, margin=18)
        self.set_text_color(*INK)
        self.set_font(FONT, size=10)

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(8)
        self.set_font(FONT, size=7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 4, self.running_title, align="L")
        self.set_draw_color(200, 205, 210)
        self.line(self.l_margin, 13, self.w - self.r_margin, 13)
        self.set_text_color(*INK)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(*INK)

    # --- building blocks

    def fresh(self) -> bool:
        """Whether nothing has been written on this page below the running header."""
        return self.page > 0 and self.get_y() <= self.t_margin + 0.01

    def need(self, height: float) -> None:
        """Start a new page unless ``height`` mm are left on this one."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def section(self, title: str, level: int = 0, new_page: bool = True) -> None:
        """A heading that is also an entry of the contents and a PDF bookmark."""
        if new_page:
            if not self.fresh():
                self.add_page()
        else:
            self.need(60)
            self.ln(3)
        self.start_section(title, level=level)
        self.set_font(FONT, "B", 17 if level == 0 else 13.5)
        self.set_text_color(*(ACCENT if level == 0 else INK))
        self.multi_cell(0, 8 if level == 0 else 6.5, title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.ln(2)

    def subheading(self, text: str) -> None:
        self.need(28)
        self.ln(1.5)
        self.set_font(FONT, "B", 10.5)
        self.multi_cell(0, 5.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(0.5)

    def para(self, text: str, size: float = 9.5, muted: bool = False) -> None:
        """A paragraph, moved whole to the next page rather than split (they are all short)."""
        self.set_font(FONT, size=size)
        height = self.multi_cell(0, size * 0.5, text, dry_run=True, output="HEIGHT")
        self.need(float(height))  # type: ignore[arg-type]
        if muted:
            self.set_text_color(*MUTED)
        self.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.ln(1.5)

    def note(self, text: str, size: float = 8.5) -> None:
        """A shaded box, for the illustrative-data notice and warnings."""
        self.set_font(FONT, size=size)
        self.set_fill_color(*NOTE_FILL)
        self.multi_cell(
            0, size * 0.5, text, align="L", fill=True, padding=2, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.ln(2)

    def chart_size(
        self, png: bytes, max_height: float = 110.0, max_width: float | None = None
    ) -> tuple[float, float]:
        """Width and height (mm) of a chart at its on-screen size, shrunk to fit the given box."""
        px_w, px_h = _png_size(png)
        w = px_w / CHART_SCALE * PX_MM
        h = px_h / CHART_SCALE * PX_MM
        shrink = min(1.0, (max_width or self.epw) / w, max_height / h, (self.eph - 20) / h)
        return w * shrink, h * shrink

    def chart(self, png: bytes, alt_text: str, max_height: float = 110.0, heading: str | None = None) -> None:
        """A chart image (after its optional subheading, kept on the same page)."""
        w, h = self.chart_size(png, max_height)
        self.need(h + (12 if heading else 2))
        if heading:
            self.subheading(heading)
        self.image(io.BytesIO(png), x=self.l_margin, y=self.get_y(), w=w, h=h, alt_text=alt_text[:1000])
        self.set_y(self.get_y() + h + 3)

    def chart_pair(self, left: tuple[bytes, str], right: tuple[bytes, str], max_height: float = 70.0) -> None:
        """Two charts side by side, each in half the text width."""
        half = (self.epw - 4) / 2
        sizes = [self.chart_size(png, max_height, half) for png, _ in (left, right)]
        h = max(size[1] for size in sizes)
        self.need(h + 2)
        y = self.get_y()
        for (png, alt), (w, hh), x in zip(
            (left, right), sizes, (self.l_margin, self.l_margin + half + 4), strict=True
        ):
            self.image(io.BytesIO(png), x=x, y=y, w=w, h=hh, alt_text=alt[:1000])
        self.set_y(y + h + 3)

    def data_table(
        self,
        df: pd.DataFrame,
        widths: list[float] | None = None,
        align: str | tuple[str, ...] = "LEFT",
        size: float = 8.0,
    ) -> None:
        """A table of strings with a shaded heading row, repeated after a page break."""
        if df.empty:
            return
        self.set_font(FONT, size=size)
        self.set_fill_color(255, 255, 255)  # rows without zebra fill stay white
        self.need(size * 0.5 * 3 + 4)
        with self.table(
            col_widths=widths,
            width=self.epw if widths is None else min(self.epw, float(sum(widths))),
            align="LEFT",
            text_align=align,
            line_height=size * 0.52,
            padding=(0.8, 1.2),
            borders_layout="HORIZONTAL_LINES",
            headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
            cell_fill_color=ZEBRA,
            cell_fill_mode="ROWS",
            repeat_headings=1,
            v_align="TOP",
        ) as t:
            t.row([str(c) for c in df.columns])
            for record in df.itertuples(index=False):
                t.row([str(v) for v in record])
        self.ln(3)


def _render_toc(pdf: FPDF, outline: list[OutlineSection]) -> None:
    """The contents: every section with a dotted leader and its page, each a link."""
    pdf.set_x(pdf.l_margin)
    pdf.set_font(FONT, "B", 17)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 9, "Contents", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.ln(3)
    for item in outline:
        top = item.level == 0
        pdf.set_font(FONT, "B" if top else "", 10.5 if top else 9.5)
        if top:
            pdf.ln(1.2)
        indent = 7.0 * item.level
        page = str(item.page_number)
        link = pdf.add_link(page=item.page_number)
        name_w = pdf.get_string_width(item.name)
        page_w = pdf.get_string_width(page)
        room = pdf.epw - indent - name_w - page_w - 4
        dots = "." * max(int(room / max(pdf.get_string_width("."), 0.1)), 0)
        pdf.set_x(pdf.l_margin + indent)
        pdf.cell(name_w + 1, 6, item.name, link=link)
        pdf.set_text_color(*MUTED)
        pdf.cell(room + 1, 6, dots, align="R", link=link)
        pdf.set_text_color(*INK)
        pdf.cell(0, 6, page, align="R", link=link, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


# --- Sections -----------------------------------------------------------------------------------


@dataclass
class _Context:
    data: PackData
    ov: overview.Overview
    round_id: str
    round_row: pd.Series
    prev: str | None
    cutoff: pd.Timestamp
    pool: ThreadPoolExecutor
    mdg_sources: set[str] = field(default_factory=set)  # observation sources the MDG pages show

    def render(self, chart: Any) -> tuple[Future[bytes], str]:
        """Start rendering a chart in the pool; returns the PNG's future and the chart's description."""
        spec = chart.to_dict()  # validated here, once; the pool only rasterises
        return self.pool.submit(chart_png, spec, CHART_SCALE), str(spec.get("description", ""))


Writer = Callable[[PackPDF], None]


def _changes_table(ctx: _Context, changes: list[overview.Change]) -> pd.DataFrame:
    """The summary's table of one domain, formatted as the briefing page's metrics."""
    prev = ctx.prev or "none"
    return pd.DataFrame(
        {
            "Figure": [c.label for c in changes],
            f"This round ({ctx.round_id})": [fmt_count(c.now) for c in changes],
            f"Previous round ({prev})": [fmt_count(c.before) for c in changes],
            "Change": [fmt_change(c.delta) for c in changes],
        }
    )


def _ids(df: pd.DataFrame) -> str:
    return ", ".join(map(str, df["action_point_id"])) if not df.empty else "none"


def _summary(ctx: _Context) -> Writer:
    ov = ctx.ov
    since = f"since {ctx.prev}" if ctx.prev else "(first round: nothing to compare)"
    widths = CHANGE_WIDTHS
    align = ("LEFT", "RIGHT", "RIGHT", "RIGHT")

    def write(pdf: PackPDF) -> None:
        pdf.section(f"What changed {since}")
        pdf.para(
            f"Headline figures of round {ctx.round_id} against round {ctx.prev or '—'}, across the four "
            "domains. The same figures as the dashboard's briefing overview.",
            muted=True,
            size=8.5,
        )
        m = ov.moves
        pdf.subheading("Action points")
        pdf.data_table(_changes_table(ctx, ov.action_points), widths, align)
        pdf.para(
            f"Status {since}: {m.get('improved', 0)} improved, {m.get('declined', 0)} declined, "
            f"{m.get('unchanged', 0)} unchanged, {m.get('new', 0)} newly reported. "
            f"Newly at risk or off track: {_ids(ov.newly_at_risk)}. Newly overdue: {_ids(ov.newly_overdue)}.",
            size=8.5,
        )
        pdf.subheading("MDG rights-based indicators")
        if ov.mdg:
            pdf.data_table(_changes_table(ctx, ov.mdg), widths, align)
        moved = ov.mdg_moved
        better = int((moved["direction"] == "better").sum()) if not moved.empty else 0
        worse = int((moved["direction"] == "worse").sum()) if not moved.empty else 0
        pdf.para(
            f"Ratings use data up to {ov.mdg_year} (the year before the cut-off); each series is rated "
            f"separately by source. Ratings that moved {since}: {better} better, {worse} worse.",
            size=8.5,
        )
        pdf.subheading("New York office workload")
        pdf.data_table(_changes_table(ctx, ov.workload), widths, align)
        pdf.subheading("Action 2 with partner agencies")
        pdf.data_table(_changes_table(ctx, ov.action2), widths, align)
        if not ov.stale.empty:
            pdf.para(
                "Not updated since an earlier round: "
                + ", ".join(f"{a.agency} (last {a.last_round or 'never'})" for a in ov.stale.itertuples())
                + ".",
                size=8.5,
            )

    return write


def _point_rows(table: pd.DataFrame) -> pd.DataFrame:
    return table.sort_values(["sort_order", "action_point_id"]).reset_index(drop=True)


def _action_points(ctx: _Context) -> list[Writer]:
    """The roll-up page, then one page per cluster."""
    reports = ctx.data.reports
    rid, prev = ctx.round_id, ctx.prev
    rollup = metrics.cluster_rollup(reports, rid)
    table = views.point_table(reports, rid, prev, ctx.cutoff)  # as on the action points page
    moves = metrics.move_summary(table.dropna(subset=["move"]))
    figures = pd.DataFrame(
        {
            f"Improved since {prev or '—'}": [fmt_count(moves["improved"])],
            "Declined": [fmt_count(moves["declined"])],
            "Unchanged": [fmt_count(moves["unchanged"])],
            "Overdue": [fmt_count(table["overdue"].sum())],
            "At risk or off track": [fmt_count(table["assessment"].isin(metrics.AT_RISK_ASSESSMENTS).sum())],
        }
    )
    overall = ctx.render(charts.cluster_status_bars(rollup)) if not rollup.empty else None

    def rollup_table(roll: pd.DataFrame) -> pd.DataFrame:
        wide = roll.pivot_table(
            index=["cluster", "cluster_title"], columns="status", values="count", aggfunc="sum"
        )
        wide = wide.reindex(columns=list(STATUSES), fill_value=0).reset_index()
        out = pd.DataFrame({"Cluster": wide["cluster"] + ". " + wide["cluster_title"]})
        out["Points"] = wide[list(STATUSES)].sum(axis=1).map(fmt_count)
        for s in STATUSES:
            out[human(s).capitalize()] = wide[s].map(fmt_count)
        return out

    def write_rollup(pdf: PackPDF) -> None:
        pdf.section("Action points")
        pdf.para(
            f"Progress on the action points of section V of the Plan of Action (paragraphs 127-158) as reported "
            f"for {rid}. Overdue: due before the cut-off date ({fmt_date(ctx.cutoff)}) and not completed.",
            size=9,
        )
        if overall is None:
            pdf.para(f"No progress reports for {rid}.")
            return
        pdf.data_table(figures, align="CENTER", size=8.5)
        png, alt = overall[0].result(), overall[1]
        pdf.chart(png, alt, max_height=75)
        pdf.subheading("Action points by status and cluster")
        pdf.data_table(rollup_table(rollup), [76, 18, 21, 21, 21, 21], ("LEFT", *["RIGHT"] * 5))

    writers: list[Writer] = [write_rollup]
    for cluster in sorted(rollup["cluster"].unique()) if not rollup.empty else []:
        writers.append(_cluster_page(ctx, cluster, rollup, table))
    return writers


def _cluster_page(ctx: _Context, cluster: str, rollup: pd.DataFrame, table: pd.DataFrame) -> Writer:
    rid, prev = ctx.round_id, ctx.prev
    roll = rollup.loc[rollup["cluster"] == cluster]
    title = f"{cluster}. {CLUSTERS.get(cluster, roll['cluster_title'].iloc[0])}"
    chart = ctx.render(
        charts.cluster_status_bars(roll, title=f"Cluster {title}: action points by status").properties(
            width=420
        )
    )
    points = _point_rows(table.loc[table["cluster"] == cluster])
    counts = ", ".join(
        f"{int(r.count)} {human(r.status)}" for r in roll.sort_values("status_rank").itertuples()
    )
    flagged = points.loc[points["assessment"].isin(metrics.AT_RISK_ASSESSMENTS) | points["overdue"]]
    risk = pd.DataFrame(
        {
            "Point": flagged["action_point_id"],
            "Status": flagged["status"].map(human),
            "Assessment": flagged["assessment"].map(human),
            "Due": flagged["due_date"].map(lambda d: "—" if pd.isna(d) else f"{d:%d %b %Y}"),
            "Days overdue": flagged["days_overdue"].map(lambda v: fmt_count(v) if v else "—"),
            "Summary": flagged["summary"].fillna(""),
        }
    )
    moved = pd.DataFrame(
        {
            "Point": points["action_point_id"],
            f"Status {prev or 'before'}": points["previous_status"].map(human),
            f"Status {rid}": points["status"].map(human),
            "Move": points["move"].map(human),
            "Assessment": points["assessment"].map(human),
            "% complete": points["percent_complete"].map(fmt_count),
        }
    )
    move_counts = metrics.move_summary(points.dropna(subset=["move"]))

    def write(pdf: PackPDF) -> None:
        pdf.section(f"Cluster {title}", level=1)
        pdf.para(f"{len(points)} action points reported for {rid}: {counts}.", size=9)
        pdf.chart(chart[0].result(), chart[1], max_height=40)
        pdf.subheading(f"At risk, off track or overdue ({len(flagged)})")
        if flagged.empty:
            pdf.para("None: every point is on track and none is overdue.", size=9)
        else:
            pdf.data_table(
                risk, [14, 22, 21, 21, 16, 84], ("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "LEFT"), size=7.5
            )
        pdf.subheading(f"Movement since {prev}" if prev else "Movement (first round: nothing to compare)")
        pdf.para(
            f"{move_counts['improved']} improved, {move_counts['declined']} declined, "
            f"{move_counts['unchanged']} unchanged, {move_counts['new']} newly reported.",
            size=8.5,
        )
        pdf.data_table(
            moved, [18, 32, 32, 30, 38, 28], ("LEFT", "LEFT", "LEFT", "LEFT", "LEFT", "RIGHT"), size=7.5
        )

    return write


def _mdg(ctx: _Context, codes: tuple[str, ...], countries: list[str] | None) -> list[Writer]:
    """The MDG introduction, then ratings and equity gaps per chosen indicator."""
    data, ov = ctx.data, ctx.ov
    year = ov.mdg_year if ov.mdg_year is not None else overview.mdg_data_year(ctx.cutoff)
    inds = data.indicators.drop_duplicates("code").set_index("code")
    names = data.series.drop_duplicates("code").set_index("code")["name"]
    used_sources: set[str] = set()

    def write_intro(pdf: PackPDF) -> None:
        pdf.section("MDG rights-based indicators")
        pdf.para(
            f"Progress ratings and equity gaps for the chosen indicators, using values up to {year} (the year "
            "before the round's cut-off) as held in the database now, later revisions included. Each series "
            "(indicator, series, country, sex, location and source) is rated on its own: values from different "
            "sources are never combined. Indicators with a 2015 target (4.1, 5.1) compare the actual annual "
            "rate of change since 1990 with the rate the target requires; the others are rated by their compound "
            "annual growth in the desired direction. Rights provisions are an indicative mapping in the spirit of "
            "OHCHR's Claiming the MDGs (2008).",
            size=8.5,
        )
        if ov.mdg:
            pdf.subheading("All indicators and countries")
            pdf.data_table(
                _changes_table(ctx, ov.mdg), CHANGE_WIDTHS, ("LEFT", "RIGHT", "RIGHT", "RIGHT"), size=8
            )

    writers: list[Writer] = [write_intro]
    for code in codes:
        if code not in inds.index:
            writers.append(_mdg_unknown(code))
            continue
        of_code = data.obs.loc[data.obs["indicator_code"] == code]
        ind_obs = of_code.loc[of_code["year"] <= year]
        chosen = list(countries) if countries else default_countries(data.counts, code)
        ind_obs = ind_obs.loc[ind_obs["country_iso3"].isin(chosen)]
        used_sources.update(ind_obs["source"].dropna().astype(str))
        later = bool((of_code["year"] > year).any())
        writers.append(_mdg_indicator(ctx, code, inds.loc[code], ind_obs, chosen, names, year, later))
    ctx.mdg_sources |= used_sources
    return writers


def _mdg_unknown(code: str) -> Writer:
    def write(pdf: PackPDF) -> None:
        pdf.section(f"{code}: unknown indicator", level=1, new_page=False)
        pdf.para(f"Indicator {code} is not in the MDG framework held by the dashboard.", size=9)

    return write


def _compact(frame: pd.DataFrame, widths: dict[str, float]) -> tuple[pd.DataFrame, list[float], str]:
    """Drop the Series and Source columns when they hold one value (named above the table instead).

    Returns the table, its column widths (the last column takes the rest of the page) and the note.
    """
    note = []
    for col in ("Series", "Source"):
        if col in frame and frame[col].nunique() == 1:
            if col == "Series":  # the indicator's sources are listed under its heading already
                note.append(f"{col}: {frame[col].iloc[0]}")
            frame = frame.drop(columns=col)
    cols = list(frame.columns)
    w = [widths.get(c, 22.0) for c in cols[:-1]]
    w.append(max(PAGE_TEXT_WIDTH - sum(w), 24.0))
    return frame, w, ". ".join(note) + ("." if note else "")


PAGE_TEXT_WIDTH = 178.0  # A4 less the 16 mm margins
MDG_WIDTHS = {"Country": 15.0, "Series": 52.0, "Source": 32.0, "Group": 15.0, "Sex": 15.0, "Location": 17.0}


def _year_value(years: pd.Series, values: pd.Series) -> list[str]:
    return [f"{fmt_year(y)}: {fmt_value(v)}" for y, v in zip(years, values, strict=True)]


def _mdg_indicator(
    ctx: _Context,
    code: str,
    ind: pd.Series,
    obs: pd.DataFrame,
    chosen: list[str],
    names: pd.Series,
    year: int,
    later: bool,
) -> Writer:
    """One indicator: its rating grid and table, equity gaps where groups pair up, and its sources."""
    ratings = metrics.progress_rating(obs, ctx.data.indicators) if not obs.empty else pd.DataFrame()
    chart = None
    rating_table, rating_widths, rating_note = pd.DataFrame(), [], ""
    unrated = False
    if not ratings.empty:
        # The grid's own row order (country, breakdown, source, series), so chart and table read alike.
        ratings = ratings.assign(_row=charts._rating_row_label(ratings)).sort_values("_row")
        chart = ctx.render(charts.rating_chart(ratings, title=f"Indicator {code}: progress ratings"))
        unrated = bool(ratings["rating"].eq(metrics.RATING_NOT_RATED).all())
        group = ratings["sex"].fillna("total") + " / " + ratings["location"].fillna("total")
        rating_table, rating_widths, rating_note = _compact(
            pd.DataFrame(
                {
                    "Country": ratings["country_iso3"],
                    "Series": ratings["series_code"].map(lambda c: names.get(c, c)),
                    "Source": ratings["source"],
                    "Group": group.map(
                        lambda g: (
                            "all"
                            if g == "total / total"
                            else g.replace("total / ", "").replace(" / total", "")
                        )
                    ),
                    "Base": _year_value(ratings["base_year"], ratings["base_value"]),
                    "Latest": _year_value(ratings["latest_year"], ratings["latest_value"]),
                    "Rating": (ratings["arrow"].fillna("") + " " + ratings["rating"]).str.strip(),
                }
            ),
            {**MDG_WIDTHS, "Base": 24.0, "Latest": 24.0},
        )
    gaps: list[tuple[str, pd.DataFrame, list[float], str, tuple[Future[bytes], str]]] = []
    for dim, (a, b) in metrics.EQUITY_GROUPS.items():
        g = metrics.equity_gaps(obs, dim) if not obs.empty else pd.DataFrame()
        if g.empty:
            continue
        trend = metrics.gap_trend(g)
        other = "location" if dim == "sex" else "sex"
        table, widths, note = _compact(
            pd.DataFrame(
                {
                    "Country": trend["country_iso3"],
                    "Series": trend["series_code"].map(lambda c: names.get(c, c)),
                    "Source": trend["source"],
                    other.capitalize(): trend[other].map(lambda v: "all" if v == "total" else v),
                    f"First gap ({a} - {b})": _year_value(trend["first_year"], trend["first_difference"]),
                    "Latest gap": _year_value(trend["latest_year"], trend["latest_difference"]),
                    "Gap": trend["trend"],
                }
            ),
            {**MDG_WIDTHS, f"First gap ({a} - {b})": 34.0, "Latest gap": 28.0},
        )
        chart_g = ctx.render(
            charts.equity_gap_chart(
                g, "difference", title=f"Indicator {code}: gap, {a} minus {b}"
            ).properties(width=460, height=220)
        )
        gaps.append((f"{a} minus {b}", table, widths, note, chart_g))
    sources = sorted(obs["source"].dropna().astype(str).unique()) if not obs.empty else []

    def write(pdf: PackPDF) -> None:
        png = chart[0].result() if chart is not None else None
        # Keep the heading, its lines and the rating grid together on one page.
        pdf.need(50 + (pdf.chart_size(png, MDG_CHART_HEIGHT)[1] if png is not None else 0))
        pdf.section(f"{code} {ind['text']}", level=1, new_page=False)
        pdf.para(
            f"Target {ind['target']}: {ind['target_text']}. Rights provisions (indicative): "
            f"{ind['rights_provisions']}.",
            size=8.5,
        )
        no_pairs = " No female/male or rural/urban pairs to compare." if png is not None and not gaps else ""
        pdf.para(
            f"Countries: {', '.join(chosen) if chosen else 'none with data'}.{no_pairs}", size=8.5, muted=True
        )
        if sources:
            pdf.para(" ".join(credit(s) for s in sources), size=7.5, muted=True)
        if png is None or chart is None:
            pdf.para(
                f"No values up to {year} for this indicator and these countries in the database"
                + (" (its values are of later years)." if later else "."),
                size=9,
            )
        else:
            pdf.chart(png, chart[1], max_height=MDG_CHART_HEIGHT)
            if unrated:
                pdf.para(
                    "Not rated: the indicator has neither a 2015 target ratio nor a desired direction "
                    "(for a parity index the aim is 1); the table gives the latest values.",
                    size=8.5,
                    muted=True,
                )
            pdf.subheading("Progress ratings")
            if rating_note:
                pdf.para(rating_note, size=7.5, muted=True)
            pdf.data_table(rating_table, rating_widths, size=7)
        for label, table, widths, note, chart_g in gaps:
            pdf.chart(chart_g[0].result(), chart_g[1], max_height=70, heading=f"Equity gap: {label}")
            if note:
                pdf.para(note, size=7.5, muted=True)
            pdf.data_table(table, widths, size=7)

    return write


def _workload(ctx: _Context) -> Writer:
    """The workload page's figures and charts, as known at the round's cut-off."""
    data, rid, as_of = ctx.data, ctx.round_id, ctx.cutoff
    items = data.items
    known = items.loc[items["received_on"] <= as_of]
    in_round = views.items_in_round(known, data.rounds, rid)
    backlog = metrics.backlog(known, as_of)
    share = metrics.plan_area_share(in_round).set_index("group")
    figures = pd.DataFrame(
        {
            f"Requests in {rid}": [fmt_count(len(in_round))],
            "Hours in the round": [fmt_count(in_round["hours"].sum())],
            "Open backlog at cut-off": [fmt_count(len(backlog))],
            "Share of hours in the plan's five areas": [f"{share.at[metrics.PLAN_GROUP, 'hour_share']:.0%}"],
        }
    )
    monthly = views.monthly_upto(metrics.monthly_counts(known, by="work_area"), as_of)
    c_monthly = ctx.render(
        charts.workload_monthly_chart(monthly, measure="items").properties(width=560, height=220)
    )
    per_round = views.upto_round(metrics.by_round(known, data.rounds), rid)
    pivot = per_round.pivot_table(
        index="round_id", columns="work_area", values="items", fill_value=0, aggfunc="sum"
    )
    pivot_shown = pivot.map(fmt_count).reset_index()
    pivot_shown.columns = ["Round", *[human(c) for c in pivot.columns]]
    capacity = views.default_capacity(known)
    hours = metrics.hours_vs_capacity(known, capacity)
    c_hours = ctx.render(charts.hours_capacity_chart(hours).properties(width=560, height=200))
    c_backlog = (
        ctx.render(charts.backlog_age_chart(backlog).properties(width=420)) if not backlog.empty else None
    )
    turn = metrics.turnaround(known.loc[known["completed_on"] <= as_of])
    turn_shown = pd.DataFrame(
        {
            "Work area": turn["work_area"].map(human),
            "Completed": turn["completed_items"].map(fmt_count),
            "Median days": turn["median_days"].map(fmt_value),
            "Mean days": turn["mean_days"].map(lambda v: f"{v:,.1f}"),
            "Longest": turn["max_days"].map(fmt_count),
        }
    )

    def write(pdf: PackPDF) -> None:
        pdf.section("New York office workload")
        pdf.para(
            "Requests to the New York office in the areas the plan names (rule of law, mainstreaming, MDGs, "
            f"action 2, peace and security; paragraphs 83, 123, 153), as known at the cut-off ({fmt_date(as_of)}).",
            size=9,
        )
        pdf.data_table(figures, align="CENTER", size=8.5)
        pdf.chart(c_monthly[0].result(), c_monthly[1], max_height=80)
        pdf.subheading("Requests per round and work area")
        n_areas = len(pivot_shown.columns) - 1
        pdf.data_table(
            pivot_shown,
            [16.0, *[(PAGE_TEXT_WIDTH - 16.0) / max(n_areas, 1)] * n_areas],
            ("LEFT", *["RIGHT"] * n_areas),
            size=7.5,
        )
        pdf.chart(
            c_hours[0].result(),
            c_hours[1],
            max_height=75,
            heading=(
                f"Hours against staff capacity: {capacity:,.0f} hours a month (the officers who handled "
                f"requests x {views.HOURS_PER_PERSON_MONTH:.0f} hours)"
            ),
        )
        backlog_heading = f"Open backlog at the cut-off ({len(backlog)} requests)"
        if c_backlog is None:
            pdf.subheading(backlog_heading)
            pdf.para("No open requests at the cut-off date.", size=9)
        else:
            pdf.chart(c_backlog[0].result(), c_backlog[1], max_height=70, heading=backlog_heading)
        pdf.subheading("Turnaround: days from receipt to completion")
        pdf.data_table(turn_shown, [60, 28, 30, 30, 30], ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"), size=8)

    return write


def _action2(ctx: _Context) -> Writer:
    """The action 2 page's figures and charts for the round (cancelled activities left out)."""
    data, rid = ctx.data, ctx.round_id
    acts = views.upto_round(data.acts, rid)
    by_agency = metrics.by_agency_type(acts, rid)
    by_country = metrics.by_country(acts, rid)
    c_agency = ctx.render(charts.action2_agency_chart(by_agency, measure="activities").properties(width=480))
    c_map = ctx.render(
        charts.action2_world_map(by_country, DATA_DIR / "countries-110m.json", measure="activities")
    )
    adv = metrics.advisers_over_time(acts)
    trained = metrics.trained_over_time(acts)
    c_adv = ctx.render(
        charts.advisers_over_time_chart(adv, measure="advisers_deployed").properties(height=200)
    )
    c_trained = ctx.render(
        charts.advisers_over_time_chart(trained, measure="participants_trained").properties(height=200)
    )
    agency = by_agency.groupby("agency", sort=True)[
        ["activities", "participants_trained", "advisers_deployed"]
    ].sum()
    agency = agency.sort_values(["activities", "participants_trained"], ascending=False).reset_index()
    agency_shown = pd.DataFrame(
        {
            "Agency": agency["agency"],
            "Activities": agency["activities"].map(fmt_count),
            "People trained": agency["participants_trained"].map(fmt_count),
            "Advisers deployed": agency["advisers_deployed"].map(fmt_count),
        }
    )
    over_time = adv.merge(trained, on="round_id", how="outer")
    over_time = over_time.sort_values("round_id", key=lambda s: s.map(metrics.round_key)).reset_index(
        drop=True
    )
    over_time_shown = pd.DataFrame(
        {
            "Round": over_time["round_id"],
            "Activities": over_time["activities"].map(fmt_count),
            "People trained": over_time["participants_trained"].map(fmt_count),
            "Advisers deployed": over_time["advisers_deployed"].map(fmt_count),
            "Countries with advisers": over_time["countries"].map(fmt_count),
        }
    )
    stale = ctx.ov.stale

    def write(pdf: PackPDF) -> None:
        pdf.section("Action 2 activity")
        pdf.para(
            "Partner agencies' work with UN country teams (paragraphs 107-109, 142-143) reported for "
            f"{rid}; cancelled activities are left out.",
            size=9,
        )
        pdf.data_table(
            _changes_table(ctx, ctx.ov.action2), CHANGE_WIDTHS, ("LEFT", "RIGHT", "RIGHT", "RIGHT"), size=8
        )
        if not stale.empty:
            pdf.note(
                "Not updated since an earlier round (stale): "
                + "; ".join(
                    f"{s.agency}: last report {s.last_round or 'never'}, {s.rounds_missed} round(s) missed"
                    for s in stale.itertuples()
                )
                + "."
            )
        pdf.chart(c_agency[0].result(), c_agency[1], max_height=80)
        pdf.data_table(agency_shown, [50, 35, 40, 40], ("LEFT", "RIGHT", "RIGHT", "RIGHT"), size=8)
        pdf.chart(c_map[0].result(), c_map[1], max_height=95, heading="Where: activities by country")
        pdf.need(95)
        pdf.subheading("Over time")
        pdf.chart_pair((c_adv[0].result(), c_adv[1]), (c_trained[0].result(), c_trained[1]), max_height=65)
        pdf.data_table(
            over_time_shown, [30, 30, 35, 35, 45], ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"), size=8
        )

    return write


def _annex(ctx: _Context) -> Writer:
    table = _point_rows(views.point_table(ctx.data.reports, ctx.round_id, ctx.prev, ctx.cutoff))
    shown = pd.DataFrame(
        {
            "Point": table["action_point_id"],
            "Status": table["status"].map(human),
            "Assessment": table["assessment"].map(human),
            "%": table["percent_complete"].map(fmt_count),
            "Due": table["due_date"].map(lambda d: "—" if pd.isna(d) else f"{d:%b %Y}"),
            "Overdue": table["overdue"].map({True: "yes", False: "no"}),
            "Move": table["move"].map(human),
            "Action point (Plan of Action, section V)": table["text"].fillna(""),
        }
    )

    def write(pdf: PackPDF) -> None:
        pdf.section("Annex: every action point and its status")
        pdf.para(
            f"All {len(shown)} action points reported for {ctx.round_id}, in the plan's order; the move is the "
            f"change of status since {ctx.prev or 'the previous round'}.",
            size=8.5,
        )
        pdf.data_table(
            shown,
            [11, 18, 19, 8, 15, 14, 16, 77],
            ("LEFT", "LEFT", "LEFT", "RIGHT", "LEFT", "LEFT", "LEFT", "LEFT"),
            size=6.8,
        )

    return write


def _sources(ctx: _Context) -> Writer:
    def write(pdf: PackPDF) -> None:
        pdf.section("Data sources and notes")
        items = [
            (
                "Action points",
                "The texts of the action points are those of section V (paragraphs 127-158) of the Plan of "
                "action submitted by the United Nations High Commissioner for Human Rights (A/59/2005/Add.3).",
            ),
            (
                "MDG indicators",
                "United Nations Statistics Division, Millennium Development Goals Indicators database (UNSD MDG "
                "DB); UN Inter-agency Group for Child Mortality Estimation (UN IGME); World Bank World "
                "Development Indicators and UNAIDS series via Gapminder Systema Globalis (CC BY 4.0), successor "
                "(SDG-era) series kept under their own source labels and never merged with the MDG series. "
                "Values are as published, without interpolation.",
            ),
            (
                "Sources in this pack",
                "; ".join(sorted(ctx.mdg_sources)) or "none",
            ),
            (
                "Rights provisions and indicator typing",
                "An indicative mapping in the spirit of OHCHR's Claiming the MDGs: a human rights approach "
                "(2008) and the indicator framework of HRI/MC/2008/3; the 2015 target ratios and desired "
                "directions are the dashboard's classification.",
            ),
            ("Illustrative data", ILLUSTRATIVE),
            ("World map", "world-atlas 2.0.2 (ISC licence), derived from Natural Earth (public domain)."),
            ("Font", "DejaVu Sans (Bitstream Vera licence; DejaVu changes in the public domain)."),
        ]
        for title, text in items:
            pdf.subheading(title)
            pdf.para(text, size=8.5)
        pdf.para(
            f"Built by the consultations dashboard on {date.today():%d %B %Y} from the data as of the round's "
            f"cut-off ({fmt_date(ctx.cutoff)}). Charts are the dashboard's own, rendered with vl-convert.",
            size=8,
            muted=True,
        )

    return write


def _cover(ctx: _Context, pdf: PackPDF) -> None:
    row = ctx.round_row
    pdf.add_page()
    pdf.set_y(40)
    pdf.set_font(FONT, size=10)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(
        0,
        5,
        "Office of the United Nations High Commissioner for Human Rights",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.multi_cell(
        0,
        5,
        "System-wide consultations of principals, twice yearly (Plan of Action, 2005, paragraph 134)",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(14)
    pdf.set_text_color(*ACCENT)
    pdf.set_font(FONT, "B", 30)
    pdf.cell(0, 14, "Briefing pack", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 18)
    pdf.cell(0, 10, f"Consultation round {ctx.round_id}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=12)
    pdf.multi_cell(0, 6, str(row["title"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(10)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + 60, pdf.get_y())
    pdf.set_line_width(0.2)
    pdf.ln(6)
    facts = [
        ("Meeting date", fmt_date(row["meeting_date"])),
        ("Data cut-off", fmt_date(row["cutoff_date"])),
        ("Compared with", f"round {ctx.prev}" if ctx.prev else "nothing (first round)"),
        ("MDG data up to", str(ctx.ov.mdg_year)),
        ("Prepared", fmt_date(date.today())),
    ]
    for label, value in facts:
        pdf.set_font(FONT, size=11)
        pdf.set_text_color(*MUTED)
        pdf.cell(42, 7.5, label)
        pdf.set_text_color(*INK)
        pdf.set_font(FONT, "B", 11)
        pdf.cell(0, 7.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y() + 20, 200))
    if bool(row.get("illustrative", False)):
        pdf.note(ILLUSTRATIVE, size=9)
    pdf.para(
        "Figures are those of the consultations dashboard for this round; data sources are credited at the end.",
        size=8.5,
        muted=True,
    )


# --- Entry point --------------------------------------------------------------------------------


def build_pack(
    engine: Engine,
    round_id: str,
    *,
    mdg_indicators: tuple[str, ...] | list[str] = DEFAULT_INDICATORS,
    countries: list[str] | tuple[str, ...] | None = None,
    progress: ProgressFn | None = None,
) -> bytes:
    """The briefing pack of ``round_id`` as PDF bytes.

    ``countries`` (at most :data:`MAX_COUNTRIES` ISO3 codes) applies to every MDG
    indicator; by default each indicator shows the MDG page's default countries
    (those with the most values). ``progress(fraction, message)`` is told how far
    the build is. Raises ``ValueError`` for an unknown round or too many countries.
    """
    if countries and len(countries) > MAX_COUNTRIES:
        raise ValueError(f"at most {MAX_COUNTRIES} countries, as on the MDG page; got {len(countries)}")

    def report(fraction: float, message: str) -> None:
        if progress is not None:
            progress(min(max(fraction, 0.0), 1.0), message)

    report(0.0, "Loading the data")
    data = load_data(engine)
    if round_id not in set(data.rounds["id"]):
        raise ValueError(f"unknown round {round_id!r}; rounds: {', '.join(data.rounds['id']) or 'none'}")
    report(0.1, "Comparing with the previous round")
    ov = pack_overview(data, round_id)
    row = data.rounds.set_index("id").loc[round_id]
    with ThreadPoolExecutor(max_workers=CHART_WORKERS, thread_name_prefix="pack-chart") as pool:
        ctx = _Context(data, ov, round_id, row, ov.previous_round_id, pd.Timestamp(row["cutoff_date"]), pool)
        report(0.2, "Computing the figures and drawing the charts")
        parts: list[tuple[str, list[Writer]]] = [
            ("Writing the summary", [_summary(ctx)]),
            ("Writing the action points", _action_points(ctx)),
            (
                "Writing the MDG indicators",
                _mdg(ctx, tuple(mdg_indicators), list(countries) if countries else None),
            ),
            ("Writing the New York workload", [_workload(ctx)]),
            ("Writing action 2 activity", [_action2(ctx)]),
            ("Writing the annex", [_annex(ctx)]),
            ("Crediting the sources", [_sources(ctx)]),
        ]
        pdf = PackPDF(f"Briefing pack · round {round_id} · data as of {fmt_date(ctx.cutoff)}")
        pdf.set_title(f"Briefing pack, consultation round {round_id}")
        pdf.set_subject(str(row["title"]))
        pdf.set_author("Consultations dashboard (OHCHR Plan of Action, 2005)")
        pdf.set_creator("consultations dashboard: lib.briefing")
        pdf.set_lang("en")
        _cover(ctx, pdf)
        pdf.add_page()
        pdf.insert_toc_placeholder(_render_toc, pages=1)
        total = sum(len(writers) for _, writers in parts)
        done = 0
        for message, writers in parts:
            for write in writers:
                report(0.25 + 0.7 * done / total, message)
                write(pdf)
                done += 1
        report(0.97, "Finishing the PDF")
        out = bytes(pdf.output())
    report(1.0, "Done")
    return out
