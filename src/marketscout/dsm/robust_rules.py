"""The DSM's class boundaries, vectorised over threshold draws (`dsm.robustness`).

These are the comparisons of the SQL filters (screen.py, attractiveness.py, access.py,
position.py), applied to the aggregates the engine computed once (`dsm.robust_inputs`) for
many threshold vectors at a time. They are the same rules, with the same strictness and the
same NULL handling; tests/dsm/test_threshold_robustness.py checks them draw by draw against
the engine run at each point of a threshold grid. Quantiles interpolate as DuckDB's
quantile_cont does (lo + (hi - lo) * fraction), so that a boundary that lands on a data point
lands there in both.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from marketscout.dsm.robust_inputs import RobustInputs

Draws = Mapping[str, np.ndarray]  # threshold name -> one value per draw


def quantile_cont(values: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Per row of `values` (NaN = absent), the q-quantile of the present values, as DuckDB's
    quantile_cont; NaN for a row with none. `values` is (draws, n); `q` is (draws,)."""
    ordered = np.sort(values, axis=1)  # NaN last
    n = np.sum(~np.isnan(values), axis=1)
    pos = np.maximum(n - 1, 0) * q
    lo = np.floor(pos).astype(int)
    hi = np.ceil(pos).astype(int)
    rows = np.arange(values.shape[0])
    lo_v, hi_v = ordered[rows, lo], ordered[rows, hi]
    out = np.where(lo == hi, lo_v, lo_v + (hi_v - lo_v) * (pos - lo))
    return np.where(n > 0, out, np.nan)


