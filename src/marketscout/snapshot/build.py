"""Build the embedded snapshot from the raw public files, with the project's own parsers."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from marketscout import __version__
from marketscout.errors import InputError
from marketscout.snapshot import MANIFEST, snapshot_dir
from marketscout.sources import Parsed

MAX_BYTES = 15 * 1024 * 1024


@dataclass(frozen=True)
class RawSource:
    """One raw file (relative to the raw folder) and the parser that reads it."""

    path: str
    parse: Callable[[Path], Parsed]


def _raw_sources() -> list[RawSource]:
    from marketscout.sources import (
        baci,
        cepii,
        cordis,
        eurostat,
        lpi,
        naturalearth,
        oecd,
        partial,
        wipo_gii,
    )
    from marketscout.sources import worldbank as wb

    def h2020(path: Path) -> Parsed:
        return cordis.parse_h2020(path, path.parent / "h2020_programme_parts.csv.gz")

    def wb_bulk(path: Path) -> Parsed:
        return wb.parse_wb_bulk(path, path.parent / f"Metadata_Country_{path.name}")

    def ltu_exports(path: Path) -> Parsed:
        return baci.parse_exports_by_partner(path, path.parent / "baci_country_codes_V202301.csv")

    return [
        RawSource("macro/wdi_panel_1990_2023.csv.gz", wb.parse_wdi_panel),
        RawSource("macro/API_NY.GDP.MKTP.CD_DS2_en_csv_v2.csv", wb_bulk),
        RawSource("cordis/h2020_participations.csv.gz", h2020),
        # a sample (provenance `sample`): the partner finder's texts, never counted
        RawSource("cordis/horizon_europe_project_head100.csv", cordis.parse_sample),
        RawSource("gii/gii_2019.csv", lambda p: wipo_gii.parse_gii_wide(p, 2019)),
        RawSource("gii/gii_panel_2011_2022.csv", wipo_gii.parse_gii_panel),
        RawSource("partial/gii_partial_2020_2024.csv", partial.parse_gii_partial),
        RawSource("partial/imd_wdcr_ranks_partial_2022_2024.csv", partial.parse_imd_partial),
        RawSource("partial/lithuania_inward_fdi_top_investors_boL.csv", partial.parse_fdi_bol),
        RawSource(
            "partial/lithuania_exports_top_partners_partial.csv", partial.parse_exports_partners
        ),
        RawSource(
            "partial/lithuania_exports_cis_eurostat_comext_monthly.csv",
            partial.parse_exports_comext_monthly,
        ),
        RawSource("geo/lpi_2023.csv", lpi.parse_lpi),
        RawSource("geo/dist_cepii.csv.gz", cepii.parse_geodist),
        RawSource("geo/geo_cepii.csv", cepii.parse_geo),
        RawSource("geo/naturalearth_lowres/naturalearth_lowres.shp", naturalearth.parse_boundaries),
        RawSource("trade/baci_country_codes_V202301.csv", baci.parse_country_codes),
        RawSource("trade/baci_product_codes_HS92_V202301.csv", baci.parse_product_codes),
        RawSource("trade/baci_hs92_2021_sample_zaf_afg.csv", baci.parse_trade),
        RawSource("trade/ltu_exports_by_partner_baci_hs92_v202501_2021_2023.csv", ltu_exports),
        RawSource("fdi/eurostat_fdi_positions_bilateral_2007_2024.csv",
                  eurostat.parse_fdi_bilateral),
        RawSource("risk/oecd_crc_2026-01-30.pdf", oecd.parse_crc),
    ]


def build_snapshot(raw: Path, output: Path | None = None) -> dict[str, Any]:
    """Parse every raw file and write Parquet tables plus manifest.json into `output`.

    The new snapshot is written to a temporary folder first and swapped in only when every
    file parsed, so a failed build leaves the previous snapshot intact.
    """
    raw, output = Path(raw), Path(output or snapshot_dir())
    missing = [s.path for s in _raw_sources() if not (raw / s.path).exists()]
    if missing:
        raise InputError(
            f"Raw files missing: {', '.join(missing)}.",
            where=str(raw),
            fix="Point --raw at the folder laid out as shared/data (see its README).",
        )
    with tempfile.TemporaryDirectory(dir=output.parent) as tmp:
        manifest = _write_tables(raw, Path(tmp))
        _swap(Path(tmp), output)
    return manifest


def _parsed(raw: Path) -> Iterator[Parsed]:
    """Every raw file parsed, then the crosswalk's country list (shipped with its package)."""
    from marketscout.sources.crosswalk import parse_crosswalk

    for source in _raw_sources():
        yield source.parse(raw / source.path)
    yield parse_crosswalk()


def _write_tables(raw: Path, folder: Path) -> dict[str, Any]:
    entries = []
    for parsed in _parsed(raw):
        files = {}
        for table, frame in parsed.tables.items():
            name = f"{parsed.provenance.source_id}__{table}.parquet"
            frame.to_parquet(folder / name, index=False, compression="zstd")
            files[table] = name
        entries.append({"provenance": parsed.provenance.to_dict(), "tables": files})
    size = sum(f.stat().st_size for f in folder.glob("*.parquet"))
    if size > MAX_BYTES:
        raise InputError(
            f"The snapshot would be {size / 1e6:.1f} MB, over the {MAX_BYTES / 1e6:.0f} MB limit.",
            fix="Drop or thin the largest table before shipping.",
        )
    manifest = {
        "built": date.today().isoformat(),
        "marketscout": __version__,
        "bytes": size,
        "sources": entries,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def _swap(new: Path, output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    for old in [*output.glob("*.parquet"), output / MANIFEST]:
        old.unlink(missing_ok=True)
    for item in new.iterdir():
        shutil.move(str(item), output / item.name)
