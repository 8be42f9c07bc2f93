"""The Horizon Europe sample in the snapshot: the partner finder searches its texts and says it
is a sample; the `horizon` criterion (and every count over joint projects) never uses it.

Expected values are counted here with the csv module over the raw files in ../shared/data
(skipped where the folder is absent) or by hand from small rows.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from marketscout.collab.pairs import joint_rows
from marketscout.criteria import horizon
from marketscout.provenance import Provenance
from marketscout.store import Store, open_store

SAMPLE = "cordis/horizon_europe_project_head100.csv"
NOTICE = "a sample of 100 Horizon Europe projects (CORDIS, retrieved "
# CORDIS country codes of a few candidates (EL and UK are CORDIS' own)
CODES = {"DEU": "DE", "GRC": "EL", "GBR": "UK", "NOR": "NO", "ISR": "IL", "USA": "US",
         "LVA": "LV", "POL": "PL", "UKR": "UA", "GEO": "GE"}


def _raw_rows(raw: Path, name: str) -> list[dict[str, str]]:
    path = raw / "cordis" / name
    opener: Any = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _joint(rows: list[dict[str, str]], project: str, country: str) -> dict[str, int]:
    """Distinct projects with a Lithuanian participant and one from each candidate."""
    by_country: dict[str, set[str]] = {}
    for r in rows:
        by_country.setdefault(r[country], set()).add(r[project])
    home = by_country.get("LT", set())
    return {iso3: len(home & by_country.get(code, set())) for iso3, code in CODES.items()}


# --- without the raw files: the rule on hand-made rows ------------------------------------


def _load(store: Store, rows: list[tuple[str, str, int]], prov: Provenance) -> None:
    frame = pd.DataFrame(rows, columns=["project_id", "iso3", "start_year"]).assign(
        role="participant", ec_contribution=1.0, org_type="PRC",
        programme="HORIZON" if prov.sample else "H2020")
    frame["org_id"] = [f"{prov.source_id}{i}" for i in range(len(frame))]
    store.load({"horizon_participation": frame}, prov)


def test_a_sample_never_counts_towards_the_horizon_criterion(store: Store) -> None:
    full = Provenance(source_id="cordis_h2020", title="H2020", publisher="EC", url="u",
                      licence="CC BY 4.0", edition="e")
    sample = Provenance(source_id="cordis_horizon_europe", title="HE sample", publisher="EC",
                        url="u", licence="CC BY 4.0", edition="first rows", partial=True,
                        sample=True)
    _load(store, [("A", "LTU", 2015), ("A", "DEU", 2015), ("B", "LTU", 2016),
                  ("B", "FRA", 2016)], full)
    before = horizon.compute(store, "LTU", ["DEU", "FRA", "POL"])
    # by hand: DEU 1 (A), FRA 1 (B), POL 0; the sample would add POL 1, DEU 2 and 2024
    _load(store, [("X", "LTU", 2024), ("X", "POL", 2024), ("X", "DEU", 2024),
                  ("Y", "LTU", 2023), ("Y", "DEU", 2023)], sample)
    after = horizon.compute(store, "LTU", ["DEU", "FRA", "POL"])
    assert after.values.to_dict() == {"DEU": 1.0, "FRA": 1.0, "POL": 0.0}
    assert after.values.equals(before.values) and after.year == before.year == "2015-2016"
    assert [p.source_id for p in after.sources] == ["cordis_h2020"]
    assert after.label == before.label and "Horizon Europe" not in after.label
    assert not after.reported_mask["POL"]  # a participant only in the sample: not reported
    assert set(joint_rows(store, "LTU")["project_id"]) == {"A", "B"}


# --- on the snapshot (built from ../shared/data) ------------------------------------------


@pytest.mark.rawdata
def test_the_sample_is_parsed_and_marked_from_the_raw_files(raw_data: Path) -> None:
    from marketscout.sources.cordis import parse_sample

    parsed = parse_sample(raw_data / SAMPLE)
    prov = parsed.provenance
    assert prov.sample and prov.partial and prov.source_id == "cordis_horizon_europe"
    assert prov.cite().endswith("(sample)")
    projects = _raw_rows(raw_data, "horizon_europe_project_head100.csv")
    organisations = _raw_rows(raw_data, "horizon_europe_organization_head100.csv")
    assert len(parsed.tables["cordis_project"]) == len(projects) == 100
    assert len(parsed.tables["horizon_participation"]) == len(organisations)
    assert set(parsed.tables["horizon_participation"]["programme"]) == {"HORIZON"}


@pytest.mark.rawdata
def test_the_horizon_criterion_on_the_snapshot_ignores_the_sample(raw_data: Path,
                                                                  home: Path) -> None:
    h2020 = [r for r in _raw_rows(raw_data, "h2020_participations.csv.gz")
             if r["country"] not in ("", "NA")]
    expected = _joint(h2020, "rcn", "country")
    years = [int(r["start_year"]) for r in h2020 if r["start_year"] not in ("", "NA")]
    # the sample has a Lithuanian participant and later start years, which must not count
    sample_orgs = _raw_rows(raw_data, "horizon_europe_organization_head100.csv")
    sample_years = [int(r["startDate"][:4])
                    for r in _raw_rows(raw_data, "horizon_europe_project_head100.csv")]
    assert any(r["country"] == "LT" for r in sample_orgs) and max(sample_years) > max(years)
    with open_store(home / "marketscout.duckdb") as store:
        assert any(p.sample for p in store.provenance())  # the snapshot ships the sample
        found = horizon.compute(store, "LTU", list(CODES))
    assert found.values.to_dict() == {k: float(v) for k, v in expected.items()}
    assert found.year == f"{min(years)}-{max(years)}"
    assert [p.source_id for p in found.sources] == ["cordis_h2020"]
    assert found.label.startswith("Horizon 2020 (") and "sample" not in found.source


def _german_orgs_matching(raw: Path, word: str) -> set[str]:
    """Names of German organisations in sample projects whose title or objective has `word`."""
    texts = {r["id"]: (r["title"] + " " + r["objective"]).lower()
             for r in _raw_rows(raw, "horizon_europe_project_head100.csv")}
    return {r["name"] for r in _raw_rows(raw, "horizon_europe_organization_head100.csv")
            if r["country"] == "DE" and word in texts.get(r["projectID"], "")}


@pytest.mark.rawdata
def test_the_partner_finder_answers_on_the_snapshot_with_the_sample_notice(
        raw_data: Path, run: Any) -> None:
    expected = _german_orgs_matching(raw_data, "astrochemistry")
    assert expected
    code, out, err = run("partners", "--home", "LTU", "--market", "DEU", "--topic",
                         "astrochemistry", "--method", "lexical", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["partners"] and {p["name"] for p in data["partners"]} <= expected
    assert any(NOTICE in n and "not the full programme" in n for n in data["notes"])
    assert data["provenance"][0]["sample"] is True
    code, out, err = run("partners", "--home", "LTU", "--market", "DEU", "--topic",
                         "astrochemistry", "--method", "lexical")
    assert code == 0, err
    assert NOTICE in " ".join(out.split())  # the table view says it too (lines may wrap)


@pytest.mark.rawdata
def test_the_partner_finder_page_and_api_work_on_the_snapshot(raw_data: Path,
                                                              home: Path) -> None:
    from fastapi.testclient import TestClient

    from marketscout.settings import load_settings
    from marketscout.web.app import create_app

    client = TestClient(create_app(load_settings()))
    expected = _german_orgs_matching(raw_data, "astrochemistry")
    page = client.get("/collab/partners")  # the nav item's page, before a search
    assert page.status_code == 200 and "100 projects with texts to search" in page.text
    assert NOTICE in page.text
    page = client.get("/collab/partners?home=LTU&market=DEU&topic=astrochemistry"
                      "&method=lexical")
    assert page.status_code == 200 and 'id="partners-table"' in page.text
    assert NOTICE in page.text and any(name in page.text for name in expected)
    answer = client.get("/api/partners?market=DEU&topic=astrochemistry&method=lexical")
    assert answer.status_code == 200
    data = answer.json()
    assert data["partners"] and {p["name"] for p in data["partners"]} <= expected
    assert any(NOTICE in n for n in data["notes"])
