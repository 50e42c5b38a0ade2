"""What is due per round, agency and unit (lib.due), and the reminders (lib.reminders, the CLI's
``reminders``): written to files, or delivered to a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import email
from datetime import date

import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine

from lib import auth, cli, due, ingest, queries, reminders
from lib.db import make_engine
from lib.paths import DATA_DIR
from lib.seed import init
from tests.browser_support import free_port
from tests.conftest import BACKENDS, TEST_PASSWORD

ROUND = "2008-H2"
LATE = {"UN-HABITAT", "WFP"}  # data/action2.csv: their last reports are of 2007-H2


def test_action2_due_states_and_inputs_unchanged():
    rounds = pd.DataFrame(
        {"id": ["2008-H1", "2008-H2"], "cutoff_date": pd.to_datetime(["2008-05-01", "2008-11-01"])}
    )
    acts = pd.DataFrame({"agency": ["UNDP", "WFP", "ILO"], "round_id": ["2008-H2", "2008-H1", "2008-H1"]})
    pending = pd.DataFrame({"agency": ["ILO"], "round_id": ["2008-H2"], "status": ["pending"]})
    copy = acts.copy()
    out = due.action2_due(acts, ["UNDP", "WFP", "ILO", "FAO"], rounds, "2008-H2", date(2009, 1, 1), pending)
    assert dict(zip(out["agency"], out["state"], strict=True)) == {
        "FAO": "overdue",
        "WFP": "overdue",
        "ILO": "submitted",
        "UNDP": "reported",
    }
    assert list(out["agency"][:2]) == ["FAO", "WFP"]  # overdue first
    assert out.set_index("agency").loc["WFP", "last_round"] == "2008-H1"
    early = due.action2_due(acts, ["WFP"], rounds, "2008-H2", date(2008, 10, 1))
    assert list(early["state"]) == ["due"]
    pd.testing.assert_frame_equal(acts, copy)
    with pytest.raises(ValueError):
        due.action2_due(acts, ["WFP"], rounds, "2031-H1", date(2009, 1, 1))


def test_reminders_sent_per_agency_and_round_and_the_stale_line():
    sent = pd.DataFrame(
        {
            "round_id": ["2008-H2", "2008-H2", "2008-H1"],
            "recipient_kind": ["agency", "agency", "agency"],
            "recipient": ["WFP", "WFP", "UN-HABITAT"],
            "channel": ["file", "smtp", "file"],
            "language": ["en"] * 3,
            "sent_at": pd.to_datetime(["2008-11-20", "2008-11-25", "2008-05-20"], utc=True),
        }
    )
    per = due.reminders_sent(sent).set_index(["recipient", "round_id"])
    assert per.loc[("WFP", "2008-H2"), "reminders"] == 2
    assert per.loc[("WFP", "2008-H2"), "last_sent_at"] == pd.Timestamp("2008-11-25", tz="UTC")
    stale = pd.DataFrame(
        {"agency": ["UN-HABITAT", "WFP"], "last_round": ["2007-H2"] * 2, "rounds_missed": [2, 2]}
    )
    marked = due.with_reminders(stale, sent, "2008-H2")
    assert marked["reminded_at"].isna().tolist() == [True, False]
    note = due.reminder_note(stale, sent, "2008-H2")
    assert "UN-HABITAT: no reminder sent" in note and "WFP: reminded on 25 November 2008" in note
    assert due.reminders_sent(sent.iloc[0:0]).empty and list(stale.columns) == [
        "agency",
        "last_round",
        "rounds_missed",
    ]


def test_smtp_settings_are_read_only_when_configured(tmp_path):
    path = tmp_path / "secrets.toml"
    assert reminders.smtp_settings(path) is None
    path.write_text('[auth]\nredirect_uri = "x"\n')
    assert reminders.smtp_settings(path) is None  # no [smtp]: never a default server
    path.write_text('[smtp]\nport = 25\nfrom = "a@b.org"\n')
    with pytest.raises(ValueError, match="host"):
        reminders.smtp_settings(path)
    path.write_text('[smtp]\nhost = "h"\nport = 25\nfrom = "a@b.org"\nuser = "u"\n')
    with pytest.raises(ValueError, match="password"):
        reminders.smtp_settings(path)
    path.write_text('[smtp]\nhost = "h"\nport = "587"\nfrom = "a@b.org"\nstarttls = true\n')
    assert reminders.smtp_settings(path) == reminders.SmtpSettings("h", 587, "a@b.org", True)


def test_cli_writes_one_reminder_per_agency_and_unit_in_their_language(seeded_db_url, tmp_path, capsys):
    eng = make_engine(seeded_db_url)
    auth.create_user(eng, "wfp-fr", "partner", TEST_PASSWORD, email="wfp@example.org", agency="WFP")
    auth.set_language(eng, "wfp-fr", "fr")
    out = tmp_path / "out"
    assert cli.main(["reminders", ROUND, "--out", str(out), "--secrets", str(tmp_path / "none.toml")]) == 0
    printed = capsys.readouterr().out
    first = printed.splitlines()[0]
    assert first.startswith(f"Agencies with an overdue action 2 report for {ROUND}:")
    assert LATE <= set(first.split(": ", 1)[1].split(", "))
    files = {p.name: email.message_from_bytes(p.read_bytes()) for p in out.iterdir()}
    wfp = files[f"reminder-{ROUND}-agency-WFP.eml"]
    assert wfp["Content-Language"] == "fr" and "rapport" in wfp.get_payload(decode=True).decode()
    habitat = files[f"reminder-{ROUND}-agency-UN-HABITAT.eml"]
    assert habitat["Content-Language"] == "en" and "2007-H2" in habitat.get_payload(decode=True).decode()
    assert not any("agency-UNDP" in n for n in files)  # UNDP reported for the round
    units = [n for n in files if "-unit-" in n]
    assert units and len(files) == len(units) + 2
    sent = reminders.sent_frame(eng)
    assert set(sent.loc[sent["recipient_kind"] == "agency", "recipient"]) == {"UN-HABITAT", "WFP"}
    assert set(sent["channel"]) == {"file"}
    assert cli.main(["reminders", "1999-H1", "--out", str(out)]) == 2
    eng.dispose()


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.envelopes.append(envelope)
        return "250 Message accepted"


def test_cli_delivers_the_reminders_to_a_loopback_smtp_server(seeded_db_url, tmp_path, capsys):
    eng = make_engine(seeded_db_url)
    auth.create_user(
        eng, "habitat", "partner", TEST_PASSWORD, email="focal@unhabitat.example", agency="UN-HABITAT"
    )
    auth.set_language(eng, "habitat", "es")
    auth.create_user(
        eng,
        "edm",
        "staff",
        TEST_PASSWORD,
        email="edm@ohchr.example",
        unit="Executive Direction and Management",
    )
    inbox, port = Inbox(), free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nfrom = "dashboard@ohchr.example"\n')
        assert cli.main(["reminders", ROUND, "--secrets", str(secrets)]) == 0
    finally:
        server.stop()
    captured = capsys.readouterr()
    assert "2 reminder(s) sent through 127.0.0.1" in captured.out
    assert "not sent to agency WFP: no e-mail address" in captured.err
    by_rcpt = {tuple(e.rcpt_tos): email.message_from_bytes(e.content) for e in inbox.envelopes}
    assert set(by_rcpt) == {("focal@unhabitat.example",), ("edm@ohchr.example",)}
    es = by_rcpt[("focal@unhabitat.example",)]
    assert es["From"] == "dashboard@ohchr.example" and es["Content-Language"] == "es"
    assert "UN-HABITAT" in es.get_payload(decode=True).decode() and "Recordatorio" in str(es["Subject"])
    sent = reminders.sent_frame(eng)
    assert sorted(sent["recipient"]) == ["Executive Direction and Management", "UN-HABITAT"]
    assert set(sent["channel"]) == {"smtp"}
    eng.dispose()


@pytest.fixture
def db(engine: Engine) -> Engine:
    init(engine, seed=False)
    for name, ds in (
        ("rounds.csv", "rounds"),
        ("action2.csv", "action2"),
        ("progress_reports.csv", "action-points"),
    ):
        assert ingest.import_bytes(engine, ds, (DATA_DIR / name).read_bytes(), name).ok
    return engine


@BACKENDS
def test_reminders_are_built_and_recorded_on_both_databases(db):
    msgs = reminders.build(db, ROUND, date(2026, 1, 1))
    assert LATE == {m.recipient for m in msgs if m.kind == "agency"}
    units = {m.recipient for m in msgs if m.kind == "unit"}
    late_units = set(due.overdue_points(queries.progress_reports(db), queries.rounds(db), ROUND)["lead_unit"])
    assert units == late_units and units
    reminders.record(db, msgs, "file", actor="tester")
    sent = due.reminders_sent(reminders.sent_frame(db))
    assert set(sent.loc[sent["recipient_kind"] == "agency", "recipient"]) == LATE
    assert (sent["reminders"] == 1).all()
