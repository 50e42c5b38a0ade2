"""One-record forms: a dataset's columns as inputs, checked and confirmed as an upload of one row."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from lib import edits, i18n, uploads
from lib.datasets import split_list
from lib.i18n import _
from lib.ingest import StaleData
from lib.webapp.data import get_engine, warm_shared
from lib.webapp.widgets import show_table

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
