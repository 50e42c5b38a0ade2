"""The working languages: gettext catalogues (Babel) and locale-aware dates and numbers.

Texts are marked with ``_("...")`` (translated now) or ``N_("...")`` (marked for the
catalogue, translated later, e.g. in tables of vocabulary labels). The catalogues are
``locale/<lang>/LC_MESSAGES/messages.po``, extracted with Babel (see README,
Translations). The language of the current script run is a context variable: Streamlit
runs each session's script in its own thread, so one user's choice never leaks into
another's run.

With ``I18N_STRICT=1`` (the test suite sets it) a text missing from a catalogue raises
instead of falling back to English, so an untranslated label fails a test.

Dates and numbers follow CLDR through Babel (English as en_GB: 17 November 2008); charts get
the same number and month formats as Vega-Lite's ``config.locale`` (:func:`vega_locale`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal, localcontext
from functools import cache
from typing import Any

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_skeleton
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from lib.paths import ROOT

LANGUAGES = {"en": "English", "fr": "Français", "es": "Español"}
DEFAULT_LANGUAGE = "en"
# The CLDR locale of each language: United Nations English is British (17 November 2008).
LOCALES = {"en": "en_GB", "fr": "fr", "es": "es"}
LOCALE_DIR = ROOT / "locale"
DOMAIN = "messages"

_language: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


class MissingTranslation(KeyError):
    """A marked text has no translation in the current language's catalogue (strict mode)."""


def strict() -> bool:
    return os.environ.get("I18N_STRICT", "") == "1"


def set_language(lang: str | None) -> str:
    """Use ``lang`` for the rest of this run (unknown codes fall back to English)."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    _language.set(lang)
    return lang


def get_language() -> str:
    return _language.get()


@contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Use ``lang`` inside the block only (e.g. a deferred download built in another thread)."""
    token = _language.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield _language.get()
    finally:
        _language.reset(token)


