"""The one Streamlit glue module: cached engine, cached loaders keyed on the data version,
the current user and their language, the page guard and small shared widgets.

Everything else in ``lib`` is plain Python and never imports Streamlit.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lib import auth, derived, edits, filters, i18n, links, queries, tables, uploads
from lib import chart_theme as theme
from lib.auth import cookie as auth_cookie
from lib.datasets import split_list
from lib.db import get_data_version, make_engine
from lib.escape import md_escape
from lib.exports import chart_png, to_csv_bytes, to_excel_bytes
from lib.headline import Figure
from lib.headline import change_figures as headline_figures
from lib.headline import since as headline_since
from lib.i18n import N_, _
from lib.ingest import StaleData
from lib.navigation import PAGES
from lib.rounds import round_caption
from lib.seed import init

log = logging.getLogger("consultations")
AUTH_MODE = os.environ.get("AUTH_MODE", "local").strip().lower()
ILLUSTRATIVE_NOTE = N_(
    "Progress reports, New York workload and action 2 figures in the seed data are **illustrative** "
    "(generated), not real reports. MDG data: United Nations Statistics Division, Millennium Development "
    "Goals Indicators database; UN Inter-agency Group for Child Mortality Estimation."
)


# --- Engine and data version ------------------------------------------------------------


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


# --- Cached loaders: the data version is the first argument, so an upload through any
# server invalidates them on that server's next run.


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


@st.cache_data(show_spinner=False, max_entries=8)
def load_observation_catalogue(version: int) -> pd.DataFrame:
    return derived.observation_catalogue(get_engine(), version)  # computed once for all servers


@st.cache_data(show_spinner=False, max_entries=64)
def load_observations(
    version: int,
    indicator_codes: tuple[str, ...],
    countries: tuple[str, ...] = (),
    sources: tuple[str, ...] = (),
) -> pd.DataFrame:
    # Only the sources shown: the page never mixes sources, and other sources' rows grow with the data.
    return queries.observations(get_engine(), indicator_codes, countries or None, sources or None)


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


# --- The current user and the guard -------------------------------------------------------


def current_user() -> dict | None:
    """The signed-in, active user, re-read on every run (a role change or a deactivation applies at once)."""
    with st.spinner(_("Preparing the database...")):  # shown only when it takes a while (first run)
        engine = get_engine()
    if AUTH_MODE == "oidc":
        email = oidc_email()
        # Only an active user with exactly this address (lib.auth.get_user_by_email).
        user = auth.get_user_by_email(engine, email) if email else None
        claim = os.environ.get("OIDC_AGENCY_CLAIM", "").strip()  # e.g. "agency": the provider names it
        if user is not None and claim:
            user = auth.with_claimed_agency(engine, user, st.user.get(claim))
        return user
    state = st.session_state
    cookie = st.context.cookies.get(auth.sessions.COOKIE_NAME)
    state["session_id"], user = auth.sessions.current(
        engine, state.get("session_id"), state.get("username"), cookie
    )
    state["username"] = user["username"] if user else None
    return user


def oidc_signed_in() -> bool:
    """Whether the organisation's provider has signed this browser in (AUTH_MODE=oidc), access or not."""
    return AUTH_MODE == "oidc" and bool(getattr(st.user, "is_logged_in", False))


def oidc_email() -> str | None:
    """The provider's e-mail address for the signed-in identity, if trusted (lib.auth.oidc)."""
    return auth.oidc.verified_email(st.user) if oidc_signed_in() else None


def no_access_message() -> str:
    """What a signed-in identity without an active user row sees (AUTH_MODE=oidc)."""
    return auth.oidc.no_access_message(st.user.get("email") if oidc_signed_in() else None)


def apply_language(user: dict | None) -> str:
    """Set this run's language: the session's choice, else the user's stored one, else English."""
    chosen = st.session_state.get("language")
    if chosen not in i18n.LANGUAGES:
        chosen = (user or {}).get("language")
    return i18n.set_language(chosen)


# One constant script per language code of lib.i18n.LANGUAGES: nothing from data or input.
_LANG_SCRIPTS = {
    code: f'<script>document.documentElement.setAttribute("lang", "{code}");</script>'
    for code in i18n.LANGUAGES
}


