"""Roles, passwords, sign-in throttling, first-admin setup (lib/auth/) and the audit log (lib/audit.py)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import delete, select, update

from lib import audit, auth
from lib.models import AppSetting, AuditEvent, User
from tests.conftest import BACKENDS

PASSWORD = "correct horse battery"
OTHER_PASSWORD = "another long secret"
T0 = datetime(2008, 3, 1, 9, 0, 0, tzinfo=UTC)

# The expected permission table, written out by hand (Y = allowed).
EXPECTED_TABLE = """
action               partner  hc_office  staff  admin
view_action_points   Y        Y          Y      Y
view_internal_notes  .        Y          Y      Y
view_mdg             Y        Y          Y      Y
view_action2         Y        Y          Y      Y
view_briefing        .        Y          Y      Y
view_workload        .        Y          Y      Y
download_briefing    .        Y          Y      Y
upload               .        .          Y      Y
view_history         .        .          Y      Y
revert               .        .          Y      Y
view_audit           .        .          .      Y
manage_users         .        .          .      Y
"""


def _expected() -> dict[tuple[str, str], bool]:
    header, *rows = [line.split() for line in EXPECTED_TABLE.strip().splitlines()]
    roles = header[1:]
    return {(role, row[0]): row[i + 1] == "Y" for row in rows for i, role in enumerate(roles)}


EXPECTED = _expected()


def _events(engine, action: str | None = None) -> list[AuditEvent]:
    with engine.connect() as conn:
        stmt = select(AuditEvent.actor, AuditEvent.action, AuditEvent.detail).order_by(AuditEvent.id)
        if action:
            stmt = stmt.where(AuditEvent.action == action)
        return list(conn.execute(stmt).all())


def _user_row(engine, username: str):
    with engine.connect() as conn:
        return conn.execute(select(User).where(User.username == username)).mappings().one()


# --- Permissions ------------------------------------------------------------------


def test_expected_table_covers_every_role_and_action():
    assert {r for r, _ in EXPECTED} == set(auth.ROLES)
    assert {a for _, a in EXPECTED} == set(auth.ACTIONS)
    assert len(EXPECTED) == len(auth.ROLES) * len(auth.ACTIONS)
    assert auth.ROLES == ("partner", "hc_office", "staff", "admin")


@pytest.mark.parametrize(("role", "action"), sorted(EXPECTED))
def test_permission_truth_table(role, action):
    assert auth.is_allowed(role, action) is EXPECTED[(role, action)]


def test_roles_are_ordered_by_privilege():
    allowed = [{a for a in auth.ACTIONS if auth.is_allowed(r, a)} for r in auth.ROLES]
    for lower, higher in zip(allowed, allowed[1:], strict=False):
        assert lower < higher


@pytest.mark.parametrize(
    ("role", "action"),
    [
        ("root", "view_mdg"),
        ("ADMIN", "manage_users"),
        ("", "view_mdg"),
        (None, "view_mdg"),
        ("admin", "drop_database"),
        ("admin", ""),
        ("admin", None),
        ("staff", "view_audit"),
        ("partner", "view_internal_notes"),
    ],
)
def test_unknown_or_unlisted_is_denied(role, action):
    assert auth.is_allowed(role, action) is False


# --- Passwords ----------------------------------------------------------------------


def test_hash_is_argon2id_and_salted():
    h1, h2 = auth.hash_password(PASSWORD), auth.hash_password(PASSWORD)
    assert h1.startswith("$argon2id$") and h2.startswith("$argon2id$")
    assert h1 != h2
    assert auth.verify_password(PASSWORD, h1)
    assert auth.verify_password(PASSWORD, h1).new_hash is None
    assert not auth.verify_password(OTHER_PASSWORD, h1)
    assert not auth.verify_password(PASSWORD, None)
    assert not auth.verify_password(PASSWORD, "not a hash")


@pytest.mark.parametrize("bad", ["", "short", "x" * 11, None])
def test_short_password_refused(bad):
    with pytest.raises(ValueError, match="at least 12 characters"):
        auth.hash_password(bad)


def test_verify_returns_new_hash_for_outdated_parameters():
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    check = auth.verify_password(PASSWORD, weak)
    assert check.ok and check.new_hash and check.new_hash.startswith("$argon2id$")
    assert auth.verify_password(PASSWORD, check.new_hash).new_hash is None


def test_lockout_schedule():
    assert [auth.lockout_seconds(n) for n in range(0, 12)] == [0] * 5 + [60, 120, 240, 480, 900, 900, 900]
    assert auth.lockout_seconds(10_000) == 900


# --- Users ---------------------------------------------------------------------------


@BACKENDS
def test_create_user_and_duplicates(engine):
    user = auth.create_user(engine, "  Alice ", "staff", PASSWORD, email="Alice@Example.org", actor="bob")
    assert user["username"] == "alice" and user["role"] == "staff" and user["active"] is True
    assert user["email"] == "alice@example.org"
    assert "password_hash" not in user
    assert _user_row(engine, "alice")["password_hash"].startswith("$argon2id$")
    with pytest.raises(ValueError, match="already exists"):
        auth.create_user(engine, "ALICE", "partner", OTHER_PASSWORD)
    with pytest.raises(ValueError, match="already has the email"):
        auth.create_user(engine, "alice2", "partner", OTHER_PASSWORD, email="alice@example.org")
    with pytest.raises(ValueError, match="must not be empty"):
        auth.create_user(engine, "   ", "staff", PASSWORD)
    with pytest.raises(ValueError, match="Unknown role"):
        auth.create_user(engine, "carol", "superuser", PASSWORD)
    with pytest.raises(ValueError, match="at least 12 characters"):
        auth.create_user(engine, "carol", "staff", "short")
    with pytest.raises(ValueError, match="needs an email"):
        auth.create_user(engine, "carol", "staff", None)
    # Only the successful creation was written and audited.
    users = auth.list_users(engine)
    assert list(users["username"]) == ["alice"]
    assert "password_hash" not in users.columns
    assert _events(engine, "user.create") == [
        ("bob", "user.create", "username=alice role=staff email=alice@example.org password=set")
    ]


@BACKENDS
def test_role_change_deactivate_and_reset(engine):
    auth.create_user(engine, "root", "admin", PASSWORD)
    auth.create_user(engine, "dan", "partner", PASSWORD, email="dan@example.org")
    assert auth.set_role(engine, "dan", "hc_office", actor="root")["role"] == "hc_office"
    with pytest.raises(ValueError, match="Unknown role"):
        auth.set_role(engine, "dan", "boss", actor="root")
    with pytest.raises(ValueError, match="no user named"):
        auth.set_role(engine, "nobody", "staff", actor="root")

    assert auth.set_active(engine, "dan", False, actor="root")["active"] is False
    assert auth.get_user_by_email(engine, "DAN@example.org") is None  # inactive: no SSO role
    assert auth.set_active(engine, "dan", True, actor="root")["active"] is True
    assert auth.get_user_by_email(engine, "DAN@example.org")["username"] == "dan"
    assert auth.get_user_by_email(engine, "nobody@example.org") is None

    # The last active admin can be neither demoted nor deactivated.
    with pytest.raises(ValueError, match="last active admin"):
        auth.set_role(engine, "root", "staff")
    with pytest.raises(ValueError, match="last active admin"):
        auth.set_active(engine, "root", False)
    auth.set_role(engine, "dan", "admin", actor="root")
    assert auth.set_role(engine, "root", "staff", actor="dan")["role"] == "staff"

    auth.reset_password(engine, "dan", OTHER_PASSWORD, actor="root")
    assert not auth.authenticate(engine, "dan", PASSWORD).ok
    assert auth.authenticate(engine, "dan", OTHER_PASSWORD).ok
    with pytest.raises(ValueError, match="at least 12"):
        auth.reset_password(engine, "dan", "short")

    actions = [a for _, a, _ in _events(engine) if a.startswith("user.")]
    assert actions == [
        "user.create",
        "user.create",
        "user.set_role",
        "user.deactivate",
        "user.activate",
        "user.set_role",
        "user.set_role",
        "user.reset_password",
    ]
    assert all(PASSWORD not in d and OTHER_PASSWORD not in d for _, _, d in _events(engine))


@BACKENDS
def test_functions_accept_a_connection_and_share_its_transaction(engine):
    with engine.connect() as conn:
        with conn.begin() as tx:
            auth.create_user(conn, "eve", "staff", PASSWORD)
            auth.set_role(conn, "eve", "partner")
            assert auth.list_users(conn)["role"].tolist() == ["partner"]
            tx.rollback()
    assert auth.list_users(engine).empty
    assert _events(engine) == []  # audit rolled back with the change


# --- Sign-in ------------------------------------------------------------------------


@BACKENDS
def test_authenticate_ok_wrong_unknown_inactive(engine, monkeypatch):
    auth.create_user(engine, "frank", "hc_office", PASSWORD)
    auth.create_user(engine, "sso", "partner", None, email="sso@example.org")

    ok = auth.authenticate(engine, "Frank ", PASSWORD)
    assert ok.ok and ok.user["username"] == "frank" and ok.user["role"] == "hc_office"
    assert "password_hash" not in ok.user

    calls = []
    real = auth.verify_password
    monkeypatch.setattr(auth.passwords, "verify_password", lambda p, h: calls.append(h) or real(p, h))
    wrong = auth.authenticate(engine, "frank", OTHER_PASSWORD)
    unknown = auth.authenticate(engine, "nobody", PASSWORD)
    sso = auth.authenticate(engine, "sso", PASSWORD)
    auth.set_active(engine, "frank", False)
    inactive = auth.authenticate(engine, "frank", PASSWORD)
    for res in (wrong, unknown, sso, inactive):
        assert res == auth.AuthResult(False, None, "Unknown user name or wrong password.")
    assert len(calls) == 4  # a hash was checked every time (dummy when there is no real one)

    assert [(a, act) for a, act, _ in _events(engine) if act.startswith("signin")] == [
        ("frank", "signin.ok"),
        ("frank", "signin.failed"),
        ("nobody", "signin.failed"),
        ("sso", "signin.failed"),
        ("frank", "signin.failed"),
    ]


@BACKENDS
def test_lockout_after_five_failures_and_unlock(engine):
    auth.create_user(engine, "gina", "staff", PASSWORD)
    for i in range(5):
        res = auth.authenticate(engine, "gina", OTHER_PASSWORD, now=T0 + timedelta(seconds=i))
        assert res.message == auth.FAILURE_MESSAGE
    t5 = T0 + timedelta(seconds=4)  # the fifth failure locks for 60 s
    row = _user_row(engine, "gina")
    assert row["failed_attempts"] == 5 and row["locked_until"] == t5 + timedelta(seconds=60)

    # Locked: refused even with the right password, without counting.
    locked = auth.authenticate(engine, "gina", PASSWORD, now=t5 + timedelta(seconds=10))
    assert not locked.ok
    assert locked.message == "Too many failed attempts; try again in 50 seconds."
    assert _user_row(engine, "gina")["failed_attempts"] == 5

    # Each further failure after the lock expires doubles it, up to 15 minutes.
    t = t5
    for failures, seconds in [(6, 120), (7, 240), (8, 480), (9, 900), (10, 900)]:
        t = _user_row(engine, "gina")["locked_until"] + timedelta(seconds=1)
        assert not auth.authenticate(engine, "gina", OTHER_PASSWORD, now=t).ok
        row = _user_row(engine, "gina")
        assert row["failed_attempts"] == failures
        assert row["locked_until"] == t + timedelta(seconds=seconds)

    # After the lock passes the right password works and resets the counter.
    t = _user_row(engine, "gina")["locked_until"]
    res = auth.authenticate(engine, "gina", PASSWORD, now=t)
    assert res.ok and res.user["failed_attempts"] == 0 and res.user["locked_until"] is None
    assert auth.authenticate(engine, "gina", OTHER_PASSWORD, now=t).message == auth.FAILURE_MESSAGE
    assert _user_row(engine, "gina")["locked_until"] is None


@BACKENDS
def test_reset_password_clears_lock(engine):
    auth.create_user(engine, "hal", "staff", PASSWORD)
    for _ in range(5):
        auth.authenticate(engine, "hal", OTHER_PASSWORD, now=T0)
    assert "Too many" in auth.authenticate(engine, "hal", PASSWORD, now=T0).message
    auth.reset_password(engine, "hal", OTHER_PASSWORD)
    assert auth.authenticate(engine, "hal", OTHER_PASSWORD, now=T0).ok


@BACKENDS
def test_outdated_hash_is_upgraded_on_sign_in(engine):
    auth.create_user(engine, "ivy", "partner", PASSWORD)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with engine.begin() as conn:
        conn.execute(update(User).where(User.username == "ivy").values(password_hash=weak))
    assert auth.authenticate(engine, "ivy", PASSWORD).ok
    upgraded = _user_row(engine, "ivy")["password_hash"]
    assert upgraded != weak and not auth._hasher.check_needs_rehash(upgraded)


def test_naive_now_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        auth.authenticate(None, "x", "y", now=datetime(2008, 1, 1))  # type: ignore[arg-type]


# --- First-admin setup ----------------------------------------------------------------


def _stored_code_hash(engine) -> str | None:
    with engine.connect() as conn:
        return conn.execute(select(AppSetting.value).where(AppSetting.key == "setup_code_hash")).scalar()


@BACKENDS
def test_setup_code_flow(engine):
    assert auth.needs_setup(engine)
    first = auth.issue_setup_code(engine)
    code = auth.issue_setup_code(engine)  # replaces the first one
    assert code and first and code != first and len(code) >= 16
    stored = _stored_code_hash(engine)
    assert stored.startswith("$argon2id$") and code not in stored

    with pytest.raises(ValueError, match="The setup code is not correct"):
        auth.claim_first_admin(engine, first, "boss", PASSWORD)
    with pytest.raises(ValueError, match="The setup code is not correct"):
        auth.claim_first_admin(engine, "", "boss", PASSWORD)
    assert [e[1] for e in _events(engine, "setup.failed")] == ["setup.failed"] * 2
    with pytest.raises(ValueError, match="at least 12"):
        auth.claim_first_admin(engine, code, "boss", "short")
    assert auth.needs_setup(engine) and _stored_code_hash(engine) == stored  # code still valid

    admin = auth.claim_first_admin(engine, code, "Boss", PASSWORD, email="boss@example.org")
    assert admin["username"] == "boss" and admin["role"] == "admin"
    assert not auth.needs_setup(engine)
    assert _stored_code_hash(engine) is None
    assert auth.issue_setup_code(engine) is None
    assert auth.authenticate(engine, "boss", PASSWORD).ok

    with pytest.raises(ValueError, match="already complete"):
        auth.claim_first_admin(engine, code, "intruder", PASSWORD)
    assert auth.list_users(engine)["username"].tolist() == ["boss"]

    # Even with every user gone, the used code cannot be replayed.
    with engine.begin() as conn:
        conn.execute(delete(User))
    with pytest.raises(ValueError, match="The setup code is not correct"):
        auth.claim_first_admin(engine, code, "intruder", PASSWORD)
    assert auth.needs_setup(engine)

    actions = [a for _, a, _ in _events(engine)]
    assert actions.count("setup.code_issued") == 2
    assert "setup.claimed" in actions and actions.count("setup.failed") == 3
    assert ("setup", "user.create") in [(a, act) for a, act, _ in _events(engine)]


@BACKENDS
def test_concurrent_claims_make_one_admin(engine):
    code = auth.issue_setup_code(engine)
    barrier = threading.Barrier(4)
    results: list[object] = []

    def claim(i: int) -> None:
        barrier.wait()
        try:
            results.append(auth.claim_first_admin(engine, code, f"admin{i}", PASSWORD))
        except ValueError as exc:
            results.append(exc)

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 4
    assert sum(isinstance(r, dict) for r in results) == 1
    assert len(auth.list_users(engine)) == 1


# --- Audit ------------------------------------------------------------------------------


@BACKENDS
def test_audit_helper_and_log(engine):
    with engine.begin() as conn:
        audit.audit(conn, "jo", "upload.create", "progress_report.csv")
    audit.audit(engine, "jo", "upload.revert", "upload 1")
    log = audit.audit_log(engine)
    assert list(log.columns) == ["at", "actor", "action", "detail"]
    assert log["action"].tolist() == ["upload.revert", "upload.create"]  # newest first
    assert log["at"].iloc[0].tzinfo is not None
    assert len(audit.audit_log(engine, limit=1)) == 1
    assert audit.audit_log(engine, limit=0).empty
