"""World Bank files: the WDI panel (six indicators) and the bulk-download CSV layout.

Both files mix real economies with aggregates (regions, income groups, World); only
economies are kept, so an aggregate can never become a candidate market.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pandas as pd

from marketscout.countries import is_aggregate, to_iso3
from marketscout.errors import InputError
from marketscout.sources import Parsed, finish, publishers
from marketscout.sources.read import (
    decode,
    read_bytes,
    read_csv,
    reject_duplicates,
    to_number,
)

# Panel column -> World Bank indicator code (WDI series codes).
WDI_INDICATORS: dict[str, str] = {
    "gdp_ppp": "NY.GDP.MKTP.PP.CD",
    "gdp_pc_ppp": "NY.GDP.PCAP.PP.CD",
    "gdp_growth": "NY.GDP.MKTP.KD.ZG",
    "pop_tot": "SP.POP.TOTL",
    "fdi_inflow": "BX.KLT.DINV.WD.GD.ZS",  # net inflows, % of GDP
    "trade_open": "NE.TRD.GNFS.ZS",
}
PANEL_COLUMNS = ("country", "iso3c", "year", "region", "income", *WDI_INDICATORS)
BULK_COLUMNS = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")
# In the panel, R wrote missing text as "NA"; Namibia's iso2c is also "NA", so the iso2c
# column is never read and "NA" is treated as missing only in region and income.
_NA_TEXT = {"", "NA"}

WDI_PANEL = publishers.provenance("wb_wdi")
WDI_BULK = publishers.provenance("wb_bulk")


def parse_wdi_panel(path: Path) -> Parsed:
    """The WDI panel as `wb_indicator` (long form) and `country_meta`, economies only."""
    path = Path(path)
    frame = read_csv(path, required=PANEL_COLUMNS)
    frame["_row"] = frame.index + 2
    frame["year"] = _years(frame["year"], path)
    for column in WDI_INDICATORS:
        frame[column] = to_number(frame[column], path=path, column=column, point_only=True)
    frame, dropped = _panel_economies(frame, path)
    values = frame.melt(
        id_vars=["iso3c", "year"], value_vars=list(WDI_INDICATORS), var_name="indicator"
    ).dropna(subset=["value"])
    values = values.rename(columns={"iso3c": "iso3"}).replace({"indicator": WDI_INDICATORS})
    values = values.sort_values(["iso3", "indicator", "year"], ignore_index=True)
    vintages = sorted(set(frame["_vintage"]) - {""})
    base = replace(
        WDI_PANEL,
        edition=f"update of {vintages[-1]}" if vintages else "WDI",
        note=f"{dropped}; {WDI_INDICATORS['fdi_inflow']} is in % of GDP.",
    )
    tables = {"wb_indicator": values[["iso3", "year", "indicator", "value"]],
              "country_meta": _panel_meta(frame)}
    return finish(base, path, tables)


def _panel_meta(frame: pd.DataFrame) -> pd.DataFrame:
    """Name, region and income group of each economy, from its latest row."""
    latest = frame.sort_values(["_vintage", "year"]).groupby("iso3c").tail(1)
    return pd.DataFrame(
        {
            "iso3": latest["iso3c"],
            "name": latest["country"],
            "region": latest["region"].where(~latest["region"].isin(_NA_TEXT)),
            "income_group": latest["income"].where(~latest["income"].isin(_NA_TEXT)),
        }
    ).sort_values("iso3", ignore_index=True)


def _years(values: pd.Series, path: Path) -> pd.Series:
    """Whole years; a blank or fractional year raises naming its row."""
    years = to_number(values, path=path, column="year", point_only=True)
    bad = years.isna() | (years % 1 != 0)
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            f"Not a year: {values.iloc[pos]!r}.",
            where=f"{path}, row {pos + 2}, column 'year'",
            fix="Every row needs a four-digit year.",
        )
    return years.astype(int)


def _panel_economies(frame: pd.DataFrame, path: Path) -> tuple[pd.DataFrame, str]:
    """Drop aggregates and superseded rows; check one row per economy and year is left."""
    codes = frame["iso3c"].str.strip()
    aggregate = (
        frame["region"].eq("Aggregates")
        | frame["income"].eq("Aggregates")
        | codes.map(is_aggregate)
        | frame["country"].map(is_aggregate)
    )
    frame = frame[~aggregate.astype(bool)].copy()
    economy_rows = len(frame)
    # The panel keeps stale rows of an older vintage (lastupdated 2020-09-21) beside the
    # current ones: all values NA, sometimes old names ("Czech Republic") or no iso3c.
    frame["_vintage"] = frame.get("lastupdated", "")
    latest = frame.groupby(["iso3c", "year"])["_vintage"].transform("max")
    frame = frame[frame["_vintage"] == latest]
    _reject_codeless(frame[frame["iso3c"].str.strip() == ""], path)
    frame = frame[frame["iso3c"].str.strip() != ""]
    reject_duplicates(frame, ["iso3c", "year"], path, rows=frame["_row"].tolist())
    _check_codes(frame["iso3c"], frame["_row"], path, "iso3c")
    empty = economy_rows - len(frame)
    return frame, (
        f"{int(aggregate.sum())} aggregate rows and {empty} rows without values "
        "(older vintage or no ISO3 code) dropped"
    )


def _reject_codeless(frame: pd.DataFrame, path: Path) -> None:
    """Rows without iso3c are dropped, unless they carry values nobody could attribute."""
    has_value = frame[list(WDI_INDICATORS)].notna().any(axis=1)
    if has_value.any():
        row = frame.loc[has_value, "_row"].iloc[0]
        raise InputError(
            f"Values for {frame.loc[has_value, 'country'].iloc[0]!r} but no ISO3 code.",
            where=f"{path}, row {row}, column 'iso3c'",
            fix="Fill in the ISO3 code of this economy, or remove the row if it is a group.",
        )


def _check_codes(codes: pd.Series, rows: pd.Series, path: Path, column: str) -> None:
    """Every code must be an ISO3 code the crosswalk knows, as written."""
    first_rows = pd.Series(rows.to_numpy()).groupby(codes.to_numpy()).first()
    for code, row in first_rows.items():
        where = f"{path}, row {row}, column '{column}'"
        if to_iso3(str(code), where=where) != code:
            raise InputError(
                f"{code!r} is not an ISO3 code.",
                where=where,
                fix="Use the publisher's three-letter country codes.",
            )


def parse_wb_bulk(path: Path, metadata_path: Path | None = None) -> Parsed:
    """One World Bank bulk-download indicator as `wb_indicator` (+ `country_meta`)."""
    path = Path(path)
    header_line, updated = _preamble(path)
    frame = read_csv(path, required=BULK_COLUMNS, skiprows=header_line - 1)
    frame["_row"] = frame.index + header_line + 1
    code = _single_indicator(frame, path)
    values = _bulk_values(frame, path, header_line)
    meta, aggregates = (None, set[str]())
    if metadata_path is not None:
        meta, aggregates = _bulk_metadata(Path(metadata_path), frame)
    codes = frame["Country Code"].str.strip()
    keep = (~codes.isin(aggregates) & ~codes.map(is_aggregate)).astype(bool)
    economies = frame[keep]
    reject_duplicates(economies, ["Country Code"], path, rows=economies["_row"].tolist())
    _check_codes(codes[keep], economies["_row"], path, "Country Code")
    values = values[keep].melt(id_vars=["iso3"], var_name="year").dropna(subset=["value"])
    values = values.assign(year=values["year"].astype(int), indicator=code)
    values = values.sort_values(["iso3", "year"], ignore_index=True)
    tables = {"wb_indicator": values[["iso3", "year", "indicator", "value"]]}
    if meta is not None:
        tables["country_meta"] = meta[meta["iso3"].isin(set(codes[keep]))].reset_index(drop=True)
    base = replace(
        WDI_BULK,
        source_id=f"wb_{code.lower()}",
        title=f"World Development Indicators: {frame['Indicator Name'].iloc[0]} ({code})",
        url=f"https://data.worldbank.org/indicator/{code}",
        edition=f"last updated {updated}" if updated else "WDI",
        note=f"{int((~keep).sum())} aggregate rows dropped.",
    )
    return finish(base, path, tables)


def _preamble(path: Path) -> tuple[int, str]:
    """The header's line number and the 'Last Updated Date' from the preamble lines."""
    text, _ = decode(read_bytes(path))
    updated = ""
    for number, line in enumerate(text.splitlines()[:20], start=1):
        fields = [f.strip().strip('"') for f in re.split(r"[,;\t]", line)]
        if fields[0] == "Last Updated Date" and len(fields) > 1:
            updated = fields[1]
        if fields[0] == "Country Name":
            return number, updated
    raise InputError(
        "No header row starting with 'Country Name' in the first 20 lines.",
        where=f"{path}, rows 1-20, column 1",
        fix="Use the World Bank bulk-download CSV (API_<code>_DS2_en_csv_v2.csv) unchanged.",
    )