def document_language(lang: str) -> None:
    """Declare the reader's language on the document (``<html lang>``, WCAG 2.1 SC 3.1.1), so
    screen readers pronounce French as French. Streamlit itself always writes ``lang="en"``."""
    st.html(_LANG_SCRIPTS.get(lang, _LANG_SCRIPTS[i18n.DEFAULT_LANGUAGE]), unsafe_allow_javascript=True)
    st.html(_READABLE_LABELS)  # style only: Streamlit puts it out of the page's flow


# Longer French and Spanish words: menu entries and table headers wrap instead of being cut.
_READABLE_LABELS = (
    "<style>"
    '[data-testid="stSidebarNav"] a span { white-space: normal !important; overflow: visible !important; '
    "text-overflow: clip !important; }"
    "</style>"
)


def guard(action: str) -> dict:
    """Stop the page unless a signed-in user may do ``action``: every page file, before reading data."""
    i18n.set_language(st.session_state.get("language"))  # for the first run's spinner
    user = current_user()
    document_language(apply_language(user))
    if user is None and oidc_signed_in():
        st.error(no_access_message())
        st.markdown(_("[Go to the start page](/)"))
        st.stop()
    if user is None:
        st.warning(_("Please sign in to see this page."))
        # A plain link: st.page_link needs st.navigation, which a page run by URL has not had.
        st.markdown(_("[Go to the sign-in page](/)"))
        st.stop()
    if not auth.is_allowed(user["role"], action):
        st.error(_(NOT_ALLOWED))
        st.stop()
    # This run's linked choices (see linked) and the place of the notice about a bad link.
    st.session_state[_LINKED] = {"params": {}, "bad": [], "notice": st.empty()}
    return user


NOT_ALLOWED = N_("Your role does not give access to this page.")


def signed_in(user: dict) -> None:
    """After a successful sign-in or setup: start a session (its cookie follows) and rerun."""
    st.session_state["session_id"], st.session_state["session_handover"] = auth.sessions.start(
        get_engine(), user["id"]
    )
    st.session_state["username"] = user["username"]
    if not st.session_state.pop("language_chosen", False):
        st.session_state.pop("language", None)  # the user's stored language applies
    st.rerun()


def sign_out() -> None:
    """The sign-out callback (before the next run): the session ends in the database, cookie or not."""
    name = st.session_state.pop("username", None)
    auth.sessions.revoke(get_engine(), st.session_state.pop("session_id", None), actor=name or "")
    st.session_state["session_cookie_end"] = True
    if AUTH_MODE == "oidc":
        st.logout()


def session_cookie() -> None:
    """Hand a new session to the browser, or delete an ended one's cookie (lib.auth.cookie)."""
    state = st.session_state
    code, end = state.pop("session_handover", None), state.pop("session_cookie_end", None)
    if not (code or end):
        return
    script = auth_cookie.script(st.get_option("server.baseUrlPath"), code)
    st.html(script, unsafe_allow_javascript=True, width=1)


def language_choice(widget: Callable[..., Any], **kwargs: Any) -> None:
    """The language choice (key "language") drawn with ``widget`` (sidebar select box, sign-in radio)."""
    st.session_state["language"] = i18n.get_language()  # this run's (the user's stored one on a first run)
    widget(_("Language"), list(i18n.LANGUAGES), key="language", format_func=i18n.LANGUAGES.get, **kwargs)


def public_page() -> Engine:
    """Start a signed-out visitor's page (sign-in, setup): their language; the engine. Signed in: home."""
    if current_user() is not None:
        st.switch_page("dashboard.py")
    document_language(apply_language(None))
    return get_engine()


def client_address() -> str | None:
    """The browser's address for sign-in throttling, or None (lib.auth.throttle.client_address)."""
    headers = st.context.headers
    return auth.client_address(st.context.ip_address, headers.get("X-Forwarded-For"), auth.trusted_proxies())


def allowed(user: dict, action: str) -> bool:
    return auth.is_allowed(user["role"], action)


