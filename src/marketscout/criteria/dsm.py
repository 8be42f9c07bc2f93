"""DSM: realistic export opportunities from product-level trade data (Decision Support Model).

Per market, the aggregate named by `criterion.criterion_measure` (default: log(1 + untapped
potential), thousand USD; METHODS.md §1.7) of the DSM engine run on complete trade data for
the year. A trade year counts as complete when it is not marked partial and holds at least
`criterion.min_exporters` exporters; the shipped BACI sample (South Africa and Afghanistan
only) does not, so on the embedded data this criterion says plainly that it lacks data. That
check is a store query (`dsm.available`): the engine loads only when the DSM runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from marketscout.criteria.base import Criterion, empty, on_candidates
from marketscout.dsm.available import HOW, complete_year
from marketscout.dsm.catalog import default_source
from marketscout.dsm.config import DSMConfig
from marketscout.store import Store

SPEC = {"id": "dsm", "name": "DSM realistic export opportunities", "unit": "USD thousand",
        "direction": 1}
UNITS = {
    "log_potential": "log(1 + untapped potential in thousand USD)",
    "potential": "untapped potential, thousand USD",
    "count": "number of realistic export opportunities",
    "import_value": "imports of the opportunity products, thousand USD",
}
_COLUMNS = {"log_potential": "untapped_potential", "potential": "untapped_potential",
            "count": "opportunities", "import_value": "opportunity_imports"}


def compute(
    store: Store, home: str, candidates: Sequence[str], year: int | None = None,
    config: DSMConfig | None = None,
) -> Criterion:
    """Per market, the DSM aggregate for `home`; no data unless complete trade data exists."""
    config = config or DSMConfig()
    found = complete_year(store, default_source(store), year, config)
    if isinstance(found, str):
        return empty(SPEC, candidates, HOW, note=found)
    from marketscout.dsm.service import store_result  # the engine loads only to run the DSM

    result = store_result(store, home, found, config)
    values = measure(result.markets, config.criterion_measure)
    notes = [f"{config.criterion_measure} over the DSM's realistic export opportunities; "
             "markets excluded by a filter count 0; markets absent from the trade data have "
             "no value.", *result.warnings]
    if config.criterion_expected_draws:
        values = expected(store, home, found, config).reindex(values.index).fillna(values)
        notes.insert(0, f"The expected {config.criterion_measure} over "
                        f"{config.criterion_expected_draws} draws of the [L] thresholds "
                        "(±20 %; `marketscout dsm robustness`).")
    return Criterion(values=on_candidates(values, candidates), year=str(found),
                     sources=result.sources, how_to_get=HOW, notes=tuple(notes),
                     label=f"DSM {found} ({config.criterion_measure})",
                     **(SPEC | {"unit": UNITS[config.criterion_measure]}))  # type: ignore[arg-type]


def expected(store: Store, home: str, year: int, config: DSMConfig) -> pd.Series:
    """The measure's expected value over threshold draws (criterion.criterion_expected_draws)."""
    from marketscout.dsm.robust_summary import expected_measure
    from marketscout.dsm.robustness import run_robustness

    result = run_robustness(default_source(store), home, year, config, store,
                            draws=config.criterion_expected_draws)
    return expected_measure(result.markets, config.criterion_measure)


def measure(markets: pd.DataFrame, name: str) -> pd.Series:
    """The per-market value of one aggregate, indexed by ISO3."""
    values = markets.set_index("market")[_COLUMNS[name]].astype(float)
    if name == "log_potential":
        values = values.map(math.log1p)
    return values