def _ge(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """SQL's `a >= b` read as a condition: NULL (NaN) is false."""
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(a, nan=-np.inf) >= b


def country_pass(inp: RobustInputs, d: Draws, n: int) -> np.ndarray:
    """(draws, markets): passes filter 1 (screen.py's `_F1`)."""
    c, mk = inp.config, inp.markets
    out = np.ones((n, len(mk)), dtype=bool)
    if inp.with_risk:
        score = mk["risk_score"].to_numpy(float)
        if c.risk_exclude_worst:
            out &= ~mk["worst_class"].to_numpy(bool)
        low = np.nan_to_num(score, nan=np.inf)[None, :] < d["risk_min_score"][:, None]
        out &= ~low
        if c.risk_missing == "exclude":
            listed = mk["market"].isin(c.risk_whitelist).to_numpy()
            out &= ~(np.isnan(score) & ~listed)[None, :]
    if c.macro_rule == "off" or not inp.with_macro:
        return out
    gdp, pc = mk["gdp"].to_numpy(float), mk["gdp_pc"].to_numpy(float)
    growth, growth_pc = mk["growth"].to_numpy(float), mk["growth_pc"].to_numpy(float)
    no_macro = np.isnan(gdp) & np.isnan(pc) & np.isnan(growth) & np.isnan(growth_pc)
    t_gdp = quantile_cont(np.broadcast_to(inp.gdp_all, (n, inp.gdp_all.size)),
                          d["gdp_min_percentile"])
    t_pc = quantile_cont(np.broadcast_to(inp.gdp_pc_all, (n, inp.gdp_pc_all.size)),
                         d["gdp_per_capita_min_percentile"])
    sized = _ge(gdp[None, :], t_gdp[:, None]) | _ge(pc[None, :], t_pc[:, None])
    grows = (_ge(growth[None, :], inp.world_growth + d["growth_margin"][:, None])
             | _ge(growth_pc[None, :], inp.world_growth_pc
                   + d["per_capita_growth_margin"][:, None]))
    ok = (sized | grows) if c.macro_rule == "any" else (sized & grows)
    ok = np.where(no_macro[None, :], c.missing_macro != "exclude", ok)
    return out & ok


def access_class(inp: RobustInputs, d: Draws, passed: np.ndarray) -> np.ndarray:
    """(draws, markets): 0 unrated, 1 green, 2 orange, 3 red (access.py), normalised over
    the markets that passed filter 1 in each draw."""
    c, mk = inp.config, inp.markets
    total = np.zeros(passed.shape)
    weight = np.zeros(passed.shape)
    for name, sign in (("distance", 1), ("lpi", -1), ("tariff", 1), ("ntm", 1)):
        w = d[f"weight_{name}"][:, None]
        x = np.where(passed, mk[name].to_numpy(float)[None, :], np.nan)
        r = _restrictiveness(x, sign, c.access_normaliser)
        total = total + np.nan_to_num(r, nan=0.0) * w
        weight = weight + np.where(np.isnan(r), 0.0, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        index = np.where(weight != 0, total / weight, np.nan)
    index = np.where(passed, index, np.nan)
    q1 = quantile_cont(index, d["access_bins.1"])[:, None]
    q2 = quantile_cont(index, d["access_bins.2"])[:, None]
    cls = np.where(index <= q1, 1, np.where(index <= q2, 2, 3))
    return np.where(np.isnan(index), 0, cls)


def _restrictiveness(x: np.ndarray, sign: int, normaliser: str) -> np.ndarray:
    with np.errstate(all="ignore"):
        if normaliser == "minmax":
            lo, hi = np.nanmin(_nan_rows(x), axis=1)[:, None], np.nanmax(_nan_rows(x),
                                                                            axis=1)[:, None]
            top = x - lo if sign > 0 else hi - x
            out = np.where(hi > lo, top / (hi - lo), 0.0)
        else:
            mean = np.nanmean(_nan_rows(x), axis=1)[:, None]
            ratio = x / mean if sign > 0 else mean / x
            out = np.where((mean > 0) & (x > 0), ratio, 0.0)
    return np.where(np.isnan(x), np.nan, out)


def _nan_rows(x: np.ndarray) -> np.ndarray:
    """Rows that are all NaN get one harmless value so nanmin/nanmax do not warn."""
    empty = np.all(np.isnan(x), axis=1)
    if not empty.any():
        return x
    y = x.copy()
    y[empty, 0] = 0.0
    return y


def classify(inp: RobustInputs, d: Draws, rows: slice) -> tuple[np.ndarray, np.ndarray]:
    """For draws `rows`: (is_reo, cell) of every candidate product-market, (draws, pairs)."""
    part = {k: v[rows] for k, v in d.items()}
    n = next(iter(part.values())).shape[0]
    passed = country_pass(inp, part, n)
    access = access_class(inp, part, passed)
    p, c = inp.pairs, inp.config
    mi = _market_index(inp)
    m = p["import_value"].to_numpy(float)[None, :]
    large = p["world_share"].to_numpy(float)[None, :] >= part["large_market_share"][:, None]
    st = _grows(p["st_growth"], p["world_st_growth"], part["short_term_margin"],
                inp.st_tested, c.zero_base)
    lt = _grows(p["lt_growth"], p["world_lt_growth"], part["long_term_margin"],
                inp.lt_tested, c.zero_base)
    row = np.select([large & st & lt, large & lt, large & st, large, st & lt],
                    [5, 4, 3, 1, 2], 0)
    row = np.where(m < part["min_import_value"][:, None], 0, row)
    share = (p["home_exports"].to_numpy(float) / p["import_value"].to_numpy(float))[None, :]
    concentrated = ((p["hhi"].to_numpy(float)[None, :] > part["hhi_max"][:, None])
                    & (share < part["dominant_share"][:, None]))
    cls = access[:, mi]
    red = (cls == 3) & c.drop_red & ~np.isin(row, c.red_keep_rows)
    unrated = (cls == 0) & (c.unrated_markets == "drop")
    reo = passed[:, mi] & (row > 0) & ~concentrated & ~red & ~unrated
    rel = p["relative_share"].to_numpy(float)[None, :]
    col = np.select([np.isnan(rel), rel < part["position_cutoffs.1"][:, None],
                     rel < part["position_cutoffs.2"][:, None],
                     rel < part["position_cutoffs.3"][:, None]], [4, 1, 2, 3], 4)
    return reo, np.where(reo, (row - 1) * 4 + col, 0)


def _grows(growth: object, world: object, margin: np.ndarray, tested: bool,
           zero_base: str) -> np.ndarray:
    """attractiveness.py's st / lt: untested -> false; no base -> zero_base; else strictly
    above the world's rate plus the margin."""
    g = np.asarray(growth, dtype=float)[None, :]
    w = np.asarray(world, dtype=float)[None, :]
    if not tested:
        return np.zeros((margin.size, g.shape[1]), dtype=bool)
    with np.errstate(invalid="ignore"):
        above = g > w + margin[:, None]  # a NaN side compares false, as NULL in SQL
    return np.where(np.isnan(g), zero_base == "new_market", above)


def _market_index(inp: RobustInputs) -> np.ndarray:
    """For each pair, the position of its market in `inp.markets`."""
    order = {m: i for i, m in enumerate(inp.markets["market"])}
    return inp.pairs["market"].map(order).to_numpy(int)
