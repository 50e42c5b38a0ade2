"""The pack's MDG pages: per indicator, the rating grid, equity gaps and the values behind them."""

from __future__ import annotations

from concurrent.futures import Future

import pandas as pd

from lib import messages, reference, tables
from lib.briefing.data import Context
from lib.briefing.fmt import credit, fmt_value, fmt_year, group_words, human
from lib.briefing.pdf import PackPDF, Writer
from lib.domains.mdg import charts as mdg_charts
from lib.domains.mdg import choices as mdg_choices
from lib.domains.mdg import headline as mdg_headline
from lib.domains.mdg import metrics as mdg_metrics
from lib.domains.mdg import rating as mdg_rating
from lib.i18n import N_, _

MDG_CHART_HEIGHT = 165.0  # a 24-row rating grid stays legible


def mdg_sections(ctx: Context, codes: tuple[str, ...], countries: list[str] | None) -> list[Writer]:
    """The MDG introduction, then ratings and equity gaps per chosen indicator."""
    data, ov = ctx.data, ctx.ov
    year = ov.mdg_year if ov.mdg_year is not None else mdg_headline.data_year(ctx.cutoff)
    inds = data.indicators.drop_duplicates("code").set_index("code")
    names = data.series.drop_duplicates("code").set_index("code")["name"]
    used_sources: set[str] = set()

    def write_intro(pdf: PackPDF) -> None:
        pdf.opening(
            _("MDG rights-based indicators"),
            _(
                "Progress ratings and equity gaps for the chosen indicators, using values up to {year} (the "
                "year before the round's cut-off) as held in the database now, later revisions included. Each "
                "series (indicator, series, country, sex, location and source) is rated on its own: values "
                "from different sources are never combined. Indicators with a 2015 target (4.1, 5.1) compare "
                "the actual annual rate of change since 1990 with the rate the target requires; the others are "
                "rated by their compound annual growth in the desired direction. Rights provisions are an "
                "indicative mapping in the spirit of OHCHR's Claiming the MDGs (2008).",
                year=year,
            ),
            size=8.5,
        )
        moves = [m for m in messages.mdg_ratings(ov)]
        if moves:  # which ratings moved, or why none could (never "1,953 series progressing")
            pdf.para(moves[0].text, size=8.5)

    writers: list[Writer] = [write_intro]
    for code in codes:
        if code not in inds.index:
            writers.append(_mdg_unknown(code))
            continue
        chosen = list(countries) if countries else mdg_choices.default_countries(data.counts, code)
        ind_obs = data.obs
        if not ind_obs.empty:
            mask = (ind_obs["indicator_code"] == code) & ind_obs["country_iso3"].isin(chosen)
            ind_obs = mdg_choices.up_to_year(ind_obs.loc[mask], year)
            used_sources.update(ind_obs["source"].dropna().astype(str))
        later = data.last_year.get(code, year) > year
        writers.append(_mdg_indicator(ctx, code, inds.loc[code], ind_obs, chosen, names, year, later))
    ctx.mdg_sources |= used_sources
    return writers


def _mdg_unknown(code: str) -> Writer:
    def write(pdf: PackPDF) -> None:
        pdf.opening(
            _("{code}: unknown indicator", code=code),
            _("Indicator {code} is not in the MDG framework held by the dashboard.", code=code),
            size=9,
            level=1,
            new_page=False,
        )

    return write


def compact(
    frame: pd.DataFrame, widths: dict[str, float], headers: dict[str, str] | None = None
) -> tuple[pd.DataFrame, list[float], str]:
    """Drop the Series and Source columns when they hold one value (named above the table instead).

    ``frame`` has English column keys (those of ``widths``); ``headers`` gives the shown ones
    (default: the keys translated). Returns the table, its column widths (the last column
    takes the rest of the page) and the note.
    """
    note = []
    for col in ("Series", "Source"):
        if col in frame and frame[col].nunique() == 1:
            if col == "Series":  # the indicator's sources are listed under its heading already
                note.append(_("Series: {name}", name=frame[col].iloc[0]))
            frame = frame.drop(columns=col)
    cols = list(frame.columns)
    w = [widths.get(c, 22.0) for c in cols[:-1]]
    w.append(max(PAGE_TEXT_WIDTH - sum(w), 24.0))
    shown = {c: (headers or {}).get(c) or _(MDG_HEADERS.get(c, c)) for c in cols}
    return frame.rename(columns=shown), w, ". ".join(note) + ("." if note else "")


