"""MDG rights-based indicators: trends, progress ratings, equity gaps, coverage and rights, as of a round."""

import altair as alt
import pandas as pd
import streamlit as st

from lib import chart_theme as theme
from lib import filters, i18n
from lib import webapp as w
from lib.domains.mdg import charts as mdg_charts
from lib.domains.mdg import metrics as mdg_metrics
from lib.domains.mdg import rating as mdg_rating
from lib.domains.mdg import views as mdg_views
from lib.i18n import N_, _
from lib.overview import mdg_data_year

w.guard("view_mdg")


def choose(where, label: str, options: list, key: str, default=None, **kwargs):
    """A select box that keeps its choice while it is still an option (else ``default``)."""
    st.session_state[key] = filters.keep_choice(st.session_state.get(key), options, default)
    return where.selectbox(label, options, key=key, **kwargs)


def table_with_csv(table: pd.DataFrame, name: str) -> None:
    w.show_table(table)
    w.download_csv(table, f"{name}.csv")


def marked(chart, year: int):
    """The chart with a dashed rule at the round's data year; title and description on the whole."""
    inner = chart.copy()
    title, description = inner.title, inner.description
    inner.title = inner.description = alt.Undefined
    rule = alt.Chart(pd.DataFrame({"year": [year], "note": [_("round data year {year}", year=year)]}))
    rule = rule.mark_rule(color=theme.NEUTRAL, strokeDash=[2, 3]).encode(x="year:Q", tooltip="note:N")
    note = " " + _("A dashed vertical line marks {year}, the round's data year.", year=year)
    return alt.layer(inner, rule).properties(title=title, description=f"{description}{note}")


st.title(_("MDG rights-based indicators"))
version = w.data_version()
rnd = w.round_picker(w.load_rounds(version))
year = mdg_data_year(rnd["cutoff_date"])
st.caption(
    _(
        "Progress ratings and gap trends use values up to **{year}**, the year before this round's cut-off, "
        "as the briefing overview does; the charts show every year, with a dashed line at {year}.",
        year=year,
    )
)
inds = w.load_indicators(version)
catalogue = w.load_observation_catalogue(version)
counts = w.load_disaggregation(version)
names = w.country_names(version)
series_names = w.load_series(version).set_index("code")["name"]
options = mdg_views.indicator_options(inds, catalogue)
first = mdg_views.default_indicator(options, catalogue, year)
if first is None:
    st.info(_("No MDG observations yet: staff can upload them on the Upload page."))
    st.stop()

c1, c2 = st.columns([1, 2])
goals = options.drop_duplicates("goal").set_index("goal")["goal_title"]
start_goal = int(options.set_index("code").at[first, "goal"])
goal = choose(
    c1, _("Goal"), list(goals.index), "mdg-goal", start_goal, format_func=lambda g: f"{g}. {goals[g]}"
)
labels = options.loc[options["goal"] == goal].set_index("code")["label"]
code = choose(c2, _("Indicator"), list(labels.index), "mdg-indicator", first, format_func=labels.get)
ind = inds.set_index("code", drop=False).loc[code]
st.header(labels[code], anchor=False)  # h2 above the tabs' h3 headings: headings in order
st.markdown(mdg_views.indicator_header(ind))

sources = mdg_views.source_options(catalogue, code, year).set_index("source")
c3, c4 = st.columns([1, 1])
source = choose(c3, _("Source"), list(sources.index), f"mdg-source-{code}", format_func=sources["label"].get)
series = mdg_views.series_options(catalogue, code, source)
one_series = choose(c4, _("Series (trend chart)"), series, f"mdg-series-{code}", format_func=series_names.get)
with_data = mdg_views.countries_with_data(counts, code)["country_iso3"].tolist()
st.session_state["mdg-countries"] = filters.keep_selection(
    st.session_state.get("mdg-countries"), with_data, with_data[: mdg_views.DEFAULT_COUNTRY_COUNT]
)
countries = st.multiselect(
    _("Countries (up to {count})", count=8),
    with_data,
    key="mdg-countries",
    max_selections=8,
    format_func=lambda c: names.get(c, c),
)
if not countries:
    st.info(_("Choose at least one country."))
    st.stop()
if sources.at[source, "successor"]:
    st.warning(
        _(
            "{source} is an **{note}**: it is kept apart from the MDG data.",
            source=source,
            note=_(mdg_views.SUCCESSOR_NOTE),
        )
    )
