"""Issue 16: staff prepare the briefing (key messages reworded, dropped or added; the pack's MDG
indicators and countries), per round, stored as one-row uploads: previewed, audited, revertible.

Pure tests of the merge, database tests on SQLite and PostgreSQL, AppTests of the page per role.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pandas as pd
import pytest
from pypdf import PdfReader
from sqlalchemy import Engine

from lib import audit, briefing, datasets, edits, i18n, ingest, messages, overview, preparation, tables
from lib.briefing import data as pack_data
from lib.briefing.brief import overflowing_languages
from lib.db import make_engine
from lib.exports import to_csv_bytes
from lib.i18n import _
from lib.messages import Edit, Message
from tests.conftest import BACKENDS
from tests.test_ingest_db import snapshot
from tests.test_upload_pages import HISTORY, run, texts

ROUND = "2008-H2"
PAGE = "pages/briefing_edit.py"
COMPUTED = [Message("a", "A computed."), Message("b", "B computed."), Message("c", "C computed.")]

# --- The merge (pure) ---------------------------------------------------------------------------


def test_reworded_in_place_dropped_absent_added_at_their_places():
    edits_ = [
        Edit("b", "reword", "B in staff's words."),
        Edit("c", "drop"),
        Edit("staff-2", "add", "Second added.", 4),
        Edit("staff-1", "add", "First added.", 1),
        Edit("a", "none"),
    ]
    merged = messages.merge(COMPUTED, edits_)
    assert [(m.key, m.text, m.origin) for m in merged.messages] == [
        ("staff-1", "First added.", "added"),
        ("a", "A computed.", "computed"),
        ("b", "B in staff's words.", "reworded"),
        ("staff-2", "Second added.", "added"),
    ]
    assert merged.dropped == [COMPUTED[2]] and merged.unmatched == []


def test_an_edit_whose_computed_message_is_gone_is_listed_not_applied():
    gone = [Edit("ap-declined", "reword", "Old words."), Edit("a2-stale", "drop")]
    merged = messages.merge(COMPUTED, [*gone, Edit("a", "reword", "A again.")])
    assert merged.unmatched == gone
    assert [m.text for m in merged.messages] == ["A again.", "B computed.", "C computed."]
    assert "Old words." in messages.unmatched_line(gone[0]) and "ap-declined" in messages.unmatched_line(
        gone[0]
    )


def test_a_position_past_the_end_goes_last_and_with_edit_replaces_the_same_key():
    merged = messages.merge(COMPUTED, [Edit("staff-1", "add", "Last.", 12)])
    assert merged.messages[-1].text == "Last."
    stored = [Edit("staff-1", "add", "Old.", 1)]
    assert messages.with_edit(stored, Edit("staff-1", "none")) == [Edit("staff-1", "none")]
    assert messages.merge(COMPUTED, messages.with_edit(stored, Edit("staff-1", "none"))).messages == COMPUTED


def test_texts_are_checked_in_the_readers_language():
    assert preparation.message_problem("add", "  ", [], "staff-1")
    assert "601" in preparation.message_problem("reword", "x" * 601, [], "a")
    assert preparation.message_problem("add", "two\nlines", [], "staff-1")
    full = [Edit(f"staff-{i}", "add", "t", i) for i in range(1, datasets.MAX_ADDED_MESSAGES + 1)]
    assert preparation.message_problem("add", "one more", full, "staff-9")
    assert preparation.message_problem("add", "changed", full, "staff-1") is None  # the same one, changed
    assert preparation.message_problem("drop", "", full, "a") is None
    assert preparation.choice_problem(["4.1", "5.1", "2.1"], [])
    assert preparation.choice_problem([], ["AAA"] * 9)
    assert preparation.new_key([Edit("staff-1", "add", "t", 1)], {"staff-2"}) == "staff-3"


def test_the_pack_limit_is_the_mdg_pages():
    assert datasets.MAX_PACK_COUNTRIES == pack_data.MAX_COUNTRIES


# --- The database: SQLite and PostgreSQL ---------------------------------------------------------


def _rounds(engine: Engine) -> None:
    from lib.seed import init

    init(engine, seed=False)  # the catalogues: indicators and countries
    raw = b"id,title,meeting_date,cutoff_date\n2008-H2,Second consultation of 2008,2008-12-08,2008-11-17\n"
    assert ingest.import_bytes(engine, "rounds", raw, "rounds.csv", user="t").upload_id


def _write(engine: Engine, opened: edits.Opened, values: dict) -> ingest.ImportResult:
    checked = edits.check(engine, opened, values, user="staff1")
    assert checked.ok, [p.message for p in checked.preview.result.problems]
    return edits.confirm(engine, checked, user="staff1")


@BACKENDS
def test_edits_are_stored_with_the_round_audited_and_reverted_exactly(engine):
    _rounds(engine)
    before = snapshot(engine, ["briefing_message", "briefing_choice"])
    add = preparation.message_values(ROUND, "staff-1", "add", "Welcome the adviser in Nepal.", 2)
    opened = preparation.open_message(engine, ROUND, "staff-1")
    checked = edits.check(engine, opened, add, user="staff1")
    assert checked.ok and snapshot(engine, ["briefing_message", "briefing_choice"]) == before  # a preview
    done = edits.confirm(engine, checked, user="staff1")
    drop = _write(
        engine,
        preparation.open_message(engine, ROUND, "ap-overdue"),
        preparation.message_values(ROUND, "ap-overdue", "drop"),
    )
    choice = _write(
        engine,
        preparation.open_choice(engine, ROUND),
        preparation.choice_values(ROUND, ["5.1", "4.1"], ["NGA", "ETH"]),
    )
    assert preparation.stored_edits(engine, ROUND) == [
        Edit("ap-overdue", "drop"),
        Edit("staff-1", "add", "Welcome the adviser in Nepal.", 2),
    ]
    assert preparation.stored_choice(engine, ROUND) == preparation.Choice(("4.1", "5.1"), ("ETH", "NGA"))
    log = audit.audit_log(engine)
    assert {f"upload {u.upload_id}" for u in (done, drop, choice)} <= {
        d.split(": ")[0].split(" ", 2)[-1] for d in log["detail"]
    }
    assert any("form-briefing-messages-2008-H2-staff-1.csv" in d for d in log["detail"])
    for u in (choice, drop, done):
        ingest.revert(engine, u.upload_id, user="staff1")
    assert snapshot(engine, ["briefing_message", "briefing_choice"]) == before
    assert (
        preparation.stored_edits(engine, ROUND) == []
        and preparation.stored_choice(engine, ROUND) == preparation.Choice()
    )


@BACKENDS
def test_the_pipeline_refuses_what_the_pack_cannot_hold(engine):
    _rounds(engine)
    bad = [
        ("briefing-choice", "round_id,indicator_codes,countries\n2008-H2,4.1; 5.1; 2.1,\n", "At most 2 indicators"),
        ("briefing-choice", "round_id,indicator_codes,countries\n2008-H2,,XXX\n", "is unknown"),
        ("briefing-choice", "round_id,indicator_codes,countries\n2008-H2,9.9,\n", "is unknown"),
        ("briefing-messages", "round_id,message_key,action,text,position\n2008-H2,staff-1,add,,1\n", "needs its text"),
        ("briefing-messages", "round_id,message_key,action,text,position\n2008-H2,a,drop,Words,\n", "Only a reworded"),
        ("briefing-messages", "round_id,message_key,action,text,position\n2008-H2,staff-1,add,Hi,\n", "needs its position"),
        ("briefing-messages", "round_id,message_key,action,text,position\n2008-H2,Bad Key,drop,,\n", "right form"),
        ("briefing-messages", f"round_id,message_key,action,text,position\n2008-H2,a,reword,{'x' * 601},\n", "longer than 600"),
    ]  # fmt: skip
    for dataset, raw, message in bad:
        res = ingest.import_bytes(engine, dataset, raw.encode(), "f.csv", user="t")
        assert not res.ok and any(message in p.message for p in res.problems), (raw, res.problems)
    assert snapshot(engine, ["briefing_message", "briefing_choice"]) == {
        "briefing_message": [],
        "briefing_choice": [],
    }


# --- The pack -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def prepared(seeded_template, tmp_path_factory) -> Iterator[Engine]:
    import shutil

    path = tmp_path_factory.mktemp("prepared") / "pack.db"
    shutil.copy(seeded_template, path)
    eng = make_engine(f"sqlite:///{path}")
    ov = overview.compute(eng, ROUND)
    computed = messages.key_messages(ov)
    assert {"ap-improved", "ap-overdue"} <= {m.key for m in computed}
    _write(
        eng,
        preparation.open_message(eng, ROUND, "ap-overdue"),
        preparation.message_values(ROUND, "ap-overdue", "drop"),
    )
    _write(
        eng,
        preparation.open_message(eng, ROUND, "ap-improved"),
        preparation.message_values(
            ROUND, "ap-improved", "reword", "Five action points improved; the research branch led two."
        ),
    )
    _write(
        eng,
        preparation.open_message(eng, ROUND, "staff-1"),
        preparation.message_values(
            ROUND, "staff-1", "add", "Welcome the adviser deployed to Nepal <b>today</b>.", 1
        ),
    )
    _write(
        eng,
        preparation.open_choice(eng, ROUND),
        preparation.choice_values(ROUND, ["5.1"], ["KEN", "BOL", "NPL"]),
    )
    yield eng
    eng.dispose()


@pytest.mark.parametrize("lang", ("en", "fr", "es"))
def test_the_pack_shows_the_stored_choice_and_edited_messages(prepared, lang):
    with i18n.language(lang):
        ov = overview.compute(prepared, ROUND)
        dropped = next(m.text for m in messages.key_messages(ov) if m.key == "ap-overdue")
        pages = [p.extract_text() for p in PdfReader(io.BytesIO(briefing.build_pack(prepared, ROUND))).pages]
        annex = _("Annex: every action point and its status")
        kenya = tables.country_labels(pd.Series(["KEN"])).iloc[0]
    brief = " ".join(pages[1].split())
    assert "Welcome the adviser deployed to Nepal <b>today</b>." in brief  # as written, no markup
    assert "Five action points improved; the research branch led two." in brief
    assert brief.index("Welcome the adviser") < brief.index("Five action points improved")  # its place: first
    assert " ".join(dropped.split())[:60] not in brief
    mdg = " ".join(" ".join(p.split()) for p in pages[2:])
    assert "5.1 " in mdg and "4.1 " not in mdg.split(annex)[0]  # the stored indicator, not the default
    assert kenya in mdg
    first = next(
        i for i, p in enumerate(pages) if [x.strip() for x in p.splitlines() if x.strip()][1:2] == [annex]
    )
    assert first <= 12, f"{first} pages before the annex in {lang}"


def test_a_brief_that_would_run_over_its_page_is_found(prepared):
    ov = overview.compute(prepared, ROUND)
    cutoff = "2008-11-17"
    stored = preparation.stored_edits(prepared, ROUND)
    assert overflowing_languages(ov, cutoff, stored) == []
    long = [
        *stored,
        *(Edit(f"staff-{i}", "add", "A long message for the principals. " * 17, i) for i in range(2, 5)),
    ]
    assert overflowing_languages(ov, cutoff, long) == ["en", "fr", "es"]


# --- The page, per role ----------------------------------------------------------------------------


@pytest.fixture
def db(seeded_db_url: str) -> Iterator[Engine]:
    eng = make_engine(seeded_db_url)
    yield eng
    eng.dispose()


@pytest.mark.parametrize("role", ["partner", "hc_office"])
def test_partner_and_hc_office_may_not_prepare_the_briefing(make_app, role):
    at = run(make_app, PAGE, role)
    assert not at.text_area and not at.multiselect and not at.button
    assert at.error or at.warning  # the guard's refusal


def test_staff_preview_then_confirm_then_revert(make_app, db):
    before = snapshot(db, ["briefing_message"])
    at = run(make_app, PAGE, "staff")
    assert any(t.value.startswith("1. ") for t in at.text)  # the messages as shown now
    at.selectbox(key="brief-msg-target-0").set_value("ap-overdue").run()
    at.radio(key="brief-msg-action-0-ap-overdue").set_value("reword").run()
    at.text_area(key="brief-msg-text-0-ap-overdue").set_value(
        "Thirteen points are overdue; **see** the annex."
    )
    next(b for b in at.button if b.label == "Preview the change").click().run()
    assert not at.exception, at.exception
    assert snapshot(db, ["briefing_message"]) == before  # the preview writes nothing
    shown = [t.value for t in at.text]
    assert any(
        "Thirteen points are overdue; **see** the annex." in s and "(reworded by staff)" in s for s in shown
    )
    next(b for b in at.button if b.label == "Confirm and save").click().run()
    assert not at.exception, at.exception
    assert preparation.stored_edits(db, ROUND) == [
        Edit("ap-overdue", "reword", "Thirteen points are overdue; **see** the annex.")
    ]
    brief = run(make_app, "pages/briefing.py", "staff")
    assert "• Thirteen points are overdue; **see** the annex." in [
        t.value for t in brief.text
    ]  # as text, not Markdown

    hist = run(make_app, HISTORY, "staff")
    upload_id = int(ingest.history(db).iloc[0]["id"])
    assert ingest.history(db).iloc[0]["filename"] == "form-briefing-messages-2008-H2-ap-overdue.csv"
    hist.selectbox[0].set_value(upload_id).run()
    hist.checkbox(key=f"revert-sure-{upload_id}").check().run()
    hist.button(key=f"revert-{upload_id}").click().run()
    assert not hist.exception, hist.exception
    assert snapshot(db, ["briefing_message"]) == before
    log = run(make_app, "pages/audit.py", "admin")
    shown = " ".join(str(v) for df in log.dataframe for v in df.value.to_numpy().ravel())
    assert "form-briefing-messages-2008-H2-ap-overdue.csv" in shown and "revert" in shown


def test_staff_text_too_long_for_the_page_is_refused_with_a_message(make_app, db):
    at = run(make_app, PAGE, "staff")
    new = "staff-1"  # "A new message"
    at.selectbox(key="brief-msg-target-0").set_value(new).run()
    at.text_area(key=f"brief-msg-text-0-{new}").set_value("A long message for the principals. " * 17)
    next(b for b in at.button if b.label == "Preview the change").click().run()
    assert not at.exception, at.exception
    assert any("would not fit its page" in s for s in texts(at.error))
    assert not [b for b in at.button if b.label == "Confirm and save"]
    assert preparation.stored_edits(db, ROUND) == []


def test_staff_choose_the_pack_indicators_and_countries(make_app, db):
    at = run(make_app, PAGE, "staff")
    at.multiselect(key="brief-choice-ind-0").set_value(["7.8"])
    at.multiselect(key="brief-choice-ctry-0").set_value(["KEN", "BOL", "NPL"])
    [b for b in at.button if b.label == "Preview the change"][-1].click().run()
    assert not at.exception, at.exception
    assert any("13 pages before its annex (at most 12)" in s for s in texts(at.error))  # its data need more
    assert not [b for b in at.button if b.label == "Confirm and save"]
    at.multiselect(key="brief-choice-ind-0").set_value(["5.1"])
    at.multiselect(key="brief-choice-ctry-0").set_value(["KEN", "NPL"])
    [b for b in at.button if b.label == "Preview the change"][-1].click().run()
    assert not at.exception, at.exception
    assert preparation.stored_choice(db, ROUND) == preparation.Choice()
    assert any(s.startswith("MDG indicators: 5.1 ") for s in (t.value for t in at.text))
    next(b for b in at.button if b.label == "Confirm and save").click().run()
    assert not at.exception, at.exception
    assert preparation.stored_choice(db, ROUND) == preparation.Choice(("5.1",), ("KEN", "NPL"))


def test_an_edit_the_data_no_longer_match_is_shown_to_staff(make_app, db):
    raw = b"round_id,message_key,action,text,position\n2008-H2,mdg-gone,reword,Old words.,\n"
    assert ingest.import_bytes(db, "briefing-messages", raw, "old.csv", user="staff1").upload_id
    at = run(make_app, PAGE, "staff")
    assert any("no longer match" in s for s in texts(at.warning))
    assert any("mdg-gone" in t.value and "Old words." in t.value for t in at.text)
    brief = run(make_app, "pages/briefing.py", "staff")
    assert any("no longer match" in s for s in texts(brief.warning))
    assert "Old words." not in " ".join(t.value for t in brief.text)
    hc = run(make_app, "pages/briefing.py", "hc_office")
    assert not any("no longer match" in s for s in texts(hc.warning))


def test_the_template_row_imports(engine):
    _rounds(engine)
    for name in ("briefing-messages", "briefing-choice"):
        raw = to_csv_bytes(ingest.template_frame(name)).replace(b"# example: ", b"", 1)
        assert ingest.import_bytes(engine, name, raw, "t.csv", user="t").ok


def test_the_cli_pack_uses_the_stored_choice(make_app, db, tmp_path, capsys):
    from lib import cli

    _write(db, preparation.open_choice(db, ROUND), preparation.choice_values(ROUND, ["5.1"], ["KEN", "NPL"]))
    out = tmp_path / "pack.pdf"
    assert cli.main(["briefing", ROUND, "--out", str(out), "--quiet"]) == 0
    assert "MDG indicators: 5.1; countries: KEN; NPL" in capsys.readouterr().out
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(out)).pages)
    assert "5.1 " in text and "Kenya" in text


def test_a_change_previewed_for_one_round_is_not_confirmed_for_another(make_app, db):
    at = run(make_app, PAGE, "staff")
    at.selectbox(key="brief-msg-target-0").set_value("ap-overdue").run()
    at.radio(key="brief-msg-action-0-ap-overdue").set_value("drop").run()
    next(b for b in at.button if b.label == "Preview the change").click().run()
    assert [b for b in at.button if b.label == "Confirm and save"]
    assert any("Past their due date" in t.value for t in at.text)  # the dropped one, listed as dropped
    at.selectbox(key="round").set_value("2008-H1").run()
    assert not at.exception, at.exception
    assert not [b for b in at.button if b.label == "Confirm and save"]
    assert preparation.stored_edits(db, ROUND) == []


def test_the_cli_writes_the_pack_in_the_language_asked_for(db, tmp_path):
    """The command line built English packs only; a principal reading French gets the French pack."""
    from lib import cli

    out = tmp_path / "pack-fr.pdf"
    assert cli.main(["briefing", ROUND, "--out", str(out), "--quiet", "--language", "fr"]) == 0
    first = " ".join(PdfReader(str(out)).pages[0].extract_text().split())
    assert "Dossier d'information" in first and f"Cycle de consultations {ROUND}" in first
    assert "Briefing pack" not in first
    with pytest.raises(SystemExit):
        cli.main(["briefing", ROUND, "--out", str(out), "--language", "de"])


def _messages_file(*rows: tuple[str, str, str, int | None]) -> bytes:
    lines = ["round_id,message_key,action,text,position"]
    for key, action, text, position in rows:
        lines.append(f"{ROUND},{key},{action},{text},{'' if position is None else position}")
    return ("\n".join(lines) + "\n").encode()


def test_a_file_cannot_add_more_messages_than_the_form_allows(db):
    """The form refused a fifth added message for a round; a file of six imported (upload page and
    command line). Counted with the round's stored added messages the file does not change."""
    adds = [(f"staff-{i}", "add", f"Message {i} for the principals.", i) for i in range(1, 7)]
    before = snapshot(db)
    res = ingest.import_bytes(db, "briefing-messages", _messages_file(*adds), "six.csv", user="t")
    assert not res.ok and res.new == 0 and snapshot(db) == before
    problems = [p for p in res.problems if p.column == "action"]
    assert [p.row for p in problems] == [2, 3, 4, 5, 6, 7]  # the file's lines of the added messages
    assert "would have 6 added messages" in problems[0].message and "at most 4" in problems[0].message

    assert ingest.import_bytes(db, "briefing-messages", _messages_file(*adds[:3]), "three.csv", user="t").ok
    two_more = _messages_file(*adds[3:5])  # 3 stored and 2 new: 5
    res = ingest.import_bytes(db, "briefing-messages", two_more, "two.csv", user="t")
    assert not res.ok and "(2 in this file, 3 stored and not changed by it)" in res.problems[0].message
    # Withdrawing one stored message (action none) makes room; the same file again counts once.
    withdraw = _messages_file(("staff-1", "none", "", None), *adds[3:5])
    assert ingest.import_bytes(db, "briefing-messages", withdraw, "swap.csv", user="t").ok
    again = _messages_file(*adds[1:5])
    assert ingest.import_bytes(db, "briefing-messages", again, "again.csv", user="t").ok
