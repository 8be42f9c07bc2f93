"""Re-ranking for the web app: the user's choices as one value, and a cache so that a weight
change rebuilds only the index and its Monte Carlo runs, not the criteria.

Criteria are cached per (home, year, exclusions, ...) and dropped as soon as the store file
changes (any write, by this process or by a CLI import, touches the DuckDB file or its WAL),
so the check costs two `stat` calls and no database connection (`priority.memo.store_stamp`,
the same test as the criteria kept on disk between CLI runs). Priority lists are cached per
full query (least recently used first out), so going back to earlier weights is instant.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlencode

from marketscout import countries, priority
from marketscout.criteria.base import Criterion
from marketscout.errors import InputError
from marketscout.priority import memo
from marketscout.priority.memo import store_stamp
from marketscout.priority.options import CRITERIA, DEFAULTS, YEARS, Override
from marketscout.store import Store, open_store

T = TypeVar("T")
MAX_RUNS = 10_000  # a request for more would hold a worker for minutes
PAGE_RUNS = DEFAULTS.runs  # the runs the overview shows by default (the CLI's default)


@dataclass(frozen=True)
class RankQuery:
    """Everything `marketscout rank` takes that changes the list (same names, same defaults)."""

    home: str = "LTU"
    top: int = DEFAULTS.top
    weights: tuple[tuple[str, float], ...] = ()  # only those differing from 1, sorted
    runs: int = PAGE_RUNS
    seed: int = DEFAULTS.seed
    year: int | None = DEFAULTS.year
    exclude: tuple[str, ...] = ()  # markets kept off the list (overrides, shown as such)
    horizon_from: int | None = DEFAULTS.horizon_from
    exports_mean_years: int = DEFAULTS.exports_mean_years

    @property
    def data_key(self) -> tuple[object, ...]:
        """What the criteria depend on (weights, top, runs, seed and overrides do not)."""
        return (self.home, self.year, self.horizon_from, self.exports_mean_years)

    def options(self) -> priority.Options:
        overrides = tuple(Override(m, "exclude", "excluded in the web app")
                          for m in self.exclude)
        return priority.Options(top=self.top, weights=dict(self.weights), runs=self.runs,
                                seed=self.seed, year=self.year, horizon_from=self.horizon_from,
                                exports_mean_years=self.exports_mean_years,
                                overrides=overrides)

    def weight(self, criterion: str) -> float:
        return dict(self.weights).get(criterion, 1.0)

    def params(self) -> dict[str, str]:
        """Query parameters that reproduce this query (defaults left out, home kept)."""
        defaults = RankQuery()._raw()
        return {k: v for k, v in self._raw().items()
                if v and (k == "home" or v != defaults[k])}

    def _raw(self) -> dict[str, str]:
        return {"home": self.home, "top": str(self.top), "runs": str(self.runs),
               "seed": str(self.seed), "year": str(self.year or ""),
               "exclude": ",".join(self.exclude),
               "weights": ",".join(f"{k}={v:g}" for k, v in self.weights),
               "horizon_from": str(self.horizon_from or ""),
               "exports_mean_years": str(self.exports_mean_years)}

    def query_string(self) -> str:
        return urlencode(self.params())


def _int(params: Mapping[str, str], name: str, default: int | None, lo: int, hi: int
         ) -> int | None:
    text = (params.get(name) or "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError as exc:
        raise InputError(f"{name} must be a whole number, got {text!r}.",
                         where=f"query parameter {name}", fix=f"For example {name}={default or lo}."
                         ) from exc
    if not lo <= value <= hi:
        raise InputError(f"{name} must be between {lo} and {hi}, got {value}.",
                         where=f"query parameter {name}", fix=f"Use a value in {lo}..{hi}.")
    return value


def _weights(params: Mapping[str, str]) -> tuple[tuple[str, float], ...]:
    """`weights=innovation=2,horizon=1` (as the CLI) and/or one `w_<criterion>` per control."""
    weights = _parse_weights(params.get("weights"), "weights")
    for cid in CRITERIA:
        text = (params.get(f"w_{cid}") or "").strip()
        if text:
            weights |= _parse_weights(f"{cid}={text}", f"w_{cid}")
    return tuple(sorted((k, v) for k, v in weights.items() if v != 1.0))


def _parse_weights(text: str | None, name: str) -> dict[str, float]:
    """The CLI's parser; its errors point at the query parameter instead of --weights."""
    try:
        return priority.parse_weights(text)
    except InputError as exc:
        raise InputError(exc.what, where=f"query parameter {name}", fix=exc.fix) from exc


