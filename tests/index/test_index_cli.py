"""`marketscout index build` end to end on a hand-made three-level example."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

Run = Callable[..., tuple[int, str, str]]

META = """Level,iCode,iName,Direction,Weight,Parent,Type
1,i1,One,1,1,P1,Indicator
1,i2,Two,-1,1,P1,Indicator
1,i3,Three,1,2,P2,Indicator
1,i4,Four,1,1,P2,Indicator
2,P1,Pillar one,1,1,IDX,Aggregate
2,P2,Pillar two,1,3,IDX,Aggregate
3,IDX,The index,1,,,Aggregate
,GDP_group,GDP group,,,,Group
"""
DATA = """uCode,uName,GDP_group,i1,i2,i3,i4
A,Alpha,L,0,10,1,100
B,Beta,H,5,40,2,300
C,Gamma,H,10,20,4,200
"""


@pytest.fixture
def tables(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "meta.csv").write_text(META)
    (tmp_path / "data.csv").write_text(DATA)
    return tmp_path / "data.csv", tmp_path / "meta.csv"


def test_build_to_stdout_matches_hand_computation(run: Run, tables: tuple[Path, Path]) -> None:
    data, meta = tables
    code, out, err = run("index", "build", "--data", str(data), "--meta", str(meta))
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out)).set_index("uCode")
    # Min-max 0-100 after directions (i2 is reversed):
    #   i1 = (0, 50, 100); i2 = (100, 0, 66.67); i3 = (0, 33.33, 100); i4 = (0, 100, 50)
    # P1 = (i1 + i2)/2 = (50, 25, 83.33); P2 = (2 i3 + i4)/3 = (0, 55.56, 83.33)
    # IDX = (1 P1 + 3 P2)/4 = (12.5, 47.92, 83.33)
    assert table.loc["A", "Index"] == pytest.approx(12.5)
    assert table.loc["B", "Index"] == pytest.approx((25 + 3 * 500 / 9) / 4)
    assert table.loc["C", "Index"] == pytest.approx((250 / 3 + 3 * 250 / 3) / 4)
    assert table.loc["B", "P2"] == pytest.approx(500 / 9)
    assert table["Rank"].to_dict() == {"C": 1, "B": 2, "A": 3}
    assert list(table.columns[:3]) == ["uName", "Rank", "Index"]


def test_build_with_recipe_to_file(run: Run, tables: tuple[Path, Path], tmp_path: Path) -> None:
    data, meta = tables
    recipe = tmp_path / "recipe.toml"
    recipe.write_text('weighting = "equal"\n[normalise_params]\nrange = [0, 10]\n')
    out_path = tmp_path / "out.csv"
    code, _, err = run("index", "build", "--data", str(data), "--meta", str(meta),
                       "--recipe", str(recipe), "--output", str(out_path))
    assert code == 0, err
    table = pd.read_csv(out_path).set_index("uCode")
    # equal weights, 0-10: P1(B) = 2.5, P2(B) = (3.33 + 10)/2, IDX = mean of the two
    assert table.loc["B", "Index"] == pytest.approx((2.5 + (10 / 3 + 10) / 2) / 2)


def test_bad_meta_reports_file_row_column(run: Run, tables: tuple[Path, Path]) -> None:
    data, meta = tables
    meta.write_text(META.replace("1,i3,Three,1,2,P2,", "1,i3,Three,1,2,P9,"))
    code, _, err = run("index", "build", "--data", str(data), "--meta", str(meta))
    assert code == 2
    assert "P9" in err
    assert f"{meta}, row 4, column 'Parent'" in err


def test_bad_recipe_reports_key(run: Run, tables: tuple[Path, Path], tmp_path: Path) -> None:
    data, meta = tables
    recipe = tmp_path / "recipe.toml"
    recipe.write_text('aggregate = "median"\n')
    code, _, err = run("index", "build", "--data", str(data), "--meta", str(meta),
                       "--recipe", str(recipe))
    assert code == 2
    assert "key 'aggregate'" in err
