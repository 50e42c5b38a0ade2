"""Small shared widgets: the round picker, tables and downloads, figures, choices, charts, the briefing boxes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from lib import chart_theme as theme
from lib import filters, i18n, links, tables
from lib.briefing.render import start_workers
from lib.escape import md_escape
from lib.exports import chart_png, to_csv_bytes, to_excel_bytes
from lib.headline import Figure
from lib.headline import change_figures as headline_figures
from lib.headline import since as headline_since
from lib.i18n import N_, _
from lib.rounds import round_caption
from lib.webapp.data import load_agencies, load_briefing_pack, log
from lib.webapp.links import linked
from lib.webapp.pageviews import TableView, table_as_read

ILLUSTRATIVE_NOTE = N_(
    "Progress reports, New York workload and action 2 figures in the seed data are **illustrative** "
    "(generated), not real reports. MDG data: United Nations Statistics Division, Millennium Development "
    "Goals Indicators database; UN Inter-agency Group for Child Mortality Estimation."
)


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


def show_table(df: pd.DataFrame | TableView, **kwargs: Any) -> None:
    """A table as people read it: translated headers (never cut), stored codes as labels, dates
    without a time of day (the frame is unchanged). ``df`` may be a view made ahead
    (``pageviews.table_view``, kept in a page's cached view)."""
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    view = df if isinstance(df, TableView) else table_as_read(df)  # made once per frame and language
    if view.frame.empty:  # the grid's own "empty" is English in every language: say it in words
        st.caption(_("Nothing to list."))
        return
    config: dict[str, Any] = {
        col: st.column_config.Column(view.headers[col], width=width) for col, width in view.widths.items()
    }
    config = {**view.headers, **config, **kwargs.pop("column_config", {})}
    st.dataframe(view.frame, column_config=config, **kwargs)


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
    label: str,
    options: list,
    names: pd.Series,
    key: str,
    param: str,
    default: list,
    most: int,
    placeholder: str | None = None,
) -> list:
    """A multiselect of at most ``most`` of ``options`` (shown by ``names`` where it has them) that
    keeps the choices still offered (``default`` on first use), and in the URL parameter ``param``.
    ``placeholder``: what an empty choice means (a filter: all); Streamlit's own is English."""
    linked(param, key, links.selection_of(options, most))
    st.session_state[key] = filters.keep_selection(st.session_state.get(key), options, default)
    return st.multiselect(
        label,
        options,
        key=key,
        max_selections=most,
        format_func=lambda c: names.get(c, c),
        placeholder=placeholder or _("Choose options"),
    )


def all_placeholder() -> str:
    """A filter's placeholder in the reader's language (Streamlit's own is "Choose options")."""
    return _("All (choose to filter)")


def chart_with_table(
    chart: Any, table: pd.DataFrame, name: str, caption: str | None = None, view: TableView | None = None
) -> None:
    """A chart (Altair, or its finished Vega-Lite spec) and its PNG download, then its table (for
    screen readers and exact figures) with CSV and Excel.

    ``caption`` is already translated. The table shows labels; its downloads keep the stored codes.
    ``view``: the table as shown, made ahead (``pageviews.Shown``).
    """
    if isinstance(chart, dict) or theme.uses_named_data(chart):
        # A finished spec (lib.webapp.pageviews) is drawn as it is, not converted and validated on
        # every run; a named dataset (the world map's topology) is added to it here, as a data URL.
        st.vega_lite_chart(theme.browser_spec(chart), width="stretch", theme=None)
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
        show_table(view if view is not None else table)
        download_csv(table, f"{name}.csv", key=f"dl-{name}", label_of=caption)


def chart_or_info(shown: tuple | None, message: str) -> None:
    """:func:`chart_with_table` of ``shown`` (chart, table, name, caption), or ``message`` when there is none."""
    if shown is None:
        st.info(message)
    else:
        chart_with_table(*shown)


def notes(texts: list[str]) -> None:
    """Each note as an info box, its data text (series and country names) escaped."""
    for text in texts:
        st.info(md_escape(text))


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
        start_workers()  # the pack's chart processes get ready while the reader looks at the page
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
