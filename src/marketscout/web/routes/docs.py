"""The project's documentation pages, read-only (`web.docs`): /docs lists them, /docs/{name}
shows one. Reading follows the read access like every other page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from marketscout.web import docs
from marketscout.web.auth import Reader
from marketscout.web.deps import render
from marketscout.web.middleware import GuardedRoute

router = APIRouter(include_in_schema=False, route_class=GuardedRoute, dependencies=[Reader])


@router.get("/docs", response_class=HTMLResponse)
def docs_index(request: Request) -> HTMLResponse:
    """Every document, by name."""
    return render(request, "docs.html", {"nav": "docs", "title": "Documentation", "html": None,
                                         "name": "", "names": docs.doc_names()})


@router.get("/docs/{name}", response_class=HTMLResponse)
def doc_page(request: Request, name: str) -> HTMLResponse:
    """One document, rendered from its Markdown (unknown names: 404)."""
    return render(request, "docs.html", {"nav": "docs", **docs.context(name)})
