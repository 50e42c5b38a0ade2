"""Tests of the chart builders (lib/domains/*/charts.py, lib/chart_theme.py) through the Vega-Lite dict each builder produces."""

from __future__ import annotations

import copy
import json
from datetime import date

import altair as alt
import pandas as pd
import pytest

from lib import chart_theme as theme
from lib.datasets import STATUSES
from lib.domains.action2 import charts as a2_charts
from lib.domains.action2 import metrics as a2_metrics
from lib.domains.action_points import charts as ap_charts
from lib.domains.action_points import metrics as ap_metrics
from lib.domains.mdg import charts as mdg_charts
from lib.domains.mdg import rating as mdg_rating
from lib.domains.workload import charts as wl_charts
from lib.domains.workload import metrics as wl_metrics
from lib.paths import ROOT

# --- Small frames shaped like the domains' metrics output --------------------------------

ROLLUP = pd.DataFrame(
    {
        "cluster": ["A"] * 4 + ["B"] * 4,
        "cluster_title": ["Country engagement"] * 4 + ["Leadership"] * 4,
        "status": ["not_started", "limited", "substantial", "completed"] * 2,
        "status_rank": [0, 1, 2, 3] * 2,
        "count": [0, 1, 1, 2, 1, 0, 0, 0],
        "total": [4] * 4 + [1] * 4,
        "share": [0.0, 0.25, 0.25, 0.5, 1.0, 0.0, 0.0, 0.0],
    }
)

HISTORY = pd.DataFrame(
    {
        "round_id": ["2009-H1", "2008-H2"],
        "action_point_id": ["134", "134"],
        "status": ["substantial", "limited"],
        "assessment": ["on_track", "at_risk"],
        "percent_complete": [60, 30],
        "summary": ["b", "a"],
        "reported_on": [date(2009, 5, 1), date(2008, 11, 1)],
        "status_rank": [2, 1],
    }
)

OBS = pd.DataFrame(
    {
        "indicator_code": ["4.1"] * 4,
        "series_code": ["553"] * 4,
        "country_iso3": ["NPL", "NPL", "NPL", "IND"],
        "year": [1990, 2000, 2000, 2000],
        "value": [140.0, 80.0, 85.0, 90.0],
        "unit": ["per 1,000 live births"] * 4,
        "sex": ["total"] * 4,
        "location": ["total"] * 4,
        "source": ["UNSD MDG DB", "UNSD MDG DB", "DHS 2001", "UNSD MDG DB"],
        "nature": ["C", "E", "C", "M"],
        "footnote": [None, None, "survey", None],
    }
)

GAPS = pd.DataFrame(
    {
        "indicator_code": ["2.1", "2.1"],
        "series_key": ["s", "s"],
        "series_code": ["S, girls", "S, girls"],
        "series_code_b": ["S, boys", "S, boys"],
        "country_iso3": ["NPL", "NPL"],
        "source": ["UNSD", "UNSD"],
        "location": ["total", "total"],
        "year": [2000, 2010],
        "unit": ["%", "%"],
        "dimension": ["sex", "sex"],
        "group_a": ["female", "female"],
        "group_b": ["male", "male"],
        "value_a": [60.0, 70.0],
        "value_b": [80.0, 95.0],
        "ratio": [0.75, 70 / 95],
        "difference": [-20.0, -25.0],
    }
)

INDICATORS = pd.DataFrame({"code": ["4.1"], "target_ratio_2015": [1 / 3], "desired_direction": ["decrease"]})


def _ratings() -> pd.DataFrame:
    obs = OBS.copy()
    obs.loc[len(obs)] = ["4.1", "553", "AFG", 1990, 90.0, "u", "total", "total", "X", "C", None]
    obs.loc[len(obs)] = ["4.1", "553", "AFG", 2015, 30.0, "u", "total", "total", "X", "C", None]
    return mdg_rating.progress_rating(obs, INDICATORS)


def _items() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["NY1", "NY2", "NY3"],
            "received_on": [date(2009, 1, 5), date(2009, 3, 2), date(2008, 10, 1)],
            "work_area": ["rule_of_law", "mdgs", "other"],
            "requesting_body": ["Security Council", "UNDG", "DPA"],
            "kind": ["briefing"] * 3,
            "title": ["t"] * 3,
            "staff_member": ["NY officer 1"] * 3,
            "hours": [5.0, 30.0, 2.0],
            "status": ["open", "completed", "open"],
            "completed_on": [None, date(2009, 3, 9), None],
        }
    )


