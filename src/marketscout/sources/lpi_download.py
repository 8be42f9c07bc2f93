"""World Bank Logistics Performance Index: the LPI workbook (one sheet per edition) or a CSV.

The workbook's sheet for the edition (named by its year, e.g. "2023") is written out as a
CSV beside it in the cache and read by `lpi.parse_lpi`, so both layouts share one parser;
the provenance keeps the workbook's URL and sha256.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pandas as pd

from marketscout.errors import InputError
from marketscout.provenance import sha256_of
from marketscout.sources import Parsed
from marketscout.sources._download import retrieved_on
from marketscout.sources.lpi import parse_lpi
from marketscout.sources.registry import Source, UpdateContext

DEFAULT_FILE = "International_LPI_from_2007_to_2023_0.xlsx"
DEFAULT_URL = f"https://lpi.worldbank.org/sites/default/files/{DEFAULT_FILE}"
LATEST_EDITION = 2023
EXCEL = (".xlsx", ".xlsm")


def update(ctx: UpdateContext) -> Iterator[Parsed]:
    """Fetch (or take `--file`) the LPI table of one edition (--years, default 2023)."""
    year = ctx.years[1] if ctx.years else LATEST_EDITION
    if ctx.file is not None:
        path, url, retrieved = ctx.file, ctx.file.resolve().as_uri(), retrieved_on(ctx.file)
    else:
        url = ctx.file_url(DEFAULT_FILE)
        name = PurePosixPath(urlsplit(url).path).name or DEFAULT_FILE
        path = ctx.download(url, f"lpi/{name}")
        retrieved = retrieved_on(path) if ctx.offline else date.today().isoformat()
    table = sheet_as_csv(path, year) if path.suffix.lower() in EXCEL else path
    parsed = parse_lpi(table, year)
    prov = replace(parsed.provenance, url=url, retrieved=retrieved, sha256=sha256_of(path),
                   republisher="", note=f"Sheet {year} of {path.name}."
                   if table != path else "")
    yield Parsed(parsed.tables, prov)


def sheet_as_csv(path: Path, year: int) -> Path:
    """The sheet named `year` as a CSV beside the workbook, from its 'Economy' header row."""
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            names = [str(n) for n in book.sheet_names]
            if str(year) not in names:
                raise InputError(
                    f"The LPI workbook has no sheet for {year}.",
                    where=f"{path}; sheets: {', '.join(names)}",
                    fix="Pick an edition that the workbook holds with --years.",
                )
            grid = pd.read_excel(book, sheet_name=str(year), header=None, dtype=str)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(
            f"The LPI workbook cannot be read ({exc}).", where=str(path),
            fix="Download it again, or export the sheet as CSV and use --file.",
        ) from exc
    first = grid.iloc[:, 0].fillna("").str.strip()
    header = first[first == "Economy"].index
    if not len(header) or header[0] > 20:
        raise InputError(f"No 'Economy' header in the first 20 rows of sheet {year}.",
                         where=f"{path}, sheet {year}, column A",
                         fix="Use the World Bank's LPI workbook unchanged.")
    table = grid.iloc[header[0] + 1 :].copy()
    table.columns = grid.iloc[header[0]].fillna("").str.strip().tolist()
    target = path.with_name(f"{path.stem}_{year}.csv")
    table.dropna(how="all").to_csv(target, index=False)
    return target


SOURCE = Source(
    id="lpi",
    name="Logistics Performance Index",
    publisher="World Bank",
    default_url=DEFAULT_URL,
    licence="CC BY 4.0",
    update=update,
    note="One edition per run (--years 2023); the workbook's sheet or a CSV (--file).",
    accepts_file=True,
)
