"""`marketscout data import KIND FILE`: load the user's own table, checked in full first."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from marketscout.commands import data_app
from marketscout.commands._common import console, user_store
from marketscout.sources import user


class Kind(StrEnum):
    """What a user's file holds (see docs/import.md)."""

    GII = "gii"
    IMD = "imd"
    FDI = "fdi"
    EXPORTS = "exports"
    SURVEY = "survey"
    LIST = "list"


@data_app.command("import")
def import_file(
    kind: Kind = typer.Argument(..., help="What the file holds: gii, imd, fdi, exports, survey "
                                "or list."),
    file: Path = typer.Argument(..., help="A CSV (separated by , ; or tab) or an .xlsx file."),
    home: str | None = typer.Option(None, help="Home country (ISO3); needed for fdi and exports."),
    year: int | None = typer.Option(None, help="Year for rows that have none (gii, imd, fdi, "
                                    "exports)."),
    name: str | None = typer.Option(None, help="Name of the list (list only; default: file name)."),
    sheet: str | None = typer.Option(None, help="Excel sheet to read (default: the first)."),
) -> None:
    """Import your own file; it replaces your previous import of that kind (or list name).

    Every row is checked first: if any row is wrong, nothing is loaded.
    """
    parsed = user.parse(kind.value, file, home=home, year=year, name=name, sheet=sheet)
    with user_store() as store:
        store.load(parsed.tables, parsed.provenance)
    prov = parsed.provenance
    console.print(
        f"Imported {prov.rows} rows ({prov.countries} countries, years {prov.years or 'none'}) "
        f"from {file.name} as [bold]{prov.source_id}[/].",
        highlight=False,
    )
