"""Reference catalogues: countries (pycountry), and the shipped catalogues in data/.

These are not uploads: they are the vocabularies uploads are checked against,
loaded once by ``init`` (and on a first start) from files the project ships.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pycountry
from sqlalchemy import Connection, select

from lib.datasets import OHCHR_UNITS, REF_ADDRESSEE, REF_RECOMMENDATION
from lib.models import (
    ActionPoint,
    Agency,
    ConsultationRound,
    Country,
    MdgIndicator,
    MdgSeries,
    Recommendation,
)
from lib.paths import DATA_DIR

# UN M49 codes of entities that no longer exist, with the retired ISO 3166 alpha-3
# codes the UN still uses for their historical data. 736 "Sudan (former)" and 830
# "Channel Islands" have no ISO3 at all and are reported as skipped on import.
RETIRED_M49 = {891: "SCG", 890: "YUG", 530: "ANT", 200: "CSK", 810: "SUN", 278: "DDR"}
NO_ISO3_M49 = {736: "Sudan (former)", 830: "Channel Islands"}


@cache
def m49_to_iso3() -> dict[int, str]:
    """Every M49 country code mapped to ISO3, current and retired."""
    mapping = {int(c.numeric): c.alpha_3 for c in pycountry.countries}
    mapping.update(RETIRED_M49)
    return mapping


def countries_frame() -> pd.DataFrame:
    """The country table's rows: pycountry's current countries plus the retired codes."""
    rows = [
        {
            "iso3": c.alpha_3,
            "m49": int(c.numeric),
            "name": getattr(c, "common_name", None) or c.name,
            "retired": False,
        }
        for c in pycountry.countries
    ]
    historic = {c.alpha_3: c.name for c in pycountry.historic_countries}
    for m49, iso3 in RETIRED_M49.items():
        rows.append({"iso3": iso3, "m49": m49, "name": historic.get(iso3, iso3), "retired": True})
    return pd.DataFrame(rows).drop_duplicates("iso3")


def pycountry_record(iso3: object, *, retired: bool = True) -> Any:
    """The pycountry record of an alpha-3 code (retired codes such as SCG too, unless asked not); None when unknown.

    The one country lookup of the app: M49 codes, English names and CLDR names all start here.
    """
    if not isinstance(iso3, str):
        return None
    code = iso3.upper()
    record = pycountry.countries.get(alpha_3=code)
    if record is None and retired:
        record = pycountry.historic_countries.get(alpha_3=code)
    return record


def m49_code(iso3: str) -> str | None:
    """ISO 3166-1 numeric (M49) code, zero-padded ("004"), of an alpha-3 code; None when unknown."""
    numeric = getattr(pycountry_record(iso3), "numeric", None)
    return str(numeric).zfill(3) if numeric else None


def country_name(iso3: str) -> str:
    """pycountry's English name of an alpha-3 code, the code itself when unknown."""
    record = pycountry_record(iso3)
    return record.name if record is not None else iso3


def _records(df: pd.DataFrame) -> list[dict]:
    # NaN -> None so that optional columns arrive as SQL NULL.
    return df.astype(object).where(df.notna(), None).to_dict("records")


def load_catalogues(conn: Connection, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Insert the shipped catalogues that are still missing; returns rows added per table.

    Idempotent: rows already present (by primary key) are left as they are.
    """
    added: dict[str, int] = {}
    sources = [
        (Country, "iso3", countries_frame()),
        (Agency, "code", pd.read_csv(data_dir / "agencies.csv", dtype=str, keep_default_na=False)),
        (ActionPoint, "id", pd.read_csv(data_dir / "action_points.csv", dtype={"id": str})),
        (
            MdgIndicator,
            "code",
            pd.read_csv(data_dir / "mdg_indicators.csv", dtype={"code": str, "target": str}),
        ),
        (MdgSeries, "code", pd.read_csv(data_dir / "mdg_series.csv", dtype=str)),
    ]
    for model, key, df in sources:
        table = model.__table__
        have = set(conn.execute(select(table.c[key])).scalars())
        cols = [c.name for c in table.columns]
        new = df[~df[key].isin(have)][[c for c in df.columns if c in cols]]
        if len(new):
            conn.execute(table.insert(), _records(new))
        added[table.name] = len(new)
    return added


def load_refs(conn: Connection) -> dict[str, set[str]]:
    """The code sets uploads are validated against, read from the database."""
    agencies = set(conn.execute(select(Agency.code)).scalars())
    return {
        "round": set(conn.execute(select(ConsultationRound.id)).scalars()),
        "action_point": set(conn.execute(select(ActionPoint.id)).scalars()),
        "country": set(conn.execute(select(Country.iso3)).scalars()),
        "agency": agencies,
        "indicator": set(conn.execute(select(MdgIndicator.code)).scalars()),
        # A recommendation is addressed to partner agencies and/or OHCHR's own units.
        REF_ADDRESSEE: agencies | set(OHCHR_UNITS),
        REF_RECOMMENDATION: set(conn.execute(select(Recommendation.id)).scalars()),
    }


def load_series(conn: Connection) -> pd.DataFrame:
    """The series catalogue (code, indicator_code, name, unit)."""
    return pd.DataFrame(
        conn.execute(select(MdgSeries.code, MdgSeries.indicator_code, MdgSeries.name, MdgSeries.unit)).all(),
        columns=["code", "indicator_code", "name", "unit"],
    )


# --- Sources: a short name and a citation for each stored source label ------------------------

SOURCES_FILE = DATA_DIR / "mdg_sources.csv"
_REPOSITORY = re.compile(r"\s*(\[[^\]]*\]|@[0-9a-f]{6,40}\b)")


@cache
def _source_catalogue() -> dict[str, tuple[str, str]]:
    """The shipped catalogue of source labels: label -> (display name, citation)."""
    if not SOURCES_FILE.is_file():
        return {}
    rows = pd.read_csv(SOURCES_FILE, dtype=str, keep_default_na=False)
    return {r.source: (r.display_name, r.citation) for r in rows.itertuples()}


def source_name(source: object) -> str:
    """The short name a reader sees for a stored source label ("UN IGME, 2017").

    A label the catalogue does not know (an upload's own) is shown without what only the
    repository needs: bracketed repository names and commit hashes.
    """
    label = "" if source is None else str(source)
    known = _source_catalogue().get(label)
    if known:
        return known[0]
    return _REPOSITORY.sub("", label).strip() or label


def source_citation(source: object) -> str:
    """How the publisher asks to be cited ("UN Inter-agency Group ..., 2017 estimates")."""
    known = _source_catalogue().get("" if source is None else str(source))
    return known[1] if known else source_name(source)
