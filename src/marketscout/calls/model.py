"""A joint R&D call as immutable values: funders, eligibility, evaluation and the funding mode.

Each value checks itself; errors name the TOML key (`config.load_call` adds the file and the
table), so a call built in Python is held to the same rules as one read from a file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from marketscout.errors import InputError

ORG_TYPES = ("sme", "large", "research", "university")
ORG_NAMES = {"sme": "SME", "large": "large company", "research": "research organisation",
             "university": "university"}
ORG_PLURALS = {"sme": "SMEs", "large": "large companies", "research": "research organisations",
               "university": "universities"}
MODES = ("virtual", "real", "mixed", "optimal")
AGGREGATES = ("mean", "median")
CONFLICT_RULES = ("error", "exclude")
PARTNER_RULES = ("own_cost", "reject")
NO_FIT_RULES = ("skip", "stop")
OBJECTIVES = ("quality", "number")


def _require(ok: bool, what: str, key: str, fix: str) -> None:
    if not ok:
        raise InputError(what, where=f"key '{key}'", fix=fix)


def _amount(value: float, key: str, *, positive: bool = False) -> None:
    finite = isinstance(value, int | float) and math.isfinite(value)
    ok = finite and (value > 0 if positive else value >= 0)
    _require(ok, f"'{key}' must be a {'positive' if positive else 'non-negative'} amount, "
             f"got {value!r}.", key, "Write an amount in the call currency, e.g. 500000.")


def _frozen(mapping: Mapping[str, float]) -> Mapping[str, float]:
    return mapping if isinstance(mapping, MappingProxyType) else MappingProxyType(dict(mapping))


def _no_rates() -> Mapping[str, float]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Funder:
    """A national funder: it pays its own countries' partners from its own budget.

    `rates` holds the organisation types it may fund and the share of a partner's requested
    amount it pays; a type missing from `rates` is not eligible with this funder.
    """

    id: str
    countries: tuple[str, ...]
    budget: float
    rates: Mapping[str, float]
    name: str = ""
    max_per_partner: float = math.inf
    max_per_project: float = math.inf

    def __post_init__(self) -> None:
        object.__setattr__(self, "rates", _frozen(self.rates))
        _require(bool(self.id.strip()), "A funder needs an id.", "id", 'e.g. id = "MITA".')
        _require(bool(self.countries), f"Funder {self.id!r} lists no country.", "countries",
                 'e.g. countries = ["LTU"].')
        _amount(self.budget, "budget")
        for key in ("max_per_partner", "max_per_project"):
            value = getattr(self, key)
            if value != math.inf:
                _amount(value, key, positive=True)
        _require(bool(self.rates), f"Funder {self.id!r} funds no organisation type.", "rates",
                 "e.g. [funder.rates] sme = 0.7, research = 1.0.")
        for org, rate in self.rates.items():
            _require(org in ORG_TYPES, f"Unknown organisation type {org!r}.", f"rates.{org}",
                     f"Use: {', '.join(ORG_TYPES)}.")
            ok = isinstance(rate, int | float) and 0 < rate <= 1
            _require(ok, f"Funding rate {rate!r} for {org} is not a share in (0, 1].",
                     f"rates.{org}", "Write the rate as a share, e.g. 0.7 for 70%.")

    @property
    def label(self) -> str:
        """The funder as users name it: its name, else its id."""
        return self.name or self.id


@dataclass(frozen=True)
class ScoreCriterion:
    """A call's evaluation criterion (reviewers score it): its weight in the total and an
    optional minimum score. Not to be confused with `criteria.Criterion`, a market criterion."""

    id: str
    weight: float
    name: str = ""
    threshold: float | None = None

    def __post_init__(self) -> None:
        _require(bool(self.id.strip()), "A criterion needs an id.", "id",
                 'e.g. id = "excellence".')
        ok = isinstance(self.weight, int | float) and math.isfinite(self.weight)
        _require(ok and self.weight > 0, f"Weight {self.weight!r} of {self.id!r} is not "
                 "positive.", "weight", "Give every criterion a positive weight.")

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Evaluation:
    """How reviewers' scores become one total and one ranking (docs/calls.md, 'Evaluation')."""

    criteria: tuple[ScoreCriterion, ...]
    scale: tuple[float, float] = (0.0, 5.0)
    aggregate: str = "mean"
    conflict: str = "error"
    threshold: float | None = None
    min_reviewers: int = 1
    tie_break: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        low, high = self.scale
        _require(0 <= low < high, f"Score scale {self.scale!r} is empty or below zero.",
                 "scale", "Write [lowest, highest] with lowest >= 0, e.g. scale = [0, 5].")
        _require(bool(self.criteria), "The call has no evaluation criterion.", "criterion",
                 "Add one [[criterion]] table per criterion.")
        ids = [c.id for c in self.criteria]
        _require(len(set(ids)) == len(ids), f"Criterion ids repeat: {ids}.", "criterion.id",
                 "Give each criterion its own id.")
        for c in self.criteria:
            ok = c.threshold is None or low <= c.threshold <= high
            _require(ok, f"Threshold {c.threshold!r} of {c.id!r} is outside the scale "
                     f"{low:g}-{high:g}.", "criterion.threshold", "Use a score on the scale.")
        _require(self.aggregate in AGGREGATES, f"Unknown aggregate {self.aggregate!r}.",
                 "aggregate", f"Use one of: {', '.join(AGGREGATES)}.")
        _require(self.conflict in CONFLICT_RULES, f"Unknown conflict rule {self.conflict!r}.",
                 "conflict", f"Use one of: {', '.join(CONFLICT_RULES)}.")
        _require(self.min_reviewers >= 1, "min_reviewers must be at least 1.", "min_reviewers",
                 "e.g. min_reviewers = 2.")
        unknown = [t for t in self.tie_break if t not in ids]
        _require(not unknown, f"Unknown criterion {unknown[:1]} in tie_break.", "tie_break",
                 f"Use criterion ids: {', '.join(ids)}.")

    def tie_order(self) -> tuple[str, ...]:
        """Criteria compared on equal totals: `tie_break`, else by weight (file order on ties)."""
        if self.tie_break:
            return self.tie_break
        return tuple(c.id for c in sorted(self.criteria, key=lambda c: -c.weight))


