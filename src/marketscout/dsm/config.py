"""Every threshold of the DSM's four filters as one immutable, documented value.

Defaults follow ../shared/design/METHODS.md §1. Their evidence label is kept with each field:
[L] = a literature value that could not be checked against the primary text (confirm it before
claiming conformance with a DSM paper), [V] = verified, [D] = a design choice of marketscout.
A sensitivity run is `dataclasses.replace(config, ...)`; a TOML file overrides any field:

    [filter2]
    large_market_share = 0.02

Sections are filter1 .. filter4 and criterion; the same tables may also sit under [dsm] so
that they can live in marketscout's config.toml.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from marketscout.errors import InputError
from marketscout.tomlfile import read_toml

SECTIONS = ("filter1", "filter2", "filter3", "filter4", "criterion")
ACCESS_VARIABLES = ("distance", "lpi", "tariff", "ntm")
ROW_NAMES = {
    1: "large market",
    2: "growing short and long term",
    3: "large, growing short term",
    4: "large, growing long term",
    5: "large, growing short and long term",
}
COLUMN_NAMES = {1: "small", 2: "intermediately small", 3: "intermediately large", 4: "large"}


def _f(default: Any, section: str, label: str, doc: str, **check: Any) -> Any:
    """A config field with its TOML section, evidence label, one-line doc and checks."""
    return field(default=default,
                 metadata={"section": section, "label": label, "doc": doc, **check})


@dataclass(frozen=True)
class DSMConfig:
    """The DSM's thresholds. Trade values are in thousand USD (BACI's unit)."""

    # --- filter 1: country screen -------------------------------------------------------
    gdp_indicator: str = _f("NY.GDP.MKTP.PP.CD", "filter1", "D",
                            "World Bank code of GDP (PPP, current international $).")
    gdp_per_capita_indicator: str = _f("NY.GDP.PCAP.PP.CD", "filter1", "D",
                                       "World Bank code of GDP per capita (PPP).")
    growth_indicator: str = _f("NY.GDP.MKTP.KD.ZG", "filter1", "D",
                               "World Bank code of real GDP growth (annual %).")
    population_indicator: str = _f("SP.POP.TOTL", "filter1", "D",
                                   "World Bank code of population (for per-capita growth).")
    gdp_min_percentile: float = _f(0.5, "filter1", "L",
                                   "Size test: GDP at or above this percentile of all "
                                   "countries with data.", range=(0.0, 1.0))
    gdp_per_capita_min_percentile: float = _f(0.5, "filter1", "L",
                                              "Size test: GDP per capita at or above this "
                                              "percentile of all countries.", range=(0.0, 1.0))
    growth_years: int = _f(3, "filter1", "L",
                           "Growth tests average the last N years of growth.", range=(1, 30))
    growth_margin: float = _f(0.0, "filter1", "L",
                              "Growth test: mean real GDP growth at least world growth plus "
                              "this many percentage points.", range=(-100.0, 100.0))
    per_capita_growth_margin: float = _f(0.0, "filter1", "L",
                                         "Same for real GDP per capita growth (percentage "
                                         "points).", range=(-100.0, 100.0))
    macro_rule: str = _f("any", "filter1", "L",
                         "any: pass one size or growth test; size_and_growth: pass one of each; "
                         "off: no macro screen.", choices=("any", "size_and_growth", "off"))
    max_lag_years: int = _f(2, "filter1", "D",
                            "Macro data and risk ratings may be this many years older than the "
                            "trade year.", range=(0, 30))
    missing_macro: str = _f("keep", "filter1", "D",
                            "A market with no macro data at all (e.g. Taiwan in WDI): keep or "
                            "exclude; recorded either way.", choices=("keep", "exclude"))
    risk_exclude_worst: bool = _f(True, "filter1", "L",
                                  "Exclude markets in the worst class of any risk rating.")
    risk_min_score: float = _f(0.0, "filter1", "L",
                               "Exclude markets whose mean transformed risk score "
                               "(scale_max + 1 - r) / scale_max is below this (0 = off).",
                               range=(0.0, 1.0))
    risk_missing: str = _f("keep", "filter1", "D",
                           "When ratings are imported: a market without one is kept and "
                           "flagged no_risk_rating, or excluded.", choices=("keep", "exclude"))
    risk_not_reviewed: str = _f("lowest", "filter1", "D",
                                "OECD 'not reviewed' high-income countries: rated in the "
                                "scale's lowest-risk class (as the OECD prices them) or "
                                "unknown (the missing-rating rule applies).",
                                choices=("lowest", "unknown"))
    risk_whitelist: tuple[str, ...] = _f((), "filter1", "D",
                                         "Markets (ISO3) never excluded for a missing rating.")

    # --- filter 2: product-market attractiveness -----------------------------------------
    min_import_value: float = _f(1000.0, "filter2", "L",
                                 "Minimum import value of the product in the market in the "
                                 "latest year (thousand USD).", range=(0.0, None))
    large_market_share: float = _f(0.01, "filter2", "L",
                                   "'Large': the market's share of world imports of the "
                                   "product is at least this.", range=(0.0, 1.0))
    short_term_margin: float = _f(0.0, "filter2", "L",
                                  "'Growing short term': growth t-1 to t above world growth of "
                                  "the product plus this (a fraction).", range=(-10.0, 10.0))
    long_term_margin: float = _f(0.0, "filter2", "L",
                                 "'Growing long term': CAGR above the world's CAGR plus this.",
                                 range=(-10.0, 10.0))
    long_term_years: int = _f(5, "filter2", "L",
                              "Span of the long-term CAGR (t-N to t).", range=(2, 30))
    long_term_min_span: int = _f(2, "filter2", "D",
                                 "With a zero base, the CAGR starts at the first non-zero year "
                                 "if at least this many years remain.", range=(1, 30))
    zero_base: str = _f("size_only", "filter2", "D",
                        "No imports in the base year: size_only (not growing) or new_market "
                        "(counts as growing).", choices=("size_only", "new_market"))
    insufficient_years: str = _f("size_only", "filter2", "D",
                                 "Trade data lacks t-1 or every base year: size_only (growth "
                                 "not tested, warned) or error.", choices=("size_only", "error"))

    # --- filter 3: accessibility -----------------------------------------------------------
    hhi_max: float = _f(0.4, "filter3", "L",
                        "Exclude product-markets whose supplier HHI (shares as fractions) "
                        "exceeds this.", range=(0.0, 1.0))
    dominant_share: float = _f(0.2, "filter3", "L",
                               "HHI exemption: the home country's share of the market is at "
                               "least this.", range=(0.0, 1.0))
    distance_column: str = _f("dist", "filter3", "D",
                              "CEPII GeoDist distance used.",
                              choices=("dist", "distcap", "distw", "distwces"))
    lpi_indicator: str = _f("overall", "filter3", "D",
                            "LPI score used (the edition nearest the trade year).")
    weight_distance: float = _f(1.0, "filter3", "L", "Weight of distance in the index (0 = "
                                "unused).", range=(0.0, None))
    weight_lpi: float = _f(1.0, "filter3", "L", "Weight of the LPI (inverted).",
                           range=(0.0, None))
    weight_tariff: float = _f(1.0, "filter3", "L", "Weight of the mean applied tariff.",
                              range=(0.0, None))
    weight_ntm: float = _f(1.0, "filter3", "L", "Weight of the NTM frequency ratio.",
                           range=(0.0, None))
    access_normaliser: str = _f("minmax", "filter3", "L",
                                "minmax over markets, or mean_ratio (value / mean).",
                                choices=("minmax", "mean_ratio"))
    access_bins: tuple[float, float] = _f((1 / 3, 2 / 3), "filter3", "L",
                                          "Quantiles of the index splitting green / orange / "
                                          "red (terciles).", pair=True)
    drop_red: bool = _f(True, "filter3", "L", "Drop product-markets in red markets.")
    red_keep_rows: tuple[int, ...] = _f((), "filter3", "L",
                                        "Row classes (1-5) kept even in red markets.",
                                        items=(1, 5))
    unrated_markets: str = _f("keep", "filter3", "D",
                              "Markets with no accessibility variable: keep or drop.",
                              choices=("keep", "drop"))

    # --- filter 4: the REO map --------------------------------------------------------------
    top_suppliers: int = _f(6, "filter4", "L",
                            "Competitors benchmarked: the N largest suppliers other than home.",
                            range=(1, 50))
    position_cutoffs: tuple[float, float, float] = _f(
        (0.1, 0.5, 1.0), "filter4", "L",
        "Relative share R = home share / mean share of the top suppliers: R below the 1st is "
        "small, below the 2nd intermediately small, below the 3rd intermediately large, else "
        "large.", increasing=3)

    # --- the dsm criterion ------------------------------------------------------------------
    criterion_measure: str = _f("log_potential", "criterion", "D",
                                "Per-market value fed to the priority list.",
                                choices=("log_potential", "potential", "count", "import_value"))
    min_exporters: int = _f(100, "criterion", "D",
                            "A trade year with fewer distinct exporters is a sample, not "
                            "complete data.", range=(1, None))
    criterion_expected_draws: int = _f(0, "criterion", "D",
                                       "0: the criterion is the measure at these thresholds; "
                                       "N: its expected value over N threshold draws (the "
                                       "robustness analysis, ±20 % ranges).",
                                       range=(0, 100_000))

    def __post_init__(self) -> None:
        for f in fields(self):
            _check(f.name, getattr(self, f.name), f.metadata)

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """{section: {key: value}}, the layout of the TOML file."""
        out: dict[str, dict[str, Any]] = {s: {} for s in SECTIONS}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.metadata["section"]][f.name] = list(value) if isinstance(value, tuple) else value
        return out


def describe() -> list[dict[str, Any]]:
    """Every parameter: section, key, default, evidence label and doc (for docs and --help)."""
    return [
        {"section": f.metadata["section"], "key": f.name,
         "default": f.default if f.default is not MISSING else None,
         "label": f.metadata["label"], "doc": f.metadata["doc"]}
        for f in fields(DSMConfig)
    ]


def load_config(path: Path | str | None = None) -> DSMConfig:
    """The defaults, overridden by a TOML file (else by the [dsm] table of marketscout's own
    config.toml in the data folder, if it has one); every error names the file and the key."""
    if path is None:
        return _from_settings_file()
    data = read_toml(path, missing="Config file", invalid="The DSM config",
                     fix_missing="Check the path given to --config.",
                     fix_syntax="Fix the syntax; see docs/dsm.md for the keys.")
    return config_from_mapping(data, where=str(path))


def _from_settings_file() -> DSMConfig:
    from marketscout.settings import load_settings

    path = load_settings().home / "config.toml"
    if not path.is_file():
        return DSMConfig()
    data = read_toml(path, missing="Config file", invalid="marketscout's config file",
                     fix_missing="", fix_syntax="Fix the syntax; see docs/dsm.md for [dsm].")
    table = data.get("dsm")
    if table is None:
        return DSMConfig()
    if not isinstance(table, Mapping):
        raise InputError("[dsm] in the config file must be a table.", where=str(path),
                         fix="Write [dsm.filter2] etc.; see docs/dsm.md.")
    return config_from_mapping({"dsm": table}, where=f"{path} [dsm]")


def config_from_mapping(data: Mapping[str, Any], where: str = "config") -> DSMConfig:
    """Build a config from {section: {key: value}} (optionally under a 'dsm' table)."""
    if set(data) == {"dsm"} and isinstance(data["dsm"], Mapping):
        data = data["dsm"]
    known = {f.name: f for f in fields(DSMConfig)}
    values: dict[str, Any] = {}
    for section, table in data.items():
        if section not in SECTIONS or not isinstance(table, Mapping):
            raise InputError(f"Unknown section [{section}] in the DSM config.", where=where,
                             fix=f"Use the sections {', '.join(SECTIONS)}.")
        for key, value in table.items():
            f = known.get(key)
            if f is None or f.metadata["section"] != section:
                mine = [k for k, g in known.items() if g.metadata["section"] == section]
                hint = f" It belongs in [{f.metadata['section']}]." if f else ""
                raise InputError(f"Unknown key '{section}.{key}' in the DSM config.{hint}",
                                 where=where, fix=f"Keys of [{section}]: {', '.join(mine)}.")
            values[key] = _coerce(f"{section}.{key}", value, f.default, where)
    try:
        return replace(DSMConfig(), **values)
    except InputError as exc:
        raise InputError(exc.what, where=where, fix=exc.fix) from exc


def _coerce(key: str, value: Any, default: Any, where: str) -> Any:
    """TOML value -> the field's type (lists become tuples; ints are accepted as floats)."""
    def bad(kind: str) -> InputError:
        return InputError(f"'{key}' must be {kind}, not {value!r}.", where=where,
                          fix=f"Write it like the default: {default!r}.")
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad("a number")
        return float(value)
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("a whole number")
        return value
    if isinstance(default, str):
        if not isinstance(value, str):
            raise bad("text")
        return value
    if not isinstance(value, list):
        raise bad("a list")
    return tuple(value)


