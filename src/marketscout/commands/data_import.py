"""`marketscout data import KIND FILE`: load the user's own table, checked in full first."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from marketscout.commands import data_app
from marketscout.commands._common import console, user_store

if TYPE_CHECKING:
    from marketscout.store import Store

# Files above this size get a progress display while they are read and loaded (about 2 s).
LARGE_FILE = 2 * 1024 * 1024


class Kind(StrEnum):
    """What a user's file holds (see docs/import.md)."""

    GII = "gii"
    IMD = "imd"
    FDI = "fdi"
    EXPORTS = "exports"
    SURVEY = "survey"
    LIST = "list"
    RISK = "risk"


@data_app.command("import")
def import_file(
    kind: Kind = typer.Argument(..., help="What the file holds: gii, imd, fdi, exports, survey, "
                                "list or risk."),
    file: Path = typer.Argument(..., help="A CSV (separated by , ; or tab), an .xlsx file, or "
                                "(risk) the OECD's Country Risk Classification PDF."),
    home: str | None = typer.Option(None, help="Home country (ISO3); needed for fdi and exports."),
    year: int | None = typer.Option(None, help="Year for rows that have none (gii, imd, fdi, "
                                    "exports, risk)."),
    name: str | None = typer.Option(None, help="Name of the list (list only; default: file name)."),
    sheet: str | None = typer.Option(None, help="Excel sheet to read (default: the first)."),
    complete: bool = typer.Option(False, "--complete", help="fdi, exports: the file lists every "
                                  "partner with a non-zero value, so a partner it does not list "
                                  "counts 0 (recorded in the provenance)."),
) -> None:
    """Import your own file; it replaces your previous import of that kind (or list name).

    Every row is checked first: if any row is wrong, nothing is loaded.
    """
    from marketscout.sources import user

    with _progress(file) as step:
        step("reading")
        parsed = user.parse(kind.value, file, home=home, year=year, name=name, sheet=sheet,
                            complete=complete)
        step(f"loading {parsed.provenance.rows:,} rows")
        with user_store() as store:
            # the file and its options are kept under user-data/ for `store rebuild`
            store.load(parsed.tables, parsed.provenance, original=file, options={
                "parser": "user", "kind": kind.value, "home": home, "year": year, "name": name,
                "sheet": sheet, "complete": complete})
            step("checking what it changes in the ranking")
            impact = _impact(store, kind.value, parsed.provenance.source_id, home)
    prov = parsed.provenance
    console.print(
        f"Imported {prov.rows} rows ({prov.countries} countries, years {prov.years or 'none'}) "
        f"from {file.name} as [bold]{prov.source_id}[/]"
        + (" (declared complete: partners not listed count 0)." if prov.complete else "."),
        highlight=False,
    )
    for line in impact:
        console.print(line, highlight=False, soft_wrap=True)


def _impact(store: Store, kind: str, source_id: str, home: str | None) -> list[str]:
    """The import's coverage and what the criterion now uses (priority.impact)."""
    from marketscout.priority.impact import import_impact

    return import_impact(store, kind, source_id, home or "LTU")


@contextmanager
def _progress(file: Path) -> Iterator[Callable[[str], None]]:
    """A transient progress display on stderr for large files; silent for small ones."""
    size = file.stat().st_size if file.is_file() else 0
    if size < LARGE_FILE:
        yield lambda text: None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bars:
        task = bars.add_task(f"{file.name} ({size / 1e6:.1f} MB)", total=None)
        yield lambda text: bars.update(task, description=f"{file.name} "
                                       f"({size / 1e6:.1f} MB): {text}")
