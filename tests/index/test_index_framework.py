"""The framework: tree, directions, weights, and iMeta errors naming table, row and column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from marketscout.errors import FrameworkError
from marketscout.index.framework import framework_from_meta


def test_valid_framework(meta: pd.DataFrame) -> None:
    f = framework_from_meta(meta)
    assert f.indicators == ("i1", "i2", "i3", "i4")
    assert f.directions.tolist() == [1, -1, 1, 1]
    assert [lv.codes for lv in f.levels] == [("P1", "P2"), ("IDX",)]
    assert f.index_code == "IDX"
    assert f.names["P2"] == "Pillar two"
    assert "GDP_group" in f.meta["iCode"].tolist()  # carried rows stay in meta


def test_membership_is_rescaled_within_parent(meta: pd.DataFrame) -> None:
    f = framework_from_meta(meta)
    assert np.allclose(f.levels[0].membership, [[0.5, 0], [0.5, 0], [0, 2 / 3], [0, 1 / 3]])
    assert np.allclose(f.levels[1].membership, [[0.25], [0.75]])
    assert np.allclose(f.levels[0].membership.sum(axis=0), 1)


def test_effective_weights(meta: pd.DataFrame) -> None:
    eff = framework_from_meta(meta).effective_weights()
    assert eff["i1"] == pytest.approx(0.125)
    assert eff["i3"] == pytest.approx(0.5)
    assert eff["i4"] == pytest.approx(0.25)
    assert eff["P2"] == pytest.approx(0.75)
    assert eff["IDX"] == 1
    assert eff[["i1", "i2", "i3", "i4"]].sum() == pytest.approx(1)


def test_with_weights_returns_new_framework(meta: pd.DataFrame) -> None:
    f = framework_from_meta(meta)
    g = f.with_weights({"P1": 3.0})
    assert np.allclose(g.levels[1].membership, [[0.5], [0.5]])
    assert np.allclose(f.levels[1].membership, [[0.25], [0.75]])  # the original is unchanged
    with pytest.raises(FrameworkError, match="Unknown iCode"):
        f.with_weights({"nope": 1.0})
    with pytest.raises(FrameworkError, match="sum to 0"):
        f.with_weights({"P1": 0.0, "P2": 0.0})


def test_text_columns_from_csv_are_accepted(meta: pd.DataFrame) -> None:
    text = meta.astype(object).where(meta.notna(), "").astype(str)
    f = framework_from_meta(text)
    assert f.directions.tolist() == [1, -1, 1, 1]


def _fails(meta: pd.DataFrame, *fragments: str) -> FrameworkError:
    with pytest.raises(FrameworkError) as info:
        framework_from_meta(meta, table="meta.csv")
    where = info.value.where or ""
    for fragment in fragments:
        assert fragment in where, (fragment, where)
    return info.value


def test_missing_column(meta: pd.DataFrame) -> None:
    err = _fails(meta.drop(columns=["Parent"]), "meta.csv", "header row")
    assert "Parent" in err.what


def test_duplicate_icode(meta: pd.DataFrame) -> None:
    meta.loc[1, "iCode"] = "i1"
    err = _fails(meta, "meta.csv", "row 3", "column 'iCode'")
    assert "row 2" in err.what


def test_unknown_parent(meta: pd.DataFrame) -> None:
    meta.loc[2, "Parent"] = "P9"
    err = _fails(meta, "meta.csv", "row 4", "column 'Parent'")
    assert "P9" in err.what


def test_cycle(meta: pd.DataFrame) -> None:
    meta.loc[4, "Parent"] = "P2"  # P1 -> P2
    meta.loc[5, "Parent"] = "P1"  # P2 -> P1
    meta.loc[[4, 5], "Level"] = 2
    err = _fails(meta, "meta.csv", "column 'Parent'")
    assert "cycle" in err.what


def test_level_inconsistent_with_parent(meta: pd.DataFrame) -> None:
    meta.loc[5, "Level"] = 3  # P2 at the index's level
    _fails(meta, "meta.csv", "row", "column")


def test_indicator_not_at_level_one(meta: pd.DataFrame) -> None:
    meta.loc[0, "Level"] = 2
    _fails(meta, "meta.csv", "row 2", "column 'Level'")


def test_non_numeric_weight(meta: pd.DataFrame) -> None:
    meta["Weight"] = meta["Weight"].astype(object)
    meta.loc[3, "Weight"] = "heavy"
    err = _fails(meta, "meta.csv", "row 5", "column 'Weight'")
    assert "heavy" in err.what


def test_non_numeric_direction(meta: pd.DataFrame) -> None:
    meta["Direction"] = meta["Direction"].astype(object)
    meta.loc[1, "Direction"] = "down"
    _fails(meta, "meta.csv", "row 3", "column 'Direction'")


def test_direction_not_plus_minus_one(meta: pd.DataFrame) -> None:
    meta.loc[2, "Direction"] = 2
    _fails(meta, "meta.csv", "row 4", "column 'Direction'")


def test_missing_indicator_direction(meta: pd.DataFrame) -> None:
    meta.loc[2, "Direction"] = None
    _fails(meta, "meta.csv", "row 4", "column 'Direction'")


def test_weights_summing_to_zero(meta: pd.DataFrame) -> None:
    meta.loc[[0, 1], "Weight"] = 0
    err = _fails(meta, "meta.csv", "row 2", "column 'Weight'")
    assert "'P1'" in err.what


def test_two_top_nodes(meta: pd.DataFrame) -> None:
    extra = pd.DataFrame([{"Level": 3, "iCode": "IDX2", "iName": "x", "Direction": 1,
                           "Weight": 1, "Parent": None, "Type": "Aggregate"}])
    _fails(pd.concat([meta, extra], ignore_index=True), "meta.csv", "column 'Level'")


def test_aggregate_without_children(meta: pd.DataFrame) -> None:
    meta.loc[[2, 3], "Parent"] = "P1"
    err = _fails(meta, "meta.csv", "row 7", "column 'iCode'")
    assert "P2" in err.what


def test_unknown_type(meta: pd.DataFrame) -> None:
    meta.loc[0, "Type"] = "Indikator"
    _fails(meta, "meta.csv", "row 2", "column 'Type'")
