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


# --- Preparing the briefing: edits of the key messages, the pack's indicators and countries ----------


def _write_checked(user: dict, slot: str, lines: list[str], heading: str) -> None:
    """The checked change of ``slot``: problems, or what it will give (``lines``), old beside new,
    and the confirmation that writes it (an upload of one row: audited, revertible)."""
    engine, state = get_engine(), st.session_state
    checked = state.get(f"{slot}-checked")
    if checked is None:
        return
    res = checked.preview.result
    if not res.ok:
        st.error(_("Nothing was written: fix what is listed below and preview again."))
        show_table(uploads.problems_frame(res.problems))
        return
    if not checked.preview.writes:
        st.info(_("This is already stored: there is nothing to write."))
        return
    with st.container(border=True):
        st.markdown("**" + heading + "**")
        for line in lines:
            st.text(line)  # staff's own words: never Markdown
    st.write(_("The change, old value beside new value:"))
    show_table(edits.change_table(checked))
    if st.button(_("Confirm and save"), type="primary", icon=":material/check:", key=f"{slot}-confirm"):
        notice: tuple[str, str]
        try:
            done = edits.confirm(engine, checked, user=user["username"])
        except edits.StaleForm as exc:
            notice = ("warning", str(exc))
        except StaleData:
            notice = ("warning", _(uploads.STALE_MESSAGE))
        else:
            warm_shared(done.data_version)
            notice = uploads.confirm_notice(done)
        for k in ("checked", "lines"):
            state.pop(f"{slot}-{k}", None)
        state[f"{slot}-nonce"] = state.get(f"{slot}-nonce", 0) + 1
        state[f"{slot}-notice"] = notice
        st.rerun()


def briefing_message_form(user: dict, ov: Any, cutoff: Any, stored: list) -> None:
    """Reword, drop or add one key message of the round; preview the messages as they will read
    (and whether page 2 of the pack still holds them) before anything is written."""
    from lib import datasets, messages, preparation
    from lib.briefing.brief import overflowing_languages

    engine, state, slot = get_engine(), st.session_state, "brief-msg"
    _forget_other_round(slot, ov.round_id)
    computed = messages.key_messages(ov)
    added = [e for e in stored if e.action == "add"]
    new = preparation.new_key(stored, {m.key for m in computed})
    gone = messages.merge(computed, stored).unmatched  # edits whose computed message is gone
    targets = (
        {m.key: m.text for m in computed}
        | {e.key: e.text for e in added}
        | {e.key: messages.unmatched_line(e) for e in gone}
        | {new: _("A new message")}
    )
    if notice := state.pop(f"{slot}-notice", None):
        getattr(st, notice[0])(notice[1])
    nonce = state.get(f"{slot}-nonce", 0)
    key = st.selectbox(
        _("Message"), list(targets), key=f"{slot}-target-{nonce}", format_func=lambda k: _short(targets[k])
    )
    is_added = key == new or key in {e.key for e in added}
    if key in {e.key for e in gone}:
        actions, is_added = ["none"], True  # only withdrawn: there is nothing computed to reword
    else:
        actions = ["add"] if key == new else ["add", "none"] if is_added else ["reword", "drop", "none"]
    words = {
        "reword": _("Reword it"),
        "drop": _("Drop it"),
        "add": _("Add it (or change it)") if key != new else _("Add it"),
        "none": _("Withdraw it") if is_added else _("Show it as computed"),
    }
    mine = next((e for e in stored if e.key == key), None)
    with st.form(f"{slot}-form-{nonce}-{key}"):
        action = st.radio(_("What to do"), actions, format_func=words.get, key=f"{slot}-action-{nonce}-{key}")
        text = st.text_area(
            _("Text (for a reworded or added message)"),
            mine.text if mine else ("" if is_added else targets[key]),
            max_chars=datasets.MAX_MESSAGE_CHARS,
            key=f"{slot}-text-{nonce}-{key}",
        )
        position = st.number_input(
            _("Place in the list (for an added message; 1: first)"),
            1,
            datasets.MAX_POSITION,
            (mine.position if mine and mine.position else len(computed) + 1),
            key=f"{slot}-pos-{nonce}-{key}",
        )
        if st.form_submit_button(_("Preview the change"), icon=":material/preview:"):
            state.pop(f"{slot}-checked", None)
            problem = preparation.message_problem(action, text, stored, key)
            values = preparation.message_values(ov.round_id, key, action, text, int(position))
            merged = preparation.after_change(computed, stored, values)
            # Only a change that adds words can be refused for length: a drop always helps.
            grows = problem is None and action in ("reword", "add")
            full = grows and overflowing_languages(
                ov, cutoff, messages.with_edit(stored, preparation.as_edit(values))
            )
            if full:
                problem = _(
                    "With this change the brief would not fit its page of the pack ({languages}): "
                    "shorten or drop a message.",
                    languages=", ".join(i18n.LANGUAGES[lang] for lang in full),
                )
            if problem:
                st.error(problem)
            else:
                opened = preparation.open_message(engine, ov.round_id, key)
                try:
                    state[f"{slot}-checked"] = edits.check(engine, opened, values, user=user["username"])
                    state[f"{slot}-lines"] = preparation.message_lines(merged)
                except edits.StaleForm as exc:
                    st.warning(str(exc))
    _write_checked(user, slot, state.get(f"{slot}-lines", []), _("The key messages after this change:"))


