"""AppTest of pages/mdg.py (MDG rights-based indicators) on a private seeded SQLite copy."""

from __future__ import annotations

import pandas as pd
import pytest

from lib import reference

PAGE = "pages/mdg.py"
RATING_INPUTS = {
    "base_year",
    "base_value",
    "latest_year",
    "latest_value",
    "target_value",
    "cagr",
    "required_cagr",
    "ratio",
    "rating",
    "arrow",
}
MDG_CREDIT = "United Nations Statistics Division, Millennium Development Goals Indicators database"
IGME_CREDIT = "UN Inter-agency Group for Child Mortality Estimation"


def captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def table_with(at, columns: set[str]) -> pd.DataFrame:
    """The first dataframe on the page that has all these columns."""
    for df in at.dataframe:
        if columns <= set(df.value.columns):
            return df.value
    raise AssertionError(f"no table with {sorted(columns)}")


def charts(at) -> list:
    return list(at.get("vega_lite_chart"))


@pytest.fixture
def staff_page(make_app):
    at = make_app(PAGE, role="staff")
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("role", ["partner", "hc_office", "staff", "admin"])
def test_each_role_sees_the_page_with_round_cutoff_and_rating_inputs(make_app, role):
    at = make_app(PAGE, role=role)
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "MDG rights-based indicators"
    text = captions(at)
    assert "Showing round **2008-H2**" in text and "(cut-off)" in text
    assert "values up to **2007**, the year before this round's cut-off" in text
    assert MDG_CREDIT in text and IGME_CREDIT in text
    # The default indicator is the first with MDG-era data in the round: 4.1 (UN IGME).
    assert at.selectbox(key="mdg-indicator").value == "4.1"
    ratings = table_with(at, RATING_INPUTS)
    assert len(ratings) == 6 and set(ratings["source"]) == {"UN IGME, 2017"}  # its short name (issue 16)
    assert (ratings["latest_year"] <= 2007).all() and set(ratings["method"]) == {"target"}
    assert ratings["target_value"].to_numpy() == pytest.approx(ratings["base_value"].to_numpy() / 3, rel=1e-3)
    assert len(charts(at)) >= 2  # trend and rating grid
    assert any("How the rating is calculated" in e.label for e in at.expander)


def test_switching_indicator_to_5_1_and_back_to_4_1(staff_page):
    at = staff_page
    at.selectbox(key="mdg-goal").set_value(5).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="mdg-indicator").value == "5.1"
    ratings = table_with(at, RATING_INPUTS)
    assert set(ratings["series_code"]) == {"553"}
    assert ratings["target_value"].to_numpy() == pytest.approx(ratings["base_value"].to_numpy() * 0.25)
    assert (ratings["base_year"] == 1990).all()
    assert "three quarters" in " ".join(m.value for m in at.markdown)
    trend = table_with(at, {"year", "value", "after_data_year"})
    assert set(trend["indicator_code"]) == {"5.1"}
    assert trend.loc[trend["year"] > 2007, "after_data_year"].all()
    at.selectbox(key="mdg-goal").set_value(4).run()
    at.selectbox(key="mdg-indicator").set_value("4.1").run()
    assert not at.exception
    assert set(table_with(at, RATING_INPUTS)["series_code"]) == {"IGME:U5MR.Median"}


def test_country_selection_limits_charts_and_tables(staff_page):
    at = staff_page
    at.multiselect(key="mdg-countries").set_value(["BRA", "IND"]).run()
    assert not at.exception, at.exception
    assert set(table_with(at, {"year", "value", "after_data_year"})["country_iso3"]) == {"BRA", "IND"}
    ratings = table_with(at, RATING_INPUTS)
    assert ratings["country_name"].tolist() == ["Brazil", "India"]  # on track before moderate progress
    assert ratings["rating"].tolist() == ["on track", "moderate progress"]
    # The choice survives a change of indicator while the countries still have data.
    at.selectbox(key="mdg-goal").set_value(5).run()
    assert at.multiselect(key="mdg-countries").value == ["BRA", "IND"]
    assert set(table_with(at, RATING_INPUTS)["country_iso3"]) == {"BRA", "IND"}


