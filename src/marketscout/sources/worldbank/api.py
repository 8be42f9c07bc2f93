"""World Bank API v2 (`marketscout data update worldbank`): WDI indicators and country
metadata, paged JSON.

Every page is a `[header, rows]` pair; an error comes back with HTTP 200 as
`[{"message": [{"id", "key", "value"}]}]`, so each page is checked before it is read.
Aggregates (regions, income groups, World) are dropped through the country list's
region "Aggregates" and `countries.is_aggregate`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from marketscout.countries import is_aggregate, to_iso3
from marketscout.errors import DownloadError, InputError, UnknownCountryError
from marketscout.sources import Parsed, publishers
from marketscout.sources._download import retrieved_on
from marketscout.sources.registry import UpdateContext

# WDI series fetched by `marketscout data update worldbank`; the DSM reads the first four.
INDICATORS: dict[str, str] = {
    "NY.GDP.MKTP.CD": "GDP (current US$)",
    "NY.GDP.PCAP.CD": "GDP per capita (current US$)",
    "NY.GDP.MKTP.KD.ZG": "GDP growth (annual %)",
    "SP.POP.TOTL": "Population, total",
    "BX.KLT.DINV.CD.WD": "Foreign direct investment, net inflows (BoP, current US$)",
    "BX.KLT.DINV.WD.GD.ZS": "Foreign direct investment, net inflows (% of GDP)",
    "NE.EXP.GNFS.CD": "Exports of goods and services (current US$)",
    "NY.GDP.MKTP.PP.CD": "GDP, PPP (current international $)",
    "NY.GDP.PCAP.PP.CD": "GDP per capita, PPP (current international $)",
}
PER_PAGE = 20_000  # one page holds all economies x 65 years of one indicator
MAX_PAGES = 200  # a bound on paging, whatever the header says
COUNTRY_PAGE = 400  # the country list has about 300 entries (economies and aggregates)

WB_API = publishers.provenance("wb_api")


def update(ctx: UpdateContext) -> Iterator[Parsed]:
    """Fetch the country list and every indicator, and yield one `wb_api` load."""
    countries_path = fetch_pages(ctx, "/v2/country", {"per_page": str(COUNTRY_PAGE)},
                                 "worldbank/country")
    meta, aggregates, unknown = parse_countries(countries_path)
    frames, paths, updated = [], list(countries_path), set()
    for code in INDICATORS:
        params = {"per_page": str(PER_PAGE)}
        if ctx.years:
            params["date"] = f"{ctx.years[0]}:{ctx.years[1]}"
        pages = fetch_pages(ctx, f"/v2/country/all/indicator/{code}", params,
                            f"worldbank/{code}_{params.get('date', 'all').replace(':', '-')}")
        rows, header = parse_indicator(pages, code, set(meta["iso3"]), aggregates)
        frames.append(rows)
        paths += pages
        updated.add(str(header.get("lastupdated") or ""))
    yield build(ctx, meta, pd.concat(frames, ignore_index=True), paths, updated - {""},
                unknown)


def fetch_pages(ctx: UpdateContext, path: str, params: dict[str, str],
                name: str) -> list[Path]:
    """Download every page of one API query into the cache; each page checked for errors."""
    url = ctx.base_url + path
    found: list[Path] = []
    pages = 1
    while len(found) < min(pages, MAX_PAGES):
        page = len(found) + 1
        query = {"format": "json", **params, "page": str(page)}
        target = ctx.download(url, f"{name}_p{page}.json", params=query, kind="json")
        header = _check_page(target, f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}",
                             ctx)
        pages = int(header.get("pages") or 1)
        found.append(target)
    return found


def _check_page(path: Path, url: str, ctx: UpdateContext) -> dict[str, Any]:
    """The page's header; an error payload (HTTP 200 with `message`) raises DownloadError."""
    payload = json.loads(path.read_bytes())
    if isinstance(payload, list) and payload and isinstance(payload[0], dict):
        if "message" in payload[0]:
            messages = payload[0]["message"] or [{}]
            text = "; ".join(f"{m.get('key', '')}: {m.get('value', '')} (id {m.get('id', '?')})"
                             for m in messages)
            path.unlink(missing_ok=True)  # never reuse an error page offline
            raise DownloadError(
                f"The World Bank API answered with an error: {text}.",
                where=url,
                fix="Check the indicator code and --years; if the API is down, try again "
                "later or use --offline with the cache.",
            )
        if len(payload) == 2:
            return payload[0]
    path.unlink(missing_ok=True)
    raise DownloadError(
        "The World Bank API answer is not a [header, rows] page.",
        where=url,
        fix=f"Check {ctx.source.env_var} (it should be the API's base URL, e.g. "
        f"{ctx.source.default_url}).",
    )