def attempt(change: Callable[[], Any], done: str, notice_key: str) -> None:
    """Run a change from a form: show why it was refused, or keep ``done`` for the next run and rerun."""
    try:
        change()
    except ValueError as exc:
        st.error(md_escape(str(exc)))
        return
    st.session_state[notice_key] = done
    st.rerun()


def show_notice(notice_key: str) -> None:
    """The success message :func:`attempt` kept for this run, if any."""
    if notice := st.session_state.pop(notice_key, None):
        st.success(notice)


# --- Shared widgets ---------------------------------------------------------------------------


def round_picker(rounds: pd.DataFrame, key: str = "round") -> pd.Series:
    """A round select box (latest by default) and the 'as of' caption; returns the round's row."""
    ids = list(rounds["id"])
    if not ids:
        st.info(_("No consultation rounds yet: staff can upload them on the Upload page."))
        st.stop()
    # The choice is kept under a plain key: Streamlit drops a widget's own state when
    # another page runs, so each page sets the widget from it before drawing it.
    linked("round", "chosen_round", links.choice_of(ids))
    chosen = st.session_state.get("chosen_round")
    st.session_state[key] = chosen if chosen in ids else ids[-1]
    rid = st.selectbox(
        _("Consultation round"),
        ids,
        key=key,
        help=_("Rounds are twice yearly (H1, H2)."),
        on_change=lambda: st.session_state.update(chosen_round=st.session_state[key]),
    )
    st.session_state["chosen_round"] = rid
    row = rounds.set_index("id").loc[rid]
    st.caption(round_caption(row))
    return row


def show_table(df: pd.DataFrame, **kwargs: Any) -> None:
    """A table as people read it: translated headers, stored codes as labels, dates without a time
    of day (the frame is unchanged)."""
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    config = {**tables.column_labels(df), **kwargs.pop("column_config", {})}
    st.dataframe(tables.labelled(tables.plain_dates(df)), column_config=config, **kwargs)


def download_csv(
    df: pd.DataFrame, name: str, label: str | None = None, key: str | None = None, label_of: str | None = None
) -> None:
    """CSV and Excel downloads of exactly this frame, with formula-like cells neutralised in both.

    Both files are built only when their button is clicked (deferred downloads): building
    every table's CSV on every run was a twentieth of a cached rerun.
    ``label`` is already translated (default: "Download CSV"); ``label_of`` (translated) names
    the Excel sheet (default: the file name). The CSV keeps the column names and codes, so a
    table's CSV imports back; the Excel file shows the table's headers and labels.
    """
    key = key or f"dl-{name}"
    stem = name.removesuffix(".csv")
    frame = df.copy()  # the deferred builds must not see later changes to the caller's frame
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            label or _("Download CSV"),
            lambda: to_csv_bytes(frame),
            file_name=name if name.endswith(".csv") else f"{name}.csv",
            mime="text/csv",
            key=key,
            icon=":material/download:",
            on_click="ignore",
        )
        sheet = (label_of or stem).replace("-", " ").replace("_", " ").capitalize()
        st.download_button(
            _("Download Excel"),
            # For people, not for import: headers and codes as the table shows them.
            lambda: to_excel_bytes(tables.labelled(frame).rename(columns=tables.column_labels(frame)), sheet),
            file_name=f"{stem}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}-xlsx",
            icon=":material/table_view:",
            on_click="ignore",
        )


def table_with_downloads(df: pd.DataFrame, name: str) -> None:
    """A table and its CSV and Excel downloads."""
    show_table(df)
    download_csv(df, f"{name}.csv")


def metrics(figures: list[Figure]) -> None:
    """A row of headline figures (lib.headline), with their change when they have one."""
    for col, f in zip(st.columns(len(figures)), figures, strict=True):
        col.metric(
            f.label,
            f.on_screen,
            f.delta,
            delta_color="off" if f.delta is not None else "normal",
            delta_arrow="auto" if f.arrow else "off",
        )


def key_messages(messages: list, decisions: list) -> None:
    """The round's key messages and the decisions sought (lib.messages), first on the briefing page.

    Written with st.text, never as Markdown: the texts carry names from the data.
    """
    with st.container(border=True):
        st.subheader(_("Key messages"))
        for m in messages:
            st.text("• " + m.text)
        st.subheader(_("Decisions sought"))
        if not decisions:
            st.text(_("No decision is sought this round."))
        for i, d in enumerate(decisions, start=1):
            st.text(f"{i}. {d.question}")
            st.caption(d.recommendation)  # the office's own text, no data in it


