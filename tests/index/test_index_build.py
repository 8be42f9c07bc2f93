"""The whole pipeline on a hand-made three-level example, its options, loaders and properties."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketscout.errors import FrameworkError, InputError
from marketscout.index.build import build_index
from marketscout.index.framework import Framework, framework_from_meta
from marketscout.index.load import load_framework, load_idata
from marketscout.index.mcdm import topsis
from marketscout.index.recipe import Recipe

NA = np.nan
# By hand (see conftest): minmax 0-100 after directions; P1 = (i1 + i2)/2, P2 = (2 i3 + i4)/3,
# IDX = (P1 + 3 P2)/4.
P1 = {"A": 50.0, "B": 25.0, "C": 250 / 3}
P2 = {"A": 0.0, "B": 500 / 9, "C": 250 / 3}
IDX = {"A": 12.5, "B": 575 / 12, "C": 250 / 3}


@pytest.fixture
def framework(meta: pd.DataFrame) -> Framework:
    return framework_from_meta(meta)


def test_hand_computed_index(idata: pd.DataFrame, framework: Framework) -> None:
    res = build_index(idata, framework, Recipe())
    table = res.results
    assert list(table.columns) == ["uCode", "uName", "Rank", "Index", "P1", "P2",
                                   "i1", "i2", "i3", "i4"]
    assert table["uCode"].tolist() == ["C", "B", "A"]
    assert table["Rank"].tolist() == [1, 2, 3]
    got = table.set_index("uCode")
    for unit in "ABC":
        assert got.loc[unit, "Index"] == pytest.approx(IDX[unit])
        assert got.loc[unit, "P1"] == pytest.approx(P1[unit])
        assert got.loc[unit, "P2"] == pytest.approx(P2[unit])
    assert got.loc["A", "i2"] == pytest.approx(100)  # direction -1: the lowest is best
    assert res.index.index.tolist() == ["A", "B", "C"]  # input order kept in the stages
    assert res.ranks.tolist() == [3, 2, 1]
    assert res.weights["i3"] == pytest.approx(0.5)


def test_stages_are_kept(idata: pd.DataFrame, framework: Framework) -> None:
    res = build_index(idata, framework, Recipe(treat="winsorise"))
    assert res.raw.loc["B", "i4"] == 300
    assert list(res.normalised.columns) == ["i1", "i2", "i3", "i4"]
    assert set(res.treatment_log["Status"]) == {"passed"}
    assert res.recipe.treat == "winsorise"


def test_ties_share_the_smallest_rank(idata: pd.DataFrame, framework: Framework) -> None:
    data = pd.concat([idata, idata.iloc[[2]].assign(uCode="D")], ignore_index=True)
    ranks = build_index(data, framework).results.set_index("uCode")["Rank"]
    assert ranks["C"] == ranks["D"] == 1
    assert ranks["B"] == 3


def test_missing_values_reweight_and_dat_thresh(idata: pd.DataFrame,
                                                framework: Framework) -> None:
    data = idata.assign(i1=[0.0, NA, 10.0])
    res = build_index(data, framework)
    assert res.aggregated.loc["B", "P1"] == pytest.approx(0)  # only i2 (0) is available
    res = build_index(data, framework, Recipe(dat_thresh=0.5))
    assert res.aggregated.loc["B", "P1"] == pytest.approx(0)  # 1 of 2 available: kept
    res = build_index(data, framework, Recipe(dat_thresh=0.6))  # one threshold, every level
    assert res.aggregated[["P1", "IDX"]].isna().loc["B"].all()  # IDX: 1 of 2 pillars < 0.6
    assert res.results["uCode"].tolist()[-1] == "B" and np.isnan(res.results["Rank"].iloc[-1])


def test_screening_removes_sparse_units(idata: pd.DataFrame, framework: Framework) -> None:
    data = pd.concat([idata, pd.DataFrame({"uCode": ["D"], "i1": [3.0]})], ignore_index=True)
    res = build_index(data, framework, Recipe(screen_thresh=0.5))
    assert res.screened_out == ("D",)
    assert "D" not in res.results["uCode"].tolist()
    assert any("Screened out" in w for w in res.warnings)


def test_mean_and_group_imputation(idata: pd.DataFrame, framework: Framework) -> None:
    data = pd.concat([idata, pd.DataFrame({"uCode": ["D"], "GDP_group": ["H"], "i1": [NA],
                                           "i2": [1.0], "i3": [1.0], "i4": [1.0]})],
                     ignore_index=True)
    assert build_index(data, framework, Recipe(impute="mean")).imputed.loc["D", "i1"] == 5
    res = build_index(data, framework, Recipe(impute="mean_group", impute_group="GDP_group"))
    assert res.imputed.loc["D", "i1"] == 7.5  # mean of B and C, the other H units
    with pytest.raises(FrameworkError, match="not in iData"):
        build_index(data, framework, Recipe(impute="mean_group", impute_group="nope"))


def test_equal_weights(idata: pd.DataFrame, framework: Framework) -> None:
    res = build_index(idata, framework, Recipe(weighting="equal"))
    # P2 = (i3 + i4)/2, IDX = (P1 + P2)/2; for B: P2 = (100/3 + 100)/2, P1 = 25
    assert res.aggregated.loc["B", "IDX"] == pytest.approx((25 + (100 / 3 + 100) / 2) / 2)


def test_ahp_weights_from_pairwise_matrix(idata: pd.DataFrame, framework: Framework) -> None:
    recipe = Recipe(weighting="ahp", weighting_params={"IDX": [[1, 3], [1 / 3, 1]]})
    res = build_index(idata, framework, recipe)
    assert res.weights["P1"] == pytest.approx(0.75)
    assert res.aggregated.loc["B", "IDX"] == pytest.approx(0.75 * 25 + 0.25 * 500 / 9)
    assert res.weights["i3"] == pytest.approx(0.25 * 2 / 3)  # P2's group keeps given weights


def test_pca_weights_build(idata: pd.DataFrame, framework: Framework) -> None:
    res = build_index(idata, framework, Recipe(weighting="pca"))
    assert res.weights[["P1", "P2"]].sum() == pytest.approx(1)


def test_topsis_at_the_top(idata: pd.DataFrame, framework: Framework) -> None:
    res = build_index(idata, framework, Recipe(aggregate="topsis"))
    pillars = np.array([[P1[u], P2[u]] for u in "ABC"])
    expected = topsis(pillars, [0.25, 0.75])
    assert res.index.to_numpy() == pytest.approx(expected)
    assert res.aggregated.loc["B", "P2"] == pytest.approx(P2["B"])  # lower levels: amean


def test_promethee_and_copeland_run(idata: pd.DataFrame, framework: Framework) -> None:
    res = build_index(idata, framework, Recipe(aggregate="promethee"))
    assert res.index.sum() == pytest.approx(0)
    assert res.results["uCode"].tolist() == ["C", "B", "A"]
    res = build_index(idata, framework, Recipe(aggregate="copeland"))
    assert res.aggregated["P2"].tolist() == [-2, 0, 2]


def test_gmean_needs_positive_range(idata: pd.DataFrame, framework: Framework) -> None:
    with pytest.raises(FrameworkError, match="positive"):
        build_index(idata, framework, Recipe(aggregate="gmean"))
    recipe = Recipe(aggregate="gmean", normalise_params={"range": (1, 100)})
    assert build_index(idata, framework, recipe).results["uCode"].tolist() == ["C", "B", "A"]


def test_panel_data_latest_time_and_imputation(idata: pd.DataFrame,
                                               framework: Framework) -> None:
    old = idata.assign(Time=2020, i1=[1.0, 1.0, 1.0])
    new = idata.assign(Time=2021, i1=[0.0, NA, 10.0])
    panel = pd.concat([old, new], ignore_index=True)
    res = build_index(panel, framework, Recipe(impute="panel_latest"))
    assert res.raw.loc["B", "i1"] == 1.0  # carried forward from 2020
    res = build_index(panel, framework, Recipe(time=2020))
    assert res.raw["i1"].tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(FrameworkError, match="Time 1999"):
        build_index(panel, framework, Recipe(time=1999))


def test_data_missing_an_indicator(idata: pd.DataFrame, framework: Framework) -> None:
    with pytest.raises(InputError, match="i3"):
        build_index(idata.drop(columns=["i3"]), framework)


# ---- loaders -------------------------------------------------------------------------------


def _write(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False)
    return path


def test_loaders_round_trip(tmp_path: Path, meta: pd.DataFrame, idata: pd.DataFrame) -> None:
    framework = load_framework(_write(tmp_path / "meta.csv", meta))
    data = load_idata(_write(tmp_path / "data.csv", idata), framework)
    assert data["GDP_group"].tolist() == ["L", "H", "H"]
    res = build_index(data, framework)
    assert res.results.set_index("uCode").loc["B", "Index"] == pytest.approx(IDX["B"])


def test_meta_error_names_the_file(tmp_path: Path, meta: pd.DataFrame) -> None:
    meta.loc[2, "Parent"] = "P9"
    path = _write(tmp_path / "meta.csv", meta)
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    assert f"{path}, row 4, column 'Parent'" in (info.value.where or "")


def test_meta_missing_column(tmp_path: Path, meta: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="Weight"):
        load_framework(_write(tmp_path / "meta.csv", meta.drop(columns=["Weight"])))


def test_data_non_numeric_value(tmp_path: Path, meta: pd.DataFrame, idata: pd.DataFrame) -> None:
    framework = framework_from_meta(meta)
    bad = idata.astype(object)
    bad.loc[1, "i2"] = "forty"
    with pytest.raises(InputError) as info:
        load_idata(_write(tmp_path / "data.csv", bad), framework)
    assert "row 3, column 'i2'" in (info.value.where or "")
    assert "forty" in info.value.what


def test_data_missing_indicator_column(tmp_path: Path, meta: pd.DataFrame,
                                       idata: pd.DataFrame) -> None:
    framework = framework_from_meta(meta)
    with pytest.raises(InputError) as info:
        load_idata(_write(tmp_path / "data.csv", idata.drop(columns=["i4"])), framework)
    assert "i4" in info.value.what and "header row" in (info.value.where or "")


def test_data_all_missing_indicator(tmp_path: Path, meta: pd.DataFrame,
                                    idata: pd.DataFrame) -> None:
    framework = framework_from_meta(meta)
    with pytest.raises(InputError) as info:
        load_idata(_write(tmp_path / "data.csv", idata.assign(i3=NA)), framework)
    assert "no data" in info.value.what and "column 'i3'" in (info.value.where or "")


def test_data_duplicate_units(tmp_path: Path, idata: pd.DataFrame) -> None:
    data = pd.concat([idata, idata.iloc[[0]]], ignore_index=True)
    with pytest.raises(InputError, match="Duplicated"):
        load_idata(_write(tmp_path / "data.csv", data))


# ---- properties ----------------------------------------------------------------------------

values = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False).map(lambda v: round(v, 3))
cell = st.one_of(values, values, values, st.just(NA))
tables = st.integers(min_value=3, max_value=7).flatmap(
    lambda n: st.lists(st.lists(cell, min_size=4, max_size=4), min_size=n, max_size=n))
RECIPES = [Recipe(), Recipe(impute="mean", treat="winsorise"), Recipe(normalise="rank"),
           Recipe(normalise="zscore", dat_thresh=0.5), Recipe(aggregate="copeland"),
           Recipe(weighting="equal", normalise="borda")]


def _frame(rows: list[list[float]]) -> pd.DataFrame:
    data = pd.DataFrame(rows, columns=["i1", "i2", "i3", "i4"])
    data.insert(0, "uCode", [f"U{i}" for i in range(len(rows))])
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(rows=tables, unit=st.integers(min_value=0, max_value=6),
       step=st.floats(min_value=0.001, max_value=500), col=st.sampled_from(["i1", "i3", "i4"]))
def test_raising_an_indicator_never_lowers_the_score(hand_framework: Framework,
                                                     rows: list[list[float]], unit: int,
                                                     step: float, col: str) -> None:
    """With the arithmetic mean, a better value on a positive indicator cannot hurt the unit."""
    framework = hand_framework
    data = _frame(rows)
    unit %= len(data)
    values = data[col].to_numpy(dtype=float).copy()
    values[unit] = 0.0 if np.isnan(values[unit]) else values[unit]
    data[col] = values
    better = data.copy()
    values = values.copy()
    values[unit] += step
    better[col] = values
    before = _score(data, framework, unit)
    after = _score(better, framework, unit)
    if not (np.isnan(before) or np.isnan(after)):
        assert after >= before - 1e-9


def _score(data: pd.DataFrame, framework: Framework, unit: int) -> float:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(build_index(data, framework).index.iloc[unit])


@settings(max_examples=40, deadline=None)
@given(rows=tables, seed=st.integers(min_value=0, max_value=10_000),
       recipe=st.sampled_from(RECIPES))
def test_permuting_units_does_not_change_results(hand_framework: Framework,
                                                 rows: list[list[float]], seed: int,
                                                 recipe: Recipe) -> None:
    framework = hand_framework
    data = _frame(rows)
    shuffled = data.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    a, b = _build(data, framework, recipe), _build(shuffled, framework, recipe)
    if a is None or b is None:
        assert a is None and b is None
        return
    pd.testing.assert_frame_equal(a.sort_index(), b.sort_index(), check_exact=False, atol=1e-9)


def _build(data: pd.DataFrame, framework: Framework, recipe: Recipe) -> pd.DataFrame | None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = build_index(data, framework, recipe)
        except FrameworkError:
            return None
    return res.results.set_index("uCode")


def test_recipe_replace_rebuild(idata: pd.DataFrame, framework: Framework) -> None:
    base = Recipe()
    other = dataclasses.replace(base, normalise="rank")
    a = build_index(idata, framework, base).results
    b = build_index(idata, framework, other).results
    assert a["uCode"].tolist() == b["uCode"].tolist() == ["C", "B", "A"]
