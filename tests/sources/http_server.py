"""A local HTTP server for connector tests: files in the publishers' layouts, faults on demand.

It listens on 127.0.0.1 on a free port, serves a folder (and optional per-path handlers for
APIs), supports single Range requests with If-Range, and injects one fault per request from a
queue per path, so a test can say "a 500, then the file" or "reset the connection half-way".

Bounded by construction: every request socket has a timeout, the server answers at most
`max_requests` requests (then 503), slow answers wait on an event that `stop()` sets, and a
watchdog stops the server after `max_seconds` whatever the test does.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import struct
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

CONTENT_TYPES = {
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".zip": "application/zip",
    ".gz": "application/gzip",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xml": "application/xml",
}
HTML_ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Service unavailable</title></head>"
    b"<body><h1>Sorry, the site is under maintenance.</h1></body></html>\n"
)


class Fault(StrEnum):
    """What the server does wrong for one request."""

    ERROR_500 = "500"  # HTTP 500 with a short text body
    ERROR_503 = "503"  # HTTP 503 (service unavailable)
    NOT_FOUND = "404"  # HTTP 404 even though the file exists
    CUT_SHORT = "cut_short"  # Content-Length of the whole body, half the body, then close
    CORRUPT = "corrupt"  # the body with bytes flipped in its middle (a corrupted zip)
    HTML_200 = "html_200"  # an HTML maintenance page with status 200
    SLOW = "slow"  # wait `delay` seconds before answering (longer than the client's timeout)
    RESET = "reset"  # send `at` bytes of the body, then reset the connection (TCP RST)
    IGNORE_RANGE = "ignore_range"  # answer a Range request with the whole file and 200


@dataclass
class Request:
    """One request as the server saw it (header names in lower case)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    status: int = 0
    fault: Fault | None = None


@dataclass
class Reply:
    """What a handler returns for a route."""

    body: bytes
    status: int = 200
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


Route = Callable[[Request], Reply]


@dataclass
class _Pending:
    fault: Fault
    times: int
    delay: float
    at: int | None


