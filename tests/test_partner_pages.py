"""AppTest of the partner pages: a UNDP partner submits two activities through the form and one CSV;
nothing reaches the shared action 2 figures until staff approve one and return the other; the
approved one is in the figures and the pack's data, the returned one shows its reason; a crafted
file for another agency is refused on the server; another agency sees nothing of UNDP's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from lib import auth, queries, submissions
from lib.briefing.data import load_data
from lib.db import get_data_version, make_engine
from lib.domains.action2 import metrics
from lib.exports import to_csv_bytes
from lib.models import AuditEvent, Submission
from tests.conftest import PARTNER_AGENCY, ROLE_USERS, TEST_PASSWORD

SUBMIT, MINE, REVIEW, DUE, ACTION2, USERS = (
    "pages/submit.py",
    "pages/my_agency.py",
    "pages/review.py",
    "pages/due.py",
    "pages/action2.py",
    "pages/users.py",
)
ROUND = "2008-H2"
REASON = "The end date is before the start date: please check it."


@pytest.fixture
def db(seeded_db_url: str) -> Iterator[Engine]:
    eng = make_engine(seeded_db_url)
    yield eng
    eng.dispose()


def run(at):
    at.run()
    assert not at.exception, at.exception
    return at


def fill_form(at, aid: str, trained: int) -> None:
    at.text_input(key="sub_id").input(aid)
    at.selectbox(key="sub_country_iso3").set_value("NPL")
    at.selectbox(key="sub_type").set_value("training")
    at.date_input(key="sub_start_date").set_value(date(2008, 9, 1))
    at.date_input(key="sub_end_date").set_value(date(2008, 9, 5))
    at.number_input(key="sub_participants_trained").set_value(trained)
    at.selectbox(key="sub_status").set_value("completed")
    at.text_input(key="sub_description").input(f"Training {aid}")
    at.button(key="submit_one").click()
    run(at)


def activity_csv(*rows: tuple[str, str]) -> bytes:
    return to_csv_bytes(
        pd.DataFrame(
            [
                {
                    "id": aid,
                    "agency": agency,
                    "country_iso3": "KEN",
                    "type": "hr_adviser",
                    "start_date": "2008-07-01",
                    "end_date": "",
                    "participants_trained": 0,
                    "advisers_deployed": 1,
                    "status": "ongoing",
                    "round_id": ROUND,
                    "description": "Adviser",
                }
                for aid, agency in rows
            ]
        ),
        for_import=True,
    )


def figures(engine: Engine) -> tuple:
    """The lib functions the action 2 page calls, on the live data, and the pack's activities."""
    acts = queries.activities(engine)
    agencies = list(queries.agencies(engine)["code"])
    return (
        metrics.by_agency_type(acts, ROUND).to_dict("records"),
        metrics.by_country(acts, ROUND).to_dict("records"),
        metrics.advisers_over_time(acts).to_dict("records"),
        metrics.stale_agencies(acts, queries.rounds(engine), ROUND, agencies).to_dict("records"),
        sorted(load_data(engine).acts["id"]),
    )


def n_submissions(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Submission)).scalar_one()


def page_text(at) -> str:
    """Everything a run shows as text, tables included."""
    parts = [
        e.value
        for kind in ("markdown", "success", "error", "warning", "info", "caption")
        for e in getattr(at, kind)
    ]
    parts += [df.value.to_csv() for df in at.dataframe]
    return "\n".join(map(str, parts))


def test_partner_submits_staff_approve_one_and_return_the_other(make_app, db):
    before = figures(db)
    with db.connect() as conn:
        v0 = get_data_version(conn)
    at = run(make_app(SUBMIT, role="partner"))
    fill_form(at, "A2-2008-901", 11)
    assert any("Submitted for review" in s.value for s in at.success)
    fill_form(at, "A2-2008-902", 22)
    at.file_uploader[0].set_value(("undp.csv", activity_csv(("A2-2008-903", "UNDP")), "text/csv"))
    run(at)
    assert any("+1 new" in h.value for h in at.subheader)
    at.button(key="submit_file").click()
    run(at)
    assert n_submissions(db) == 3

    # Pending: not in the shared figures, the action 2 page, or the data version the caches key on.
    assert figures(db) == before
    with db.connect() as conn:
        assert get_data_version(conn) == v0
    shared = run(make_app(ACTION2, role="partner"))
    assert "A2-2008-901" not in page_text(shared)

    staff = run(make_app(REVIEW, role="staff"))
    assert len(staff.expander) == 3
    assert "+1 new, ~0 modified, =0 unchanged" in page_text(staff)
    ids = {
        r["filename"] + str(r["id"]): int(r["id"])
        for _i, r in submissions.list_for(db, {"role": "staff"}).iterrows()
    }
    first, second = sorted(ids.values())[:2]  # the two form submissions
    staff.multiselect(key="review_chosen").set_value([first])
    run(staff)
    staff.button(key="approve").click()
    run(staff)
    assert any("approved" in s.value for s in staff.success), page_text(staff)
    staff.multiselect(key="review_chosen").set_value([second])
    run(staff)
    staff.text_area(key="return_reason").input(REASON)
    staff.button(key="return").click()
    run(staff)
    assert any("Returned to the agency" in s.value for s in staff.success)

    after = queries.activities(db)
    assert "A2-2008-901" in set(after["id"]) and "A2-2008-902" not in set(after["id"])
    assert "A2-2008-901" in load_data(db).acts["id"].tolist()  # the pack's data
    assert figures(db) != before
    shown = run(make_app(ACTION2, role="partner"))
    assert "A2-2008-901" in page_text(shown) and "A2-2008-902" not in page_text(shown)

    mine = run(make_app(MINE, role="partner"))
    text = page_text(mine)
    assert REASON in text and "1 pending, 1 returned, 1 approved" in text
    with db.connect() as conn:
        acts = set(conn.execute(select(AuditEvent.action)).scalars())
    assert {"submission.create", "submission.approve", "submission.return", "upload"} <= acts


