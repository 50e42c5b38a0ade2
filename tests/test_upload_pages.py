"""AppTest of the upload, history, users and audit pages, and lib.uploads behind them.

Streamlit 1.67's AppTest can upload files (``at.file_uploader[0].set_value``), so
the page runs end to end: upload -> preview -> confirm -> other pages show the
new values -> revert. Every page file is also run directly (as a URL would run
it) for each role and signed out.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from lib import auth, ingest, uploads
from lib.datasets import DATASETS
from lib.db import get_data_version, make_engine
from lib.models import AuditEvent, ConsultationRound, Upload
from tests.conftest import ROLE_USERS, TEST_PASSWORD

UPLOAD, HISTORY, USERS, AUDIT = "pages/upload.py", "pages/history.py", "pages/users.py", "pages/audit.py"
LATEST, NEW_TITLE = "2008-H2", "Second 2008 consultation (revised agenda)"
OLD_TITLE = "Second 2008 consultation of principals"


@pytest.fixture
def db(seeded_db_url: str) -> Iterator[Engine]:
    """An engine on the app's private database, to look behind the pages."""
    eng = make_engine(seeded_db_url)
    yield eng
    eng.dispose()


def run(make_app, script: str, role: str | None):
    at = make_app(script, role=role)
    at.run()
    assert not at.exception, at.exception
    return at


