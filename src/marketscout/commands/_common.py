"""Helpers shared by the commands: settings, the store, and output formats."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from marketscout.settings import load_settings
from marketscout.store import Store, open_store

console = Console()


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@contextmanager
def user_store(read_only: bool = False) -> Iterator[Store]:
    """The user's store (created from the embedded snapshot on first use)."""
    with open_store(load_settings().db_path, read_only=read_only) as store:
        yield store


def emit(text: str, output: Path | None) -> None:
    """Write text to a file, or to standard output."""
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(f"Wrote {output}", highlight=False)
    else:
        print(text, end="" if text.endswith("\n") else "\n")


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=_jsonable) + "\n"


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def rich_table(frame: pd.DataFrame, title: str | None = None) -> Table:
    """A Rich table of a frame, numbers right-aligned, missing values shown as '-'."""
    table = Table(title=title, show_lines=False)
    for col in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[col])
        table.add_column(str(col), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*("-" if pd.isna(v) else _fmt(v) for v in row))
    return table


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)
