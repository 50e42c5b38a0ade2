"""The charts' one theme: palette, fonts, number and date formats, titles, and the finished Vega-Lite spec.

Every chart builder (lib/domains/*/charts.py) starts from :func:`base` or :func:`layer`, so all
charts share this theme. Colours are colour-blind safe: Okabe-Ito for categories, a fixed ordinal
scale for the four statuses, and ratings always carry an arrow and a word besides colour.

Pages should call ``st.altair_chart(chart, theme=None)``: Streamlit's own theme would otherwise
override this one. Titles, axis and legend titles, tooltips and descriptions are in the language
of the current run (lib.i18n); legends and axes show codes' labels through ``labelExpr``, and the
theme carries the language's number and date formats (Vega-Lite ``config.locale``).
"""

from __future__ import annotations

import base64
import json
import textwrap
from functools import lru_cache
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from lib import i18n
from lib.datasets import ACTIVITY_TYPES, STATUSES, WORK_AREAS
from lib.i18n import N_, _
from lib.rounds import sort_rounds

THEME_NAME = "consultations"
FONT = '"Source Sans Pro", "Source Sans 3", Helvetica, Arial, sans-serif'  # Streamlit's own font

# Okabe & Ito (2008), reordered so the first colours contrast best on white and
# the pale yellow comes late.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

# Every legend is checked pair by pair (tests/test_palette.py, lib.colour): CIEDE2000 >= 15 with
# normal vision, >= 10 under simulated deuteranopia, protanopia and tritanopia, and >= 8 in
# greyscale print for the legends that rely on colour alone. Hence lightness steps of 12-30 L*
# between neighbours, on top of the hue differences.

# not_started -> completed: pale orange to dark blue, one lightness step per status (L* 87, 65,
# 51, 19), so the scale reads as ordinal in colour, under colour-vision deficiencies and in grey.
STATUS_COLOURS = {
    "not_started": "#FDD49E",
    "limited": "#E08A2C",
    "substantial": "#3A7DBF",
    "completed": "#0B2E5C",
}
# Best (dark blue) to worst (dark brown), then two greys. Nine categories cannot all differ in
# lightness alone; every rating cell also carries its arrow and its word (the second channel),
# so the greyscale check is waived for this legend only.
RATING_COLOURS = {
    "on track": "#0B2E5C",
    "substantial progress": "#2F6DB0",
    "moderate progress": "#8CC0E8",
    "slow progress": "#F2E35A",
    "moderate deterioration": "#F0A04B",
    "substantial deterioration": "#C4541A",
    "moving away": "#6E2406",
    "insufficient data": "#9A9A9A",
    "not rated": "#D9D9D9",
}
# Cells whose fill is dark enough that black text would fail WCAG contrast.
WHITE_TEXT_RATINGS = ["on track", "substantial progress", "substantial deterioration", "moving away"]
OVER_CAPACITY_COLOURS = {"within capacity": "#0072B2", "over capacity": "#D55E00"}
# Six nominal categories (work areas, activity types), one lightness step each (L* 19 to 91):
# distinguishable in grey print as well. Fixed per code, so an area keeps its colour on every page.
NOMINAL6 = ["#0B2E5C", "#A33A1A", "#2A8A5E", "#D98A1F", "#8EC3EC", "#F3E98A"]
WORK_AREA_COLOURS = dict(zip(WORK_AREAS, NOMINAL6, strict=True))
ACTIVITY_TYPE_COLOURS = dict(zip(ACTIVITY_TYPES, NOMINAL6, strict=True))
NEUTRAL = "#555555"
MAP_EMPTY = "#E8E8E8"

MEASURE_TITLES = {  # English, marked: shown as _(MEASURE_TITLES[m])
    "items": N_("Items received"),
    "hours": N_("Hours"),
    "activities": N_("Activities"),
    "participants_trained": N_("People trained"),
    "advisers_deployed": N_("Human rights advisers deployed"),
    "difference": N_("Difference"),
    "ratio": N_("Ratio"),
}