def test_no_country_shows_no_data(staff_page):
    at = staff_page
    at.multiselect(key="mdg-countries").set_value([]).run()
    assert not at.exception
    assert not charts(at) and not len(at.dataframe)
    assert any("Choose at least one country" in i.value for i in at.info)


def test_round_changes_the_data_year(staff_page):
    at = staff_page
    at.selectbox(key="round").set_value("2006-H1").run()
    assert "Showing round **2006-H1**" in captions(at) and "values up to **2005**" in captions(at)
    assert (table_with(at, RATING_INPUTS)["latest_year"] == 2005).all()


def test_successor_series_are_labelled_and_equity_gaps_shown(staff_page):
    at = staff_page
    at.selectbox(key="mdg-goal").set_value(7).run()
    at.selectbox(key="mdg-indicator").set_value("7.8").run()
    # The MDG database comes first; the successor is chosen explicitly.
    assert at.selectbox(key="mdg-source-7.8").value == "UNSD MDG DB 2013 [UniteIdeas]"
    assert not [w for w in at.warning if "successor" in w.value]
    at.selectbox(key="mdg-source-7.8").set_value("WDI/UNAIDS via Gapminder SG@c63631a").run()
    assert not at.exception, at.exception
    assert any("SDG-era successor definition" in w.value for w in at.warning)
    assert "SDG-era successor definition" in captions(at)
    at.toggle(key="mdg-breakdowns").set_value(True).run()  # the gaps compare the breakdowns
    assert not at.exception, at.exception
    gaps = table_with(at, {"value_a", "value_b", "ratio", "difference", "after_data_year"})
    assert set(gaps["group_a"]) == {"rural"} and set(gaps["group_b"]) == {"urban"}
    trend = table_with(at, {"trend", "first_ratio", "latest_ratio", "change"})
    assert set(trend["trend"]) <= {"widened", "narrowed", "unchanged"}
    assert (trend["latest_year"] == 2007).all()
    ratings = table_with(at, RATING_INPUTS)
    # never mixed; shown by its short name (issue 16), the CSV keeps the stored label
    assert set(ratings["source"]) == {reference.source_name("WDI/UNAIDS via Gapminder SG@c63631a")}


def test_group_ratings_cover_all_countries(staff_page):
    at = staff_page
    at.selectbox(key="mdg-group").set_value("All countries with data").run()
    assert not at.exception, at.exception
    tables = [df.value for df in at.dataframe if RATING_INPUTS <= set(df.value.columns)]
    assert len(tables) == 2 and len(tables[0]) == 6 and len(tables[1]) == 195
    counts = table_with(at, {"rating", "arrow", "series"})
    assert counts["series"].sum() == 195
    at.selectbox(key="mdg-group").set_value("Least developed countries (UN list, 2008)").run()
    tables = [df.value for df in at.dataframe if RATING_INPUTS <= set(df.value.columns)]
    assert 40 <= len(tables[1]) <= 49


def test_coverage_and_rights_tabs(staff_page):
    at = staff_page
    coverage = table_with(at, {"by_sex", "by_location"})
    assert len(coverage) == 195
    # Every indicator's coverage is counted on request only.
    assert not [df for df in at.dataframe if "countries_by_sex" in df.value.columns]
    at.toggle(key="mdg-all-indicators").set_value(True).run()
    assert not at.exception, at.exception
    assert at.query_params["all_indicators"] == "1"
    overview = table_with(at, {"countries_by_sex", "countries_by_location"})
    assert "4.1" in set(overview["indicator_code"]) and "7.8" in set(overview["indicator_code"])
    rights = table_with(at, {"rights_provisions", "indicator_type", "has_data"})
    assert rights["code"].tolist() == ["4.1", "4.2", "4.3"]
    assert any("indicative" in m.value and "Claiming the MDGs" in m.value for m in at.markdown)


def test_signed_out_sees_no_data(make_app):
    at = make_app(PAGE, role=None)
    at.run()
    assert not at.exception
    assert not len(at.dataframe) and not charts(at)
    assert any("sign in" in w.value for w in at.warning)


