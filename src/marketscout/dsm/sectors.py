"""Names and sector roll-ups of DSM results: what an analyst plans "sector promotion" from.

* Product names: the HS6 descriptions of the store's `baci_product` table (BACI's product
  list); market names from the country crosswalk.
* HS sections and chapters: `hs_sections.csv` beside this module holds the 21 sections of the
  Harmonized System with their chapter ranges. Source: World Customs Organization, Harmonized
  Commodity Description and Coding System, section titles as in the 1992 edition (HS92, the
  revision of BACI HS92; later editions change only section III's wording). Chapter 77 is
  reserved within section XV; codes in chapters 98-99 (national use) fall in no section.
* A user's sector mapping: a CSV with columns `hs` (an HS code of 2 to 6 digits, or a range of
  codes of one length such as `8401-8487`) and `sector` (the label). A product takes the most
  specific entry that covers it (longest code); overlapping entries of the same length are an
  error naming both rows; products no entry covers are "(not mapped)".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from marketscout import countries
from marketscout.errors import InputError
from marketscout.store import Store

SECTIONS_FILE = Path(__file__).with_name("hs_sections.csv")
SECTIONS_SOURCE = ("WCO Harmonized System nomenclature, 1992 edition (section titles and "
                   "chapter ranges)")
NOT_MAPPED = "(not mapped)"
MEASURES = ("opportunities", "import_value", "home_exports", "untapped_potential")


@lru_cache(maxsize=1)
def sections() -> pd.DataFrame:
    """The 21 HS sections: section, numeral, first_chapter, last_chapter, title."""
    return pd.read_csv(SECTIONS_FILE)


def section_of(product: str) -> tuple[str, str]:
    """(numeral, title) of an HS6 code's section; ('', '') for chapters in none."""
    return _by_chapter().get(int(str(product)[:2]), ("", ""))


@lru_cache(maxsize=1)
def _by_chapter() -> dict[int, tuple[str, str]]:
    """Chapter -> (numeral, title), from the sections' chapter ranges (looked up per row)."""
    table = sections()
    return {chapter: (str(numeral), str(title))
            for numeral, title, first, last in zip(table["numeral"], table["title"],
                                                   table["first_chapter"],
                                                   table["last_chapter"], strict=True)
            for chapter in range(int(first), int(last) + 1)}


def product_names(store: Store | None, codes: list[str]) -> dict[str, str]:
    """HS6 code -> description from the store's baci_product table (missing where unknown)."""
    if store is None or not codes:
        return {}
    found = store.query("SELECT code, any_value(description) AS d FROM baci_product "
                        "WHERE code IN (SELECT unnest(?)) GROUP BY code", [sorted(set(codes))])
    return dict(zip(found["code"].astype(str), found["d"].astype(str), strict=True))


def insert_after(frame: pd.DataFrame, after: str, name: str, values: Any) -> None:
    """Insert column `name` right after column `after` (in place)."""
    frame.insert(list(frame.columns).index(after) + 1, name, values)