@dataclass(frozen=True)
class Eligibility:
    """The consortium rule: eligible partners from at least `min_countries` call countries."""

    min_countries: int = 2
    ineligible_partner: str = "own_cost"

    def __post_init__(self) -> None:
        _require(self.min_countries >= 1, "min_countries must be at least 1.", "min_countries",
                 "Bilateral and multilateral calls use 2.")
        _require(self.ineligible_partner in PARTNER_RULES,
                 f"Unknown rule {self.ineligible_partner!r}.", "ineligible_partner",
                 f"Use one of: {', '.join(PARTNER_RULES)}.")


@dataclass(frozen=True)
class RealPot:
    """Real common pot: what happens when the next project does not fit the pooled money."""

    when_no_fit: str = "skip"

    def __post_init__(self) -> None:
        _require(self.when_no_fit in NO_FIT_RULES, f"Unknown rule {self.when_no_fit!r}.",
                 "when_no_fit", "Use skip (try the next project) or stop (end the walk).")


@dataclass(frozen=True)
class Mixed:
    """Mixed mode: an EU top-up, `share` of it raising every budget, the rest filling gaps."""

    topup: float = 0.0
    share: float = 0.5
    gap_max_funders: int = 1

    def __post_init__(self) -> None:
        _amount(self.topup, "topup")
        _require(0 <= self.share <= 1, f"share {self.share!r} is not between 0 and 1.", "share",
                 "e.g. share = 0.5: half raises budgets, half fills gaps.")
        _require(self.gap_max_funders >= 1, "gap_max_funders must be at least 1.",
                 "gap_max_funders", "1 fills only projects blocked by a single funder.")


@dataclass(frozen=True)
class Optimal:
    """Optimal selection: objective, minimum return per country and the solver's limits."""

    objective: str = "quality"
    min_return: Mapping[str, float] = field(default_factory=_no_rates)
    gap: float = 1e-4
    time_limit: float = 8.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "min_return", _frozen(self.min_return))
        _require(self.objective in OBJECTIVES, f"Unknown objective {self.objective!r}.",
                 "objective", f"Use one of: {', '.join(OBJECTIVES)}.")
        for country, amount in self.min_return.items():
            _amount(amount, f"min_return.{country}")
        _require(0 <= self.gap < 1, f"gap {self.gap!r} is not a share in [0, 1).", "gap",
                 "e.g. gap = 0.0001 (0.01%); 0 asks for a proven optimum.")
        _require(self.time_limit > 0, "time_limit must be positive.", "time_limit",
                 "Seconds, e.g. time_limit = 8.")


@dataclass(frozen=True)
class Call:
    """A joint call: who funds whom, how proposals are judged, and how the money is allocated."""

    name: str
    funders: tuple[Funder, ...]
    evaluation: Evaluation
    eligibility: Eligibility = Eligibility()
    mode: str = "virtual"
    real: RealPot = RealPot()
    mixed: Mixed = Mixed()
    optimal: Optimal = Optimal()
    year: int | None = None
    currency: str = "EUR"
    source: str = ""

    def __post_init__(self) -> None:
        _require(bool(self.funders), "The call has no funder.", "funder",
                 "Add one [[funder]] table per national funder.")
        ids = [f.id for f in self.funders]
        _require(len(set(ids)) == len(ids), f"Funder ids repeat: {ids}.", "funder.id",
                 "Give each funder its own id.")
        _require(self.mode in MODES, f"Unknown funding mode {self.mode!r}.", "funding.mode",
                 f"Use one of: {', '.join(MODES)}.")
        self._check_overlaps()
        for country in self.optimal.min_return:
            _require(country in self.countries, f"min_return names {country}, which no funder "
                     "covers.", f"funding.optimal.min_return.{country}",
                     f"Use a call country: {', '.join(sorted(self.countries))}.")

    def _check_overlaps(self) -> None:
        """Each (country, organisation type) has at most one funder, so 'who pays' is clear."""
        seen: dict[tuple[str, str], str] = {}
        for funder in self.funders:
            for country in funder.countries:
                for org in funder.rates:
                    other = seen.setdefault((country, org), funder.id)
                    _require(other == funder.id, f"Funders {other!r} and {funder.id!r} both "
                             f"fund {ORG_PLURALS[org]} in {country}.", "funder.countries",
                             "Give each country and organisation type one funder (split "
                             "the types between them with [funder.rates]).")

    @property
    def countries(self) -> frozenset[str]:
        """ISO3 codes of every participating country."""
        return frozenset(c for f in self.funders for c in f.countries)

    def funder_for(self, country: str, org_type: str) -> Funder | None:
        """The funder paying a partner of this country and type, or None (not eligible)."""
        for funder in self.funders:
            if country in funder.countries and org_type in funder.rates:
                return funder
        return None

    def funders_of(self, country: str) -> tuple[Funder, ...]:
        return tuple(f for f in self.funders if country in f.countries)
