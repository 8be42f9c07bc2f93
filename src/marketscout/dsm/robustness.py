"""Opportunities under threshold uncertainty: which REOs hold when the [L] thresholds move.

Every numeric DSM threshold labelled [L] is a literature value that could not be verified
(docs/dsm.md). This analysis draws the thresholds within ranges (default: the config's value
±20 %, clipped to the parameter's valid range; thresholds whose value is 0 are held unless a
range is given), and for each draw classifies every product-market again. The engine runs
once, with a permissive config (`dsm.robust_inputs`); the draws only move class boundaries
over those aggregates (`dsm.robust_rules`), vectorised in NumPy, so 1,000 draws cost about as
much as one engine run.

Results: per (market, product) the probability of being a realistic export opportunity and
its most likely cell; per market the distribution of its opportunity count, untapped
potential and the `dsm` criterion value; per threshold its sensitivity: Spearman's rank
correlation with the total number of opportunities and the total untapped potential, and
(for a Latin hypercube design) the first-order variance share from SALib's RBD-FAST.
Held fixed: choices and switches (macro_rule, normaliser, drop_red, ...), and the integers
that change the aggregates themselves (growth_years, long_term_years, top_suppliers).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from marketscout.dsm.config import DSMConfig
from marketscout.dsm.robust_inputs import RobustInputs, gather
from marketscout.dsm.robust_rules import classify
from marketscout.dsm.robust_summary import market_table, pair_table, sensitivity
from marketscout.dsm.trade import TradeSource
from marketscout.errors import InputError
from marketscout.store import Store

# Every threshold the draws may move: (name, config field, tuple position or None).
THRESHOLDS: tuple[tuple[str, str, int | None], ...] = (
    ("gdp_min_percentile", "gdp_min_percentile", None),
    ("gdp_per_capita_min_percentile", "gdp_per_capita_min_percentile", None),
    ("growth_margin", "growth_margin", None),
    ("per_capita_growth_margin", "per_capita_growth_margin", None),
    ("risk_min_score", "risk_min_score", None),
    ("min_import_value", "min_import_value", None),
    ("large_market_share", "large_market_share", None),
    ("short_term_margin", "short_term_margin", None),
    ("long_term_margin", "long_term_margin", None),
    ("hhi_max", "hhi_max", None),
    ("dominant_share", "dominant_share", None),
    ("weight_distance", "weight_distance", None),
    ("weight_lpi", "weight_lpi", None),
    ("weight_tariff", "weight_tariff", None),
    ("weight_ntm", "weight_ntm", None),
    ("access_bins.1", "access_bins", 0),
    ("access_bins.2", "access_bins", 1),
    ("position_cutoffs.1", "position_cutoffs", 0),
    ("position_cutoffs.2", "position_cutoffs", 1),
    ("position_cutoffs.3", "position_cutoffs", 2),
)
NAMES = tuple(t[0] for t in THRESHOLDS)
DESIGNS = ("lhs", "random")
_CHUNK = 20_000_000  # draws x pairs evaluated at once (about 0.5 GB of work arrays)


@dataclass(frozen=True)
class RobustnessResult:
    """The threshold draws and what they did to the opportunities."""

    home: str
    year: int
    config: DSMConfig
    ranges: dict[str, tuple[float, float]]  # the thresholds varied
    draws: pd.DataFrame  # one row per draw: every threshold's value
    pairs: pd.DataFrame  # market, product, p_reo, cell, p_cell, untapped_potential, ...
    markets: pd.DataFrame  # market, p_screened, opportunities mean/q05/q50/q95, potential
    sensitivity: pd.DataFrame  # threshold, spearman_*, rbd_fast_*
    seconds: float
    warnings: tuple[str, ...] = ()
    source: str = ""
    synthetic: bool = False

    @property
    def runs_per_second(self) -> float:
        return len(self.draws) / self.seconds if self.seconds else math.inf


def value_of(config: DSMConfig, name: str) -> float:
    """The config's value of one threshold (a tuple's element for access_bins.N etc.)."""
    _, field_name, pos = next(t for t in THRESHOLDS if t[0] == name)
    value = getattr(config, field_name)
    return float(value[pos] if pos is not None else value)


def default_ranges(config: DSMConfig, spread: float = 0.2,
                   given: Mapping[str, tuple[float, float]] | None = None,
                   ) -> dict[str, tuple[float, float]]:
    """value x (1 ± spread) for every [L] threshold with a non-zero value (clipped to its
    valid range), then the user's own ranges; the others stay at the config's value."""
    if not 0 <= spread < 1:
        raise InputError(f"The spread must lie in [0, 1), not {spread}.", where="--spread",
                         fix="E.g. 0.2 for ±20 %.")
    meta = {f.name: f.metadata for f in fields(DSMConfig)}
    out: dict[str, tuple[float, float]] = {}
    for name, field_name, pos in THRESHOLDS:
        value = value_of(config, name)
        if meta[field_name]["label"] != "L" or value == 0 or spread == 0:
            continue
        lo, hi = sorted((value * (1 - spread), value * (1 + spread)))
        bounds = meta[field_name].get("range", (None, None)) if pos is None else (0.0, None)
        if meta[field_name].get("pair"):
            bounds = (0.0, 1.0)
        out[name] = (_clip(lo, bounds), _clip(hi, bounds))
    for name, (lo, hi) in (given or {}).items():
        if name not in NAMES:
            raise InputError(f"Unknown threshold '{name}' in a range.", where="--range",
                             fix=f"Thresholds: {', '.join(NAMES)}.")
        if not lo <= hi:
            raise InputError(f"The range of {name} runs from {lo} down to {hi}.",
                             where="--range", fix="Write LOW:HIGH with LOW <= HIGH.")
        out[name] = (float(lo), float(hi))
    _check_ordered(out, config)
    return out


def _clip(value: float, bounds: tuple[float | None, float | None]) -> float:
    lo, hi = bounds
    value = max(value, lo) if lo is not None else value
    return min(value, hi) if hi is not None else value


def _check_ordered(ranges: Mapping[str, tuple[float, float]], config: DSMConfig) -> None:
    """The cut-offs and bins must stay increasing in every draw: their ranges may not
    overlap."""
    for group in ("access_bins", "position_cutoffs"):
        parts = [n for n in NAMES if n.startswith(group + ".")]
        spans = [ranges.get(n, (value_of(config, n),) * 2) for n in parts]
        for k in range(len(parts) - 1):
            if not spans[k][1] < spans[k + 1][0]:
                raise InputError(f"The ranges of {parts[k]} {spans[k]} and {parts[k + 1]} "
                                 f"{spans[k + 1]} overlap: a draw could put them out of order.",
                                 where="--range", fix="Narrow them (or the --spread).")


def sample(config: DSMConfig, ranges: Mapping[str, tuple[float, float]], n: int,
           seed: int = 2026, design: str = "lhs") -> pd.DataFrame:
    """n draws: a Latin hypercube (SALib) or independent uniform draws over the ranges;
    thresholds without a range keep the config's value."""
    if design not in DESIGNS:
        raise InputError(f"Unknown design {design!r}.", where="--design",
                         fix=f"Use one of: {', '.join(DESIGNS)}.")
    if not 1 <= n <= 1_000_000:
        raise InputError(f"The number of draws must lie in 1..1,000,000, not {n}.",
                         where="--draws", fix="E.g. --draws 1000.")
    varied = [name for name in NAMES if name in ranges]
    out = pd.DataFrame({name: np.full(n, value_of(config, name)) for name in NAMES})
    if not varied:
        return out
    if design == "lhs":
        from SALib.sample import latin

        unit = latin.sample({"num_vars": len(varied), "names": varied,
                             "bounds": [[0.0, 1.0]] * len(varied)}, n, seed=seed)
    else:
        unit = np.random.default_rng(seed).random((n, len(varied)))
    for k, name in enumerate(varied):
        lo, hi = ranges[name]
        out[name] = lo + (hi - lo) * unit[:, k]
    return out