credit = mdg_views.source_credit(source)
obs = mdg_views.of_source(w.load_observations(version, (code,), tuple(sorted(countries))), source)
in_round = mdg_views.up_to_year(obs, year)
trend, rating, gaps, coverage, rights = st.tabs(
    [_("Trend"), _("Progress rating"), _("Equity gaps"), _("Coverage"), _("Rights")]
)

with trend:
    shown = mdg_views.trend_table(mdg_views.of_source(obs, source, one_series), year, series_names)
    if shown.empty:
        st.info(_("Choose countries with values for this series."))
    else:
        chart = mdg_charts.indicator_timeseries(
            shown, title=f"{code} {series_names.get(one_series, one_series)}"
        )
        w.chart_with_table(marked(chart, year), shown, f"mdg-{code}-trend", _("values of {code}", code=code))
    st.caption(credit)

with rating:
    ratings = mdg_rating.progress_rating(in_round, inds)
    if ratings.empty:
        st.info(_("No values up to {year} for the selected countries in this source.", year=year))
    else:
        table = mdg_views.rating_table(ratings, names)
        chart = mdg_charts.rating_chart(
            ratings,
            title=_(
                "{code}: progress as of {round} (values up to {year})", code=code, round=rnd.name, year=year
            ),
        )
        chart = chart.configure_legend(orient="bottom", direction="horizontal", columns=3)  # short grids
        w.chart_with_table(chart, table, f"mdg-{code}-ratings", _("ratings of {code}", code=code))
    with st.expander(_("How the rating is calculated")):
        st.markdown(mdg_views.rating_method_text(ind))
    NO_GROUP = N_("(none)")
    group = st.selectbox(
        _("Rate a group of countries"), [NO_GROUP, *mdg_views.COUNTRY_GROUPS], key="mdg-group", format_func=_
    )
    if group != NO_GROUP:
        members = mdg_views.COUNTRY_GROUPS[group]
        group_obs = mdg_views.of_source(w.load_observations(version, (code,), members), source)
        table = mdg_views.rating_table(
            mdg_rating.progress_rating(mdg_views.up_to_year(group_obs, year), inds), names
        )
        w.show_table(mdg_views.rating_counts(table), width="content")
        table_with_csv(table, f"mdg-{code}-ratings-group")
    st.caption(credit)

with gaps:
    measure = st.radio(
        _("Measure"),
        ["ratio", "difference"],
        horizontal=True,
        key="mdg-measure",
        format_func=theme.measure_title,
        help=_(
            "Ratio: female / male or rural / urban (parity at 1). Difference: female − male or rural − urban."
        ),
    )
    for dim, what in (("sex", _("female / male")), ("location", _("rural / urban"))):
        st.subheader(what.capitalize())
        pairs = mdg_metrics.equity_gaps(obs, dim)
        if pairs.empty:
            st.caption(_("No {pairs} pairs in this source for the selected countries.", pairs=what))
            continue
        shown = mdg_views.gap_table(pairs, year, names)
        chart = marked(mdg_charts.equity_gap_chart(pairs, measure), year)
        w.chart_with_table(
            chart, shown, f"mdg-{code}-gap-{dim}", _("{pairs} gap of {code}", pairs=what, code=code)
        )
        st.markdown(
            _("Has the gap widened or narrowed? (absolute difference, first year to {year})", year=year)
        )
        table = mdg_views.gap_trend_table(mdg_metrics.equity_gaps(in_round, dim), names)
        if table.empty:
            st.caption(
                _(
                    "No {pairs} pairs up to {year}: nothing to compare as of this round.",
                    pairs=what,
                    year=year,
                )
            )
            continue
        table_with_csv(table, f"mdg-{code}-gap-trend-{dim}")
    st.caption(credit)

with coverage:
    st.subheader(_("Breakdowns of {code} by country", code=code))
    st.caption(
        _("Numbers of values across all sources of the indicator; each source stays a separate series.")
    )
    table_with_csv(mdg_views.indicator_coverage(counts, code, names), f"mdg-{code}-coverage")
    st.subheader(_("All indicators"))
    table_with_csv(mdg_views.coverage_overview(counts, inds), "mdg-coverage-overview")

with rights:
    st.markdown(_(mdg_views.RIGHTS_NOTE))
    if i18n.get_language() != i18n.DEFAULT_LANGUAGE:
        st.caption(
            _(
                "The indicator, goal and target texts are those of the official MDG list (English) "
                "as held in the database."
            )
        )
    table_with_csv(mdg_views.rights_table(inds, goal, list(options["code"])), f"mdg-goal-{goal}-rights")
w.illustrative_note()
