"""World Bank Logistics Performance Index: overall and six component scores and ranks.

The World Bank publishes a workbook with one sheet per edition (named by its year, e.g.
"2023"); `marketscout data update lpi` writes that sheet out as a CSV beside it in the cache,
so the workbook and CSV copies share one parser; the provenance keeps the workbook's URL
and sha256.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pandas as pd

from marketscout import countries
from marketscout.errors import InputError
from marketscout.provenance import sha256_of
from marketscout.sources import Parsed, finish, publishers
from marketscout.sources._download import retrieved_on
from marketscout.sources.read import read_csv, reject_duplicates, to_number
from marketscout.sources.registry import UpdateContext, declare

LPI = publishers.provenance("wb_lpi_2023", entry="wb_lpi")

# Column prefix in the published table -> indicator name in the store.
INDICATORS: dict[str, str] = {
    "LPI": "overall",
    "Customs": "customs",
    "Infrastructure": "infrastructure",
    "International Shipments": "international_shipments",
    "Logistics Competence and Quality": "logistics_competence",
    "Timeliness": "timeliness",
    "Tracking and Tracing": "tracking_tracing",
}

# Economy names as written in the republished file that no country list knows.
NAME_FIXES: dict[str, str] = {
    # "Türkiye" with the high bit of each UTF-8 byte stripped (C3 BC -> "C<")
    "TC<rkiye": "TUR",
}


def parse_lpi(path: Path, year: int = 2023) -> Parsed:
    """An LPI table (one row per economy, names only) -> table `lpi`, long format."""
    path = Path(path)
    columns = [f"{p} {kind}" for p in INDICATORS for kind in ("Score", "Grouped Rank")]
    raw = read_csv(path, sep=",", required=("Economy", *columns))
    raw["Economy"] = raw["Economy"].str.strip()
    reject_duplicates(raw, ["Economy"], path)
    iso3 = _economies(raw["Economy"], path)
    frames = []
    for prefix, indicator in INDICATORS.items():
        frames.append(pd.DataFrame({
            "iso3": iso3,
            "year": year,
            "indicator": indicator,
            "score": to_number(raw[f"{prefix} Score"], path=path, column=f"{prefix} Score"),
            "rank": to_number(
                raw[f"{prefix} Grouped Rank"], path=path, column=f"{prefix} Grouped Rank"
            ),
        }))
    table = pd.concat(frames, ignore_index=True)
    base = replace(LPI, source_id=f"wb_lpi_{year}", edition=f"LPI {year}")
    return finish(base, path, {"lpi": table})


def _economies(names: pd.Series, path: Path) -> pd.Series:
    """Economy names -> ISO3; two names for one country is an error (a duplicated row)."""
    codes: list[str] = []
    for pos, name in enumerate(names):
        where = f"{path}, row {pos + 2}, column 'Economy'"
        codes.append(NAME_FIXES.get(name) or countries.to_iso3(name, where=where))
    iso3 = pd.Series(codes, index=names.index)
    reject_duplicates(iso3.to_frame("iso3"), ["iso3"], path)
    return iso3


# --- `marketscout data update lpi` -----------------------------------------------------------

DEFAULT_FILE = "International_LPI_from_2007_to_2023_0.xlsx"
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


SOURCE = declare("lpi", update)
