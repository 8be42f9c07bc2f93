"""The recipe: every methodological choice of an index build, as one immutable value.

A sensitivity run is `dataclasses.replace(recipe, ...)` and a rebuild (COINr `Regen`), never
string paths into nested lists. Read from TOML with `recipe_from_toml`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from marketscout.errors import FrameworkError
from marketscout.tomlfile import read_toml

IMPUTE = ("none", "mean", "median", "mean_group", "median_group",
          "panel_latest", "panel_linear", "panel_constant", "panel_linear_constant")
TREAT = ("none", "winsorise")
TREAT_F2 = ("log_CT", "log_CT_orig", "log_CT_plus", "boxcox", "log", "none")
NORMALISE = ("minmax", "zscore", "scaled", "goalposts", "dist2max", "dist2ref", "dist2targ",
             "fracmax", "rank", "prank", "borda")
AGGREGATE = ("amean", "gmean", "hmean", "genmean", "copeland", "topsis", "promethee")
TOP_ONLY = ("topsis", "promethee")
WEIGHTING = ("given", "equal", "pca", "ahp")

# Defaults of COINr's normalisers (R/normalise.R) where the recipe leaves them out.
NORMALISE_DEFAULTS: Mapping[str, Mapping[str, Any]] = MappingProxyType({
    "minmax": {"range": (0.0, 100.0)},
    "zscore": {"mean_sd": (0.0, 1.0)},
    "scaled": {"scale_factor": 100.0},
    "goalposts": {"trunc2posts": True},
    "dist2ref": {"cap_max": False},
    "dist2targ": {"cap_max": False},
})


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Recipe:
    """How to build an index: screening, imputation, treatment, normalisation, weights, aggregation.

    Defaults are COINr's: no imputation or treatment, min-max 0-100, arithmetic mean, given weights.
    """

    impute: str = "none"
    impute_group: str | None = None
    treat: str = "none"
    winmax: int = 5
    skew: float = 2.0
    kurt: float = 3.5
    normalise: str = "minmax"
    normalise_params: Mapping[str, Any] = field(default_factory=_empty)
    aggregate: str = "amean"
    aggregate_params: Mapping[str, Any] = field(default_factory=_empty)
    dat_thresh: float | None = None
    screen_thresh: float | None = None
    weighting: str = "given"
    # Additions beyond the shared shape:
    treat_f2: str = "log_CT"          # second-step transform when winsorising is not enough
    force_win: bool = False           # COINr force_win: winsorise winmax points regardless
    aggregate_below: str = "amean"    # lower levels' aggregator when `aggregate` is top-only
    weighting_params: Mapping[str, Any] = field(default_factory=_empty)  # ahp matrices per parent
    max_time: int | None = None       # panel_latest: how many steps back to look
    time: int | None = None           # which Time to build when iData is a panel (default latest)

    def __post_init__(self) -> None:
        for name in ("normalise_params", "aggregate_params", "weighting_params"):
            value = getattr(self, name)
            if not isinstance(value, MappingProxyType):  # keep the value immutable
                object.__setattr__(self, name, MappingProxyType(dict(value)))
        _validate(self, where="recipe")

    def __hash__(self) -> int:
        """Hash by value (the mapping fields are read-only views), so recipes can key caches."""
        return hash(repr(self))

    def params_for_normalise(self) -> dict[str, Any]:
        """The normaliser's parameters: COINr defaults overlaid with the recipe's."""
        return {**NORMALISE_DEFAULTS.get(self.normalise, {}), **self.normalise_params}

    def level_aggregator(self, level: int, top: int) -> str:
        """The aggregator used at COINr level `level` (2..top); top-only methods fall back below."""
        if self.aggregate in TOP_ONLY and level < top:
            return self.aggregate_below
        return self.aggregate


def _choice(value: object, allowed: tuple[str, ...], key: str, where: str) -> None:
    if value not in allowed:
        raise FrameworkError(f"Unknown {key} method {value!r}.", where=f"{where}, key '{key}'",
                             fix=f"Use one of: {', '.join(allowed)}.")


def _fraction(value: float | None, key: str, where: str) -> None:
    if value is not None and not 0.0 <= float(value) <= 1.0:
        raise FrameworkError(f"{key} must be a fraction between 0 and 1, got {value!r}.",
                             where=f"{where}, key '{key}'", fix="For example 0.66 (two thirds).")


def _validate(r: Recipe, *, where: str) -> None:
    _choice(r.impute, IMPUTE, "impute", where)
    _choice(r.treat, TREAT, "treat", where)
    _choice(r.treat_f2, TREAT_F2, "treat_f2", where)
    _choice(r.normalise, NORMALISE, "normalise", where)
    _choice(r.aggregate, AGGREGATE, "aggregate", where)
    _choice(r.aggregate_below, tuple(a for a in AGGREGATE if a not in TOP_ONLY),
            "aggregate_below", where)
    _choice(r.weighting, WEIGHTING, "weighting", where)
    _fraction(r.dat_thresh, "dat_thresh", where)
    _fraction(r.screen_thresh, "screen_thresh", where)
    if r.impute in ("mean_group", "median_group") and not r.impute_group:
        raise FrameworkError(f"impute = {r.impute!r} needs impute_group.",
                             where=f"{where}, key 'impute_group'",
                             fix="Name the iData group column, e.g. impute_group = \"GDP_group\".")
    if int(r.winmax) < 0:
        raise FrameworkError("winmax must be zero or more.", where=f"{where}, key 'winmax'",
                             fix="For example winmax = 5 (COINr default).")
    if r.aggregate == "genmean" and "p" not in r.aggregate_params:
        raise FrameworkError("aggregate = 'genmean' needs the exponent p.",
                             where=f"{where}, key 'aggregate_params'",
                             fix="Add [aggregate_params] p = 0.5 (for example).")


_TYPES: Mapping[str, tuple[type, ...]] = {
    "impute": (str,), "impute_group": (str, type(None)), "treat": (str,), "winmax": (int,),
    "skew": (int, float), "kurt": (int, float), "normalise": (str,),
    "normalise_params": (dict,), "aggregate": (str,), "aggregate_params": (dict,),
    "dat_thresh": (int, float, type(None)), "screen_thresh": (int, float, type(None)),
    "weighting": (str,), "treat_f2": (str,), "force_win": (bool,), "aggregate_below": (str,),
    "weighting_params": (dict,), "max_time": (int, type(None)), "time": (int, type(None)),
}


def recipe_from_dict(d: Mapping[str, Any], *, where: str = "recipe") -> Recipe:
    """A validated recipe from a plain mapping (e.g. parsed TOML); errors name the key."""
    unknown = sorted(set(d) - set(_TYPES))
    if unknown:
        raise FrameworkError(f"Unknown recipe key(s): {', '.join(unknown)}.",
                             where=f"{where}, key '{unknown[0]}'",
                             fix=f"Known keys: {', '.join(_TYPES)}.")
    for key, value in d.items():
        wrong_bool = isinstance(value, bool) and bool not in _TYPES[key]
        if wrong_bool or not isinstance(value, _TYPES[key]):
            raise FrameworkError(
                f"Recipe key '{key}' has the wrong type ({type(value).__name__}).",
                where=f"{where}, key '{key}'",
                fix=f"Expected {' or '.join(t.__name__ for t in _TYPES[key])}.",
            )
    values = {k: MappingProxyType(dict(v)) if isinstance(v, dict) else v for k, v in d.items()}
    try:
        return Recipe(**values)  # type: ignore[arg-type]
    except FrameworkError as exc:
        raise FrameworkError(exc.what, where=(exc.where or "").replace("recipe", where, 1),
                             fix=exc.fix) from exc


def recipe_from_toml(path: str | Path) -> Recipe:
    """Read and validate a recipe TOML file (top-level keys as in `Recipe`)."""
    data = read_toml(path, missing="Recipe file", invalid="The recipe", error=FrameworkError)
    return recipe_from_dict(data, where=str(path))