def _acts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["A1", "A2", "A3"],
            "agency": ["UNDP", "UNDP", "UNICEF"],
            "country_iso3": ["NPL", "AFG", "NPL"],
            "type": ["training", "hr_adviser", "training"],
            "start_date": [date(2009, 1, 1)] * 3,
            "end_date": [None] * 3,
            "participants_trained": [25, 0, 40],
            "advisers_deployed": [0, 2, 0],
            "status": ["completed"] * 3,
            "round_id": ["2009-H1", "2009-H1", "2008-H2"],
            "description": [""] * 3,
        }
    )


# Two squares standing in for data/countries-110m.json: object "countries", ids zero-padded M49.
TOPOJSON = {
    "type": "Topology",
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0]], "id": "004", "properties": {"name": "Afghanistan"}},
                {"type": "Polygon", "arcs": [[1]], "id": "524", "properties": {"name": "Nepal"}},
            ],
        }
    },
    "arcs": [
        [[60, 30], [60, 38], [75, 38], [75, 30], [60, 30]],
        [[80, 26], [80, 30], [88, 30], [88, 26], [80, 26]],
    ],
}


@pytest.fixture
def topo_path(tmp_path):
    path = tmp_path / "countries-110m.json"
    path.write_text(json.dumps(TOPOJSON), encoding="utf-8")
    return path


# --- Helpers -------------------------------------------------------------------------


def _spec(chart) -> dict:
    spec = chart.to_dict()
    assert spec["description"], "every chart needs a screen-reader description"
    title = spec["title"]
    assert title["text"] if isinstance(title, dict) else title, "every chart needs a title"
    return spec


def _mark(unit: dict) -> str:
    return unit["mark"]["type"] if isinstance(unit["mark"], dict) else unit["mark"]


def _data(spec: dict) -> list[dict]:
    return spec["datasets"][spec["data"]["name"]]


# --- Theme ---------------------------------------------------------------------------


def test_enable_theme_is_idempotent():
    theme.enable_theme()
    theme.enable_theme()
    assert alt.theme.active == theme.THEME_NAME
    assert alt.theme.names().count(theme.THEME_NAME) == 1


def test_theme_colours_and_fonts_reach_the_spec():
    alt.theme.enable("default")  # a builder must switch the theme back on by itself
    spec = ap_charts.cluster_status_bars(ROLLUP).to_dict()
    assert alt.theme.active == theme.THEME_NAME
    config = spec["config"]
    assert config["range"]["category"] == theme.OKABE_ITO
    assert config["range"]["category"][:3] == ["#0072B2", "#E69F00", "#009E73"]
    assert config["axis"]["labelFontSize"] >= 12 and config["title"]["fontSize"] >= 16


def test_base_sets_title_and_description():
    spec = theme.base(pd.DataFrame({"a": [1]}), title="T", description="D", subtitle="S").mark_bar().to_dict()
    assert spec["title"] == {"text": "T", "subtitle": "S"}
    assert spec["description"] == "D"


# --- Action points -----------------------------------------------------------------


def test_cluster_status_bars():
    spec = _spec(ap_charts.cluster_status_bars(ROLLUP))
    assert _mark(spec) == "bar"
    enc = spec["encoding"]
    assert enc["x"]["field"] == "share" and enc["x"]["stack"] == "zero"
    assert enc["y"]["field"] == "cluster_label"
    assert enc["color"]["field"] == "status"
    # the fixed ordinal status scale, low to high
    assert enc["color"]["scale"]["domain"] == ["not_started", "limited", "substantial", "completed"]
    assert enc["color"]["scale"]["range"] == [theme.STATUS_COLOURS[s] for s in STATUSES]  # issue 16 palette
    assert enc["order"]["field"] == "status_rank"
    assert "A. Country engagement: 4 points, 50% completed" in spec["description"]
    assert {r["cluster_label"] for r in _data(spec)} == {"A. Country engagement", "B. Leadership"}


def test_cluster_status_bars_does_not_mutate_input():
    before = copy.deepcopy(ROLLUP)
    ap_charts.cluster_status_bars(ROLLUP)
    pd.testing.assert_frame_equal(before, ROLLUP)


def test_point_history_chart():
    spec = _spec(ap_charts.point_history_chart(HISTORY))
    assert [_mark(u) for u in spec["layer"]] == ["line", "point"]
    points = spec["layer"][1]["encoding"]
    assert points["x"]["sort"] == ["2008-H2", "2009-H1"]  # rounds in order, not as given
    assert points["y"]["scale"]["domain"] == ["completed", "substantial", "limited", "not_started"]
    assert points["color"]["scale"]["domain"][0] == "not_started"
    assert "134" in spec["title"]
    assert "2008-H2 limited, 2009-H1 substantial" in spec["description"]


