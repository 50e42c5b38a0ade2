"""The briefing overview: headline figures per domain and what changed since the previous round.

Pure functions over the loaders' frames. The briefing page and the briefing pack
both call :func:`round_overview`, so their numbers are the same by construction.

Each domain computes its own headline (lib/domains/<domain>/headline.py; the MDG data year
rule is there too); this module gathers them, and keeps the result's stored form for
lib.derived.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field, fields

import pandas as pd

from lib import queries, rating_reads
from lib.domains.action2 import headline as a2_headline
from lib.domains.action_points import headline as ap_headline
from lib.domains.mdg import headline as mdg_headline
from lib.domains.recommendations import headline as rec_headline
from lib.domains.workload import headline as wl_headline
from lib.headline import Change
from lib.rounds import window
from lib.storage import frame_from_bytes, frame_to_bytes


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
    moved: pd.DataFrame = field(default_factory=pd.DataFrame)  # points that improved or declined
    overdue: pd.DataFrame = field(default_factory=pd.DataFrame)  # longest overdue first
    off_track_twice: pd.DataFrame = field(default_factory=pd.DataFrame)
    mdg: list[Change] = field(default_factory=list)
    mdg_moved: pd.DataFrame = field(default_factory=pd.DataFrame)
    mdg_year: int | None = None
    mdg_previous_year: int | None = None  # the previous round's data year (the same in H1 and H2)
    workload: list[Change] = field(default_factory=list)
    action2: list[Change] = field(default_factory=list)
    stale: pd.DataFrame = field(default_factory=pd.DataFrame)
    recommendations: list[Change] = field(default_factory=list)
    recommendation_moves: dict[str, int] = field(default_factory=dict)
    recommendations_last: pd.DataFrame = field(default_factory=pd.DataFrame)  # made in the previous round
    recommendations_overdue: pd.DataFrame = field(default_factory=pd.DataFrame)


def round_overview(
    rounds: pd.DataFrame,
    round_id: str,
    reports: pd.DataFrame,
    obs: pd.DataFrame,
    indicators: pd.DataFrame,
    items: pd.DataFrame,
    acts: pd.DataFrame,
    agencies: list[str] | None = None,
    recs: pd.DataFrame | None = None,
    rec_statuses: pd.DataFrame | None = None,
    ratings: rating_reads.StoredRatings | None = None,
) -> Overview:
    """Headline figures and changes since the previous round, across the domains: each
    domain's own headline (lib/domains/*/headline.py), gathered. The recommendations' part is
    left empty when ``recs`` is not given. ``ratings``: the MDG ratings when kept at write time
    (rating_reads.stored_ratings), else they are computed from ``obs``."""
    win = window(rounds, round_id)
    ap = ap_headline.headline(reports, win)
    mdg = mdg_headline.headline(obs, indicators, win, ratings)
    wl = wl_headline.headline(items, rounds, win)
    a2 = a2_headline.headline(acts, rounds, win, agencies)
    rec = rec_headline.headline(recs, rec_statuses, rounds, win) if recs is not None else None
    return Overview(
        round_id,
        win.previous,
        win.cutoff,
        action_points=ap.changes,
        moves=ap.moves,
        newly_at_risk=ap.newly_at_risk,
        newly_overdue=ap.newly_overdue,
        moved=ap.moved,
        overdue=ap.overdue,
        off_track_twice=ap.off_track_twice,
        mdg=mdg.changes,
        mdg_moved=mdg.moved,
        mdg_year=mdg.year,
        mdg_previous_year=mdg_headline.data_year(win.previous_cutoff)
        if win.previous_cutoff is not None
        else None,
        workload=wl.changes,
        action2=a2.changes,
        stale=a2.stale,
        recommendations=rec.changes if rec else [],
        recommendation_moves=rec.moves if rec else {},
        recommendations_last=rec.last if rec else pd.DataFrame(),
        recommendations_overdue=rec.overdue if rec else pd.DataFrame(),
    )


def compute(engine, round_id: str) -> Overview:
    """The overview of ``round_id`` read from the database: the MDG ratings as kept at write
    time for the latest rounds' data years, else rated from only the rows the ratings use
    (aggregated in SQL: never the whole observation table)."""
    rounds = queries.rounds(engine)
    win = window(rounds, round_id)
    years = mdg_headline.data_years(win)
    ratings = rating_reads.stored_ratings(engine, years[0], years[1] if len(years) > 1 else None)
    return round_overview(
        rounds,
        round_id,
        queries.progress_reports(engine),
        rating_reads.rating_observations(engine, years) if ratings is None else pd.DataFrame(),
        queries.indicators(engine),
        queries.work_items(engine),
        queries.activities(engine),
        list(queries.agencies(engine)["code"]),
        queries.recommendations(engine),
        queries.recommendation_statuses(engine),
        ratings,
    )


def changes_frame(changes: list[Change]) -> pd.DataFrame:
    """A table of figures: now, previous round, change (whole numbers as integers)."""
    frame = pd.DataFrame(
        [
            {"figure": c.label, "this round": c.now, "previous round": c.before, "change": c.delta}
            for c in changes
        ],
        columns=["figure", "this round", "previous round", "change"],
    )
    figures = ["this round", "previous round", "change"]
    values = frame[figures].astype(float)
    whole = bool(((values.fillna(0) % 1) == 0).all().all())
    return frame.astype(dict.fromkeys(figures, "Int64")) if whole else frame  # counts: 10, not 10.0


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
