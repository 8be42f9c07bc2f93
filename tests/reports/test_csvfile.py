"""The one CSV writer, cell by cell against hand-written expectations."""

from __future__ import annotations

import math

import pandas as pd

from marketscout.reports.columns import Column
from marketscout.reports.csvfile import csv_text

FLOATS = [1.23456, math.nan, math.inf, -2.5e-7, 1234.6]


def test_floats_are_rounded_to_the_columns_precision_and_missing_is_empty() -> None:
    frame = pd.DataFrame({"d": FLOATS, "i": FLOATS, "a": FLOATS, "p": FLOATS})
    text = csv_text(frame, [Column("d", "D", "decimal"), Column("i", "I", "int"),
                            Column("a", "A", "auto"), Column("p", "P", "percent")])
    assert text.splitlines() == [
        "D,I,A,P",
        "1.23,1,1.23456,1.2346",
        ",,,",
        ",,inf,",  # an infinite number in an unrounded column is shown as Python writes it
        "-0.0,0,-2.5e-07,-0.0",
        "1234.6,1235,1234.6,1234.6"]


def test_integers_text_lists_and_formula_like_text() -> None:
    frame = pd.DataFrame({"n": pd.array([3, None], dtype="Int64"),
                          "t": ["=cmd|' /C calc'!A0", ["a", "b"]],
                          "b": [True, False]})
    text = csv_text(frame, [Column("n", "N", "decimal"), Column("t", "T", "text"),
                            Column("b", "B")])
    assert text.splitlines() == ["N,T,B", "3.0,'=cmd|' /C calc'!A0,True", ",a; b,False"]


def test_every_kind_of_column_the_same_as_value_by_value() -> None:
    frame = pd.DataFrame({"i": [1, 2], "ii": [1, 2], "b": [True, False],
                          "f": pd.array([1.25, None], dtype="Float64"),
                          "o": [2.5, "@x"]})
    text = csv_text(frame, [Column("i", "I", "int"), Column("ii", "II", "ratio"),
                            Column("b", "B", "int"), Column("f", "F", "score"),
                            Column("o", "O", "score")])
    assert text.splitlines() == ["I,II,B,F,O", "1,1.0,True,1.2,2.5", "2,2.0,False,,'@x"]


def test_an_empty_table_is_its_header() -> None:
    assert csv_text(pd.DataFrame({"x": []}), [Column("x", "X (unit)")]) == "X (unit)\n"