# --- MDG -----------------------------------------------------------------------------


def test_indicator_timeseries_keeps_sources_apart():
    spec = _spec(mdg_charts.indicator_timeseries(OBS))
    assert _mark(spec) == "line"
    enc = spec["encoding"]
    assert enc["x"]["field"] == "year" and enc["y"]["field"] == "value"
    # Issue 16: the legend names countries (not ISO3 codes) and sources by their short names;
    # a second channel (point shape) tells countries apart in grey print.
    assert enc["color"]["field"] == "country" and enc["shape"]["field"] == "country"
    assert enc["strokeDash"]["field"] == "source_name"
    legend = {r["country"] for r in _data(spec)}
    assert legend == {"Nepal", "India"}, legend
    assert {"series_code", "sex", "location"} <= {d["field"] for d in enc["detail"]}
    assert "source_name" in [t["field"] for t in enc["tooltip"]]
    assert enc["y"]["title"] == "per 1,000 live births"
    assert "DHS 2001" in spec["description"]


def test_equity_gap_chart_difference_and_ratio():
    spec = _spec(mdg_charts.equity_gap_chart(GAPS))
    rule, line = spec["layer"]
    assert (_mark(rule), _mark(line)) == ("rule", "line")
    assert rule["encoding"]["y"]["datum"] == 0.0
    assert line["encoding"]["y"]["field"] == "difference"
    assert line["encoding"]["strokeDash"]["field"] == "source_name"
    assert line["encoding"]["color"]["field"] == "country"  # names, not ISO3 (issue 16)
    assert {r["country"] for r in _data(spec)} == {"Nepal"}
    assert "female" in spec["title"] and "male" in spec["title"]
    ratio = mdg_charts.equity_gap_chart(GAPS, measure="ratio").to_dict()
    assert ratio["layer"][0]["encoding"]["y"]["datum"] == 1.0
    assert ratio["layer"][1]["encoding"]["y"]["field"] == "ratio"
    with pytest.raises(ValueError):
        mdg_charts.equity_gap_chart(GAPS, measure="share")


def test_rating_chart_has_colour_and_words():
    ratings = _ratings()
    spec = _spec(mdg_charts.rating_chart(ratings))
    cells, words = spec["layer"]
    assert (_mark(cells), _mark(words)) == ("rect", "text")
    assert cells["encoding"]["color"]["field"] == "rating"
    assert cells["encoding"]["color"]["scale"]["domain"] == list(mdg_rating.RATING_ORDER)
    on_track = cells["encoding"]["color"]["scale"]["domain"].index("on track")
    assert cells["encoding"]["color"]["scale"]["range"][on_track] == theme.RATING_COLOURS["on track"]
    assert words["encoding"]["text"]["field"] == "label"
    labels = {r["label"] for r in _data(spec)}
    assert "↑ on track" in labels and "insufficient data" in labels
    tooltip_fields = {t["field"] for t in cells["encoding"]["tooltip"]}
    assert {"base_value", "latest_value", "target_value", "cagr", "required_cagr", "ratio"} <= tooltip_fields
    # AFG 90 -> 30 and NPL 140 -> 80 (1990-2000) are on track; IND and NPL's DHS have one point each
    assert "2 on track, 2 insufficient data" in spec["description"]


# --- New York workload ---------------------------------------------------------------


def test_workload_monthly_chart():
    monthly = wl_metrics.monthly_counts(_items())
    spec = _spec(wl_charts.workload_monthly_chart(monthly, measure="hours"))
    enc = spec["encoding"]
    assert _mark(spec) == "bar"
    assert enc["y"]["field"] == "hours" and enc["y"]["aggregate"] == "sum"
    assert enc["color"]["field"] == "work_area"
    assert enc["color"]["scale"]["domain"] == list(theme.WORK_AREA_COLOURS)
    assert "37 in all" in spec["description"]
    by_body = wl_charts.workload_monthly_chart(
        wl_metrics.monthly_counts(_items(), by="requesting_body")
    ).to_dict()
    assert by_body["encoding"]["color"]["field"] == "requesting_body"
    with pytest.raises(ValueError):
        wl_charts.workload_monthly_chart(monthly, measure="days")


