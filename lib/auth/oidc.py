"""Single sign-on (AUTH_MODE=oidc): which identity claims are trusted, and what one without access reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lib.i18n import _


def verified_email(claims: Mapping[str, Any]) -> str | None:
    """The e-mail address the provider gives for the signed-in identity, or None.

    The ``email`` claim of the configured provider is trusted (Microsoft Entra ID often sends
    no ``email_verified``); an address the provider explicitly marks unverified is refused.
    """
    if claims.get("email_verified") in (False, "false", "False"):
        return None
    email = claims.get("email")
    return email.strip() if isinstance(email, str) and email.strip() else None


def no_access_message(email: str | None) -> str:
    """What a signed-in identity without an active user row sees."""
    if isinstance(email, str) and email:
        return _(
            "Your organisation account ({email}) has no access to this dashboard. Ask an administrator "
            "to add your e-mail address on the Users page, or to reactivate your user.",
            email=email,
        )
    return _(
        "Your organisation account has no access to this dashboard. Ask an administrator "
        "to add your e-mail address on the Users page, or to reactivate your user."
    )