def briefing_choice_form(
    user: dict, ov: Any, indicators: dict[str, str], countries: dict[str, str], stored: Any
) -> None:
    """Choose the MDG indicators and countries of the round's pack (empty: the defaults); the
    preview builds the pack once and refuses a choice that would make it too long."""
    from lib import datasets, preparation
    from lib.briefing.length import choice_too_long

    round_id = ov.round_id
    engine, state, slot = get_engine(), st.session_state, "brief-choice"
    _forget_other_round(slot, round_id)
    if notice := state.pop(f"{slot}-notice", None):
        getattr(st, notice[0])(notice[1])
    nonce = state.get(f"{slot}-nonce", 0)
    with st.form(f"{slot}-form-{nonce}"):
        inds = st.multiselect(
            _("MDG indicators (empty: those whose ratings moved)"),
            list(indicators),
            default=[c for c in stored.indicators if c in indicators],
            format_func=indicators.get,
            max_selections=datasets.MAX_PACK_INDICATORS,
            key=f"{slot}-ind-{nonce}",
        )
        ctry = st.multiselect(
            _("Countries (empty: the MDG page's default countries for each indicator)"),
            list(countries),
            default=[c for c in stored.countries if c in countries],
            format_func=countries.get,
            max_selections=datasets.MAX_PACK_COUNTRIES,
            key=f"{slot}-ctry-{nonce}",
        )
        if st.form_submit_button(_("Preview the change"), icon=":material/preview:"):
            state.pop(f"{slot}-checked", None)
            problem = preparation.choice_problem(inds, ctry)
            if problem is None:
                with st.spinner(_("Building the pack with this choice, to check its length")):
                    problem = choice_too_long(engine, ov, inds, ctry)
            if problem:
                st.error(problem)
            else:
                opened = preparation.open_choice(engine, round_id)
                values = preparation.choice_values(round_id, inds, ctry)
                try:
                    state[f"{slot}-checked"] = edits.check(engine, opened, values, user=user["username"])
                except edits.StaleForm as exc:
                    st.warning(str(exc))
                state[f"{slot}-lines"] = preparation.choice_lines(inds, ctry, indicators, countries)
    _write_checked(user, slot, state.get(f"{slot}-lines", []), _("The pack will show:"))


def _forget_other_round(slot: str, round_id: str) -> None:
    """A change checked for another round is never confirmed for this one: forget it."""
    state = st.session_state
    if state.get(f"{slot}-round") != round_id:
        for k in ("checked", "lines"):
            state.pop(f"{slot}-{k}", None)
        state[f"{slot}-round"] = round_id


def _short(text: str, most: int = 90) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"
