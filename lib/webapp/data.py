"""The engine, the data version and the cached loaders (keyed on the data version)."""

from __future__ import annotations

import logging
import os

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from lib import auth, derived, i18n, queries, tables, upload_history
from lib.db import get_data_version, make_engine
from lib.i18n import _
from lib.seed import init

log = logging.getLogger("consultations")


AUTH_MODE = os.environ.get("AUTH_MODE", "local").strip().lower()


@st.cache_resource(show_spinner=False)  # the first run's spinner is in current_user(), translated
def get_engine() -> Engine:
    """One engine per server process; migrates and seeds an empty database on first use."""
    engine = make_engine()
    init(engine)
    if AUTH_MODE == "local" and (announcement := auth.setup.setup_announcement(engine)):
        # The console, not the page: only whoever runs the server can claim it.
        print("\n" + "\n".join(f"  {line}" for line in announcement.splitlines()) + "\n", flush=True)
    return engine


def data_version() -> int:
    """The database's data version, read on every run (one tiny query)."""
    with get_engine().connect() as conn:
        return get_data_version(conn)


@st.cache_data(show_spinner=False, max_entries=8)
def load_rounds(version: int) -> pd.DataFrame:
    return queries.rounds(get_engine())


@st.cache_data(show_spinner=False, max_entries=8)
def load_reports(version: int, include_internal: bool) -> pd.DataFrame:
    return queries.progress_reports(get_engine(), include_internal=include_internal)


@st.cache_data(show_spinner=False, max_entries=8)
def load_indicators(version: int) -> pd.DataFrame:
    return queries.indicators(get_engine())


@st.cache_data(show_spinner=False, max_entries=8)
def load_series(version: int) -> pd.DataFrame:
    return queries.series(get_engine())


@st.cache_data(show_spinner=False, max_entries=8)
def load_countries(version: int) -> pd.DataFrame:
    return queries.countries(get_engine())


def country_names(version: int) -> pd.Series:
    """Country names by ISO3 code, in the current language where the language has them."""
    names = load_countries(version).set_index("iso3")["name"]
    return tables.localised_countries(names, i18n.get_language())


@st.cache_data(show_spinner=False, max_entries=64)
def load_observations(
    version: int,
    indicator_codes: tuple[str, ...],
    countries: tuple[str, ...] = (),
    sources: tuple[str, ...] = (),
    totals_only: bool = False,
) -> pd.DataFrame:
    # Only the sources shown: the page never mixes sources, and other sources' rows grow with the data;
    # only the totals unless the breakdowns are asked for (queries.observations).
    return queries.observations(
        get_engine(), indicator_codes, countries or None, sources or None, totals_only
    )


@st.cache_data(show_spinner=False, max_entries=8)
def load_disaggregation(version: int) -> pd.DataFrame:
    return derived.disaggregation_counts(get_engine(), version)  # computed once for all servers


@st.cache_data(show_spinner=False, max_entries=8)
def load_work_items(version: int) -> pd.DataFrame:
    return queries.work_items(get_engine())


@st.cache_data(show_spinner=False, max_entries=8)
def load_activities(version: int) -> pd.DataFrame:
    return queries.activities(get_engine())


@st.cache_data(show_spinner=False, max_entries=8)
def load_agencies(version: int) -> pd.DataFrame:
    return queries.agencies(get_engine())


@st.cache_data(show_spinner=False, max_entries=8)
def load_recommendations(version: int) -> pd.DataFrame:
    return queries.recommendations(get_engine())


@st.cache_data(show_spinner=False, max_entries=8)
def load_recommendation_statuses(version: int) -> pd.DataFrame:
    return queries.recommendation_statuses(get_engine())


@st.cache_data(show_spinner=False, max_entries=16)
def load_revert_plan(version: int, upload_id: int) -> dict:
    # What a revert of the upload would do changes only with the data: a rerun (ticking the
    # confirmation) must not count and sort the upload's rows again (1 s for 2 million).
    return upload_history.revert_plan(get_engine(), upload_id)


def load_overview(version: int, round_id: str):
    """The briefing overview of a round (lib.overview), computed once per data version."""
    with st.spinner(_("Comparing with the previous round...")):  # shown only when it takes a while
        return _overview(version, round_id)


@st.cache_data(show_spinner=False, max_entries=16)
def _overview(version: int, round_id: str):
    # Computed once per data version for all the app servers, kept in the database.
    return derived.round_overview(get_engine(), round_id, version)


def warm_shared(version: int) -> None:
    """After an upload or a revert: prepare what the first page views need (lib.derived.warm),
    so that nobody, on any server, waits for it. A failure only means they are computed later."""
    with st.spinner(_("Preparing the briefing overview for everyone...")):
        try:
            derived.warm(get_engine(), version)
        except Exception:  # logged for operators; the write itself succeeded  # noqa: BLE001
            log.exception("warming the shared results failed")


def load_briefing_pack(version: int, round_id: str) -> bytes:
    """The briefing pack PDF of a round (lib.briefing) in the current language.

    Built once per data version, round and language.
    """
    return _briefing_pack(version, round_id, i18n.get_language())


@st.cache_data(show_spinner=False, max_entries=6)
def _briefing_pack(version: int, round_id: str, lang: str) -> bytes:
    """Shows a progress bar while it builds. The bar is created here, inside the cached function,
    so Streamlit can replay it on a cache hit (where it simply finishes at once).
    """
    from lib import briefing

    with i18n.language(lang):
        bar = st.progress(0.0, text=_("Building the briefing pack..."))
        try:
            return briefing.build_pack(
                get_engine(),
                round_id,
                progress=lambda fraction, message: bar.progress(fraction, text=message),
                round_overview=_overview(version, round_id),  # the page's, shared by the servers
            )
        finally:
            bar.empty()