def name_frame(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """`market_name` after market and `product_name` after product, where present."""
    out = frame.copy()
    if "product" in out.columns:
        codes = out["product"].astype(str)
        insert_after(out, "product", "product_name",
                     codes.map(lambda c: names.get(c, "")).astype(object))
    if "market" in out.columns:
        markets = out["market"].astype(str)
        labels = {m: "all markets" if m == "ALL" else countries.name(m)
                  for m in markets.unique()}
        insert_after(out, "market", "market_name", markets.map(labels).astype(object))
    return out


@dataclass(frozen=True)
class SectorMap:
    """A user's mapping of HS codes or ranges to sector labels (see the module doc)."""

    entries: tuple[tuple[str, str, str], ...]  # (low code, high code, label), one length
    source: str

    def label(self, product: str) -> str:
        best, size = NOT_MAPPED, 0
        for low, high, label in self.entries:
            part = str(product)[:len(low)]
            if low <= part <= high and len(low) > size:
                best, size = label, len(low)
        return best


def read_sector_map(path: Path | str) -> SectorMap:
    """Read and check a sector mapping CSV; every error names the file and row."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"Sector mapping file not found: {path}.", where=str(path),
                         fix="Pass a CSV with columns hs, sector (e.g. 84,Machinery).")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or not {"hs", "sector"} <= {k.strip().lower() for k in rows[0]}:
        raise InputError("The sector mapping needs the columns hs and sector.", where=str(path),
                         fix="First line: hs,sector; then e.g. 8401-8487,Machinery.")
    entries: list[tuple[str, str, str]] = []
    for n, row in enumerate(rows, start=2):
        clean = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        entries.append(_entry(clean["hs"], clean["sector"], f"{path}, row {n}"))
    _check_overlaps(entries, str(path))
    return SectorMap(tuple(entries), str(path))


def _entry(code: str, label: str, where: str) -> tuple[str, str, str]:
    low, _, high = code.partition("-")
    low, high = low.strip(), (high.strip() or low.strip())
    ok = (low.isdigit() and high.isdigit() and len(low) == len(high)
          and 2 <= len(low) <= 6 and low <= high)
    if not ok or not label:
        raise InputError(f"Bad sector mapping entry {code!r} -> {label!r}.", where=where,
                         fix="hs: an HS code of 2-6 digits or a range of equal length "
                         "(8401-8487); sector: a label.")
    return low, high, label


def _check_overlaps(entries: list[tuple[str, str, str]], where: str) -> None:
    for k, (lo_a, hi_a, a) in enumerate(entries):
        for lo_b, hi_b, b in entries[k + 1:]:
            if len(lo_a) == len(lo_b) and lo_a <= hi_b and lo_b <= hi_a and a != b:
                raise InputError(f"Sector mapping entries {lo_a}-{hi_a} ({a}) and {lo_b}-{hi_b} "
                                 f"({b}) overlap.", where=where,
                                 fix="Give each code one sector at each level of detail.")


def rollup(opportunities: pd.DataFrame, by: str | SectorMap = "section") -> pd.DataFrame:
    """Per market and group, and for all markets together (market 'ALL'): opportunities,
    imports, home exports and untapped potential (thousand USD); `by` is 'section',
    'chapter' or a SectorMap."""
    frame = opportunities.assign(opportunities=1)
    codes = frame["product"].astype(str)
    if isinstance(by, SectorMap):
        frame["group"] = codes.map(by.label)
        keys = ["group"]
    elif by == "chapter":
        frame["group"] = codes.str[:2]
        numerals = {c: section_of(c)[0] for c in codes.unique()}
        frame["section"] = codes.map(numerals)
        keys = ["group", "section"]
    elif by == "section":
        labels = {c: section_of(c) for c in codes.unique()}
        frame["group"] = codes.map(lambda c: labels[c][0])
        frame["title"] = codes.map(lambda c: labels[c][1])
        keys = ["group", "title"]
    else:
        raise InputError(f"Unknown roll-up {by!r}.", where="--by",
                         fix="Use section, chapter or a sector mapping CSV.")
    per_market = frame.groupby(["market", *keys], dropna=False)[list(MEASURES)].sum()
    everywhere = frame.groupby(keys, dropna=False)[list(MEASURES)].sum()
    everywhere = pd.concat({"ALL": everywhere}, names=["market"])
    out = pd.concat([everywhere, per_market]).reset_index()
    name = "sector" if isinstance(by, SectorMap) else f"hs_{by}"
    out = out.rename(columns={"group": name})
    out["_rest"] = out["market"] != "ALL"  # the whole list first, then market by market
    out = out.sort_values(["_rest", "market", "untapped_potential"],
                          ascending=[True, True, False])
    return out.drop(columns="_rest").reset_index(drop=True)
