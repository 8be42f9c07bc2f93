"""`sources.read.to_number`: plain columns skip the cleaning; others are cleaned as before."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from marketscout.errors import InputError
from marketscout.sources.read import to_number


def test_plain_numbers_match_python_float() -> None:
    text = ["12", "-3.5", ".5", "7.", "1e-3", "2E+4", "", "0"]
    got = to_number(pd.Series(text), path="f.csv", column="x").tolist()
    expected = [float(t) if t else math.nan for t in text]  # reference: Python's parser
    assert [("nan" if g != g else g) for g in got] == [
        ("nan" if e != e else e) for e in expected]


def test_columns_that_need_cleaning_are_still_cleaned() -> None:
    got = to_number(pd.Series(["1 234,5", "n/a", "1,234.5", "2"]), path="f.csv",
                    column="x").tolist()
    assert got[0] == 1234.5 and math.isnan(got[1]) and got[2] == 1234.5 and got[3] == 2.0


def test_a_bad_value_names_row_and_column() -> None:
    with pytest.raises(InputError) as err:
        to_number(pd.Series(["1", "12abc"]), path="f.csv", column="x")
    assert "row 3" in str(err.value.where) and "'x'" in str(err.value.where)
