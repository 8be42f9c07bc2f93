"""CEPII GeoDist: bilateral distances and country geography (Mayer and Zignago 2011).

The CSV copies are `;` separated, write `.` as the decimal point and a lone `.` for a missing
value, and still use pre-2000s country codes (ROM, ZAR, YUG, TMP, PAL, ANT). CEPII itself
distributes Stata files (`dist_cepii.dta`, `geo_cepii.dta`) in one folder, which
`marketscout data update cepii` fetches (`MARKETSCOUT_CEPII_URL` names the folder or either
file) and writes out in the CSV layout beside them in the cache, so both share one parser.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from marketscout import countries
from marketscout.errors import InputError, UnknownCountryError
from marketscout.provenance import sha256_of
from marketscout.sources import Parsed, finish, publishers
from marketscout.sources._download import retrieved_on
from marketscout.sources.read import read_csv, reject_duplicates, to_number
from marketscout.sources.registry import UpdateContext, declare

GEODIST = publishers.provenance("cepii_geodist")
GEO = publishers.provenance("cepii_geo")

# Codes of entities that no longer exist and have no single successor: their rows are
# dropped. CEPII's ANT is the Netherlands Antilles, dissolved in 2010 into CUW, SXM and BES.
DISSOLVED = {"ANT": "Netherlands Antilles (dissolved 2010)"}

DIST_FLAGS = ("contig", "comlang_off", "comlang_ethno", "colony", "smctry")
DIST_MEASURES = ("dist", "distcap", "distw", "distwces")
GEO_COLUMNS = (
    "iso3", "country", "area", "landlocked", "continent", "city_en", "lat", "lon",
    "cap", "maincity", "langoff_1",
)


def parse_geodist(path: Path) -> Parsed:
    """dist_cepii.csv(.gz) -> table `distance`: one row per ordered country pair."""
    path = Path(path)
    raw = read_csv(path, sep=";", required=("iso_o", "iso_d", *DIST_FLAGS, *DIST_MEASURES))
    kept = raw.loc[~raw["iso_o"].isin(DISSOLVED) & ~raw["iso_d"].isin(DISSOLVED)]
    out = pd.DataFrame({
        "iso_o": _to_iso3(kept["iso_o"], path, "iso_o"),
        "iso_d": _to_iso3(kept["iso_d"], path, "iso_d"),
    })
    for col in DIST_MEASURES:
        out[col] = _numbers(kept, col, path)
    _require_values(out, kept, "dist", path)
    for col in DIST_FLAGS:
        out[col] = _flags(kept, col, path)
    reject_duplicates(out, ["iso_o", "iso_d"], path, rows=(out.index + 2).tolist())
    table = out.reset_index(drop=True)
    parsed = finish(GEODIST, path, {"distance": table}, country_columns=("iso_o",),
                    year_column=None)
    return _with_note(parsed, raw, "iso_o")


def parse_geo(path: Path) -> Parsed:
    """geo_cepii.csv -> table `geography`: one row per country, at its capital."""
    path = Path(path)
    raw = read_csv(path, sep=";", required=GEO_COLUMNS)
    kept = raw.loc[~raw["iso3"].isin(DISSOLVED)]
    # One row per city: countries with two main cities (AUS, BRA, DEU, USA, ...) have two
    # rows. `cap` is 1 for the capital (2 for a second seat of government); prefer cap == 1,
    # then the main city, so each country gets its capital's coordinates.
    priority = np.select([kept["cap"] == "1", kept["maincity"] == "1"], [0, 1], 2)
    order = np.argsort(priority, kind="stable")
    chosen = kept.iloc[order].drop_duplicates("iso3").sort_index()
    table = pd.DataFrame({
        "iso3": _to_iso3(chosen["iso3"], path, "iso3"),
        "name": chosen["country"].str.strip(),
        "area": _numbers(chosen, "area", path),
        "landlocked": _flags(chosen, "landlocked", path),
        "continent": chosen["continent"].str.strip(),
        "capital": chosen["city_en"].str.strip(),
        "lat": _numbers(chosen, "lat", path),
        "lon": _numbers(chosen, "lon", path),
        "language": _text_or_none(chosen["langoff_1"]),
    })
    reject_duplicates(table, ["iso3"], path, rows=(table.index + 2).tolist())
    parsed = finish(GEO, path, {"geography": table.reset_index(drop=True)}, year_column=None)
    return _with_note(parsed, raw, "iso3")


def _to_iso3(codes: pd.Series, path: Path, column: str) -> pd.Series:
    """Map CEPII codes (old ones via countries.EXTRA_CODES) to ISO3, naming the first bad row."""
    mapping: dict[str, str] = {}
    for code in codes.unique():
        try:
            mapping[code] = countries.to_iso3(code)
        except UnknownCountryError as exc:
            row = int(codes.index[codes.to_numpy() == code][0]) + 2
            where = f"{path}, row {row}, column '{column}'"
            raise UnknownCountryError(exc.what, where=where, fix=exc.fix) from exc
    return codes.map(mapping)


def _text_or_none(values: pd.Series) -> pd.Series:
    text = values.str.strip().astype(object)
    return text.mask(text.isin([".", ""]))  # "." is CEPII's missing-value marker


def _numbers(frame: pd.DataFrame, column: str, path: Path) -> pd.Series:
    # CEPII writes a lone "." for missing values; to_number treats it as blank.
    values = to_number(frame[column], path=path, column=column, point_only=True)
    return pd.Series(values.to_numpy(), index=frame.index)


def _flags(frame: pd.DataFrame, column: str, path: Path) -> pd.Series:
    text = frame[column].str.strip()
    bad = ~text.isin(["0", "1"])
    if bad.any():
        first = text.index[bad.to_numpy()][0]
        raise InputError(
            f"Column '{column}' must be 0 or 1, found {frame.loc[first, column]!r}.",
            where=f"{path}, row {int(first) + 2}, column '{column}'",
            fix="Use the CEPII file as published.",
        )
    return text.astype("int64")


def _require_values(out: pd.DataFrame, raw: pd.DataFrame, column: str, path: Path) -> None:
    missing = out[column].isna()
    if missing.any():
        row = int(out.index[missing.to_numpy()][0]) + 2
        raise InputError(
            f"Column '{column}' is missing ({raw.loc[out.index[missing][0], column]!r}).",
            where=f"{path}, row {row}, column '{column}'",
            fix="Every country pair needs a distance; use the CEPII file as published.",
        )


def _with_note(parsed: Parsed, raw: pd.DataFrame, column: str) -> Parsed:
    dropped = sorted(set(raw[column]) & set(DISSOLVED))
    if not dropped:
        return parsed
    note = "Dropped rows of " + ", ".join(f"{c} = {DISSOLVED[c]}" for c in dropped) + "."
    return Parsed(parsed.tables, replace(parsed.provenance, note=note))


# --- `marketscout data update cepii` ---------------------------------------------------------

DIST_FILE, GEO_FILE = "dist_cepii.dta", "geo_cepii.dta"
FILES = (DIST_FILE, GEO_FILE)


def update(ctx: UpdateContext) -> Iterator[Parsed]:
    """Fetch and parse both files before yielding either, so a bad file loads neither."""
    folder = ctx.base_url
    if folder.endswith(FILES):  # the URL of one of the files: take its folder
        folder = folder.rsplit("/", 1)[0]
    parsed = []
    for name, parser in ((DIST_FILE, parse_geodist), (GEO_FILE, parse_geo)):
        url = f"{folder}/{name}"
        path = ctx.download(url, f"cepii/{name}")
        result = parser(stata_as_csv(path))
        retrieved = retrieved_on(path) if ctx.offline else date.today().isoformat()
        prov = replace(result.provenance, url=url, retrieved=retrieved, republisher="",
                       sha256=sha256_of(path))
        parsed.append(Parsed(result.tables, prov))
    yield from parsed


def stata_as_csv(path: Path) -> Path:
    """A GeoDist .dta file in CEPII's CSV layout: `;` separated, `.` for a missing value."""
    try:
        frame = pd.read_stata(path, convert_categoricals=False)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise InputError(f"The file cannot be read as a Stata .dta file ({exc}).",
                         where=str(path), fix="Download it again.") from exc
    for column in frame.columns:
        values = frame[column]
        # Stata stores flags and codes as floats or small ints; write 1, not 1.0
        if values.dtype.kind == "f" and values.dropna().mod(1).eq(0).all():
            frame[column] = values.astype("Int64")
    target = path.with_suffix(".csv")
    frame.to_csv(target, sep=";", index=False, na_rep=".")
    return target


SOURCE = declare("cepii", update)