def test_7_8_rated_on_the_successor_with_a_note_while_no_mdg_value_is_in(staff_page):
    """Issue 16: the rating takes the MDG series where it has values, else the successor, and says so."""
    at = staff_page
    at.selectbox(key="mdg-goal").set_value(7).run()
    at.selectbox(key="mdg-indicator").set_value("7.8").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="mdg-source-7.8").value == "UNSD MDG DB 2013 [UniteIdeas]"  # its values are of 2013
    ratings = table_with(at, RATING_INPUTS)
    assert set(ratings["source"]) == {reference.source_name("WDI/UNAIDS via Gapminder SG@c63631a")}
    notes = [i.value for i in at.info if "rated on the successor series" in i.value]
    assert len(notes) == 1 and "no MDG series data up to 2007 for" in notes[0]
    assert "Population using at least basic drinking water services" in notes[0]


def test_source_choices_and_warning_show_the_short_source_name(staff_page):
    """Issue 16: the Source select box showed "UN IGME 2017 [open-numbers/igme]"; everywhere else the short name."""
    at = staff_page
    assert at.selectbox(key="mdg-source-4.1").options[0] == "UN IGME, 2017 (1990-2015, 195 countries)"
    at.selectbox(key="mdg-goal").set_value(7).run()
    at.selectbox(key="mdg-indicator").set_value("7.8").run()
    at.selectbox(key="mdg-source-7.8").set_value("WDI/UNAIDS via Gapminder SG@c63631a").run()
    shown = [*at.selectbox(key="mdg-source-7.8").options, *(w.value for w in at.warning)]
    assert not [s for s in shown if "[" in s or "Gapminder SG" in s], shown
    assert any(w.value.startswith("World Bank WDI") and "successor" in w.value for w in at.warning)


def test_the_default_view_reads_the_totals_and_breakdowns_come_on_request(staff_page):
    at = staff_page
    at.selectbox(key="mdg-goal").set_value(7).run()
    at.selectbox(key="mdg-indicator").set_value("7.8").run()
    assert not at.exception, at.exception
    assert at.toggle(key="mdg-breakdowns").value is False
    # Only the total series is offered and drawn; the rural and urban ones wait for the toggle.
    assert at.selectbox(key="mdg-series-7.8").options == [
        "Proportion of the population using improved drinking water sources, total"
    ]
    trend = table_with(at, {"year", "value", "after_data_year"})
    assert set(trend["location"]) == {"total"} and set(trend["sex"]) == {"total"}
    assert any("turn on Show the breakdowns" in i.value for i in at.info)
    assert not [df for df in at.dataframe if {"value_a", "value_b"} <= set(df.value.columns)]

    at.toggle(key="mdg-breakdowns").set_value(True).run()
    assert not at.exception, at.exception
    assert at.query_params["breakdowns"] == "1"  # kept in the URL with the other choices
    assert len(at.selectbox(key="mdg-series-7.8").options) == 3
    gaps = table_with(at, {"value_a", "value_b", "ratio", "difference", "after_data_year"})
    assert set(gaps["group_a"]) == {"rural"} and set(gaps["group_b"]) == {"urban"}
    assert not any("turn on Show the breakdowns" in i.value for i in at.info)


def test_a_source_measured_for_one_group_shows_its_values_without_breakdowns(staff_page):
    at = staff_page
    at.selectbox(key="mdg-goal").set_value(3).run()
    at.selectbox(key="mdg-indicator").set_value("3.3").run()  # seats held by women: women only
    assert not at.exception, at.exception
    assert at.toggle(key="mdg-breakdowns").value is False
    trend = table_with(at, {"year", "value", "after_data_year"})
    assert len(trend) and set(trend["sex"]) == {"female"}


def test_a_link_turns_the_breakdowns_on(make_app):
    at = make_app(PAGE, role="staff")
    at.query_params.update(goal="7", indicator="7.8", breakdowns="1")
    at.run()
    assert not at.exception, at.exception
    assert at.toggle(key="mdg-breakdowns").value is True
    assert len(at.selectbox(key="mdg-series-7.8").options) == 3