def test_backlog_age_chart_keeps_bucket_order():
    spec = _spec(wl_charts.backlog_age_chart(wl_metrics.backlog(_items(), date(2009, 6, 30))))
    enc = spec["encoding"]
    assert enc["x"]["field"] == "age_bucket"
    assert enc["x"]["scale"]["domain"] == ["0-30", "31-90", "91-180", ">180"]
    assert enc["y"]["aggregate"] == "count"
    # NY1 is 176 days old, NY3 272
    assert "1 aged 91-180 days" in spec["description"] and "1 aged >180 days" in spec["description"]


def test_hours_capacity_chart():
    df = wl_metrics.hours_vs_capacity(_items(), 20.0)
    spec = _spec(wl_charts.hours_capacity_chart(df))
    bars, line = spec["layer"]
    assert (_mark(bars), _mark(line)) == ("bar", "line")
    assert bars["encoding"]["color"]["scale"]["domain"] == ["within capacity", "over capacity"]
    assert line["encoding"]["y"]["field"] == "capacity_hours"
    assert "1 of 6 months are over capacity" in spec["description"]  # March 2009: 30 h


def test_capacity_line_is_on_the_bars_scale_and_unit_month_by_month():
    """Issue 16: the seed's capacity line stood at 720 h (every officer ever seen x 120 h) over months
    that three officers worked. Now each month's capacity is its own officers' hours, on the same
    y scale, axis and title as the bars, and the chart says what the line is."""
    items = pd.read_csv(ROOT / "data" / "ny_workload.csv")
    df = wl_metrics.hours_vs_capacity(items, 120.0)
    spec = _spec(wl_charts.hours_capacity_chart(df))
    bars, line = spec["layer"]
    assert "resolve" not in spec  # one shared y scale
    assert line["encoding"]["x"] == bars["encoding"]["x"]  # one month per step, on the bars' axis
    assert line["encoding"]["y"]["title"] == bars["encoding"]["y"]["title"] == "Hours in the month, whole office"
    rows = {r["month"][:7]: r for r in _data(spec)}
    assert rows["2006-01"]["officers"] == 3 and rows["2006-01"]["capacity_hours"] == 360.0
    assert rows["2008-06"]["officers"] == 6 and rows["2008-06"]["capacity_hours"] == 720.0
    assert all(r["capacity_hours"] == r["officers"] * 120.0 for r in rows.values())
    assert "x 120 hours" in spec["title"]["subtitle"]
    assert "360 to 720 hours" in spec["description"]


# --- Action 2 ----------------------------------------------------------------------


def test_action2_agency_chart():
    spec = _spec(
        a2_charts.action2_agency_chart(a2_metrics.by_agency_type(_acts()), measure="participants_trained")
    )
    enc = spec["encoding"]
    assert _mark(spec) == "bar"
    assert enc["x"]["field"] == "participants_trained"
    assert enc["y"]["sort"] == ["UNICEF", "UNDP"]  # most trained first
    assert enc["color"]["field"] == "type"
    assert enc["color"]["scale"]["domain"] == list(theme.ACTIVITY_TYPE_COLOURS)


def test_advisers_over_time_chart():
    spec = _spec(a2_charts.advisers_over_time_chart(a2_metrics.advisers_over_time(_acts())))
    assert _mark(spec) == "line"
    assert spec["encoding"]["x"]["sort"] == ["2008-H2", "2009-H1"]
    assert spec["encoding"]["y"]["field"] == "advisers_deployed"
    trained = a2_charts.advisers_over_time_chart(
        a2_metrics.trained_over_time(_acts()), measure="participants_trained"
    )
    assert trained.to_dict()["encoding"]["y"]["field"] == "participants_trained"


def test_action2_world_map_inlines_topojson(topo_path):
    by_country = a2_metrics.by_country(_acts())
    chart = a2_charts.action2_world_map(by_country, topo_path)
    assert theme.uses_named_data(chart)
    spec = theme.vega_spec(_spec(chart))
    # the map data is inline, never a URL fetched at run time
    assert "url" not in spec["data"]
    assert spec["data"]["format"] == {"type": "topojson", "feature": "countries"}
    topology = spec["datasets"][spec["data"]["name"]]  # altair moves inline values to "datasets"
    assert topology["objects"]["countries"]["geometries"][0]["id"] == "004"
    assert [_mark(u) for u in spec["layer"]] == ["geoshape", "geoshape"]
    lookup = spec["layer"][1]["transform"][0]
    assert lookup["lookup"] == "id" and lookup["from"]["key"] == "m49"
    joined = spec["datasets"][lookup["from"]["data"]["name"]]
    assert {r["m49"]: r["activities"] for r in joined} == {"004": 1, "524": 2}
    assert spec["layer"][1]["encoding"]["color"]["field"] == "activities"
    assert spec["projection"]["type"] == "equalEarth"
    assert "Nepal 2" in spec["description"]


