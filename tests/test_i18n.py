"""Languages (issue 7): catalogues complete, every page and the briefing pack in French and Spanish.

The session runs with ``I18N_STRICT=1`` (tests/conftest.py): a marked text missing from a
catalogue raises lib.i18n.MissingTranslation, which AppTest reports as an exception.
"""

from __future__ import annotations

import ast
import io
import json
import re
from datetime import date

import pandas as pd
import pytest
import streamlit as st
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from pypdf import PdfReader
from sqlalchemy import select

from lib import auth, briefing, i18n, tables
from lib.db import make_engine
from lib.domains.action_points import views as ap_views
from lib.models import AuditEvent
from lib.navigation import PAGES
from lib.paths import ROOT
from tests.conftest import ROLE_USERS

LANGS = ("fr", "es")
FIELD = re.compile(r"\{(\w*)[^{}]*\}")
# What each language writes for the seed's latest round (meeting 8 December 2008, cut-off 17 November).
MEETING = {"fr": "8 décembre 2008", "es": "8 de diciembre de 2008"}
CUTOFF = {"fr": "17 novembre 2008", "es": "17 de noviembre de 2008"}
TITLES = {
    "fr": {
        "pages/briefing.py": "Synthèse d'information",
        "pages/mdg.py": "Indicateurs des OMD fondés sur les droits",
    },
    "es": {
        "pages/briefing.py": "Resumen informativo",
        "pages/mdg.py": "Indicadores de los ODM basados en los derechos",
    },
}


