"""Horizon: joint Horizon 2020 / Horizon Europe projects between home and market entities."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from marketscout.criteria.base import Criterion, empty, on_candidates
from marketscout.provenance import NOT_A_SAMPLE
from marketscout.store import Store

SPEC = {"id": "horizon", "name": "Joint Horizon projects with the home country",
        "unit": "projects", "direction": 1}
HOW = "Run `marketscout data update cordis` when online (CORDIS open data, CC BY 4.0)."
PROGRAMMES = {"H2020": "Horizon 2020", "HORIZON": "Horizon Europe"}


def joint_projects(
    store: Store, home: str, first_year: int | None = None, last_year: int | None = None
) -> pd.DataFrame:
    """Per partner (index iso3): distinct projects with a home participant (any role) and the
    partner's participants' EC contribution in those projects (`collab.pairs.joint_rows`)."""
    from marketscout.collab.pairs import joint_rows
    from marketscout.collab.scope import Scope

    rows = joint_rows(store, home, Scope(first_year=first_year, last_year=last_year))
    grouped = rows.groupby("partner")
    return pd.DataFrame({"projects": grouped["project_id"].nunique(),
                         "ec_contribution": grouped["partner_ec_contribution"].sum()}
                        ).rename_axis("iso3")


def compute(
    store: Store,
    home: str,
    candidates: Sequence[str],
    year: int | None = None,
    first_year: int | None = None,
) -> Criterion:
    """Count of distinct joint projects; zero where none (CORDIS lists every participation).

    A market counts as reported when CORDIS lists at least one participant from it in the
    years counted; elsewhere its 0 is filled by rule (docs/methodology.md, availability).
    A load marked as a sample (the Horizon Europe sample of the snapshot) never counts: not
    in the values, the years, the programmes nor the sources (docs/methodology.md, "Samples").
    """
    info = store.query(
        "SELECT source_id, min(start_year) AS y0, max(start_year) AS y1, "
        "list(DISTINCT programme) AS programmes FROM horizon_participation "
        f"WHERE {NOT_A_SAMPLE} GROUP BY source_id"
    )
    if info.empty:
        return empty(SPEC, candidates, HOW)
    joint = joint_projects(store, home, first_year, year)
    values = on_candidates(joint["projects"], candidates).fillna(0.0)
    contribution = on_candidates(joint["ec_contribution"], candidates).where(values > 0, 0.0)
    y0 = first_year or int(info["y0"].min())
    y1 = year or int(info["y1"].max())
    participants = store.query(
        "SELECT DISTINCT iso3 FROM horizon_participation WHERE iso3 IS NOT NULL "
        f"AND start_year BETWEEN ? AND ? AND {NOT_A_SAMPLE}", [y0, y1])["iso3"]
    if participants.empty:  # no project starts in the years asked for: no data, not zeros
        held = f"{int(info['y0'].min())}-{int(info['y1'].max())}"
        return empty(SPEC, candidates, HOW, note=f"No project starts in {y0}-{y1}; the "
                     f"CORDIS data hold project starts {held}.")
    nonzero = int((values > 0).sum())
    sources = store.provenance_of(info["source_id"].tolist())
    return Criterion(
        values=values,
        year=f"{y0}-{y1}",
        sources=sources,
        how_to_get=HOW,
        notes=(f"{nonzero} markets have at least one joint project; the others count 0.",
               *_cut_off_notes(sources)),
        details={"ec_contribution": contribution},
        reported=pd.Series(values.index.isin(participants), index=values.index),
        label=_label(info, sources, y0, y1),
        **SPEC,  # type: ignore[arg-type]
    )


def _label(info: pd.DataFrame, sources: Sequence[object], y0: int, y1: int) -> str:
    """'Horizon 2020 (starts 2014-2022; CORDIS dump of 2020-12-14)'."""
    names = sorted({PROGRAMMES.get(str(p), str(p)) for ps in info["programmes"] for p in ps
                    if p is not None})
    editions = "; ".join(f"CORDIS {getattr(p, 'edition', '')}" for p in sources)
    return f"{' + '.join(names) or 'Horizon'} (project starts {y0}-{y1}; {editions})"


def _cut_off_notes(sources: Sequence[object]) -> list[str]:
    """A dump taken during a year holds only the projects signed by then: say so."""
    out = []
    for p in sources:
        edition = str(getattr(p, "edition", ""))
        if "dump of" in edition:
            date = edition.split("dump of", 1)[1].strip()
            out.append(f"The CORDIS data end on {date}: projects signed later (and start "
                       f"years from {date[:4]} on) are incomplete.")
    return out