def choose(where: Any, label: str, labels: pd.Series, key: str, param: str, default: Any = None) -> Any:
    """A select box (in ``where``) of ``labels``' index, each shown as its label, that keeps its
    choice while it is still an option (else ``default``), and in the URL parameter ``param``."""
    options = list(labels.index)
    linked(param, key, links.choice_of(options))
    st.session_state[key] = filters.keep_choice(st.session_state.get(key), options, default)
    return where.selectbox(label, options, key=key, format_func=labels.get)


def choose_many(
    label: str, options: list, names: pd.Series, key: str, param: str, default: list, most: int
) -> list:
    """A multiselect of at most ``most`` of ``options`` (shown by ``names`` where it has them) that
    keeps the choices still offered (``default`` on first use), and in the URL parameter ``param``."""
    linked(param, key, links.selection_of(options, most))
    st.session_state[key] = filters.keep_selection(st.session_state.get(key), options, default)
    return st.multiselect(
        label,
        options,
        key=key,
        max_selections=most,
        format_func=lambda c: names.get(c, c),
        placeholder=_("Choose options"),
    )


def all_placeholder() -> str:
    """A filter's placeholder in the reader's language (Streamlit's own is "Choose options")."""
    return _("All (choose to filter)")


def chart_with_table(chart: Any, table: pd.DataFrame, name: str, caption: str | None = None) -> None:
    """A chart and its PNG download, then its table (for screen readers and exact figures) with CSV and Excel.

    ``caption`` is already translated. The table shows labels; its downloads keep the stored codes.
    """
    if theme.uses_named_data(chart):  # the world map: its topology is added to the finished spec
        st.vega_lite_chart(theme.vega_spec(chart), width="stretch", theme=None)
    else:
        st.altair_chart(chart, width="stretch", theme=None)  # our theme (lib.chart_theme), not Streamlit's
    lang = i18n.get_language()

    def png() -> bytes:
        with i18n.language(lang):  # rendered later, maybe in another thread: the chart's language
            return chart_png(chart)

    st.download_button(
        _("Download chart (PNG)"),
        png,  # rendered only when clicked
        file_name=f"{name}.png",
        mime="image/png",
        key=f"png-{name}",
        icon=":material/image:",
        on_click="ignore",
    )
    with st.expander(_("Table: {caption}", caption=caption or name)):
        show_table(table)
        download_csv(table, f"{name}.csv", key=f"dl-{name}", label_of=caption)


def chart_or_info(shown: tuple | None, message: str) -> None:
    """:func:`chart_with_table` of ``shown`` (chart, table, name, caption), or ``message`` when there is none."""
    if shown is None:
        st.info(message)
    else:
        chart_with_table(*shown)


def illustrative_note() -> None:
    st.caption(_(ILLUSTRATIVE_NOTE))


def safe(fn: Callable[[], Any], message: str) -> Any:
    """Run ``fn``; on failure log the traceback for operators and show a plain message."""
    try:
        return fn()
    except Exception:  # noqa: BLE001  (any failure becomes a plain message; the log has the detail)
        log.exception(message)
        st.error(message)
        st.stop()


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


def briefing_pack_download(version: int, round_id: str) -> None:
    """The briefing pack's box: what it holds, a build button, then its download (in the page's language)."""
    with st.container(border=True):
        st.markdown(
            _(
                "**Briefing pack for {round} (PDF):** cover, what changed, a page per cluster of action points, "
                "MDG indicators, New York workload, action 2 activity and an annex of every action point.",
                round=round_id,
            )
        )
        # The pack is built in the language of the page (one cached pack per language).
        lang = i18n.get_language()
        pack_for = (version, round_id, lang)
        if st.button(
            _("Build the briefing pack"), key="build-briefing-pack", icon=":material/picture_as_pdf:"
        ):
            st.session_state["briefing_pack_for"] = pack_for
        if st.session_state.get("briefing_pack_for") == pack_for:
            try:
                pack = load_briefing_pack(version, round_id)
            except Exception:  # noqa: BLE001  (the log has the detail; the rest of the page still shows)
                log.exception("briefing pack for %s failed", round_id)
                st.error(
                    _("The briefing pack could not be built. Please try again or tell the administrator.")
                )
            else:
                st.download_button(
                    _("Download the briefing pack (PDF)"),
                    pack,
                    file_name=f"briefing-pack-{round_id}{'' if lang == 'en' else '-' + lang}.pdf",
                    mime="application/pdf",
                    key="download-briefing-pack",
                    icon=":material/download:",
                    type="primary",
                    on_click="ignore",
                )


