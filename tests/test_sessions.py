"""Sessions that survive a reload (lib/auth/sessions.py) and their cookie routes (lib/auth/cookie.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from lib import auth
from lib.auth import sessions
from lib.models import AuditEvent, UserSession
from tests.conftest import BACKENDS

PASSWORD = "correct horse battery"
T0 = datetime(2008, 3, 1, 9, 0, 0, tzinfo=UTC)


def _rows(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(UserSession)).mappings()]


def _signed_in(engine, name: str = "pat", role: str = "staff", now: datetime = T0) -> tuple[int, str]:
    """A user with a delivered session: (session id, the cookie's token)."""
    if auth.get_user(engine, name) is None:
        auth.create_user(engine, name, role, PASSWORD)
    sid, code = sessions.start(engine, auth.get_user(engine, name)["id"], now=now)
    token = sessions.claim(engine, code, now=now)
    assert token
    return sid, token


@BACKENDS
def test_only_hashes_are_stored_and_the_handover_code_works_once(engine):
    auth.create_user(engine, "pat", "staff", PASSWORD)
    sid, code = sessions.start(engine, auth.get_user(engine, "pat")["id"], now=T0)
    (row,) = _rows(engine)
    assert row["token_hash"] == sessions.token_hash(code) and code not in str(row)
    assert not row["delivered"] and row["created_at"] == row["last_used_at"] == T0
    assert sessions.resume(engine, code, now=T0) is None  # a hand-over code is no cookie

    token = sessions.claim(engine, code, now=T0 + timedelta(seconds=5))
    assert token and token != code and len(token) >= 40
    (row,) = _rows(engine)
    assert row["token_hash"] == sessions.token_hash(token) and row["delivered"]
    assert token not in str(row) and code not in str(row)
    assert sessions.claim(engine, code, now=T0 + timedelta(seconds=6)) is None  # once only
    found = sessions.resume(engine, token, now=T0 + timedelta(seconds=7))
    assert found and found[0] == sid and found[1]["username"] == "pat" and "password_hash" not in found[1]
    for bad in (None, "", "x" * 500, token + "x"):
        assert sessions.resume(engine, bad, now=T0) is None


@BACKENDS
def test_a_late_handover_code_is_refused(engine):
    auth.create_user(engine, "pat", "staff", PASSWORD)
    _sid, code = sessions.start(engine, auth.get_user(engine, "pat")["id"], now=T0)
    assert sessions.claim(engine, code, now=T0 + timedelta(seconds=sessions.HANDOVER_SECONDS + 1)) is None


@BACKENDS
def test_idle_expiry_and_absolute_lifetime(engine, monkeypatch):
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "30")
    monkeypatch.setenv("SESSION_MAX_HOURS", "2")
    sid, token = _signed_in(engine)
    # Used every 20 minutes: alive, each use moving the idle deadline...
    for minutes in (20, 40, 60, 80, 100):
        assert sessions.resume(engine, token, now=T0 + timedelta(minutes=minutes))
    # ...until the absolute lifetime, however recently it was used.
    assert sessions.check(engine, sid, now=T0 + timedelta(minutes=119))
    assert sessions.check(engine, sid, now=T0 + timedelta(minutes=121)) is None
    assert sessions.resume(engine, token, now=T0 + timedelta(minutes=121)) is None

    sid2, token2 = _signed_in(engine, now=T0)
    assert sessions.check(engine, sid2, now=T0 + timedelta(minutes=29))
    assert sessions.resume(engine, token2, now=T0 + timedelta(minutes=29 + 31)) is None  # idle


def test_lifetime_settings_have_sane_defaults(monkeypatch):
    monkeypatch.delenv("SESSION_IDLE_MINUTES", raising=False)
    monkeypatch.setenv("SESSION_MAX_HOURS", "not a number")
    assert sessions.idle_timeout() == timedelta(minutes=30)
    assert sessions.max_lifetime() == timedelta(hours=12)
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "-5")
    assert sessions.idle_timeout() == timedelta(minutes=30)


