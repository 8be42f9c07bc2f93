"""Inward FDI positions by investing country over SDMX: the machinery that the Eurostat and
OECD modules share (each declares its `Dataflow`: `eurostat.EUROSTAT`, `oecd.OECD`).

Both publishers answer SDMX 2.1 REST queries. The `sdmx1` package, pointed at the base URL
(overridable by MARKETSCOUT_EUROSTAT_URL / MARKETSCOUT_OECD_URL), writes the query URLs and
reads the answers; the files themselves come through the shared downloader (retries, cache,
--offline). The data structure (DSD) is fetched first: it fixes the order of the key's
dimensions and names the counterpart codes, so "immediate" and "ultimate" are read from the
publisher's own code list. Partner aggregates (EU27_2020, WRL_REST, W, ...) are dropped.
"""

from __future__ import annotations

import dataclasses
import hashlib
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import sdmx

from marketscout import countries
from marketscout.errors import InputError, UnknownCountryError
from marketscout.provenance import Provenance
from marketscout.sources import Parsed, finish
from marketscout.sources._download import retrieved_on
from marketscout.sources._sdmx_read import read_observations, read_structure
from marketscout.sources.registry import Source, UpdateContext, Years, declare

# Partner codes that name no country: Eurostat's and the OECD's groupings. Any other code that
# the crosswalk does not know is dropped too, and named in the provenance note.
AGGREGATES = frozenset({
    "WRL_REST", "EU27_2020", "EU28", "EU27_2007", "EXT_EU27_2020", "EXT_EU28", "EA20", "EA19",
    "EXT_EA20", "EFTA", "EUR_OTH", "AFR", "AME", "ASI", "OCE", "W", "W_X_OECD", "OECD",
})
# Eurostat writes China as "China except Hong Kong" in balance-of-payments tables.
PUBLISHER_CODES = {"CN_X_HK": "CHN"}
# Counterpart codes whose meaning is known without the code list (OECD CL_LEVEL_COUNTERPART,
# Eurostat COUNTERP); other codes are classified by their name in the DSD's code list.
BASIS_CODES = {"IMM": "immediate", "IMC": "immediate", "ULT": "ultimate"}
DEFAULT_YEARS_BACK = 10  # without --years: positions from ten years ago onwards


@dataclass(frozen=True)
class Dataflow:
    """One publisher's FDI-by-partner dataflow and the slice of it that is inward positions."""

    source: str  # registry id and MARKETSCOUT_<ID>_URL
    agency: str  # sdmx1's id of the service (its URL quirks)
    resource: str  # the data resource as the service names it in data queries
    dataflow_id: str
    agency_id: str | None
    home_dim: str  # the reporting economy
    partner_dim: str  # the investing economy (counterpart)
    basis_dim: str  # immediate or ultimate counterpart
    select: Mapping[str, str]  # the other dimensions, fixed
    unit: str  # after applying UNIT_MULT
    home_code: str  # "iso2" (Eurostat: EL, UK) or "iso3"
    provenance: Provenance




def client(flow: Dataflow, base_url: str) -> sdmx.Client:
    """An sdmx1 client for the publisher, with its base URL replaced (mirrors, tests)."""
    sdmx_client = sdmx.Client(flow.agency)
    sdmx_client.source = dataclasses.replace(sdmx_client.source, url=base_url.rstrip("/"))
    return sdmx_client


def structure_url(flow: Dataflow, base_url: str) -> str:
    """The query for the dataflow with its DSD and code lists."""
    options: dict[str, Any] = {"agency_id": flow.agency_id} if flow.agency_id else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # sdmx1's own provider= shim
        request = client(flow, base_url).get("dataflow", flow.dataflow_id, dry_run=True,
                                             **options)
    return str(request.url)


