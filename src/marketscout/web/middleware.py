"""ASGI layers around the app: security headers on every response (the outermost layer, so
error pages, redirects and 500s get them too), and a request body size limit by path."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping, MutableMapping
from typing import Any

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response
from fastapi.routing import APIRoute

from marketscout.web.security import HEADERS

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KIB = 1024
# Body limits by path prefix (first match wins): survey answers are a few hundred bytes;
# admin uploads of offline answers are small spreadsheets; data uploads may be larger.
BODY_LIMITS: tuple[tuple[str, int], ...] = (
    ("/survey/", 64 * KIB), ("/api/survey", 64 * KIB), ("/login", 64 * KIB),
    ("/admin", 4 * KIB * KIB))
DEFAULT_BODY_LIMIT = 32 * KIB * KIB
_HEADER_BYTES = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in HEADERS.items()]


class SecurityHeaders:
    """Add HEADERS to every HTTP response that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in _HEADER_BYTES if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


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
    """A route with the body limit built in, whether or not the app installed the middleware:
    `APIRouter(route_class=GuardedRoute)`."""

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
            return await handler(request)

        return guarded
