"""Each page's shaped frames and finished charts, cached per data version, choices and language.

A rerun of a page (any click) used to recompute its figures and tables from the loaded frames
and to build, validate and convert every Altair chart again: most of the rerun. Here each
part of a page is computed once per (data version, the choices it depends on, language) and
its charts kept as finished Vega-Lite specs (:func:`finished`), which ``webapp.chart_with_table``
hands to ``st.vega_lite_chart`` as they are. The chart builders (lib/domains/*/charts.py) still
return Altair charts; the conversion happens once, here.

Every cache is bounded (``max_entries``) and expires (``ttl``), so a server's memory stays bounded
however many choices its readers make.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import altair as alt
import pandas as pd
import streamlit as st

from lib import due, i18n, tables
from lib.domains.action2 import charts as a2_charts
from lib.domains.action2 import headline as a2_headline
from lib.domains.action2 import metrics as a2_metrics
from lib.domains.action2 import views as a2_views
from lib.domains.action_points import charts as ap_charts
from lib.domains.action_points import headline as ap_headline
from lib.domains.action_points import metrics as ap_metrics
from lib.domains.action_points import views as ap_views
from lib.domains.recommendations import charts as rec_charts
from lib.domains.recommendations import headline as rec_headline
from lib.domains.recommendations import metrics as rec_metrics
from lib.domains.workload import charts as wl_charts
from lib.domains.workload import headline as wl_headline
from lib.domains.workload import metrics as wl_metrics
from lib.domains.workload import views as wl_views
from lib.i18n import _
from lib.paths import DATA_DIR
from lib.rounds import upto_round, window
from lib.webapp.data import (
    country_names,
    load_activities,
    load_agencies,
    load_recommendation_statuses,
    load_recommendations,
    load_reports,
    load_rounds,
    load_work_items,
)

TTL = 3600  # seconds: a view nobody asked for in an hour is dropped
ENTRIES = 32  # views per function (each a few small frames and specs)
ROWS_HASHED_WHOLE = 50_000  # st.cache_data hashes a frame's every row below this size, a sample above


def finished(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite spec, validated and converted once (named datasets such as the world
    map's topology are added when it is drawn: ``chart_theme.vega_spec``)."""
    return chart.to_dict()


class Shown(NamedTuple):
    """What ``webapp.chart_with_table`` draws: a finished spec, its table, download name and
    caption, and the table as shown (made with the view, so that a rerun does not hash the table
    to find it: a fifth of a cached rerun of the action 2 page)."""

    chart: dict[str, Any]
    table: pd.DataFrame
    name: str
    caption: str
    view: TableView | None = None


def shown(chart: alt.TopLevelMixin, table: pd.DataFrame, name: str, caption: str) -> Shown:
    return Shown(finished(chart), table, name, caption, table_view(table))


class TableView(NamedTuple):
    """A table as ``webapp.show_table`` draws it: the frame shown (codes as labels, plain dates),
    each column's header, and the widths of the columns whose header is wider than their values."""

    frame: pd.DataFrame
    headers: dict[str, str]
    widths: dict[str, int]


def table_view(df: pd.DataFrame) -> TableView:
    """The frame as read, its headers and widths (in the current language; not cached)."""
    frame = tables.dash_empty_text(tables.labelled(tables.plain_dates(df)))
    headers = tables.column_labels(df)
    return TableView(frame, headers, tables.column_widths(frame, headers))


@st.cache_data(show_spinner=False, max_entries=256, ttl=TTL)
def _table_as_read(df: pd.DataFrame, lang: str) -> TableView:
    return table_view(df)


def table_as_read(df: pd.DataFrame) -> TableView:
    """:func:`table_view`, made once per frame (Streamlit hashes its content) and language: a rerun
    shows the same tables. A page's cached view can hold the result instead, so that a rerun
    does not even hash the frame (``due_round``)."""
    if len(df) >= ROWS_HASHED_WHOLE:  # Streamlit hashes a sample of larger frames: never cached
        return table_view(df)
    return _table_as_read(df, i18n.get_language())