COUNT_MEASURES = ("items", "activities", "participants_trained", "advisers_deployed")


def count_axis(**kwargs) -> alt.Axis:
    """An axis for a count: whole numbers only (0, 1, 2 ... never 0.0, 0.5)."""
    return alt.Axis(format=",d", tickMinStep=1, **kwargs)


def measure_axis(measure: str) -> Any:
    """:func:`count_axis` for a count measure, else the default axis (``alt.Undefined``: None would hide it)."""
    return count_axis() if measure in COUNT_MEASURES else alt.Undefined


def measure_title(measure: str) -> str:
    """A measure's title in the current language."""
    return _(MEASURE_TITLES[measure])


# --- Theme -------------------------------------------------------------------------


def _theme() -> dict[str, Any]:
    return {
        "config": {
            "font": FONT,
            "title": {"fontSize": 17, "fontWeight": 600, "anchor": "start", "subtitleFontSize": 13},
            "axis": {"labelFontSize": 13, "titleFontSize": 14, "labelLimit": 280},
            "legend": {"labelFontSize": 13, "titleFontSize": 14, "labelLimit": 280},
            "header": {"labelFontSize": 13, "titleFontSize": 14},
            "text": {"fontSize": 13},
            "range": {"category": OKABE_ITO, "ordinal": list(STATUS_COLOURS.values())},
            "view": {"stroke": None},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 60, "filled": True},
            "locale": i18n.vega_locale(),  # read at each to_dict(): the run's language
        }
    }


_registered = False


def enable_theme() -> None:
    """Register (once) and enable the dashboard's theme; safe to call any number of times."""
    global _registered
    # alt.theme.names() reads the installed packages' entry points: 10 % of a cached page
    # rerun when asked for every chart. Registering is once per process.
    if not _registered:
        alt.theme.register(THEME_NAME, enable=False)(_theme)
        _registered = True
    if alt.theme.active != THEME_NAME:
        alt.theme.enable(THEME_NAME)


TITLE_LINE = 44  # characters per title line: Vega cuts a longer line at the chart's width


def _title(title: str, subtitle: str | None) -> str | alt.TitleParams:
    """A title that fits a narrow chart: long titles in lines of :data:`TITLE_LINE` characters."""
    lines = textwrap.wrap(title, TITLE_LINE) if len(title) > TITLE_LINE else [title]
    text: Any = lines if len(lines) > 1 else title
    if subtitle or len(lines) > 1:
        return alt.TitleParams(text=text, subtitle=subtitle) if subtitle else alt.TitleParams(text=text)
    return title


def base(
    data: pd.DataFrame | Any = alt.Undefined,
    *,
    title: str,
    description: str,
    subtitle: str | None = None,
    **properties: Any,
) -> alt.Chart:
    """A chart with the theme enabled, a title and a screen-reader description."""
    enable_theme()
    return alt.Chart(data).properties(title=_title(title, subtitle), description=description, **properties)


def layer(
    data: pd.DataFrame | Any,
    *charts: alt.Chart,
    title: str,
    description: str,
    subtitle: str | None = None,
    **properties: Any,
) -> alt.LayerChart:
    """Layers sharing one data set, title and description (children come from ``alt.Chart()``)."""
    enable_theme()
    return alt.layer(*charts, data=data).properties(
        title=_title(title, subtitle), description=description, **properties
    )


def status_scale() -> alt.Scale:
    """The fixed ordinal colour scale of the four statuses, in their order."""
    return alt.Scale(domain=list(STATUSES), range=[STATUS_COLOURS[s] for s in STATUSES])


def fixed_scale(colours: dict[str, str]) -> alt.Scale:
    return alt.Scale(domain=list(colours), range=list(colours.values()))


