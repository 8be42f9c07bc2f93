"""Properties of the DSM on random small worlds (hypothesis).

* Multiplying every trade value (and the minimum import value) by a constant changes no
  classification: every test compares ratios of sums, and with whole-number values the scaled
  ratios are the same real numbers, hence the same floating-point numbers.
* A tiny new supplier (smaller than every supplier present) in a product-market never removes
  the home country's opportunity there, and never lowers its relative-position column: it can
  only lower the competitors' mean share. Elsewhere it raises world imports of the product,
  so other markets may fail filter 2's world comparisons, and only those.
* The all-exporters pass gives each home exactly the opportunities of a run for that home.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsm import hand_world as hw
from marketscout.dsm.engine import DSMResult, run_dsm, run_dsm_all
from marketscout.dsm.trade import TradeSource
from marketscout.store import Store

COUNTRIES = (hw.H, hw.A, hw.B, hw.C)
PRODUCTS = (hw.P1, hw.P2, hw.P3)
EST = 233  # Estonia: the tiny newcomer
CONFIG = replace(hw.CONFIG, min_import_value=20.0)
FILTER2 = {"import_below_minimum", "not_large_not_growing"}
FAST = settings(max_examples=8, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def random_world(seed: int) -> pd.DataFrame:
    """Whole-number flows 1..1000 between the four countries, about a third of them absent."""
    rng = np.random.default_rng(seed)
    rows = [(year, i, j, k, int(rng.integers(1, 1001)))
            for year in hw.YEARS for i in COUNTRIES for j in COUNTRIES if i != j
            for k in PRODUCTS if rng.random() > 0.35]
    frame = pd.DataFrame(rows, columns=["t", "i", "j", "k", "v"]).astype(
        {"t": "int32", "i": "int32", "j": "int32", "k": "int32", "v": float})
    return frame.assign(q="")


def run(frame: pd.DataFrame, store: Store, config: object = CONFIG,
        home: str = "LTU") -> DSMResult:
    with tempfile.TemporaryDirectory() as folder:
        hw.write_world(Path(folder), frame)
        return run_dsm(TradeSource.files(folder), home, 2021, config, store)  # type: ignore[arg-type]


def classes(result: DSMResult) -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
    opp = {tuple(r) for r in result.opportunities[
        ["market", "product", "row_class", "col_class", "cell"]].itertuples(index=False)}
    out = {(str(m), str(p), str(r)) for m, p, r in result.excluded[
        ["market", "product", "reason"]].itertuples(index=False)}
    return opp, out


STORE = hw.load_inputs(Store())


@FAST
@given(seed=st.integers(0, 2**32 - 1), factor=st.integers(2, 1000))
def test_scaling_changes_no_classification(seed: int, factor: int) -> None:
    frame = random_world(seed)
    before = run(frame, STORE)
    scaled = frame.assign(v=frame["v"] * factor)
    after = run(scaled, STORE, replace(CONFIG, min_import_value=20.0 * factor))
    assert classes(before) == classes(after)
    assert (after.opportunities["untapped_potential"].to_numpy()
            == before.opportunities["untapped_potential"].to_numpy() * factor).all()


@FAST
@given(seed=st.integers(0, 2**32 - 1), pick=st.integers(0, 10**6))
def test_a_tiny_new_supplier_never_removes_the_opportunity(seed: int, pick: int) -> None:
    config = replace(CONFIG, hhi_max=1.0)  # concentration off: only filters 2 and 4 at play
    frame = random_world(seed)
    before = run(frame, STORE, config)
    if before.opportunities.empty:
        return
    target = before.opportunities.iloc[pick % len(before.opportunities)]
    market = {v: k for k, v in hw.ISO.items()}[target["market"]]
    newcomer = pd.DataFrame([(2021, EST, market, int(target["product"]), 0.5, "")],
                            columns=frame.columns).astype(frame.dtypes.to_dict())
    after = run(pd.concat([frame, newcomer], ignore_index=True), STORE, config)
    now = after.opportunities.set_index(["market", "product"])
    key = (target["market"], target["product"])
    assert key in now.index
    assert now.loc[key, "col_class"] >= target["col_class"]
    lost = {(m, p) for m, p, *_ in classes(before)[0]} - set(now.index)
    reasons = after.excluded.set_index(["market", "product"])["reason"].astype(str)
    assert all(reasons.loc[pair] in FILTER2 for pair in lost)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_all_exporters_equal_each_home(seed: int) -> None:
    frame = random_world(seed)
    with tempfile.TemporaryDirectory() as folder:
        hw.write_world(Path(folder), frame)
        everyone = run_dsm_all(TradeSource.files(folder), 2021, CONFIG, STORE,
                               output=Path(folder) / "all.parquet")
        detail = pd.read_parquet(Path(folder) / "all.parquet")
        for home in hw.ISO.values():
            one = run_dsm(TradeSource.files(folder), home, 2021, CONFIG, STORE)
            mine = detail[detail["home"] == home]
            assert classes(one)[0] == {tuple(r) for r in mine[
                ["market", "product", "row_class", "col_class", "cell"]].itertuples(index=False)}
    assert everyone.opportunities == len(detail)