# --- Action points --------------------------------------------------------------------------------


class PointsRound(NamedTuple):
    rollup: Shown | None  # None: no progress reports for the round
    figures: list
    table: pd.DataFrame  # the round's points (views.round_points)
    units: list[str]  # the lead units offered (internal readers)
    texts: pd.Series  # each point's text by id


@st.cache_data(show_spinner=False, max_entries=ENTRIES, ttl=TTL)
def action_points_round(version: int, internal: bool, round_id: str, lang: str) -> PointsRound:
    """The action points page's round: the roll-up chart, the headline figures, the points."""
    rounds, reports = load_rounds(version), load_reports(version, internal)
    win = window(rounds, round_id)
    table = ap_views.round_points(reports, win)
    rollup = ap_metrics.cluster_rollup(reports, round_id)
    texts = ap_views.point_texts(table)
    if rollup.empty:
        return PointsRound(None, [], table, [], texts)
    chart = shown(
        ap_charts.cluster_status_bars(rollup), rollup, f"cluster-rollup-{round_id}", _("status by cluster")
    )
    hl = ap_headline.headline(reports, win)
    units = ap_views.lead_units(table) if internal else []
    return PointsRound(chart, ap_headline.figures(hl.changes, hl.moves, win.previous), table, units, texts)


class PointsShown(NamedTuple):
    table: pd.DataFrame
    caption: str
    differ: str | None  # the caption under the table when assessments differ


@st.cache_data(show_spinner=False, max_entries=ENTRIES, ttl=TTL)
def action_points_shown(
    version: int,
    internal: bool,
    round_id: str,
    filters: tuple[tuple, tuple, tuple, tuple, bool],
    lang: str,
) -> PointsShown:
    """The round's points after the filters (clusters, statuses, assessments, units, overdue only)."""
    table = action_points_round(version, internal, round_id, lang).table
    clusters, statuses, assessments, units, overdue_only = filters
    rows = ap_views.filter_points(
        table, list(clusters), list(statuses), list(assessments), list(units), overdue_only
    )
    out = ap_views.visible_point_columns(rows, internal)
    differ = ap_views.differ_caption(out) if "assessments_differ" in out else None
    return PointsShown(out, ap_views.shown_caption(out, table), differ)


@st.cache_data(show_spinner=False, max_entries=ENTRIES, ttl=TTL)
def action_point_history(version: int, internal: bool, point: str, lang: str) -> Shown:
    """One point's history over the rounds: its chart and table."""
    history = ap_metrics.point_history(load_reports(version, internal), point)
    return shown(
        ap_charts.point_history_chart(history),
        ap_views.visible_point_columns(history, internal),
        f"history-{point}",
        _("history of action point {point}", point=point),
    )


# --- New York workload ----------------------------------------------------------------------------


class WorkloadRound(NamedTuple):
    figures: list
    per_round: pd.DataFrame  # the rounds up to this one (the CSV)
    pivot: pd.DataFrame  # as shown: work areas across, rounds down
    capacity: float  # the default hours per officer per month
    backlog: Shown | None  # None: no open requests at the cut-off
    turnaround: pd.DataFrame


def _known(version: int, round_id: str):
    rounds = load_rounds(version)
    hl = wl_headline.headline(load_work_items(version), rounds, window(rounds, round_id))
    return rounds, hl


