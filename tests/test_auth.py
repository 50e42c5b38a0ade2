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
view_own_agency      Y        Y          Y      Y
submit               Y        Y          Y      Y
review_submissions   .        .          Y      Y
view_due             .        Y          Y      Y
view_recommendations Y        Y          Y      Y
edit_records         .        .          Y      Y
edit_briefing        .        .          Y      Y
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


# --- Throttling per name, per address and overall (issue 12) ------------------------------------

ATTACKER, HOME, ELSEWHERE = "203.0.113.9", "198.51.100.7", "192.0.2.44"


def _wait_of(res: auth.AuthResult) -> int | None:
    """The seconds a refusal asks to wait, or None when it is no wait refusal."""
    import re

    m = re.fullmatch(r"Too many failed attempts; try again in (\d+) seconds\.", res.message)
    return int(m.group(1)) if m else None


@BACKENDS
def test_an_attacker_elsewhere_never_keeps_the_user_out_at_their_usual_address(engine):
    auth.create_user(engine, "root", "admin", PASSWORD)
    assert auth.authenticate(engine, "root", PASSWORD, now=T0, address=HOME).ok  # HOME becomes known
    # An attacker hammers the admin's name from another address, for an hour, without pause.
    t = T0
    checked = 0
    for _ in range(120):
        t += timedelta(seconds=30)
        res = auth.authenticate(engine, "root", OTHER_PASSWORD, now=t, address=ATTACKER)
        checked += _wait_of(res) is None
    assert checked <= 12  # throttled: 5, then one per back-off (60 s doubling to 15 min), not 120
    # From an address never used before, the name's back-off applies, and then the right
    # password works: a delay (at most 15 minutes), never a lock-out.
    wait = _wait_of(auth.authenticate(engine, "root", PASSWORD, now=t, address=ELSEWHERE))
    assert wait is not None and wait <= auth.LOCKOUT_MAX_SECONDS
    t += timedelta(seconds=wait)
    assert auth.authenticate(engine, "root", PASSWORD, now=t, address=ELSEWHERE).ok
    # The attack goes on; the admin at the usual address signs in at once, in the middle of it.
    for _ in range(20):
        t += timedelta(seconds=30)
        auth.authenticate(engine, "root", OTHER_PASSWORD, now=t, address=ATTACKER)
    assert auth.authenticate(engine, "root", PASSWORD, now=t + timedelta(seconds=1), address=HOME).ok


@BACKENDS
def test_one_address_spraying_many_names_is_throttled(engine):
    auth.create_user(engine, "kim", "staff", PASSWORD)
    for i in range(auth.throttle.ADDRESS_THRESHOLD):
        res = auth.authenticate(engine, f"guess{i}", OTHER_PASSWORD, now=T0, address=ATTACKER)
        assert res.message == auth.FAILURE_MESSAGE
    # The address now waits, whatever name it tries (a name it never tried before included)...
    assert _wait_of(auth.authenticate(engine, "kim", PASSWORD, now=T0, address=ATTACKER)) == 60
    assert _wait_of(auth.authenticate(engine, "fresh-name", OTHER_PASSWORD, now=T0, address=ATTACKER)) == 60
    # ...while the same user from another address is not held at all.
    assert auth.authenticate(engine, "kim", PASSWORD, now=T0, address=HOME).ok


@BACKENDS
def test_global_ceiling_holds_unknown_pairs_but_not_known_ones(engine, monkeypatch):
    monkeypatch.setenv("SIGNIN_GLOBAL_PER_MINUTE", "10")
    auth.create_user(engine, "lou", "partner", PASSWORD)
    assert auth.authenticate(engine, "lou", PASSWORD, now=T0, address=HOME).ok
    for i in range(10):  # a botnet: every attempt another name and another address
        auth.authenticate(
            engine, f"bot{i}", OTHER_PASSWORD, now=T0 + timedelta(seconds=1), address=f"10.0.0.{i}"
        )
    wait = _wait_of(
        auth.authenticate(engine, "lou", PASSWORD, now=T0 + timedelta(seconds=2), address=ELSEWHERE)
    )
    assert wait == 58  # until the minute that began with the first attempt (at T0) is over
    assert auth.authenticate(engine, "lou", PASSWORD, now=T0 + timedelta(seconds=2), address=HOME).ok
    assert auth.authenticate(engine, "lou", PASSWORD, now=T0 + timedelta(seconds=61), address=ELSEWHERE).ok


@BACKENDS
def test_unknown_and_known_names_get_the_same_answers(engine):
    auth.create_user(engine, "mia", "staff", PASSWORD)
    answers = {}
    for name in ("mia", "nobody-by-this-name"):
        answers[name] = [
            auth.authenticate(engine, name, OTHER_PASSWORD, now=T0 + timedelta(seconds=i)).message
            for i in range(8)
        ]
    assert answers["mia"] == answers["nobody-by-this-name"]
    assert answers["mia"][4] == auth.FAILURE_MESSAGE and "Too many failed attempts" in answers["mia"][5]


