"""The user's choices for one priority list, each default defined once, here.

Importable without the numerical stack: the command line reads its option defaults from
`DEFAULTS` before anything heavy is loaded.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from marketscout.errors import InputError
from marketscout.index.recipe import Recipe, recipe_from_dict
from marketscout.index.spec import UncertaintySpec
from marketscout.tomlfile import read_toml

CRITERIA = ("innovation", "horizon", "digital", "fdi", "exports", "dsm", "survey")
MAX_RUNS = 100_000  # about a minute of Monte Carlo on 200 markets; more is never needed
MAX_SEED = 2**32 - 1  # NumPy's legacy seeding range, kept so seeds stay portable
YEARS = (1990, 2100)  # the range a data year may take; the data's own years are checked later

# Min-max onto 1-100 (not 0-100) keeps the geometric mean, the alternative aggregation shown as
# a method scenario, defined (METHODS.md §7, gotcha 8). Winsorisation with COINr's defaults
# tames skewed money and count values (FDI, exports, joint projects) before normalisation.
DEFAULT_RECIPE = Recipe(
    treat="winsorise",
    normalise="minmax",
    normalise_params={"range": (1.0, 100.0)},
    aggregate="amean",
)
# Tiers come from the weight uncertainty alone; the aggregation method is a separate,
# reported scenario (docs/methodology.md, "Tiers"), so a method switch cannot make a tier a
# coin flip.
DEFAULT_SPEC = UncertaintySpec(weight_noise=0.25)
DEFAULT_SCENARIOS = ("gmean",)


@dataclass(frozen=True)
class Override:
    """A market put on (`include`) or kept off (`exclude`) the final list, and why."""

    iso3: str
    action: str  # "include" or "exclude"
    reason: str = ""

    def __post_init__(self) -> None:
        if self.action not in ("include", "exclude"):
            raise InputError(f"Unknown override {self.action!r} for {self.iso3}.",
                             where="overrides", fix="Use include or exclude.")


@dataclass(frozen=True)
class Options:
    """Everything that changes a priority list: data choices, method, robustness, selection."""

    top: int = 32
    weights: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    min_coverage: float = 0.5  # a criterion covering fewer candidates is left out, visibly
    unit_coverage: float = 2 / 3  # a market needs reported data on this share of criteria
    runs: int = 1000
    seed: int = 20261121
    tiers: tuple[float, float, float] = (0.9, 0.5, 0.1)  # core, likely, watch
    recipe: Recipe = DEFAULT_RECIPE
    spec: UncertaintySpec = DEFAULT_SPEC
    scenarios: tuple[str, ...] = DEFAULT_SCENARIOS  # other aggregations, shown beside the list
    year: int | None = None  # latest data year used by every criterion
    horizon_from: int | None = None  # first project start year counted by `horizon`
    exports_mean_years: int = 1
    editions: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    overrides: tuple[Override, ...] = ()

    def __post_init__(self) -> None:
        check_options(self)

    def weight(self, criterion: str) -> float:
        return float(self.weights.get(criterion, 1.0))

    def override(self, iso3: str) -> Override | None:
        return next((o for o in self.overrides if o.iso3 == iso3), None)

    def overridden(self, action: str) -> list[str]:
        return [o.iso3 for o in self.overrides if o.action == action]



def _bounded(value: Any, name: str, lo: float, hi: float, example: str) -> None:
    ok = not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)
    if not ok or not lo <= value <= hi:
        raise InputError(f"{name} must be between {lo:g} and {hi:g}, got {value!r}.",
                         where=name, fix=f"For example {name} {example}.")


def check_options(o: Options) -> None:
    """Refuse out-of-range choices before any work starts, naming the option."""
    _bounded(o.top, "--top", 1, 1000, "32")
    _bounded(o.runs, "--runs", 1, MAX_RUNS, "1000")
    _bounded(o.seed, "--seed", 0, MAX_SEED, "20261121")
    _bounded(o.min_coverage, "--min-coverage", 0, 1, "0.5")
    _bounded(o.unit_coverage, "unit_coverage", 0, 1, "0.67")
    _bounded(o.exports_mean_years, "--exports-mean-years", 1, 20, "3")
    for name, year in (("--year", o.year), ("--horizon-from", o.horizon_from)):
        if year is not None:
            _bounded(year, name, *YEARS, "2023")
    if not o.tiers[0] >= o.tiers[1] >= o.tiers[2] > 0 or o.tiers[0] > 1:
        raise InputError(f"Tier thresholds must fall from core to watch within (0, 1], got "
                         f"{o.tiers}.", where="tiers", fix="For example 0.9, 0.5, 0.1.")
    for name, w in o.weights.items():
        if not math.isfinite(w) or w < 0:
            raise InputError(f"Weight for {name} must be a finite number >= 0, got {w!r}.",
                             where="--weights", fix="Use 0 to leave a criterion out.")
    both = set(o.overridden("include")) & set(o.overridden("exclude"))
    if both:
        raise InputError(f"{sorted(both)[0]} is both included and excluded.",
                         where="--include / --exclude", fix="Keep one of the two.")


DEFAULTS = Options()


def split_items(text: str) -> list[str]:
    """'a=1,b="x, y"' -> ['a=1', 'b="x, y"']: commas inside quotes belong to the value."""
    items: list[str] = []
    current: list[str] = []
    quote = ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == ",":
            items.append("".join(current))
            current = []
            continue
        current.append(ch)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def parse_pairs(text: str | None, where: str) -> dict[str, str]:
    """'a=1,b=2' -> {'a': '1', 'b': '2'}; an item without '=' maps to ''; a quoted value
    may hold commas (TWN="strategic partner, not in the GII")."""
    out: dict[str, str] = {}
    for part in split_items(text or ""):
        key, _, value = part.partition("=")
        if not key.strip():
            raise InputError(f"Empty name in {part!r}.", where=where,
                             fix="Write name=value pairs separated by commas.")
        out[key.strip()] = value.strip().strip('"').strip("'")
    return out


def parse_weights(text: str | None) -> dict[str, float]:
    """'innovation=1,horizon=2' -> {'innovation': 1.0, 'horizon': 2.0}, with clear errors."""
    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        if "=" not in part:
            raise InputError(f"Bad weight {part!r}: write criterion=number.", where="--weights",
                             fix=f"For example innovation=2; names: {', '.join(CRITERIA)}.")
    for name, value in parse_pairs(text, "--weights").items():
        if name not in CRITERIA:
            raise InputError(f"Bad weight {name}={value!r}: unknown criterion.",
                             where="--weights",
                             fix=f"Write name=number pairs; names: {', '.join(CRITERIA)}.")
        try:
            weights[name] = float(value)
        except ValueError as exc:
            raise InputError(f"Weight {value!r} for {name} is not a number.", where="--weights",
                             fix="For example --weights innovation=2,horizon=1.") from exc
        if not math.isfinite(weights[name]) or weights[name] < 0:
            raise InputError(f"Weight for {name} must be a finite number, not negative.",
                             where="--weights",
                             fix="Use 0 to leave a criterion out, positive numbers otherwise.")
    return weights


def parse_editions(text: str | None) -> dict[str, str]:
    """'innovation=2019' pins a criterion to one edition (year) of its source."""
    found = parse_pairs(text, "--edition")
    for name, value in found.items():
        if name not in CRITERIA or not value:
            raise InputError(f"Bad edition {name}={value!r}.", where="--edition",
                             fix="Write criterion=edition, e.g. --edition innovation=2019.")
    return found


def parse_overrides(include: str | None, exclude: str | None) -> tuple[Override, ...]:
    """`--include TWN="reason"` / `--exclude RUS="sanctions",BLR="sanctions"` as overrides."""
    from marketscout import countries

    out = []
    for action, text in (("include", include), ("exclude", exclude)):
        for market, reason in parse_pairs(text, f"--{action}").items():
            iso3 = countries.to_iso3(market, where=f"--{action}")
            out.append(Override(iso3, action, reason))
    return tuple(out)


def read_overrides(path: Path) -> tuple[Override, ...]:
    """An overrides file: CSV with columns market, action (include/exclude), reason."""
    import csv

    from marketscout import countries

    if not path.is_file():
        raise InputError(f"Overrides file not found: {path}", where="--overrides",
                         fix="Give a CSV with columns market, action, reason.")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for n, row in enumerate(rows, start=2):
        keys = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        where = f"{path}, row {n}"
        if not keys.get("market") or keys.get("action", "").lower() not in ("include", "exclude"):
            raise InputError("Each row needs a market and an action (include or exclude).",
                             where=where, fix="Columns: market, action, reason.")
        iso3 = countries.to_iso3(keys["market"], where=f"{where}, column market")
        out.append(Override(iso3, keys["action"].lower(), keys.get("reason", "")))
    return tuple(out)


_SELECTION_KEYS = {"min_coverage": float, "unit_coverage": float, "top": int, "runs": int,
                   "seed": int}


def options_from_toml(path: Path, base: Options = DEFAULTS) -> Options:
    """A rank recipe file: index recipe keys at the top level and an optional [selection]
    table (min_coverage, unit_coverage, top, runs, seed)."""
    data = read_toml(path, missing="Recipe file", invalid="The recipe")
    selection = data.pop("selection", {})
    if not isinstance(selection, dict):
        raise InputError("[selection] must be a table.", where=f"{path}, [selection]",
                         fix="Write [selection] then min_coverage = 0.3 on its own line.")
    changes: dict[str, Any] = {}
    for key, value in selection.items():
        kind = _SELECTION_KEYS.get(key)
        if kind is None or isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(f"Bad [selection] key {key!r}.", where=f"{path}, [selection]",
                             fix=f"Known keys (numbers): {', '.join(_SELECTION_KEYS)}.")
        changes[key] = kind(value)
    recipe = recipe_from_dict(data, where=str(path)) if data else base.recipe
    return replace(base, recipe=recipe, **changes)
