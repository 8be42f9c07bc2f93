"""CEPII GeoDist: the distance and geography files from CEPII's download folder.

CEPII distributes GeoDist as Stata files (`dist_cepii.dta`, `geo_cepii.dta`) in one folder;
`MARKETSCOUT_CEPII_URL` names that folder (or either file in it). Each .dta file is written
out in CEPII's CSV layout (`;` separated, `.` for missing) beside it in the cache and read by
`cepii.parse_geodist` / `cepii.parse_geo`, the parsers of the CSV copies.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd

from marketscout.errors import InputError
from marketscout.provenance import sha256_of
from marketscout.sources import Parsed
from marketscout.sources._download import retrieved_on
from marketscout.sources.cepii import parse_geo, parse_geodist
from marketscout.sources.registry import Source, UpdateContext

DEFAULT_URL = "https://www.cepii.fr/distance"
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


SOURCE = Source(
    id="cepii",
    name="GeoDist: distances and country geography",
    publisher="CEPII",
    default_url=DEFAULT_URL,
    licence="Free with citation: Mayer and Zignago (2011), CEPII Working Paper 2011-25",
    update=update,
    note="Two files from one folder: dist_cepii.dta and geo_cepii.dta.",
)
