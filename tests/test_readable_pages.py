"""Issue 16, on the pages as a reader sees them (AppTest, English): labelled table headers, no
arrow on a change of zero."""

from __future__ import annotations

import json

import pytest
from streamlit.proto.Metric_pb2 import Metric

from lib.navigation import PAGES

PAGE_PATHS = [p.path for p in PAGES]


@pytest.mark.parametrize("page", PAGE_PATHS, ids=[p.split("/")[-1][:-3] for p in PAGE_PATHS])
def test_english_tables_show_labels_not_column_names(make_app, page):
    at = make_app(page, role="admin")
    at.run(timeout=120)
    assert not at.exception, at.exception
    raw = []
    for df in at.dataframe:
        config = json.loads(df.proto.columns or "{}")
        for column in df.value.columns:
            shown = config.get(str(column), {}).get("label", str(column))
            if "_" in shown:
                raw.append(shown)
    assert not raw, f"headers that are column names: {sorted(set(raw))}"


def test_a_change_of_zero_has_no_arrow(make_app):
    at = make_app("pages/briefing.py", role="hc_office")
    at.run(timeout=120)
    assert not at.exception, at.exception
    deltas = [(m.label, m.delta, m.proto.direction) for m in at.metric if m.delta]
    assert deltas, "the briefing page shows its changes"
    zero = [d for d in deltas if d[1] in ("+0", "0", "-0")]
    assert not zero, f"a zero change written as a change: {zero}"
    flat = [d for d in deltas if not d[1].startswith(("+", "-"))]
    assert flat, "2008-H2 has figures that did not change"
    assert all(direction == Metric.MetricDirection.NONE for _, _, direction in flat), flat


def test_equity_gaps_say_plainly_when_no_source_has_the_breakdown(make_app):
    """Issue 16: for 4.1 no source has a breakdown by sex or location; the page says so and names
    the indicators that have one."""
    at = make_app("pages/mdg.py", role="hc_office")
    at.session_state["mdg-goal"] = 4
    at.session_state["mdg-indicator"] = "4.1"
    at.run(timeout=120)
    assert not at.exception, at.exception
    infos = [i.value for i in at.info]
    sex = next(i for i in infos if "breaks 4.1 down into female / male" in i)
    assert "Indicators with this breakdown: 1.5, 2.1" in sex
    assert any("breaks 4.1 down into rural / urban" in i and "7.8" in i for i in infos)


def test_widgets_and_empty_dates_in_the_readers_language(make_app):
    """Issue 16: no Streamlit "Choose options" placeholder on a Spanish page, no "None" for an empty date."""
    at = make_app("pages/action_points.py", role="staff")
    at.session_state["language"] = "es"
    at.run(timeout=120)
    assert not at.exception, at.exception
    placeholders = [m.proto.placeholder for m in at.multiselect]
    assert placeholders and "Choose options" not in placeholders, placeholders
    table = next(df for df in at.dataframe if "due_date" in df.value.columns)
    due = table.value["due_date"]
    assert due.notna().all() and "—" in set(due.astype(str)), "an empty due date shows as a dash"


def test_times_show_without_a_utc_offset_and_dates_without_midnight():
    import pandas as pd

    from lib import tables

    df = pd.DataFrame(
        {
            "at": pd.to_datetime(["2026-12-01 10:00:01.5+00:00", "2026-12-01 11:00:00.0+01:00"], utc=True),
            "due": pd.to_datetime(["2007-06-30", None]),
        }
    )
    shown = tables.plain_dates(df)
    assert [str(v) for v in shown["at"]] == ["2026-12-01 10:00:01", "2026-12-01 10:00:00"]
    assert [str(v) for v in shown["due"]] == ["2007-06-30", "—"]


def test_empty_text_cells_show_a_dash_and_numbers_stay_numbers():
    import pandas as pd

    from lib import tables

    df = pd.DataFrame(
        {
            "footnote": [None, "Estimate"],
            "nature": pd.array([None, None], dtype="string"),
            "value": [1.5, float("nan")],
            "mixed": [3, None],  # numbers among empty cells: left for the grid
        },
    )
    df["mixed"] = df["mixed"].astype(object)
    shown = tables.dash_empty_text(df)
    assert list(shown["footnote"]) == ["—", "Estimate"] and list(shown["nature"]) == ["—", "—"]
    assert shown["value"].isna().iloc[1] and shown["mixed"].isna().iloc[1]
    assert df["footnote"].isna().iloc[0], "the caller's frame is unchanged"


def test_datasets_read_as_their_titles_in_every_language():
    import pandas as pd

    from lib import i18n, tables

    df = pd.DataFrame({"dataset": ["ny-workload", "mdg", "something else", None]})
    assert list(tables.labelled(df)["dataset"])[:3] == [
        "New York office workload",
        "MDG indicator observations",
        "something else",
    ]
    with i18n.language("fr"):
        fr = tables.labelled(df)["dataset"].iloc[0]
    assert fr != "New York office workload" and fr != "ny-workload"


def test_the_upload_history_names_datasets_and_counts_in_words(make_app):
    """The history showed "ny-workload" and "(mdg, seed, …; +25,609 ~0 =0)"; the revert sample
    showed "None" for an empty footnote."""
    at = make_app("pages/history.py", role="staff")
    at.run(timeout=120)
    assert not at.exception, at.exception
    datasets = set(at.dataframe[0].value["dataset"])
    assert "MDG indicator observations" in datasets and "mdg" not in datasets
    mdg = next(o for o in at.selectbox(key="history_upload").options if "mdg_observations.csv" in o)
    assert "MDG indicator observations" in mdg and "25,210 new, 0 modified, 0 unchanged rows" in mdg
    assert "+" not in mdg and "~" not in mdg
    at.selectbox(key="history_upload").set_value(3).run(timeout=120)
    assert not at.exception, at.exception
    sample = at.dataframe[1].value
    assert "footnote" in sample.columns and set(sample["footnote"]) == {"—"}


def test_a_missing_code_reads_as_nothing_not_nan():
    import pandas as pd

    from lib import i18n

    assert [i18n.label(v) for v in (float("nan"), pd.NaT, pd.NA, None)] == ["", "", "", ""]
    assert i18n.label("limited") == "limited" and i18n.label(3) == "3"


def test_my_agency_in_french_shows_no_nan_and_no_english_empty_grid(make_app):
    """A recommendation with no status yet read "nan" under "last status reported"; an agency with
    no submission got an empty grid saying "empty" (Streamlit's word, in English)."""
    at = make_app("pages/my_agency.py", role="partner")
    at.session_state["language"] = "fr"
    at.run(timeout=120)
    assert not at.exception, at.exception
    for df in at.dataframe:
        cells = {str(v) for v in df.value.astype(str).to_numpy().ravel()}
        assert not cells & {"nan", "None", "NaT"}, cells & {"nan", "None", "NaT"}
        assert len(df.value), "an empty table is said in words, not drawn empty"
    recs = next(df.value for df in at.dataframe if "dernier état signalé" in df.value.columns)
    assert "—" in set(recs["dernier état signalé"]), "a status not yet reported shows a dash"
    assert "Rien à lister." in [c.value for c in at.caption]
