"""Natural Earth boundaries: ISO3 fixes, simplification, compact GeoJSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import shapefile

from marketscout.errors import InputError
from marketscout.sources.naturalearth import parse_boundaries, simplify
from marketscout.store import Store


@pytest.fixture
def shp(fixtures: Path) -> Path:
    return fixtures / "naturalearth" / "naturalearth_small.shp"


def geometry(table: pd.DataFrame, iso3: str) -> dict[str, Any]:
    """The parsed GeoJSON of one country."""
    found: dict[str, Any] = json.loads(table.loc[table["iso3"] == iso3, "geometry"].item())
    return found


def write_shapefile(path: Path, records: list[tuple[str, str]], point: bool = False) -> Path:
    """A tiny admin-0 shapefile: one unit square per (name, iso_a3)."""
    kind = shapefile.POINT if point else shapefile.POLYGON
    with shapefile.Writer(str(path), shapeType=kind) as w:
        w.field("name", "C", 80)
        w.field("iso_a3", "C", 80)
        for n, (name, code) in enumerate(records):
            if point:
                w.point(n, 0)
            else:
                w.poly([[[n, 0], [n, 1], [n + 1, 1], [n + 1, 0], [n, 0]]])
            w.record(name, code)
    return path.with_suffix(".shp")


def test_boundaries(shp: Path) -> None:
    parsed = parse_boundaries(shp)
    table = parsed.tables["boundary"]
    assert list(table.columns) == ["iso3", "name", "geometry"]
    assert table["iso3"].tolist() == ["FRA", "LTU", "XKX", None, "CIV"]
    assert table["name"].tolist()[3:] == ["N. Cyprus", "Côte d'Ivoire"]  # Latin-1 .dbf
    prov = parsed.provenance
    assert (prov.source_id, prov.rows, prov.countries) == ("naturalearth_110m", 5, 4)
    assert "N. Cyprus, Somaliland" in prov.note


def test_geometry_is_simplified_geojson(shp: Path) -> None:
    table = parse_boundaries(shp).tables["boundary"]
    france = geometry(table, "FRA")
    assert france["type"] == "MultiPolygon" and len(france["coordinates"]) == 2
    assert france["coordinates"][1] == [[[8.5, 41.5], [8.5, 42.5], [9.5, 42.5], [9.5, 41.5],
                                         [8.5, 41.5]]]
    lithuania = geometry(table, "LTU")
    assert lithuania["type"] == "Polygon"
    outer, hole = lithuania["coordinates"]
    # the nine points 0.001 degrees off the southern edge go; the hole stays
    assert outer == [[21, 54], [21, 56], [26, 56], [26, 54], [21, 54]]
    assert hole == [[23, 55], [24, 55], [24, 55.5], [23, 55.5], [23, 55]]
    assert " " not in table["geometry"].iloc[0]


def test_zero_tolerance_keeps_points_rounded(shp: Path) -> None:
    table = parse_boundaries(shp, tolerance=0).tables["boundary"]
    outer = geometry(table, "LTU")["coordinates"][0]
    assert len(outer) == 14  # 5 corners + 9 southern points, rounded to 0.01 (none merge)
    assert [21.5, 54.0] in outer and [22.0, 54.0] in outer


def test_loads_into_store(shp: Path, store: Store) -> None:
    parsed = parse_boundaries(shp)
    store.load(parsed.tables, parsed.provenance)
    assert store.query("SELECT count(*) AS n FROM boundary WHERE iso3 IS NULL")["n"].item() == 1


def test_simplify_douglas_peucker() -> None:
    line = np.array([[0, 0], [1, 0.1], [2, -0.1], [3, 5], [4, 6], [5, 7], [6, 8.1], [7, 9]])
    assert simplify(line, 0.5).tolist() == [[0, 0], [2, -0.1], [3, 5], [7, 9]]
    assert simplify(line, 100).tolist() == [[0, 0], [7, 9]]
    assert len(simplify(line, 0)) == len(line) - 1  # (4, 6) lies exactly on (3, 5)-(5, 7)
    ring = np.array([[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]], dtype=float)
    assert simplify(ring, 0.1).tolist() == ring.tolist()


def test_unknown_minus_99(tmp_path: Path) -> None:
    shp = write_shapefile(tmp_path / "ne", [("Lithuania", "LTU"), ("Atlantis", "-99")])
    with pytest.raises(InputError, match="Atlantis") as err:
        parse_boundaries(shp)
    assert "record 2" in str(err.value)


def test_duplicated_country(tmp_path: Path) -> None:
    shp = write_shapefile(tmp_path / "ne", [("Lithuania", "LTU"), ("Lietuva", "LTU")])
    with pytest.raises(InputError, match="Two boundaries for LTU"):
        parse_boundaries(shp)


def test_points_are_refused(tmp_path: Path) -> None:
    shp = write_shapefile(tmp_path / "ne", [("Lithuania", "LTU")], point=True)
    with pytest.raises(InputError, match="Expected a polygon") as err:
        parse_boundaries(shp)
    assert "record 1" in str(err.value)


def test_missing_attribute(tmp_path: Path) -> None:
    path = tmp_path / "ne"
    with shapefile.Writer(str(path), shapeType=shapefile.POLYGON) as w:
        w.field("NAME_EN", "C", 80)
        w.field("iso_a3", "C", 80)
        w.poly([[[0, 0], [0, 1], [1, 1], [0, 0]]])
        w.record("Lithuania", "LTU")
    with pytest.raises(InputError, match="Missing attribute") as err:
        parse_boundaries(path.with_suffix(".shp"))
    assert ".dbf" in str(err.value)


def test_missing_or_broken_files(shp: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        parse_boundaries(tmp_path / "absent.shp")
    broken = tmp_path / "broken.shp"
    broken.write_bytes(shp.read_bytes()[:60])
    for suffix in (".dbf", ".shx", ".cpg"):
        broken.with_suffix(suffix).write_bytes(shp.with_suffix(suffix).read_bytes())
    with pytest.raises(InputError, match="cannot be read") as err:
        parse_boundaries(broken)
    assert str(broken) in str(err.value)


@pytest.mark.rawdata
def test_real_boundaries(raw_data: Path) -> None:
    shp = raw_data / "geo" / "naturalearth_lowres" / "naturalearth_lowres.shp"
    table = parse_boundaries(shp).tables["boundary"]
    assert len(table) == 177
    assert {"FRA", "NOR", "XKX", "LTU", "TWN"} <= set(table["iso3"])
    assert table["iso3"].isna().sum() == 2  # N. Cyprus, Somaliland
    assert table["iso3"].dropna().is_unique
    assert table["geometry"].str.len().sum() < 400_000  # the whole table well under 1 MB
    for text in table["geometry"]:
        geo = json.loads(text)
        assert geo["type"] in ("Polygon", "MultiPolygon")
    france = json.loads(table.loc[table["iso3"] == "FRA", "geometry"].item())
    assert france["type"] == "MultiPolygon"  # mainland, Corsica, French Guiana