@st.cache_data(show_spinner=False, max_entries=ENTRIES, ttl=TTL)
def workload_round(version: int, round_id: str, lang: str) -> WorkloadRound:
    """The workload page's round: figures, per round, default capacity, backlog, turnaround."""
    rounds, hl = _known(version, round_id)
    known, as_of = hl.known, rounds.set_index("id").at[round_id, "cutoff_date"]
    per_round = upto_round(wl_metrics.by_round(known, rounds), round_id)
    pivot = (
        wl_views.per_round_pivot(per_round)
        .rename(columns=i18n.label)
        .rename_axis(index=_("Round"), columns=_("Work area"))
    )
    backlog = None
    if not hl.backlog.empty:
        backlog = shown(
            wl_charts.backlog_age_chart(hl.backlog),
            hl.backlog[wl_views.BACKLOG_COLUMNS],
            f"backlog-{round_id}",
            _("open requests by age"),
        )
    turnaround = wl_metrics.turnaround(wl_views.completed_by(known, as_of))
    figures = wl_headline.figures(hl, round_id)
    return WorkloadRound(figures, per_round, pivot, wl_views.HOURS_PER_PERSON_MONTH, backlog, turnaround)


@st.cache_data(show_spinner=False, max_entries=ENTRIES, ttl=TTL)
def workload_monthly(version: int, round_id: str, by: str, measure: str, lang: str) -> Shown:
    """Requests per month up to the round's cut-off, by work area or requesting body, items or hours."""
    rounds, hl = _known(version, round_id)
    as_of = rounds.set_index("id").at[round_id, "cutoff_date"]
    monthly = wl_views.monthly_upto(wl_metrics.monthly_counts(hl.known, by=by), as_of)
    chart = wl_charts.workload_monthly_chart(monthly, measure=measure)
    return shown(chart, monthly, f"workload-monthly-{by}", _("requests per month"))


@st.cache_data(show_spinner=False, max_entries=ENTRIES, ttl=TTL)
def workload_hours(version: int, round_id: str, per_officer: float, lang: str) -> Shown:
    """Hours per month against the capacity of the officers on staff at ``per_officer`` hours each."""
    hours = wl_metrics.hours_vs_capacity(_known(version, round_id)[1].known, per_officer)
    return shown(
        wl_charts.hours_capacity_chart(hours), hours, "workload-hours-capacity", _("hours against capacity")
    )


# --- Action 2 -------------------------------------------------------------------------------------


class Action2Round(NamedTuple):
    stale: pd.DataFrame  # agencies without a report in the round (headline.stale)
    stale_sentence: str
    over_time: list[Shown]  # advisers and people trained per round


@st.cache_data(show_spinner=False, max_entries=ENTRIES, ttl=TTL)
def _activities(version: int, round_id: str, lang: str) -> pd.DataFrame:
    return a2_views.with_country_names(upto_round(load_activities(version), round_id), country_names(version))


@st.cache_data(show_spinner=False, max_entries=ENTRIES, ttl=TTL)
def action2_round(version: int, round_id: str, lang: str) -> Action2Round:
    """The action 2 page's round: stale agencies, and the charts over time."""
    acts, rounds = _activities(version, round_id, lang), load_rounds(version)
    hl = a2_headline.headline(acts, rounds, window(rounds, round_id), list(load_agencies(version)["code"]))
    sentence = a2_headline.stale_sentence(hl.stale) if not hl.stale.empty else ""
    over_time = [
        shown(a2_charts.advisers_over_time_chart(frame, measure=what), frame, name, caption)
        for frame, what, name, caption in (
            (
                a2_metrics.advisers_over_time(acts),
                "advisers_deployed",
                "advisers-over-time",
                _("advisers per round"),
            ),
            (
                a2_metrics.trained_over_time(acts),
                "participants_trained",
                "trained-over-time",
                _("people trained per round"),
            ),
        )
    ]
    return Action2Round(hl.stale, sentence, over_time)


class Action2Period(NamedTuple):
    agencies: Shown
    countries: Shown
    activities: pd.DataFrame


