"""DuckDB SQL -> Spark SQL: every DSM statement is written once, for DuckDB, and transpiled.

Why transpile rather than a dataframe API (Ibis): the four filters are already plain SQL that
DuckDB runs and the tests pin bit for bit; sqlglot (a maintained SQL parser and transpiler)
turns each statement into Spark SQL, so the one definition of each filter is the SQL text
the DuckDB engine executes, and nothing is rewritten by hand. Parameters are bound into the
parsed tree as typed literal nodes (never pasted into the text), and the generator quotes and
escapes them for Spark.

What sqlglot does not map by itself, and this module rewrites on the tree (each with the
DuckDB meaning kept):

* the top-N aggregate `max(v, n)` -> `slice(sort_array(collect_list(v), false), 1, n)`;
* list indexing `a[i]` and slicing `a[i:j]` (1-based, inclusive) -> `element_at`, `slice`;
* `list_sum(a)` -> `aggregate(a, 0D, (acc, x) -> acc + x)`;
* `quantile_cont(x, q)` -> `percentile(x, q)` (both the exact linear interpolation of R's
  type 7);
* decimal literals (`1.0`) -> doubles: DuckDB divides them as doubles, Spark as decimals;
* `main.table` (the store's schema) -> the temp view `table` registered from the store.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sqlglot
from sqlglot import exp

Params = Mapping[str, Any] | Sequence[Any] | None


@dataclass(frozen=True)
class Statement:
    """One transpiled statement: a query, or a CREATE of a temp table or view over a query."""

    sql: str  # Spark SQL of the query
    create: str | None = None  # "table" or "view" when the statement creates one
    name: str | None = None


@lru_cache(maxsize=1024)
def _parse(sql: str) -> Any:  # an sqlglot expression tree
    """Each distinct DuckDB statement is parsed once per process."""
    return sqlglot.parse_one(sql, read="duckdb")


def to_spark(sql: str, params: Params = None) -> Statement:
    """The Spark SQL of one DuckDB statement, with `params` ($name or ?) bound as literals."""
    tree = _rewrite_all(_bind(_parse(sql).copy(), params))
    if isinstance(tree, exp.Create):
        kind = str(tree.args.get("kind", "")).lower()
        name = tree.this.name if isinstance(tree.this, exp.Table) else str(tree.this)
        query = tree.expression
        return Statement(query.sql(dialect="spark"), kind, name)
    return Statement(tree.sql(dialect="spark"))


def literal(value: Any) -> exp.Expression:
    """A Python value as a typed SQL literal node (quoting is the generator's job)."""
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int):
        return exp.Literal.number(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot bind the non-finite number {value!r}")
        return _double(exp.Literal.number(repr(value)))
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, list | tuple):
        return exp.Array(expressions=[literal(v) for v in value])
    raise TypeError(f"cannot bind a {type(value).__name__} as an SQL literal")


def _bind(tree: exp.Expression, params: Params) -> exp.Expression:
    """Replace $name / ? placeholders by literal nodes, in the statement's order."""
    if params is None:
        return tree
    positional = iter(params) if not isinstance(params, Mapping) else None

    def bind(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Placeholder):
            return node
        name = node.name
        if name and isinstance(params, Mapping):
            if name not in params:
                raise KeyError(f"no value for the SQL parameter ${name}")
            return literal(params[name])
        if positional is None:
            raise KeyError("a positional SQL parameter needs a list of values")
        return literal(next(positional))

    return tree.transform(bind)


def _rewrite_all(tree: Any) -> Any:
    """`_rewrite` on every node, children before their parents (so that a rewritten node's
    arguments are rewritten too)."""
    for node in reversed(list(tree.dfs())):
        new = _rewrite(node)
        if new is not node:
            if node is tree:
                return new
            node.replace(new)
    return tree


def _double(node: exp.Expression) -> exp.Expression:
    return exp.Cast(this=node, to=exp.DataType.build("DOUBLE"))


def _func(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


def _rewrite(node: Any) -> Any:
    """The DuckDB-only constructs of the DSM's SQL, in Spark's words (see the module doc)."""
    if isinstance(node, exp.Table) and node.db == "main":
        return exp.Table(this=node.this.copy(), alias=node.args.get("alias"))
    if isinstance(node, exp.Max) and node.args.get("count") is not None:
        values = _func("sort_array", _func("collect_list", node.this), exp.false())
        return _func("slice", values, exp.Literal.number(1), node.args["count"])
    if isinstance(node, exp.Bracket) and len(node.expressions) == 1:
        return _bracket(node)
    if isinstance(node, exp.Anonymous) and node.name.lower() == "list_sum":
        acc, item = exp.to_identifier("acc"), exp.to_identifier("x")
        add = exp.Lambda(this=exp.Add(this=exp.column(acc), expression=exp.column(item)),
                         expressions=[acc, item])
        return _func("aggregate", node.expressions[0], _double(exp.Literal.number(0)), add)
    if isinstance(node, exp.PercentileCont) and node.expression is not None:
        return _func("percentile", node.this, node.expression)
    if (isinstance(node, exp.Literal) and not node.is_string and _is_decimal(node.this)
            and not isinstance(node.parent, exp.DataTypeParam | exp.Cast)):
        return _double(node.copy())
    return node


def _bracket(node: exp.Bracket) -> exp.Expression:
    """DuckDB's 1-based a[i] and inclusive a[i:j]."""
    index = node.expressions[0]
    if isinstance(index, exp.Slice):
        lo, hi = index.this, index.expression
        length = exp.Add(this=exp.Sub(this=hi, expression=lo), expression=exp.Literal.number(1))
        return _func("slice", node.this, lo, exp.Paren(this=length))
    return _func("element_at", node.this, index)


def _is_decimal(text: str) -> bool:
    return any(c in text for c in ".eE")
