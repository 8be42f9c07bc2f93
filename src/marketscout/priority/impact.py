"""What an import changes in the ranking, said at import time (`data import`, the web upload).

A 30-economy GII file must not silently knock `innovation` out of the list: the import reports
its coverage, whether the criterion now uses it, and if not, why and how to use it anyway.
"""

from __future__ import annotations

from marketscout import countries, criteria
from marketscout.priority.options import DEFAULTS, Options
from marketscout.store import Store

# import kind -> (criterion, table, market column)
KINDS = {
    "gii": ("innovation", "gii", "iso3"),
    "imd": ("digital", "imd", "iso3"),
    "fdi": ("fdi", "fdi_inward", "partner"),
    "exports": ("exports", "exports", "partner"),
    "survey": ("survey", "survey", "market"),
}


def import_impact(store: Store, kind: str, source_id: str, home: str = "LTU",
                  options: Options = DEFAULTS) -> list[str]:
    """Plain sentences: the import's coverage and what the criterion uses after it."""
    if kind not in KINDS:
        return []
    cid, table, column = KINDS[kind]
    home = countries.to_iso3(home, where="--home")
    candidates = set(countries.candidates(home))
    rows = store.query(f"SELECT DISTINCT {column} AS m FROM {table} WHERE source_id = ?",
                       [source_id])
    covered = len(candidates & set(rows["m"]))
    share = covered / len(candidates)
    lines = [f"The file covers {covered} of {len(candidates)} candidate markets of {home} "
             f"({share:.0%})."]
    (found,) = criteria.compute_all(store, home, only=[cid], min_coverage=options.min_coverage)
    if source_id in {p.source_id for p in found.sources}:
        lines.append(f"The {cid} criterion now uses it ({found.label or found.year}).")
        if found.coverage < options.min_coverage:
            lines.append(
                f"It covers less than the {options.min_coverage:.0%} coverage threshold, so "
                f"{cid} is left out of the ranking; lower it with --min-coverage to use it.")
    else:
        lines.append(
            f"The {cid} criterion keeps using {found.label or found.source_ids}: by the "
            "edition rule (docs/methodology.md) a complete, more recent or better covering "
            f"edition comes first. To rank on your file anyway, pin it: --edition {cid}=YEAR.")
    return lines