@st.cache_data(show_spinner=False, max_entries=ENTRIES, ttl=TTL)
def action2_period(version: int, round_id: str, this_round: bool, measure: str, lang: str) -> Action2Period:
    """By agency and type and by country (the world map), for the round or all rounds to date."""
    acts = _activities(version, round_id, lang)
    round_filter = round_id if this_round else None
    by_agency = a2_metrics.by_agency_type(acts, round_filter)
    agencies = shown(
        a2_charts.action2_agency_chart(by_agency, measure=measure),
        by_agency,
        f"action2-agencies-{round_id}",
        _("by agency and type"),
    )
    by_country = a2_metrics.by_country(acts, round_filter)
    world = a2_charts.action2_world_map(by_country, DATA_DIR / "countries-110m.json", measure=measure)
    countries = shown(world, by_country, f"action2-countries-{round_id}", _("by country"))
    return Action2Period(agencies, countries, a2_views.activity_table(acts, round_filter))


class RecommendationsRound(NamedTuple):
    """The recommendations page's round: headline figures, where each stands, its chart (or None)."""

    figures: list
    standing: pd.DataFrame
    status: Shown | None


@st.cache_data(show_spinner=False, max_entries=ENTRIES, ttl=TTL)
def recommendations_round(version: int, round_id: str, internal: bool, lang: str) -> RecommendationsRound:
    """What the recommendations page shows of a round before any filter: its figures, where each
    recommendation (only those addressed to agencies unless ``internal``) stands, the status chart."""
    rounds, agencies = load_rounds(version), load_agencies(version)
    recs = load_recommendations(version)
    recs = recs if internal else rec_metrics.addressed_to(recs, agencies["code"])
    statuses = load_recommendation_statuses(version)
    win = window(rounds, round_id)
    figures = rec_headline.figures(rec_headline.headline(recs, statuses, rounds, win), win.previous)
    stand = rec_metrics.standing(recs, statuses, rounds, round_id)
    status = None
    if not stand.empty:
        counts = rec_metrics.status_counts(stand)
        status = shown(
            rec_charts.status_by_round_chart(counts),
            counts,
            f"recommendations-status-{round_id}",
            _("status by round made"),
        )
    return RecommendationsRound(figures, stand, status)


# --- What is due ----------------------------------------------------------------------------------


class DueRound(NamedTuple):
    """The due page's round: the agencies' action 2 reports (the CSV, and as shown), how many still
    owe theirs, the overdue points and the follow-up reports owed, each as shown."""

    action2: pd.DataFrame
    action2_shown: TableView
    owed: int
    points: TableView | None  # None: no point is overdue at the cut-off
    recommendations: TableView


def pending_key(pending: pd.DataFrame) -> tuple[tuple, ...]:
    """The pending submissions as a cache key: the columns the due tables read, row by row."""
    return tuple(pending[["agency", "round_id", "dataset", "status"]].itertuples(index=False, name=None))


@st.cache_data(show_spinner=False, max_entries=ENTRIES, ttl=TTL)
def due_round(version: int, round_id: str, pending: tuple[tuple, ...], today: str, lang: str) -> DueRound:
    """What is due for ``round_id`` as of ``today`` (ISO date: a report is overdue from the day after
    the cut-off), given the pending submissions (:func:`pending_key`; they change outside the data
    version)."""
    waiting = pd.DataFrame(list(pending), columns=["agency", "round_id", "dataset", "status"])
    rounds = load_rounds(version)
    agencies = load_agencies(version)["code"]
    action2 = due.action2_due(load_activities(version), agencies, rounds, round_id, today, pending=waiting)
    points = due.overdue_points(load_reports(version, False), rounds, round_id)
    recs = due.recommendations_due(
        load_recommendations(version), load_recommendation_statuses(version), rounds, round_id, today, waiting
    )
    return DueRound(
        action2,
        table_view(due.action2_for_display(action2)),
        len(due.owed_by(action2)),
        None if points.empty else table_view(points),
        table_view(due.recommendations_for_display(due.owed_by(recs))),
    )