def _single_indicator(frame: pd.DataFrame, path: Path) -> str:
    """The file's one indicator code; a file mixing indicators is refused."""
    codes = frame["Indicator Code"].str.strip()
    if codes.empty:
        raise InputError("The file has a header but no rows.", where=str(path),
                         fix="Download the indicator file again.")
    first = str(codes.iloc[0])
    odd = (codes.eq("") | codes.ne(first)).to_numpy().nonzero()[0]
    if len(odd):
        raise InputError(
            f"Every row needs the same indicator code: {codes.iloc[odd[0]]!r} after {first!r}.",
            where=f"{path}, row {frame['_row'].iloc[odd[0]]}, column 'Indicator Code'",
            fix="Import one indicator file at a time, as downloaded from the World Bank.",
        )
    return first


def _bulk_values(frame: pd.DataFrame, path: Path, header_line: int) -> pd.DataFrame:
    """The year columns as numbers, indexed like the frame, with an `iso3` column."""
    years = [c for c in frame.columns if c.isdigit() and len(c) == 4]
    if not years:
        raise InputError(
            "No year columns (1960, 1961, ...).",
            where=f"{path}, row {header_line}",
            fix="Use the World Bank bulk-download CSV unchanged.",
        )
    out = pd.DataFrame({"iso3": frame["Country Code"].str.strip()})
    for year in years:
        out[year] = to_number(
            frame[year], path=path, column=year, first_row=header_line + 1, point_only=True
        )
    return out


def _bulk_metadata(path: Path, data: pd.DataFrame) -> tuple[pd.DataFrame, set[str]]:
    """`country_meta` rows and the aggregate codes (empty Region) from Metadata_Country_*.csv."""
    frame = read_csv(path, required=("Country Code", "Region", "IncomeGroup"))
    reject_duplicates(frame, ["Country Code"], path)
    # The metadata file leaves Region empty for aggregates (World, regions, income groups).
    aggregates = set(frame.loc[frame["Region"].str.strip() == "", "Country Code"])
    economies = frame[frame["Region"].str.strip() != ""]
    names = dict(zip(data["Country Code"], data["Country Name"], strict=True))
    if "TableName" in frame.columns:
        names = dict(zip(economies["Country Code"], economies["TableName"], strict=True)) | names
    meta = pd.DataFrame(
        {
            "iso3": economies["Country Code"].str.strip(),
            "name": economies["Country Code"].map(names),
            "region": economies["Region"].str.strip(),
            "income_group": economies["IncomeGroup"].str.strip().replace("", None),
        }
    ).sort_values("iso3", ignore_index=True)
    return meta, aggregates