PAGE_TEXT_WIDTH = 178.0  # A4 less the 16 mm margins
MDG_WIDTHS = {"Country": 26.0, "Series": 52.0, "Source": 32.0, "Group": 15.0, "Sex": 15.0, "Location": 17.0}
#: The MDG tables' column keys (English) -> their headers, translated when shown.
MDG_HEADERS = {
    "Country": N_("Country"),
    "Series": N_("Series"),
    "Source": N_("Source"),
    "Group": N_("Group"),
    "Sex": N_("Sex"),
    "Location": N_("Location"),
    "Base": N_("Base"),
    "Latest": N_("Latest"),
    "Rating": N_("Rating"),
    "Latest gap": N_("Latest gap"),
    "Gap": N_("Gap"),
}


def year_value(years: pd.Series, values: pd.Series) -> list[str]:
    return [f"{fmt_year(y)}: {fmt_value(v)}" for y, v in zip(years, values, strict=True)]


#: Rows of a rating grid in the pack: more cannot be read at the chart's height on a page (and
#: each one costs rendering time). The table under the chart always lists every series.
PACK_CHART_ROWS = 40


def _chart_rows(ratings: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The ratings the grid shows, and a note when it is not all of them.

    Over :data:`PACK_CHART_ROWS` series: the totals only (no female/male, rural/urban
    breakdowns), and if those are still too many, the first ones in the grid's order.
    """
    total = len(ratings)
    if total <= PACK_CHART_ROWS:
        return ratings, ""
    totals = ratings.loc[(ratings["sex"] == "total") & (ratings["location"] == "total")]
    if 0 < len(totals) <= PACK_CHART_ROWS:
        note = _(
            "The chart shows the {shown} series without a breakdown, of {total}; the table lists every "
            "series, female/male and rural/urban included.",
            shown=len(totals),
            total=total,
        )
        return totals, note
    note = _(
        "The chart shows the first {shown} of {total} series; the table lists every series.",
        shown=PACK_CHART_ROWS,
        total=total,
    )
    return ratings.head(PACK_CHART_ROWS), note


#: Rows of an MDG table in the pack (about a page): past them a table runs over pages (the pack
#: keeps to 8-12 pages before the annex), its gap chart becomes a tangle of lines, and both take
#: seconds to lay out and draw. The MDG page lists every series.
PACK_TABLE_ROWS = 24


def _table_rows(rows: pd.DataFrame, breakdowns: list[str]) -> tuple[pd.DataFrame, str]:
    """The rows an MDG table shows, and a note when it is not all of them.

    Over :data:`PACK_TABLE_ROWS`: the rows without a breakdown (``breakdowns`` all "total"),
    and if those are still too many, the first ones in the table's order.
    """
    total = len(rows)
    if total <= PACK_TABLE_ROWS:
        return rows, ""
    plain = rows.loc[(rows[breakdowns] == "total").all(axis=1)]
    if 0 < len(plain) <= PACK_TABLE_ROWS:
        note = _(
            "The table shows the {shown} series without a breakdown, of {total}; the MDG page lists "
            "every series, female/male and rural/urban included.",
            shown=len(plain),
            total=total,
        )
        return plain, note
    note = _(
        "The table shows the first {shown} of {total} series; the MDG page lists every series.",
        shown=PACK_TABLE_ROWS,
        total=total,
    )
    return rows.head(PACK_TABLE_ROWS), note


def _unrated_line(unrated: pd.DataFrame, ind: pd.Series) -> str:
    """One line on the series that could not be rated, and why (instead of rows of "not rated")."""
    if unrated.empty:
        return ""
    why = (
        _("the indicator has neither a 2015 target ratio nor a desired direction")
        if (unrated["rating"] == mdg_rating.RATING_NOT_RATED).all()
        else _("too few values up to the data year")
    )
    countries = ", ".join(sorted(set(tables.country_labels(unrated["country_iso3"]))))
    return _(
        "Not rated ({count} series: {countries}): {why}.",
        count=len(unrated),
        countries=countries,
        why=why,
    )


def _mdg_indicator(
    ctx: Context,
    code: str,
    ind: pd.Series,
    obs: pd.DataFrame,
    chosen: list[str],
    names: pd.Series,
    year: int,
    later: bool,
) -> Writer:
    """One indicator: its rating grid and table, equity gaps where groups pair up, and its sources."""
    # The MDG series where they have values, else the successor's, noted (the page's choice too).
    found = mdg_headline.rated(obs, ctx.data.indicators, year) if not obs.empty else None
    ratings = found.ratings if found is not None else pd.DataFrame()
    fallback_notes = mdg_headline.fallback_notes(found, names) if found is not None else []
    rating_table, rating_widths, rating_note, rating_bound = pd.DataFrame(), [], "", ""
    unrated_line = ""
    if not ratings.empty:
        no_rating = ratings["rating"].isin([mdg_rating.RATING_NOT_RATED, mdg_rating.RATING_INSUFFICIENT])
        unrated_line = _unrated_line(ratings.loc[no_rating], ind)
        ratings = ratings.loc[~no_rating]
    if not ratings.empty:
        # The grid's own row order (country, breakdown, source, series), so chart and table read alike.
        ratings = ratings.assign(_row=mdg_charts._rating_row_label(ratings)).sort_values("_row")
        ratings, rating_bound = _table_rows(ratings, ["sex", "location"])
        # No rating grid: it would repeat the ratings table below, row for row.
        rating_table, rating_widths, rating_note = compact(
            pd.DataFrame(
                {
                    "Country": tables.country_labels(ratings["country_iso3"]),
                    "Series": ratings["series_code"].map(lambda c: names.get(c, c)),
                    "Source": ratings["source"].map(reference.source_name),
                    "Group": [
                        group_words(sex, loc)
                        for sex, loc in zip(ratings["sex"], ratings["location"], strict=True)
                    ],
                    "Base": year_value(ratings["base_year"], ratings["base_value"]),
                    "Latest": year_value(ratings["latest_year"], ratings["latest_value"]),
                    "Rating": (ratings["arrow"].fillna("") + " " + ratings["rating"].map(human)).str.strip(),
                }
            ),
            {**MDG_WIDTHS, "Base": 24.0, "Latest": 24.0},
        )
    gaps: list[tuple[str, pd.DataFrame, list[float], str, tuple[Future[bytes], str]]] = []
    for dim, (a, b) in mdg_metrics.EQUITY_GROUPS.items():
        g = mdg_metrics.equity_gaps(obs, dim) if not obs.empty else pd.DataFrame()
        if g.empty:
            continue
        trend = mdg_metrics.gap_trend(g)
        other = "location" if dim == "sex" else "sex"
        trend, bound = _table_rows(trend, [other])
        if bound:  # the chart draws the gaps the table lists
            keys = ["indicator_code", "series_key", "country_iso3", "source", other]
            g = g.merge(trend[keys], on=keys)
        a_word, b_word = human(a), human(b)
        table, widths, note = compact(
            pd.DataFrame(
                {
                    "Country": tables.country_labels(trend["country_iso3"]),
                    "Series": trend["series_code"].map(lambda c: names.get(c, c)),
                    "Source": trend["source"].map(reference.source_name),
                    other.capitalize(): trend[other].map(lambda v: _("all") if v == "total" else human(v)),
                    "First gap": year_value(trend["first_year"], trend["first_difference"]),
                    "Latest gap": year_value(trend["latest_year"], trend["latest_difference"]),
                    "Gap": trend["trend"].map(human),
                }
            ),
            {**MDG_WIDTHS, "First gap": 34.0, "Latest gap": 28.0},
            {"First gap": _("First gap ({a} - {b})", a=a_word, b=b_word)},
        )
        minus = _("{a} minus {b}", a=a_word, b=b_word)
        chart_g = ctx.render(
            mdg_charts.equity_gap_chart(
                g, "difference", title=_("Indicator {code}: gap, {gap}", code=code, gap=minus)
            ).properties(width=460, height=220)
        )
        gaps.append((minus, table, widths, " ".join(n for n in (note, bound) if n), chart_g))
    sources = sorted(obs["source"].dropna().astype(str).unique()) if not obs.empty else []

    def write(pdf: PackPDF) -> None:
        pdf.need(50)
        pdf.opening(
            f"{code} {ind['text']}",
            _(
                "Target {target}: {text}. Rights provisions (indicative): {provisions}.",
                target=ind["target"],
                text=ind["target_text"],
                provisions=ind["rights_provisions"],
            ),
            size=8.5,
            level=1,
            new_page=False,
        )
        no_pairs = (
            " " + _("No female/male or rural/urban pairs to compare.") if not obs.empty and not gaps else ""
        )
        country_names = ", ".join(tables.country_labels(pd.Series(chosen, dtype=object))) if chosen else ""
        pdf.para(
            _("Countries: {countries}.", countries=country_names or _("none with data")) + no_pairs,
            size=8.5,
            muted=True,
        )
        if sources:
            pdf.para(" ".join(credit(s) for s in sources), size=7.5, muted=True)
        for note in fallback_notes:
            pdf.para(note, size=8.5, muted=True)
        if unrated_line:
            pdf.para(unrated_line, size=8.5, muted=True)
        if obs.empty:
            pdf.para(
                _("No values up to {year} for this indicator and these countries in the database", year=year)
                + (" " + _("(its values are of later years).") if later else "."),
                size=9,
            )
        elif not rating_table.empty:
            pdf.subheading(_("Progress ratings"))
            for line in (rating_note, rating_bound):
                if line:
                    pdf.para(line, size=7.5, muted=True)
            pdf.data_table(rating_table, rating_widths, size=7)
        for label, table, widths, note, chart_g in gaps:
            pdf.chart(
                chart_g[0].result(), chart_g[1], max_height=70, heading=_("Equity gap: {gap}", gap=label)
            )
            if note:
                pdf.para(note, size=7.5, muted=True)
            pdf.data_table(table, widths, size=7)

    return write