EVENTS = {
    "sign-out": lambda eng, sid, token: sessions.revoke(eng, sid, actor="pat"),
    "sign-out by cookie": lambda eng, sid, token: sessions.revoke(eng, token=token),
    "password reset": lambda eng, sid, token: auth.reset_password(eng, "pat", "a brand new passphrase"),
    "role change": lambda eng, sid, token: auth.set_role(eng, "pat", "partner", actor="boss"),
    "deactivation": lambda eng, sid, token: auth.set_active(eng, "pat", False, actor="boss"),
}


@BACKENDS
@pytest.mark.parametrize("event", list(EVENTS))
def test_each_event_revokes_the_users_sessions(engine, event):
    auth.create_user(engine, "boss", "admin", PASSWORD)
    sid, token = _signed_in(engine, now=datetime.now(UTC))
    other_sid, other_token = _signed_in(engine, "quinn", now=datetime.now(UTC))
    assert sessions.check(engine, sid) and sessions.resume(engine, token)
    EVENTS[event](engine, sid, token)
    assert sessions.check(engine, sid) is None
    assert sessions.resume(engine, token) is None
    assert sessions.check(engine, other_sid) and sessions.resume(engine, other_token)  # others stay
    revoked = [r for r in _rows(engine) if r["revoked_at"] is not None]
    if event.startswith("sign-out"):
        assert [r["id"] for r in revoked] == [sid]
    else:
        with engine.connect() as conn:
            details = conn.execute(
                select(AuditEvent.detail).where(AuditEvent.action == "session.revoke")
            ).scalars()
            assert any(f"reason={event}" in d for d in details)


@BACKENDS
def test_setting_the_same_role_keeps_the_session(engine):
    sid, _token = _signed_in(engine, now=datetime.now(UTC))
    auth.create_user(engine, "boss", "admin", PASSWORD)
    auth.set_role(engine, "pat", "staff", actor="boss")
    assert sessions.check(engine, sid)


# --- The cookie routes ------------------------------------------------------------------------------


@pytest.fixture
def client(engine, monkeypatch):
    """The two routes on a plain Starlette app (what st.App mounts), on the test database."""
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from lib.auth import cookie

    monkeypatch.setattr(cookie, "_engine", lambda: engine)
    app = Starlette(routes=cookie.session_routes("/dash"))
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def _handover(engine) -> tuple[int, str]:
    auth.create_user(engine, "pat", "staff", PASSWORD)
    return sessions.start(engine, auth.get_user(engine, "pat")["id"])


@BACKENDS
def test_claim_sets_an_httponly_strict_secure_cookie_on_the_apps_path(engine, client):
    sid, code = _handover(engine)
    res = client.post("/dash/session/claim", content=code)
    assert res.status_code == 204
    header = res.headers["set-cookie"]
    token = header.split(";")[0].split("=", 1)[1]
    attrs = {a.strip().lower() for a in header.split(";")[1:]}
    assert {"httponly", "samesite=strict", "secure", "path=/dash/"} <= attrs
    assert sessions.resume(engine, token)[0] == sid
    assert client.post("/dash/session/claim", content=code).status_code == 403  # once only
    assert client.post("/dash/session/claim", content="made-up").status_code == 403
    assert "set-cookie" not in client.post("/dash/session/claim", content="made-up").headers

    res = client.post("/dash/session/end", cookies={sessions.COOKIE_NAME: token})
    assert res.status_code == 204 and "max-age=0" in res.headers["set-cookie"].lower()
    assert sessions.resume(engine, token) is None


@BACKENDS
def test_routes_refuse_another_origin(engine, client):
    _sid, code = _handover(engine)
    res = client.post("/dash/session/claim", content=code, headers={"Origin": "https://evil.example"})
    assert res.status_code == 403
    assert (
        client.post("/dash/session/claim", content=code, headers={"Origin": "https://testserver"}).status_code
        == 204
    )
