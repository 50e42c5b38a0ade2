"""MDG rights-based indicators: trends, progress ratings, equity gaps, coverage and rights, as of a round."""

import altair as alt
import pandas as pd
import streamlit as st

from lib import charts, metrics, views
from lib import webapp as w
from lib.overview import mdg_data_year

w.guard("view_mdg")


def choose(where, label: str, options: list, key: str, default=None, **kwargs):
    """A select box that keeps its choice while it is still an option (else ``default``)."""
    st.session_state[key] = views.keep_choice(st.session_state.get(key), options, default)
    return where.selectbox(label, options, key=key, **kwargs)


def table_with_csv(table: pd.DataFrame, name: str) -> None:
    st.dataframe(table, hide_index=True, width="stretch")
    w.download_csv(table, f"{name}.csv")


def marked(chart, year: int):
    """The chart with a dashed rule at the round's data year; title and description on the whole."""
    inner = chart.copy()
    title, description = inner.title, inner.description
    inner.title = inner.description = alt.Undefined
    rule = alt.Chart(pd.DataFrame({"year": [year], "note": [f"round data year {year}"]}))
    rule = rule.mark_rule(color=charts.NEUTRAL, strokeDash=[2, 3]).encode(x="year:Q", tooltip="note:N")
    note = f" A dashed vertical line marks {year}, the round's data year."
    return alt.layer(inner, rule).properties(title=title, description=f"{description}{note}")


st.title("MDG rights-based indicators")
version = w.data_version()
rnd = w.round_picker(w.load_rounds(version))
year = mdg_data_year(rnd["cutoff_date"])
st.caption(
    f"Progress ratings and gap trends use values up to **{year}**, the year before this round's cut-off, "
    f"as the briefing overview does; the charts show every year, with a dashed line at {year}."
)
inds = w.load_indicators(version)
catalogue = w.load_observation_catalogue(version)
counts = w.load_disaggregation(version)
names = w.load_countries(version).set_index("iso3")["name"]
series_names = w.load_series(version).set_index("code")["name"]
options = views.indicator_options(inds, catalogue)
first = views.default_indicator(options, catalogue, year)
if first is None:
    st.info("No MDG observations yet: staff can upload them on the Upload page.")
    st.stop()

c1, c2 = st.columns([1, 2])
goals = options.drop_duplicates("goal").set_index("goal")["goal_title"]
start_goal = int(options.set_index("code").at[first, "goal"])
goal = choose(c1, "Goal", list(goals.index), "mdg-goal", start_goal, format_func=lambda g: f"{g}. {goals[g]}")
labels = options.loc[options["goal"] == goal].set_index("code")["label"]
code = choose(c2, "Indicator", list(labels.index), "mdg-indicator", first, format_func=labels.get)
ind = inds.set_index("code", drop=False).loc[code]
st.markdown(views.indicator_header(ind))

sources = views.source_options(catalogue, code, year).set_index("source")
c3, c4 = st.columns([1, 1])
source = choose(c3, "Source", list(sources.index), f"mdg-source-{code}", format_func=sources["label"].get)
series = views.series_options(catalogue, code, source)
one_series = choose(c4, "Series (trend chart)", series, f"mdg-series-{code}", format_func=series_names.get)
with_data = views.countries_with_data(counts, code)["country_iso3"].tolist()
st.session_state["mdg-countries"] = views.keep_selection(
    st.session_state.get("mdg-countries"), with_data, with_data[: views.DEFAULT_COUNTRY_COUNT]
)
countries = st.multiselect(
    "Countries (up to 8)", with_data, key="mdg-countries", max_selections=8, format_func=names.get
)
if not countries:
    st.info("Choose at least one country.")
    st.stop()
if sources.at[source, "successor"]:
    st.warning(f"{source} is an **{views.SUCCESSOR_NOTE}**: it is kept apart from the MDG data.")
credit = views.source_credit(source)
obs = views.of_source(w.load_observations(version, (code,), tuple(sorted(countries))), source)
in_round = views.up_to_year(obs, year)
trend, rating, gaps, coverage, rights = st.tabs(
    ["Trend", "Progress rating", "Equity gaps", "Coverage", "Rights"]
)

with trend:
    shown = views.trend_table(views.of_source(obs, source, one_series), year, series_names)
    if shown.empty:
        st.info("Choose countries with values for this series.")
    else:
        chart = charts.indicator_timeseries(shown, title=f"{code} {series_names.get(one_series, one_series)}")
        w.chart_with_table(marked(chart, year), shown, f"mdg-{code}-trend", f"values of {code}")
    st.caption(credit)

with rating:
    ratings = metrics.progress_rating(in_round, inds)
    if ratings.empty:
        st.info(f"No values up to {year} for the selected countries in this source.")
    else:
        table = views.rating_table(ratings, names)
        chart = charts.rating_chart(ratings, title=f"{code}: progress as of {rnd.name} (values up to {year})")
        chart = chart.configure_legend(orient="bottom", direction="horizontal", columns=3)  # short grids
        w.chart_with_table(chart, table, f"mdg-{code}-ratings", f"ratings of {code}")
    with st.expander("How the rating is calculated"):
        st.markdown(views.rating_method_text(ind))
    group = st.selectbox("Rate a group of countries", ["(none)", *views.COUNTRY_GROUPS], key="mdg-group")
    if group != "(none)":
        members = views.COUNTRY_GROUPS[group]
        group_obs = views.of_source(w.load_observations(version, (code,), members), source)
        table = views.rating_table(metrics.progress_rating(views.up_to_year(group_obs, year), inds), names)
        st.dataframe(views.rating_counts(table), hide_index=True)
        table_with_csv(table, f"mdg-{code}-ratings-group")
    st.caption(credit)

with gaps:
    measure = st.radio(
        "Measure",
        ["ratio", "difference"],
        horizontal=True,
        key="mdg-measure",
        help="Ratio: female / male or rural / urban (parity at 1). Difference: female − male or rural − urban.",
    )
    for dim, what in (("sex", "female / male"), ("location", "rural / urban")):
        st.subheader(f"{what.capitalize()}")
        pairs = metrics.equity_gaps(obs, dim)
        if pairs.empty:
            st.caption(f"No {what} pairs in this source for the selected countries.")
            continue
        shown = views.gap_table(pairs, year, names)
        chart = marked(charts.equity_gap_chart(pairs, measure), year)
        w.chart_with_table(chart, shown, f"mdg-{code}-gap-{dim}", f"{what} gap of {code}")
        st.markdown(f"Has the gap widened or narrowed? (absolute difference, first year to {year})")
        table = views.gap_trend_table(metrics.equity_gaps(in_round, dim), names)
        if table.empty:
            st.caption(f"No {what} pairs up to {year}: nothing to compare as of this round.")
            continue
        table_with_csv(table, f"mdg-{code}-gap-trend-{dim}")
    st.caption(credit)

with coverage:
    st.subheader(f"Breakdowns of {code} by country")
    st.caption("Numbers of values across all sources of the indicator; each source stays a separate series.")
    table_with_csv(views.indicator_coverage(counts, code, names), f"mdg-{code}-coverage")
    st.subheader("All indicators")
    table_with_csv(views.coverage_overview(counts, inds), "mdg-coverage-overview")

with rights:
    st.markdown(views.RIGHTS_NOTE)
    table_with_csv(views.rights_table(inds, goal, list(options["code"])), f"mdg-goal-{goal}-rights")
w.illustrative_note()
