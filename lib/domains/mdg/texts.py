"""MDG texts: who to credit for a source, the successor-series and rights notes, an indicator's header,
the rating method in words. In the reader's language (lib.i18n); data texts stay as stored."""

from __future__ import annotations

import pandas as pd

from lib import i18n, reference
from lib.domains.mdg import rating as rating_rules
from lib.escape import md_escape
from lib.i18n import N_, _

MDG_CREDIT = N_("United Nations Statistics Division, Millennium Development Goals Indicators database")
IGME_CREDIT = N_("UN Inter-agency Group for Child Mortality Estimation")
SUCCESSOR_CREDIT = N_(
    "World Bank World Development Indicators and UNAIDS, via Gapminder Systema Globalis (CC BY 4.0)"
)
# The WDI/UNAIDS series republished by Gapminder carry this in their source label.
SUCCESSOR_MARK = "via gapminder"
SUCCESSOR_NOTE = N_("SDG-era successor definition, not the MDG series")
RIGHTS_NOTE = N_(
    "The human rights provisions are an **indicative** mapping in the spirit of OHCHR's *Claiming the "
    "MDGs: a human rights approach* (2008), not an official correspondence. Indicator types "
    "(structural, process, outcome) follow OHCHR's indicator framework (HRI/MC/2008/3)."
)


def is_successor_source(source: str) -> bool:
    """True for the SDG-era successor series (WDI/UNAIDS via Gapminder)."""
    return SUCCESSOR_MARK in str(source).lower()


def source_credit(source: str, markdown: bool = True) -> str:
    """Who to credit for a source's values (one line, markdown; ``markdown=False``: plain, for the pack)."""
    name = reference.source_name(source)  # the short name, never the repository label
    shown = md_escape(name) if markdown else name
    if is_successor_source(source):
        return _(
            "Source: {source} — **{note}**. Credit: {credit}.",
            source=shown,
            note=_(SUCCESSOR_NOTE),
            credit=_(SUCCESSOR_CREDIT),
        )
    credit = IGME_CREDIT if "igme" in str(source).lower() else MDG_CREDIT
    return _("Source: {source}. Credit: {credit}.", source=shown, credit=_(credit))


def indicator_header(indicator: pd.Series) -> str:
    """Markdown lines on an indicator: its text, type, target, 2015 target and rights provisions."""
    quantified = indicator.get("quantified_target")
    goal_2015 = md_escape(quantified) if isinstance(quantified, str) and quantified else _("none quantified")
    return _(  # the catalogue's texts are data: escaped, shown as written
        "**{code} {text}** · *{type}* indicator · target {target}: {target_text} · 2015 target: {goal}  \n"
        "Human rights provisions (indicative): {provisions}",
        code=md_escape(indicator["code"]),
        text=md_escape(indicator["text"]),
        type=i18n.label(indicator["indicator_type"]),
        target=md_escape(indicator["target"]),
        target_text=md_escape(indicator["target_text"]),
        goal=goal_2015,
        provisions=md_escape(indicator["rights_provisions"]),
    )


