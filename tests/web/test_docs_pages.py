"""The project's docs/ pages in the app: every document a page names is a working link, the
pages are rendered read-only from the Markdown, and no name reaches a file outside docs/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from marketscout.web import docs
from marketscout.web.text import code_spans

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "src" / "marketscout" / "web" / "templates"
DOC_HREF = re.compile(r'href="(/docs(?:/[^"#?]*)?)(#[^"]*)?"')
ANCHOR = re.compile(r"<a\b[^>]*>.*?</a>", re.S)
COMMENT = re.compile(r"\{#.*?#\}", re.S)
PLAIN_REFERENCE = re.compile(r"\bdocs/[\w-]+\.md")


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def test_every_doc_link_in_the_templates_resolves(reader: Any) -> None:
    links = {(m.group(1), m.group(2)) for t in _templates()
             for m in DOC_HREF.finditer(t.read_text(encoding="utf-8"))}
    named = {path for path, _ in links if path.startswith("/docs/")}
    assert {"/docs/import", "/docs/plan", "/docs/rank-json"} <= named
    for path, anchor in sorted(links, key=str):
        if "{{" in path:  # the index's own loop: checked below
            continue
        page = reader.get(path)
        assert page.status_code == 200, path
        if anchor:
            assert f'id="{anchor[1:]}"' in page.text, path + anchor
    index = reader.get("/docs")
    assert index.status_code == 200
    listed = re.findall(r'href="/docs/([\w-]+)"', index.text)
    assert listed == sorted(p.stem for p in (REPO / "docs").glob("*.md"))
    for name in listed:
        assert reader.get(f"/docs/{name}").status_code == 200, name


def test_no_template_names_a_document_without_linking_it() -> None:
    for template in _templates():
        text = ANCHOR.sub("", COMMENT.sub("", template.read_text(encoding="utf-8")))
        assert not PLAIN_REFERENCE.findall(text), template.name


def test_a_document_is_rendered_with_tables_heading_ids_and_links_between_documents(
        reader: Any) -> None:
    page = reader.get("/docs/data-sources")
    assert page.status_code == 200 and "<table>" in page.text
    assert 'href="/docs/methodology#samples"' in page.text  # methodology.md#samples
    methodology = reader.get("/docs/methodology").text
    assert '<h2 id="samples">Samples</h2>' in methodology
    assert "<h1" in methodology


@pytest.mark.parametrize("name", [
    "..%2F..%2Fpyproject.toml", "..%2Fdocs%2Fplan", "%2e%2e", "plan.md", "README", "PLAN",
    "..%5C..%5Cpyproject.toml", "nothing-here", "plan%00",
])
def test_no_name_reaches_a_file_outside_the_docs(reader: Any, name: str) -> None:
    page = reader.get(f"/docs/{name}")
    assert page.status_code == 404, name
    assert "[project]" not in page.text and "setuptools" not in page.text


def test_raw_html_in_a_document_is_shown_as_text(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "evil.md").write_text("# Evil\n\n<script>alert(1)</script>\n\n"
                                      "[next](other.md#part) [out](../README.md)\n",
                                      encoding="utf-8")
    (tmp_path / "other.md").write_text("# Other\n\n## Part\n", encoding="utf-8")
    monkeypatch.setattr(docs, "docs_folder", lambda: tmp_path)
    title, html = docs.render_doc("evil")
    assert title == "Evil" and "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="/docs/other#part"' in html and 'href="../README.md"' in html
    assert docs.render_doc("other")[1].count('id="part"') == 1


def test_messages_naming_a_document_link_to_it() -> None:
    html = str(code_spans("Upload a .csv file (see docs/survey.md, `marketscout survey`)."))
    assert '<a href="/docs/survey">docs/survey.md</a>' in html
    assert "<code>marketscout survey</code>" in html
    assert str(code_spans("docs/not-a-doc.md")) == "docs/not-a-doc.md"