@cache
def catalog(lang: str) -> dict[str, str]:
    """msgid -> msgstr of a language's catalogue (translated, non-fuzzy entries only)."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return {}
    with path.open("rb") as f:
        cat = read_po(f, locale=lang)
    return {m.id: m.string for m in cat if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


def gettext(message: str, **values: object) -> str:
    """``message`` in the current language, with ``{name}`` fields filled from ``values``."""
    lang = _language.get()
    text = message
    if lang != DEFAULT_LANGUAGE:
        translated = catalog(lang).get(message)
        if translated is None:
            if strict():
                raise MissingTranslation(f"[{lang}] {message!r}")
        else:
            text = translated
    return text.format(**values) if values else text


_ = gettext


def N_(message: str) -> str:  # noqa: N802  (the gettext convention)
    """Mark a text for the catalogue without translating it yet."""
    return message


# Labels of the codes stored in the data (the data and CSV downloads keep the codes).
VOCABULARY = {
    "not_started": N_("not started"),
    "limited": N_("limited"),
    "substantial": N_("substantial"),
    "completed": N_("completed"),
    "on_track": N_("on track"),
    "at_risk": N_("at risk"),
    "off_track": N_("off track"),
    "improved": N_("improved"),
    "declined": N_("declined"),
    "unchanged": N_("unchanged"),
    "new": N_("new"),
    "dropped": N_("dropped"),
    "reopened": N_("reopened"),
    "not_reported": N_("not reported"),
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
    "rule_of_law": N_("rule of law"),
    "mainstreaming": N_("mainstreaming"),
    "mdgs": N_("MDGs"),
    "action2": N_("action 2"),
    "peace_security": N_("peace and security"),
    "other": N_("other"),
    "open": N_("open"),
    "in_progress": N_("in progress"),
    "training": N_("training"),
    "hr_adviser": N_("human rights adviser"),
    "learning_package": N_("learning package"),
    "protection_system": N_("protection system"),
    "treaty_reporting": N_("treaty reporting"),
    "planned": N_("planned"),
    "ongoing": N_("ongoing"),
    "cancelled": N_("cancelled"),
    "total": N_("total"),
    "female": N_("female"),
    "male": N_("male"),
    "urban": N_("urban"),
    "rural": N_("rural"),
    "partner": N_("partner agency"),
    "hc_office": N_("High Commissioner's office"),
    "staff": N_("staff"),
    "admin": N_("administrator"),
    "structural": N_("structural"),
    "process": N_("process"),
    "outcome": N_("outcome"),
    "on track": N_("on track"),
    "substantial progress": N_("substantial progress"),
    "moderate progress": N_("moderate progress"),
    "slow progress": N_("slow progress"),
    "moderate deterioration": N_("moderate deterioration"),
    "substantial deterioration": N_("substantial deterioration"),
    "moving away": N_("moving away"),
    "insufficient data": N_("insufficient data"),
    "not rated": N_("not rated"),
    "widened": N_("widened"),
    "narrowed": N_("narrowed"),
    "better": N_("better"),
    "worse": N_("worse"),
    "plan areas": N_("plan areas"),
    # kinds of New York work, requesting bodies (stored as these names), loads and methods
    "meeting": N_("meeting"),
    "briefing": N_("briefing"),
    "written_input": N_("written input"),
    "report": N_("report"),
    "consultation": N_("consultation"),
    "Security Council": N_("Security Council"),
    "General Assembly": N_("General Assembly"),
    "ECOSOC": N_("ECOSOC"),
    "Peacebuilding Commission": N_("Peacebuilding Commission"),
    "Human Rights Council": N_("Human Rights Council"),
    "Secretary-General": N_("Secretary-General"),
    "Executive Committee on Peace and Security": N_("Executive Committee on Peace and Security"),
    "UNDG": N_("UNDG"),
    "DPKO": N_("DPKO"),
    "DPA": N_("DPA"),
    "Other": N_("Other"),
    "within capacity": N_("within capacity"),
    "over capacity": N_("over capacity"),
    "cagr": N_("CAGR"),
    "target": N_("target"),
    "none": N_("none"),
    "increase": N_("increase"),
    "decrease": N_("decrease"),
    "error": N_("error"),
    "warning": N_("warning"),
    "sex": N_("sex"),
    "location": N_("location"),
}


def label(code: object) -> str:
    """The display label of a stored code in the current language (unknown codes as they are)."""
    if not isinstance(code, str):
        text = "" if code is None else str(code)
        return "" if text in ("nan", "NaT", "<NA>") else text  # no code at all: never "nan"
    key = VOCABULARY.get(code)
    return gettext(key) if key else code


def label_expr(codes: list[str]) -> str:
    """A Vega expression mapping codes to their labels, for legends and axes (``labelExpr``)."""
    mapping = {c: label(c) for c in codes}
    return f"{json.dumps(mapping, ensure_ascii=False)}[datum.label] || datum.label"


def territories(lang: str) -> dict[str, str]:
    """CLDR names of countries and territories in ``lang``, by ISO 3166-1 alpha-2 code."""
    return dict(_cldr(lang).territories)


def _locale() -> Locale:
    return _cldr(_language.get())


@cache
def _cldr(lang: str) -> Locale:
    return Locale.parse(LOCALES.get(lang, lang))


def fmt_date(value: date | datetime | None, fmt: str = "long") -> str:
    """A date as the language writes it (17 November 2008, 17 novembre 2008, 17 de noviembre de 2008)."""
    if value is None or value != value:  # None or NaT
        return ""
    if hasattr(value, "date"):
        value = value.date()
    return _babel_date(value, format=fmt, locale=_locale())


def fmt_month(value: date | datetime | None, abbreviated: bool = False) -> str:
    """A month as the language writes it (December 2008, décembre 2008, diciembre de 2008; Dec 2008)."""
    if value is None or value != value:
        return ""
    if hasattr(value, "date"):
        value = value.date()
    return format_skeleton("yMMM" if abbreviated else "yMMMM", value, locale=_locale())


def _rounded(value: float | int, decimals: int) -> Decimal:
    # Python's own rounding, so every language shows the digits an f-string would.
    return Decimal(f"{value:.{decimals}f}")


def fmt_number(value: float | int | None, decimals: int = 0, *, trim: bool = False) -> str:
    """A number with the language's separators (1,234.5 / 1 234,5 / 1.234,5).

    ``trim``: at most ``decimals`` decimals, trailing zeros dropped (2.5, not 2.50).
    """
    if value is None or value != value:
        return ""
    places = ("#" if trim else "0") * decimals
    pattern = "#,##0" + ("." + places if decimals else "")
    number = _rounded(value, decimals)
    if not number.is_finite():
        return str(value)
    # Babel rounds in the current decimal context (28 digits): a value of 1e27 or more with
    # decimals would raise InvalidOperation, so the context holds every digit of the number.
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, len(number.as_tuple().digits) + decimals + 2)
        text = format_decimal(number, format=pattern, locale=_locale())
    return text.lstrip("-\u2212") if number == 0 else text


def fmt_signed(value: float | int | None, decimals: int = 0) -> str:
    """A change with its sign (+4, -1, ±0 written +0)."""
    if value is None or value != value:
        return ""
    text = fmt_number(abs(value), decimals)
    return ("-" if value < 0 else "+") + text


def fmt_percent(value: float | None, decimals: int = 0) -> str:
    """A share as a percentage in the language's own pattern (84%, 84 %)."""
    if value is None or value != value:
        return ""
    loc = _locale()
    rounded = _rounded(value * 100, decimals)
    if not rounded.is_finite():
        return str(value)
    with localcontext() as ctx:  # as in fmt_number: room for every digit of a huge share
        ctx.prec = max(ctx.prec, len(rounded.as_tuple().digits) + decimals + 4)
        share = rounded / 100
        if not decimals:
            return format_percent(share, locale=loc)
        pattern = loc.percent_formats[None].pattern.replace("#,##0", "#,##0." + "0" * decimals)
        return format_percent(share, format=pattern, locale=loc)


def _symbols(loc: Locale) -> dict[str, str]:
    symbols = loc.number_symbols
    return symbols.get("latn", symbols) if hasattr(symbols, "get") else symbols


@cache
def _vega_locale(lang: str) -> dict[str, Any]:
    loc = _cldr(lang)
    sym = _symbols(loc)
    days = loc.days["format"]
    months = loc.months["format"]
    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # CLDR counts from Monday, d3 from Sunday
    return {
        "number": {
            "decimal": sym["decimal"],
            "thousands": sym["group"],
            "grouping": [3],
            "currency": ["", ""],
            "percent": "%" if lang == "en" else "\u202f%",
            "minus": "-",
        },
        "time": {
            "dateTime": "%x, %X",
            "date": "%d/%m/%Y",
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": [days["wide"][i] for i in sunday_first],
            "shortDays": [days["abbreviated"][i] for i in sunday_first],
            "months": [months["wide"][i] for i in range(1, 13)],
            "shortMonths": [months["abbreviated"][i] for i in range(1, 13)],
        },
    }


def vega_locale() -> dict[str, Any]:
    """Number and time formats of the current language for Vega-Lite (``config.locale``)."""
    return json.loads(json.dumps(_vega_locale(_language.get())))  # a fresh copy each time
