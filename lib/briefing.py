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

The pack is written in the language of the current run (lib.i18n: headings, labels, dates
and numbers); the figures are the same in every language. Texts that come with the data
(action point texts, MDG indicator texts, round titles) stay as stored.
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

from lib import charts, i18n, metrics, overview, queries, views
from lib.datasets import CLUSTERS, STATUSES
from lib.exports import chart_png
from lib.i18n import N_, _
from lib.paths import DATA_DIR, FONT_DIR

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

ILLUSTRATIVE = N_(
    "Illustrative data: the consultation rounds, progress reports, New York workload and action 2 "
    "figures in this pack are generated to show how the dashboard works. They are not real reports "
    "of OHCHR, its New York office or any agency."
)
# --- Formatting (the tests format the metrics' figures with these too) --------------------------


def fmt_count(value: float | None) -> str:
    """A count or total as on the pages' metrics: 1,234 / 1 234 / 1.234 (a dash when there is none)."""
    if value is None or pd.isna(value):
        return "—"
    return i18n.fmt_number(value)


def fmt_change(value: float | None) -> str:
    """A change as on the pages' metric deltas: +3, -2, +0 (a dash without a previous round)."""
    if value is None or pd.isna(value):
        return "—"
    return i18n.fmt_signed(value)


def fmt_date(value: Any) -> str:
    """A date as the round picker writes it: 8 December 2008, 8 décembre 2008, 8 de diciembre de 2008."""
    if value is None or pd.isna(value):
        return "—"
    return i18n.fmt_date(pd.Timestamp(value))


def fmt_value(value: Any) -> str:
    """An indicator value: thousands separated, at most two decimals, trailing zeros dropped."""
    if value is None or pd.isna(value):
        return "—"
    return i18n.fmt_number(float(value), 2, trim=True)