def data_key(flow: Dataflow, dsd: Any, home: str | None = None) -> str:
    """The key in the DSD's dimension order: fixed dimensions, the home (or all), the rest
    open. A code the DSD does not list is an error (the publisher changed its codes)."""
    dims = [d for d in dsd.dimensions.components if d.id != "TIME_PERIOD"]
    known = {d.id for d in dims}
    missing = [d for d in (*flow.select, flow.home_dim, flow.partner_dim) if d not in known]
    if missing:
        raise InputError(
            f"The {flow.provenance.publisher} structure of {flow.dataflow_id} has no "
            f"dimension {', '.join(missing)}.",
            where=f"{flow.dataflow_id} dimensions: {', '.join(sorted(known))}",
            fix="The publisher changed the dataflow; update marketscout, or import the "
            "data as CSV (`marketscout data import fdi`).")
    wanted = dict(flow.select) | ({flow.home_dim: home_code(flow, home)} if home else {})
    parts = []
    for dim in dims:
        code = wanted.get(dim.id, "")
        listed = _codes(dim)
        if code and listed and code not in listed and dim.id == flow.home_dim:
            raise InputError(
                f"{home} ({code}) is not a reporting economy of {flow.dataflow_id}.",
                where=f"{flow.dataflow_id}, dimension {dim.id}",
                fix=f"Reporting economies: {', '.join(sorted(listed))}; import other homes' "
                "FDI as CSV (`marketscout data import fdi`).")
        if code and listed and code not in listed:
            raise InputError(
                f"The code {code!r} of dimension {dim.id} is not in the publisher's list.",
                where=f"{flow.dataflow_id}, dimension {dim.id}",
                fix="The publisher changed its codes; update marketscout, or import the data "
                "as CSV (`marketscout data import fdi`).")
        parts.append(code)
    return ".".join(parts)


def _codes(component: Any) -> dict[str, str]:
    """Code -> English name of an enumerated dimension (empty when not enumerated)."""
    representation = getattr(component, "local_representation", None)
    codelist = getattr(representation, "enumerated", None)
    if codelist is None:
        return {}
    return {code.id: str(code.name) for code in codelist}


def home_code(flow: Dataflow, iso3: str) -> str:
    """The publisher's code for a reporting economy: ISO3, or Eurostat's ISO2 (EL, UK)."""
    iso3 = countries.to_iso3(iso3)
    if flow.home_code == "iso3":
        return iso3
    special = {"GRC": "EL", "GBR": "UK"}
    table = countries.country_table()
    return special.get(iso3) or str(table.loc[iso3, "ISO2"])


def data_url(flow: Dataflow, base_url: str, key: str, years: Years | None) -> str:
    """The data query for `key` and the years (default: the last ten years onwards)."""
    first = years[0] if years else date.today().year - DEFAULT_YEARS_BACK
    params = {"startPeriod": str(first)} | ({"endPeriod": str(years[1])} if years else {})
    request = client(flow, base_url).get("data", flow.resource, key=key, params=params,
                                         dry_run=True)
    return str(request.url)


def basis_of_codes(flow: Dataflow, dsd: Any | None) -> dict[str, str]:
    """Counterpart code -> 'immediate' or 'ultimate', by name in the DSD's code list."""
    found = dict(BASIS_CODES)
    dims = {d.id: d for d in dsd.dimensions.components} if dsd is not None else {}
    for code, name in (_codes(dims[flow.basis_dim]) if flow.basis_dim in dims else {}).items():
        for word in ("immediate", "ultimate"):
            if word in name.lower():
                found[code] = word
    return found


def parse_fdi(path: Path, flow: Dataflow, dsd: Any | None = None, *, url: str = "",
              retrieved: str | None = None) -> list[Parsed]:
    """An SDMX-ML or SDMX-CSV answer -> one `fdi_inward` load per counterpart basis."""
    path = Path(path)
    obs, prepared = read_observations(path, flow, dsd)
    table, notes = _fdi_rows(obs, flow, basis_of_codes(flow, dsd), path)
    edition = f"{flow.provenance.edition}" + (f", data of {prepared}" if prepared else "")
    out = []
    for basis, rows in table.groupby("basis", sort=True):
        base = replace(flow.provenance, source_id=f"{flow.source}_fdi_{basis}",
                       title=f"{flow.provenance.title}, by {basis} counterpart", edition=edition,
                       url=url or flow.provenance.url, note=" ".join(notes),
                       retrieved=retrieved or retrieved_on(path))
        out.append(finish(base, path, {"fdi_inward": rows.reset_index(drop=True)},
                          country_columns=("home", "partner"), year_column="year"))
    return out


