"""What varies in an uncertainty analysis: one immutable value, importable without numpy.

Kept apart from `robustness.py` (the vectorised engine) so that option defaults can be read
by the command line without loading the numerical stack.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from marketscout.errors import InputError
from marketscout.index.recipe import AGGREGATE, IMPUTE, NORMALISE, Recipe

INPUTS = ("weights", "normalise", "aggregate", "impute", "winmax")
DISCRETE = INPUTS[1:]


@dataclass(frozen=True)
class UncertaintySpec:
    """What varies across replications; an empty alternatives tuple keeps the recipe's value.

    `noise_levels` are COINr levels whose weights get noise (1 = indicator weights); None means
    every level whose weights enter an aggregation. `weight_sets` is the size of the pool of
    noisy weight sets a run draws from (None: one per run, or 2n in a sensitivity analysis).
    """

    weight_noise: float = 0.25
    noise_levels: tuple[int, ...] | None = None
    normalise_alternatives: tuple[str, ...] = ()
    aggregate_alternatives: tuple[str, ...] = ()
    impute_alternatives: tuple[str, ...] = ()
    winmax_alternatives: tuple[int, ...] = ()
    weight_sets: int | None = None

    def __post_init__(self) -> None:
        _check_spec(self)

    def alternatives(self, recipe: Recipe) -> dict[str, tuple[Any, ...]]:
        """The alternatives of each discrete input, the recipe's own value where none given."""
        given = (self.normalise_alternatives, self.aggregate_alternatives,
                 self.impute_alternatives, self.winmax_alternatives)
        return {name: tuple(alts) or (getattr(recipe, name),)
                for name, alts in zip(DISCRETE, given, strict=True)}

    def varied(self, recipe: Recipe) -> tuple[str, ...]:
        """The inputs that actually vary (noise > 0, or more than one alternative)."""
        alts = self.alternatives(recipe)
        return tuple(name for name in INPUTS
                     if (self.weight_noise > 0 if name == "weights" else len(alts[name]) > 1))


def _check_spec(spec: UncertaintySpec) -> None:
    if not math.isfinite(spec.weight_noise) or not 0 <= spec.weight_noise < 1:
        raise InputError(f"weight noise must be in [0, 1), got {spec.weight_noise!r}.",
                         where="uncertainty spec, weight_noise",
                         fix="Use e.g. 0.25 for +/-25% (COINr); 1 or more could zero a weight.")
    for name, allowed in (("normalise", NORMALISE), ("aggregate", AGGREGATE),
                          ("impute", IMPUTE)):
        unknown = [a for a in getattr(spec, f"{name}_alternatives") if a not in allowed]
        if unknown:
            raise InputError(f"Unknown {name} alternative(s): {', '.join(map(repr, unknown))}.",
                             where=f"uncertainty spec, {name}_alternatives",
                             fix=f"Use some of: {', '.join(allowed)}.")
    bad = [w for w in spec.winmax_alternatives if isinstance(w, bool) or not isinstance(w, int)
           or w < 0]
    if bad:
        raise InputError(f"winmax alternatives must be whole numbers >= 0, got {bad}.",
                         where="uncertainty spec, winmax_alternatives", fix="For example 3,5,8.")
    if spec.weight_sets is not None and spec.weight_sets < 1:
        raise InputError(f"weight_sets must be at least 1, got {spec.weight_sets}.",
                         where="uncertainty spec, weight_sets", fix="Leave it out (one per run).")
