"""MDG rights-based indicators: trends, progress ratings, equity gaps, coverage and rights, as of a round."""

import streamlit as st

from lib import chart_theme as theme
from lib import i18n
from lib import webapp as w
from lib.domains.mdg import choices, headline, sections, texts
from lib.i18n import _

w.guard("view_mdg")

st.title(_("MDG rights-based indicators"))
version = w.data_version()
rnd = w.round_picker(w.load_rounds(version))
year = headline.data_year(rnd["cutoff_date"])
st.caption(texts.data_year_caption(year))
lang, inds, names = i18n.get_language(), w.load_indicators(version), w.country_names(version)
options = w.mdg_options(version, lang)  # one indicator's summaries are read at a time, below
first = w.mdg_default_indicator(version, year)
if first is None:
    st.info(_("No MDG observations yet: staff can upload them on the Upload page."))
    st.stop()

c1, c2 = st.columns([1, 2])
goals = choices.goal_labels(options)
goal = w.choose(c1, _("Goal"), goals, "mdg-goal", "goal", choices.goal_of(options, first))
labels = choices.indicator_labels(options, goal)
code = w.choose(c2, _("Indicator"), labels, "mdg-indicator", "indicator", first)
ind = choices.indicator_row(inds, code)
st.header(w.md_escape(labels[code]), anchor=False)  # h2 above the tabs' h3 headings: headings in order
st.markdown(texts.indicator_header(ind))
pick = w.mdg_choices(version, code, year, lang)  # its sources and countries
c3, c4 = st.columns([1, 1])
source = w.choose(c3, _("Source"), pick.sources, f"mdg-source-{code}", "source")
breakdowns = w.mdg_breakdowns()  # off: the totals only (both sexes, all locations)
series = w.mdg_series(version, code, source, breakdowns, lang)
chosen_series = w.choose(c4, _("Series (trend chart)"), series, f"mdg-series-{code}", "series")
label = _("Countries (up to {count})", count=8)
countries = tuple(
    sorted(w.choose_many(label, pick.countries, names, "mdg-countries", "countries", pick.default, 8))
)
if not countries:
    st.info(_("Choose at least one country."))
    st.stop()
if texts.is_successor_source(source):
    st.warning(texts.successor_warning(source))
tabs = w.linked_tabs(sections.TABS, "mdg-tab", "tab")
with tabs[0]:
    shown = w.mdg_trend(version, code, countries, source, chosen_series, year, breakdowns, lang)
    w.chart_or_info(shown, _("Choose countries with values for this series."))
    st.caption(texts.source_credit(source))
with tabs[1]:
    rated = w.mdg_ratings(version, code, countries, year, rnd.name, breakdowns, lang)
    w.notes(rated.notes)
    shown = rated.shown
    w.chart_or_info(shown, _("No values up to {year} for the selected countries in this source.", year=year))
    with st.expander(_("How the rating is calculated")):
        st.markdown(texts.rating_method_text(ind))
    groups = choices.group_labels()
    group = w.choose(st, _("Rate a group of countries"), groups, "mdg-group", "group", choices.NO_GROUP)
    if group != choices.NO_GROUP:
        tally, table, notes = w.mdg_group_ratings(version, code, group, year, breakdowns, lang)
        w.notes(notes)
        w.show_table(tally, width="content")
        w.table_with_downloads(table, f"mdg-{code}-ratings-group")
    st.caption(" ".join(texts.source_credit(s) for s in rated.sources))
with tabs[2]:
    measure = st.radio(
        _("Measure"), ["ratio", "difference"], horizontal=True, key="mdg-measure",
        format_func=theme.measure_title, help=_(texts.GAP_MEASURE_HELP),
    )  # fmt: skip
    for gap in w.mdg_gaps(version, code, countries, source, year, measure, breakdowns, lang):
        st.subheader(gap.what.capitalize())
        if gap.shown is None:
            st.info(gap.why)
            continue
        w.chart_with_table(*gap.shown)
        st.markdown(texts.gap_trend_heading(year))
        if gap.trend.empty:
            st.caption(texts.no_pairs(gap.what, year))
        else:
            w.table_with_downloads(gap.trend, gap.name)
    st.caption(texts.source_credit(source))
with tabs[3]:
    st.subheader(_("Breakdowns of {code} by country", code=code))
    st.caption(_(texts.COVERAGE_NOTE))
    w.table_with_downloads(w.mdg_coverage(version, code, lang), f"mdg-{code}-coverage")
    st.subheader(_("All indicators"))
    w.mdg_all_indicators(version, lang)  # on request
with tabs[4]:
    st.markdown(_(texts.RIGHTS_NOTE))
    if i18n.get_language() != i18n.DEFAULT_LANGUAGE:
        st.caption(_(texts.ENGLISH_TEXTS))
    w.table_with_downloads(w.mdg_rights(version, goal, lang), f"mdg-goal-{goal}-rights")
w.illustrative_note()
w.link_to_view()
