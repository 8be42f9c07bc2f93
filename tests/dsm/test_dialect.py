"""DuckDB -> Spark SQL: parameters become literal nodes (quoted by the generator, never
pasted), and the DuckDB-only constructs of the filters are rewritten with their meaning."""

from __future__ import annotations

import pytest

pytest.importorskip("sqlglot", reason="sqlglot comes with the extra marketscout[spark]")

from marketscout.dsm.dialect import to_spark
from marketscout.dsm.position import top_supply_sql


def test_text_parameters_are_quoted_not_pasted() -> None:
    evil = "x' OR 1=1 --"
    out = to_spark("SELECT * FROM t WHERE iso3 = $iso", {"iso": evil}).sql
    assert out == "SELECT * FROM t WHERE iso3 = 'x\\' OR 1=1 --'"


def test_positional_lists_booleans_and_doubles() -> None:
    out = to_spark("SELECT list_contains(CAST(? AS VARCHAR[]), iso3), ?, ? FROM t",
                   [["TWN", "KOS"], True, 0.1]).sql
    assert "ARRAY_CONTAINS(CAST(ARRAY('TWN', 'KOS') AS ARRAY<STRING>), iso3)" in out
    assert "TRUE, CAST(0.1 AS DOUBLE)" in out


def test_missing_parameter_is_an_error() -> None:
    with pytest.raises(KeyError, match=r"\$n"):
        to_spark("SELECT $n", {})


def test_decimal_literals_divide_as_doubles() -> None:
    # Spark reads 1.0 as DECIMAL(2,1) and 1.0 / 3 as 0.333333; DuckDB divides as doubles.
    assert to_spark("SELECT power(x, 1.0 / span) FROM t").sql == (
        "SELECT POWER(x, CAST(1.0 AS DOUBLE) / span) FROM t")


def test_top_n_lists_and_quantiles() -> None:
    out = to_spark(top_supply_sql(all_pairs=True), {"n": 6})
    assert out.create == "table" and out.name == "top_supply"
    assert "SLICE(SORT_ARRAY(COLLECT_LIST(s.v), FALSE), 1, 6 + 1) AS top" in out.sql
    assert "AGGREGATE(SLICE(top, 1, (6 - 1 + 1)), CAST(0 AS DOUBLE)" in out.sql
    assert "ELEMENT_AT(top, 6) AS s_nth" in out.sql  # DuckDB's 1-based top[6]
    q = to_spark("SELECT quantile_cont(x, $q) FROM main.macro", {"q": 0.5}).sql
    assert q == "SELECT PERCENTILE(x, CAST(0.5 AS DOUBLE)) FROM macro"
