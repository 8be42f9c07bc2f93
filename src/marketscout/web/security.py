"""Web security shared by every form: CSRF tokens, the admin session cookie, a request body size
limit, and security headers.

CSRF: a signed double-submit token. A random seed lives in an HttpOnly, SameSite=Lax cookie;
each form carries HMAC(server secret, seed | admin session id) in a hidden field, and a POST
passes only when the two agree (a page on another site can neither read the cookie nor compute
the HMAC). Use `render_form` to render a page with forms and `check_csrf(request, token)` in
every POST handler. JSON endpoints need no token: browsers send cross-site JSON only after a
CORS preflight, which this app never grants.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections.abc import Awaitable, Callable, Coroutine, Mapping, MutableMapping
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.routing import APIRoute

from marketscout.survey.auth import SESSION_LIFETIME
from marketscout.web.deps import render

CSRF_COOKIE = "marketscout_csrf"
CSRF_FIELD = "csrf_token"
SESSION_COOKIE = "marketscout_admin"
KIB = 1024
# Body limits by path prefix (first match wins): survey answers are a few hundred bytes;
# admin uploads of offline answers are small spreadsheets; data uploads may be larger.
BODY_LIMITS: tuple[tuple[str, int], ...] = (
    ("/survey/", 64 * KIB), ("/api/survey", 64 * KIB), ("/admin", 4 * KIB * KIB))
DEFAULT_BODY_LIMIT = 32 * KIB * KIB
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # survey links carry their token in the path: never send it on in a Referer header
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
}
_SECRET_LOCK = threading.Lock()

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


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


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse (403) a POST whose token does not match its cookie, or that another site sent."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin.split("://", 1)[-1] != request.url.netloc:
        raise HTTPException(403, "This form was sent from another site (CSRF check failed).")
    seed = request.cookies.get(CSRF_COOKIE)
    if not seed or not submitted or not hmac.compare_digest(str(submitted), _sign(request, seed)):
        raise HTTPException(403, "The form has expired or did not come from this site (CSRF "
                                 "check failed). Reload the page and submit it again.")


def render_form(request: Request, template: str, context: Mapping[str, Any] | None = None,
                status_code: int = 200) -> HTMLResponse:
    """Render a page whose forms carry `csrf_token`, with the security headers."""
    values = {**(context or {}), "csrf_token": csrf_token(request)}
    response = render(request, template, values, status_code=status_code)
    with_csrf_cookie(request, response)
    response.headers.update(HEADERS)
    return response


def session_id(request: Request) -> str | None:
    """The admin session id from its cookie, if any."""
    return request.cookies.get(SESSION_COOKIE)


def set_session_cookie(request: Request, response: Response, session: str) -> None:
    """The admin session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS."""
    response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="lax", path="/",
                        max_age=int(SESSION_LIFETIME.total_seconds()),
                        secure=request.url.scheme == "https")


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


def client_address(request: Request) -> str:
    """The client's IP address (uvicorn applies X-Forwarded-For from trusted proxies only)."""
    return request.client.host if request.client else "unknown"


def body_limit(path: str) -> int:
    """The largest request body accepted on `path`, in bytes."""
    return next((size for prefix, size in BODY_LIMITS if path.startswith(prefix)),
                DEFAULT_BODY_LIMIT)


def _too_large(limit: int) -> Response:
    return PlainTextResponse(f"Request body too large: at most {limit // KIB} KiB is accepted "
                             "here. Send a smaller file or shorter text.", status_code=413)


async def _read_capped(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None as soon as it passes `limit` bytes."""
    chunks: list[bytes] = []
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    """A receive channel that hands the already-read body to the app, then waits."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


def _declared_size(headers: Mapping[str, str]) -> int:
    try:
        return int(headers.get("content-length", "0") or 0)
    except ValueError:
        return 0


class BodySizeLimit:
    """ASGI middleware: refuse (413) request bodies above `body_limit(path)`, declared or sent.

    Install with `app.add_middleware(BodySizeLimit)`; bodies are read before the app sees them.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        body = None if _declared_size(headers) > limit else await _read_capped(receive, limit)
        if body is None:
            await _too_large(limit)(scope, receive, send)
            return
        await self.app(scope, _replay(body), send)


class GuardedRoute(APIRoute):
    """A route with the body limit and security headers built in, whether or not the app
    installed the middleware: `APIRouter(route_class=GuardedRoute)`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                limit = body_limit(request.url.path)
                body = (None if _declared_size(request.headers) > limit
                        else await _read_capped(request.receive, limit))
                if body is None:
                    return _too_large(limit)
                request = Request(request.scope, _replay(body))
            response = await handler(request)
            for name, value in HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return guarded
