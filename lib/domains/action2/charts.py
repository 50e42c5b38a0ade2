"""Action 2 charts: activities by agency, advisers or people trained over time, the world map."""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd

from lib import chart_theme as theme
from lib import i18n
from lib.datasets import ACTIVITY_TYPES
from lib.i18n import N_, _


def action2_agency_chart(
    df: pd.DataFrame, measure: str = "activities", title: str | None = None
) -> alt.Chart:
    """Horizontal bars per agency stacked by activity type (``by_agency_type``)."""
    if measure not in ("activities", "participants_trained", "advisers_deployed"):
        raise ValueError("measure must be activities, participants_trained or advisers_deployed")
    data = theme.chart_columns(
        df, ["agency", "type", "activities", "participants_trained", "advisers_deployed"]
    )
    data["type_label"] = data["type"].map(theme.human)
    totals = data.groupby("agency")[measure].sum().sort_values(ascending=False)
    summary = ", ".join(f"{a} {i18n.fmt_number(int(v))}" for a, v in totals.items())
    measure_words = theme.measure_title(measure).lower()
    description = _(
        "Stacked horizontal bar chart of {measure} per partner agency, split by type of activity: {summary}.",
        measure=measure_words,
        summary=summary,
    )
    return (
        theme.base(
            data,
            title=title or _("Action 2: {measure} by agency", measure=measure_words),
            description=description,
        )
        .mark_bar()
        .encode(
            y=alt.Y("agency:N", title=None, sort=list(totals.index)),
            x=alt.X(
                f"sum({measure}):Q", title=theme.measure_title(measure), axis=theme.measure_axis(measure)
            ),
            color=theme.coded_color(
                "type:N",
                _("Type of activity"),
                theme.fixed_scale(theme.ACTIVITY_TYPE_COLOURS),
                ACTIVITY_TYPES,
            ),
            tooltip=[
                alt.Tooltip("agency:N", title=_("Agency")),
                alt.Tooltip("type_label:N", title=_("Type")),
                alt.Tooltip("activities:Q", title=_("Activities")),
                alt.Tooltip("participants_trained:Q", title=_("People trained"), format=","),
                alt.Tooltip("advisers_deployed:Q", title=_("Advisers deployed")),
            ],
        )
    )


