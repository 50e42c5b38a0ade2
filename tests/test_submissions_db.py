"""Partner submissions on both databases: pending rows stay out of every shared figure until
approved through the import pipeline; returned ones carry their reason; the agency rule is the
server's; another agency sees nothing of them. Also migration 0007 down and up again."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from lib import auth, ingest, queries, submissions
from lib.briefing.data import load_data
from lib.db import get_data_version
from lib.domains.action2 import metrics
from lib.exports import to_csv_bytes
from lib.ingest import StaleData
from lib.models import Action2Activity, AuditEvent, Submission, Upload
from lib.paths import DATA_DIR
from lib.seed import init
from tests.conftest import BACKENDS, TEST_PASSWORD

ROUND = "2008-H2"


@pytest.fixture
def db(engine: Engine) -> Engine:
    """Catalogues, rounds and the action 2 seed, and UNDP, WFP and staff users."""
    init(engine, seed=False)
    for name, ds in (("rounds.csv", "rounds"), ("action2.csv", "action2")):
        assert ingest.import_bytes(engine, ds, (DATA_DIR / name).read_bytes(), name).ok
    auth.create_user(engine, "undp1", "partner", TEST_PASSWORD, agency="UNDP")
    auth.create_user(engine, "wfp1", "partner", TEST_PASSWORD, agency="WFP")
    auth.create_user(engine, "staff1", "staff", TEST_PASSWORD)
    return engine


def user(engine: Engine, name: str) -> dict:
    return auth.get_user(engine, name)


def activity(i: int, agency: str = "UNDP", **kw) -> dict:
    row = {
        "id": f"A2-2008-9{i:02d}",
        "agency": agency,
        "country_iso3": "NPL",
        "type": "training",
        "start_date": "2008-09-01",
        "end_date": "2008-09-05",
        "participants_trained": 10 + i,
        "advisers_deployed": 0,
        "status": "completed",
        "round_id": ROUND,
        "description": f"Training {i}",
    }
    return {**row, **kw}


def csv_of(*rows: dict) -> bytes:
    return to_csv_bytes(pd.DataFrame(list(rows)), for_import=True)


def figures(engine: Engine) -> tuple:
    """What the action 2 page and the pack show: the lib functions they call, on the live data."""
    acts = queries.activities(engine)
    agencies = list(queries.agencies(engine)["code"])
    rounds = queries.rounds(engine)
    return (
        metrics.by_agency_type(acts, ROUND).to_dict("records"),
        metrics.stale_agencies(acts, rounds, ROUND, agencies).to_dict("records"),
        metrics.trained_over_time(acts).to_dict("records"),
        sorted(load_data(engine).acts["id"]),
    )


def state(engine: Engine) -> tuple:
    with engine.connect() as conn:
        return (
            get_data_version(conn),
            conn.execute(select(func.count()).select_from(Action2Activity)).scalar_one(),
            conn.execute(select(func.count()).select_from(Submission)).scalar_one(),
            conn.execute(select(func.count()).select_from(Upload)).scalar_one(),
        )


def actions(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


@BACKENDS
def test_pending_until_approved_then_in_the_figures_and_revertible(db):
    undp, staff = user(db, "undp1"), user(db, "staff1")
    before, (v0, n_acts, _n, n_up) = figures(db), state(db)
    form = [submissions.form_file("action2", {**activity(i), "agency": "UNDP"}) for i in (1, 2)]
    ids = [submissions.submit(db, undp, "action2", raw, "form", ROUND) for raw in form]
    ids.append(submissions.submit(db, undp, "action2", csv_of(activity(3), activity(4)), "undp.csv", ROUND))
    # Stored, pending, and nowhere in the shared figures (nor the data version the caches key on).
    assert figures(db) == before
    assert state(db) == (v0, n_acts, 3, n_up)
    pending = submissions.list_for(db, staff, status="pending")
    assert sorted(pending["id"]) == sorted(ids) and set(pending["agency"]) == {"UNDP"}
    assert actions(db).count("submission.create") == 3

    rv = submissions.review(db, staff, ids[0])
    assert (rv.check.result.new, rv.check.result.modified) == (1, 0) and rv.check.ok
    assert list(rv.rows["id"]) == ["A2-2008-901"]

    done = submissions.approve(db, staff, [ids[0]], seen_version=rv.check.version)
    assert done[0].approved and done[0].upload_id is not None
    acts = queries.activities(db)
    assert "A2-2008-901" in set(acts["id"]) and "A2-2008-902" not in set(acts["id"])
    assert "A2-2008-901" in set(load_data(db).acts["id"])  # the pack's data
    undp_row = metrics.by_agency_type(acts, ROUND).query("agency == 'UNDP' and type == 'training'")
    was = pd.DataFrame(before[0]).query("agency == 'UNDP' and type == 'training'")
    assert int(undp_row["activities"].sum()) == int(was["activities"].sum()) + 1
    hist = ingest.history(db)
    assert hist.iloc[0]["id"] == done[0].upload_id and hist.iloc[0]["username"] == "staff1"

    assert submissions.return_to_agency(db, staff, [ids[1]], "Dates are wrong: check the end date.") == 1
    mine = submissions.list_for(db, undp).set_index("id")
    assert mine.loc[ids[0], "status"] == "approved" and mine.loc[ids[0], "upload_id"] == done[0].upload_id
    assert mine.loc[ids[1], "status"] == "returned"
    assert mine.loc[ids[1], "reason"] == "Dates are wrong: check the end date."
    assert mine.loc[ids[2], "status"] == "pending"
    assert {"submission.approve", "submission.return", "upload"} <= set(actions(db))

    # Approving again, or returning what is no longer pending, changes nothing.
    again = submissions.approve(db, staff, [ids[0], ids[1]])
    assert [o.approved for o in again] == [False, False]
    with pytest.raises(ValueError, match="pending"):
        submissions.return_to_agency(db, staff, [ids[0]], "late")

    ingest.revert(db, done[0].upload_id, user="staff1")
    assert figures(db)[:3] == before[:3]


@BACKENDS
def test_rows_for_another_agency_are_refused_and_change_nothing(db):
    undp = user(db, "undp1")
    wfp_live = queries.activities(db).query("agency == 'WFP'").iloc[0]["id"]
    before, st = figures(db), state(db)
    crafted = [
        csv_of(activity(1, agency="WFP")),  # another agency's row
        csv_of(activity(1), activity(2, agency="UN-HABITAT")),  # one good row, one not
        csv_of(activity(1, id=wfp_live)),  # overwriting a live WFP activity under UNDP's name
        csv_of(activity(1, round_id="2008-H1")),  # another round
        submissions.form_file("action2", {**activity(1), "agency": "WFP"}),  # a form sent with WFP
    ]
    for raw in crafted:
        with pytest.raises(submissions.SubmissionRefused) as exc:
            submissions.submit(db, undp, "action2", raw, "crafted.csv", ROUND)
        assert exc.value.problems
    assert figures(db) == before and state(db) == st
    assert actions(db).count("submission.refused") == len(crafted)
    with pytest.raises(ValueError, match="no partner agency"):
        submissions.submit(db, user(db, "staff1"), "action2", csv_of(activity(1)), "x.csv", ROUND)
    with pytest.raises(ValueError):
        submissions.submit(db, undp, "ny-workload", csv_of(activity(1)), "x.csv", ROUND)
    assert state(db) == st


@BACKENDS
def test_another_agency_sees_nothing_of_undp_s_submissions(db):
    undp, wfp, staff = user(db, "undp1"), user(db, "wfp1"), user(db, "staff1")
    sid = submissions.submit(db, undp, "action2", csv_of(activity(1)), "undp.csv", ROUND)
    assert submissions.list_for(db, wfp).empty
    assert list(submissions.list_for(db, undp)["id"]) == [sid]
    with pytest.raises(ValueError, match="no submission"):
        submissions.rows_of(db, wfp, sid)
    for act in (
        lambda: submissions.review(db, wfp, sid),
        lambda: submissions.approve(db, wfp, [sid]),
        lambda: submissions.return_to_agency(db, wfp, [sid], "no"),
        lambda: submissions.approve(db, undp, [sid]),
    ):
        with pytest.raises(ValueError):
            act()
    assert submissions.list_for(db, staff, status="pending")["id"].tolist() == [sid]


@BACKENDS
def test_approval_after_another_upload_is_stale_and_writes_nothing(db):
    undp, staff = user(db, "undp1"), user(db, "staff1")
    sid = submissions.submit(db, undp, "action2", csv_of(activity(1)), "undp.csv", ROUND)
    seen = submissions.review(db, staff, sid).check.version
    assert ingest.import_bytes(db, "action2", csv_of(activity(50, agency="WFP")), "wfp.csv").upload_id
    st = state(db)
    with pytest.raises(StaleData):
        submissions.approve(db, staff, [sid], seen_version=seen)
    assert state(db) == st
    assert submissions.list_for(db, staff).iloc[0]["status"] == "pending"


def test_agency_rule_is_pure_and_names_the_rows():
    rows = pd.DataFrame(
        [activity(1), activity(2, agency="WFP"), activity(3, round_id="2008-H1")], index=[2, 3, 4]
    )
    problems = submissions.agency_problems(rows, {"A2-2008-901": "UNICEF"}, "UNDP", ROUND, "agency", "id")
    assert [(p.row, p.column) for p in problems] == [(2, "id"), (3, "agency"), (4, "round_id")]
    assert list(rows["agency"]) == ["UNDP", "WFP", "UNDP"]  # the input is not changed


@BACKENDS
def test_users_agency_must_exist_and_changes_are_audited(db):
    with pytest.raises(ValueError, match="no partner agency"):
        auth.create_user(db, "nobody", "partner", TEST_PASSWORD, agency="NOPE")
    auth.set_agency(db, "staff1", None, unit="Executive Direction and Management", actor="admin")
    assert user(db, "staff1")["unit"] == "Executive Direction and Management"
    assert auth.set_agency(db, "wfp1", "UN-HABITAT", actor="admin")["agency"] == "UN-HABITAT"
    assert actions(db).count("user.set_agency") == 2
    with pytest.raises(ValueError):
        auth.require_agency("partner", None, "local")
    auth.require_agency("partner", None, "oidc")
    auth.require_agency("staff", None, "local")


@BACKENDS
def test_migration_0007_goes_down_and_up_again(db):
    from alembic import command
    from alembic.config import Config

    from lib.db import migrate
    from lib.paths import ROOT

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    with db.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")
    migrate(db)
    assert user(db, "undp1")["agency"] is None  # the column came back empty
    auth.set_agency(db, "undp1", "UNDP")
    assert submissions.submit(db, user(db, "undp1"), "action2", csv_of(activity(1)), "a.csv", ROUND)
