"""The session cookie's two HTTP routes, served by the app itself (``st.App`` in dashboard.py).

A Streamlit script talks to the browser over a WebSocket and cannot send ``Set-Cookie``;
these Starlette routes can, so the cookie is HttpOnly (no script on the page can read it),
SameSite=Strict, Secure when the app is served over HTTPS, and limited to the app's path.

- ``POST <base>/session/claim`` with a one-time hand-over code as the body: sets the cookie.
- ``POST <base>/session/end``: revokes the cookie's session and deletes the cookie.

Both refuse requests from another origin (the ``Origin`` header, when the browser sends one).
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lib.auth import sessions
from lib.auth.throttle import trusted_proxies
from lib.db import make_engine

MAX_BODY = 200


@cache
def _engine() -> Engine:
    # One engine per server process, made at the first request (never at import).
    return make_engine()


def _is_https(request: Request) -> bool:
    if request.url.scheme == "https":
        return True
    forwarded = request.headers.get("x-forwarded-proto", "")
    return trusted_proxies() > 0 and forwarded.split(",")[-1].strip().lower() == "https"


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin:
        return True  # same-origin fetches may omit it; SameSite=Strict guards the cookie itself
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1].rstrip("/") == host


def _set_cookie(response: Response, request: Request, path: str, value: str, max_age: int) -> None:
    response.set_cookie(
        sessions.COOKIE_NAME,
        value,
        max_age=max_age,
        path=path,
        secure=_is_https(request),
        httponly=True,
        samesite="strict",
    )


def script(base_path: str, code: str | None) -> str:
    """The page's side of the hand-over: a same-origin POST of the one-time ``code`` to the claim
    route, or (no code) to the end route, which deletes the cookie."""
    base = "/" + base_path.strip("/") if base_path.strip("/") else ""
    if code is None:
        return f"<script>fetch('{base}/session/end', {{method: 'POST'}})</script>"
    if not code.replace("-", "").replace("_", "").isalnum():  # token_urlsafe: nothing to escape
        raise ValueError("not a hand-over code")
    return f"<script>fetch('{base}/session/claim', {{method: 'POST', body: '{code}'}})</script>"


def session_routes(base_path: str = "") -> list[Route]:
    """The two routes under the app's base URL path (``server.baseUrlPath``, e.g. "" or "/dashboard")."""
    base = "/" + base_path.strip("/") if base_path.strip("/") else ""
    cookie_path = base + "/"

    async def claim(request: Request) -> Response:
        if not _same_origin(request):
            return Response(status_code=403)
        code = (await request.body())[:MAX_BODY].decode("ascii", "replace").strip()
        try:
            token = await run_in_threadpool(sessions.claim, _engine(), code)
        except SQLAlchemyError:  # e.g. the database is not reachable: no cookie, no traceback
            return Response(status_code=503)
        if token is None:
            return Response(status_code=403)
        response = Response(status_code=204, headers={"Cache-Control": "no-store"})
        _set_cookie(response, request, cookie_path, token, int(sessions.max_lifetime().total_seconds()))
        return response

    async def end(request: Request) -> Response:
        if not _same_origin(request):
            return Response(status_code=403)
        try:
            await run_in_threadpool(
                sessions.revoke, _engine(), token=request.cookies.get(sessions.COOKIE_NAME)
            )
        except SQLAlchemyError:  # the cookie goes anyway; a session that outlives it expires on its own
            pass
        response = Response(status_code=204, headers={"Cache-Control": "no-store"})
        _set_cookie(response, request, cookie_path, "", 0)
        return response

    return [
        Route(f"{base}/session/claim", claim, methods=["POST"]),
        Route(f"{base}/session/end", end, methods=["POST"]),
    ]
