"""The briefing overview: headline figures per domain and what changed since the previous round.

Pure functions over the loaders' frames. The briefing page and the briefing pack
both call :func:`round_overview`, so their numbers are the same by construction.

MDG status "as of" a round: a round's data cut-off falls early in a year, when the
latest published MDG values are at best those of the year before. A round's MDG
ratings therefore use observations up to ``cutoff year - 1``; "moved" compares the
rating of the same series (indicator, series, country, sex, location, source)
with the previous round's.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field, fields

import pandas as pd

from lib import queries
from lib.domains.action2 import metrics as a2_metrics
from lib.domains.action_points import metrics as ap_metrics
from lib.domains.mdg import rating as mdg_rating
from lib.domains.workload import metrics as wl_metrics
from lib.domains.workload import views as wl_views
from lib.i18n import N_
from lib.rounds import previous_round
from lib.storage import frame_from_bytes, frame_to_bytes


@dataclass
class Change:
    """A figure now and in the previous round.

    ``label`` is English, marked for the catalogue: pages and the pack show ``_(label)``.
    """

    label: str
    now: float
    before: float | None

    @property
    def delta(self) -> float | None:
        return None if self.before is None else self.now - self.before


@dataclass
class Overview:
    """Everything the briefing overview shows for one round."""

    round_id: str
    previous_round_id: str | None
    cutoff: pd.Timestamp
    action_points: list[Change] = field(default_factory=list)
    moves: dict[str, int] = field(default_factory=dict)
    newly_at_risk: pd.DataFrame = field(default_factory=pd.DataFrame)
    newly_overdue: pd.DataFrame = field(default_factory=pd.DataFrame)
    mdg: list[Change] = field(default_factory=list)
    mdg_moved: pd.DataFrame = field(default_factory=pd.DataFrame)
    mdg_year: int | None = None
    workload: list[Change] = field(default_factory=list)
    action2: list[Change] = field(default_factory=list)
    stale: pd.DataFrame = field(default_factory=pd.DataFrame)


def mdg_data_year(cutoff: pd.Timestamp) -> int:
    """The latest data year a round can rely on (see the module docstring)."""
    return int(pd.Timestamp(cutoff).year) - 1


def mdg_years(rounds: pd.DataFrame, round_id: str) -> list[int]:
    """The data years the overview of ``round_id`` rates: its own and the previous round's."""
    r = rounds.set_index("id")
    prev = previous_round(rounds["id"], round_id)
    ids = [round_id] + ([prev] if prev else [])
    return [mdg_data_year(pd.Timestamp(r.at[i, "cutoff_date"])) for i in ids]


