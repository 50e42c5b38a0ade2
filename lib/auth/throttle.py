"""Sign-in throttling: per user name, per client address, per (name, address) pair and overall.

Each attempt first *reserves* its password check in one short transaction: the counters
it touches are locked (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE``
serialises writers), checked, and counted as a failure before the slow argon2 check runs
outside the transaction. So N parallel attempts past a threshold cannot each get a check: the
ones that find a counter locked are refused without one. A success then gives the count back.

Back-off, never a hard lock: after ``LOCKOUT_THRESHOLD`` failures a counter waits 60 s,
doubling with each further failure up to 15 minutes; refused attempts do not lengthen it.
An address the user has signed in from before (a *known pair*) is held only by its own pair
counter: an attacker elsewhere, guessing the same name or spraying from one address, never
keeps the user out at their usual address. Unknown and known user names are counted alike,
so the refusals do not tell which names exist.
"""

from __future__ import annotations

import ipaddress
import math
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from lib.models import SigninThrottle, User

LOCKOUT_THRESHOLD = 5  # consecutive failures of one name (or pair) before the first wait
ADDRESS_THRESHOLD = 20  # failures from one address, any names, before it waits
LOCKOUT_BASE_SECONDS = 60
LOCKOUT_MAX_SECONDS = 15 * 60
GLOBAL_WINDOW = timedelta(minutes=1)
KNOWN_PAIR_DAYS = 90  # a successful sign-in makes the (name, address) pair known this long
GLOBAL_KEY = "global"


def global_ceiling() -> int:
    """Failed sign-ins per minute, all names and addresses, before unknown pairs must wait
    (``SIGNIN_GLOBAL_PER_MINUTE``, default 300)."""
    try:
        return max(1, int(os.environ.get("SIGNIN_GLOBAL_PER_MINUTE", "300")))
    except ValueError:
        return 300


def trusted_proxies() -> int:
    """How many reverse proxies in front of the app add to ``X-Forwarded-For`` (``TRUSTED_PROXIES``, default 0)."""
    try:
        return max(0, int(os.environ.get("TRUSTED_PROXIES", "0") or 0))
    except ValueError:
        return 0


def lockout_seconds(failures: int, threshold: int = LOCKOUT_THRESHOLD) -> int:
    """How long to wait after this many consecutive failures (0 below the threshold)."""
    if failures < threshold:
        return 0
    doublings = min(failures - threshold, 16)  # 2**16 minutes is far past the cap
    return min(LOCKOUT_BASE_SECONDS * 2**doublings, LOCKOUT_MAX_SECONDS)


def client_address(
    remote: str | None, forwarded_for: str | None = None, trusted_proxies: int = 0
) -> str | None:
    """The client's address for throttling, or None when unknown.

    ``trusted_proxies``: how many reverse proxies in front of the app append to
    ``X-Forwarded-For``; the address is then the entry that many places from the right (the
    ones further left can be forged by the client). Anything that is not an IP address is None.
    """
    candidate = remote
    if trusted_proxies > 0 and forwarded_for:
        hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
        candidate = hops[-trusted_proxies] if len(hops) >= trusted_proxies else None
    try:
        return str(ipaddress.ip_address((candidate or "").strip()))
    except ValueError:
        return None


@dataclass(frozen=True)
class Reservation:
    """The outcome of :func:`reserve`: ``wait`` seconds to wait (refused), or a counted check."""

    wait: int
    failures: int = 0  # the name's consecutive failures, this attempt included
    lock_seconds: int = 0  # the wait this attempt starts if it fails
    keys: tuple[str, ...] = ()


def _keys(name: str, address: str | None) -> dict[str, str]:
    keys = {"name": f"name:{name}"}
    if address:
        keys["addr"] = f"addr:{address}"
        keys["pair"] = f"pair:{name}|{address}"
    return keys


def _lock_rows(conn: Connection, keys: list[str], now: datetime) -> dict[str, dict]:
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(
        insert(SigninThrottle)
        .values([{"key": k, "failures": 0, "updated_at": now} for k in keys])
        .on_conflict_do_nothing(index_elements=["key"])
    )
    stmt = select(SigninThrottle).where(SigninThrottle.key.in_(keys)).order_by(SigninThrottle.key)
    return {r["key"]: dict(r) for r in conn.execute(stmt.with_for_update()).mappings()}


def _seconds_until(moment: datetime | None, now: datetime) -> int:
    return max(0, math.ceil((moment - now).total_seconds())) if moment and moment > now else 0


