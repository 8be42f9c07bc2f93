"""A composite-indicator engine with COINr 1.1 semantics: pure functions on arrays and frames.

    framework_from_meta(iMeta)            the index tree, directions and weights
    Recipe / recipe_from_toml(path)       every methodological choice, as one value
    build_index(iData, framework, recipe) one build: treat, normalise, aggregate, rank
    UncertaintySpec / run_uncertainty     Monte Carlo rank intervals (COINr get_sensitivity)
    run_sensitivity                       Saltelli/Jansen variance-based sensitivity indices
    load_idata / load_framework           the COINr iData / iMeta CSV files

See docs/index-engine.md and docs/robustness.md. Heavy modules load on first use, so that
`Recipe` and `UncertaintySpec` can be read without NumPy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from marketscout.index.recipe import Recipe, recipe_from_dict, recipe_from_toml
from marketscout.index.spec import UncertaintySpec

if TYPE_CHECKING:
    from marketscout.index.build import IndexResult, build_index
    from marketscout.index.framework import Framework, framework_from_meta
    from marketscout.index.load import load_framework, load_idata
    from marketscout.index.robustness import (
        UncertaintyResult,
        prob_top,
        run_sensitivity,
        run_uncertainty,
    )

_LAZY = {
    "IndexResult": "build", "build_index": "build", "Framework": "framework",
    "framework_from_meta": "framework", "load_framework": "load", "load_idata": "load",
    "UncertaintyResult": "robustness", "prob_top": "robustness",
    "run_sensitivity": "robustness", "run_uncertainty": "robustness",
}

__all__ = ["Framework", "IndexResult", "Recipe", "UncertaintyResult", "UncertaintySpec",
           "build_index", "framework_from_meta", "load_framework", "load_idata", "prob_top",
           "recipe_from_dict", "recipe_from_toml", "run_sensitivity", "run_uncertainty"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"marketscout.index.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'marketscout.index' has no attribute {name!r}")
