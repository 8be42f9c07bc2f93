"""Fixtures: stores holding the hand-made corpora of collab_corpora.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from collab_corpora import PARTICIPATIONS, PARTS, TEXTS, text_corpus

from marketscout.sources.cordis import parse_h2020
from marketscout.store import Store


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Store]:
    """An in-memory store holding only the hand-made H2020 corpus above."""
    (tmp_path / "h2020.csv").write_text(PARTICIPATIONS, encoding="utf-8")
    (tmp_path / "parts.csv").write_text(PARTS, encoding="utf-8")
    parsed = parse_h2020(tmp_path / "h2020.csv", tmp_path / "parts.csv")
    with Store() as store:
        store.load(parsed.tables, parsed.provenance)
        yield store


@pytest.fixture
def texts() -> Iterator[Store]:
    """An in-memory store with the three hand-made projects and their organisations."""
    with Store() as store:
        store.load(text_corpus(), TEXTS)
        yield store