def analyse(inputs: RobustInputs, draws: pd.DataFrame,
            ranges: Mapping[str, tuple[float, float]], design: str = "lhs",
            progress: object = None) -> RobustnessResult:
    """Classify every draw over the aggregates computed once; summarise per pair, market and
    threshold. `progress(done, total)` is called after each chunk of draws."""
    import time

    start = time.perf_counter()
    d = {name: draws[name].to_numpy(float) for name in NAMES}
    n, n_pairs = len(draws), len(inputs.pairs)
    step = max(1, _CHUNK // max(n_pairs, 1))
    reo_count = np.zeros(n_pairs)
    cells = np.zeros((n_pairs, 21))
    starts = _market_starts(inputs)
    counts = np.zeros((n, len(inputs.markets)))
    potential = np.zeros((n, len(inputs.markets)))
    imports = np.zeros((n, len(inputs.markets)))
    pot = inputs.pairs["untapped_potential"].to_numpy(float)
    val = inputs.pairs["import_value"].to_numpy(float)
    for first in range(0, n, step):
        rows = slice(first, min(n, first + step))
        reo, cell = classify(inputs, d, rows)
        reo_count += reo.sum(axis=0)
        for c in range(1, 21):
            cells[:, c] += (cell == c).sum(axis=0)
        counts[rows], potential[rows], imports[rows] = _per_market(reo, pot, val, starts,
                                                                   len(inputs.markets))
        if callable(progress):
            progress(rows.stop, n)
    return RobustnessResult(
        home=inputs.home, year=inputs.year, config=inputs.config, ranges=dict(ranges),
        draws=draws, pairs=pair_table(inputs, reo_count, cells, n),
        markets=market_table(inputs, counts, potential, imports),
        sensitivity=sensitivity(draws, ranges, counts, potential, design),
        seconds=time.perf_counter() - start, warnings=inputs.warnings,
        source=inputs.source, synthetic=inputs.synthetic)


def _market_starts(inputs: RobustInputs) -> np.ndarray:
    """Index of each market's first pair (pairs are sorted by market); -1 where none."""
    markets = inputs.pairs["market"].to_numpy()
    return np.array([np.searchsorted(markets, m) if m in set(markets) else -1
                     for m in inputs.markets["market"]])


def _per_market(reo: np.ndarray, pot: np.ndarray, val: np.ndarray, starts: np.ndarray,
                n_markets: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per draw and market: opportunities, their untapped potential and imports."""
    out = [np.zeros((reo.shape[0], n_markets)) for _ in range(3)]
    have = np.flatnonzero(starts >= 0)
    if reo.shape[1] == 0 or have.size == 0:
        return out[0], out[1], out[2]
    offsets = starts[have]
    for target, weights in zip(out, (None, pot, val), strict=True):
        x = reo if weights is None else reo * weights[None, :]
        target[:, have] = np.add.reduceat(x.astype(float), offsets, axis=1)
    return out[0], out[1], out[2]


def run_robustness(trade: TradeSource, home: str, year: int, config: DSMConfig | None = None,
                   store: Store | None = None, *, draws: int = 1000, spread: float = 0.2,
                   ranges: Mapping[str, tuple[float, float]] | None = None, seed: int = 2026,
                   design: str = "lhs", grid: pd.DataFrame | None = None,
                   engine: object = "duckdb", progress: object = None) -> RobustnessResult:
    """The robustness analysis for one home: one engine run, then `draws` threshold draws
    (or the given `grid` of threshold values, one row per point)."""
    config = config or DSMConfig()
    chosen = default_ranges(config, spread, ranges)
    table = _grid(config, grid) if grid is not None else sample(config, chosen, draws, seed,
                                                                 design)
    low = {name: float(table[name].min()) for name in NAMES}
    inputs = gather(trade, home, year, config, low, store, engine)
    return analyse(inputs, table, chosen if grid is None else _spans(table),
                   design if grid is None else "grid", progress)


def _grid(config: DSMConfig, grid: pd.DataFrame) -> pd.DataFrame:
    unknown = sorted(set(grid.columns) - set(NAMES))
    if unknown:
        raise InputError(f"Unknown thresholds in the grid: {', '.join(unknown)}.",
                         fix=f"Thresholds: {', '.join(NAMES)}.")
    out = pd.DataFrame({n: np.full(len(grid), value_of(config, n)) for n in NAMES})
    for name in grid.columns:
        out[name] = grid[name].to_numpy(float)
    return out


def _spans(table: pd.DataFrame) -> dict[str, tuple[float, float]]:
    return {n: (float(table[n].min()), float(table[n].max())) for n in NAMES
            if table[n].nunique() > 1}


def expand(point: Mapping[str, float], config: DSMConfig) -> DSMConfig:
    """The DSMConfig of one draw (for checking a draw against a full engine run)."""
    from dataclasses import replace

    values: dict[str, Any] = {}
    for name, field_name, pos in THRESHOLDS:
        if name not in point:
            continue
        if pos is None:
            values[field_name] = float(point[name])
        else:
            current = list(values.get(field_name, getattr(config, field_name)))
            current[pos] = float(point[name])
            values[field_name] = tuple(current)
    return replace(config, **values)
