"""Users, roles, passwords, sign-in throttling and first-admin setup (the audit log is :mod:`lib.audit`).

A pure library (no Streamlit): the pages and the CLI call these functions with an
:class:`~sqlalchemy.Engine` or a :class:`~sqlalchemy.engine.Connection`. Given a
connection already in a transaction, the functions work inside it (the caller
commits); otherwise each call is its own transaction. Every change to a user is
audited in the same transaction as the change.

One module per concern: :mod:`~lib.auth.roles` (the permission table, ``is_allowed``),
:mod:`~lib.auth.passwords` (rules, argon2id), :mod:`~lib.auth.users` (user management),
:mod:`~lib.auth.signin` (sign-in and throttling), :mod:`~lib.auth.setup` (first admin).
Passwords are hashed with argon2id. There are no default passwords: the first
admin is created with a one-time setup code printed on the server console.

Messages meant for people (ValueError texts, sign-in refusals) are in the language of
the current run (lib.i18n; English for the CLI); audit details stay English.
"""

from lib.auth import oidc, passwords, roles, setup, signin, throttle, users
from lib.auth.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    PasswordCheck,
    _hasher,
    confirmed,
    hash_password,
    validate_password,
    verify_password,
)
from lib.auth.roles import ACTIONS, PERMISSIONS, ROLE_NAMES, ROLES, is_allowed
from lib.auth.setup import (
    SETUP_CODE_KEY,
    SETUP_DONE,
    WRONG_SETUP_CODE,
    claim_first_admin,
    issue_setup_code,
    needs_setup,
)
from lib.auth.signin import DATABASE_UNAVAILABLE, FAILURE_MESSAGE, WAIT_MESSAGE, AuthResult, authenticate
from lib.auth.throttle import (
    LOCKOUT_BASE_SECONDS,
    LOCKOUT_MAX_SECONDS,
    LOCKOUT_THRESHOLD,
    client_address,
    lockout_seconds,
    trusted_proxies,
)
from lib.auth.users import (
    PUBLIC_COLUMNS,
    create_user,
    get_user,
    get_user_by_email,
    list_users,
    normalise_username,
    require_agency,
    reset_password,
    set_active,
    set_agency,
    set_language,
    set_role,
    with_claimed_agency,
)

__all__ = [
    "ACTIONS",
    "DATABASE_UNAVAILABLE",
    "FAILURE_MESSAGE",
    "LOCKOUT_BASE_SECONDS",
    "LOCKOUT_MAX_SECONDS",
    "LOCKOUT_THRESHOLD",
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "PERMISSIONS",
    "PUBLIC_COLUMNS",
    "ROLES",
    "ROLE_NAMES",
    "SETUP_CODE_KEY",
    "SETUP_DONE",
    "WAIT_MESSAGE",
    "WRONG_SETUP_CODE",
    "AuthResult",
    "PasswordCheck",
    "_hasher",
    "authenticate",
    "claim_first_admin",
    "client_address",
    "confirmed",
    "create_user",
    "get_user",
    "get_user_by_email",
    "hash_password",
    "is_allowed",
    "issue_setup_code",
    "list_users",
    "lockout_seconds",
    "needs_setup",
    "normalise_username",
    "oidc",
    "passwords",
    "require_agency",
    "reset_password",
    "roles",
    "set_active",
    "set_agency",
    "set_language",
    "set_role",
    "setup",
    "signin",
    "throttle",
    "trusted_proxies",
    "users",
    "validate_password",
    "verify_password",
    "with_claimed_agency",
]
