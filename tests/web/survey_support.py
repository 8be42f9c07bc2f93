"""Helpers for the survey's web tests: an app on a fresh store, CSRF tokens, a live server."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from marketscout.settings import Settings
from marketscout.store import Store
from marketscout.web.app import create_app

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LINK = re.compile(r'id="new-link"[^>]*value="([^"]+)"')


def make_app(folder: Path, password: str | None = PASSWORD) -> FastAPI:
    """The app over an empty store in `folder` (no snapshot: the survey needs none)."""
    folder.mkdir(parents=True, exist_ok=True)
    Store(folder / "marketscout.duckdb").close()
    return create_app(Settings(home=folder, cache_dir=folder / "cache",
                               admin_password=password))


def csrf(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = CSRF.search(html)
    assert found, "no form with a CSRF token on this page"
    return found.group(1)


def login(client: TestClient, password: str = PASSWORD, username: str = "admin",
          then: str = "/admin") -> str:
    """Log the client in; return a CSRF token valid for its new session."""
    page = client.get("/login")
    done = client.post("/login", data={"csrf_token": csrf(page.text), "username": username,
                                       "password": password, "next": then})
    assert done.status_code == 200 and done.url.path == then, done.text
    return csrf(done.text)


def add_user(folder: Path, username: str, role: str, password: str = PASSWORD) -> None:
    """Create a user directly in the store of the app over `folder`."""
    from marketscout import access

    with Store(folder / "marketscout.duckdb") as store:
        access.add_user(store, username, role, password)


def closing_date(days: int = 60) -> str:
    """A closing date `days` from today (rounds close at most five years ahead)."""
    return (date.today() + timedelta(days=days)).isoformat()


def new_round(client: TestClient, token: str, k: int = 3, title: str = "Survey 2030") -> int:
    """Create a round through the admin form; return its number."""
    made = client.post("/admin/rounds", data={"csrf_token": token, "title": title,
                                              "closes_on": closing_date(), "max_markets": k,
                                              "home": "LTU"})
    assert made.status_code == 200, made.text
    return int(made.url.path.rsplit("/", 1)[1])


def invite_new(client: TestClient, token: str, round_id: int, name: str,
               weight: float = 1.0) -> str:
    """Register and invite an association through the round page; return its link's path."""
    page = client.post(f"/admin/rounds/{round_id}/invite",
                       data={"csrf_token": token, "name": name, "weight": weight})
    assert page.status_code == 200, page.text
    found = LINK.search(page.text)
    assert found
    return "/" + found.group(1).split("/", 3)[3]


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """Serve `app` with uvicorn on 127.0.0.1 at a free port; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start within 20 s"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
