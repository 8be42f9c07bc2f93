"""Survey: markets named by business associations, scored by a weighted Borda count.

Two inputs, one formula (marketscout.survey.borda.weighted_borda):
* survey rounds run in marketscout (`marketscout survey ...`, /admin): the latest closed round
  with answers, else the latest open one (provisional); k = the round's markets per answer,
  association weights as the admin set them;
* otherwise the `survey` table of `marketscout data import survey FILE`: k = the longest list
  in the file, every association weighing 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from marketscout.criteria.base import Criterion, empty, on_candidates
from marketscout.provenance import Provenance
from marketscout.store import Store
from marketscout.survey import Round, get_round, results, round_for_criterion
from marketscout.survey.borda import weighted_borda

SPEC = {"id": "survey", "name": "Business association survey",
        "unit": "weighted mean Borda points", "direction": 1}
HOW = ("Run a survey round (`marketscout survey create-round`, then invite associations) or "
       "import answers: `marketscout data import survey FILE` (association, market, order).")
UNNAMED = "markets no association named score 0"


def compute(
    store: Store, home: str, candidates: Sequence[str], year: int | None = None,
    round_id: int | None = None,
) -> Criterion:
    """Weighted mean Borda points: position p in a list of at most k earns k + 1 - p, a market
    an association did not name earns 0; the mean is weighted by association weights."""
    chosen = (get_round(store, round_id) if round_id is not None
              else round_for_criterion(store, home, year))
    if chosen is not None:
        return _from_round(store, chosen, candidates)
    return _from_import(store, candidates)


def _round_provenance(found: Round, answered: int, asked: int, markets: int) -> Provenance:
    state = "closed" if not found.is_open() else "still open: provisional"
    return Provenance(
        source_id=f"survey_round_{found.round_id}",
        title=f"Business association survey '{found.title}'",
        publisher="business associations, through marketscout's survey",
        url=f"marketscout store, survey round {found.round_id}",
        licence="the agency's own survey",
        edition=f"round closing {found.closes_on.isoformat()} ({state})",
        retrieved=found.closes_at.date().isoformat(),
        rows=answered, countries=markets, years=str(found.closes_on.year),
        partial=found.is_open(),
        note=f"{answered} of {asked} invited associations answered",
    )


def _from_round(store: Store, found: Round, candidates: Sequence[str]) -> Criterion:
    res = results(store, found.round_id)  # scores by survey.borda.weighted_borda
    values = res.table.set_index("market")["score"]
    prov = _round_provenance(found, res.answered, res.asked, len(values))
    rate = f"{res.answered} of {res.asked} associations answered ({res.response_rate:.0%})"
    notes = [f"Round '{found.title}' closing {found.closes_on.isoformat()}: {rate}; "
             f"k = {found.max_markets}; {UNNAMED}."]
    if found.is_open():
        notes.append("The round is still open: the values are provisional.")
    if not store.query("SELECT 1 FROM survey LIMIT 1").empty:
        notes.append("An imported survey table (`data import survey`) is also in the store; "
                     "the survey round takes precedence.")
    return Criterion(
        values=on_candidates(values, candidates).fillna(0.0), year=str(found.closes_on.year),
        sources=(prov,), how_to_get=HOW, notes=tuple(notes),
        reported=_named(values, candidates),
        label=f"survey '{found.title}' ({res.answered} answers"
              f"{', provisional' if found.is_open() else ''})",
        **SPEC,  # type: ignore[arg-type]
    )


def _named(values: pd.Series, candidates: Sequence[str]) -> pd.Series:
    """Markets at least one association named (the others' 0 is filled by rule)."""
    named = set(values[values > 0].index)
    return pd.Series([c in named for c in candidates], index=pd.Index(candidates, name="iso3"))


def _from_import(store: Store, candidates: Sequence[str]) -> Criterion:
    rows = store.query("SELECT source_id, association, market, position FROM survey")
    if rows.empty:
        return empty(SPEC, candidates, HOW)
    k = int(rows["position"].max())  # the longest list in the file stands in for K
    values: pd.Series = weighted_borda(rows.assign(weight=1.0), k)
    n_assoc = rows["association"].nunique()
    return Criterion(
        values=on_candidates(values, candidates).fillna(0.0),
        year="",
        sources=store.provenance_of(rows["source_id"].unique().tolist()),
        how_to_get=HOW,
        notes=(f"{n_assoc} associations answered (imported file); k = {k}, the longest list; "
               f"every association weighs 1; {UNNAMED}.",),
        reported=_named(values, candidates),
        label=f"survey (imported, {n_assoc} associations)",
        **SPEC,  # type: ignore[arg-type]
    )