def _check(name: str, value: Any, meta: Mapping[str, Any]) -> None:
    """Range, choice and shape checks declared in each field's metadata."""
    def fail(what: str, fix: str) -> None:
        raise InputError(f"'{meta['section']}.{name}' {what} (got {value!r}).", fix=fix)
    if "choices" in meta and value not in meta["choices"]:
        fail("is not a known option", f"Use one of: {', '.join(meta['choices'])}.")
    if "range" in meta:
        lo, hi = meta["range"]
        if not isinstance(value, int | float) or value != value:
            fail("must be a number", "Write a number.")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            fail(f"must lie in [{lo}, {'∞' if hi is None else hi}]", "Change the value.")
    if meta.get("pair") and not _increasing(value, 2, 0.0, 1.0):
        fail("must be two increasing quantiles in (0, 1)", "E.g. [0.3333, 0.6667].")
    if meta.get("increasing") and not _increasing(value, meta["increasing"], 0.0, None):
        fail(f"must be {meta['increasing']} increasing positive numbers", "E.g. [0.1, 0.5, 1.0].")
    if "items" in meta:
        lo, hi = meta["items"]
        if not all(isinstance(v, int) and lo <= v <= hi for v in value):
            fail(f"must list whole numbers from {lo} to {hi}", "E.g. [5].")
    if name == "risk_whitelist" and not all(isinstance(v, str) for v in value):
        fail("must list ISO3 codes", 'E.g. ["TWN"].')


def _increasing(value: Any, n: int, lo: float, hi: float | None) -> bool:
    if not isinstance(value, tuple) or len(value) != n:
        return False
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        return False
    inside = all(v > lo and (hi is None or v < hi) for v in value)
    return inside and all(a < b for a, b in itertools.pairwise(value))
