"""The index framework: the indicator tree (iMeta), directions and weights, validated.

Mirrors COINr's `new_coin` checks on iMeta: Level 1 holds the indicators (Type Indicator),
higher levels the aggregates (Type Aggregate), and Denominator/Group/Other rows are carried.
Weights are rescaled to sum to 1 within each parent, as COINr does when aggregating.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from marketscout.errors import FrameworkError

COLUMNS = ("Level", "iCode", "iName", "Direction", "Weight", "Parent", "Type")
AGGREGATED_TYPES = ("Indicator", "Aggregate")
CARRIED_TYPES = ("Denominator", "Group", "Other")


@dataclass(frozen=True)
class Level:
    """One aggregation level: its codes and the weighted membership of the level below."""

    codes: tuple[str, ...]
    membership: np.ndarray  # (n_children, n_codes): within-parent weight of child, else 0


@dataclass(frozen=True)
class Framework:
    """The validated tree: indicators, directions and levels of aggregates, bottom-up."""

    indicators: tuple[str, ...]
    names: Mapping[str, str]
    directions: np.ndarray
    levels: tuple[Level, ...]
    meta: pd.DataFrame
    parents: Mapping[str, str | None] = dataclasses.field(default_factory=dict)
    weights: Mapping[str, float] = dataclasses.field(default_factory=dict)

    @property
    def index_code(self) -> str:
        """The iCode of the top node (the index)."""
        return self.levels[-1].codes[0] if self.levels else self.indicators[0]

    @property
    def aggregates(self) -> tuple[str, ...]:
        """Aggregate iCodes, bottom-up, level by level."""
        return tuple(code for level in self.levels for code in level.codes)

    def level_codes(self, level: int) -> tuple[str, ...]:
        """The codes at COINr level `level` (1 = indicators)."""
        return self.indicators if level == 1 else self.levels[level - 2].codes

    def children(self, code: str) -> tuple[str, ...]:
        """The direct children of an aggregate, in iMeta order."""
        order = (*self.indicators, *self.aggregates)
        return tuple(c for c in order if self.parents.get(c) == code)

    def effective_weights(self) -> pd.Series:
        """Per node, the product of within-parent-normalised weights down to the index.

        Mirrors COINr `get_eff_weights`: what share of the index each node carries.
        """
        out: dict[str, float] = {}
        for code in (*self.indicators, *self.aggregates):
            w, node = 1.0, code
            while (parent := self.parents.get(node)) is not None:
                w *= self._normalised_weight(node)
                node = parent
            out[code] = w
        return pd.Series(out, name="EffWeight", dtype=float)

    def _normalised_weight(self, code: str) -> float:
        parent = self.parents[code]
        total = sum(self.weights[c] for c in self.children(parent or ""))
        return self.weights[code] / total

    def with_weights(self, weights: Mapping[str, float]) -> Framework:
        """A new framework with some node weights replaced (others kept); re-validated."""
        unknown = sorted(set(weights) - set(self.weights))
        if unknown:
            raise FrameworkError(
                f"Unknown iCode(s) in new weights: {', '.join(unknown)}.",
                where="weights",
                fix=f"Use codes from the framework: {', '.join(self.weights)}.",
            )
        merged = {**self.weights, **{k: float(v) for k, v in weights.items()}}
        levels = _build_levels(self.indicators, self._level_lists(), self.parents, merged,
                               table="weights", rows=None)
        return dataclasses.replace(self, levels=levels, weights=merged)

    def _level_lists(self) -> list[tuple[str, ...]]:
        return [level.codes for level in self.levels]


def framework_from_meta(meta: pd.DataFrame, *, table: str = "iMeta") -> Framework:
    """Validate an iMeta table and build the tree; errors name table, row and column."""
    _require_columns(meta, table)
    meta = meta.reset_index(drop=True)
    rows = {str(code).strip(): i + 2 for i, code in enumerate(meta["iCode"])}  # header is row 1
    _check_codes(meta, table)
    kinds = _check_types(meta, table)
    levels_num = _numeric_column(meta, "Level", table, kinds, required=True)
    weight = _numeric_column(meta, "Weight", table, kinds, required=True)
    direction = _numeric_column(meta, "Direction", table, kinds, required=False)
    in_tree = kinds.isin(AGGREGATED_TYPES).to_numpy()
    tree = meta[in_tree]
    codes = [str(c).strip() for c in tree["iCode"]]
    level_of = dict(zip(codes, levels_num.to_numpy()[in_tree], strict=True))
    type_of = dict(zip(codes, kinds.to_numpy()[in_tree], strict=True))
    direction_of = dict(zip(codes, direction.to_numpy()[in_tree], strict=True))
    weights = dict(zip(codes, weight.to_numpy(dtype=float)[in_tree], strict=True))
    parents = _parents(codes, list(tree["Parent"]), table, rows)
    _check_levels(level_of, type_of, parents, table, rows)
    indicators = tuple(c for c in codes if type_of[c] == "Indicator")
    _check_directions(direction_of, indicators, table, rows)
    top = int(max(level_of.values()))
    level_lists = [tuple(c for c in codes if level_of[c] == lv) for lv in range(2, top + 1)]
    levels = _build_levels(indicators, level_lists, parents, weights, table=table, rows=rows)
    names = {str(c).strip(): str(n) for c, n in zip(meta["iCode"], meta["iName"], strict=True)}
    dirs = np.array([direction_of[c] for c in indicators], dtype=float)
    return Framework(indicators=indicators, names=names, directions=dirs, levels=levels,
                     meta=meta, parents=parents, weights=weights)


def _where(table: str, row: int | None, column: str) -> str:
    return f"{table}, row {row}, column '{column}'" if row else f"{table}, column '{column}'"


def _require_columns(meta: pd.DataFrame, table: str) -> None:
    missing = [c for c in COLUMNS if c not in meta.columns]
    if missing:
        raise FrameworkError(
            f"iMeta is missing column(s) {', '.join(missing)}.",
            where=f"{table}, header row (row 1); columns present: "
            f"{', '.join(map(str, meta.columns))}",
            fix=f"iMeta needs the columns {', '.join(COLUMNS)}.",
        )


def _check_codes(meta: pd.DataFrame, table: str) -> None:
    codes = meta["iCode"].astype(str).str.strip()
    blank = meta["iCode"].isna() | (codes == "") | (codes.str.lower() == "nan")
    if blank.any():
        row = int(blank.to_numpy().nonzero()[0][0]) + 2
        raise FrameworkError("An iCode is empty.", where=_where(table, row, "iCode"),
                             fix="Give every row a unique code.")
    dup = codes.duplicated()
    if dup.any():
        row = int(dup.to_numpy().nonzero()[0][0]) + 2
        first = int((codes == codes[row - 2]).to_numpy().nonzero()[0][0]) + 2
        raise FrameworkError(
            f"Duplicate iCode '{codes[row - 2]}' (also in row {first}).",
            where=_where(table, row, "iCode"), fix="Make every iCode unique.",
        )


def _check_types(meta: pd.DataFrame, table: str) -> pd.Series:
    kinds = meta["Type"].astype(str).str.strip()
    allowed = (*AGGREGATED_TYPES, *CARRIED_TYPES)
    bad = ~kinds.isin(allowed)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0]) + 2
        raise FrameworkError(
            f"Unknown Type '{meta['Type'].iloc[row - 2]}'.",
            where=_where(table, row, "Type"), fix=f"Type must be one of {', '.join(allowed)}.",
        )
    if not (kinds == "Indicator").any():
        raise FrameworkError("iMeta has no row of Type Indicator.",
                             where=_where(table, None, "Type"),
                             fix="Mark the indicators with Type Indicator.")
    return kinds


def _numeric_column(meta: pd.DataFrame, column: str, table: str, kinds: pd.Series, *,
                    required: bool) -> pd.Series:
    """The column as floats over the tree rows; non-numeric (or missing when required) raises."""
    raw = meta[column]
    values = pd.to_numeric(raw, errors="coerce")
    text = raw.astype(str).str.strip()
    blank = raw.isna() | text.isin(["", "nan", "NA", "NaN", "None"])
    in_tree = kinds.isin(AGGREGATED_TYPES)
    bad = in_tree & values.isna() & ~blank
    if required and column != "Weight":
        bad |= in_tree & blank
    if column == "Weight":  # the top node (no Parent) may leave its weight blank
        parent = meta["Parent"].astype(str).str.strip()
        has_parent = ~(meta["Parent"].isna() | parent.isin(["", "nan", "NA", "None"]))
        bad |= in_tree & blank & has_parent
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0]) + 2
        raise FrameworkError(
            f"{column} must be a number, got {raw.iloc[row - 2]!r}.",
            where=_where(table, row, column), fix=f"Write a number in '{column}'.",
        )
    return values.fillna(1.0 if column == "Weight" else np.nan)


def _parents(codes: list[str], raw_parents: list[object], table: str,
             rows: Mapping[str, int]) -> dict[str, str | None]:
    known = set(codes)
    parents: dict[str, str | None] = {}
    for code, parent in zip(codes, raw_parents, strict=True):
        text = "" if pd.isna(parent) else str(parent).strip()  # type: ignore[call-overload]
        if text in ("", "nan", "NA", "None"):
            parents[code] = None
        elif text not in known:
            raise FrameworkError(
                f"Parent '{text}' of '{code}' is not an iCode of an Indicator or Aggregate row.",
                where=_where(table, rows[code], "Parent"),
                fix="Add the parent as an Aggregate row, or correct the Parent code.",
            )
        else:
            parents[code] = text
    _check_cycles(parents, table, rows)
    return parents


def _check_cycles(parents: Mapping[str, str | None], table: str, rows: Mapping[str, int]) -> None:
    for start in parents:
        seen, node = [start], parents[start]
        while node is not None:
            if node in seen:
                raise FrameworkError(
                    f"The Parent links form a cycle: {' -> '.join([*seen, node])}.",
                    where=_where(table, rows[node], "Parent"),
                    fix="Every chain of parents must end at the single top node (the index).",
                )
            seen.append(node)
            node = parents[node]


def _check_levels(level_of: Mapping[str, float], type_of: Mapping[str, str],
                  parents: Mapping[str, str | None], table: str, rows: Mapping[str, int]) -> None:
    for code, level in level_of.items():
        if type_of[code] == "Indicator" and level != 1:
            raise FrameworkError(f"Indicator '{code}' has Level {level:g}; indicators are Level 1.",
                                 where=_where(table, rows[code], "Level"), fix="Set Level to 1.")
        if type_of[code] == "Aggregate" and (level < 2 or level != int(level)):
            raise FrameworkError(f"Aggregate '{code}' has Level {level:g}; "
                                 "aggregates are Level 2 or more.",
                                 where=_where(table, rows[code], "Level"),
                                 fix="Give aggregates whole levels from 2 up.")
        parent = parents[code]
        if parent is not None and level_of[parent] != level + 1:
            raise FrameworkError(
                f"'{code}' (Level {level:g}) has Parent '{parent}' at Level "
                f"{level_of[parent]:g}; a parent must be exactly one level up.",
                where=_where(table, rows[code], "Level"), fix="Correct the Level or the Parent.",
            )
    _check_top(level_of, parents, table, rows)


def _check_top(level_of: Mapping[str, float],
               parents: Mapping[str, str | None], table: str, rows: Mapping[str, int]) -> None:
    top = max(level_of.values())
    for code, parent in parents.items():
        if parent is None and level_of[code] != top:
            raise FrameworkError(
                f"'{code}' has no Parent but is not at the top level ({top:g}).",
                where=_where(table, rows[code], "Parent"), fix="Give it a Parent one level up.",
            )
    tops = [c for c, lv in level_of.items() if lv == top]
    if len(tops) != 1:
        raise FrameworkError(
            f"The top level ({top:g}) must hold exactly one node (the index); "
            f"found {', '.join(tops)}.",
            where=_where(table, rows[tops[1]] if len(tops) > 1 else None, "Level"),
            fix="Add a single index row at the top level and make it their Parent.",
        )
    has_child = set(parents.values())
    for code, lv in level_of.items():
        if lv > 1 and code not in has_child:
            raise FrameworkError(f"Aggregate '{code}' has no children.",
                                 where=_where(table, rows[code], "iCode"),
                                 fix="Give it children (rows with this Parent) or remove it.")


def _check_directions(direction_of: Mapping[str, float], indicators: tuple[str, ...],
                      table: str, rows: Mapping[str, int]) -> None:
    for code, d in direction_of.items():
        if (code in indicators or not np.isnan(d)) and d not in (1.0, -1.0):
            raise FrameworkError(f"Direction of '{code}' is {d:g}; it must be 1 or -1.",
                                 where=_where(table, rows[code], "Direction"),
                                 fix="Use 1 where higher is better and -1 where lower is better.")


def _build_levels(indicators: tuple[str, ...], level_lists: list[tuple[str, ...]],
                  parents: Mapping[str, str | None], weights: Mapping[str, float], *,
                  table: str, rows: Mapping[str, int] | None) -> tuple[Level, ...]:
    """Membership matrices with weights rescaled to sum to 1 within each parent."""
    out: list[Level] = []
    children = indicators
    for codes in level_lists:
        m = np.zeros((len(children), len(codes)))
        for j, parent in enumerate(codes):
            members = [i for i, c in enumerate(children) if parents.get(c) == parent]
            w = np.array([weights[children[i]] for i in members], dtype=float)
            if not np.isfinite(w).all() or w.sum() == 0:
                raise FrameworkError(
                    f"The weights of the children of '{parent}' sum to {w.sum():g}; "
                    "they cannot be rescaled.",
                    where=_where(table, rows[children[members[0]]] if rows else None, "Weight"),
                    fix="Give at least one child of each aggregate a non-zero weight.",
                )
            m[members, j] = w / w.sum()
        out.append(Level(codes=codes, membership=m))
        children = codes
    return tuple(out)
