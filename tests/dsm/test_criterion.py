"""The `dsm` criterion: no data on the embedded sample (said plainly), values on complete data.

Complete data here is the hand world (hand_world.py) registered as the store's trade years,
with `min_exporters` lowered to its 4 exporters. Its untapped potentials are worked out in
test_hand_world.py: DEU 255, POL 10, FIN 0 (red market: no opportunity).
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from dsm import hand_world as hw
from marketscout import countries
from marketscout.criteria import dsm as criterion
from marketscout.dsm.service import store_result, top_opportunities
from marketscout.errors import DataNotAvailableError
from marketscout.provenance import Provenance
from marketscout.store import Store, open_store

COMPLETE = replace(hw.CONFIG, min_exporters=4)


@pytest.fixture
def complete(store: Store, tmp_path: Path) -> Store:
    folder = hw.write_world(tmp_path / "baci")
    files = sorted(folder.glob("*.parquet"))
    rows = pd.DataFrame({"path": [str(f) for f in files], "year": list(hw.YEARS),
                         "classification": "HS92", "release": "hand", "rows": 1})
    store.load({"trade_file": rows}, Provenance(
        source_id="dsm_trade_hand", title="hand-built world", publisher="tests",
        url="file://tests", licence="test", edition="HS92 hand"))
    return hw.load_inputs(store)


def test_the_embedded_sample_is_not_enough(snapshot_db: Path) -> None:
    with open_store(snapshot_db, read_only=True) as store:
        found = criterion.compute(store, "LTU", countries.candidates("LTU"))
        assert not found.available
        assert "partial sample (2 exporters)" in found.notes[0]
        assert "dsm import trade" in found.how_to_get
        with pytest.raises(DataNotAvailableError, match="partial sample"):
            top_opportunities(store, "LTU", "DEU")


def test_values_on_complete_data(complete: Store) -> None:
    candidates = countries.candidates("LTU")
    found = criterion.compute(complete, "LTU", candidates, config=COMPLETE)
    assert found.available and found.year == "2021"
    assert found.values["DEU"] == pytest.approx(math.log1p(255))
    assert found.values["POL"] == pytest.approx(math.log1p(10))
    assert found.values["FIN"] == 0.0
    assert found.values.drop(["DEU", "POL", "FIN"]).isna().all()
    assert {"dsm_trade_hand", "hand_inputs"} <= {p.source_id for p in found.sources}
    assert found.unit.startswith("log(1 + untapped potential")
    counts = criterion.compute(complete, "LTU", candidates,
                               config=replace(COMPLETE, criterion_measure="count"))
    assert (counts.values["DEU"], counts.values["POL"]) == (4.0, 2.0)


def test_too_few_exporters(complete: Store) -> None:
    found = criterion.compute(complete, "LTU", ["DEU"])
    assert not found.available
    assert "holds 4 exporters for 2021" in found.notes[0]


def test_store_result_is_memoised_for_a_file_store(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        folder = hw.write_world(tmp_path / "baci")
        rows = pd.DataFrame({"path": [str(p) for p in sorted(folder.glob("*.parquet"))],
                             "year": list(hw.YEARS), "classification": "HS92",
                             "release": "hand", "rows": 1})
        store.load({"trade_file": rows}, Provenance(
            source_id="dsm_trade_hand", title="hand", publisher="tests", url="file://t",
            licence="test", edition="HS92"))
        first = store_result(store, "LTU", config=COMPLETE)
        assert store_result(store, "LTU", config=COMPLETE) is first
        hw.load_inputs(store)  # a new load: the memo no longer applies
        assert store_result(store, "LTU", config=COMPLETE) is not first


def test_top_opportunities_by_section_with_names(complete: Store) -> None:
    """The market profile's table: DEU's four opportunities (hand world) are all in HS
    chapters 01-04, section I; POL's motor (850110) is in section XVI, shown first as it
    holds POL's larger potential (10 against 0)."""
    deu = top_opportunities(complete, "LTU", "DEU", config=COMPLETE, per_section=3)
    assert list(deu["hs_section"].unique()) == ["I Live animals; animal products"]
    assert len(deu) == 3  # at most three per section
    pol = top_opportunities(complete, "LTU", "POL", config=COMPLETE)
    assert pol["hs_section"].str.split().str[0].tolist() == ["XVI", "I"]
    assert "WCO HS" in pol.attrs["source"]


def test_expected_value_option(complete: Store) -> None:
    candidates = ["DEU", "POL", "FIN"]
    point = criterion.compute(complete, "LTU", candidates,
                              config=replace(COMPLETE, criterion_measure="count"))
    mean = criterion.compute(complete, "LTU", candidates, config=replace(
        COMPLETE, criterion_measure="count", criterion_expected_draws=200))
    assert "expected count over 200 draws" in mean.notes[0]
    assert mean.values["FIN"] == 0.0
    # DEU's HHI exemptions and P5's size sit near their thresholds: under ±20 % draws its
    # expected count differs from the point value, but stays within 0..5 product-markets
    assert 0 < mean.values["DEU"] <= 5 and mean.values["DEU"] != point.values["DEU"]