def _rows(paths: list[Path]) -> Iterator[dict[str, Any]]:
    for path in paths:
        yield from json.loads(path.read_bytes())[1] or []


def parse_countries(paths: list[Path]) -> tuple[pd.DataFrame, set[str], list[str]]:
    """`country_meta` rows for economies, the codes of aggregates, and the ids that are
    neither an aggregate nor a country the crosswalk knows (e.g. an old id such as KSV for
    Kosovo): those are skipped with their rows and reported, so one odd id never stops the
    update."""
    meta, aggregates, unknown = [], set(), []
    for row in _rows(paths):
        code = str(row.get("id") or "").strip()
        # the API writes some region names with a trailing space ("Latin America & Caribbean ")
        region = str((row.get("region") or {}).get("value") or "").strip()
        if not code or region == "Aggregates" or is_aggregate(code):
            aggregates.add(code)
            continue
        if _iso3_or_none(code) != code:
            unknown.append(f"{code} ({str(row.get('name') or '').strip() or 'no name'})")
            continue
        income = str((row.get("incomeLevel") or {}).get("value") or "").strip()
        meta.append({"iso3": code, "name": str(row.get("name") or "").strip(),
                     "region": region or None, "income_group": income or None})
    frame = pd.DataFrame(meta, columns=["iso3", "name", "region", "income_group"])
    return frame.sort_values("iso3", ignore_index=True), aggregates, sorted(set(unknown))


def _iso3_or_none(code: str) -> str | None:
    try:
        return to_iso3(code)
    except UnknownCountryError:
        return None


def parse_indicator(paths: list[Path], code: str, economies: set[str],
                    aggregates: set[str]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One indicator's pages as `wb_indicator` rows for economies with a value."""
    header = json.loads(paths[0].read_bytes())[0]
    out = []
    for row in _rows(paths):
        iso3 = str(row.get("countryiso3code") or "").strip()
        if row.get("value") is None or iso3 in aggregates or iso3 not in economies:
            continue  # aggregates, and rows without a code (older aggregates) or value
        year = str(row.get("date") or "")
        if not (year.isdigit() and len(year) == 4):
            raise InputError(f"Not a year: {year!r} for {iso3} in {code}.", where=str(paths[0]),
                             fix="Only annual series are supported.")
        out.append((iso3, int(year), code, float(row["value"])))
    frame = pd.DataFrame(out, columns=["iso3", "year", "indicator", "value"])
    if frame.duplicated(["iso3", "year"]).any():
        first = frame[frame.duplicated(["iso3", "year"])].iloc[0]
        raise InputError(f"Two values for {first['iso3']} {first['year']} in {code}.",
                         where=str(paths[0]), fix="Run the update again; report it if it stays.")
    return frame, header


def build(ctx: UpdateContext, meta: pd.DataFrame, values: pd.DataFrame, paths: list[Path],
          updated: set[str], unknown: Sequence[str] = ()) -> Parsed:
    """The `wb_api` load with its provenance (sha256 over every page, in order)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    years = sorted(values["year"].unique().tolist())
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else "".join(map(str, years))
    retrieved = min(retrieved_on(p) for p in paths) if ctx.offline else date.today().isoformat()
    prov = replace(
        WB_API,
        url=f"{ctx.base_url}/v2/country/all/indicator/{{code}}?format=json",
        edition=f"WDI, last updated {max(updated)}" if updated else "WDI",
        retrieved=retrieved,
        sha256=digest.hexdigest(),
        rows=len(values) + len(meta),
        countries=int(values["iso3"].nunique()),
        years=span,
        note=f"Indicators: {', '.join(INDICATORS)}. Aggregates dropped; "
        f"{len(paths)} API pages."
        + (f" Country ids not recognised (neither a country nor an aggregate), skipped with "
           f"their values: {', '.join(unknown)}." if unknown else ""),
    )
    values = values.sort_values(["indicator", "iso3", "year"], ignore_index=True)
    warnings = tuple(f"World Bank country id {u} is not a country marketscout knows: skipped "
                     "with its values (the others are loaded)." for u in unknown)
    return Parsed({"wb_indicator": values, "country_meta": meta}, prov, warnings)
