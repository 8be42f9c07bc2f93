"""Security shared by every response: the headers, the session cookie, the client's address.

Headers go on every response, error pages and redirects included, through the outermost
middleware (web/middleware.py); the session cookie is HttpOnly, SameSite=Lax, Secure over
HTTPS. CSRF tokens are in web/csrf.py.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from marketscout.access import SESSION_LIFETIME
from marketscout.web.csrf import SESSION_COOKIE

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # survey links carry their token in the path: never send it on in a Referer header
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
}


def session_id(request: Request) -> str | None:
    """The session id from its cookie, if any."""
    return request.cookies.get(SESSION_COOKIE)


def set_session_cookie(request: Request, response: Response, session: str) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS."""
    response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="lax", path="/",
                        max_age=int(SESSION_LIFETIME.total_seconds()),
                        secure=request.url.scheme == "https")


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


def client_address(request: Request) -> str:
    """The client's IP address (uvicorn applies X-Forwarded-For from trusted proxies only)."""
    return request.client.host if request.client else "unknown"
