"""WIPO Global Innovation Index, every edition 2011-2022 as one panel (Mendeley Data).

One row per economy and edition: the overall score and the seven pillar scores (`;`
separated, decimal commas, UTF-8 BOM, economy names only). The panel has no ranks, so each
edition's ranks are computed from its scores (ties share the best rank, as WIPO prints
them). WIPO changed the framework between editions, so scores of different editions are
never compared or mixed: each edition is its own `edition` in the store.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from marketscout import countries
from marketscout.errors import InputError, UnknownCountryError
from marketscout.sources import Parsed, finish, publishers
from marketscout.sources.read import read_csv, reject_duplicates, to_number

PANEL = publishers.provenance("wipo_gii_panel")
# Panel column -> (code, name) as the GII numbers its levels (the 2019 export uses the same).
LEVELS: dict[str, tuple[str, str]] = {
    "Global Innovation Index": ("GII", "Global Innovation Index"),
    "Institutions": ("1", "Institutions"),
    "Human capital and research": ("2", "Human capital and research"),
    "Infrastructure": ("3", "Infrastructure"),
    "Market sophistication": ("4", "Market sophistication"),
    "Business sophistication": ("5", "Business sophistication"),
    "Knowledge and technology outputs": ("6", "Knowledge and technology outputs"),
    "Creative outputs": ("7", "Creative outputs"),
}
GII_COLUMNS = ["iso3", "edition", "code", "name", "score", "rank"]


def parse_gii_panel(path: Path) -> Parsed:
    """The panel -> table `gii` (codes GII and 1-7), ranks by score within each edition."""
    path = Path(path)
    raw = read_csv(path, sep=";", required=("Economies", "Year", *LEVELS))
    iso3, unknown = _economies(raw["Economies"], path)
    raw = raw.assign(iso3=iso3, edition=_years(raw["Year"], path)).dropna(subset=["iso3"])
    reject_duplicates(raw, ["iso3", "edition"], path, rows=(raw.index + 2).tolist())
    parts = []
    for column, (code, name) in LEVELS.items():
        # always a decimal comma, never a thousands separator: "30,45" is 30.45
        text = raw[column].str.replace(",", ".", regex=False)
        score = to_number(text, path=path, column=column, point_only=True)
        parts.append(pd.DataFrame({"iso3": raw["iso3"], "edition": raw["edition"],
                                   "code": code, "name": name, "score": score}))
    long = pd.concat(parts, ignore_index=True).dropna(subset=["score"])
    _check_scores(long, path)
    long["rank"] = long.groupby(["edition", "code"])["score"].rank(method="min",
                                                                  ascending=False)
    table = long.sort_values(["edition", "code", "rank", "iso3"], ignore_index=True)
    per_year = table[table["code"] == "GII"].groupby("edition")["iso3"].nunique()
    note = ("Economies with a GII score per edition: "
            + ", ".join(f"{y} {n}" for y, n in per_year.items())
            + ". Ranks computed by score within each edition (the panel has none); pillar "
            "scores of different editions are not comparable (WIPO changed the framework).")
    if unknown:
        note += " Economy names not recognised, left out: " + "; ".join(unknown) + "."
    return finish(replace(PANEL, note=note), path, {"gii": table[GII_COLUMNS]},
                  year_column="edition")


def _economies(names: pd.Series, path: Path) -> tuple[pd.Series, list[str]]:
    """ISO3 of each economy name (each distinct name looked up once); names the crosswalk
    does not know are reported with their first row, not dropped silently."""
    found: dict[str, str | None] = {}
    unknown: list[str] = []
    for row, name in zip(names.index, names.str.strip(), strict=True):
        if name in found:
            continue
        try:
            found[name] = countries.to_iso3(name)
        except UnknownCountryError:
            found[name] = None
            unknown.append(f"{name!r} (row {int(row) + 2})")
    return names.str.strip().map(found), unknown


def _years(values: pd.Series, path: Path) -> pd.Series:
    years = to_number(values, path=path, column="Year", point_only=True)
    bad = (years.isna() | (years % 1 != 0)).to_numpy().nonzero()[0]
    if len(bad):
        raise InputError(f"Not a year: {values.iloc[bad[0]]!r}.",
                         where=f"{path}, row {int(bad[0]) + 2}, column 'Year'",
                         fix="Every row needs the GII edition year (e.g. 2022).")
    return years.astype(int)


def _check_scores(long: pd.DataFrame, path: Path) -> None:
    """GII scores are on 0-100; anything else is a shifted column or a unit change."""
    bad = (long["score"] < 0) | (long["score"] > 100)
    if bad.any():
        first = long[bad].iloc[0]
        raise InputError(f"Score {first['score']:g} of {first['iso3']} {first['edition']} "
                         f"({first['name']}) is outside 0-100.", where=str(path),
                         fix="Use the panel as published (`;` separated, decimal commas).")