def recommendations_overview(ov: Any, version: int) -> None:
    """The briefing overview's opening of the follow-up part: the last consultation's
    recommendations and where they stand (lib.overview, the recommendations' headline)."""
    from lib.domains.recommendations import headline as rec_headline
    from lib.domains.recommendations import views as rec_views

    st.header(_("Recommendations of the last consultation and where they stand"))
    if ov.recommendations:
        metrics(headline_figures(ov.recommendations))
    last, prev = ov.recommendations_last, ov.previous_round_id
    since = headline_since(prev)
    st.write(
        rec_headline.last_sentence(last, prev, ov.round_id)
        + " "
        + rec_headline.moves_sentence(ov.recommendation_moves, since)
    )
    if not last.empty:
        names = rec_views.addressee_names(load_agencies(version))
        show_table(rec_views.last_table(last, names), width="content")
    link_to("pages/recommendations.py", _("Open the recommendations"))


def link_to(page: str, label: str) -> None:
    """A link to another page; a plain link when the page runs outside st.navigation (by URL)."""
    from streamlit.errors import StreamlitPageNotFoundError

    try:
        st.page_link(page, label=label, icon=":material/arrow_forward:")
    except StreamlitPageNotFoundError:
        st.markdown(f"[{label}](/{page.removeprefix('pages/').removesuffix('.py')})")


FORM_FIRST_DAY, FORM_LAST_DAY = date(1990, 1, 1), date(2100, 12, 31)


def record_fields(
    columns: list, prefix: str, options: dict[str, dict[str, str]] | None = None
) -> dict[str, Any]:
    """One input per column of a dataset (lib.datasets.Col) for a one-record form; returns the values.

    ``options``: code -> label of the columns whose values come from the database (countries).
    """
    values: dict[str, Any] = {}
    for c in columns:
        label, key = _(c.description), f"{prefix}_{c.name}"
        if c.allowed or (options and c.name in options):
            choices = list(options[c.name]) if options and c.name in options else list(c.allowed)
            shown = options[c.name].get if options and c.name in options else i18n.label
            values[c.name] = st.selectbox(label, choices, key=key, format_func=shown)
        elif c.kind == "date":
            # Reports may be of past rounds: Streamlit's default range is only ten years back.
            values[c.name] = st.date_input(
                label,
                value="today" if c.required else None,
                min_value=FORM_FIRST_DAY,
                max_value=FORM_LAST_DAY,
                key=key,
            )
        elif c.kind == "int":
            values[c.name] = st.number_input(label, int(c.min or 0), int(c.max or 10**9), step=1, key=key)
        else:
            values[c.name] = st.text_input(label, max_chars=c.max_length, key=key)
    return values


# --- Links: each view's choices in its URL (lib.links) ------------------------------------

_LINKED = "_linked_this_run"  # set by guard at the top of each page run
_WRITTEN = "_link_written"  # what this session last put in each page's URL
BAD_LINK = N_("Some choices in this link are not offered here ({names}); the defaults are shown instead.")
LINK_LABEL = N_("Copy link to this view")