def reserve(conn: Connection, name: str, address: str | None, now: datetime) -> Reservation:
    """Check the counters of an attempt and, unless one says wait, count it as a failure.

    Runs inside the caller's (writer) transaction; the caller commits before checking the
    password, so the counters are held only for this bookkeeping.
    """
    keys = _keys(name, address)
    rows = _lock_rows(conn, [*keys.values(), GLOBAL_KEY], now)
    pair = rows.get(keys.get("pair", ""))
    known = bool(
        pair and pair["last_success_at"] and pair["last_success_at"] > now - timedelta(days=KNOWN_PAIR_DAYS)
    )
    glob = rows[GLOBAL_KEY]
    window_open = (
        glob["window_start"] is not None
        and glob["window_start"] <= now < glob["window_start"] + GLOBAL_WINDOW
    )
    waits = [_seconds_until(pair["locked_until"], now)] if pair else []
    if not known:
        waits += [_seconds_until(rows[k]["locked_until"], now) for kind, k in keys.items() if kind != "pair"]
        if window_open and glob["failures"] >= global_ceiling():
            waits.append(_seconds_until(glob["window_start"] + GLOBAL_WINDOW, now))
    if max(waits, default=0):
        return Reservation(wait=max(waits))

    counted = {}
    for kind, key in keys.items():
        failures = rows[key]["failures"] + 1
        seconds = lockout_seconds(failures, ADDRESS_THRESHOLD if kind == "addr" else LOCKOUT_THRESHOLD)
        counted[kind] = (failures, seconds)
        values = {"failures": failures, "updated_at": now}
        if seconds:
            values["locked_until"] = now + timedelta(seconds=seconds)
        conn.execute(update(SigninThrottle).where(SigninThrottle.key == key).values(**values))
    glob_values = {"failures": glob["failures"] + 1} if window_open else {"failures": 1, "window_start": now}
    conn.execute(
        update(SigninThrottle).where(SigninThrottle.key == GLOBAL_KEY).values(updated_at=now, **glob_values)
    )
    if not window_open:
        _prune(conn, now)  # about once a minute: forget old counters
    failures, seconds = counted["name"]
    _mirror_on_user(
        conn, name, failures, now + timedelta(seconds=seconds) if seconds else None, keep_lock=not seconds
    )
    return Reservation(wait=0, failures=failures, lock_seconds=seconds, keys=tuple(keys.values()))


def succeeded(conn: Connection, name: str, address: str | None, now: datetime) -> None:
    """After the right password: clear the name and pair counters, remember the pair as known,
    and give back the failure :func:`reserve` counted on the address and overall."""
    keys = _keys(name, address)
    cleared = {"failures": 0, "locked_until": None, "updated_at": now}
    conn.execute(update(SigninThrottle).where(SigninThrottle.key == keys["name"]).values(**cleared))
    if address:
        conn.execute(
            update(SigninThrottle)
            .where(SigninThrottle.key == keys["pair"])
            .values(last_success_at=now, **cleared)
        )
    for key in [keys.get("addr"), GLOBAL_KEY]:
        if key:
            conn.execute(
                update(SigninThrottle)
                .where(SigninThrottle.key == key, SigninThrottle.failures > 0)
                .values(failures=SigninThrottle.failures - 1)
            )
    _mirror_on_user(conn, name, 0, None, keep_lock=False)


def forget_name(conn: Connection, name: str) -> None:
    """Clear a user name's counters (a password reset): its name and pair rows go."""
    conn.execute(
        delete(SigninThrottle).where(
            or_(
                SigninThrottle.key == f"name:{name}",
                SigninThrottle.key.startswith(f"pair:{name}|", autoescape=True),
            )
        )
    )


def _mirror_on_user(
    conn: Connection, name: str, failures: int, locked_until: datetime | None, keep_lock: bool
) -> None:
    # The Users page shows a user's consecutive failures and wait; the counter itself is the row above.
    values: dict = {"failed_attempts": failures}
    if not keep_lock:
        values["locked_until"] = locked_until
    conn.execute(update(User).where(User.username == name).values(**values))


def _prune(conn: Connection, now: datetime) -> None:
    stale = now - timedelta(days=1)
    known_since = now - timedelta(days=KNOWN_PAIR_DAYS)
    conn.execute(
        delete(SigninThrottle).where(
            SigninThrottle.key != GLOBAL_KEY,
            SigninThrottle.updated_at < stale,
            or_(SigninThrottle.locked_until.is_(None), SigninThrottle.locked_until < stale),
            or_(SigninThrottle.last_success_at.is_(None), SigninThrottle.last_success_at < known_since),
        )
    )