def test_a_crafted_file_for_another_agency_is_refused_and_changes_nothing(make_app, db):
    before, n = figures(db), n_submissions(db)
    at = run(make_app(SUBMIT, role="partner"))
    at.file_uploader[0].set_value(("crafted.csv", activity_csv(("A2-2008-950", "WFP")), "text/csv"))
    run(at)
    assert any("refused" in e.value for e in at.error)
    assert "only rows of your own agency, UNDP" in page_text(at)
    assert not [b for b in at.button if b.key == "submit_file"]
    # What a crafted request could still send, straight to the server: refused there too.
    partner = auth.get_user(db, ROLE_USERS["partner"])
    with pytest.raises(submissions.SubmissionRefused):
        submissions.submit(db, partner, "action2", activity_csv(("A2-2008-950", "WFP")), "x.csv", ROUND)
    assert figures(db) == before and n_submissions(db) == n


def test_another_agency_does_not_see_undp_s_pending_items(make_app, db):
    partner = auth.get_user(db, ROLE_USERS["partner"])
    assert partner["agency"] == PARTNER_AGENCY
    submissions.submit(
        db, partner, "action2", activity_csv(("A2-2008-960", "UNDP")), "undp-secret.csv", ROUND
    )
    auth.create_user(db, "wfp1", "partner", TEST_PASSWORD, agency="WFP")
    at = make_app(MINE)
    at.session_state["username"] = "wfp1"
    text = page_text(run(at))
    assert "undp-secret.csv" not in text and "A2-2008-960" not in text and "0 pending" in text
    at = make_app(REVIEW)
    at.session_state["username"] = "wfp1"
    run(at)
    assert not at.dataframe and any("does not give access" in e.value for e in at.error)
    own = run(make_app(MINE, role="partner"))
    assert "undp-secret.csv" in page_text(own)


def test_what_is_due_lists_the_late_agencies_and_units(make_app, db):
    at = run(make_app(DUE, role="staff"))
    table = at.dataframe[0].value
    late = set(table.loc[table["action 2 report"] == "overdue", "agency"])
    assert {"UN-HABITAT", "WFP"} <= late and "UNDP" not in late
    assert len(at.dataframe[1].value) > 0  # overdue action points by unit
    mine = run(make_app(MINE, role="partner"))
    assert any("UNDP reported" in m.value and "nothing is due" in m.value for m in mine.markdown)


def test_pages_without_an_agency_say_so(make_app):
    for script in (SUBMIT, MINE):
        at = run(make_app(script, role="staff"))
        assert any("belongs to no partner agency" in i.value for i in at.info)
        assert not at.dataframe and not at.get("file_uploader")


def create_partner(at, agency: str) -> None:
    at.text_input(key="new_username").input("nopartner")
    at.text_input(key="new_password").input("a long enough password")
    at.text_input(key="new_password2").input("a long enough password")
    at.selectbox(key="new_role").set_value("partner")
    at.selectbox(key="new_agency").set_value(agency)
    at.button(key="create_user_submit").click()
    run(at)


def test_admin_sets_the_agency_and_a_partner_needs_one(make_app, db):
    at = run(make_app(USERS, role="admin"))
    create_partner(at, "")
    assert any("must belong to a partner agency" in e.value for e in at.error)
    assert auth.get_user(db, "nopartner") is None
    create_partner(at, "WFP")
    assert auth.get_user(db, "nopartner")["agency"] == "WFP"
    at.selectbox(key="users_who").set_value("nopartner")
    run(at)
    at.selectbox(key="agency-nopartner").set_value("UN-HABITAT")
    at.text_input(key="unit-nopartner").input("New York Office")
    at.button(key="set_agency_submit").click()
    run(at)
    u = auth.get_user(db, "nopartner")
    assert (u["agency"], u["unit"]) == ("UN-HABITAT", "New York Office")


def test_create_user_on_the_command_line_needs_an_agency_for_a_partner(db, monkeypatch, capsys):
    import io

    from lib import cli

    monkeypatch.setattr("sys.stdin", io.StringIO(TEST_PASSWORD + "\n"))
    assert cli.main(["create-user", "loner", "--role", "partner"]) == 2
    assert "must belong to a partner agency" in capsys.readouterr().err and auth.get_user(db, "loner") is None
    assert cli.main(["create-user", "loner", "--role", "partner", "--agency", "NOPE"]) == 1
    monkeypatch.setattr("sys.stdin", io.StringIO(TEST_PASSWORD + "\n"))
    assert cli.main(["create-user", "loner", "--role", "partner", "--agency", "WFP"]) == 0
    assert auth.get_user(db, "loner")["agency"] == "WFP"
    monkeypatch.setenv("AUTH_MODE", "oidc")
    assert cli.main(["create-user", "sso", "--role", "partner", "--email", "s@x.org", "--no-password"]) == 0


def test_an_oidc_claim_gives_the_agency_only_when_it_is_known(db):
    sso = auth.create_user(db, "sso", "partner", None, email="sso@example.org")
    assert auth.with_claimed_agency(db, sso, "WFP")["agency"] == "WFP"
    for claimed in ("NOPE", "", None, 7, ["WFP"]):
        assert auth.with_claimed_agency(db, sso, claimed)["agency"] is None
    undp = auth.get_user(db, ROLE_USERS["partner"])
    assert auth.with_claimed_agency(db, undp, "WFP")["agency"] == "UNDP"  # the users table wins
    assert auth.get_user(db, "sso")["agency"] is None  # nothing stored