def linked(param: str, key: str, parse: Callable[[list[str]], tuple[Any, bool]]) -> None:
    """Keep the choice under session-state ``key`` in the URL parameter ``param``. Call before
    drawing its widget (after :func:`guard`).

    A value the URL brings (a link opened, Back pressed, the address edited), unlike the one this
    session wrote there itself, replaces the choice when ``parse`` (lib.links) accepts it; else the
    choice falls back to its default and a notice names the parameter (never the value).
    """
    run = st.session_state.get(_LINKED)
    if run is None:
        return  # a page without a guard: no links
    run["params"][param] = key
    raw = st.query_params.get_all(param)
    page = get_script_run_ctx().page_script_hash
    if not raw or raw == st.session_state.get(_WRITTEN, {}).get((page, param)):
        return
    value, ok = parse(raw)
    if ok:
        st.session_state[key] = value
        return
    st.session_state.pop(key, None)
    run["bad"].append(param)
    run["notice"].warning(_(BAD_LINK, names=", ".join(run["bad"])), icon=":material/link_off:")


def link_to_view() -> None:
    """At the end of a page: its linked choices into the URL, and the link to copy (st.code: text)."""
    run = st.session_state.get(_LINKED) or {"params": {}}
    params = {p: links.to_params(st.session_state.get(k)) for p, k in run["params"].items()}
    st.query_params.from_dict(params)
    page = get_script_run_ctx().page_script_hash
    written = st.session_state.setdefault(_WRITTEN, {})
    written.update({(page, p): v for p, v in params.items()})
    with st.expander(_(LINK_LABEL), icon=":material/link:"):
        st.code(links.view_url(st.context.url or "", params), language=None, wrap_lines=True)


def remember_request() -> None:
    """On the sign-in page, before its form: the page and choices this browser asked for, to be
    shown after sign-in (lib.links.remember_request; :func:`open_requested` shows them)."""
    ctx = get_script_run_ctx()
    asked = ctx.pages_manager.intended_page_name if ctx else None
    query = {k: st.query_params.get_all(k) for k in list(st.query_params)[: links.MAX_PARAMETERS]}
    links.remember_request(st.session_state, asked, query)


def open_requested(pages: list) -> None:
    """Right after sign-in (``pages``: the st.Page objects of the user's menu, navigation built):
    the view asked for before it. A page the role may not open gets the guard's refusal, no data."""
    known = [p.path.removeprefix("pages/").removesuffix(".py") for p in PAGES]
    request = links.take_request(st.session_state, known)
    if request is None:
        return
    name, query = request
    target = next((p for p in pages if p.url_path == name), None) if name else pages[0]
    if target is None:
        st.error(_(NOT_ALLOWED))
        st.stop()
    st.switch_page(target, query_params=query)


def linked_tabs(titles: dict[str, str], key: str, param: str) -> list:
    """Tabs (``titles``: a name for the URL -> an English title, shown translated) whose open tab
    is kept in the URL parameter ``param``. Returns the tab containers in order."""
    names, shown = list(titles), [_(t) for t in titles.values()]
    linked(param, f"{key}-name", links.choice_of(names))
    name = filters.keep_choice(st.session_state.get(f"{key}-name"), names)
    st.session_state[f"{key}-name"], st.session_state[key] = name, shown[names.index(name)]

    def opened() -> None:  # the tab's state is its (translated) title: keep its name instead
        st.session_state[f"{key}-name"] = names[shown.index(st.session_state[key])]

    return st.tabs(shown, key=key, on_change=opened)


# --- One record edited through a form (lib.edits: an upload of one row) -----------------------