def _fdi_rows(obs: pd.DataFrame, flow: Dataflow, bases: dict[str, str],
              path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Observations (home, partner, basis, year, value in millions) -> fdi_inward rows."""
    missing = obs["value"].isna()
    obs = obs[~missing]
    homes, partners = _country_map(obs["home"].unique()), _country_map(obs["partner"].unique())
    home, partner = obs["home"].map(homes), obs["partner"].map(partners)
    basis = obs["basis"].map(lambda c: bases.get(c, "immediate" if c == "" else None))
    itself = home.notna() & (home == partner)
    notes = _drop_notes(int(missing.sum()), homes, partners,
                        sorted(set(obs.loc[basis.isna(), "basis"])), int(itself.sum()))
    keep = home.notna() & partner.notna() & basis.notna() & ~itself
    table = pd.DataFrame({
        "home": home[keep], "partner": partner[keep], "year": obs.loc[keep, "year"],
        "value": obs.loc[keep, "value"], "unit": flow.unit, "basis": basis[keep],
    })
    _reject_duplicates(table, obs[keep], path)
    if table.empty:
        raise InputError(
            "The answer holds no inward FDI position of any country.",
            where=str(path),
            fix="Check the years asked (--years) and that the publisher has data for them.")
    return table.sort_values(["home", "basis", "partner", "year"]), notes


def _drop_notes(missing: int, homes: dict[str, str | None], partners: dict[str, str | None],
                odd_bases: list[str], itself: int) -> list[str]:
    """Provenance sentences for every kind of row left out."""
    notes = [f"{missing} missing or confidential values left out."] if missing else []
    for role, codes in (("Reporting", homes), ("Partner", partners)):
        dropped = sorted(c for c, iso3 in codes.items() if iso3 is None)
        groupings = [c for c in dropped if c in AGGREGATES or countries.is_aggregate(c)]
        unknown = [c for c in dropped if c not in groupings]
        if groupings:
            notes.append(f"{role} aggregates left out: {', '.join(groupings)}.")
        if unknown:
            notes.append(f"{role} codes not recognised as countries, left out: "
                         f"{', '.join(unknown)}.")
    if odd_bases:
        notes.append(f"Counterpart codes neither immediate nor ultimate, left out: "
                     f"{', '.join(odd_bases)}.")
    if itself:
        notes.append(f"{itself} positions of an economy in itself (round-tripping, by "
                     "ultimate counterpart) left out.")
    return notes


def _country_map(codes: Any) -> dict[str, str | None]:
    """Publisher codes -> ISO3, None for groupings and codes the crosswalk does not know."""
    out: dict[str, str | None] = {}
    for code in codes:
        text = str(code).strip()
        if text in PUBLISHER_CODES:
            out[code] = PUBLISHER_CODES[text]
        elif text in AGGREGATES or countries.is_aggregate(text):
            out[code] = None
        else:
            try:
                out[code] = countries.to_iso3(text)
            except UnknownCountryError:
                out[code] = None
    return out


def _reject_duplicates(table: pd.DataFrame, obs: pd.DataFrame, path: Path) -> None:
    """Two observations for one home, partner, year and basis mean a dimension was left
    open (or two codes name one country): refuse rather than pick one."""
    dup = table.duplicated(["home", "partner", "year", "basis"], keep=False)
    if dup.any():
        first = obs[dup.to_numpy()].head(2)
        raise InputError(
            f"Two observations for {table[dup].iloc[0][['home', 'partner', 'year']].tolist()}: "
            f"codes {first['partner'].tolist()}, {first['basis'].tolist()}.",
            where=str(path),
            fix="The answer mixes series (another measure, unit or activity); check the key, "
            "or report it.")


# --- `marketscout data update eurostat|oecd` -------------------------------------------------


def update_flow(ctx: UpdateContext, flow: Dataflow) -> Iterator[Parsed]:
    """Structure, then data for every reporting economy, through the shared downloader."""
    if ctx.file is not None:
        yield from parse_fdi(Path(ctx.file), flow, url=Path(ctx.file).resolve().as_uri())
        return
    structure_path = ctx.download(structure_url(flow, ctx.base_url),
                                  f"{flow.source}/{_safe(flow.dataflow_id)}_structure.xml",
                                  kind="xml")
    dsd = read_structure(structure_path, flow)
    url = data_url(flow, ctx.base_url, data_key(flow, dsd), ctx.years)
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    path = ctx.download(url, f"{flow.source}/{_safe(flow.dataflow_id)}_{digest}.sdmx",
                        kind="sdmx")
    yield from parse_fdi(path, flow, dsd, url=url)


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)


def declare_flow(flow: Dataflow) -> Source:
    """The `data update` source of one dataflow: facts from publishers.toml, the default
    base URL from sdmx1's list of services."""
    return declare(flow.source, lambda ctx: update_flow(ctx, flow),
                   default_url=sdmx.source.sources[flow.agency].url)
