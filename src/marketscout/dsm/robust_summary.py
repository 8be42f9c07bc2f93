"""Summaries of a robustness analysis: per product-market, per market, per threshold."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from marketscout.dsm.robust_inputs import RobustInputs

QUANTILES = (0.05, 0.5, 0.95)


def pair_table(inputs: RobustInputs, reo_count: np.ndarray, cells: np.ndarray,
               n: int) -> pd.DataFrame:
    """Per candidate (market, product): P(REO), the most likely cell and its probability
    (ties: the lower cell), with the product-market's figures; most robust first."""
    p = inputs.pairs
    best = cells[:, 1:].argmax(axis=1) + 1
    top = cells[np.arange(len(best)), best] if len(best) else np.zeros(0)
    out = pd.DataFrame({
        "market": p["market"], "product": p["product"],
        "p_reo": reo_count / n,
        "cell": np.where(reo_count > 0, best, 0),
        "p_cell": top / n,
        "import_value": p["import_value"], "home_exports": p["home_exports"],
        "untapped_potential": p["untapped_potential"],
    })
    out = out[out["p_reo"] > 0]
    return out.sort_values(["p_reo", "untapped_potential", "market", "product"],
                           ascending=[False, False, True, True]).reset_index(drop=True)


def _stats(prefix: str, values: np.ndarray) -> dict[str, np.ndarray]:
    """Mean, standard deviation and the 5/50/95 % quantiles (R type 7) over the draws."""
    out = {f"{prefix}_mean": values.mean(axis=0), f"{prefix}_sd": values.std(axis=0, ddof=0)}
    for q in QUANTILES:
        out[f"{prefix}_q{round(q * 100):02d}"] = np.quantile(values, q, axis=0)
    return out


def market_table(inputs: RobustInputs, counts: np.ndarray, potential: np.ndarray,
                 imports: np.ndarray) -> pd.DataFrame:
    """Per market: P(at least one opportunity), the distribution of its opportunity count and
    untapped potential, and the expected value of each `dsm` criterion measure."""
    frame = pd.DataFrame({"market": inputs.markets["market"],
                          "p_any": (counts > 0).mean(axis=0)})
    for name, values in (("opportunities", counts), ("potential", potential)):
        for key, column in _stats(name, values).items():
            frame[key] = column
    frame["expected_log_potential"] = np.log1p(potential).mean(axis=0)
    frame["expected_import_value"] = imports.mean(axis=0)
    return frame.sort_values(["potential_mean", "market"], ascending=[False, True]
                             ).reset_index(drop=True)


def expected_measure(markets: pd.DataFrame, measure: str) -> pd.Series:
    """The expected value over the draws of one `dsm` criterion measure, by market."""
    column = {"log_potential": "expected_log_potential", "potential": "potential_mean",
              "count": "opportunities_mean", "import_value": "expected_import_value"}[measure]
    return markets.set_index("market")[column].astype(float)


def sensitivity(draws: pd.DataFrame, ranges: Mapping[str, tuple[float, float]],
                counts: np.ndarray, potential: np.ndarray, design: str) -> pd.DataFrame:
    """Per varied threshold: Spearman's rank correlation with the total opportunity count and
    the total untapped potential; for a Latin hypercube, SALib's RBD-FAST first-order index
    (the share of the output's variance the threshold explains alone)."""
    from scipy.stats import spearmanr

    varied = [n for n in draws.columns if n in ranges]
    outputs = {"opportunities": counts.sum(axis=1), "potential": potential.sum(axis=1)}
    rows = []
    for name in varied:
        row: dict[str, object] = {"threshold": name, "low": ranges[name][0],
                                  "high": ranges[name][1]}
        for out, y in outputs.items():
            flat = np.ptp(y) == 0 or np.ptp(draws[name]) == 0
            row[f"spearman_{out}"] = 0.0 if flat else float(spearmanr(draws[name], y)[0])
        rows.append(row)
    table = pd.DataFrame(rows, columns=["threshold", "low", "high", "spearman_opportunities",
                                        "spearman_potential"])
    if design == "lhs" and varied and len(draws) >= 2 * len(varied) + 10:
        table = _rbd_fast(table, draws, varied, outputs, ranges)
    key = table["spearman_opportunities"].abs()
    return table.iloc[key.sort_values(ascending=False).index].reset_index(drop=True)


def _rbd_fast(table: pd.DataFrame, draws: pd.DataFrame, varied: list[str],
              outputs: Mapping[str, np.ndarray],
              ranges: Mapping[str, tuple[float, float]]) -> pd.DataFrame:
    from SALib.analyze import rbd_fast

    problem = {"num_vars": len(varied), "names": varied,
               "bounds": [list(ranges[n]) for n in varied]}
    x = draws[varied].to_numpy(float)
    for out, y in outputs.items():
        if np.ptp(y) == 0:
            table[f"rbd_fast_{out}"] = 0.0
            continue
        found = rbd_fast.analyze(problem, x, y.astype(float), print_to_console=False)
        table[f"rbd_fast_{out}"] = np.asarray(found["S1"], dtype=float)
    return table