def rating_method_text(indicator: pd.Series | None = None) -> str:
    """The rating method in words (markdown), with the thresholds of :mod:`lib.domains.mdg.rating`.

    With an indicator row (code, target_ratio_2015, quantified_target,
    desired_direction) it ends with how that indicator is rated.
    """
    m = rating_rules

    def rated(rating: str) -> str:
        return f"{m.RATING_ARROWS[rating]} {i18n.label(rating)}".strip()

    def num(value: float) -> str:
        return i18n.fmt_number(value, 2, trim=True)

    def span(low: object, high: object) -> str:
        return _("{low} to {high}", low=low, high=high)

    pct = i18n.fmt_percent(m.CAGR_SUBSTANTIAL)
    text = "\n\n".join(
        [
            _(
                "Progress measure of Statistics Canada / Open SDG. Each series (indicator, series, country, "
                "sex, location and **source**) is rated on its own: sources are never combined into one "
                "growth rate."
            ),
            _(
                "**Indicators with a 2015 target set against {base}** (such as 4.1, reduce under-five "
                "mortality by two thirds, and 5.1, reduce maternal mortality by three quarters): the base "
                "year is {base}, or the first later year with a value; target value = base value × target "
                "ratio; required CAGR = (target value / base value)^(1 / ({target} − base year)) − 1; "
                "actual CAGR = (latest value / base value)^(1 / (latest year − base year)) − 1; ratio = "
                "actual / required.",
                base=m.BASELINE_YEAR,
                target=m.TARGET_YEAR,
            ),
            "\n".join(
                [
                    "| " + _("ratio") + " | " + _("rating") + " |",
                    "|---|---|",
                    f"| ≥ {num(m.RATIO_ON_TRACK)} | {rated(m.RATING_ON_TRACK)} |",
                    f"| {span(num(m.RATIO_MODERATE), num(m.RATIO_ON_TRACK))} | {rated(m.RATING_MODERATE)} |",
                    f"| {span(0, num(m.RATIO_MODERATE))} | {rated(m.RATING_SLOW)} |",
                    "| " + _("below 0") + f" | {rated(m.RATING_MOVING_AWAY)} |",
                ]
            ),
            _(
                "**Other indicators with a desired direction**: compound annual growth rate CAGR = (latest "
                "value / first value)^(1 / (latest year − first year)) − 1, sign flipped when the indicator "
                "should fall (directed CAGR)."
            ),
            "\n".join(
                [
                    "| " + _("directed CAGR") + " | " + _("rating") + " |",
                    "|---|---|",
                    f"| ≥ {pct} | {rated(m.RATING_SUBSTANTIAL)} |",
                    f"| {span(0, pct)} | {rated(m.RATING_MODERATE)} |",
                    f"| {span('−' + pct, 0)} | {rated(m.RATING_MODERATE_DETERIORATION)} |",
                    f"| ≤ −{pct} | {rated(m.RATING_SUBSTANTIAL_DETERIORATION)} |",
                ]
            ),
            _(
                "*{insufficient}*: a single value, a zero at either end, or (target method) no value from "
                "{base} on. *{unrated}*: no target ratio and no desired direction (parity indicators, where "
                "either side of 1 is away from the goal).",
                insufficient=i18n.label(m.RATING_INSUFFICIENT).capitalize(),
                unrated=i18n.label(m.RATING_NOT_RATED).capitalize(),
                base=m.BASELINE_YEAR,
            ),
        ]
    )
    if indicator is None:
        return text
    ratio = pd.to_numeric(indicator.get("target_ratio_2015"), errors="coerce")
    direction = indicator.get("desired_direction")
    if pd.notna(ratio):
        how = _(
            "target method, target ratio {ratio} ({target})",
            ratio=i18n.fmt_number(ratio, 4, trim=True),
            target=indicator.get("quantified_target"),
        )
    elif direction in ("increase", "decrease"):
        how = _("CAGR method, desired direction: {direction}", direction=i18n.label(direction))
    else:
        how = _("not rated (no target ratio, no desired direction)")
    return text + "\n\n" + _("**Indicator {code}**: {how}.", code=indicator.get("code"), how=how)


def data_year_caption(year: int) -> str:
    """The MDG page's note on the round's data year (markdown)."""
    return _(
        "Progress ratings and gap trends use values up to **{year}**, the year before this round's cut-off, "
        "as the briefing overview does; the charts show every year, with a dashed line at {year}.",
        year=year,
    )


def successor_warning(source: str) -> str:
    """The warning shown over a successor source's values (markdown)."""
    return _(
        "{source} is an **{note}**: it is kept apart from the MDG data.",
        source=md_escape(reference.source_name(source)),
        note=_(SUCCESSOR_NOTE),
    )


#: The two equity dimensions and their pairs in words (shown translated).
GAP_PAIRS = (("sex", N_("female / male")), ("location", N_("rural / urban")))

GAP_MEASURE_HELP = N_(
    "Ratio: female / male or rural / urban (parity at 1). Difference: female − male or rural − urban."
)
ENGLISH_TEXTS = N_(
    "The indicator, goal and target texts are those of the official MDG list (English) as held in the database."
)
COVERAGE_NOTE = N_(
    "Numbers of values across all sources of the indicator; each source stays a separate series."
)


def no_pairs(what: str, year: int | None = None) -> str:
    """Why an equity gap cannot be shown: no pairs at all, or none up to the data year."""
    if year is None:
        return _("No {pairs} pairs in this source for the selected countries.", pairs=what)
    return _("No {pairs} pairs up to {year}: nothing to compare as of this round.", pairs=what, year=year)


def gap_trend_heading(year: int) -> str:
    """The heading of the gap-trend table (markdown)."""
    return _("Has the gap widened or narrowed? (absolute difference, first year to {year})", year=year)
