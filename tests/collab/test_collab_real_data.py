"""Real data: the snapshot's Lithuanian pairs against an independent count from the raw
CORDIS file, and the partner finder on the Horizon Europe sample (100-row head files)."""

from __future__ import annotations

import csv
import gzip
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

from marketscout.collab import find_partners, pairs
from marketscout.countries import to_iso3
from marketscout.criteria.horizon import joint_projects
from marketscout.sources.cordis import parse_archive
from marketscout.store import Store


def raw_joint_projects(path: Path, home_code: str) -> Counter[str]:
    """Joint projects per partner CORDIS code, counted with the csv module alone."""
    countries_of: dict[str, set[str]] = defaultdict(set)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["country"] not in ("", "NA"):  # 'NA' = missing in this re-publication
                countries_of[row["rcn"]].add(row["country"])
    joint: Counter[str] = Counter()
    for codes in countries_of.values():
        if home_code in codes:
            joint.update(codes - {home_code})
    return joint


def test_ltu_pairs_equal_the_raw_file_and_the_criterion(raw_data: Path,
                                                         snapshot_db: Path) -> None:
    raw = raw_joint_projects(raw_data / "cordis" / "h2020_participations.csv.gz", "LT")
    expected = {to_iso3(code): n for code, n in raw.items()}
    assert expected["GRC"] == raw["EL"] and expected["GBR"] == raw["UK"]
    with Store(snapshot_db, read_only=True) as store:
        found = pairs(store, "LTU").partners.set_index("partner")["joint_projects"]
        criterion = joint_projects(store, "LTU")["projects"]
    assert found.to_dict() == expected
    assert criterion.to_dict() == expected


def test_partner_finder_on_the_horizon_europe_sample(raw_data: Path, tmp_path: Path) -> None:
    archive = tmp_path / "cordis-HORIZONprojects-csv.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for table in ("project", "organization", "topics", "euroSciVoc"):
            zf.write(raw_data / "cordis" / f"horizon_europe_{table}_head100.csv",
                     f"{table}.csv")
    parsed = parse_archive(archive)
    with Store() as store:
        store.load(parsed.tables, parsed.provenance)
        found = find_partners(store, "LTU", "DEU", "galaxies and stars astronomy",
                              method="lexical")
        assert found.notes[0].startswith("Sample data: only 100 projects have texts")
        assert not found.partners.empty
        assert found.partners["name"].str.len().gt(0).all()
