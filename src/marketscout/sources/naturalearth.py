"""Natural Earth 1:110m country boundaries, simplified for maps drawn on the server."""

from __future__ import annotations

import json
import struct
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapefile  # the pyshp package

from marketscout.errors import InputError
from marketscout.sources import Parsed, finish, publishers

NATURAL_EARTH = publishers.provenance("naturalearth_110m")

# Natural Earth writes iso_a3 = -99 where a country's ISO code is disputed or shared with a
# dependency (France with its overseas regions, Norway with Svalbard); fix them by name.
ISO3_BY_NAME = {"France": "FRA", "Norway": "NOR", "Kosovo": "XKX"}
# N. Cyprus and Somaliland are not sovereign candidates: they are kept with iso3 NULL, so a
# map has no hole where they are and they never join to a country's data.
NOT_CANDIDATES = frozenset({"N. Cyprus", "Somaliland"})
DEFAULT_TOLERANCE = 0.05  # degrees; about 5 km, finer than a 1:110m map shows


def parse_boundaries(shp_path: Path, tolerance: float = DEFAULT_TOLERANCE) -> Parsed:
    """A Natural Earth admin-0 shapefile -> table `boundary` (iso3, name, GeoJSON geometry)."""
    shp_path = Path(shp_path)
    rows = []
    for pos, (record, shape) in enumerate(_read(shp_path), start=1):
        where = f"{shp_path}, record {pos}"
        rows.append({
            "iso3": _iso3(record, where),
            "name": str(record["name"]).strip(),
            "geometry": _geometry(shape, tolerance, where),
        })
    table = pd.DataFrame(rows, columns=["iso3", "name", "geometry"])
    dup = table["iso3"].dropna().duplicated()
    if dup.any():
        iso3 = table["iso3"].dropna()[dup].iloc[0]
        raise InputError(f"Two boundaries for {iso3}.", where=str(shp_path),
                         fix="Use the Natural Earth admin-0 countries layer as published.")
    note = "iso3 fixed by name for " + ", ".join(ISO3_BY_NAME) + "; kept with iso3 NULL: " + (
        ", ".join(sorted(NOT_CANDIDATES)) + f". Simplified at {tolerance} degrees, rounded to "
        "0.01 degrees.")
    base = replace(NATURAL_EARTH, note=note)
    return finish(base, shp_path, {"boundary": table}, year_column=None)


def _read(shp_path: Path) -> list[tuple[shapefile.Record, shapefile.Shape]]:
    try:
        with shapefile.Reader(str(shp_path)) as reader:
            names = [f[0] for f in reader.fields[1:]]
            missing = [c for c in ("name", "iso_a3") if c not in names]
            if missing:
                raise InputError(
                    f"Missing attribute(s) {', '.join(missing)}; found {', '.join(names)}.",
                    where=f"{shp_path} (.dbf)",
                    fix="Use the Natural Earth admin-0 countries layer (fields name, iso_a3).",
                )
            return list(zip(reader.records(), reader.shapes(), strict=True))
    # pyshp reports a cut or corrupt file as struct.error from its binary reads
    except (shapefile.ShapefileException, OSError, ValueError, struct.error) as exc:
        raise InputError(
            f"The shapefile cannot be read ({exc}).",
            where=str(shp_path),
            fix="Keep the .shp, .shx, .dbf and .cpg files together, as published.",
        ) from exc


def _iso3(record: shapefile.Record, where: str) -> str | None:
    name = str(record["name"]).strip()
    code = str(record["iso_a3"]).strip().upper()
    if name in NOT_CANDIDATES:
        return None
    if code == "-99":
        if name not in ISO3_BY_NAME:
            raise InputError(f"No ISO3 code for {name!r} (iso_a3 = -99).", where=where,
                             fix="Add the country to naturalearth.ISO3_BY_NAME.")
        return ISO3_BY_NAME[name]
    if len(code) != 3 or not code.isalpha():
        raise InputError(f"Not an ISO3 code: {code!r} for {name!r}.", where=f"{where}, iso_a3",
                         fix="Use the Natural Earth admin-0 countries layer as published.")
    return code


def _geometry(shape: shapefile.Shape, tolerance: float, where: str) -> str:
    """The shape as a compact GeoJSON (Multi)Polygon, simplified and rounded to 0.01 degree."""
    geo: dict[str, Any] = shape.__geo_interface__
    if geo["type"] not in ("Polygon", "MultiPolygon"):
        raise InputError(f"Expected a polygon, found {geo['type']}.", where=where,
                         fix="Use the Natural Earth admin-0 countries layer (polygons).")
    polygons = [geo["coordinates"]] if geo["type"] == "Polygon" else geo["coordinates"]
    kept = []
    for polygon in polygons:
        rings = [_ring(np.asarray(ring, dtype=float), tolerance) for ring in polygon]
        if rings[0] is not None:  # an outline smaller than the rounding grid is dropped
            kept.append([r for r in rings if r is not None])
    if not kept:
        raise InputError("Every outline of this country is smaller than 0.01 degree.",
                         where=where, fix="Use the 1:110m or 1:50m layer.")
    out = {"type": "Polygon", "coordinates": kept[0]} if len(kept) == 1 else {
        "type": "MultiPolygon", "coordinates": kept}
    return json.dumps(out, separators=(",", ":"))


def _ring(points: np.ndarray, tolerance: float) -> list[list[float]] | None:
    """One closed ring simplified and rounded; None when fewer than four points remain."""
    simple = simplify(points, tolerance)
    if len(simple) < 4:  # simplification would collapse a small island: keep its outline
        simple = points
    rounded = np.round(simple, 2)
    moved = np.r_[True, np.any(np.diff(rounded, axis=0) != 0, axis=1)]
    rounded = rounded[moved]
    if len(rounded) < 4:
        return None
    result: list[list[float]] = rounded.tolist()
    return result


def simplify(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Douglas-Peucker: keep the points farther than `tolerance` from the simplified line."""
    keep = np.zeros(len(points), dtype=bool)
    if len(points) < 3:
        return points
    keep[[0, -1]] = True
    stack = [(0, len(points) - 1)]
    while stack:
        start, end = stack.pop()
        if end - start < 2:
            continue
        distance = _distance_to_segment(points[start + 1 : end], points[start], points[end])
        farthest = int(np.argmax(distance))
        if distance[farthest] > tolerance:
            middle = start + 1 + farthest
            keep[middle] = True
            stack += [(start, middle), (middle, end)]
    return points[keep]


def _distance_to_segment(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance of each point to the segment a-b (to a itself when a == b, a closed ring)."""
    ab = b - a
    length2 = float(ab @ ab)
    if length2 == 0.0:
        return np.hypot(*(points - a).T)
    t = np.clip(((points - a) @ ab) / length2, 0.0, 1.0)
    return np.hypot(*(points - (a + t[:, None] * ab)).T)
