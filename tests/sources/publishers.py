"""Small synthetic publishers on the local test server, in the real layouts.

`serve_worldbank` answers like api.worldbank.org v2 (paged `[header, rows]` JSON, honouring
`per_page`, `page` and `date`); the values are hand-set so tests can check them exactly.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from sources.http_server import LocalServer, Reply, Request

# Country list entries as the API writes them (note the trailing space the API leaves in
# "Latin America & Caribbean ").
WB_COUNTRIES: list[dict[str, Any]] = [
    {"id": "LTU", "iso2Code": "LT", "name": "Lithuania",
     "region": {"id": "ECS", "iso2code": "Z7", "value": "Europe & Central Asia"},
     "incomeLevel": {"id": "HIC", "iso2code": "XD", "value": "High income"}},
    {"id": "DEU", "iso2Code": "DE", "name": "Germany",
     "region": {"id": "ECS", "iso2code": "Z7", "value": "Europe & Central Asia"},
     "incomeLevel": {"id": "HIC", "iso2code": "XD", "value": "High income"}},
    {"id": "BRA", "iso2Code": "BR", "name": "Brazil",
     "region": {"id": "LCN", "iso2code": "ZJ", "value": "Latin America & Caribbean "},
     "incomeLevel": {"id": "UMC", "iso2code": "XT", "value": "Upper middle income"}},
    {"id": "XKX", "iso2Code": "XK", "name": "Kosovo",
     "region": {"id": "ECS", "iso2code": "Z7", "value": "Europe & Central Asia"},
     "incomeLevel": {"id": "UMC", "iso2code": "XT", "value": "Upper middle income"}},
    {"id": "WLD", "iso2Code": "1W", "name": "World",
     "region": {"id": "NA", "iso2code": "NA", "value": "Aggregates"},
     "incomeLevel": {"id": "NA", "iso2code": "NA", "value": "Aggregates"}},
    {"id": "EUU", "iso2Code": "EU", "name": "European Union",
     "region": {"id": "NA", "iso2code": "NA", "value": "Aggregates"},
     "incomeLevel": {"id": "NA", "iso2code": "NA", "value": "Aggregates"}},
]

# (iso3, year) -> value for every indicator: value = base * (1 + year - 2019) * factor,
# easy to recompute by hand; WLD and EUU carry values that must never reach the store.
BASE = {"LTU": 50.0, "DEU": 4000.0, "BRA": 1500.0, "XKX": 8.0, "WLD": 90000.0, "EUU": 15000.0}
YEARS = (2019, 2020, 2021)


def wb_value(iso3: str, year: int, code: str) -> float | None:
    """The synthetic value; Kosovo has no 2019 value (null in the API, as for gaps)."""
    if iso3 == "XKX" and year == 2019:
        return None
    factor = 1 + len(code) / 100  # distinct per indicator code
    return BASE[iso3] * (1 + year - 2019) * factor


def _page(rows: list[dict[str, Any]], request: Request, extra: dict[str, Any]) -> Reply:
    per_page = int(request.query.get("per_page", "50"))
    page = int(request.query.get("page", "1"))
    pages = max(1, math.ceil(len(rows) / per_page))
    header = {"page": page, "pages": pages, "per_page": per_page, "total": len(rows), **extra}
    chunk = rows[(page - 1) * per_page : page * per_page]
    return Reply(json.dumps([header, chunk or None]).encode())


def _indicator_rows(code: str, request: Request) -> list[dict[str, Any]]:
    first, _, last = request.query.get("date", "1960:2030").partition(":")
    years = [y for y in YEARS if int(first) <= y <= int(last or first)]
    return [
        {"indicator": {"id": code, "value": code}, "country": {"id": c["iso2Code"],
         "value": c["name"]}, "countryiso3code": c["id"], "date": str(year),
         "value": wb_value(c["id"], year, code), "unit": "", "obs_status": "", "decimal": 0}
        for year in sorted(years, reverse=True) for c in WB_COUNTRIES
    ]


def serve_worldbank(server: LocalServer, codes: list[str], prefix: str = "") -> str:
    """Answer the country list and `codes` like the World Bank API; return the base URL."""
    server.route(f"{prefix}/v2/country", lambda r: _page(WB_COUNTRIES, r, {}))
    for code in codes:
        server.route(f"{prefix}/v2/country/all/indicator/{code}",
                     lambda r, c=code: _page(_indicator_rows(c, r), r,
                                             {"sourceid": "2", "lastupdated": "2025-07-01"}))
    return server.url + prefix


def wb_error(request: Request) -> Reply:
    """The API's error payload: HTTP 200 with a `message` object."""
    message = [{"id": "120", "key": "Invalid value",
                "value": "The provided parameter value is not valid"}]
    return Reply(json.dumps([{"message": message}]).encode())


