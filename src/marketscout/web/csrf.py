"""CSRF tokens for every form: a signed double-submit token bound to the caller's session.

A random seed lives in an HttpOnly, SameSite=Lax cookie; each form carries
HMAC(server secret, seed | session id) in a hidden field, and a POST passes only when the two
agree (a page on another site can neither read the cookie nor compute the HMAC), and when its
`Origin`, if sent, is this site. `deps.render` puts `csrf_token` in every page's context;
call `check_csrf(request, token)` in every form handler. JSON endpoints need no token:
browsers send cross-site JSON only after a CORS preflight, which this app never grants.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading

from fastapi import HTTPException, Request
from fastapi.responses import Response

CSRF_COOKIE = "marketscout_csrf"
CSRF_FIELD = "csrf_token"
SESSION_COOKIE = "marketscout_session"
ORIGIN_REFUSED = "This form was sent from another site (CSRF check failed: its Origin is not " \
                 "this site)."
TOKEN_REFUSED = ("The form has expired or did not come from this site (CSRF check failed: "
                 "its token does not match this browser's cookie and session). Reload the page "
                 "and submit it again.")
_SECRET_LOCK = threading.Lock()


def _secret(request: Request) -> bytes:
    """The app's signing key: random per process (a restart only asks users to reload forms)."""
    state = request.app.state
    with _SECRET_LOCK:
        if getattr(state, "csrf_secret", None) is None:
            state.csrf_secret = secrets.token_bytes(32)
    key: bytes = state.csrf_secret
    return key


def _sign(request: Request, seed: str) -> str:
    message = f"{seed}|{request.cookies.get(SESSION_COOKIE, '')}".encode()
    digest = hmac.new(_secret(request), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def csrf_token(request: Request) -> str:
    """The token for this client's forms (a new seed is remembered for `with_csrf_cookie`)."""
    seed = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "csrf_seed", None)
    if not seed:
        seed = secrets.token_urlsafe(32)
        request.state.csrf_seed = seed
    return _sign(request, seed)


def with_csrf_cookie(request: Request, response: Response) -> Response:
    """Set the CSRF seed cookie on `response` if `csrf_token` made a new one."""
    seed = getattr(request.state, "csrf_seed", None)
    if seed:
        response.set_cookie(CSRF_COOKIE, seed, httponly=True, samesite="lax", path="/",
                            secure=request.url.scheme == "https")
    return response


def check_origin(request: Request) -> None:
    """Refuse (403) a request that a page on another site sent (its Origin header)."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin.split("://", 1)[-1] != request.url.netloc:
        raise HTTPException(403, ORIGIN_REFUSED)


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse (403) a POST from another site, or whose token does not match its cookie and
    session; the two checks have their own messages."""
    check_origin(request)
    seed = request.cookies.get(CSRF_COOKIE)
    if not seed or not submitted or not hmac.compare_digest(str(submitted), _sign(request, seed)):
        raise HTTPException(403, TOKEN_REFUSED)


def sign_value(request: Request, value: str) -> str:
    """`value` with this server's signature, for a cookie the server alone may write."""
    digest = hmac.new(_secret(request), b"value|" + value.encode(), hashlib.sha256).digest()
    return f"{value}.{base64.urlsafe_b64encode(digest).decode().rstrip('=')}"


def unsign_value(request: Request, signed: str | None) -> str | None:
    """The value of a `sign_value` text, or None when it is missing, altered or forged."""
    value, _, _ = str(signed or "").rpartition(".")
    if value and hmac.compare_digest(sign_value(request, value), str(signed)):
        return value
    return None
