"""The boundaries docs/dsm.md states, on tiny worlds where every number is exact in binary:
HHI at the limit is not "exceeding"; imports at the minimum are kept; a relative share at a
REO-map cut-off falls in the upper column. And the DSM thresholds under [dsm] in marketscout's
own config.toml."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from dsm import hand_world as hw
from marketscout.dsm.config import DSMConfig, load_config
from marketscout.dsm.engine import DSMResult, run_dsm
from marketscout.dsm.trade import TradeSource
from marketscout.errors import InputError

LTU, DEU, POL, FRA, FIN = 440, 276, 616, 251, 246
P_HHI, P_MIN, P_REL = 10110, 20110, 30110
# 2021 only (growth is not tested: each market is the only importer, so "large").
FLOWS = [
    (POL, DEU, P_HHI, 50.0), (FRA, DEU, P_HHI, 50.0),  # HHI = 0.25 + 0.25 = 0.5 exactly
    (POL, DEU, P_MIN, 1000.0),  # imports exactly 1000
    (LTU, FIN, P_REL, 50.0), (POL, FIN, P_REL, 100.0),  # R = 50 / 100 = 0.5 (top 1)
]
BASE = DSMConfig(min_import_value=10.0, top_suppliers=1, hhi_max=1.0)  # HHI: test 1


def run(tmp_path: Path, config: DSMConfig) -> DSMResult:
    frame = pd.DataFrame([(2021, i, j, k, v) for i, j, k, v in FLOWS],
                         columns=["t", "i", "j", "k", "v"])
    folder = hw.write_world(tmp_path / "w", frame)
    return run_dsm(TradeSource.files(folder), "LTU", 2021, config)


def reason(result: DSMResult, market: str, product: str) -> str | None:
    rows = result.excluded[(result.excluded["market"] == market)
                           & (result.excluded["product"] == product)]
    return str(rows["reason"].iloc[0]) if len(rows) else None


def cell(result: DSMResult, market: str, product: str) -> int | None:
    o = result.opportunities
    rows = o[(o["market"] == market) & (o["product"] == product)]
    return int(rows["cell"].iloc[0]) if len(rows) else None


def test_hhi_exactly_at_the_limit_is_not_exceeding(tmp_path: Path) -> None:
    at = run(tmp_path, replace(BASE, hhi_max=0.5))
    assert reason(at, "DEU", "010110") is None and cell(at, "DEU", "010110") == 1
    below = run(tmp_path, replace(BASE, hhi_max=0.49))
    assert reason(below, "DEU", "010110") == "concentrated"


def test_imports_exactly_at_the_minimum_are_kept(tmp_path: Path) -> None:
    at = run(tmp_path, replace(BASE, min_import_value=1000.0))
    assert cell(at, "DEU", "020110") == 1
    above = run(tmp_path, replace(BASE, min_import_value=1000.5))
    assert reason(above, "DEU", "020110") == "import_below_minimum"


def test_relative_share_at_a_cut_off_falls_in_the_upper_column(tmp_path: Path) -> None:
    at = run(tmp_path, replace(BASE, position_cutoffs=(0.1, 0.5, 1.0)))
    share = at.opportunities.set_index("product").loc["030110", "relative_share"]
    assert share == 0.5
    assert cell(at, "FIN", "030110") == 3  # row 1, column 3 "intermediately large"
    just_above = run(tmp_path, replace(BASE, position_cutoffs=(0.1, 0.5000001, 1.0)))
    assert cell(just_above, "FIN", "030110") == 2
    at_first = run(tmp_path, replace(BASE, position_cutoffs=(0.5, 0.7, 1.0)))
    assert cell(at_first, "FIN", "030110") == 2
    at_last = run(tmp_path, replace(BASE, position_cutoffs=(0.1, 0.2, 0.5)))
    assert cell(at_last, "FIN", "030110") == 4


def test_thresholds_under_dsm_in_the_main_config_file(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARKETSCOUT_HOME", str(tmp_path))
    assert load_config() == DSMConfig()  # no config.toml
    (tmp_path / "config.toml").write_text('cache_dir = "/tmp/x"\n[dsm.filter3]\nhhi_max = 0.3\n'
                                          "[dsm.filter4]\ntop_suppliers = 4\n",
                                          encoding="utf-8")
    config = load_config()
    assert config.hhi_max == 0.3 and config.top_suppliers == 4
    assert load_config(None) == config
    explicit = tmp_path / "mine.toml"
    explicit.write_text("[filter3]\nhhi_max = 0.2\n", encoding="utf-8")
    assert load_config(explicit).hhi_max == 0.2  # --config wins over config.toml
    (tmp_path / "config.toml").write_text("[dsm.filter3]\nhhi = 0.3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"Unknown key 'filter3\.hhi'") as caught:
        load_config()
    assert "config.toml [dsm]" in (caught.value.where or "")