def serve_worldbank_from_bulk(server: LocalServer, folder: Path, code: str) -> str:
    """The real bulk-download CSV of `code` and its country metadata, served as API pages
    (aggregates get region "Aggregates", as the API writes them); returns the base URL."""
    data = pd.read_csv(folder / f"API_{code}_DS2_en_csv_v2.csv", skiprows=4, dtype=str,
                       keep_default_na=False)
    meta = pd.read_csv(folder / f"Metadata_Country_API_{code}_DS2_en_csv_v2.csv", dtype=str,
                       keep_default_na=False)
    countries = [
        {"id": r["Country Code"], "iso2Code": "", "name": r["TableName"],
         "region": {"value": r["Region"] or "Aggregates"},
         "incomeLevel": {"value": r["IncomeGroup"] or "Aggregates"}}
        for r in meta.to_dict("records")
    ]
    years = [c for c in data.columns if c.isdigit()]
    records = data.to_dict("records")
    rows = [
        {"indicator": {"id": code}, "country": {"value": r["Country Name"]},
         "countryiso3code": r["Country Code"], "date": year,
         "value": float(r[year]) if r[year] else None}
        for year in reversed(years) for r in records
    ]
    server.route("/v2/country", lambda q: _page(countries, q, {}))
    server.route(f"/v2/country/all/indicator/{code}",
                 lambda q: _page(rows, q, {"lastupdated": "2025-10-07"}))
    return server.url


def cepii_dta(csv_path: Path, target: Path) -> Path:
    """A CEPII CSV (`;`, `.` for missing) as the Stata file CEPII distributes."""
    frame = pd.read_csv(csv_path, sep=";", dtype=str, keep_default_na=False,
                        encoding="latin-1")
    for column in frame.columns:
        numbers = pd.to_numeric(frame[column].replace(".", None), errors="coerce")
        if numbers.notna().sum() == (frame[column] != ".").sum():
            frame[column] = numbers  # a numeric column; "." becomes Stata's missing value
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.to_stata(target, write_index=False, version=114)
    return target


def lpi_workbook(csv_path: Path, target: Path) -> Path:
    """An LPI CSV as the World Bank's workbook: one sheet per edition, header on row 1,
    Region and Income Group after Economy, numbers as numbers; an older 2018 sheet first."""
    from openpyxl import Workbook

    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    frame.insert(1, "Region", "Europe & Central Asia")
    frame.insert(2, "Income Group", "High income")
    book = Workbook()
    old = book.active
    assert old is not None
    old.title = "2018"
    old.append(["Country", "Year", "LPI Rank", "LPI Score"])
    old.append(["Germany", 2018, 1, 4.2])
    sheet = book.create_sheet("2023")
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([_cell(v) for v in row])
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target


def _cell(value: str) -> str | float:
    try:
        return float(value)
    except ValueError:
        return value


def gii_workbook(csv_path: Path, target: Path) -> Path:
    """A GII full-data export (CSV grid) saved as an .xlsx workbook, cell for cell."""
    from openpyxl import Workbook

    text = csv_path.read_bytes().decode("latin-1")
    grid = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in grid.itertuples(index=False):  # codes and names (columns A-C) stay text
        sheet.append([(_cell(v.strip()) if i > 2 else v.strip()) if v.strip() else None
                      for i, v in enumerate(row)])
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target