@BACKENDS
@pytest.mark.parametrize("name", ["nina", "no-such-user"])
def test_parallel_attempts_get_no_more_checks_than_the_threshold(engine, monkeypatch, name):
    auth.create_user(engine, "nina", "staff", PASSWORD)
    checks = []
    real = auth.passwords.verify_password
    monkeypatch.setattr(auth.passwords, "verify_password", lambda p, h: checks.append(1) or real(p, h))
    barrier = threading.Barrier(15)
    results: list[auth.AuthResult] = []

    def attempt() -> None:
        barrier.wait()
        results.append(auth.authenticate(engine, name, OTHER_PASSWORD, now=T0))

    threads = [threading.Thread(target=attempt) for _ in range(15)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert len(results) == 15
    assert len(checks) == auth.LOCKOUT_THRESHOLD
    assert sum(_wait_of(r) is not None for r in results) == 15 - auth.LOCKOUT_THRESHOLD


def test_client_address_from_the_connection_or_trusted_proxies():
    assert auth.client_address("198.51.100.7") == "198.51.100.7"
    assert auth.client_address(None) is None
    assert auth.client_address("not an address") is None
    # Without trusted proxies a forged header is ignored; with one, its last entry is the client.
    assert auth.client_address("10.0.0.1", "6.6.6.6") == "10.0.0.1"
    assert auth.client_address("10.0.0.1", "6.6.6.6, 198.51.100.7", trusted_proxies=1) == "198.51.100.7"
    assert auth.client_address("10.0.0.1", "198.51.100.7", trusted_proxies=2) is None
    assert auth.client_address("10.0.0.1", "<script>", trusted_proxies=1) is None


# --- Password rules (issue 12) -----------------------------------------------------------------------


def test_nfd_password_verifies_against_its_nfc_form():
    import unicodedata

    nfc = unicodedata.normalize("NFC", "Ça déménage à Genève")
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    stored = auth.hash_password(nfc)
    assert auth.verify_password(nfd, stored).ok
    assert auth.verify_password(unicodedata.normalize("NFKD", nfc), auth.hash_password(nfd)).ok


def test_hash_stored_before_normalisation_still_verifies_and_is_upgraded():
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Ça déménage à Genève")
    old = auth._hasher.hash(nfd)  # as stored before passwords were normalised
    check = auth.verify_password(nfd, old)
    assert check.ok and check.new_hash
    assert auth.verify_password(unicodedata.normalize("NFC", nfd), check.new_hash).ok


@pytest.mark.parametrize(
    ("password", "message"),
    [
        (" " * 12, "only spaces"),
        ("\u3000" * 12, "only spaces"),  # ideographic spaces
        ("\x00" * 12, "control characters"),
        ("long enough\tpassword", "control characters"),
        ("password1234", "common passwords"),
        ("PASSWORD1234", "common passwords"),
        ("１２３４５６１２３４５６", "common passwords"),  # full-width digits: NFKC makes them 123456123456
        ("Administrator1", "the user name"),
    ],
)
def test_weak_passwords_refused(password, message):
    with pytest.raises(ValueError, match=message):
        auth.hash_password(password, username="administrator1")


@BACKENDS
def test_password_rules_apply_to_every_way_of_setting_one(engine):
    with pytest.raises(ValueError, match="common passwords"):
        auth.create_user(engine, "olga", "staff", "password1234")
    with pytest.raises(ValueError, match="the user name"):
        auth.create_user(engine, "olga-the-great", "staff", "Olga-The-Great")
    code = auth.issue_setup_code(engine)
    for weak in ("password1234", " " * 12, "boss-of-the-app"):
        with pytest.raises(ValueError):
            auth.claim_first_admin(engine, code, "boss-of-the-app", weak)
    assert auth.needs_setup(engine)
    auth.claim_first_admin(engine, code, "boss-of-the-app", PASSWORD)
    with pytest.raises(ValueError, match="common passwords"):
        auth.reset_password(engine, "boss-of-the-app", "PeanutButter")
    assert auth.authenticate(engine, "boss-of-the-app", PASSWORD).ok


# --- Setup codes of several server processes (issue 12) -------------------------------------------


@BACKENDS
def test_a_second_server_process_does_not_void_the_first_ones_setup_code(engine):
    import re

    first = auth.setup.setup_announcement(engine)  # server process 1 starts
    second = auth.setup.setup_announcement(engine)  # process 2 on the same database
    code1 = re.search(r"setup code: (\S+)", first).group(1)
    code2 = re.search(r"setup code: (\S+)", second).group(1)
    assert code1 != code2
    assert "other server processes" not in first and "1 code(s) printed by other server processes" in second
    # The code that process 1 printed still claims the server; afterwards neither works.
    admin = auth.claim_first_admin(engine, code1, "chief", PASSWORD)
    assert admin["role"] == "admin"
    with engine.begin() as conn:
        conn.execute(delete(User))
    for code in (code1, code2):
        with pytest.raises(ValueError, match="not correct"):
            auth.claim_first_admin(engine, code, "intruder", PASSWORD)
    assert auth.setup.setup_announcement(engine) is not None  # a new server: a new code


@BACKENDS
def test_setup_codes_are_bounded(engine):
    codes = [auth.issue_setup_code(engine, replace=False) for _ in range(auth.setup.MAX_SETUP_CODES + 2)]
    with pytest.raises(ValueError, match="not correct"):
        auth.claim_first_admin(engine, codes[0], "chief", PASSWORD)  # the oldest went first
    assert auth.claim_first_admin(engine, codes[-1], "chief", PASSWORD)["username"] == "chief"
