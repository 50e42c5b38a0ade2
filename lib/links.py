"""A link for every view: a page's choices as URL query parameters, read back with validation.

Pure functions (no Streamlit; lib.webapp is the glue). A parameter's value in a URL is text;
it is accepted only when it is exactly one of the options a page offers (``to_param`` of the
option), so nothing a URL carries is ever shown or queried as such.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

MAX_LENGTH = 100  # longer than any option's text: a longer value is refused unread
MAX_PARAMETERS = 20  # more than any page has
REQUEST_KEY = "requested_view"  # the view asked for before sign-in, kept in the session


def to_param(value: Any) -> str:
    """One value as a URL parameter: booleans as 1/0, numbers without a useless ``.0``."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def to_params(value: Any) -> list[str]:
    """A widget's value as the list of a parameter's values (several for a multiselect)."""
    if isinstance(value, list | tuple):
        return [to_param(v) for v in value]
    return [] if value is None else [to_param(value)]


def parse_choice(raw: Sequence[str], options: Sequence[Any]) -> tuple[Any, bool]:
    """The option a parameter names: ``(option, True)``; ``(None, False)`` when it names none.

    Refused: a repeated parameter, a value longer than :data:`MAX_LENGTH`, anything that is not
    exactly the parameter text of an option.
    """
    if len(raw) != 1 or len(raw[0]) > MAX_LENGTH:
        return None, False
    by_text = {to_param(o): o for o in options}
    return (by_text[raw[0]], True) if raw[0] in by_text else (None, False)


def parse_selection(raw: Sequence[str], options: Sequence[Any], max_items: int) -> tuple[list, bool]:
    """The options a repeated parameter names, in the URL's order without repeats: ``(list, True)``.

    ``([], False)`` when there are more than ``max_items`` values or any is not an option.
    One empty value (``?countries=``) is an empty selection.
    """
    if list(raw) == [""]:
        return [], True
    if len(raw) > max_items or any(len(v) > MAX_LENGTH for v in raw):
        return [], False
    by_text = {to_param(o): o for o in options}
    if any(v not in by_text for v in raw):
        return [], False
    return [by_text[v] for v in dict.fromkeys(raw)], True


def parse_number(raw: Sequence[str], low: float, high: float) -> tuple[float | None, bool]:
    """A finite number within ``[low, high]``: ``(number, True)``; else ``(None, False)``."""
    if len(raw) != 1 or len(raw[0]) > 20:
        return None, False
    try:
        number = float(raw[0])
    except ValueError:
        return None, False
    return (number, True) if math.isfinite(number) and low <= number <= high else (None, False)


def query_string(params: Mapping[str, Sequence[str]]) -> str:
    """``?a=1&b=x&b=y`` for a page's parameters (empty when there are none), safely encoded."""
    from urllib.parse import urlencode

    pairs = [(k, v) for k, values in params.items() for v in values]
    return f"?{urlencode(pairs)}" if pairs else ""


def view_url(page_url: str, params: Mapping[str, Sequence[str]]) -> str:
    """The address of a view: the page's address (without any query) and its parameters."""
    return page_url.split("?", 1)[0].split("#", 1)[0] + query_string(params)


def bounded_query(query: Mapping[str, Sequence[str]], max_items: int = 50) -> dict[str, list[str]]:
    """A URL's query as kept before sign-in: at most :data:`MAX_PARAMETERS` names, each with at most
    ``max_items + 1`` values of at most ``MAX_LENGTH + 1`` characters.

    Cut just past every limit, so that what was too long or too many is still refused by the
    page (with its notice) after sign-in, and a hostile URL cannot fill the session.
    """
    kept: dict[str, list[str]] = {}
    for name, values in list(query.items())[:MAX_PARAMETERS]:
        if len(name) <= MAX_LENGTH:
            kept[name] = [v[: MAX_LENGTH + 1] for v in list(values)[: max_items + 1]]
    return kept


def remember_request(state: Any, page: str | None, query: Mapping[str, Sequence[str]]) -> None:
    """Before the sign-in form: keep the page (its URL path; "" for the start page) and query
    asked for, so that the view is shown after sign-in. The first request of the session wins
    (the sign-in page's own reruns carry no page). Nothing is kept for a bare start page."""
    if REQUEST_KEY in state or (not page and not query):
        return
    name = (page or "")[:MAX_LENGTH]
    state[REQUEST_KEY] = (name, bounded_query(query))


def take_request(state: Any, url_paths: Iterable[str]) -> tuple[str, dict[str, list[str]]] | None:
    """After sign-in: the view asked for before it, once (``(url_path, query)``), else None.

    ``url_paths``: every page of the app (not only the user's: a page the role may not open is
    still returned, so that it gets its refusal). Any other page becomes "" (the start page),
    and a bare start page is no request.
    """
    request = state.pop(REQUEST_KEY, None) if REQUEST_KEY in state else None
    if not request:
        return None
    page, query = request
    page = page if page in set(url_paths) else ""
    return (page, dict(query)) if page or query else None


def choice_of(options: Sequence[Any]) -> Callable[[Sequence[str]], tuple[Any, bool]]:
    """The parser of a parameter that names one of ``options`` (for lib.webapp.linked)."""
    kept = list(options)
    return lambda raw: parse_choice(raw, kept)


def selection_of(
    options: Sequence[Any], max_items: int | None = None
) -> Callable[[Sequence[str]], tuple[list, bool]]:
    """The parser of a repeated parameter naming several of ``options`` (at most ``max_items``)."""
    kept = list(options)
    return lambda raw: parse_selection(raw, kept, max_items or len(kept))


def number_between(low: float, high: float) -> Callable[[Sequence[str]], tuple[float | None, bool]]:
    """The parser of a parameter that is a number within ``[low, high]``."""
    return lambda raw: parse_number(raw, low, high)