def test_the_browser_gets_the_world_map_topology_as_one_data_url(topo_path):
    """Streamlit parses and re-serialises a spec's JSON several times a run: the browser's spec
    carries the topology as one string (a data: URL of the file's bytes), not as parsed arcs,
    and the rest of the spec is the one the pack and the PNG download draw."""
    import base64

    chart = a2_charts.action2_world_map(a2_metrics.by_country(_acts()), topo_path)
    finished = _spec(chart)
    inline, browser = theme.vega_spec(finished), theme.browser_spec(finished)
    url = browser["data"]["url"]
    assert url.startswith("data:application/json;base64,")
    assert base64.b64decode(url.split(",", 1)[1]) == topo_path.read_bytes()
    assert browser["data"]["format"] == {"type": "topojson", "feature": "countries"}
    assert inline["data"]["name"] not in browser.get("datasets", {})
    assert {k: v for k, v in browser.items() if k != "data"} == {
        k: v for k, v in inline.items() if k not in ("data", "datasets")
    } | {"datasets": finished["datasets"]}
    assert theme.browser_spec(_spec(a2_charts.action2_agency_chart(a2_metrics.by_agency_type(_acts())))) == (
        _spec(a2_charts.action2_agency_chart(a2_metrics.by_agency_type(_acts())))
    )


def test_action2_world_map_leaves_out_countries_without_m49(topo_path):
    by_country = a2_metrics.by_country(_acts())
    by_country.loc[len(by_country)] = ["XKX", "Kosovo", None, 1, 0, 0, 1]
    spec = a2_charts.action2_world_map(by_country, topo_path, measure="advisers_deployed").to_dict()
    joined = spec["datasets"][spec["layer"][1]["transform"][0]["from"]["data"]["name"]]
    assert "XKX" not in {r["country_iso3"] for r in joined}
    assert spec["layer"][1]["encoding"]["color"]["field"] == "advisers_deployed"


def test_builders_accept_empty_frames(topo_path):
    # a page with nothing imported yet must still render
    empty_items = _items().iloc[0:0]
    charts = [
        ap_charts.cluster_status_bars(
            ap_metrics.cluster_rollup(pd.DataFrame(columns=[*ROLLUP.columns, "round_id"]), "x")
        ),
        mdg_charts.indicator_timeseries(OBS.iloc[0:0]),
        mdg_charts.rating_chart(_ratings().iloc[0:0]),
        wl_charts.backlog_age_chart(wl_metrics.backlog(empty_items, date(2009, 1, 1))),
        a2_charts.action2_world_map(a2_metrics.by_country(_acts().iloc[0:0]), topo_path),
    ]
    for chart in charts:
        _spec(chart)


# --- Issue 16: counts on whole-number axes, titles that fit -----------------------------------


def test_count_axes_show_whole_numbers():
    advisers = _spec(a2_charts.advisers_over_time_chart(a2_metrics.advisers_over_time(_acts())))
    assert advisers["encoding"]["y"]["axis"]["format"] == ",d"
    assert advisers["encoding"]["y"]["axis"]["tickMinStep"] == 1
    agency = _spec(a2_charts.action2_agency_chart(a2_metrics.by_agency_type(_acts())))
    assert agency["encoding"]["x"]["axis"]["format"] == ",d"


def test_long_titles_are_wrapped_not_cut():
    spec = _spec(a2_charts.advisers_over_time_chart(a2_metrics.advisers_over_time(_acts())))
    text = spec["title"]["text"] if isinstance(spec["title"], dict) else spec["title"]
    lines = text if isinstance(text, list) else [text]
    assert " ".join(lines) == "Action 2: human rights advisers deployed per round"
    assert all(len(line) <= theme.TITLE_LINE for line in lines)


def test_long_y_axis_titles_are_wrapped_not_cut():
    """Issue 16: Vega cuts an axis title longer than the axis; a long unit is drawn in lines."""
    unit = "Proportion of the population using improved drinking water sources, urban"
    spec = _spec(mdg_charts.indicator_timeseries(OBS.assign(unit=unit)))
    title = spec["encoding"]["y"]["title"]
    assert isinstance(title, list) and " ".join(title) == unit
    assert all(len(line) <= mdg_charts.AXIS_TITLE_LINE for line in title)
    assert _spec(mdg_charts.indicator_timeseries(OBS))["encoding"]["y"]["title"] == "per 1,000 live births"
