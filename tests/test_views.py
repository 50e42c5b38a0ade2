"""Pure tests of the page shaping helpers (lib/domains/*/views.py, mdg/choices.py, mdg/texts.py, lib/tables.py), with the expected numbers written out."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow as pa
import pytest

from lib import filters, tables
from lib.domains.mdg import choices as mdg_choices
from lib.domains.mdg import metrics as mdg_metrics
from lib.domains.mdg import rating as mdg_rating
from lib.domains.mdg import texts as mdg_texts
from lib.domains.mdg import views as mdg_views

# --- MDG page helpers -------------------------------------------------------------------

MDG = "UNSD MDG DB [agilvarry/MDGViewer]"
IGME = "UN IGME 2017 [open-numbers/igme]"
GAP = "WDI/UNAIDS via Gapminder SG@c63631a"
NAMES = pd.Series({"BRA": "Brazil", "IND": "India", "NGA": "Nigeria", "ZZZ": "Zedland"})


def _indicators() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["1.10", "1.2", "4.1", "5.1", "7.8"],
            "goal": [1, 1, 4, 5, 7],
            "goal_title": ["Poverty", "Poverty", "Child mortality", "Maternal health", "Environment"],
            "target": ["1.A", "1.A", "4.A", "5.A", "7.C"],
            "target_text": ["t1", "t1", "Reduce by two-thirds", "Reduce by three quarters", "Halve"],
            "text": ["Ten", "Two", "Under-five mortality rate", "Maternal mortality ratio", "Water"],
            "quantified_target": [None, None, "reduce by two thirds from the 1990 level", "q", None],
            "rights_provisions": ["r10", "r2", "CRC art. 6, 24(2)(a)", "CEDAW art. 12", "ICESCR art. 11"],
            "indicator_type": ["outcome", "outcome", "outcome", "outcome", "process"],
            "target_ratio_2015": [None, None, 1 / 3, 0.25, None],
            "desired_direction": ["increase", "decrease", "decrease", "decrease", "increase"],
        }
    )


def _catalogue() -> pd.DataFrame:
    rows = [
        # indicator, series, source, sex, location, countries, first, last, values
        ("1.10", "s10", MDG, "total", "total", 5, 2013, 2013, 5),
        ("1.2", "s2", GAP, "total", "total", 9, 1990, 2015, 90),
        ("4.1", "u5", "UNSD MDG DB 2013 [UniteIdeas]", "total", "total", 195, 2013, 2013, 195),
        ("4.1", "IGME:U5MR.Median", IGME, "total", "total", 195, 1990, 2015, 5070),
        ("7.8", "w_rural", GAP, "total", "rural", 170, 2000, 2015, 2700),
        ("7.8", "w_total", GAP, "total", "total", 211, 2000, 2015, 3300),
        ("7.8", "w_urban", GAP, "total", "urban", 180, 2000, 2015, 2900),
        ("7.8", "mdg_total", MDG, "total", "total", 206, 2013, 2013, 206),
    ]
    cols = ["indicator_code", "series_code", "source", "sex", "location", "countries", "first_year"]
    return pd.DataFrame(rows, columns=[*cols, "last_year", "values"]).assign(unit="%")


def _counts() -> pd.DataFrame:
    rows = [
        ("BRA", "7.8", "total", "total", 16),
        ("BRA", "7.8", "total", "rural", 16),
        ("BRA", "7.8", "total", "urban", 16),
        ("IND", "7.8", "total", "total", 20),
        ("NGA", "7.8", "total", "total", 16),
        ("NGA", "7.8", "total", "rural", 16),
        ("NGA", "7.8", "total", "urban", 16),
        ("ZZZ", "7.8", "total", "total", 48),
        ("ZZZ", "7.8", "female", "total", 3),
        ("ZZZ", "7.8", "male", "total", 3),
        ("IND", "4.1", "total", "total", 26),
    ]
    return pd.DataFrame(rows, columns=["country_iso3", "indicator_code", "sex", "location", "values"])


def _obs(rows: list[tuple], indicator: str = "4.1", source: str = IGME) -> pd.DataFrame:
    """Observations from (country, series, sex, location, year, value)."""
    df = pd.DataFrame(rows, columns=["country_iso3", "series_code", "sex", "location", "year", "value"])
    return df.assign(indicator_code=indicator, source=source, unit="%", nature=None, footnote=None).assign(
        country_name=df["country_iso3"].map(NAMES)
    )


def test_successor_sources_are_recognised_and_credited():
    assert mdg_texts.is_successor_source(GAP)
    assert not mdg_texts.is_successor_source(IGME) and not mdg_texts.is_successor_source(MDG)
    assert "SDG-era successor definition" in mdg_texts.source_credit(GAP)
    assert "Gapminder" in mdg_texts.source_credit(GAP)
    assert mdg_texts.source_credit(IGME).endswith(
        "Credit: UN Inter-agency Group for Child Mortality Estimation."
    )
    assert mdg_texts.source_credit(MDG).endswith(
        "Credit: United Nations Statistics Division, Millennium Development Goals Indicators database."
    )


def test_indicator_options_only_with_data_in_numeric_order():
    opts = mdg_choices.indicator_options(_indicators(), _catalogue())
    assert list(opts["code"]) == ["1.2", "1.10", "4.1", "7.8"]  # 5.1 has no data; 1.2 before 1.10
    assert opts.loc[opts["code"] == "4.1", "label"].item() == "4.1 Under-five mortality rate"


def test_default_indicator_is_the_first_with_mdg_data_in_the_round():
    opts = mdg_choices.indicator_options(_indicators(), _catalogue())
    # 1.2 has only a successor series, 1.10 starts in 2013: 4.1 (IGME from 1990) comes first.
    assert mdg_choices.default_indicator(opts, _catalogue(), 2007) == "4.1"
    assert mdg_choices.default_indicator(opts, _catalogue(), 2013) == "1.10"
    assert mdg_choices.default_indicator(opts.iloc[0:0], _catalogue(), 2007) is None
    only_successors = _catalogue().loc[lambda d: d["source"] == GAP]
    assert mdg_choices.default_indicator(opts, only_successors, 2007) == "1.2"  # fallback: the first one


def test_source_options_put_mdg_sources_with_round_data_first():
    src = mdg_choices.source_options(_catalogue(), "4.1", 2007)
    assert list(src["source"]) == [IGME, "UNSD MDG DB 2013 [UniteIdeas]"]
    # The short names the rest of the dashboard shows, never the stored label (issue 16).
    assert src["label"].tolist() == [
        "UN IGME, 2017 (1990-2015, 195 countries)",
        "UN MDG database, 2013 (2013, 195 countries)",
    ]
    src = mdg_choices.source_options(_catalogue(), "7.8", 2007)
    # The MDG source first even without values up to 2007; the successor is labelled as such.
    assert list(src["source"]) == [MDG, GAP]
    assert src["successor"].tolist() == [False, True]
    assert src.loc[1, "values"] == 2700 + 3300 + 2900
    assert src.loc[1, "countries"] == 211
    assert src.loc[1, "label"].endswith("— SDG-era successor definition, not the MDG series")


def test_series_options_totals_first():
    assert mdg_choices.series_options(_catalogue(), "7.8", GAP) == ["w_total", "w_urban", "w_rural"]
    assert mdg_choices.series_options(_catalogue(), "7.8", MDG) == ["mdg_total"]
    assert mdg_choices.series_options(_catalogue(), "7.8", "nope") == []


def test_countries_with_data_sums_breakdowns_and_breaks_ties_by_focus():
    out = mdg_choices.countries_with_data(_counts(), "7.8")
    # ZZZ 54; BRA and NGA 48 each (BRA and NGA both in FOCUS_COUNTRIES, BRA first); IND 20.
    assert out["country_iso3"].tolist() == ["ZZZ", "BRA", "NGA", "IND"]
    assert out["values"].tolist() == [54, 48, 48, 20]
    assert mdg_choices.countries_with_data(_counts(), "9.9").empty


def test_keep_choice_and_selection():
    assert filters.keep_choice("b", ["a", "b"]) == "b"
    assert filters.keep_choice("x", ["a", "b"], "b") == "b"
    assert filters.keep_choice(None, ["a", "b"], "zz") == "a"
    assert filters.keep_choice("a", []) is None
    assert filters.keep_selection(["BRA", "XXX", "IND"], ["IND", "BRA"], ["NGA"]) == ["BRA", "IND"]
    assert filters.keep_selection(["XXX"], ["IND", "NGA"], ["NGA", "QQQ"]) == ["NGA"]
    assert filters.keep_selection(None, ["IND"], ["IND"]) == ["IND"]
    assert filters.keep_selection([], ["IND"], ["IND"]) == []  # cleared by the user: stays cleared


def test_of_source_and_up_to_year_never_mix():
    a = _obs([("BRA", "s", "total", "total", 2005, 10.0), ("BRA", "s", "total", "total", 2008, 8.0)])
    b = _obs([("BRA", "s", "total", "total", 2005, 99.0)], source=GAP)
    both = pd.concat([a, b], ignore_index=True)
    assert mdg_choices.of_source(both, IGME)["value"].tolist() == [10.0, 8.0]
    assert mdg_choices.of_source(both, GAP, "s")["value"].tolist() == [99.0]
    assert mdg_choices.of_source(both, GAP, "other").empty
    assert mdg_choices.up_to_year(both, 2007)["year"].tolist() == [2005, 2005]


def test_trend_table_marks_years_after_the_data_year():
    obs = _obs(
        [
            ("IND", "u5", "total", "total", 2008, 60.0),
            ("BRA", "u5", "total", "total", 2007, 20.0),
            ("BRA", "u5", "total", "total", 2006, 21.0),
            ("BRA", "u5", "total", "total", 2005, None),
        ]
    )
    out = mdg_views.trend_table(obs, 2007, pd.Series({"u5": "Under-five mortality"}))
    assert out[["country_iso3", "year", "value"]].values.tolist() == [
        ["BRA", 2006, 21.0],
        ["BRA", 2007, 20.0],
        ["IND", 2008, 60.0],
    ]
    assert out["after_data_year"].tolist() == [False, False, True]
    assert set(out["series_name"]) == {"Under-five mortality"}
    assert out.columns[-1] == "after_data_year" and "country_name" in out.columns


def test_rating_table_shows_every_input_of_the_calculation():
    obs = _obs(
        [
            # target method (4.1, ratio 1/3): 90 in 1990 -> 45 in 2005
            ("BRA", "u5", "total", "total", 1990, 90.0),
            ("BRA", "u5", "total", "total", 2005, 45.0),
            # a single value: insufficient data
            ("IND", "u5", "total", "total", 2005, 70.0),
        ]
    )
    ratings = mdg_rating.progress_rating(obs, _indicators())
    table = mdg_views.rating_table(ratings, NAMES)
    assert table.columns.tolist() == mdg_views.RATING_COLUMNS
    bra = table.iloc[0]
    assert (bra["country_iso3"], bra["country_name"], bra["method"]) == ("BRA", "Brazil", "target")
    assert (bra["base_year"], bra["base_value"], bra["latest_year"], bra["latest_value"]) == (
        1990,
        90,
        2005,
        45,
    )
    assert bra["target_value"] == pytest.approx(30.0)
    assert bra["cagr"] == pytest.approx(-0.0451583961)  # (45 / 90) ** (1 / 15) - 1
    assert bra["required_cagr"] == pytest.approx(-0.0429929220)  # (1 / 3) ** (1 / 25) - 1
    assert bra["ratio"] == pytest.approx(1.0503681529)
    assert (bra["rating"], bra["arrow"]) == ("on track", "↑")
    assert table.iloc[1]["rating"] == "insufficient data" and table.iloc[1]["arrow"] == ""
    counts = mdg_views.rating_counts(table)
    assert counts.values.tolist() == [["on track", "↑", 1], ["insufficient data", "", 1]]


def test_rating_method_text_quotes_the_thresholds():
    text = mdg_texts.rating_method_text()
    for piece in ("≥ 0.95", "0.5 to 0.95", "≥ 1%", "−1% to 0", "≤ −1%", "2015", "1990", "**source**"):
        assert piece in text, piece
    inds = _indicators().set_index("code", drop=False)
    assert mdg_texts.rating_method_text(inds.loc["4.1"]).endswith(
        "**Indicator 4.1**: target method, target ratio 0.3333 (reduce by two thirds from the 1990 level)."
    )
    assert mdg_texts.rating_method_text(inds.loc["7.8"]).endswith(
        "**Indicator 7.8**: CAGR method, desired direction: increase."
    )
    no_direction = inds.loc["7.8"].copy()
    no_direction["desired_direction"] = "none"
    assert "not rated" in mdg_texts.rating_method_text(no_direction).splitlines()[-1]


def _sex_gaps() -> pd.DataFrame:
    obs = _obs(
        [
            ("BRA", "rate, girls", "female", "total", 2000, 40.0),
            ("BRA", "rate, boys", "male", "total", 2000, 50.0),
            ("BRA", "rate, girls", "female", "total", 2005, 48.0),
            ("BRA", "rate, boys", "male", "total", 2005, 52.0),
            ("BRA", "rate, girls", "female", "total", 2009, 60.0),
            ("BRA", "rate, boys", "male", "total", 2009, 40.0),
        ],
        indicator="2.1",
        source=MDG,
    )
    return obs


def test_gap_table_and_trend_as_of_the_round():
    gaps = mdg_metrics.equity_gaps(_sex_gaps(), "sex")
    shown = mdg_views.gap_table(gaps, 2007, NAMES)
    assert shown["after_data_year"].tolist() == [False, False, True]
    assert shown["country_name"].tolist() == ["Brazil"] * 3
    # Up to 2007: -10 (ratio 0.8) in 2000, -4 (ratio 48/52) in 2005 -> narrowed by 6.
    trend = mdg_views.gap_trend_table(
        mdg_metrics.equity_gaps(mdg_choices.up_to_year(_sex_gaps(), 2007), "sex"), NAMES
    )
    row = trend.iloc[0]
    assert trend.columns[:4].tolist() == ["country_iso3", "country_name", "location", "trend"]
    assert (row["trend"], row["first_year"], row["latest_year"]) == ("narrowed", 2000, 2005)
    assert (row["first_difference"], row["latest_difference"], row["change"]) == (-10.0, -4.0, -6.0)
    assert row["first_ratio"] == pytest.approx(0.8)
    assert row["latest_ratio"] == pytest.approx(0.9230769231)
    # With 2009 (+20): the gap widened, and the group ahead changed.
    row = mdg_views.gap_trend_table(gaps, NAMES).iloc[0]
    assert (row["trend"], row["change"], bool(row["sign_reversed"])) == ("widened", 10.0, True)
    assert row["latest_ratio"] == pytest.approx(1.5)
    empty = mdg_views.gap_trend_table(mdg_metrics.equity_gaps(_sex_gaps().iloc[0:0], "sex"), NAMES)
    assert empty.empty and "trend" in empty.columns


def test_indicator_coverage_per_country():
    out = mdg_views.indicator_coverage(_counts(), "7.8", NAMES)
    assert out["country_iso3"].tolist() == ["ZZZ", "BRA", "NGA", "IND"]
    zzz, bra, ind = out.iloc[0], out.iloc[1], out.iloc[3]
    assert (zzz["values"], zzz["female"], zzz["male"], zzz["rural"]) == (54, 3, 3, 0)
    assert bool(zzz["by_sex"]) and not bool(zzz["by_location"])
    assert (bra["values"], bra["rural"], bra["urban"], bool(bra["by_location"])) == (48, 16, 16, True)
    assert (ind["values"], bool(ind["by_sex"]), bool(ind["by_location"])) == (20, False, False)
    assert zzz["country_name"] == "Zedland"


def test_coverage_overview_per_indicator():
    out = mdg_views.coverage_overview(_counts(), _indicators())
    assert out.values.tolist() == [
        ["4.1", "Under-five mortality rate", 26, 1, 0, 0],
        ["7.8", "Water", 170, 4, 1, 2],
    ]
    assert mdg_views.coverage_overview(_counts().iloc[0:0], _indicators()).empty


def test_rights_table_and_header():
    table = mdg_views.rights_table(_indicators(), 1, ["1.2"])
    assert table["code"].tolist() == ["1.2", "1.10"]
    assert table["has_data"].tolist() == [True, False]
    assert table.columns[:3].tolist() == ["code", "text", "rights_provisions"]
    ind = _indicators().set_index("code", drop=False).loc["4.1"]
    header = mdg_texts.indicator_header(ind)
    # The catalogue's texts are data: Markdown-escaped (lib.escape), shown as written.
    assert header.startswith(r"**4\.1 Under\-five mortality rate** · *outcome* indicator · target 4\.A")
    assert "2015 target: reduce by two thirds from the 1990 level" in header
    assert header.endswith(r"Human rights provisions (indicative): CRC art\. 6, 24\(2\)\(a\)")
    no_target = _indicators().set_index("code", drop=False).loc["1.2"]
    assert "2015 target: none quantified" in mdg_texts.indicator_header(no_target)


def test_least_developed_countries_2008():
    assert len(mdg_choices.LDC_2008) == len(set(mdg_choices.LDC_2008)) == 49
    assert "CPV" not in mdg_choices.LDC_2008  # graduated in December 2007
    assert mdg_choices.COUNTRY_GROUPS[mdg_choices.ALL_COUNTRIES] == ()


def test_plain_dates_drop_the_midnight_time_and_keep_real_times():
    df = pd.DataFrame(
        {
            "due_date": pd.to_datetime(["2008-06-30", None]),
            "at": pd.to_datetime(["2008-06-30 14:05", "2008-07-01 00:00"]),
            "n": [1, 2],
        }
    )
    out = tables.plain_dates(df)
    assert list(out["due_date"]) == ["2008-06-30", "—"]  # issue 16: a dash, not "None"
    # The table widget converts the frame to Arrow: dates mixed with a dash failed, and Streamlit
    # logged "ArrowTypeError ... due_date" with a traceback at every draw.
    pa.Table.from_pandas(out)
    full = tables.plain_dates(df.dropna())
    assert list(full["due_date"]) == [date(2008, 6, 30)]  # no empty date: typed dates
    assert out["at"].equals(df["at"]) and out["n"].equals(df["n"])
    assert df["due_date"].dtype.kind == "M", "the caller's frame is unchanged"
    numbers = df[["n"]]
    assert tables.plain_dates(numbers) is numbers  # nothing to change: no copy
