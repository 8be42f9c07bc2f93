"""The DSM on the store's own trade data: is it complete, run it (memoised), top products.

Used by the `dsm` criterion and by the web market profile, which must both say plainly when
the store holds only a sample (the embedded snapshot) rather than a complete BACI year.
"""

from __future__ import annotations

from collections import OrderedDict

import pandas as pd

from marketscout.dsm.available import HOW as HOW  # re-exported
from marketscout.dsm.available import complete_year
from marketscout.dsm.catalog import default_source
from marketscout.dsm.config import DSMConfig
from marketscout.dsm.engine import DSMResult, run_dsm
from marketscout.dsm.explain import explain_market
from marketscout.errors import DataNotAvailableError
from marketscout.store import Store

_CACHE: OrderedDict[tuple[object, ...], DSMResult] = OrderedDict()
_CACHE_SIZE = 4


def store_result(store: Store, home: str, year: int | None = None,
                 config: DSMConfig | None = None) -> DSMResult:
    """The DSM for `home` on the store's complete trade data; raises when there is none.

    Results are memoised per store file, its loads, home, year and config, since the criterion
    and every market profile of a session ask for the same run.
    """
    config = config or DSMConfig()
    source = default_source(store)
    found = complete_year(store, source, year, config)
    if isinstance(found, str):
        raise DataNotAvailableError(found, where=store.path, fix=HOW)
    loads = tuple(store.query("SELECT source_id, CAST(loaded_at AS VARCHAR) AS t "
                              "FROM provenance ORDER BY 1").itertuples(index=False))
    key = (store.path, loads, source, home, found, config)
    if store.path != ":memory:" and key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    result = run_dsm(source, home, found, config, store)
    if store.path != ":memory:":
        _CACHE[key] = result
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


def top_opportunities(store: Store, home: str, market: str, top: int = 10,
                      per_section: int = 3, config: DSMConfig | None = None) -> pd.DataFrame:
    """The market's top opportunities for `home`, by HS section: the sections in order of
    their untapped potential, each with its best `per_section` products (name, description,
    cell, values, why), `top` rows in all; `attrs['source']` names the trade data. Raises
    DataNotAvailableError without complete trade data."""
    from marketscout.dsm.sectors import section_of

    result = store_result(store, home, config=config)
    table = explain_market(result, market, top=len(result.opportunities), store=store
                           ).opportunities
    labels = {c: section_of(c) for c in table["product"].unique()}
    table.insert(0, "hs_section", table["product"].map(
        lambda c: f"{labels[c][0]} {labels[c][1]}".strip()))
    weight = table.groupby("hs_section")["untapped_potential"].transform("sum")
    table = (table.assign(_w=weight).sort_values(["_w", "hs_section", "untapped_potential"],
                                                 ascending=[False, True, False])
             .groupby("hs_section", sort=False).head(per_section).head(top)
             .drop(columns="_w").reset_index(drop=True))
    table.attrs["source"] = (f"DSM over {result.source}, {result.year}; HS sections: "
                             "WCO HS nomenclature (1992)")
    return table