def coded_color(field: str, title: str, scale: alt.Scale, codes: Any) -> alt.Color:
    """A colour channel of stored codes: the fixed ``scale``, the legend showing the codes' labels."""
    return alt.Color(field, title=title, scale=scale, legend=alt.Legend(labelExpr=code_labels(codes)))


def code_labels(codes: Any) -> str:
    """``labelExpr`` showing the codes of a legend or axis as their labels (lib.i18n)."""
    return i18n.label_expr([str(c) for c in codes])


def human(value: Any) -> str:
    return i18n.label(value)


def chart_columns(df: pd.DataFrame, wanted: list[str]) -> pd.DataFrame:
    """Only the columns a chart uses: a smaller spec and no unserialisable extras."""
    return df[[c for c in wanted if c in df.columns]].copy()


def listing(values: list[str], limit: int = 12) -> str:
    if len(values) > limit:
        return _("{items} and {count} more", items=", ".join(values[:limit]), count=len(values) - limit)
    return ", ".join(values)


def round_sort(values: pd.Series) -> list[str]:
    return sort_rounds(values.dropna().astype(str))


@lru_cache(maxsize=4)
def _parsed_topojson(path: str, mtime: float) -> dict[str, Any]:
    """A TopoJSON file, parsed once per file version (shared: read, never changed)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


#: Named datasets a spec can refer to, added by :func:`vega_spec` after Altair's to_dict():
#: name -> TopoJSON file. Altair walks every coordinate of inline data, checking each against
#: its classes, when a chart is built and again when it is drawn (45 % of the action 2 page's
#: rerun for the world map); a name costs nothing.
NAMED_TOPOJSON: dict[str, Path] = {}


def topojson_name(path: str | Path) -> str:
    name = f"topojson-{Path(path).stem}"
    NAMED_TOPOJSON[name] = Path(path)
    return name


def _named_topojson(spec: dict[str, Any]) -> tuple[str, str, float] | None:
    """The TopoJSON a finished spec names (see NAMED_TOPOJSON): (name, resolved path, mtime), the
    key its cached readers take; None when it names none."""
    name = spec.get("data", {}).get("name")
    if name not in NAMED_TOPOJSON:
        return None
    p = NAMED_TOPOJSON[name]
    return name, str(p.resolve()), p.stat().st_mtime


def vega_spec(chart: alt.TopLevelMixin | dict[str, Any]) -> dict[str, Any]:
    """The chart's Vega-Lite spec with the TopoJSON it names inlined (see NAMED_TOPOJSON)."""
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    if (named := _named_topojson(spec)) is None:
        return spec
    name, path, mtime = named
    return {**spec, "datasets": {**spec.get("datasets", {}), name: _parsed_topojson(path, mtime)}}


def uses_named_data(chart: alt.TopLevelMixin) -> bool:
    """Whether the chart draws a dataset :func:`vega_spec` has to add."""
    data = getattr(chart, "data", alt.Undefined)
    return isinstance(data, alt.NamedData) and data.name in NAMED_TOPOJSON


@lru_cache(maxsize=4)
def _topojson_data_url(path: str, mtime: float) -> str:
    """A TopoJSON file as a ``data:`` URL (base64), made once per file version."""
    return "data:application/json;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def browser_spec(chart: alt.TopLevelMixin | dict[str, Any]) -> dict[str, Any]:
    """The spec the browser draws: as :func:`vega_spec`, but a named TopoJSON is carried as one
    ``data:`` URL string instead of its parsed arcs. The data stays in the spec (nothing is
    fetched from a server); Streamlit parses and re-serialises a spec's JSON several times on
    every run, and a string is one token where the world map's arcs were 20 ms a rerun."""
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    if (named := _named_topojson(spec)) is None:
        return spec
    _name, path, mtime = named
    fmt = spec["data"].get("format")
    return {**spec, "data": {"url": _topojson_data_url(path, mtime), **({"format": fmt} if fmt else {})}}
