"""The project's documentation (docs/*.md) as read-only pages of the app, so that pages naming
a document (docs/plan.md, docs/import.md, ...) can link to it.

Only the Markdown files of one folder are served, looked up by name in that folder's listing
(no path is ever built from the request). The folder is `marketscout/docs` when a package
ships one, else the repository's docs/ beside src/. Rendered with markdown-it-py (CommonMark
plus tables; raw HTML in a document is shown as text); links to other documents become links
to their pages, headings get GitHub-style ids so that `methodology.md#samples` works.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from markupsafe import Markup

from marketscout.errors import DataNotAvailableError

NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
# a reference to a document in text: docs/plan.md (optionally with #anchor)
REFERENCE = re.compile(r"\bdocs/([a-z0-9][a-z0-9_-]*)\.md((?:#[a-z0-9_-]+)?)")
_LINK = re.compile(r"^(?:\.\./docs/|docs/|\./)?([a-z0-9][a-z0-9_-]*)\.md(#[\w-]*)?$")


@lru_cache(maxsize=1)
def docs_folder() -> Path | None:
    """The folder whose .md files are served, or None when this copy has none."""
    packaged = Path(str(resources.files("marketscout"))) / "docs"
    repo = Path(__file__).resolve().parents[3] / "docs"
    for folder in (packaged, repo):
        if folder.is_dir() and any(folder.glob("*.md")):
            return folder
    return None


def doc_names() -> list[str]:
    """Names of the documents served (file stems), sorted."""
    folder = docs_folder()
    return [] if folder is None else list(_names(str(folder)))


@lru_cache(maxsize=4)
def _names(folder: str) -> tuple[str, ...]:
    # the folder is read once per process: filters call this for every text on a page
    return tuple(sorted(p.stem for p in Path(folder).glob("*.md") if NAME.fullmatch(p.stem)))


def doc_path(name: str) -> Path:
    """The file of document `name` (from the folder's listing); unknown names raise."""
    folder = docs_folder()
    if folder is None or name not in doc_names():
        known = ", ".join(doc_names()) or "none in this copy of marketscout"
        raise DataNotAvailableError(
            f"No document {name!r}.", where=f"/docs/{name}",
            fix=f"Documents: {known}. They are the repository's docs/ folder.")
    return folder / f"{name}.md"


def render_doc(name: str) -> tuple[str, Markup]:
    """(title, HTML) of document `name`: its first heading and its rendered body."""
    path = doc_path(name)
    return _render(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=32)
def _render(path: str, _mtime: int) -> tuple[str, Markup]:
    from markdown_it import MarkdownIt

    text = Path(path).read_text(encoding="utf-8")
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(text)
    title = Path(path).stem
    seen: dict[str, int] = {}
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and i + 1 < len(tokens):
            words = tokens[i + 1].content
            if title == Path(path).stem and token.tag == "h1":
                title = words
            token.attrSet("id", _slug(words, seen))
        for child in token.children or []:
            if child.type == "link_open":
                child.attrSet("href", doc_href(str(child.attrGet("href") or "")))
    return title, Markup(md.renderer.render(tokens, md.options, {}))


def doc_href(href: str) -> str:
    """A link inside a document: another document becomes its page (/docs/NAME#anchor); other
    repository files (../README.md, src/...) are left as they are."""
    found = _LINK.match(href)
    if found and found.group(1) in doc_names():
        return f"/docs/{found.group(1)}{found.group(2) or ''}"
    return href


def _slug(text: str, seen: dict[str, int]) -> str:
    """GitHub's heading ids: lower case, punctuation dropped, spaces as hyphens, repeats -1."""
    slug = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
    n = seen.get(slug, 0)
    seen[slug] = n + 1
    return slug if n == 0 else f"{slug}-{n}"


def link_references(escaped: str) -> str:
    """In escaped text, every `docs/NAME.md` reference to a served document as a link."""
    names = set(doc_names())

    def link(m: re.Match[str]) -> str:
        if m.group(1) not in names:
            return m.group(0)
        return f'<a href="/docs/{m.group(1)}{m.group(2)}">{m.group(0)}</a>'

    return REFERENCE.sub(link, escaped)


def context(name: str) -> dict[str, Any]:
    """What the document page shows."""
    title, html = render_doc(name)
    return {"title": title, "html": html, "name": name, "names": doc_names()}
