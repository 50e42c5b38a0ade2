"""Table headers are never cut (issue 16): the data grid sizes a column to its values, so a column
whose translated header is the wider gets the header's width (the grid is drawn on a canvas: its
configuration is what can be checked)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from lib import tables

#: A conservative width of one header character (bold 14 px): what a header must have at least.
MIN_CHAR_PX = 8.0


def test_a_header_wider_than_its_values_gets_its_width():
    shown = pd.DataFrame({"action_point_id": ["V.1", "V.12"], "text": ["A long text that is wider than its header"]*2})
    widths = tables.column_widths(shown, {"action_point_id": "Punto de acción", "text": "Texto"})
    assert widths["action_point_id"] >= len("Punto de acción") * MIN_CHAR_PX
    assert "text" not in widths  # sized by its values, as the grid does


def _configured_columns(at) -> list[tuple[str, dict]]:
    """Every column of every table on the page, with the configuration sent to the browser."""
    out = []
    for df in at.dataframe:
        config = json.loads(df.proto.columns) if df.proto.columns else {}
        for name, column in config.items():
            if not column.get("hidden"):
                out.append((name, column))
    return out


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_no_header_on_the_action_points_page_is_narrower_than_its_text(make_app, lang):
    at = make_app("pages/action_points.py", role="staff")
    at.session_state["language"] = lang
    at.run()
    assert not at.exception, at.exception
    columns = _configured_columns(at)
    assert columns
    for name, column in columns:
        label = column.get("label") or name
        values = []
        for df in at.dataframe:
            if name in df.value.columns:
                values = df.value[name].dropna().astype(str).tolist()
        longest_value = max((len(v) for v in values), default=0)
        if len(label) > longest_value:  # the header is what sizes the column
            assert column.get("width", 0) >= len(label) * MIN_CHAR_PX, (label, column)


def test_every_header_starts_with_a_capital_and_keeps_the_rest():
    assert tables.header("organismo") == "Organismo"
    assert tables.header("last status reported") == "Last status reported"
    assert tables.header("SHA-256") == "SHA-256" and tables.header("days_overdue") == "Days overdue"


@pytest.mark.parametrize("page", ["pages/due.py", "pages/my_agency.py"])
def test_the_due_tables_headers_start_with_a_capital(make_app, page):
    """The due tables read "agency", "action 2 report" beside tables headed "Upload", "Dataset"."""
    at = make_app(page, role="partner" if "agency" in page else "staff")
    at.session_state["language"] = "es"
    at.run(timeout=120)
    assert not at.exception, at.exception
    headers = [h for _c, cfg in _configured_columns(at) if (h := cfg.get("label"))]
    assert headers and all(h[:1] == h[:1].upper() for h in headers), headers
