"""The seven criteria: the registry, `compute_all`, the candidate-by-criterion matrix and
the status table."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from marketscout import countries
from marketscout.criteria import digital, dsm, exports, fdi, horizon, innovation, survey
from marketscout.criteria.base import Criterion
from marketscout.store import Store

Compute = Callable[..., Criterion]
EDITIONED = ("innovation", "digital", "fdi", "exports")  # criteria with editions to choose

REGISTRY: dict[str, Compute] = {
    "innovation": innovation.compute,
    "horizon": horizon.compute,
    "digital": digital.compute,
    "fdi": fdi.compute,
    "exports": exports.compute,
    "dsm": dsm.compute,
    "survey": survey.compute,
}


def compute_all(
    store: Store,
    home: str,
    *,
    year: int | None = None,
    exclude: Sequence[str] = (),
    only: Sequence[str] | None = None,
    horizon_from: int | None = None,
    exports_mean_years: int = 1,
    editions: Mapping[str, str] | None = None,
    min_coverage: float = 0.5,
) -> list[Criterion]:
    """Every criterion (or `only` some) for `home` over the candidate markets.

    `year` is the latest year used by every criterion; `horizon_from` the first project start
    year counted by `horizon`; `exports_mean_years` averages exports over that many years;
    `editions` pins a criterion to one edition; `min_coverage` is the coverage an edition
    needs to be chosen over an older one (`criteria.base.choose_edition`).
    """
    home = countries.to_iso3(home, where="--home")
    cands = countries.candidates(home, exclude)
    editions = editions or {}
    extra: dict[str, dict[str, object]] = {
        "horizon": {"first_year": horizon_from},
        "exports": {"mean_years": exports_mean_years},
    }
    for cid in EDITIONED:
        extra.setdefault(cid, {}).update(edition=editions.get(cid), min_coverage=min_coverage)
    return [
        REGISTRY[c](store, home, cands, year=year, **extra.get(c, {})) for c in (only or REGISTRY)
    ]


def matrix(criteria: Sequence[Criterion], *, details: bool = False) -> pd.DataFrame:
    """Candidates (rows, ISO3) by criteria (columns); with `details`, also each criterion's
    secondary values (e.g. horizon_ec_contribution)."""
    columns = {c.id: c.values for c in criteria}
    if details:
        columns |= {f"{c.id}_{name}": s for c in criteria for name, s in c.details.items()}
    return pd.DataFrame(columns)




def status(criteria: Sequence[Criterion]) -> list[dict[str, object]]:
    """Per criterion: source and year, coverage, provenance, and how to get missing data."""
    return [
        {
            "criterion": c.id,
            "name": c.name,
            "source": c.source,
            "source_ids": c.source_ids,
            "label": c.label,
            "year": c.year,
            # the data's own reference period, apart from when the file was retrieved
            "reference_period": c.year,
            "editions": "; ".join(p.edition for p in c.sources),
            "retrieved": "; ".join(sorted({p.retrieved for p in c.sources})),
            "covered": c.n_covered,
            "candidates": c.n_candidates,
            "coverage": round(c.coverage, 4),
            "partial": c.partial,
            "provenance": [
                {k: p.to_dict()[k] for k in ("source_id", "url", "retrieved", "sha256", "licence")}
                for p in c.sources
            ],
            "notes": list(c.notes),
            "how_to_get": c.how_to_get if (not c.available or c.partial) else "",
        }
        for c in criteria
    ]