def edit_fields(
    columns: list, prefix: str, current: dict[str, str], options: dict[str, dict[str, str]] | None = None
) -> dict[str, Any]:
    """One input per column (lib.datasets.Col), each showing the record's ``current`` value (as text).

    ``options``: code -> name of the columns whose values come from the database (agencies,
    rounds, action points): a select box, or a multiselect for a list column.
    """
    options = options or {}
    values: dict[str, Any] = {}
    for c in columns:
        label, key, cur = _(c.description), f"{prefix}_{c.name}", current.get(c.name, "")
        named = options.get(c.name)
        if c.multiple:
            opts = named or {}
            values[c.name] = st.multiselect(
                label,
                list(opts),
                default=[v for v in split_list(cur) if v in opts],
                key=key,
                format_func=opts.get,
            )
        elif named is not None or c.allowed:
            choices = list(named) if named is not None else list(c.allowed)
            choices = choices if c.required else ["", *choices]
            # The words are fixed when drawn (a dict, not a call of the language at format time).
            words = {v: (named.get(v, v) if named is not None else i18n.label(v)) or "—" for v in choices}
            values[c.name] = st.selectbox(
                label,
                choices,
                index=choices.index(cur) if cur in choices else 0,
                key=key,
                format_func=words.get,
            )
        elif c.kind == "date":
            start = date.fromisoformat(cur) if cur else ("today" if c.required else None)
            values[c.name] = st.date_input(
                label, value=start, min_value=FORM_FIRST_DAY, max_value=FORM_LAST_DAY, key=key
            )
        elif c.kind == "int":
            low, high = int(c.min or 0), int(c.max or 10**9)
            values[c.name] = st.number_input(label, low, high, int(cur) if cur else low, step=1, key=key)
        elif (c.max_length or 0) > 200:
            values[c.name] = st.text_area(label, cur, max_chars=c.max_length, key=key)
        else:
            values[c.name] = st.text_input(label, cur, max_chars=c.max_length, key=key)
    return values


def edit_record(
    user: dict,
    dataset: str,
    key: tuple[str, ...] | None,
    *,
    name: str,
    title: str,
    only: tuple[str, ...] | None = None,
    options: dict[str, dict[str, str]] | None = None,
    defaults: dict[str, str] | None = None,
) -> None:
    """A form that records (``key`` None) or changes one record, in an expander titled ``title``.

    Checking is a dry-run upload of one row (validation, old beside new); nothing is written until
    the user confirms; a record changed since the form opened is refused (lib.edits.StaleForm).
    """
    engine, state, slot = get_engine(), st.session_state, f"edit-{name}"
    want = tuple(key) if key else None
    opened = state.get(f"{slot}-opened")
    if opened is None or opened.key != want or opened.dataset != dataset:
        opened = state[f"{slot}-opened"] = edits.open_form(engine, dataset, want)
        state.pop(f"{slot}-checked", None)

    def reset(notice: tuple[str, str]) -> None:
        for k in ("opened", "checked"):
            state.pop(f"{slot}-{k}", None)
        state[f"{slot}-nonce"] = state.get(f"{slot}-nonce", 0) + 1  # fresh inputs with the current values
        state[f"{slot}-notice"] = notice
        st.rerun()

    notice = state.pop(f"{slot}-notice", None)
    with st.expander(title, expanded=notice is not None or f"{slot}-checked" in state):
        if notice:
            getattr(st, notice[0])(notice[1])
        nonce = state.get(f"{slot}-nonce", 0)
        with st.form(f"{slot}-form-{nonce}"):
            # Fresh inputs per language too: their options are shown in words of the language.
            lang = "" if i18n.get_language() == i18n.DEFAULT_LANGUAGE else f"-{i18n.get_language()}"
            prefix = f"{slot}-{nonce}{lang}-{'-'.join(want or ('new',))}"
            current = opened.row if opened.row is not None else (defaults or {})
            values = edit_fields(edits.form_columns(dataset, opened, only), prefix, current, options)
            if st.form_submit_button(_("Check the change"), icon=":material/rule:"):
                try:
                    state[f"{slot}-checked"] = edits.check(engine, opened, values, user=user["username"])
                except edits.StaleForm as exc:
                    reset(("warning", str(exc)))
        checked = state.get(f"{slot}-checked")
        if checked is None:
            return
        res = checked.preview.result
        if not res.ok:
            st.error(_("The record was not saved: fix what is listed below and check it again."))
            show_table(uploads.problems_frame(res.problems))
            return
        if not checked.preview.writes:
            st.info(_("The record is already as in the form: there is nothing to write."))
            return
        st.write(_("The change, old value beside new value:"))
        show_table(edits.change_table(checked))
        if st.button(
            uploads.confirm_label(res), type="primary", icon=":material/check:", key=f"{slot}-confirm"
        ):
            try:
                done = edits.confirm(engine, checked, user=user["username"])
            except edits.StaleForm as exc:
                reset(("warning", str(exc)))
            except StaleData:
                reset(("warning", _(uploads.STALE_MESSAGE)))
            warm_shared(done.data_version)
            reset(uploads.confirm_notice(done))
