"""Reading a call from TOML: every error names the file, the table and the key.

The layout is documented in docs/calls.md ('TOML reference'); examples/calls/ has full files.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from marketscout.calls.model import (
    Call,
    Eligibility,
    Evaluation,
    Funder,
    Mixed,
    Optimal,
    RealPot,
    ScoreCriterion,
)
from marketscout.countries import is_aggregate, to_iso3
from marketscout.errors import InputError
from marketscout.tomlfile import read_toml

T = TypeVar("T")
NUMBER = (int, float)
# Allowed keys per table, with their types; anything else is a typo the user should hear about.
TOP = {"name": (str,), "year": (int,), "currency": (str,), "funder": (list,),
       "criterion": (list,), "eligibility": (dict,), "evaluation": (dict,), "funding": (dict,)}
FUNDER = {"id": (str,), "name": (str,), "countries": (list,), "budget": NUMBER,
          "max_per_partner": NUMBER, "max_per_project": NUMBER, "rates": (dict,),
          "eligible": (list,)}
CRITERION = {"id": (str,), "name": (str,), "weight": NUMBER, "threshold": NUMBER}
ELIGIBILITY = {"min_countries": (int,), "ineligible_partner": (str,)}
EVALUATION = {"scale": (list,), "aggregate": (str,), "conflict": (str,), "threshold": NUMBER,
              "min_reviewers": (int,), "tie_break": (list,)}
FUNDING = {"mode": (str,), "real": (dict,), "mixed": (dict,), "optimal": (dict,)}
REAL = {"when_no_fit": (str,)}
MIXED = {"topup": NUMBER, "share": NUMBER, "gap_max_funders": (int,)}
OPTIMAL = {"objective": (str,), "min_return": (dict,), "gap": NUMBER, "time_limit": NUMBER}


def load_call(path: Path | str) -> Call:
    """Read and validate a call TOML file."""
    data = read_toml(path, missing="Call file", invalid="The call file")
    return call_from_dict(data, where=str(path))


def call_from_dict(data: Mapping[str, Any], *, where: str = "call") -> Call:
    """A validated call from parsed TOML; `where` (the file) starts every error location."""
    _keys(data, TOP, where, "")
    if "name" not in data:
        raise InputError("The call has no name.", where=f"{where}, key 'name'",
                         fix='Add name = "..." at the top of the file.')
    funders = tuple(_funder(f, where, i) for i, f in enumerate(_tables(data, "funder", where)))
    criteria = tuple(_criterion(c, where, i)
                     for i, c in enumerate(_tables(data, "criterion", where)))
    evaluation = _evaluation(dict(data.get("evaluation", {})), criteria, where)
    eligibility = _build(Eligibility, _section(data, "eligibility", ELIGIBILITY, where),
                         f"{where}, [eligibility]")
    funding = _section(data, "funding", FUNDING, where)
    fields = {"name": data["name"], "funders": funders, "evaluation": evaluation,
              "eligibility": eligibility, "mode": funding.get("mode", "virtual"),
              "real": _build(RealPot, _section(funding, "real", REAL, where, "funding."),
                             f"{where}, [funding.real]"),
              "mixed": _build(Mixed, _section(funding, "mixed", MIXED, where, "funding."),
                              f"{where}, [funding.mixed]"),
              "optimal": _optimal(funding, where),
              "year": data.get("year"), "currency": data.get("currency", "EUR"), "source": where}
    return _build(Call, fields, where)


def _build(cls: Callable[..., T], fields: Mapping[str, Any], where: str) -> T:
    """Construct a value; its own key-naming errors get the file and table in front."""
    try:
        return cls(**fields)
    except InputError as exc:
        raise InputError(exc.what, where=f"{where}, {exc.where}" if exc.where else where,
                         fix=exc.fix) from exc


def _keys(table: Mapping[str, Any], allowed: Mapping[str, tuple[type, ...]], where: str,
          prefix: str) -> None:
    """Unknown keys (with the closest known one) and wrong types raise, naming the key."""
    for key, value in table.items():
        if key not in allowed:
            close = difflib.get_close_matches(key, list(allowed), n=1)
            hint = f" Did you mean '{prefix}{close[0]}'?" if close else ""
            raise InputError(f"Unknown key '{prefix}{key}'.{hint}",
                             where=f"{where}, key '{prefix}{key}'",
                             fix=f"Known keys here: {', '.join(allowed)}.")
        types = allowed[key]
        if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
            raise InputError(f"Key '{prefix}{key}' has the wrong type ({type(value).__name__}).",
                             where=f"{where}, key '{prefix}{key}'",
                             fix=f"Expected {' or '.join(t.__name__ for t in types)}.")


def _tables(data: Mapping[str, Any], name: str, where: str) -> list[dict[str, Any]]:
    tables = data.get(name, [])
    if not all(isinstance(t, dict) for t in tables):
        raise InputError(f"'{name}' must be written as [[{name}]] tables.",
                         where=f"{where}, key '{name}'", fix=f"Start each with [[{name}]].")
    return list(tables)


def _section(data: Mapping[str, Any], name: str, allowed: Mapping[str, tuple[type, ...]],
             where: str, prefix: str = "") -> dict[str, Any]:
    table = dict(data.get(name, {}))
    _keys(table, allowed, f"{where}, [{prefix}{name}]", "")
    return {k: float(v) if isinstance(v, int) and allowed[k] == NUMBER else v
            for k, v in table.items()}


def _funder(table: dict[str, Any], where: str, index: int) -> Funder:
    place = f"{where}, [[funder]] #{index + 1}" + (f" ({table['id']!r})" if "id" in table else "")
    _keys(table, FUNDER, place, "")
    for key in ("id", "countries", "budget", "rates"):
        if key not in table:
            raise InputError(f"The funder has no '{key}'.", where=f"{place}, key '{key}'",
                             fix="Every [[funder]] needs id, countries, budget and rates.")
    countries = tuple(_country(c, f"{place}, key 'countries'") for c in table["countries"])
    rates = {str(k): v for k, v in table["rates"].items()}
    if "eligible" in table:
        missing = [t for t in table["eligible"] if t not in rates]
        if missing:
            raise InputError(f"No funding rate for eligible type {missing[0]!r}.",
                             where=f"{place}, key 'rates.{missing[0]}'",
                             fix="Give every eligible organisation type a rate in [funder.rates].")
        rates = {k: v for k, v in rates.items() if k in table["eligible"]}
    fields = {"id": table["id"], "name": table.get("name", ""), "countries": countries,
              "budget": table["budget"], "rates": rates,
              "max_per_partner": table.get("max_per_partner", math.inf),
              "max_per_project": table.get("max_per_project", math.inf)}
    return _build(Funder, fields, place)


def _country(value: object, where: str) -> str:
    """ISO3 of a funder's country; aggregates (EU, World) are not countries."""
    text = str(value).strip()
    if is_aggregate(text):
        raise InputError(f"{text!r} is a group of countries, not a country.", where=where,
                         fix='List each participating country, e.g. countries = ["LTU"].')
    return to_iso3(text, where=where)


