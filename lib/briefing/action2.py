"""The pack's action 2 page."""

from __future__ import annotations

import pandas as pd

from lib.briefing.data import Context
from lib.briefing.fmt import fmt_count
from lib.briefing.pdf import PackPDF, Writer
from lib.briefing.summary import CHANGE_WIDTHS, changes_table
from lib.domains.action2 import charts as a2_charts
from lib.domains.action2 import headline as a2_headline
from lib.domains.action2 import metrics as a2_metrics
from lib.i18n import _
from lib.paths import DATA_DIR
from lib.rounds import round_key, upto_round


def action2_section(ctx: Context) -> Writer:
    """The action 2 page's figures and charts for the round (cancelled activities left out)."""
    data, rid = ctx.data, ctx.round_id
    acts = upto_round(data.acts, rid)
    by_agency = a2_metrics.by_agency_type(acts, rid)
    by_country = a2_metrics.by_country(acts, rid)
    c_agency = ctx.render(
        a2_charts.action2_agency_chart(by_agency, measure="activities").properties(width=480)
    )
    c_map = ctx.render(
        a2_charts.action2_world_map(by_country, DATA_DIR / "countries-110m.json", measure="activities")
    )
    adv = a2_metrics.advisers_over_time(acts)
    trained = a2_metrics.trained_over_time(acts)
    c_adv = ctx.render(
        a2_charts.advisers_over_time_chart(adv, measure="advisers_deployed").properties(height=200)
    )
    c_trained = ctx.render(
        a2_charts.advisers_over_time_chart(trained, measure="participants_trained").properties(height=200)
    )
    agency = by_agency.groupby("agency", sort=True)[
        ["activities", "participants_trained", "advisers_deployed"]
    ].sum()
    agency = agency.sort_values(["activities", "participants_trained"], ascending=False).reset_index()
    agency_shown = pd.DataFrame(
        {
            _("Agency"): agency["agency"],
            _("Activities"): agency["activities"].map(fmt_count),
            _("People trained"): agency["participants_trained"].map(fmt_count),
            _("Advisers deployed"): agency["advisers_deployed"].map(fmt_count),
        }
    )
    over_time = adv.merge(trained, on="round_id", how="outer")
    over_time = over_time.sort_values("round_id", key=lambda s: s.map(round_key)).reset_index(drop=True)
    over_time_shown = pd.DataFrame(
        {
            _("Round"): over_time["round_id"],
            _("Activities"): over_time["activities"].map(fmt_count),
            _("People trained"): over_time["participants_trained"].map(fmt_count),
            _("Advisers deployed"): over_time["advisers_deployed"].map(fmt_count),
            _("Countries with advisers"): over_time["countries"].map(fmt_count),
        }
    )

    def write(pdf: PackPDF) -> None:
        stale = ctx.ov.stale  # the overview is known by the time the pack is written
        pdf.opening(
            _("Action 2 activity"),
            _(
                "Partner agencies' work with UN country teams (paragraphs 107-109, 142-143) reported for "
                "{round}; cancelled activities are left out.",
                round=rid,
            ),
            size=9,
        )
        pdf.data_table(
            changes_table(ctx, ctx.ov.action2), CHANGE_WIDTHS, ("LEFT", "RIGHT", "RIGHT", "RIGHT"), size=8
        )
        if not stale.empty:
            pdf.note(a2_headline.stale_sentence(stale) + ".")
        pdf.chart(c_agency[0].result(), c_agency[1], max_height=80)
        pdf.data_table(agency_shown, [50, 35, 40, 40], ("LEFT", "RIGHT", "RIGHT", "RIGHT"), size=8)
        pdf.chart(c_map[0].result(), c_map[1], max_height=95, heading=_("Where: activities by country"))
        pdf.need(95)
        pdf.subheading(_("Over time"))
        pdf.chart_pair((c_adv[0].result(), c_adv[1]), (c_trained[0].result(), c_trained[1]), max_height=65)
        pdf.data_table(
            over_time_shown, [30, 30, 35, 35, 45], ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"), size=8
        )

    return write