def mdg_rating_moves(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Series whose rating differs between two :func:`mdg_rating.progress_rating` results.

    Columns: the series keys, rating_before, rating, arrow, direction (better / worse).
    Series without a rating at either time are left out.
    """
    keys = mdg_rating.SERIES_KEYS
    unrated = [mdg_rating.RATING_INSUFFICIENT, mdg_rating.RATING_NOT_RATED]
    both = now.loc[~now["rating"].isin(unrated)].merge(
        before[[*keys, "rating", "rating_order"]].rename(
            columns={"rating": "rating_before", "rating_order": "order_before"}
        ),
        on=keys,
        how="inner",
    )
    both = both.loc[~both["rating_before"].isin(unrated)]
    moved = both.loc[both["rating"] != both["rating_before"]].copy()
    moved["direction"] = (moved["rating_order"] < moved["order_before"]).map({True: "better", False: "worse"})
    return moved[[*keys, "rating_before", "rating", "arrow", "direction"]].reset_index(drop=True)


PROGRESSING = (mdg_rating.RATING_ON_TRACK, mdg_rating.RATING_SUBSTANTIAL, mdg_rating.RATING_MODERATE)
DETERIORATING = (
    mdg_rating.RATING_MOVING_AWAY,
    mdg_rating.RATING_SUBSTANTIAL_DETERIORATION,
    mdg_rating.RATING_MODERATE_DETERIORATION,
)


def _period_sum(df: pd.DataFrame, round_id: str | None, col: str | None = None) -> float | None:
    if round_id is None:
        return None
    rows = df.loc[df["round_id"] == round_id]
    return float(len(rows) if col is None else rows[col].sum())


def round_overview(
    rounds: pd.DataFrame,
    round_id: str,
    reports: pd.DataFrame,
    obs: pd.DataFrame,
    indicators: pd.DataFrame,
    items: pd.DataFrame,
    acts: pd.DataFrame,
    agencies: list[str] | None = None,
) -> Overview:
    """Headline figures and changes since the previous round, across the four domains."""
    r = rounds.set_index("id")
    prev = previous_round(rounds["id"], round_id)
    cutoff = pd.Timestamp(r.at[round_id, "cutoff_date"])
    prev_cutoff = pd.Timestamp(r.at[prev, "cutoff_date"]) if prev else None
    ov = Overview(round_id, prev, cutoff)

    # Action points
    now_rows = reports.loc[reports["round_id"] == round_id]
    prev_rows = reports.loc[reports["round_id"] == prev] if prev else now_rows.iloc[0:0]
    ov.moves = ap_metrics.move_summary(ap_metrics.status_moves(reports, round_id, prev))
    od_now = ap_metrics.overdue(reports, round_id, cutoff)
    od_before = ap_metrics.overdue(reports, prev, prev_cutoff) if prev else od_now.iloc[0:0]
    was_overdue = set(od_before.loc[od_before["overdue"], "action_point_id"]) if prev else set()
    ov.newly_overdue = od_now.loc[od_now["overdue"] & ~od_now["action_point_id"].isin(was_overdue)]
    ov.newly_at_risk = ap_metrics.newly_at_risk(reports, round_id, prev)

    def count(rows: pd.DataFrame, mask_fn) -> float:
        return float(mask_fn(rows).sum())

    has_prev = prev is not None
    ov.action_points = [
        Change(
            N_("Completed"),
            count(now_rows, lambda d: d["status"] == "completed"),
            count(prev_rows, lambda d: d["status"] == "completed") if has_prev else None,
        ),
        Change(
            N_("Substantial progress"),
            count(now_rows, lambda d: d["status"] == "substantial"),
            count(prev_rows, lambda d: d["status"] == "substantial") if has_prev else None,
        ),
        Change(
            N_("At risk or off track"),
            count(now_rows, lambda d: d["assessment"].isin(ap_metrics.AT_RISK_ASSESSMENTS)),
            count(prev_rows, lambda d: d["assessment"].isin(ap_metrics.AT_RISK_ASSESSMENTS))
            if has_prev
            else None,
        ),
        Change(
            N_("Overdue"),
            float(od_now["overdue"].sum()),
            float(od_before["overdue"].sum()) if has_prev else None,
        ),
    ]

    # MDG
    ov.mdg_year = mdg_data_year(cutoff)
    if not obs.empty:
        now = mdg_rating.progress_rating(obs.loc[obs["year"] <= ov.mdg_year], indicators)
        before = None
        if prev_cutoff is not None:
            before = mdg_rating.progress_rating(
                obs.loc[obs["year"] <= mdg_data_year(prev_cutoff)], indicators
            )
            ov.mdg_moved = mdg_rating_moves(now, before)

        def tally(ratings: pd.DataFrame | None, which: tuple[str, ...]) -> float | None:
            return None if ratings is None else float(ratings["rating"].isin(which).sum())

        ov.mdg = [
            Change(N_("Series progressing"), tally(now, PROGRESSING), tally(before, PROGRESSING)),
            Change(
                N_("Series deteriorating or moving away"),
                tally(now, DETERIORATING),
                tally(before, DETERIORATING),
            ),
        ]

    # New York workload: as known at each round's cut-off, as on the workload page.
    def received(as_of: pd.Timestamp | None, rid: str | None, col: str | None = None) -> float | None:
        if as_of is None or rid is None:
            return None
        rows = wl_views.items_in_round(items.loc[items["received_on"] <= as_of], rounds, rid)
        return float(len(rows) if col is None else rows[col].sum())

    bl_before = float(len(wl_metrics.backlog(items, prev_cutoff))) if prev_cutoff is not None else None
    ov.workload = [
        Change(N_("Requests received"), received(cutoff, round_id), received(prev_cutoff, prev)),
        Change(N_("Hours"), received(cutoff, round_id, "hours"), received(prev_cutoff, prev, "hours")),
        Change(N_("Open backlog at cut-off"), float(len(wl_metrics.backlog(items, cutoff))), bl_before),
    ]

    # Action 2
    live = acts.loc[acts["status"] != "cancelled"]
    ov.action2 = [
        Change(N_("Activities"), _period_sum(live, round_id), _period_sum(live, prev)),
        Change(
            N_("People trained"),
            _period_sum(live, round_id, "participants_trained"),
            _period_sum(live, prev, "participants_trained"),
        ),
        Change(
            N_("Advisers deployed"),
            _period_sum(live, round_id, "advisers_deployed"),
            _period_sum(live, prev, "advisers_deployed"),
        ),
    ]
    ov.stale = a2_metrics.stale_agencies(acts, rounds, round_id, agencies)
    return ov


def compute(engine, round_id: str) -> Overview:
    """The overview of ``round_id`` read from the database (only the rows the ratings use,
    aggregated in SQL: never the whole observation table)."""
    rounds = queries.rounds(engine)
    return round_overview(
        rounds,
        round_id,
        queries.progress_reports(engine),
        queries.rating_observations(engine, mdg_years(rounds, round_id)),
        queries.indicators(engine),
        queries.work_items(engine),
        queries.activities(engine),
        list(queries.agencies(engine)["code"]),
    )


def changes_frame(changes: list[Change]) -> pd.DataFrame:
    """A table of figures: now, previous round, change."""
    return pd.DataFrame(
        [
            {"figure": c.label, "this round": c.now, "previous round": c.before, "change": c.delta}
            for c in changes
        ]
    )


# --- Stored form (lib.derived keeps overviews in the database for every app server) ----------


def encode(ov: Overview) -> bytes:
    """An overview as bytes: a zip of a JSON document and one Parquet file per table.

    JSON and Parquet rather than pickle: reading a stored result never runs code.
    """
    doc: dict[str, object] = {}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as z:
        for f in fields(Overview):
            value = getattr(ov, f.name)
            if isinstance(value, pd.DataFrame):
                z.writestr(f"{f.name}.parquet", frame_to_bytes(value))
                doc[f.name] = {"frame": f"{f.name}.parquet"}
            elif isinstance(value, pd.Timestamp):
                doc[f.name] = {"timestamp": value.isoformat()}
            elif isinstance(value, list):
                doc[f.name] = {"changes": [[c.label, c.now, c.before] for c in value]}
            else:
                doc[f.name] = {"value": value}
        z.writestr("overview.json", json.dumps(doc))
    return buf.getvalue()


def decode(raw: bytes) -> Overview:
    """The overview :func:`encode` stored."""
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        doc = json.loads(z.read("overview.json"))
        values: dict[str, object] = {}
        for name, item in doc.items():
            if "frame" in item:
                values[name] = frame_from_bytes(z.read(item["frame"]))
            elif "timestamp" in item:
                values[name] = pd.Timestamp(item["timestamp"])
            elif "changes" in item:
                values[name] = [Change(label, now, before) for label, now, before in item["changes"]]
            else:
                values[name] = item["value"]
    return Overview(**values)