@pytest.fixture(autouse=True)
def english_afterwards():
    """Each test starts and ends in English (the language is per thread of execution)."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


# --- (a) The catalogues ------------------------------------------------------------------------------


def extracted() -> dict[str, list[str]]:
    """Every message the code marks (babel.cfg's files, keywords _ and N_), with where it is."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        if isinstance(message, str) and message:
            found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


def po(lang: str):
    with (ROOT / "locale" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


def test_the_code_marks_hundreds_of_texts_and_the_template_has_them_all():
    messages = extracted()
    assert len(messages) > 500
    with (ROOT / "locale" / "messages.pot").open("rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    assert set(messages) <= template, sorted(set(messages) - template)[:20]


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_has_a_translation_with_the_same_fields(lang):
    catalog = {m.id: m for m in po(lang) if m.id}
    problems = []
    for message, where in extracted().items():
        entry = catalog.get(message)
        if entry is None or not entry.string:
            problems.append(f"untranslated ({where[0]}): {message!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy ({where[0]}): {message!r}")
        elif sorted(FIELD.findall(message)) != sorted(FIELD.findall(entry.string)):
            problems.append(f"fields differ ({where[0]}): {message!r} -> {entry.string!r}")
    assert not problems, "\n".join(problems[:30])
    assert not [m.id for m in po(lang) if m.id and m.fuzzy], "no fuzzy entries"


def test_no_translated_call_hides_in_an_f_string():
    """Babel reads _("...") literals only: a call inside an f-string, or an f-string msgid, escapes it."""
    found = []
    for path in [
        ROOT / "dashboard.py",
        *sorted((ROOT / "pages").glob("*.py")),
        *sorted((ROOT / "lib").rglob("*.py")),
    ]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            calls = [node] if isinstance(node, ast.Call) else []
            for call in calls:
                if not (isinstance(call.func, ast.Name) and call.func.id in ("_", "N_") and call.args):
                    continue
                if isinstance(call.args[0], ast.JoinedStr):
                    found.append(f"{path.name}:{call.lineno} f-string msgid")
            if isinstance(node, ast.JoinedStr):
                for sub in ast.walk(node):
                    if (
                        isinstance(sub, ast.Call)
                        and isinstance(sub.func, ast.Name)
                        and sub.func.id in ("_", "N_")
                        and sub.args
                        and isinstance(sub.args[0], ast.Constant)
                    ):
                        found.append(f"{path.name}:{sub.lineno} _() inside an f-string")
    assert not found, found


def test_strict_mode_raises_on_a_missing_text():
    i18n.set_language("fr")
    with pytest.raises(i18n.MissingTranslation):
        i18n.gettext("A sentence nobody marked for translation")
    assert i18n.gettext("Contents") == "Sommaire"
    i18n.set_language("en")
    assert (
        i18n.gettext("A sentence nobody marked for translation") == "A sentence nobody marked for translation"
    )


# --- (b) Every page in French and Spanish -----------------------------------------------------------


def shown_texts(at) -> list[str]:
    """The words a page shows: titles, messages, labels of widgets, options, tabs and metrics."""
    texts = []
    for kind in (
        "title",
        "header",
        "subheader",
        "caption",
        "markdown",
        "info",
        "warning",
        "error",
        "success",
    ):
        texts += [e.value for e in getattr(at, kind)]
    for kind in (
        "button",
        "selectbox",
        "multiselect",
        "radio",
        "toggle",
        "checkbox",
        "text_input",
        "number_input",
    ):
        for e in getattr(at, kind):
            texts.append(e.label)
            texts += [str(o) for o in getattr(e, "options", [])]
    texts += [e.label for e in at.expander] + [e.label for e in at.tabs] + [e.label for e in at.metric]
    texts += [e.proto.label for e in at.get("download_button")]
    return texts


def english_only() -> set[str]:
    """Marked texts whose translations differ from the English (so finding one means it escaped _())."""
    fr, es = (dict((m.id, m.string) for m in po(lang) if m.id) for lang in LANGS)
    return {m for m in fr if fr[m] != m and es.get(m) != m and len(m) > 3}


PAGE_IDS = [p.path.split("/")[-1][:-3] for p in PAGES]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_every_page_runs_in_the_language(make_app, page, lang):
    at = make_app(page.path, role="admin")
    at.session_state["language"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]  # a MissingTranslation would be here
    with i18n.language(lang):
        assert at.title[0].value == i18n.gettext(page.title) != page.title
    escaped = [t for t in shown_texts(at) if t in english_only()]
    assert not escaped, f"English left on {page.path}: {escaped}"
    if page.path in TITLES[lang]:
        assert at.title[0].value == TITLES[lang][page.path]
    if page.path not in (
        "pages/upload.py",
        "pages/history.py",
        "pages/users.py",
        "pages/audit.py",
        "pages/review.py",
    ):
        caption = " ".join(c.value for c in at.caption)
        assert MEETING[lang] in caption and CUTOFF[lang] in caption, caption


@pytest.mark.parametrize("lang", LANGS)
def test_known_words_on_the_pages(make_app, lang):
    at = make_app("pages/action_points.py", role="staff")
    at.session_state["language"] = lang
    at.run()
    assert not at.exception
    expected = {
        "fr": ("Points d'action", "Cycle **2008-H2**", "date butoir"),
        "es": ("Puntos de acción", "Ronda **2008-H2**", "fecha de corte"),
    }
    title, shown, cutoff = expected[lang]
    assert at.title[0].value == title
    caption = " ".join(c.value for c in at.caption)
    assert shown in caption and cutoff in caption
    with i18n.language(lang):
        statuses = {i18n.label(s) for s in ("not_started", "limited", "substantial", "completed")}
    table = next(df for df in at.dataframe if "percent_complete" in df.value.columns)
    assert set(table.value["status"]) <= statuses
    mdg = make_app("pages/mdg.py", role="staff")
    mdg.session_state["language"] = lang
    mdg.run()
    assert not mdg.exception
    assert [t.label for t in mdg.tabs][:2] == {
        "fr": ["Évolution", "Notation des progrès"],
        "es": ["Tendencia", "Calificación de los progresos"],
    }[lang]


def test_on_screen_tables_show_labels_and_keep_the_codes(make_app):
    at = make_app("pages/action_points.py", role="staff")
    at.session_state["language"] = "fr"
    at.run()
    table = next(df for df in at.dataframe if "percent_complete" in df.value.columns)
    # AppTest reads the frame as sent: its column names are the codes', its values the labels.
    assert "status" in table.value.columns
    assert set(table.value["status"]) <= {"non commencé", "limité", "substantiel", "achevé"}
    headers = {c: v["label"] for c, v in json.loads(table.proto.columns).items() if "label" in v}
    assert headers["status"] == "État" and headers["percent_complete"] == "% achevé"
    at.session_state["language"] = "en"
    at.run()
    table = next(df for df in at.dataframe if "percent_complete" in df.value.columns)
    assert set(table.value["status"]) <= {"not started", "limited", "substantial", "completed"}
    # Issue 16: English tables show labelled headers too; only the CSV downloads keep the names.
    headers = {c: v["label"] for c, v in json.loads(table.proto.columns).items() if "label" in v}
    assert headers["status"] == "Status" and headers["percent_complete"] == "% complete"


# --- (c) The briefing pack ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def packs(seeded_template):
    """The pack of 2008-H2 in each language (with two MDG indicators, to keep the build short)."""
    eng = make_engine(f"sqlite:///{seeded_template}")
    out = {}
    try:
        for lang in ("en", *LANGS):
            with i18n.language(lang):
                pdf = briefing.build_pack(eng, "2008-H2", mdg_indicators=("4.1", "7.8"))
            out[lang] = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    finally:
        eng.dispose()
    return out


def _lines(text: str) -> list[str]:
    return [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]


PACK_WORDS = {
    "fr": {
        "cover": (
            "Dossier d'information",
            "Cycle de consultations 2008-H2",
            "Date de la réunion 8 décembre 2008",
        ),
        "toc": "Sommaire",
        "sections": (
            "L'essentiel",  # issue 16: the brief page replaces "what changed"
            "Messages clés",
            "Points d'action",
            "Annexe : tous les points d'action et leur état",
        ),
        "page": "Page {n} sur {m}",
        "cutoff": "données au 17 novembre 2008",
    },
    "es": {
        "cover": (
            "Carpeta informativa",
            "Ronda de consultas 2008-H2",
            "Fecha de la reunión 8 de diciembre de 2008",
        ),
        "toc": "Índice",
        "sections": (
            "En resumen",
            "Mensajes clave",
            "Puntos de acción",
            "Anexo: todos los puntos de acción y su estado",
        ),
        "page": "Página {n} de {m}",
        "cutoff": "datos al 17 de noviembre de 2008",
    },
}


@pytest.mark.parametrize("lang", LANGS)
def test_briefing_pack_in_the_language(packs, lang):
    pages, words = packs[lang], PACK_WORDS[lang]
    cover = " ".join(_lines(pages[0]))
    for text in words["cover"]:
        assert text in cover, text
    toc = _lines(pages[2])  # after the cover and the brief page (issue 16)
    assert words["toc"] in toc and "Contents" not in toc
    body = " ".join(" ".join(_lines(p)) for p in pages)
    for heading in words["sections"]:
        assert heading in body, heading
    assert words["cutoff"] in " ".join(_lines(pages[2]))  # the running header's date
    n = len(pages)
    for i, text in enumerate(pages, start=1):
        assert words["page"].format(n=i, m=n) in text
    for english in ("Briefing pack", "Key messages", "Meeting date", "Data sources and notes", "Page 1 of"):
        assert english not in body, english


def _integers(text: str) -> list[int]:
    """The whole numbers of a text, whatever the language's thousands separator."""
    joined = re.sub(r"(?<=\d)[,.\u202f\u00a0 ](?=\d{3}\b)", "", text)
    return [int(n) for n in re.findall(r"(?<![\w-])\d+(?![\w-])", joined)]


@pytest.mark.parametrize("lang", LANGS)
def test_briefing_pack_figures_are_the_same_in_every_language(packs, lang):
    assert len(packs[lang]) == len(packs["en"])
    # The brief page (issue 16: it replaced the summary page): the same figures, in the same order.
    brief_en, brief = packs["en"][1], packs[lang][1]
    assert _integers(brief) == _integers(brief_en)
    body_en, body = " ".join(packs["en"]), " ".join(packs[lang])
    assert "1,103" in body_en and {"fr": "1\u202f103", "es": "1.103"}[lang] in body


# --- (d) Dates and numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "long_date", "month", "number", "percent", "signed"),
    [
        ("en", "17 November 2008", "November 2008", "1,234,567.5", "84%", "-328"),
        ("fr", "17 novembre 2008", "novembre 2008", "1\u202f234\u202f567,5", "84\u00a0%", "-328"),
        ("es", "17 de noviembre de 2008", "noviembre de 2008", "1.234.567,5", "84\u00a0%", "-328"),
    ],
)
def test_dates_and_numbers_in_the_language(lang, long_date, month, number, percent, signed):
    i18n.set_language(lang)
    assert i18n.fmt_date(date(2008, 11, 17)) == long_date
    assert i18n.fmt_date(pd.Timestamp("2008-11-17")) == long_date
    assert i18n.fmt_month(date(2008, 11, 1)) == month
    assert i18n.fmt_number(1234567.5, 1) == number
    assert i18n.fmt_percent(0.844) == percent
    assert i18n.fmt_signed(-328) == signed and i18n.fmt_signed(0) == "+0" and i18n.fmt_signed(4) == "+4"
    assert i18n.fmt_date(None) == i18n.fmt_number(None) == i18n.fmt_percent(float("nan")) == ""


def test_numbers_round_as_python_does():
    # The same digits in every language as the English f-strings gave (2.675 is 2.67499... in binary).
    for lang in ("en", *LANGS):
        i18n.set_language(lang)
        assert i18n.fmt_number(2.675, 2, trim=True).replace(",", ".") == f"{2.675:.2f}"
        assert i18n.fmt_number(2.5, 2, trim=True).replace(",", ".") == "2.5"
        assert i18n.fmt_number(-0.001, 2, trim=True) == "0"
        assert i18n.fmt_percent(0.125) == i18n.fmt_percent(0.12)  # 12.5 rounds to even, as f"{:.0%}"


def test_unknown_language_falls_back_to_english():
    assert i18n.set_language("de") == "en" and i18n.get_language() == "en"
    with i18n.language("es"):
        assert i18n.get_language() == "es"
    assert i18n.get_language() == "en"


def test_labels_and_vega_locale():
    i18n.set_language("fr")
    assert (
        i18n.label("not_started") == "non commencé"
        and i18n.label("UNDP") == "UNDP"
        and i18n.label(None) == ""
    )
    assert '"on_track": "en bonne voie"' in i18n.label_expr(["on_track"])
    loc = i18n.vega_locale()
    assert loc["number"]["decimal"] == "," and loc["time"]["months"][11] == "décembre"
    assert loc["time"]["days"][0] == "dimanche"  # d3 counts from Sunday


def test_labelled_maps_codes_and_leaves_the_rest():
    df = pd.DataFrame(
        {"status": ["not_started", "completed", None], "summary": ["completed", "x", "y"], "n": [1, 2, 3]}
    )
    i18n.set_language("es")
    out = tables.labelled(df)
    assert out["status"].tolist()[:2] == ["no iniciado", "completado"] and pd.isna(out["status"].iloc[2])
    assert out["summary"].tolist() == ["completed", "x", "y"], "free text is never relabelled"
    assert df["status"].iloc[0] == "not_started", "the frame itself keeps its codes"
    assert tables.labelled(df, ["summary"])["summary"].iloc[0] == "completado"
    i18n.set_language("en")
    assert tables.labelled(df)["status"].tolist()[:2] == ["not started", "completed"]


def test_point_texts_stay_english_unless_the_data_translates_them():
    df = pd.DataFrame({"text": ["Plan text A", "Plan text B"], "text_fr": ["Texte A", ""]})
    assert tables.localised_text(df, lang="fr").tolist() == ["Texte A", "Plan text B"]
    assert tables.localised_text(df, lang="es").tolist() == ["Plan text A", "Plan text B"]
    assert tables.localised_text(df, lang="en").tolist() == ["Plan text A", "Plan text B"]


def test_cluster_titles_and_country_names():
    i18n.set_language("fr")
    assert ap_views.cluster_label("A", "Country engagement") == "Engagement dans les pays"
    assert ap_views.cluster_label("A", "A title from an upload") == "A title from an upload"
    names = pd.Series({"BRA": "Brazil", "XKX": "Kosovo", "ZZZ": "Zedland"})
    assert tables.localised_countries(names, "es").tolist() == ["Brasil", "Kosovo", "Zedland"]
    assert tables.localised_countries(names, "en").tolist() == ["Brazil", "Kosovo", "Zedland"]


# --- (e) Choosing the language -------------------------------------------------------------------------


def test_set_language_validates_and_is_audited(seeded_db_url):
    eng = make_engine(seeded_db_url)
    try:
        user = auth.set_language(eng, ROLE_USERS["staff"], "fr")
        assert user["language"] == "fr" and auth.get_user(eng, ROLE_USERS["staff"])["language"] == "fr"
        with pytest.raises(ValueError, match="Unknown language"):
            auth.set_language(eng, ROLE_USERS["staff"], "de")
        with eng.connect() as conn:
            actions = list(conn.execute(select(AuditEvent.action, AuditEvent.detail)).all())
        assert ("user.language", f"username={ROLE_USERS['staff']} language=en->fr") in actions
    finally:
        eng.dispose()


def test_switching_language_in_the_sidebar_changes_the_menu(make_app, seeded_db_url, monkeypatch):
    menus: list[list[str]] = []
    navigation = st.navigation

    def recording(pages, *args, **kwargs):
        menus.append([p.title for p in pages])
        return navigation(pages, *args, **kwargs)

    monkeypatch.setattr(st, "navigation", recording)
    at = make_app("dashboard.py", role="admin")
    at.run()
    assert not at.exception
    assert menus[-1] == [p.title for p in PAGES]
    at.sidebar.selectbox(key="language").set_value("es")
    at.run()  # the callback stores the choice on the user
    assert not at.exception
    assert auth.get_user(make_engine(seeded_db_url), ROLE_USERS["admin"])["language"] == "es"
    at.switch_page("dashboard.py")
    at.run()
    assert not at.exception
    with i18n.language("es"):
        assert menus[-1] == [i18n.gettext(p.title) for p in PAGES]
    assert menus[-1][:2] == ["Resumen informativo", "Puntos de acción"]
    assert any("Sesión iniciada como" in c.value for c in at.sidebar.markdown)


def test_stored_language_applies_at_sign_in(make_app, seeded_db_url):
    eng = make_engine(seeded_db_url)
    auth.set_language(eng, ROLE_USERS["hc_office"], "fr")
    eng.dispose()
    at = make_app("pages/briefing.py", role="hc_office")
    at.run()
    assert not at.exception
    assert at.title[0].value == "Synthèse d'information"
    assert [b for b in at.button if b.label == "Préparer le dossier d'information"]


def test_sign_in_page_choice_is_for_the_session_else_the_stored_language(make_app, seeded_db_url):
    from tests.conftest import TEST_PASSWORD

    eng = make_engine(seeded_db_url)
    auth.set_language(eng, ROLE_USERS["staff"], "es")
    at = make_app()
    at.run()
    at.radio(key="language").set_value("fr").run()
    assert not at.exception and at.title[0].value == "Tableau de bord des consultations"
    at.text_input[0].input(ROLE_USERS["staff"])
    at.text_input[1].input(TEST_PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert any("Connecté en tant que" in c.value for c in at.sidebar.markdown)
    assert auth.get_user(eng, ROLE_USERS["staff"])["language"] == "es", "a sign-in page choice is not stored"
    # Signing in without choosing: the stored language applies.
    at = make_app()
    at.run()
    at.text_input[0].input(ROLE_USERS["staff"])
    at.text_input[1].input(TEST_PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert any("Sesión iniciada como" in c.value for c in at.sidebar.markdown)
    eng.dispose()
