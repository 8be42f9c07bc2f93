"""Each stage of `IndexResult` holds that stage's values: `imputed` the imputed ones, not the
treated ones. (Winsorising once wrote through a NumPy view of the imputed frame, so `imputed`
silently showed the winsorised values; found by running COINr's own ASEM example.)"""

from __future__ import annotations

import csv
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from marketscout.index.build import build_index
from marketscout.index.framework import Framework, framework_from_meta
from marketscout.index.load import load_framework, load_idata
from marketscout.index.recipe import Recipe

ASEM = Path(__file__).resolve().parents[3] / "shared" / "data" / "index"


def skewed() -> tuple[pd.DataFrame, Framework]:
    """One indicator with an outlier that winsorising lowers (1..10 and 100: COINr's
    treat_num anchor, where the 100 becomes 10) and one missing value; a second indicator
    that passes untreated."""
    meta = pd.DataFrame([
        {"Level": 1, "iCode": "x", "iName": "x", "Direction": 1, "Weight": 1, "Parent": "IDX",
         "Type": "Indicator"},
        {"Level": 1, "iCode": "y", "iName": "y", "Direction": 1, "Weight": 1, "Parent": "IDX",
         "Type": "Indicator"},
        {"Level": 2, "iCode": "IDX", "iName": "Index", "Direction": 1, "Weight": None,
         "Parent": None, "Type": "Aggregate"},
    ])
    x = [*map(float, range(1, 11)), 100.0, math.nan]
    y = [float(v) for v in (3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8)]
    data = pd.DataFrame({"uCode": [f"U{i:02d}" for i in range(12)], "x": x, "y": y})
    return data, framework_from_meta(meta)


def test_imputed_keeps_the_imputed_values_when_treating() -> None:
    data, framework = skewed()
    result = build_index(data, framework, Recipe(impute="mean", treat="winsorise"))
    # mean of the observed x: (55 + 100) / 11
    mean_x = 155 / 11
    assert result.imputed.loc["U10", "x"] == 100.0
    assert result.imputed.loc["U11", "x"] == pytest.approx(mean_x)
    assert result.imputed["x"].iloc[:10].tolist() == [*map(float, range(1, 11))]
    # the treated stage is where the outlier went down to the next value, which after
    # imputation is the imputed mean (imputation comes first, as in COINr)
    assert result.treated.loc["U10", "x"] == pytest.approx(mean_x)
    log = result.treatment_log.set_index("iCode")
    assert log.loc["x", "Status"] == "winsorised" and log.loc["x", "Winsorised"] == 1
    # and the caller's data is untouched
    assert data.loc[10, "x"] == 100.0


def test_raw_imputed_and_treated_are_separate_frames() -> None:
    data, framework = skewed()
    result = build_index(data, framework, Recipe(treat="winsorise"))  # no imputation
    assert np.isnan(result.imputed.loc["U11", "x"]) and result.imputed.loc["U10", "x"] == 100.0
    assert result.raw.loc["U10", "x"] == 100.0
    assert result.treated.loc["U10", "x"] == 10.0
    assert result.treated["y"].equals(result.imputed["y"])  # y passes untreated


def asem_file(name: str) -> Path:
    path = ASEM / name
    if not path.is_file():
        pytest.skip(f"COINr's ASEM example {path} is absent (CI has ../shared/data)")
    return path


def read_raw(path: Path, indicators: tuple[str, ...]) -> dict[tuple[str, str], float]:
    """The ASEM iData recounted with the csv module: 'NA' and blanks are missing."""
    out: dict[tuple[str, str], float] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for code in indicators:
                cell = row[code].strip()
                out[row["uCode"], code] = math.nan if cell in ("", "NA") else float(cell)
    return out


@pytest.mark.rawdata
def test_asem_imputed_is_raw_plus_column_means() -> None:
    """COINr's ASEM example (51 units, 49 indicators) with mean imputation and the default
    winsorisation: where a value was reported, `imputed` is the reported value; where it was
    missing, the mean of the reported ones; and `treated` differs from it exactly at the
    points the treatment log counts."""
    framework = load_framework(asem_file("asem_imeta.csv"))
    data = load_idata(asem_file("asem_idata.csv"), framework)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = build_index(data, framework, Recipe(impute="mean", treat="winsorise"))
    raw = read_raw(asem_file("asem_idata.csv"), framework.indicators)
    units = sorted({u for u, _ in raw})
    assert len(units) == 51 and len(framework.indicators) == 49
    missing = 0
    for code in framework.indicators:
        reported = [raw[u, code] for u in units if not math.isnan(raw[u, code])]
        mean = math.fsum(reported) / len(reported)
        for unit in units:
            value = raw[unit, code]
            expected = mean if math.isnan(value) else value
            missing += math.isnan(value)
            assert result.imputed.loc[unit, code] == pytest.approx(expected, rel=1e-12), (
                unit, code)
    assert missing > 0  # the example has gaps, so imputation is exercised
    changed = (result.treated != result.imputed).sum()
    winsorised = result.treatment_log.set_index("iCode")["Winsorised"]
    assert changed.sum() > 0
    for code in framework.indicators:
        assert changed[code] == winsorised[code], code