def parse_query(params: Mapping[str, str]) -> RankQuery:
    """A RankQuery from query parameters, with the CLI's validation and clear errors."""
    home = countries.to_iso3((params.get("home") or "LTU").strip(), where="query parameter home")
    exclude = sorted({countries.to_iso3(x.strip(), where="query parameter exclude")
                      for x in (params.get("exclude") or "").split(",") if x.strip()})
    return RankQuery(
        home=home,
        top=_int(params, "top", DEFAULTS.top, 1, 250) or DEFAULTS.top,
        weights=_weights(params),
        runs=_int(params, "runs", PAGE_RUNS, 1, MAX_RUNS) or PAGE_RUNS,
        seed=_int(params, "seed", DEFAULTS.seed, 0, 2**32 - 1) or 0,
        year=_int(params, "year", None, *YEARS),
        exclude=tuple(exclude),
        horizon_from=_int(params, "horizon_from", None, *YEARS),
        exports_mean_years=_int(params, "exports_mean_years", 1, 1, 20) or 1,
    )


@dataclass
class Ranker:
    """Criteria and priority lists for web requests, cached (thread-safe)."""

    db_path: Path
    max_lists: int = 32
    max_criteria: int = 8
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _criteria: OrderedDict[tuple[object, ...], memo.Entry] = field(
        default_factory=OrderedDict, repr=False)
    _lists: OrderedDict[tuple[object, ...], priority.PriorityList] = field(
        default_factory=OrderedDict, repr=False)
    _other: dict[str, object] = field(default_factory=dict, repr=False)
    _seen: tuple[object, ...] = ()

    def invalidate(self) -> None:
        """Forget everything (e.g. after this process loaded new data)."""
        with self._lock:
            self._criteria.clear()
            self._lists.clear()
            self._other.clear()

    def _check_fresh(self) -> None:
        now = store_stamp(self.db_path)
        with self._lock:
            if now != self._seen:
                self._criteria.clear()
                self._lists.clear()
                self._other.clear()
                self._seen = now

    def from_store(self, name: str, load: Callable[[Store], T]) -> T:
        """`load(store)`, kept under `name` until the store changes (e.g. boundaries)."""
        self._check_fresh()
        with self._lock:
            if name in self._other:
                return self._other[name]  # type: ignore[return-value]
        with open_store(self.db_path) as store:
            value = load(store)
        with self._lock:
            self._other[name] = value
        return value

    def criteria(self, query: RankQuery) -> list[Criterion]:
        """Every criterion for the query's home and data choices (from cache while it holds:
        the store unchanged, the trade files unchanged, no survey round closed since)."""
        self._check_fresh()
        entry = self._recall(self._criteria, query.data_key)
        if entry is None or not entry.holds(None):
            if entry is not None:  # a round closed or a trade file changed: lists are stale
                with self._lock:
                    self._lists.clear()
            with open_store(self.db_path) as store:
                entry = memo.fresh_entry(store, lambda: priority.compute_criteria(
                    store, query.home, query.options()))
            self._remember(self._criteria, query.data_key, entry, self.max_criteria)
        return entry.found

    def priority_list(self, query: RankQuery) -> priority.PriorityList:
        """The priority list for the query; only the index and Monte Carlo runs are rebuilt
        when just the weights, N, runs or seed change."""
        found = self.criteria(query)
        key: tuple[object, ...] = (query, self._seen)
        plist = self._recall(self._lists, key)
        if plist is None:
            plist = priority.build_priority_list(query.home, found, query.options())
            self._remember(self._lists, key, plist, self.max_lists)
        return plist

    def _recall(self, cache: OrderedDict[tuple[object, ...], T], key: tuple[object, ...]
                ) -> T | None:
        with self._lock:
            value = cache.get(key)
            if value is not None:
                cache.move_to_end(key)
            return value

    def _remember(self, cache: OrderedDict[tuple[object, ...], T], key: tuple[object, ...],
                  value: T, limit: int) -> None:
        with self._lock:
            cache[key] = value
            cache.move_to_end(key)
            while len(cache) > limit:
                cache.popitem(last=False)