def upload(at, dataset: str, name: str, raw: bytes):
    at.selectbox(key="upload_dataset").set_value(dataset)
    at.file_uploader[0].set_value((name, raw, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    return at


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def rounds_file(db: Engine, title: str = NEW_TITLE) -> bytes:
    """The rounds as exported, with the latest round retitled and one new, earlier round."""
    df = ingest.export_frame(db, "rounds")
    df.loc[df["id"] == LATEST, "title"] = title
    extra = {"id": "2005-H2", "title": "Founding consultation", "meeting_date": "2005-12-01"}
    if extra["id"] not in set(df["id"]):
        df = pd.concat([df, pd.DataFrame([{**extra, "cutoff_date": "2005-11-15", "illustrative": "true"}])])
    return ingest.to_csv_bytes(df)


def state(db: Engine) -> tuple[int, int, dict[str, str]]:
    """(data version, number of uploads, round titles)."""
    with db.connect() as conn:
        version = get_data_version(conn)
        n = conn.execute(select(func.count()).select_from(Upload)).scalar_one()
        titles = dict(conn.execute(select(ConsultationRound.id, ConsultationRound.title)).all())
    return version, n, titles


def warmed(db: Engine, version: int) -> set[str]:
    """The shared results (lib.derived) stored for ``version``, by name."""
    from lib.models import DerivedResult

    t = DerivedResult.__table__
    with db.connect() as conn:
        keys = conn.execute(select(t.c.key).where(t.c.data_version == version)).scalars().all()
    return {k.split(":", 1)[1] for k in keys}


def audit_actions(db: Engine) -> list[str]:
    with db.connect() as conn:
        return list(conn.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


# --- Who can reach what ----------------------------------------------------------------------

REACH = [
    (UPLOAD, {"staff", "admin"}),
    (HISTORY, {"staff", "admin"}),
    (USERS, {"admin"}),
    (AUDIT, {"admin"}),
]


@pytest.mark.parametrize(("script", "allowed"), REACH, ids=[s.split("/")[1][:-3] for s, _ in REACH])
@pytest.mark.parametrize("role", ["partner", "hc_office", "staff", "admin", None])
def test_pages_by_role_even_by_url(make_app, script, allowed, role):
    at = run(make_app, script, role)
    if role in allowed:
        assert at.title and not texts(at.error)
        if script == UPLOAD:
            assert len(at.file_uploader) == 1
            assert [b.label for b in at.get("download_button")][:1] == ["Download the template (CSV)"]
        return
    # Run by URL, signed out or with a role without access: no data, no uploader, a plain message.
    assert not len(at.dataframe) and not len(at.file_uploader) and not len(at.get("download_button"))
    assert not len(at.button) and not len(at.title)
    expected = "Please sign in" if role is None else "does not give access"
    assert any(expected in m for m in texts(at.warning) + texts(at.error))


# --- Upload: a good file end to end -------------------------------------------------------------


def test_good_upload_end_to_end(make_app, db):
    before = state(db)
    ap = run(make_app, "pages/action_points.py", "staff")  # fills the loaders' cache at this version
    assert any(OLD_TITLE in c for c in texts(ap.caption))

    raw = rounds_file(db)
    at = upload(run(make_app, UPLOAD, "staff"), "rounds", "rounds-revised.csv", raw)
    assert texts(at.header) == ["Preview: +1 new, ~1 modified, =5 unchanged"]
    changed = at.dataframe[-1].value
    assert changed.to_dict("records") == [
        {"key": LATEST, "column": "title", "old value": OLD_TITLE, "new value": NEW_TITLE}
    ]
    assert state(db) == before, "nothing is written before the confirmation"
    preview = at.session_state["upload_preview"]
    assert preview.version == before[0] and preview.sha256 == hashlib.sha256(raw).hexdigest()

    at.button[0].click().run()
    assert not at.exception, at.exception
    (msg,) = texts(at.success)
    assert msg.startswith("Upload ") and "+1 new, ~1 modified, =5 unchanged" in msg
    assert at.file_uploader[0].value is None, "a fresh uploader after a write"
    assert "upload_preview" not in at.session_state
    version, n, titles = state(db)
    assert (version, n) == (before[0] + 1, before[1] + 1)
    assert titles[LATEST] == NEW_TITLE and titles["2005-H2"] == "Founding consultation"
    assert audit_actions(db)[-1] == "upload"
    assert warmed(db, version) == {"disaggregation_counts", f"overview:{LATEST}"}

    # The next run of another page shows the new values (its cache keys on the data version).
    ap.run()
    assert not ap.exception
    assert any(uploads.md_escape(NEW_TITLE) in c for c in texts(ap.caption))  # data, escaped
    assert "2005-H2" in ap.selectbox(key="round").options

    hist = run(make_app, HISTORY, "staff")
    top = hist.dataframe[0].value.iloc[0]
    assert top["file name"] == "rounds-revised.csv" and top["uploaded by"] == ROLE_USERS["staff"]
    assert (top["new"], top["modified"], top["unchanged"], top["status"]) == (1, 1, 5, "active")
    assert top["SHA-256"] == hashlib.sha256(raw).hexdigest() and top["file kept"]
    assert uploads.upload_file(db, int(top["upload"])) == raw


def test_unchanged_file_writes_nothing(make_app, db):
    before = state(db)
    at = upload(
        run(make_app, UPLOAD, "staff"),
        "rounds",
        "same.csv",
        ingest.to_csv_bytes(ingest.export_frame(db, "rounds")),
    )
    assert texts(at.header) == ["Preview: +0 new, ~0 modified, =6 unchanged"]
    assert any("nothing to write" in m for m in texts(at.info))
    assert not len(at.button)
    assert state(db) == before


# --- Upload: rejected files ----------------------------------------------------------------------


def test_rejected_upload_shows_problems_and_writes_nothing(make_app, db):
    before, actions = state(db), audit_actions(db)
    bad = (
        b"id,title,meeting_date,cutoff_date\n"
        b"2009-H3,Bad id,2009-05-15,2009-04-30\n"
        b"2009-H1,Bad date,2009-13-01,2009-04-30\n"
        b"2009-H2,Cut-off after meeting,2009-11-01,2009-11-30\n"
    )
    at = upload(run(make_app, UPLOAD, "staff"), "rounds", "bad <b>rounds</b>.csv", bad)
    (err,) = texts(at.error)
    assert "rejected, 3 problem(s). Nothing was written." in err
    assert "<b>" not in err, "the file name is escaped, never rendered"
    problems = at.dataframe[-1].value
    assert list(problems.columns) == uploads.PROBLEM_COLUMNS
    assert list(problems["row"]) == [2, 3, 4]
    assert list(problems["column"]) == ["id", "meeting_date", "cutoff_date"]
    assert problems["value"].iloc[0] == "2009-H3"
    assert "YYYY-H1 or YYYY-H2" in problems["what is wrong and how to fix it"].iloc[0]
    assert "Download the full list of problems" in [b.label for b in at.get("download_button")]
    assert not len(at.button) and not texts(at.header)
    assert state(db) == before and audit_actions(db) == actions


def test_many_problems_show_200_and_count_the_rest(make_app, db):
    rows = "".join(f"20{i:02d}-H9,Round {i},2009-05-15,2009-04-30\n" for i in range(60))
    rows += "".join(f"2009-H1,Dup {i},2009-05-15,2009-04-30\n" for i in range(200))
    at = upload(
        run(make_app, UPLOAD, "staff"),
        "rounds",
        "many.csv",
        f"id,title,meeting_date,cutoff_date\n{rows}".encode(),
    )
    assert len(at.dataframe[-1].value) == uploads.PROBLEM_LIMIT
    assert any(
        "The first 200 problems are shown; 59 more are in the full list." in c for c in texts(at.caption)
    )
    full = uploads.problems_frame(at.session_state["upload_preview"].result.problems)
    assert len(full) == 259


def test_file_over_the_limit_is_refused_by_the_app(make_app, db, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_UPLOAD_BYTES", 1000)  # the page reads the limit on each run
    before = state(db)
    at = upload(run(make_app, UPLOAD, "staff"), "rounds", "big.csv", b"id,title\n" + b"x" * 2000)
    assert any("larger than the limit" in e for e in texts(at.error))
    assert len(at.dataframe) == 1 and not texts(at.header)  # only the template description
    assert state(db) == before


def test_stale_preview_gets_the_plain_message_and_a_fresh_preview(make_app, db):
    at = upload(run(make_app, UPLOAD, "staff"), "rounds", "rounds-revised.csv", rounds_file(db))
    assert texts(at.header) == ["Preview: +1 new, ~1 modified, =5 unchanged"]
    # Meanwhile another member of staff writes the same change to the latest round's title.
    other = rounds_file(db, title=NEW_TITLE)
    # (An H1 round meets in the first half-year: issue 12's plausibility check.)
    h1 = (
        other.replace(b"2005-H2", b"2005-H1")
        .replace(b"2005-12-01", b"2005-06-01")
        .replace(b"2005-11-15", b"2005-05-15")
    )
    ingest.import_bytes(db, "rounds", h1, "other.csv", user="admin1")
    version, n, _ = state(db)

    at.button[0].click().run()
    assert not at.exception
    assert texts(at.warning) == [uploads.STALE_MESSAGE]
    assert state(db)[:2] == (version, n), "the stale confirmation wrote nothing"
    # The file was checked again against the current data: only the new round is left to write.
    assert texts(at.header) == ["Preview: +1 new, ~0 modified, =6 unchanged"]
    at.button[0].click().run()
    assert any("+1 new" in m for m in texts(at.success))
    _, n_after, titles = state(db)
    assert n_after == n + 1 and {"2005-H1", "2005-H2"} <= set(titles)


# --- History and revert ----------------------------------------------------------------------------


def confirm_as(db: Engine, raw: bytes, name: str, role: str = "staff", dataset: str = "rounds") -> int:
    preview = uploads.check(db, dataset, raw, name, user=ROLE_USERS[role])
    return uploads.confirm(db, preview, raw, user=ROLE_USERS[role]).upload_id


def test_revert_from_the_history_page(make_app, db):
    before = state(db)
    uid = confirm_as(db, rounds_file(db), "rounds-revised.csv")
    ap = run(make_app, "pages/action_points.py", "staff")
    assert any(uploads.md_escape(NEW_TITLE) in c for c in texts(ap.caption))  # data, escaped

    at = run(make_app, HISTORY, "staff")
    assert at.selectbox[0].value == uid, "the newest upload is selected"
    revert = at.button(key=f"revert-{uid}")
    assert revert.disabled, "reverting needs the confirmation ticked first"
    at.checkbox(key=f"revert-sure-{uid}").check().run()
    at.button(key=f"revert-{uid}").click().run()
    assert not at.exception, at.exception
    assert texts(at.success) == [
        f"Upload {uid} reverted: 1 added row(s) removed, 1 modified row(s) restored."
    ]
    assert at.dataframe[0].value.iloc[0]["status"].startswith("reverted ")
    assert not len(at.get("checkbox")), "a reverted upload cannot be reverted again"

    version, n, titles = state(db)
    assert titles == before[2], "the data is exactly as before the upload"
    assert (version, n) == (before[0] + 2, before[1] + 1)
    assert audit_actions(db)[-1] == "revert"
    assert f"overview:{LATEST}" in warmed(db, version), "the revert prepared the overview again"
    ap.run()
    assert any(OLD_TITLE in c for c in texts(ap.caption))
    assert "2005-H2" not in ap.selectbox(key="round").options


def test_revert_refused_names_the_later_upload(make_app, db):
    first = confirm_as(db, rounds_file(db, "Title one"), "first.csv")
    second = confirm_as(db, rounds_file(db, "Title two"), "second.csv", role="admin")
    before = state(db)
    at = run(make_app, HISTORY, "staff")
    at.selectbox[0].set_value(first).run()
    at.checkbox(key=f"revert-sure-{first}").check().run()
    at.button(key=f"revert-{first}").click().run()
    assert not at.exception
    (err,) = texts(at.error)
    assert f"upload {second} (second" in err.replace("\\", "") and "Revert those first" in err.replace(
        "\\", ""
    )
    assert state(db) == before


def test_hc_office_cannot_revert_or_see_history(make_app, db):
    confirm_as(db, rounds_file(db), "r.csv")
    at = run(make_app, HISTORY, "hc_office")
    assert not len(at.dataframe) and not len(at.button) and not len(at.get("checkbox"))


# --- Users and audit (admin) --------------------------------------------------------------------------


def test_admin_manages_users(make_app, db):
    at = run(make_app, USERS, "admin")
    at.text_input(key="new_username").input("Newcomer")
    at.text_input(key="new_password").input("a long enough password")
    at.text_input(key="new_password2").input("a long enough password")
    at.selectbox(key="new_role").set_value("staff")
    at.button(key="create_user_submit").click().run()
    assert not at.exception and texts(at.success) == ["User created."]
    assert auth.get_user(db, "newcomer")["role"] == "staff"

    at.selectbox(key="users_who").set_value("newcomer").run()
    at.selectbox(key="role-newcomer").set_value("hc_office")
    at.button(key="set_role_submit").click().run()
    assert auth.get_user(db, "newcomer")["role"] == "hc_office"

    at.text_input(key="reset_password_value").input("another long password")
    at.button(key="reset_password_submit").click().run()
    assert auth.authenticate(db, "newcomer", "another long password").ok

    at.button(key="toggle_active").click().run()
    assert not at.exception
    assert auth.get_user(db, "newcomer")["active"] is False
    assert [a for a in audit_actions(db) if a.startswith("user.")][-4:] == [
        "user.create",
        "user.set_role",
        "user.reset_password",
        "user.deactivate",
    ]


def test_users_page_shows_refusals_plainly(make_app, db):
    at = run(make_app, USERS, "admin")
    at.text_input(key="new_username").input("shorty")
    at.text_input(key="new_password").input("short")
    at.text_input(key="new_password2").input("short")
    at.button(key="create_user_submit").click().run()
    assert not at.exception
    assert any("at least 12 characters" in e for e in texts(at.error))
    assert auth.get_user(db, "shorty") is None
    # The last admin cannot demote themself.
    at.selectbox(key="users_who").set_value(ROLE_USERS["admin"]).run()
    at.selectbox(key=f"role-{ROLE_USERS['admin']}").set_value("staff")
    at.button(key="set_role_submit").click().run()
    assert any("last active admin" in e for e in texts(at.error))


def test_audit_page_lists_uploads_sign_ins_and_user_changes(make_app, db):
    auth.authenticate(db, ROLE_USERS["staff"], TEST_PASSWORD)
    auth.authenticate(db, ROLE_USERS["staff"], "wrong password!")
    confirm_as(db, rounds_file(db), "r.csv")
    at = run(make_app, AUDIT, "admin")
    log = at.dataframe[0].value
    # In words, not the codes the log keeps ("signin.ok", "user.create"; the CSV keeps those).
    assert {"Signed in", "Sign-in refused", "File uploaded", "User created"} <= set(log["action"])
    at.multiselect[0].set_value(["Uploads"]).run()
    assert set(at.dataframe[0].value["action"]) == {"File uploaded"}


def test_every_action_the_application_records_has_words_and_a_kind():
    """Each action code passed to lib.audit.audit anywhere in lib/ reads as words on the audit page
    and can be chosen through one of its kinds of events."""
    import ast

    from lib import audit
    from lib.paths import ROOT

    recorded = set()
    for path in (ROOT / "lib").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "audit":
                for arg in node.args[2:3]:
                    if isinstance(arg, ast.Constant):
                        recorded.add(arg.value)
                    elif isinstance(arg, ast.IfExp):
                        recorded |= {arg.body.value, arg.orelse.value}
    assert len(recorded) >= 20, recorded
    assert recorded <= set(audit.ACTION_LABELS), recorded - set(audit.ACTION_LABELS)
    kinds = {a for actions in uploads.AUDIT_KINDS.values() for a in actions}
    assert recorded <= kinds, recorded - kinds


# --- lib.uploads ------------------------------------------------------------------------------------


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_template_and_description(db, dataset):
    template = pd.read_csv(io.BytesIO(uploads.template_csv(dataset)), dtype=str, keep_default_na=False)
    assert list(template.columns) == DATASETS[dataset].column_names and len(template) == 1
    desc = uploads.template_description(db, dataset)
    assert list(desc["column"]) == DATASETS[dataset].column_names
    assert {"type", "required", "allowed values", "description"} <= set(desc.columns)
    assert desc["description"].str.len().gt(0).all()


def test_md_escape_and_size_problem():
    # A word joiner after "http:": a bare address must not become a link (GFM autolinks).
    escaped = uploads.md_escape("![x](http://e/t.png) *a* <b>")
    assert escaped == r"\!\[x\]\(http\:" + "\u2060" + r"//e/t\.png\) \*a\* \<b\>"
    assert uploads.size_problem(50 * ingest.MB) is None
    assert "larger than the limit of 50 MB" in uploads.size_problem(50 * ingest.MB + 1)


def test_confirm_refuses_another_file(db):
    raw = rounds_file(db)
    preview = uploads.check(db, "rounds", raw, "r.csv", user="staff1")
    with pytest.raises(ValueError, match="not the one that was checked"):
        uploads.confirm(db, preview, raw + b"\n2005-H1,x,2005-06-01,2005-05-01,true\n", user="staff1")
