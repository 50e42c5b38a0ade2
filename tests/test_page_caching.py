"""A page's rerun reuses its shaped frames and finished chart specs (lib.webapp.pageviews).

Counted on the real Altair and Streamlit code (a spy that calls through, never a stand-in): a
rerun of the same view converts no chart and draws the finished specs, and a new choice, a
new language or new data computes the view again.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import altair as alt
import pytest

from lib.paths import ROOT

PAGES = [
    "pages/action_points.py",
    "pages/workload.py",
    "pages/action2.py",
    "pages/mdg.py",
    "pages/recommendations.py",
]


@pytest.fixture
def conversions(monkeypatch):
    """How many times an Altair chart is converted to a Vega-Lite spec (its to_dict)."""
    calls = {"n": 0}
    real = alt.TopLevelMixin.to_dict

    def counted(self, *args, **kwargs):
        calls["n"] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(alt.TopLevelMixin, "to_dict", counted)
    return calls


def specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


@pytest.mark.parametrize("page", PAGES)
def test_a_rerun_converts_no_chart_and_draws_the_same_specs(make_app, conversions, page):
    at = make_app(page, role="admin", timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert conversions["n"] > 0 and at.get("vega_lite_chart")
    first = specs(at)
    conversions["n"] = 0
    at.run()
    assert not at.exception, at.exception
    assert conversions["n"] == 0  # nothing rebuilt: the finished specs come from the cache
    assert specs(at) == first


def test_the_world_map_keeps_its_topology_from_the_cache(make_app):
    """A cached rerun draws the map with its whole topology, carried as one data: URL string."""
    import base64

    at = make_app("pages/action2.py", role="admin", timeout=120)
    at.run()
    at.run()  # from the cache
    maps = [s for s in specs(at) if s.get("data", {}).get("url", "").startswith("data:application/json;base64,")]
    assert len(maps) == 1
    topology = json.loads(base64.b64decode(maps[0]["data"]["url"].split(",", 1)[1]))
    assert topology["type"] == "Topology" and "countries" in topology["objects"]
    assert maps[0]["data"]["format"] == {"type": "topojson", "feature": "countries"}


def test_a_new_choice_or_language_computes_the_view_again(make_app, conversions):
    at = make_app("pages/workload.py", role="admin", timeout=120)
    at.run()
    conversions["n"] = 0
    at.radio(key="wl-measure").set_value("hours").run()
    assert not at.exception, at.exception
    assert conversions["n"] == 1  # the monthly chart only; the rest of the round is cached
    hours = [s for s in specs(at) if "Hours" in json.dumps(s.get("encoding", s))]
    assert hours
    conversions["n"] = 0
    at.session_state["language"] = "fr"
    at.run()
    assert not at.exception, at.exception
    assert conversions["n"] > 0  # French titles and number formats: a view of its own


def test_every_cache_of_the_glue_is_bounded():
    """Each st.cache_data of lib/webapp keeps at most max_entries results; the page views also expire."""
    for path in sorted((ROOT / "lib" / "webapp").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            for deco in node.decorator_list:
                if isinstance(deco, ast.Call) and ast.unparse(deco.func) == "st.cache_data":
                    names = {k.arg for k in deco.keywords}
                    assert "max_entries" in names, f"{path.name}:{node.name} has no max_entries"
                    if Path(path).name == "pageviews.py":
                        assert "ttl" in names, f"{path.name}:{node.name} has no ttl"


def test_the_due_page_reruns_from_its_view_and_sees_a_new_submission(make_app, monkeypatch):
    """A rerun of What is due recomputes none of its tables; a submission sent since (it changes no
    data version) shows on the next run, as awaiting review."""
    import pandas as pd

    from lib import auth, due, submissions
    from lib.db import make_engine
    from lib.exports import to_csv_bytes

    calls = {"n": 0}
    real = due.action2_due

    def counted(*args, **kwargs):
        calls["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(due, "action2_due", counted)
    at = make_app("pages/due.py", role="staff")
    at.run()
    assert not at.exception, at.exception
    assert calls["n"] == 1
    first = at.dataframe[0].value
    at.run()
    assert calls["n"] == 1 and at.dataframe[0].value.equals(first)  # from the cache

    late = first.loc[first["action 2 report"] == "overdue", "agency"].iloc[0]
    engine = make_engine()
    try:
        auth.create_user(engine, "late1", "partner", "a long enough password", agency=late)
        row = {
            "id": "A2-2008-990",
            "agency": late,
            "country_iso3": "NPL",
            "type": "training",
            "start_date": "2008-09-01",
            "end_date": "2008-09-05",
            "participants_trained": 12,
            "advisers_deployed": 0,
            "status": "completed",
            "round_id": "2008-H2",
            "description": "Training",
        }
        raw = to_csv_bytes(pd.DataFrame([row]), for_import=True)
        submissions.submit(engine, auth.get_user(engine, "late1"), "action2", raw, "late.csv", "2008-H2")
    finally:
        engine.dispose()
    at.run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value.set_index("agency")
    assert calls["n"] == 2
    assert table.loc[late, "submissions awaiting review"] == 1
    assert table.loc[late, "action 2 report"] == "submitted, awaiting review"


@pytest.mark.parametrize("page", PAGES)
def test_a_rerun_hashes_no_table_drawn_under_a_chart(make_app, monkeypatch, page):
    """A chart's table comes shaped with its cached view: on a rerun only the page's other tables
    are looked up by content (Streamlit hashes each one: a fifth of the action 2 page's rerun)."""
    from lib.webapp import widgets

    calls = {"n": 0}
    real = widgets.table_as_read

    def counted(df):
        calls["n"] += 1
        return real(df)

    monkeypatch.setattr(widgets, "table_as_read", counted)
    at = make_app(page, role="admin", timeout=120)
    at.run()
    assert not at.exception, at.exception
    calls["n"] = 0
    at.run()
    assert not at.exception, at.exception
    charts, tables = len(at.get("vega_lite_chart")), len(at.dataframe)
    assert charts and calls["n"] <= tables - charts, (calls["n"], tables, charts)
