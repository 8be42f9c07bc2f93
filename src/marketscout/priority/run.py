"""The front door of the main job: the store and the user's options in, the priority list out.

The command line (`marketscout rank`, `marketscout report`) and the web app all call these
two functions, so a default or a check exists once.
"""

from __future__ import annotations

from pathlib import Path

from marketscout import countries
from marketscout.criteria.base import Criterion
from marketscout.errors import InputError
from marketscout.priority.build import PriorityList, build_priority_list
from marketscout.priority.options import DEFAULTS, Options
from marketscout.store import Store, open_store


def compute_criteria(store: Store, home: str, options: Options | None = None, *,
                     cache: Path | None = None) -> list[Criterion]:
    """The seven criteria for `home` with the options' data choices (year, editions, ...).

    With a `cache` folder, criteria computed by an earlier run on the same data and choices
    are read from it (`priority.memo`); the checks of the options run either way."""
    options = options or DEFAULTS
    home = countries.to_iso3(home, where="--home")
    _check_overrides(home, options)
    if cache is None:
        return _compute(store, home, options)
    from marketscout.priority import memo

    return memo.remembered(store, home, options, cache, lambda: _compute(store, home, options))


def _compute(store: Store, home: str, options: Options) -> list[Criterion]:
    from marketscout import criteria

    found = criteria.compute_all(
        store, home, year=options.year, horizon_from=options.horizon_from,
        exports_mean_years=options.exports_mean_years, editions=options.editions,
        min_coverage=options.min_coverage)
    if options.year is not None and not any(c.available for c in found):
        held = [f"{c.id} {c.year}" for c in criteria.compute_all(store, home) if c.available]
        raise InputError(
            f"No criterion has data for {options.year} or earlier.", where="--year",
            fix=f"The store holds: {'; '.join(held) or 'no data'}. Choose a year in that range "
            "or leave --year out for the latest data.")
    return found


def _check_overrides(home: str, options: Options) -> None:
    allowed = set(countries.candidates(home))
    for o in options.overrides:
        if o.iso3 not in allowed:
            raise InputError(
                f"{countries.name(o.iso3)} ({o.iso3}) cannot be on {home}'s list.",
                where=f"--{o.action}",
                fix="Overrides apply to candidate markets: not the home country or an "
                "aggregate.")


def rank(store: Store, home: str = "LTU", options: Options | None = None, *,
         cache: Path | None = None) -> PriorityList:
    """The home country's priority markets from the data in `store` (the main job).

    Computes the seven criteria, builds the composite index with Monte Carlo rank intervals,
    tiers and method scenarios, and applies the overrides; `options` (default `Options()`)
    holds every choice. For example:

        with marketscout.open_store(marketscout.load_settings().db_path) as store:
            plist = marketscout.rank(store, "LTU", marketscout.Options(top=32))
        plist.headline, plist.selected[:3], plist.not_ranked

    `cache`: a folder where the criteria are kept between runs (`compute_criteria`).
    """
    options = options or DEFAULTS
    home = countries.to_iso3(home, where="--home")
    return build_priority_list(home, compute_criteria(store, home, options, cache=cache),
                               options)


def rank_file(db_path: Path, home: str = "LTU", options: Options | None = None, *,
              cache: Path | None = None) -> PriorityList:
    """`rank` on the store file at `db_path` (made from the snapshot on first use), opened only
    when `cache` does not hold the criteria for its present state (`priority.memo`)."""
    from marketscout.priority import memo

    options = options or DEFAULTS
    home = countries.to_iso3(home, where="--home")
    _check_overrides(home, options)
    found = memo.lookup(db_path, home, options, cache) if cache is not None else None
    if found is None:
        with open_store(db_path) as store:
            found = compute_criteria(store, home, options, cache=cache)
    return build_priority_list(home, found, options)