def _criterion(table: dict[str, Any], where: str, index: int) -> ScoreCriterion:
    place = f"{where}, [[criterion]] #{index + 1}" + (
        f" ({table['id']!r})" if "id" in table else "")
    _keys(table, CRITERION, place, "")
    for key in ("id", "weight"):
        if key not in table:
            raise InputError(f"The criterion has no '{key}'.", where=f"{place}, key '{key}'",
                             fix="Every [[criterion]] needs an id and a weight.")
    return _build(ScoreCriterion, table, place)


def _evaluation(table: dict[str, Any], criteria: tuple[ScoreCriterion, ...],
                where: str) -> Evaluation:
    place = f"{where}, [evaluation]"
    _keys(table, EVALUATION, place, "")
    if "scale" in table:
        scale = table["scale"]
        if len(scale) != 2 or not all(isinstance(v, NUMBER) for v in scale):
            raise InputError(f"scale must be [lowest, highest], got {scale!r}.",
                             where=f"{place}, key 'scale'", fix="e.g. scale = [0, 5].")
        table["scale"] = (float(scale[0]), float(scale[1]))
    if "tie_break" in table:
        table["tie_break"] = tuple(str(t) for t in table["tie_break"])
    return _build(Evaluation, {"criteria": criteria, **table}, place)


def _optimal(funding: Mapping[str, Any], where: str) -> Optimal:
    place = f"{where}, [funding.optimal]"
    table = _section(funding, "optimal", OPTIMAL, where, "funding.")
    returns: dict[str, float] = {}
    for key, amount in table.get("min_return", {}).items():
        returns[_country(key, f"{place}, key 'min_return.{key}'")] = amount
    if "min_return" in table:
        table["min_return"] = returns
    return _build(Optimal, table, place)