def advisers_over_time_chart(
    df: pd.DataFrame, measure: str = "advisers_deployed", title: str | None = None
) -> alt.Chart:
    """A per-round total as line and points.

    Takes ``advisers_over_time`` (measure "advisers_deployed") or ``trained_over_time``
    (measure "participants_trained").
    """
    if measure not in ("advisers_deployed", "participants_trained"):
        raise ValueError("measure must be 'advisers_deployed' or 'participants_trained'")
    data = df.copy()
    steps = ", ".join(
        f"{r} {i18n.fmt_number(int(v))}" for r, v in zip(data["round_id"], data[measure], strict=True)
    )
    measure_words = theme.measure_title(measure).lower()
    description = _(
        "Line chart of {measure} per consultation round: {steps}.", measure=measure_words, steps=steps
    )
    # every count the metrics frame carries goes into the tooltip (countries, agencies, activities...)
    extra = [
        c for c in data.columns if c not in ("round_id", measure) and pd.api.types.is_numeric_dtype(data[c])
    ]
    tooltip = [
        alt.Tooltip("round_id:N", title=_("Round")),
        alt.Tooltip(f"{measure}:Q", title=theme.measure_title(measure), format=","),
    ] + [alt.Tooltip(f"{c}:Q", title=_count_title(c), format=",") for c in extra]
    return (
        theme.base(
            data,
            title=title or _("Action 2: {measure} per round", measure=measure_words),
            description=description,
            width=alt.Step(90),
        )
        .mark_line(point=True, color=theme.OKABE_ITO[0])
        .encode(
            x=alt.X(
                "round_id:O",
                title=_("Consultation round"),
                sort=theme.round_sort(data["round_id"]),
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y(
                f"{measure}:Q",
                title=theme.measure_title(measure),
                scale=alt.Scale(zero=True),
                axis=theme.measure_axis(measure),
            ),
            tooltip=tooltip,
        )
    )


#: Titles of the counts the over-time frames may carry besides the measure (metrics.advisers_over_time, trained_over_time).
COUNT_TITLES = {
    "activities": N_("Activities"),
    "countries": N_("Countries"),
    "agencies": N_("Agencies"),
    "participants_trained": N_("People trained"),
    "advisers_deployed": N_("Advisers deployed"),
}


def _count_title(column: str) -> str:
    return _(COUNT_TITLES[column]) if column in COUNT_TITLES else column.replace("_", " ").capitalize()


def action2_world_map(
    by_country: pd.DataFrame,
    topojson_path: str | Path,
    measure: str = "activities",
    title: str | None = None,
) -> alt.LayerChart:
    """World map shaded by an action 2 measure per country (``by_country``, which carries ``m49``).

    The TopoJSON (object "countries", feature ids zero-padded ISO numeric codes)
    is inlined so the page never fetches a URL; activity joins on ``m49``.
    """
    if measure not in ("activities", "participants_trained", "advisers_deployed"):
        raise ValueError("measure must be activities, participants_trained or advisers_deployed")
    fields = [
        "country_iso3",
        "country_name",
        "activities",
        "participants_trained",
        "advisers_deployed",
        "agencies",
    ]
    lookup = theme.chart_columns(by_country, ["m49", *fields])
    lookup = lookup.loc[lookup["m49"].notna()]
    # Named, not inline: theme.vega_spec() adds the topology to the finished spec (see theme.NAMED_TOPOJSON).
    geo = alt.NamedData(
        name=theme.topojson_name(topojson_path), format=alt.DataFormat(feature="countries", type="topojson")
    )
    top = lookup.sort_values(measure, ascending=False).head(5)
    summary = ", ".join(f"{r['country_name']} {i18n.fmt_number(int(r[measure]))}" for _i, r in top.iterrows())
    description = _(
        "World map shading {count} countries by {measure} in action 2; countries without activity are "
        "light grey. Highest: {summary}.",
        count=len(lookup),
        measure=theme.measure_title(measure).lower(),
        summary=summary or _("none"),
    )
    # The grey land is decoration (aria=False): the shaded layer carries the data and its labels.
    land = alt.Chart().mark_geoshape(fill=theme.MAP_EMPTY, stroke="white", strokeWidth=0.5, aria=False)
    shaded = (
        alt.Chart()
        .mark_geoshape(stroke="white", strokeWidth=0.5)
        .transform_lookup(
            lookup="id",
            from_=alt.LookupData(data=lookup, key="m49", fields=[c for c in fields if c in lookup.columns]),
        )
        .transform_filter(f"isValid(datum.{measure})")
        .encode(
            color=alt.Color(
                f"{measure}:Q",
                title=theme.measure_title(measure),
                # zero-based and starting a quarter into the scheme: one activity must not look
                # like the pale grey of "no activity"
                scale=alt.Scale(scheme=alt.SchemeParams(name="blues", extent=[0.25, 1]), zero=True),
            ),
            tooltip=[
                alt.Tooltip("country_name:N", title=_("Country")),
                alt.Tooltip("activities:Q", title=_("Activities")),
                alt.Tooltip("participants_trained:Q", title=_("People trained"), format=","),
                alt.Tooltip("advisers_deployed:Q", title=_("Advisers deployed")),
                alt.Tooltip("agencies:Q", title=_("Agencies")),
            ],
        )
    )
    return theme.layer(
        geo,
        land,
        shaded,
        title=title or _("Action 2: {measure} by country", measure=theme.measure_title(measure).lower()),
        description=description,
        width=720,
        height=380,
    ).project("equalEarth")