def fmt_year(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else str(int(value))


def human(value: Any) -> str:
    """A stored code as words in the current language: not_started -> not started, non commencé."""
    return "—" if value is None or (not isinstance(value, str) and pd.isna(value)) else i18n.label(value)


def _group(sex: Any, location: Any) -> str:
    """A rating's breakdown in words: "all" for the totals, else the group(s) it covers."""
    parts = [human(v) for v in (sex, location) if isinstance(v, str) and v != "total"]
    return " / ".join(parts) if parts else _("all")


def credit(source: str) -> str:
    """Who to credit for an observation source, worded as on the MDG page."""
    return views.source_credit(source).replace("**", "")


# --- Data ---------------------------------------------------------------------------------------


@dataclass
class PackData:
    """Every frame the pack reads, loaded once through lib.queries (never the whole observation table)."""

    rounds: pd.DataFrame
    reports: pd.DataFrame
    indicators: pd.DataFrame
    series: pd.DataFrame
    obs: pd.DataFrame  # the chosen indicators' observations for the countries shown
    last_year: dict[str, int]  # per indicator, its latest year in any country
    items: pd.DataFrame
    acts: pd.DataFrame
    agencies: pd.DataFrame
    counts: pd.DataFrame  # values per country, indicator, sex and location (the MDG page's country list)


def load_data(
    engine: Engine, codes: tuple[str, ...] | list[str] = (), countries: list[str] | None = None
) -> PackData:
    """The pack's frames, read as the pages read them (internal notes are never included).

    Observations as the MDG page reads them: each chosen indicator for its shown countries only.
    """
    inds = queries.indicators(engine)
    rounds = queries.rounds(engine)
    counts = queries.disaggregation_counts(engine)
    frames = [
        queries.observations(
            engine, (code,), list(countries) if countries else default_countries(counts, code)
        )
        for code in dict.fromkeys(codes)
        if code in set(inds["code"])
    ]
    catalogue = queries.observation_catalogue(engine)
    return PackData(
        rounds=rounds,
        reports=queries.progress_reports(engine),
        indicators=inds,
        series=queries.series(engine),
        obs=pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(),
        last_year={str(k): int(v) for k, v in catalogue.groupby("indicator_code")["last_year"].max().items()},
        items=queries.work_items(engine),
        acts=queries.activities(engine),
        agencies=queries.agencies(engine),
        counts=counts,
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
        # {nb} is fpdf2's alias for the page count, filled in when the PDF is written.
        self.cell(0, 5, _("Page {page} of {pages}", page=self.page_no(), pages="{nb}"), align="C")
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
    pdf.cell(0, 9, _("Contents"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
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
    prev = ctx.prev or _("none")
    return pd.DataFrame(
        {
            _("Figure"): [_(c.label) for c in changes],
            _("This round ({round})", round=ctx.round_id): [fmt_count(c.now) for c in changes],
            _("Previous round ({round})", round=prev): [fmt_count(c.before) for c in changes],
            _("Change"): [fmt_change(c.delta) for c in changes],
        }
    )


def _ids(df: pd.DataFrame) -> str:
    return ", ".join(map(str, df["action_point_id"])) if not df.empty else _("none")


def _since(prev: str | None) -> str:
    """ "since 2008-H1", or the first round's note."""
    return _("since {round}", round=prev) if prev else _("(first round: nothing to compare)")


def _moves_line(m: dict[str, int]) -> str:
    return _(
        "{improved} improved, {declined} declined, {unchanged} unchanged, {new} newly reported.",
        improved=m.get("improved", 0),
        declined=m.get("declined", 0),
        unchanged=m.get("unchanged", 0),
        new=m.get("new", 0),
    )


def _stale_line(stale: pd.DataFrame) -> str:
    return ", ".join(
        _("{agency} (last {round})", agency=a.agency, round=a.last_round or _("never"))
        for a in stale.itertuples()
    )


def _summary(ctx: _Context) -> Writer:
    ov = ctx.ov
    since = _since(ctx.prev)
    widths = CHANGE_WIDTHS
    align = ("LEFT", "RIGHT", "RIGHT", "RIGHT")

    def write(pdf: PackPDF) -> None:
        pdf.section(_("What changed {since}", since=since))
        pdf.para(
            _(
                "Headline figures of round {round} against round {previous}, across the four domains. "
                "The same figures as the dashboard's briefing overview.",
                round=ctx.round_id,
                previous=ctx.prev or "—",
            ),
            muted=True,
            size=8.5,
        )
        m = ov.moves
        pdf.subheading(_("Action points"))
        pdf.data_table(_changes_table(ctx, ov.action_points), widths, align)
        pdf.para(
            _("Status {since}:", since=since)
            + " "
            + _moves_line(m)
            + " "
            + _(
                "Newly at risk or off track: {at_risk}. Newly overdue: {overdue}.",
                at_risk=_ids(ov.newly_at_risk),
                overdue=_ids(ov.newly_overdue),
            ),
            size=8.5,
        )
        pdf.subheading(_("MDG rights-based indicators"))
        if ov.mdg:
            pdf.data_table(_changes_table(ctx, ov.mdg), widths, align)
        moved = ov.mdg_moved
        better = int((moved["direction"] == "better").sum()) if not moved.empty else 0
        worse = int((moved["direction"] == "worse").sum()) if not moved.empty else 0
        pdf.para(
            _(
                "Ratings use data up to {year} (the year before the cut-off); each series is rated "
                "separately by source. Ratings that moved {since}: {better} better, {worse} worse.",
                year=ov.mdg_year,
                since=since,
                better=better,
                worse=worse,
            ),
            size=8.5,
        )
        pdf.subheading(_("New York office workload"))
        pdf.data_table(_changes_table(ctx, ov.workload), widths, align)
        pdf.subheading(_("Action 2 with partner agencies"))
        pdf.data_table(_changes_table(ctx, ov.action2), widths, align)
        if not ov.stale.empty:
            pdf.para(
                _("Not updated since an earlier round: {agencies}.", agencies=_stale_line(ov.stale)),
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
            _("Improved since {round}", round=prev or "—"): [fmt_count(moves["improved"])],
            _("Declined"): [fmt_count(moves["declined"])],
            _("Unchanged"): [fmt_count(moves["unchanged"])],
            _("Overdue"): [fmt_count(table["overdue"].sum())],
            _("At risk or off track"): [
                fmt_count(table["assessment"].isin(metrics.AT_RISK_ASSESSMENTS).sum())
            ],
        }
    )
    overall = ctx.render(charts.cluster_status_bars(rollup)) if not rollup.empty else None

    def rollup_table(roll: pd.DataFrame) -> pd.DataFrame:
        wide = roll.pivot_table(
            index=["cluster", "cluster_title"], columns="status", values="count", aggfunc="sum"
        )
        wide = wide.reindex(columns=list(STATUSES), fill_value=0).reset_index()
        titles = [
            f"{c}. {views.cluster_label(c, t)}"
            for c, t in zip(wide["cluster"], wide["cluster_title"], strict=True)
        ]
        out = pd.DataFrame({_("Cluster"): titles})
        out[_("Points")] = wide[list(STATUSES)].sum(axis=1).map(fmt_count)
        for s in STATUSES:
            out[human(s).capitalize()] = wide[s].map(fmt_count)
        return out

    def write_rollup(pdf: PackPDF) -> None:
        pdf.section(_("Action points"))
        pdf.para(
            _(
                "Progress on the action points of section V of the Plan of Action (paragraphs 127-158) as "
                "reported for {round}. Overdue: due before the cut-off date ({cutoff}) and not completed.",
                round=rid,
                cutoff=fmt_date(ctx.cutoff),
            ),
            size=9,
        )
        if overall is None:
            pdf.para(_("No progress reports for {round}.", round=rid))
            return
        pdf.data_table(figures, align="CENTER", size=8.5)
        png, alt = overall[0].result(), overall[1]
        pdf.chart(png, alt, max_height=75)
        pdf.subheading(_("Action points by status and cluster"))
        pdf.data_table(rollup_table(rollup), [76, 18, 21, 21, 21, 21], ("LEFT", *["RIGHT"] * 5))

    writers: list[Writer] = [write_rollup]
    for cluster in sorted(rollup["cluster"].unique()) if not rollup.empty else []:
        writers.append(_cluster_page(ctx, cluster, rollup, table))
    return writers


def _cluster_page(ctx: _Context, cluster: str, rollup: pd.DataFrame, table: pd.DataFrame) -> Writer:
    rid, prev = ctx.round_id, ctx.prev
    roll = rollup.loc[rollup["cluster"] == cluster]
    title = f"{cluster}. {views.cluster_label(cluster, CLUSTERS.get(cluster, roll['cluster_title'].iloc[0]))}"
    chart = ctx.render(
        charts.cluster_status_bars(
            roll, title=_("Cluster {cluster}: action points by status", cluster=title)
        ).properties(width=420)
    )
    points = _point_rows(table.loc[table["cluster"] == cluster])
    counts = ", ".join(
        f"{int(r.count)} {human(r.status)}" for r in roll.sort_values("status_rank").itertuples()
    )
    flagged = points.loc[points["assessment"].isin(metrics.AT_RISK_ASSESSMENTS) | points["overdue"]]
    risk = pd.DataFrame(
        {
            _("Point"): flagged["action_point_id"],
            _("Status"): flagged["status"].map(human),
            _("Assessment"): flagged["assessment"].map(human),
            _("Due"): flagged["due_date"].map(lambda d: "—" if pd.isna(d) else i18n.fmt_date(d, "medium")),
            _("Days overdue"): flagged["days_overdue"].map(lambda v: fmt_count(v) if v else "—"),
            _("Summary"): flagged["summary"].fillna(""),
        }
    )
    moved = pd.DataFrame(
        {
            _("Point"): points["action_point_id"],
            _("Status {round}", round=prev or _("before")): points["previous_status"].map(human),
            _("Status {round}", round=rid): points["status"].map(human),
            _("Move"): points["move"].map(human),
            _("Assessment"): points["assessment"].map(human),
            _("% complete"): points["percent_complete"].map(fmt_count),
        }
    )
    move_counts = metrics.move_summary(points.dropna(subset=["move"]))

    def write(pdf: PackPDF) -> None:
        pdf.section(_("Cluster {cluster}", cluster=title), level=1)
        pdf.para(
            _(
                "{count} action points reported for {round}: {counts}.",
                count=len(points),
                round=rid,
                counts=counts,
            ),
            size=9,
        )
        pdf.chart(chart[0].result(), chart[1], max_height=40)
        pdf.subheading(_("At risk, off track or overdue ({count})", count=len(flagged)))
        if flagged.empty:
            pdf.para(_("None: every point is on track and none is overdue."), size=9)
        else:
            pdf.data_table(
                risk, [14, 22, 21, 21, 16, 84], ("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "LEFT"), size=7.5
            )
        pdf.subheading(
            _("Movement since {round}", round=prev)
            if prev
            else _("Movement (first round: nothing to compare)")
        )
        pdf.para(_moves_line(move_counts), size=8.5)
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
        pdf.section(_("MDG rights-based indicators"))
        pdf.para(
            _(
                "Progress ratings and equity gaps for the chosen indicators, using values up to {year} (the "
                "year before the round's cut-off) as held in the database now, later revisions included. Each "
                "series (indicator, series, country, sex, location and source) is rated on its own: values "
                "from different sources are never combined. Indicators with a 2015 target (4.1, 5.1) compare "
                "the actual annual rate of change since 1990 with the rate the target requires; the others are "
                "rated by their compound annual growth in the desired direction. Rights provisions are an "
                "indicative mapping in the spirit of OHCHR's Claiming the MDGs (2008).",
                year=year,
            ),
            size=8.5,
        )
        if ov.mdg:
            pdf.subheading(_("All indicators and countries"))
            pdf.data_table(
                _changes_table(ctx, ov.mdg), CHANGE_WIDTHS, ("LEFT", "RIGHT", "RIGHT", "RIGHT"), size=8
            )

    writers: list[Writer] = [write_intro]
    for code in codes:
        if code not in inds.index:
            writers.append(_mdg_unknown(code))
            continue
        chosen = list(countries) if countries else default_countries(data.counts, code)
        ind_obs = data.obs
        if not ind_obs.empty:
            ind_obs = ind_obs.loc[
                (ind_obs["indicator_code"] == code)
                & (ind_obs["year"] <= year)
                & ind_obs["country_iso3"].isin(chosen)
            ]
            used_sources.update(ind_obs["source"].dropna().astype(str))
        later = data.last_year.get(code, year) > year
        writers.append(_mdg_indicator(ctx, code, inds.loc[code], ind_obs, chosen, names, year, later))
    ctx.mdg_sources |= used_sources
    return writers


def _mdg_unknown(code: str) -> Writer:
    def write(pdf: PackPDF) -> None:
        pdf.section(_("{code}: unknown indicator", code=code), level=1, new_page=False)
        pdf.para(_("Indicator {code} is not in the MDG framework held by the dashboard.", code=code), size=9)

    return write


def _compact(
    frame: pd.DataFrame, widths: dict[str, float], headers: dict[str, str] | None = None
) -> tuple[pd.DataFrame, list[float], str]:
    """Drop the Series and Source columns when they hold one value (named above the table instead).

    ``frame`` has English column keys (those of ``widths``); ``headers`` gives the shown ones
    (default: the keys translated). Returns the table, its column widths (the last column
    takes the rest of the page) and the note.
    """
    note = []
    for col in ("Series", "Source"):
        if col in frame and frame[col].nunique() == 1:
            if col == "Series":  # the indicator's sources are listed under its heading already
                note.append(_("Series: {name}", name=frame[col].iloc[0]))
            frame = frame.drop(columns=col)
    cols = list(frame.columns)
    w = [widths.get(c, 22.0) for c in cols[:-1]]
    w.append(max(PAGE_TEXT_WIDTH - sum(w), 24.0))
    shown = {c: (headers or {}).get(c) or _(MDG_HEADERS.get(c, c)) for c in cols}
    return frame.rename(columns=shown), w, ". ".join(note) + ("." if note else "")


PAGE_TEXT_WIDTH = 178.0  # A4 less the 16 mm margins
MDG_WIDTHS = {"Country": 15.0, "Series": 52.0, "Source": 32.0, "Group": 15.0, "Sex": 15.0, "Location": 17.0}
#: The MDG tables' column keys (English) -> their headers, translated when shown.
MDG_HEADERS = {
    "Country": N_("Country"),
    "Series": N_("Series"),
    "Source": N_("Source"),
    "Group": N_("Group"),
    "Sex": N_("Sex"),
    "Location": N_("Location"),
    "Base": N_("Base"),
    "Latest": N_("Latest"),
    "Rating": N_("Rating"),
    "Latest gap": N_("Latest gap"),
    "Gap": N_("Gap"),
}


def _year_value(years: pd.Series, values: pd.Series) -> list[str]:
    return [f"{fmt_year(y)}: {fmt_value(v)}" for y, v in zip(years, values, strict=True)]


#: Rows of a rating grid in the pack: more cannot be read at the chart's height on a page (and
#: each one costs rendering time). The table under the chart always lists every series.
PACK_CHART_ROWS = 40


def _chart_rows(ratings: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The ratings the grid shows, and a note when it is not all of them.

    Over :data:`PACK_CHART_ROWS` series: the totals only (no female/male, rural/urban
    breakdowns), and if those are still too many, the first ones in the grid's order.
    """
    total = len(ratings)
    if total <= PACK_CHART_ROWS:
        return ratings, ""
    totals = ratings.loc[(ratings["sex"] == "total") & (ratings["location"] == "total")]
    if 0 < len(totals) <= PACK_CHART_ROWS:
        note = _(
            "The chart shows the {shown} series without a breakdown, of {total}; the table lists every "
            "series, female/male and rural/urban included.",
            shown=len(totals),
            total=total,
        )
        return totals, note
    note = _(
        "The chart shows the first {shown} of {total} series; the table lists every series.",
        shown=PACK_CHART_ROWS,
        total=total,
    )
    return ratings.head(PACK_CHART_ROWS), note


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
    chart, chart_note = None, ""
    rating_table, rating_widths, rating_note = pd.DataFrame(), [], ""
    unrated = False
    if not ratings.empty:
        # The grid's own row order (country, breakdown, source, series), so chart and table read alike.
        ratings = ratings.assign(_row=charts._rating_row_label(ratings)).sort_values("_row")
        in_chart, chart_note = _chart_rows(ratings)
        chart = ctx.render(
            charts.rating_chart(in_chart, title=_("Indicator {code}: progress ratings", code=code))
        )
        unrated = bool(ratings["rating"].eq(metrics.RATING_NOT_RATED).all())
        rating_table, rating_widths, rating_note = _compact(
            pd.DataFrame(
                {
                    "Country": ratings["country_iso3"],
                    "Series": ratings["series_code"].map(lambda c: names.get(c, c)),
                    "Source": ratings["source"],
                    "Group": [
                        _group(sex, loc) for sex, loc in zip(ratings["sex"], ratings["location"], strict=True)
                    ],
                    "Base": _year_value(ratings["base_year"], ratings["base_value"]),
                    "Latest": _year_value(ratings["latest_year"], ratings["latest_value"]),
                    "Rating": (ratings["arrow"].fillna("") + " " + ratings["rating"].map(human)).str.strip(),
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
        a_word, b_word = human(a), human(b)
        table, widths, note = _compact(
            pd.DataFrame(
                {
                    "Country": trend["country_iso3"],
                    "Series": trend["series_code"].map(lambda c: names.get(c, c)),
                    "Source": trend["source"],
                    other.capitalize(): trend[other].map(lambda v: _("all") if v == "total" else human(v)),
                    "First gap": _year_value(trend["first_year"], trend["first_difference"]),
                    "Latest gap": _year_value(trend["latest_year"], trend["latest_difference"]),
                    "Gap": trend["trend"].map(human),
                }
            ),
            {**MDG_WIDTHS, "First gap": 34.0, "Latest gap": 28.0},
            {"First gap": _("First gap ({a} - {b})", a=a_word, b=b_word)},
        )
        minus = _("{a} minus {b}", a=a_word, b=b_word)
        chart_g = ctx.render(
            charts.equity_gap_chart(
                g, "difference", title=_("Indicator {code}: gap, {gap}", code=code, gap=minus)
            ).properties(width=460, height=220)
        )
        gaps.append((minus, table, widths, note, chart_g))
    sources = sorted(obs["source"].dropna().astype(str).unique()) if not obs.empty else []

    def write(pdf: PackPDF) -> None:
        png = chart[0].result() if chart is not None else None
        # Keep the heading, its lines and the rating grid together on one page.
        pdf.need(50 + (pdf.chart_size(png, MDG_CHART_HEIGHT)[1] if png is not None else 0))
        pdf.section(f"{code} {ind['text']}", level=1, new_page=False)
        pdf.para(
            _(
                "Target {target}: {text}. Rights provisions (indicative): {provisions}.",
                target=ind["target"],
                text=ind["target_text"],
                provisions=ind["rights_provisions"],
            ),
            size=8.5,
        )
        no_pairs = (
            " " + _("No female/male or rural/urban pairs to compare.") if png is not None and not gaps else ""
        )
        pdf.para(
            _("Countries: {countries}.", countries=", ".join(chosen) if chosen else _("none with data"))
            + no_pairs,
            size=8.5,
            muted=True,
        )
        if sources:
            pdf.para(" ".join(credit(s) for s in sources), size=7.5, muted=True)
        if png is None or chart is None:
            pdf.para(
                _("No values up to {year} for this indicator and these countries in the database", year=year)
                + (" " + _("(its values are of later years).") if later else "."),
                size=9,
            )
        else:
            pdf.chart(png, chart[1], max_height=MDG_CHART_HEIGHT)
            if chart_note:
                pdf.para(chart_note, size=7.5, muted=True)
            if unrated:
                pdf.para(
                    _(
                        "Not rated: the indicator has neither a 2015 target ratio nor a desired direction "
                        "(for a parity index the aim is 1); the table gives the latest values."
                    ),
                    size=8.5,
                    muted=True,
                )
            pdf.subheading(_("Progress ratings"))
            if rating_note:
                pdf.para(rating_note, size=7.5, muted=True)
            pdf.data_table(rating_table, rating_widths, size=7)
        for label, table, widths, note, chart_g in gaps:
            pdf.chart(
                chart_g[0].result(), chart_g[1], max_height=70, heading=_("Equity gap: {gap}", gap=label)
            )
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
            _("Requests in {round}", round=rid): [fmt_count(len(in_round))],
            _("Hours in the round"): [fmt_count(in_round["hours"].sum())],
            _("Open backlog at cut-off"): [fmt_count(len(backlog))],
            _("Share of hours in the plan's five areas"): [
                i18n.fmt_percent(share.at[metrics.PLAN_GROUP, "hour_share"])
            ],
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
    pivot_shown.columns = [_("Round"), *[human(c) for c in pivot.columns]]
    capacity = views.default_capacity(known)
    hours = metrics.hours_vs_capacity(known, capacity)
    c_hours = ctx.render(charts.hours_capacity_chart(hours).properties(width=560, height=200))
    c_backlog = (
        ctx.render(charts.backlog_age_chart(backlog).properties(width=420)) if not backlog.empty else None
    )
    turn = metrics.turnaround(known.loc[known["completed_on"] <= as_of])
    turn_shown = pd.DataFrame(
        {
            _("Work area"): turn["work_area"].map(human),
            _("Completed"): turn["completed_items"].map(fmt_count),
            _("Median days"): turn["median_days"].map(fmt_value),
            _("Mean days"): turn["mean_days"].map(lambda v: i18n.fmt_number(v, 1)),
            _("Longest"): turn["max_days"].map(fmt_count),
        }
    )

    def write(pdf: PackPDF) -> None:
        pdf.section(_("New York office workload"))
        pdf.para(
            _(
                "Requests to the New York office in the areas the plan names (rule of law, mainstreaming, "
                "MDGs, action 2, peace and security; paragraphs 83, 123, 153), as known at the cut-off "
                "({cutoff}).",
                cutoff=fmt_date(as_of),
            ),
            size=9,
        )
        pdf.data_table(figures, align="CENTER", size=8.5)
        pdf.chart(c_monthly[0].result(), c_monthly[1], max_height=80)
        pdf.subheading(_("Requests per round and work area"))
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
            heading=_(
                "Hours against staff capacity: {capacity} hours a month (the officers who handled "
                "requests x {hours} hours)",
                capacity=fmt_count(capacity),
                hours=fmt_count(views.HOURS_PER_PERSON_MONTH),
            ),
        )
        backlog_heading = _("Open backlog at the cut-off ({count} requests)", count=fmt_count(len(backlog)))
        if c_backlog is None:
            pdf.subheading(backlog_heading)
            pdf.para(_("No open requests at the cut-off date."), size=9)
        else:
            pdf.chart(c_backlog[0].result(), c_backlog[1], max_height=70, heading=backlog_heading)
        pdf.subheading(_("Turnaround: days from receipt to completion"))
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
            _("Agency"): agency["agency"],
            _("Activities"): agency["activities"].map(fmt_count),
            _("People trained"): agency["participants_trained"].map(fmt_count),
            _("Advisers deployed"): agency["advisers_deployed"].map(fmt_count),
        }
    )
    over_time = adv.merge(trained, on="round_id", how="outer")
    over_time = over_time.sort_values("round_id", key=lambda s: s.map(metrics.round_key)).reset_index(
        drop=True
    )
    over_time_shown = pd.DataFrame(
        {
            _("Round"): over_time["round_id"],
            _("Activities"): over_time["activities"].map(fmt_count),
            _("People trained"): over_time["participants_trained"].map(fmt_count),
            _("Advisers deployed"): over_time["advisers_deployed"].map(fmt_count),
            _("Countries with advisers"): over_time["countries"].map(fmt_count),
        }
    )
    stale = ctx.ov.stale

    def write(pdf: PackPDF) -> None:
        pdf.section(_("Action 2 activity"))
        pdf.para(
            _(
                "Partner agencies' work with UN country teams (paragraphs 107-109, 142-143) reported for "
                "{round}; cancelled activities are left out.",
                round=rid,
            ),
            size=9,
        )
        pdf.data_table(
            _changes_table(ctx, ctx.ov.action2), CHANGE_WIDTHS, ("LEFT", "RIGHT", "RIGHT", "RIGHT"), size=8
        )
        if not stale.empty:
            pdf.note(views.stale_sentence(stale) + ".")
        pdf.chart(c_agency[0].result(), c_agency[1], max_height=80)
        pdf.data_table(agency_shown, [50, 35, 40, 40], ("LEFT", "RIGHT", "RIGHT", "RIGHT"), size=8)
        pdf.chart(c_map[0].result(), c_map[1], max_height=95, heading=_("Where: activities by country"))
        pdf.need(95)
        pdf.subheading(_("Over time"))
        pdf.chart_pair((c_adv[0].result(), c_adv[1]), (c_trained[0].result(), c_trained[1]), max_height=65)
        pdf.data_table(
            over_time_shown, [30, 30, 35, 35, 45], ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"), size=8
        )

    return write


def _annex(ctx: _Context) -> Writer:
    table = _point_rows(views.point_table(ctx.data.reports, ctx.round_id, ctx.prev, ctx.cutoff))
    shown = pd.DataFrame(
        {
            _("Point"): table["action_point_id"],
            _("Status"): table["status"].map(human),
            _("Assessment"): table["assessment"].map(human),
            "%": table["percent_complete"].map(fmt_count),
            _("Due"): table["due_date"].map(
                lambda d: "—" if pd.isna(d) else i18n.fmt_month(d, abbreviated=True)
            ),
            _("Overdue"): table["overdue"].map({True: _("yes"), False: _("no")}),
            _("Move"): table["move"].map(human),
            # The plan's texts (English) unless the data supplies them in the pack's language.
            _("Action point (Plan of Action, section V)"): views.localised_text(table).fillna(""),
        }
    )

    def write(pdf: PackPDF) -> None:
        pdf.section(_("Annex: every action point and its status"))
        pdf.para(
            _(
                "All {count} action points reported for {round}, in the plan's order; the move is the "
                "change of status since {previous}.",
                count=len(shown),
                round=ctx.round_id,
                previous=ctx.prev or _("the previous round"),
            ),
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
        pdf.section(_("Data sources and notes"))
        items = [
            (
                _("Action points"),
                _(
                    "The texts of the action points are those of section V (paragraphs 127-158) of the Plan "
                    "of action submitted by the United Nations High Commissioner for Human Rights "
                    "(A/59/2005/Add.3)."
                ),
            ),
            (
                _("MDG indicators"),
                _(
                    "United Nations Statistics Division, Millennium Development Goals Indicators database "
                    "(UNSD MDG DB); UN Inter-agency Group for Child Mortality Estimation (UN IGME); World Bank "
                    "World Development Indicators and UNAIDS series via Gapminder Systema Globalis (CC BY 4.0), "
                    "successor (SDG-era) series kept under their own source labels and never merged with the "
                    "MDG series. Values are as published, without interpolation."
                ),
            ),
            (
                _("Sources in this pack"),
                "; ".join(sorted(ctx.mdg_sources)) or _("none"),
            ),
            (
                _("Rights provisions and indicator typing"),
                _(
                    "An indicative mapping in the spirit of OHCHR's Claiming the MDGs: a human rights approach "
                    "(2008) and the indicator framework of HRI/MC/2008/3; the 2015 target ratios and desired "
                    "directions are the dashboard's classification."
                ),
            ),
            (_("Illustrative data"), _(ILLUSTRATIVE)),
            (
                _("World map"),
                _("world-atlas 2.0.2 (ISC licence), derived from Natural Earth (public domain)."),
            ),
            (_("Font"), _("DejaVu Sans (Bitstream Vera licence; DejaVu changes in the public domain).")),
        ]
        if i18n.get_language() != i18n.DEFAULT_LANGUAGE:
            items.append(
                (
                    _("Languages"),
                    _(
                        "The action point texts, the MDG indicator and target texts and the round titles are "
                        "given in English, the language of the plan and of the MDG framework, unless the data "
                        "supplies a translation."
                    ),
                )
            )
        for title, text in items:
            pdf.subheading(title)
            pdf.para(text, size=8.5)
        pdf.para(
            _(
                "Built by the consultations dashboard on {today} from the data as of the round's cut-off "
                "({cutoff}). Charts are the dashboard's own, rendered with vl-convert.",
                today=fmt_date(date.today()),
                cutoff=fmt_date(ctx.cutoff),
            ),
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
        _("Office of the United Nations High Commissioner for Human Rights"),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.multi_cell(
        0,
        5,
        _("System-wide consultations of principals, twice yearly (Plan of Action, 2005, paragraph 134)"),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(14)
    pdf.set_text_color(*ACCENT)
    pdf.set_font(FONT, "B", 30)
    pdf.cell(0, 14, _("Briefing pack"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 18)
    pdf.cell(0, 10, _("Consultation round {round}", round=ctx.round_id), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=12)
    pdf.multi_cell(0, 6, str(row["title"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(10)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + 60, pdf.get_y())
    pdf.set_line_width(0.2)
    pdf.ln(6)
    facts = [
        (_("Meeting date"), fmt_date(row["meeting_date"])),
        (_("Data cut-off"), fmt_date(row["cutoff_date"])),
        (
            _("Compared with"),
            _("round {round}", round=ctx.prev) if ctx.prev else _("nothing (first round)"),
        ),
        (_("MDG data up to"), str(ctx.ov.mdg_year)),
        (_("Prepared"), fmt_date(date.today())),
    ]
    pdf.set_font(FONT, size=11)
    label_width = max(42.0, max(pdf.get_string_width(label) for label, _v in facts) + 4)  # longer in fr/es
    for label, value in facts:
        pdf.set_font(FONT, size=11)
        pdf.set_text_color(*MUTED)
        pdf.cell(label_width, 7.5, label)
        pdf.set_text_color(*INK)
        pdf.set_font(FONT, "B", 11)
        pdf.cell(0, 7.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y() + 20, 200))
    if bool(row.get("illustrative", False)):
        pdf.note(_(ILLUSTRATIVE), size=9)
    pdf.para(
        _(
            "Figures are those of the consultations dashboard for this round; data sources are credited "
            "at the end."
        ),
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
    round_overview: overview.Overview | None = None,
) -> bytes:
    """The briefing pack of ``round_id`` as PDF bytes.

    ``countries`` (at most :data:`MAX_COUNTRIES` ISO3 codes) applies to every MDG
    indicator; by default each indicator shows the MDG page's default countries
    (those with the most values). ``progress(fraction, message)`` is told how far
    the build is. ``round_overview``: the round's overview if the caller has it (the
    briefing page does), else it is computed here. Raises ``ValueError`` for an unknown
    round or too many countries.
    """
    if countries and len(countries) > MAX_COUNTRIES:
        raise ValueError(f"at most {MAX_COUNTRIES} countries, as on the MDG page; got {len(countries)}")

    def report(fraction: float, message: str) -> None:
        if progress is not None:
            progress(min(max(fraction, 0.0), 1.0), message)

    report(0.0, _("Loading the data"))
    chosen = list(countries) if countries else None
    data = load_data(engine, tuple(mdg_indicators), chosen)
    if round_id not in set(data.rounds["id"]):
        raise ValueError(f"unknown round {round_id!r}; rounds: {', '.join(data.rounds['id']) or 'none'}")
    report(0.1, _("Comparing with the previous round"))
    ov = round_overview if round_overview is not None else overview.compute(engine, round_id)
    row = data.rounds.set_index("id").loc[round_id]
    with ThreadPoolExecutor(max_workers=CHART_WORKERS, thread_name_prefix="pack-chart") as pool:
        ctx = _Context(data, ov, round_id, row, ov.previous_round_id, pd.Timestamp(row["cutoff_date"]), pool)
        report(0.2, _("Computing the figures and drawing the charts"))
        parts: list[tuple[str, list[Writer]]] = [
            (_("Writing the summary"), [_summary(ctx)]),
            (_("Writing the action points"), _action_points(ctx)),
            (
                _("Writing the MDG indicators"),
                _mdg(ctx, tuple(mdg_indicators), list(countries) if countries else None),
            ),
            (_("Writing the New York workload"), [_workload(ctx)]),
            (_("Writing action 2 activity"), [_action2(ctx)]),
            (_("Writing the annex"), [_annex(ctx)]),
            (_("Crediting the sources"), [_sources(ctx)]),
        ]
        pdf = PackPDF(
            _(
                "Briefing pack · round {round} · data as of {cutoff}",
                round=round_id,
                cutoff=fmt_date(ctx.cutoff),
            )
        )
        pdf.set_title(_("Briefing pack, consultation round {round}", round=round_id))
        pdf.set_subject(str(row["title"]))
        pdf.set_author(_("Consultations dashboard (OHCHR Plan of Action, 2005)"))
        pdf.set_creator("consultations dashboard: lib.briefing")
        pdf.set_lang(i18n.get_language())
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
        report(0.97, _("Finishing the PDF"))
        out = bytes(pdf.output())
    report(1.0, _("Done"))
    return out
