"""Links: each view's choices kept in its URL (lib.links does the checking)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lib import filters, links
from lib.i18n import N_, _
from lib.navigation import page_urls

NOT_ALLOWED = N_("Your role does not give access to this page.")


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


def requested_page() -> str | None:
    """The page name this run's address asks for (None: the root, or a page chosen in the menu)."""
    ctx = get_script_run_ctx()
    return ctx.pages_manager.intended_page_name if ctx else None


def remember_request() -> None:
    """On the sign-in page, before its form: the page and choices this browser asked for, to be
    shown after sign-in (lib.links.remember_request; :func:`open_requested` shows them)."""
    asked = requested_page()
    query = {k: st.query_params.get_all(k) for k in list(st.query_params)[: links.MAX_PARAMETERS]}
    links.remember_request(st.session_state, asked, query)


def open_requested(pages: list) -> None:
    """Right after sign-in (``pages``: the st.Page objects of the user's menu, navigation built):
    the view asked for before it. A page the role may not open gets the guard's refusal, no data."""
    known = page_urls()
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
