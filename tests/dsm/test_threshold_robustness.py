"""Threshold robustness: on the hand world, the vectorised draws give exactly what the engine
gives when run in full at each point of a threshold grid (exact enumeration)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dsm import hand_world as hw
from marketscout.dsm.config import DSMConfig
from marketscout.dsm.engine import run_dsm
from marketscout.dsm.robust_inputs import gather
from marketscout.dsm.robust_rules import classify, quantile_cont
from marketscout.dsm.robustness import (
    NAMES,
    default_ranges,
    expand,
    run_robustness,
    sample,
    value_of,
)
from marketscout.dsm.trade import TradeSource
from marketscout.errors import InputError
from marketscout.store import Store

# Values that move the hand world's outcomes (see test_hand_world.py): "large" at 20/30/40 %
# of world imports, HHI 0.34 (below every market's) or 0.5, and the market screen's GDP
# percentile; 12 points, each also run through the whole engine.
GRID = pd.DataFrame(list(itertools.product([0.2, 0.3, 0.4], [0.34, 0.5], [0.3, 0.9])),
                    columns=["large_market_share", "hhi_max", "gdp_min_percentile"])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hw.write_world(tmp_path_factory.mktemp("hw"))


def engine_cells(folder: Path, store: Store, point: dict[str, float]) -> set[tuple[str, str,
                                                                                   int]]:
    config = expand(point, hw.CONFIG)
    found = run_dsm(TradeSource.files(folder), "LTU", 2021, config, store).opportunities
    return {(m, p, int(c)) for m, p, c in found[["market", "product", "cell"]].itertuples(
        index=False)}


def test_every_grid_point_equals_a_full_engine_run(world: Path) -> None:
    full = pd.DataFrame({n: np.full(len(GRID), value_of(hw.CONFIG, n)) for n in NAMES})
    for name in GRID.columns:
        full[name] = GRID[name]
    d = {n: full[n].to_numpy(float) for n in NAMES}
    with Store() as store:
        hw.load_inputs(store)
        low = {n: float(full[n].min()) for n in NAMES}
        inputs = gather(TradeSource.files(world), "LTU", 2021, hw.CONFIG, low, store)
        reo, cell = classify(inputs, d, slice(0, len(full)))
        pairs = list(zip(inputs.pairs["market"], inputs.pairs["product"], strict=True))
        seen = set()
        for k, point in enumerate(GRID.to_dict("records")):
            mine = {(m, p, int(cell[k, j])) for j, (m, p) in enumerate(pairs) if reo[k, j]}
            assert mine == engine_cells(world, store, point), point
            seen.add(frozenset(mine))
    assert len(seen) >= 4  # the grid really moves the outcomes


def test_probabilities_match_exact_enumeration(world: Path) -> None:
    """P(REO) and the modal cell over the grid = the share of grid points at which the engine
    finds the opportunity (hand count: POL 010110 at all 12; DEU 030110 at 8, ...)."""
    with Store() as store:
        hw.load_inputs(store)
        result = run_robustness(TradeSource.files(world), "LTU", 2021, hw.CONFIG, store,
                                grid=GRID)
        hits: dict[tuple[str, str], list[int]] = {}
        for point in GRID.to_dict("records"):
            for m, p, c in engine_cells(world, store, point):
                hits.setdefault((m, p), []).append(c)
    got = result.pairs.set_index(["market", "product"])
    assert set(got.index) == set(hits)
    for key, cells in hits.items():
        assert got.loc[key, "p_reo"] == pytest.approx(len(cells) / len(GRID))
        counts = pd.Series(cells).value_counts()
        best = min(c for c, n in counts.items() if n == counts.max())
        assert got.loc[key, "cell"] == best
        assert got.loc[key, "p_cell"] == pytest.approx(counts.max() / len(GRID))
    counts = result.markets.set_index("market")["opportunities_mean"]
    expected = pd.Series([k[0] for k, cells in hits.items() for _ in cells]).value_counts()
    for market in ("DEU", "POL"):
        assert counts[market] == pytest.approx(expected[market] / len(GRID))
    assert counts["FIN"] == 0


def test_quantile_is_duckdbs_quantile_cont() -> None:
    import duckdb

    values = np.array([[3.0, 1.0, np.nan, 10.0, 2.5]])
    for q in (0.0, 1 / 3, 0.5, 0.77, 1.0):
        theirs = duckdb.connect().execute(
            "SELECT quantile_cont(CAST(x AS DOUBLE), ?) "
            "FROM (VALUES (3.0), (1.0), (10.0), (2.5)) t(x)",
            [q]).fetchall()[0][0]
        assert quantile_cont(values, np.array([q]))[0] == float(theirs)


def test_default_ranges_and_sampling() -> None:
    config = DSMConfig()
    ranges = default_ranges(config)
    assert ranges["hhi_max"] == pytest.approx((0.32, 0.48))
    assert ranges["gdp_min_percentile"] == pytest.approx((0.4, 0.6))
    assert "short_term_margin" not in ranges  # 0 by default: held unless a range is given
    assert ranges["position_cutoffs.3"] == pytest.approx((0.8, 1.2))
    draws = sample(config, ranges, 200, seed=1)
    for name, (lo, hi) in ranges.items():
        assert lo <= draws[name].min() < draws[name].max() <= hi
        # Latin hypercube: every tenth of the range holds a tenth of the draws
        assert np.histogram(draws[name], bins=10, range=(lo, hi))[0].tolist() == [20] * 10
    assert (draws["short_term_margin"] == 0).all()
    with pytest.raises(InputError, match="overlap"):
        default_ranges(config, given={"position_cutoffs.2": (0.05, 0.6)})
    with pytest.raises(InputError, match="Unknown threshold 'hhi'"):
        default_ranges(config, given={"hhi": (0.1, 0.2)})
    with pytest.raises(InputError, match="draws"):
        sample(config, ranges, 0)


def test_sensitivity_names_the_threshold_that_matters(world: Path) -> None:
    with Store() as store:
        hw.load_inputs(store)
        result = run_robustness(TradeSource.files(world), "LTU", 2021, hw.CONFIG, store,
                                draws=300, seed=3)
    top = result.sensitivity.iloc[0]
    # On the hand world the HHI cut (0.4-0.6 around 0.5) decides DEU's three concentrated
    # products; nothing else in the ±20 % ranges changes as much.
    assert top["threshold"] == "hhi_max" and top["spearman_opportunities"] > 0.5
    assert "rbd_fast_opportunities" in result.sensitivity.columns
    assert result.runs_per_second > 0
