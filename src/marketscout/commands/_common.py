"""Helpers shared by the commands: settings, the store, and output formats."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:  # command modules load at start-up: keep pandas and DuckDB out of it
    import pandas as pd

    from marketscout.store import Store

console = Console()


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@contextmanager
def user_store(read_only: bool = False) -> Iterator[Store]:
    """The user's store (created from the embedded snapshot on first use)."""
    from marketscout.settings import load_settings
    from marketscout.store import open_store

    with open_store(load_settings().db_path, read_only=read_only) as store:
        yield store


def emit(text: str, output: Path | None, *, quiet: bool = False) -> None:
    """Write text to a file (saying so unless `quiet`), or to standard output."""
    if output:
        from marketscout.reports.files import check_output

        check_output(output)
        output.write_text(text, encoding="utf-8")
        if not quiet:
            console.print(f"Wrote {output}", highlight=False)
    else:
        print(text, end="" if text.endswith("\n") else "\n")


err_console = Console(stderr=True)


def to_json(data: Any) -> str:
    from marketscout.jsonable import dumps

    return dumps(data)


def rich_table(frame: pd.DataFrame, title: str | None = None) -> Table:
    """A Rich table of a frame, numbers right-aligned, missing values shown as '-'."""
    import pandas as pd

    table = Table(title=title, show_lines=False)
    for col in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[col])
        table.add_column(str(col), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*("-" if _missing(v) else _fmt(v) for v in row))
    return table


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or (not isinstance(value, list | tuple | dict) and bool(pd.isna(value)))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)