class LocalServer:
    """Serve `root` on http://127.0.0.1:<free port>; see `fault`, `route` and `requests`."""

    def __init__(self, root: Path, *, max_requests: int = 500, max_seconds: float = 120.0,
                 socket_timeout: float = 10.0) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.max_requests = max_requests
        self.requests: list[Request] = []
        self.routes: dict[str, Route] = {}
        self._faults: dict[str, list[_Pending]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        handler = type("Handler", (_Handler,), {"owner": self, "timeout": socket_timeout})
        self._httpd = _QuietServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._watchdog = threading.Timer(max_seconds, self.stop)
        self._watchdog.daemon = True

    @property
    def url(self) -> str:
        """The base URL, without a trailing slash."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> LocalServer:
        self._thread.start()
        self._watchdog.start()
        return self

    def stop(self) -> None:
        """Stop serving (idempotent); slow answers still waiting are released at once."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._watchdog.cancel()
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def put(self, path: str, content: bytes | str) -> str:
        """Write a file under the served folder; return its URL."""
        target = self.root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return f"{self.url}/{path.lstrip('/')}"

    def route(self, path: str, handler: Route) -> str:
        """Answer requests for `path` (any query string) with `handler`; return its URL."""
        self.routes["/" + path.lstrip("/")] = handler
        return f"{self.url}/{path.lstrip('/')}"

    def fault(self, path: str, fault: Fault, *, times: int = 1, delay: float = 2.0,
              at: int | None = None) -> None:
        """Queue `fault` for the next `times` requests of `path` (after earlier queued faults).

        `delay` is the wait of SLOW; `at` the byte where RESET drops the connection
        (default: half the body).
        """
        with self._lock:
            queue = self._faults.setdefault("/" + path.lstrip("/"), [])
            queue.append(_Pending(Fault(fault), times, delay, at))

    def hits(self, path: str) -> list[Request]:
        """The requests made for `path`, in order."""
        return [r for r in self.requests if r.path == "/" + path.lstrip("/")]

    def _take(self, path: str) -> _Pending | None:
        with self._lock:
            queue = self._faults.get(path, [])
            if not queue:
                return None
            pending = queue[0]
            pending.times -= 1
            if pending.times <= 0:
                queue.pop(0)
            return pending

    def _log(self, request: Request) -> bool:
        """Record the request; False when the request budget is spent."""
        with self._lock:
            self.requests.append(request)
            return len(self.requests) <= self.max_requests


class _QuietServer(ThreadingHTTPServer):
    """Connections reset by the client (after its timeout, or closing keep-alive) are normal
    here; any other error in a handler is still printed."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    owner: LocalServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms stall

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads `LocalServer.requests` instead."""

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _answer(self, *, head: bool) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = Request(self.command, parts.path, query, headers)
        if not self.owner._log(request):
            self._simple(request, 503, b"request budget of the test server spent\n")
            return
        pending = self.owner._take(parts.path)
        request.fault = pending.fault if pending else None
        if pending and self._plain_fault(request, pending):
            return
        reply = self._reply(request)
        if reply is None:
            self._simple(request, 404, b"not found\n")
            return
        if pending and pending.fault is Fault.CORRUPT:
            reply.body = _corrupt(reply.body)
        self._send(request, reply, head=head, pending=pending)

    def _plain_fault(self, request: Request, pending: _Pending) -> bool:
        """Faults that replace the answer entirely; True when one was sent."""
        fault = pending.fault
        if fault in (Fault.ERROR_500, Fault.ERROR_503, Fault.NOT_FOUND):
            self._simple(request, int(fault.value), f"HTTP {fault.value} (injected)\n".encode())
            return True
        if fault is Fault.HTML_200:
            self._simple(request, 200, HTML_ERROR_PAGE, "text/html; charset=utf-8")
            return True
        if fault is Fault.SLOW and self.owner._stopping.wait(pending.delay):
            self.close_connection = True  # stopped while waiting: just hang up
            return True
        return False

    def _reply(self, request: Request) -> Reply | None:
        route = self.owner.routes.get(request.path)
        if route is not None:
            return route(request)
        target = (self.owner.root / request.path.lstrip("/")).resolve()
        if not target.is_file() or self.owner.root.resolve() not in target.parents:
            return None
        body = target.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        modified = formatdate(target.stat().st_mtime, usegmt=True)
        content_type = CONTENT_TYPES.get(target.suffix, "application/octet-stream")
        return Reply(body, 200, content_type, {"ETag": etag, "Last-Modified": modified,
                                               "Accept-Ranges": "bytes"})

    def _send(self, request: Request, reply: Reply, *, head: bool,
              pending: _Pending | None) -> None:
        body, status, extra = reply.body, reply.status, dict(reply.headers)
        ignore = pending is not None and pending.fault is Fault.IGNORE_RANGE
        span = _range(request.headers, extra, len(body)) if status == 200 and not ignore else None
        if span == (-1, -1):
            self._simple(request, 416, b"range not satisfiable\n",
                         extra={"Content-Range": f"bytes */{len(body)}"})
            return
        if span is not None:
            status, body = 206, body[span[0] : span[1] + 1]
            extra["Content-Range"] = f"bytes {span[0]}-{span[1]}/{len(reply.body)}"
        request.status = status
        self.send_response(status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in extra.items():
            self.send_header(key, value)
        self.end_headers()
        if head:
            return
        fault = pending.fault if pending else None
        if fault is Fault.CUT_SHORT:
            self._write(body[: len(body) // 2])
            self.close_connection = True
        elif fault is Fault.RESET:
            self._write(body[: pending.at if pending and pending.at is not None
                             else len(body) // 2])
            self._reset()
        else:
            self._write(body)

    def _simple(self, request: Request, status: int, body: bytes,
                content_type: str = "text/plain; charset=utf-8",
                extra: dict[str, str] | None = None) -> None:
        request.status = status
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self._write(body)

    def _write(self, data: bytes) -> None:
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:  # the client gave up (e.g. after its read timeout)
            self.close_connection = True

    def _reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0), as a dropped link looks."""
        self.close_connection = True
        # a moment for the client to read what was sent: an RST discards unread data
        self.owner._stopping.wait(0.2)
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()

    def finish(self) -> None:
        with contextlib.suppress(OSError):  # the socket was reset on purpose
            super().finish()


def _range(headers: dict[str, str], extra: dict[str, str], size: int) -> tuple[int, int] | None:
    """The (first, last) byte asked for, None for the whole body, (-1, -1) if unsatisfiable."""
    asked = headers.get("range")
    if not asked or not asked.startswith("bytes=") or "," in asked:
        return None
    condition = headers.get("if-range")
    if condition and condition not in (extra.get("ETag"), extra.get("Last-Modified")):
        return None  # the file changed since: send it whole (RFC 9110 13.1.5)
    first_text, _, last_text = asked.removeprefix("bytes=").partition("-")
    if not first_text.isdigit():
        return None
    first = int(first_text)
    last = int(last_text) if last_text.isdigit() else size - 1
    if first >= size:
        return (-1, -1)
    return (first, min(last, size - 1))


def _corrupt(body: bytes) -> bytes:
    """Flip 64 bytes in the middle, keeping the length (a damaged member, not a short file)."""
    middle = len(body) // 2
    span = slice(max(middle - 32, 0), min(middle + 32, len(body)))
    return body[: span.start] + bytes(b ^ 0xFF for b in body[span]) + body[span.stop :]
