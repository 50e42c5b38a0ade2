"""Build the real seed data in ``data/`` from the shared material in ``../shared``.

Run from the repository root::

    python scripts/build_seed.py [--shared ../shared] [--out data]

It writes the action points (parsed word for word from the 2005 Plan of Action),
the MDG framework, series and observations, the partner agencies, a copy of the
world map, and ``data/SOURCES.md``. The app reads only ``data/`` at run time, so
nothing here is needed once the files are built; re-run it when ../shared changes.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, sys.path[0] is scripts/; lib/ lives at the repository root.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lib.datasets import CLUSTERS, MDG  # noqa: E402

PLAN_FILE = Path("seed") / "000_b881052f9eda7b23.txt"
MDG_DIR = Path("data") / "mdg"
GEO_DIR = Path("data") / "geo"

# Paragraph ranges of the clusters (section V). The titles are parsed from the
# text and checked against lib.datasets.CLUSTERS, so a drift in either shows up.
CLUSTER_RANGES = {"A": (127, 133), "B": (134, 141), "C": (142, 144), "D": (145, 150), "E": (151, 158)}
BULLET = "\u2022"

AGENCIES = (
    ("UNDP", "United Nations Development Programme"),
    ("UNICEF", "United Nations Children's Fund"),
    ("UNFPA", "United Nations Population Fund"),
    ("UNHCR", "Office of the United Nations High Commissioner for Refugees"),
    ("UNESCO", "United Nations Educational, Scientific and Cultural Organization"),
    ("ILO", "International Labour Organization"),
    ("WHO", "World Health Organization"),
    ("UN-HABITAT", "United Nations Human Settlements Programme"),
    ("UNIFEM", "United Nations Development Fund for Women"),
    ("WFP", "World Food Programme"),
    ("FAO", "Food and Agriculture Organization of the United Nations"),
    ("UNAIDS", "Joint United Nations Programme on HIV/AIDS"),
    ("DPKO", "Department of Peacekeeping Operations"),
    ("DPA", "Department of Political Affairs"),
    ("UNODC", "United Nations Office on Drugs and Crime"),
    ("UNDG", "United Nations Development Group"),
    ("OHCHR", "Office of the United Nations High Commissioner for Human Rights"),
)

# --- Indicator typing (OHCHR structural / process / outcome framework) ----------
#
# OHCHR's framework (HRI/MC/2008/3): *structural* indicators capture legal and
# institutional commitments, *process* indicators the efforts and services that
# put them into practice (coverage, enrolment, aid), *outcome* indicators the
# enjoyment of the right (mortality, poverty, prevalence, literacy). Rules are
# tried in order, first match wins, on the lower-cased indicator text; every
# indicator must match one rule (checked), so a new indicator cannot slip through.
# fmt: off
TYPE_RULES: tuple[tuple[str, str, str], ...] = (
    # (regex, type, why)
    (r"hipc|debt relief committed", "structural", "decisions/commitments under the debt initiatives"),
    (r"\boda\b|development assistance", "process", "aid effort"),
    (r"tariffs|free of duty|agricultural support", "process", "trade policy effort"),
    (r"enrolment|attendance|ratios of girls to boys", "process", "access to schooling (enrolment-based)"),
    (r"attended|immunised|antenatal|contraceptive|unmet need", "process", "coverage of health services"),
    (r"antiretroviral|bednets|treated|detected and cured|essential drugs", "process", "coverage of treatment"),
    (r"condom use|knowledge of hiv", "process", "prevention effort and awareness"),
    (r"using an improved", "process", "coverage of water and sanitation services"),
    (r"areas protected", "process", "conservation measures taken"),
    (r"mortality|birth rate|prevalence|incidence", "outcome", "health status"),
    (r"below \$1|poverty|poorest quintile|underweight|dietary energy", "outcome", "poverty and hunger"),
    (r"gdp per person|employment|employed|own-account", "outcome", "labour market outcome"),
    (r"reach last grade|literacy", "outcome", "educational attainment"),
    (r"seats held by women|share of women", "outcome", "participation of women"),
    (r"forest|co2|ozone|fish stocks|water resources|species|slums", "outcome", "state of the environment/housing"),
    (r"debt service", "outcome", "debt burden"),
    (r"subscriptions|internet users", "outcome", "use of technology"),
)

# Desired direction of change (for the progress rating); same first-match rule.
# "none" where the target is a parity level (1.00) rather than a direction, or
# where the direction is ambiguous (GDP growth per person employed).
DIRECTION_RULES: tuple[tuple[str, str], ...] = (
    (r"ratios? of (girls to boys|school attendance)|growth rate of gdp", "none"),
    (r"mortality|birth rate|hiv prevalence|incidence|unmet need", "decrease"),
    (r"below \$1|poverty gap|underweight|dietary energy|own-account", "decrease"),
    (r"co2|ozone|water resources used|threatened|slums|debt service|tariffs|agricultural support", "decrease"),
    (r"poorest quintile|employment-to-population|enrolment|last grade|literacy|share of women|seats", "increase"),
    (r"immunised|attended|contraceptive|antenatal|condom|knowledge|antiretroviral|bednets|treated", "increase"),
    (r"detected and cured|forest|fish stocks|protected|using an improved|\boda\b|development assistance",
     "increase"),
    (r"free of duty|hipc|debt relief|essential drugs|subscriptions|internet", "increase"),
)
# fmt: on

# Quantified 1990-2015 targets that are a fraction of the indicator's own 1990
# level. "halve the 1990 share without access" (7.8, 7.9) halves the complement
# of the indicator (1 - x), not x, so it has no such ratio and stays empty;
# "reach 100", "parity" and "halt and reverse" are levels or trends, not ratios.
TARGET_RATIOS = {
    "halve the 1990 level": "0.5",
    "reduce by two thirds from the 1990 level": "0.3333",
    "reduce by three quarters from the 1990 level": "0.25",
}
NON_RATIO_TARGETS = {
    "",
    "halve the 1990 share without access",
    "reach 100",
    "reach 100 by 2010",
    "reach parity (1.00)",
    "halt and reverse",
}


def normalise(text: str) -> str:
    """Collapse every run of whitespace to one space (the only change allowed to the plan's text)."""
    return " ".join(text.split())


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    """Write rows as UTF-8 CSV with \\n line ends, so the files are byte-stable across platforms."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# --- Action points --------------------------------------------------------------


def parse_action_points(plan_text: str) -> list[dict[str, str]]:
    """Parse section V of the plan into the 36 action points, text word for word."""
    lines = [line.strip() for line in plan_text.splitlines()]
    # The table of contents carries the same "V." / "Action points" heading; the
    # section itself is the last occurrence.
    starts = [i for i, line in enumerate(lines[:-1]) if line == "V." and lines[i + 1] == "Action points"]
    if not starts:
        raise ValueError("section V 'Action points' not found in the plan")
    start = starts[-1]
    # Section V runs to the end of the text (or to a section VI, should a version carry one).
    end = next((i for i in range(start + 1, len(lines)) if lines[i] == "VI."), len(lines))

    # Walk the section: "A." + title starts a cluster, "127." starts a paragraph,
    # "•" starts a bullet of the current paragraph; other non-empty lines are content.
    clusters: dict[str, str] = {}
    paragraphs: dict[int, dict] = {}
    cluster = None
    para = None
    i = start + 2
    while i < end:
        line = lines[i]
        if not line:
            i += 1
            continue
        if re.fullmatch(r"[A-E]\.", line):
            cluster = line[0]
            j = i + 1
            while not lines[j]:
                j += 1
            clusters[cluster] = normalise(lines[j])
            para = None
            i = j + 1
            continue
        m = re.fullmatch(r"(\d{3})\.", line)
        if m:
            if cluster is None:
                raise ValueError(f"paragraph {m.group(1)} before any cluster heading")
            para = {"number": int(m.group(1)), "cluster": cluster, "lead": [], "bullets": []}
            paragraphs[para["number"]] = para
        elif para is None:
            raise ValueError(f"unexpected text in section V outside a paragraph: {line[:60]!r}")
        elif line.startswith(BULLET):
            para["bullets"].append([line[1:]] if line[1:].strip() else [])
        elif para["bullets"]:
            para["bullets"][-1].append(line)
        else:
            para["lead"].append(line)
        i += 1

    if sorted(paragraphs) != list(range(127, 159)):
        raise ValueError(f"expected paragraphs 127-158, found {sorted(paragraphs)}")
    for code, title in CLUSTERS.items():
        if clusters.get(code) != title:
            raise ValueError(f"cluster {code}: heading {clusters.get(code)!r} differs from {title!r}")
    for code, (lo, hi) in CLUSTER_RANGES.items():
        for n in range(lo, hi + 1):
            if paragraphs[n]["cluster"] != code:
                raise ValueError(
                    f"paragraph {n} is under heading {paragraphs[n]['cluster']}, expected {code}"
                )

    rows: list[dict[str, str]] = []

    def add(ap_id: str, number: int, text: str) -> None:
        if not text:
            raise ValueError(f"action point {ap_id} has no text")
        code = paragraphs[number]["cluster"]
        rows.append(
            {
                "id": ap_id,
                "paragraph": str(number),
                "cluster": code,
                "cluster_title": clusters[code],
                "text": text,
                "sort_order": str(len(rows) + 1),
            }
        )

    p127 = paragraphs[127]
    if len(p127["bullets"]) != 5:
        raise ValueError(f"paragraph 127 should have 5 bullets, found {len(p127['bullets'])}")
    # The lead-in sentence of 127 ("... In particular:") belongs to none of the bullets.
    for letter, bullet in zip("abcde", p127["bullets"], strict=True):
        add(f"127{letter}", 127, normalise(" ".join(bullet)))
    for n in range(128, 159):
        para = paragraphs[n]
        if para["bullets"]:
            raise ValueError(f"paragraph {n} unexpectedly has bullets")
        add(str(n), n, normalise(" ".join(para["lead"])))
    return rows


# --- MDG framework, series, observations ----------------------------------------


def classify(text: str, rules: tuple[tuple[str, ...], ...], what: str) -> str:
    """The value of the first rule whose pattern matches ``text`` (lower-cased)."""
    low = text.lower()
    for rule in rules:
        if re.search(rule[0], low):
            return rule[1]
    raise ValueError(f"no {what} rule matches indicator {text!r}")


def build_indicators(framework: pd.DataFrame) -> list[dict[str, str]]:
    """The 60 indicators with their OHCHR type, 2015 target ratio and desired direction."""
    rows = []
    for r in framework.itertuples(index=False):
        quantified = r.quantified_target_1990_2015.strip()
        if quantified not in TARGET_RATIOS and quantified not in NON_RATIO_TARGETS:
            raise ValueError(f"indicator {r.indicator_code}: unknown quantified target {quantified!r}")
        rows.append(
            {
                "code": r.indicator_code,
                "goal": r.goal,
                "goal_title": r.goal_title,
                "target": r.target,
                "target_text": r.target_text,
                "text": r.indicator_text,
                "quantified_target": quantified,
                "rights_provisions": r.rights_provisions,
                "indicator_type": classify(r.indicator_text, TYPE_RULES, "type"),
                "target_ratio_2015": TARGET_RATIOS.get(quantified, ""),
                "desired_direction": classify(r.indicator_text, DIRECTION_RULES, "direction"),
            }
        )
    return rows


def indicator_sort_key(code: str) -> tuple[int, ...]:
    """Sort "8.10" after "8.9"."""
    return tuple(int(part) for part in code.split("."))


def build_series(
    long: pd.DataFrame, supplement: pd.DataFrame, un_series: pd.DataFrame
) -> list[dict[str, str]]:
    """One row per series code: UN numeric codes named from un-series.csv, labels from the data."""
    frames = []
    for df in (long, supplement):
        g = df.groupby("series_code", sort=False).agg(
            indicator_code=("indicator_code", "first"),
            name=("indicator_name", "first"),
            unit=("unit", "first"),
            n_ind=("indicator_code", "nunique"),
            n_unit=("unit", "nunique"),
            locations=("location", lambda s: ",".join(sorted(set(s)))),
        )
        bad = g[(g.n_ind > 1) | (g.n_unit > 1)]
        if len(bad):
            raise ValueError(f"series with several indicators or units: {list(bad.index)}")
        frames.append(g)
    overlap = set(frames[0].index) & set(frames[1].index)
    if overlap:
        # The two files must stay apart (SOURCES.md, anomaly 9); a shared code would merge them.
        raise ValueError(f"series codes in both the MDG and the supplement files: {sorted(overlap)}")
    series = pd.concat(frames)

    # The successor (WDI) series of 7.8/7.9 carry one name for their total, urban
    # and rural variants; add the location so that the three can be told apart.
    dup_names = series["name"].duplicated(keep=False)
    for code in series.index[dup_names]:
        loc = series.at[code, "locations"]
        if loc in ("Urban", "Rural"):
            series.at[code, "name"] = f"{series.at[code, 'name']}, {loc.lower()}"
    if series["name"].duplicated().any():
        raise ValueError(
            f"series names still ambiguous: {series[series['name'].duplicated()].index.tolist()}"
        )

    # Not iterrows(): a row Series' .name is its index (the code), which shadows the column.
    rows = {
        code: {"code": code, "indicator_code": ind, "name": name, "unit": unit}
        for code, ind, name, unit in zip(
            series.index, series["indicator_code"], series["name"], series["unit"], strict=True
        )
    }
    for r in un_series.itertuples(index=False):
        known = rows.get(r.series_code)
        if known and known["indicator_code"] != r.indicator_code:
            raise ValueError(
                f"series {r.series_code}: indicator {r.indicator_code} vs {known['indicator_code']}"
            )
        rows[r.series_code] = {
            "code": r.series_code,
            "indicator_code": r.indicator_code,
            "name": r.series_name,
            "unit": known["unit"] if known else "",
        }
    return sorted(rows.values(), key=lambda r: (indicator_sort_key(r["indicator_code"]), r["code"]))


def build_observations(df: pd.DataFrame, flags: pd.DataFrame | None, label: str) -> pd.DataFrame:
    """The tidy file in the MDG dataset's template layout, flags joined in, blank-ISO rows dropped."""
    blank = df["country_iso3"].str.strip() == ""
    dropped = df[blank]
    if len(dropped):
        names = ", ".join(f"{k} ({v})" for k, v in dropped["country_name"].value_counts().items())
        print(f"{label}: dropped {len(dropped)} rows with no ISO3: {names}")
    out = df[~blank].copy()
    out["sex"] = out["sex"].str.lower()
    out["location"] = out["location"].str.lower()
    if flags is not None:
        flag_cols = flags[["series_code", "country_iso3", "year", "nature", "footnotes"]]
        flag_cols = flag_cols[flag_cols["country_iso3"].str.strip() != ""]
        if flag_cols.duplicated(["series_code", "country_iso3", "year"]).any():
            raise ValueError("mdg_flags.csv has several flags for one value")
        n = len(out)
        out = out.merge(flag_cols, on=["series_code", "country_iso3", "year"], how="left", validate="m:1")
        assert len(out) == n
        out["nature"] = out["nature"].fillna("")
        out["footnote"] = out["footnotes"].fillna("")
        print(f"{label}: nature joined on {int((out['nature'] != '').sum())} rows")
    else:
        out["nature"] = ""
        out["footnote"] = ""
    out = out[MDG.column_names]
    check_unique(out, list(MDG.key), label)
    return out


def check_unique(df: pd.DataFrame, key: list[str], label: str) -> None:
    """Fail loudly on a duplicate key: the importer would silently keep only one of them."""
    dups = df[df.duplicated(key, keep=False)]
    if len(dups):
        raise ValueError(f"{label}: {len(dups)} rows share a key {key}:\n{dups.head(10)}")


# --- SOURCES.md -------------------------------------------------------------------

SOURCES_MD = """\
# Seed data: provenance, licences and credits

Everything the app needs at run time is in this folder. The real data files are built by
`scripts/build_seed.py` from the project's shared material; the illustrative ones are
generated by `scripts/generate_illustrative.py` (fixed random seed, reproducible).

| file | rows | what it is | origin |
|---|---|---|---|
{table}

## Real data

- **Plan of Action (action_points.csv).** The action points of section V (paragraphs 127-158)
  of the *Plan of action submitted by the United Nations High Commissioner for Human Rights*,
  annex to the Secretary-General's letter of 26 May 2005 (A/59/2005/Add.3), a public United
  Nations document. Texts are word for word; only whitespace was normalised. The five bullets
  of paragraph 127 are 127a-127e, without the paragraph's lead-in sentence.
- **MDG framework (mdg_indicators.csv).** The official list of MDG indicators (revision effective
  15 January 2008). The `rights_provisions` column is an indicative mapping in the spirit of
  OHCHR's *Claiming the MDGs: a human rights approach* (2008) and must be shown as such.
  `indicator_type` (structural/process/outcome, per OHCHR's indicator framework, HRI/MC/2008/3),
  `target_ratio_2015` and `desired_direction` are this project's classification (rule table
  in `scripts/build_seed.py`), not part of the official framework. 7.8 and 7.9 have no ratio:
  their target halves the share *without* access, not the indicator itself.
- **MDG observations (mdg_observations.csv, mdg_series.csv).** Credit:
  **United Nations Statistics Division, Millennium Development Goals Indicators database**
  (series 553, 570, 730, 761, 762, 763 as republished in agilvarry/MDGViewer; series 567, 749,
  616 from a mdgs.un.org export of 2019-12-27 with its nature codes and footnote ids; the 2013
  cross-section republished by UniteIdeas for the World Statistics Day 2015 challenge), and
  **UN Inter-agency Group for Child Mortality Estimation** (UN IGME 2017 under-five mortality,
  via open-numbers/ddf--igme--cme). Values are as published, no interpolation. Rows for
  entities with no ISO 3166 code (Sudan (former), Channel Islands) are left out; the retired
  codes SCG, YUG and ANT are kept for Serbia and Montenegro, Yugoslavia and the Netherlands
  Antilles. The footnote legend of the UN export is not available, so footnotes are ids.
  Licence: the general UNdata terms allow free reuse with attribution to the United Nations,
  but the exact terms of mdgs.un.org and of UN IGME (childmortality.org) were not confirmed,
  and the republishing repositories state no data licence (UniteIdeas' GPL-3.0 is aimed at
  its code). Check the terms before redistributing.
- **Successor series (mdg_supplement_observations.csv).** World Bank World Development
  Indicators and UNAIDS series as republished by Gapminder Systema Globalis (CC BY 4.0;
  WDI itself CC BY 4.0): poverty at $1.90 (2011 PPP), gender parity in primary and secondary
  education, HIV prevalence 15-49, "at least basic" drinking water and sanitation (total,
  urban, rural). These are SDG-era definitions, different from the MDG ones: they keep their
  own `source` labels and are never merged with the MDG observations. Kosovo rows (no ISO3) are
  left out.
- **World map (countries-110m.json).** `world-atlas` 2.0.2 by Mike Bostock (ISC licence, see
  `LICENSE-world-atlas`), derived from Natural Earth 4.1.0 (public domain). Feature ids are ISO
  3166-1 numeric codes.
- **Partner agencies (agencies.csv).** The United Nations entities engaged in action 2 with
  OHCHR, circa 2005-2008, with their names of that period (e.g. UNIFEM, DPKO, DPA).

## ILLUSTRATIVE data (generated, not real)

`rounds.csv`, `progress_reports.csv`, `ny_workload.csv` and `action2.csv` are **ILLUSTRATIVE**:
generated by `scripts/generate_illustrative.py` to show how the dashboard works. They are not
real reports of OHCHR, its New York office or any agency. Every row carries
`illustrative=true` and the app must label them as such. Staff names are placeholders
("NY officer 1", "Focal point, ...").
"""

FILE_NOTES = {
    "action_points.csv": ("the 36 action points of section V of the plan", "real (plan of action)"),
    "mdg_indicators.csv": ("MDG goals, targets and 60 indicators, with OHCHR typing", "real (framework)"),
    "mdg_series.csv": ("data series codes and names per indicator", "real (UN MDG DB, UN IGME, WDI)"),
    "mdg_observations.csv": ("MDG indicator values (UN MDG DB, UN IGME)", "real"),
    "mdg_supplement_observations.csv": ("WDI/UNAIDS successor series, urban/rural", "real"),
    "agencies.csv": ("partner agencies of action 2", "reference list"),
    "countries-110m.json": ("world map, TopoJSON", "world-atlas / Natural Earth"),
    "LICENSE-world-atlas": ("licence of the world map", "world-atlas"),
    "rounds.csv": ("consultation rounds 2006-H1 to 2008-H2", "ILLUSTRATIVE"),
    "progress_reports.csv": ("progress per action point and round", "ILLUSTRATIVE"),
    "ny_workload.csv": ("New York office work items 2006-2008", "ILLUSTRATIVE"),
    "action2.csv": ("action 2 activities by agency and country", "ILLUSTRATIVE"),
}


def write_sources_md(out: Path) -> None:
    """Summarise every file of data/ with its row count and origin."""
    lines = []
    for name, (what, origin) in FILE_NOTES.items():
        path = out / name
        # Only the files this script writes get a count: SOURCES.md must not depend on
        # whether the illustrative generator happened to run before.
        if origin == "ILLUSTRATIVE":
            rows = "generated"
        elif name.endswith(".csv") and path.exists():
            with path.open(encoding="utf-8", newline="") as fh:
                rows = f"{sum(1 for _ in csv.reader(fh)) - 1:,}"
        else:
            rows = "-"
        lines.append(f"| `{name}` | {rows} | {what} | {origin} |")
    (out / "SOURCES.md").write_text(SOURCES_MD.format(table="\n".join(lines)), encoding="utf-8")


# --- Main ---------------------------------------------------------------------------


def read_str_csv(path: Path) -> pd.DataFrame:
    """Read every cell as text: values are copied exactly, never re-formatted as floats."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def main(shared: Path, out: Path) -> None:
    """Build every real seed file of ``out`` from ``shared``."""
    out.mkdir(parents=True, exist_ok=True)

    aps = parse_action_points((shared / PLAN_FILE).read_text(encoding="utf-8"))
    write_csv(
        out / "action_points.csv", ["id", "paragraph", "cluster", "cluster_title", "text", "sort_order"], aps
    )
    print(f"action_points.csv: {len(aps)} action points")

    mdg = shared / MDG_DIR
    framework = read_str_csv(mdg / "framework.csv")
    indicators = build_indicators(framework)
    write_csv(out / "mdg_indicators.csv", list(indicators[0]), indicators)
    types = pd.Series([r["indicator_type"] for r in indicators]).value_counts().to_dict()
    print(f"mdg_indicators.csv: {len(indicators)} indicators {types}")

    long = read_str_csv(mdg / "mdg_long.csv")
    supplement = read_str_csv(mdg / "mdg_supplement_wdi_long.csv")
    flags = read_str_csv(mdg / "mdg_flags.csv")
    un_series = read_str_csv(mdg / "un-series.csv")

    series = build_series(long, supplement, un_series)
    known_indicators = {r["code"] for r in indicators}
    unknown = {r["indicator_code"] for r in series} - known_indicators
    if unknown:
        raise ValueError(f"series refer to indicators not in the framework: {sorted(unknown)}")
    write_csv(out / "mdg_series.csv", ["code", "indicator_code", "name", "unit"], series)
    print(f"mdg_series.csv: {len(series)} series")

    for df, flag_df, name in (
        (long, flags, "mdg_observations.csv"),
        (supplement, None, "mdg_supplement_observations.csv"),
    ):
        obs = build_observations(df, flag_df, name)
        obs.to_csv(out / name, index=False, lineterminator="\n", encoding="utf-8")
        print(f"{name}: {len(obs)} rows, {obs['country_iso3'].nunique()} countries, keys unique")

    write_csv(out / "agencies.csv", ["code", "name"], [{"code": c, "name": n} for c, n in AGENCIES])
    print(f"agencies.csv: {len(AGENCIES)} agencies")

    for name in ("countries-110m.json", "LICENSE-world-atlas"):
        shutil.copyfile(shared / GEO_DIR / name, out / name)
    write_sources_md(out)
    print("copied the world map; wrote SOURCES.md")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared material")
    parser.add_argument("--out", type=Path, default=ROOT / "data", help="where to write the seed files")
    args = parser.parse_args()
    main(args.shared, args.out)
