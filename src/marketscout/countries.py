"""The one country crosswalk. ISO3 is the canonical key.

Names and ISO codes come from the `country_converter` package; this module adds the codes
publishers use that it does not know (BACI numerics, old CEPII codes, World Bank aggregates)
and the rule that a name must match a whole country name, never a part of one.
"""

from __future__ import annotations

import difflib
import json
import logging
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import country_converter as coco
import pandas as pd

from marketscout.errors import UnknownCountryError

# Codes that publishers use and country_converter does not.
EXTRA_CODES: dict[str, str] = {
    # CORDIS uses EU protocol order codes
    "EL": "GRC",
    "UK": "GBR",
    # country_converter's ISO2 column holds regexes for these two (^GR$|^EL$, ^GB$|^UK$),
    # so the plain ISO 3166-1 codes would not be found in the code index
    "GR": "GRC",
    "GB": "GBR",
    # World Bank and CORDIS code for Kosovo
    "XKX": "XKX",
    "XK": "XKX",
    "KOS": "XKX",
    # Old CEPII GeoDist codes (Mayer and Zignago 2011)
    "ROM": "ROU",
    "ZAR": "COD",
    "TMP": "TLS",
    "PAL": "PSE",
    "YUG": "SRB",  # CEPII's Yugoslavia row: the successor state holding the capital
    # Channel Islands in World Bank data
    "CHI": "CHI",
}

# BACI numeric codes that differ from UN M49 (CEPII BACI country_codes, V202301).
BACI_CODES: dict[int, str] = {
    490: "TWN",  # "Other Asia, nes" in UN Comtrade is Taiwan
    251: "FRA",
    699: "IND",
    757: "CHE",
    842: "USA",
    579: "NOR",
    58: "BEL",  # Belgium-Luxembourg before 1999
    711: "ZAF",  # Southern African Customs Union in older HS92 years
    891: "SRB",  # Serbia and Montenegro before 2006
}

# World Bank aggregate codes (regions, income and lending groups, World).
AGGREGATE_CODES: frozenset[str] = frozenset(
    """AFE AFW ARB CEB CSS EAP EAR EAS ECA ECS EMU EUU FCS HIC HPC IBD IBT IDA IDB IDX INX LAC
    LCN LDC LIC LMC LMY LTE MEA MIC MNA NAC OED OSS PRE PSS PST SAS SSA SSF SST TEA TEC TLA TMN
    TSA TSS UMC WLD EU27 EU28 EA19 EA20 EU OECD""".split()  # noqa: SIM905
)

# Names of aggregates: matched as whole words after normalisation.
_AGGREGATE_PATTERNS = re.compile(
    r"^(world|total|eu ?27|eu ?28|european union|euro area|oecd|all countries)\b"
    r"|\bincome\b|\bexcluding\b|\bincluding\b|\b(ida|ibrd)\b|\bsmall states\b"
    r"|\bdemographic\b|\bdividend\b|\bfragile\b|\bheavily indebted\b|\bleast developed\b"
    r"|\b(sub saharan|middle east|latin america|east asia|south asia|central asia|north america"
    r"|central europe|europe and|africa eastern|africa western|arab world|caribbean small)\b"
    r"|\bnes\b(?<!other asia nes)|\bbunkers\b|\bfree zones\b|\bspecial categories\b",
)

# Economies with their own statistics that are not UN members; candidates by default.
SEPARATE_ECONOMIES: frozenset[str] = frozenset({"TWN", "HKG", "MAC", "XKX", "PSE"})

# Spellings seen in publishers' files that country_converter does not match by itself.
EXTRA_NAMES: dict[str, str] = {
    "other asia nes": "TWN",
    "kosovo": "XKX",
    "china hong kong sar": "HKG",
    "china macao sar": "MAC",
    "taiwan province of china": "TWN",
    "chinese taipei": "TWN",
    "turkiye": "TUR",
    "usa": "USA",
    "u s": "USA",
    "uae": "ARE",
}


def _normalise(text: str) -> str:
    """Lower case, strip accents, '(the)' and punctuation, fold spaces."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.lower().replace("(the)", " ").replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


@cache
def _converter() -> coco.CountryConverter:
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


_COLUMNS = ["ISO3", "ISO2", "ISOnumeric", "name_short", "name_official", "UNmember",
            "continent"]
_NUMBERS = ("ISOnumeric", "UNmember")  # nullable integers (pandas Int64); the rest is text


@cache
def _table() -> pd.DataFrame:
    """country_converter's table, read from a JSON copy in the cache folder when one exists for
    the installed package's data file (building the converter costs ~0.1 s per process)."""
    path = _cached_table_path()
    table = _read_cached_table(path) if path else None
    if table is None:
        table = _converter_table()
        if path:
            _write_cached_table(table, path)
    return table


def _converter_table() -> pd.DataFrame:
    table = _converter().data[_COLUMNS].copy()
    table["ISOnumeric"] = pd.to_numeric(table["ISOnumeric"], errors="coerce")
    return table.set_index("ISO3", drop=False)


def _cached_table_path() -> Path | None:
    """The cache file named after country_converter's version and its data file's size and
    modification time, so that a new or changed package is read afresh; None if unknown."""
    from marketscout.settings import load_settings

    try:
        data = Path(coco.country_converter.COUNTRY_DATA_FILE).stat()
        folder = load_settings().cache_dir / "countries"
    except Exception:  # no data file or unreadable settings: build from the package
        return None
    return folder / f"table-{coco.__version__}-{data.st_size}-{data.st_mtime_ns}.json"


def _read_cached_table(path: Path) -> pd.DataFrame | None:
    try:
        columns = json.loads(path.read_text(encoding="utf-8"))["columns"]
        table = pd.DataFrame({name: columns[name] for name in _COLUMNS})
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged: rebuilt from the package
    table = table.astype({name: "Int64" for name in _NUMBERS})
    return table.set_index("ISO3", drop=False)


def _write_cached_table(table: pd.DataFrame, path: Path) -> None:
    columns = {name: [None if pd.isna(v) else (int(v) if name in _NUMBERS else str(v))
                      for v in table[name]] for name in _COLUMNS}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"columns": columns}), encoding="utf-8")
        tmp.replace(path)  # never half a file under the final name
    except OSError:
        pass  # a read-only cache only costs the time to build the table again


@cache
def _name_index() -> dict[str, str]:
    """Normalised full names -> ISO3, for exact (whole-name) matching and suggestions."""
    index: dict[str, str] = {}
    for row in _table().itertuples(index=False):
        for name in (row.name_short, row.name_official):
            if isinstance(name, str):
                index[_normalise(name)] = str(row.ISO3)
    index.update(EXTRA_NAMES)
    return index


@cache
def _code_index() -> dict[str, str]:
    index: dict[str, str] = {}
    table = _table()
    for iso3, iso2 in zip(table["ISO3"], table["ISO2"], strict=True):
        index[str(iso3).upper()] = str(iso3)
        if isinstance(iso2, str):
            index[iso2.upper()] = str(iso3)
    index.update(EXTRA_CODES)
    return index


@cache
def _m49_index() -> dict[int, str]:
    table = _table().dropna(subset=["ISOnumeric"])
    return {int(n): str(iso3) for n, iso3 in zip(table["ISOnumeric"], table["ISO3"], strict=True)}


def country_table() -> pd.DataFrame:
    """The crosswalk's country list (a copy): ISO3, ISO2, ISOnumeric, names, UNmember, continent."""
    return _table().copy()


def is_aggregate(value: str) -> bool:
    """True for World, EU27, regions, income groups and other non-country rows."""
    text = str(value).strip()
    if text.upper() in AGGREGATE_CODES:
        return True
    return bool(_AGGREGATE_PATTERNS.search(_normalise(text)))


def _lookup(value: str) -> str | None:
    text = str(value).strip()
    if not text:
        return None
    if text.isdigit():
        return _m49_index().get(int(text))
    code = _code_index().get(text.upper()) if len(text) <= 4 and " " not in text else None
    if code:
        return code
    key = _normalise(text)
    if key in _name_index():
        return _name_index()[key]
    # country_converter's regexes know many spellings ("Korea, Rep.", "Iran (Islamic ...)").
    # Accept its answer only when the match starts the name: a qualifier may follow
    # ("Hong Kong, China") but none may precede, so "New Mexico" is not Mexico.
    found = _converter().convert(text, src="regex", to="ISO3", not_found=None)
    if isinstance(found, str) and found != text:
        pattern = _converter().data.set_index("ISO3").loc[found, "regex"]
        match = re.search(str(pattern), text, flags=re.IGNORECASE)
        if match and _normalise(text[: match.start()]) in ("", "the"):
            return found
    return None


def suggestions(value: str, n: int = 3) -> list[str]:
    """The closest known country names, for error messages."""
    names = {_normalise(str(name)): str(name) for name in _table()["name_short"]}
    close = difflib.get_close_matches(_normalise(value), list(names), n=n, cutoff=0.5)
    return [names[c] for c in close]


def to_iso3(value: str | int, *, where: str | None = None) -> str:
    """Map a name or code to ISO3; an unknown value raises with the closest known names."""
    found = from_baci(value) if isinstance(value, int) else _lookup(value)
    if found is None:
        close = suggestions(str(value))
        hint = f"Did you mean {', '.join(close)}?" if close else "No similar name is known."
        raise UnknownCountryError(
            f"Unknown country {value!r}. {hint}",
            where=where,
            fix="Use an ISO3 code (e.g. LTU) or a standard English name.",
        )
    return found


def to_iso3_many(values: Iterable[object], *, where: str | None = None) -> list[str | None]:
    """Map many values; aggregates give None, anything unknown raises (the first one found)."""
    out: list[str | None] = []
    memo: dict[str, str | None] = {}
    for i, value in enumerate(values):
        text = str(value).strip()
        if text not in memo:
            if is_aggregate(text) and _lookup(text) is None:
                memo[text] = None
            else:
                place = f"{where}, row {i + 1}" if where else f"row {i + 1}"
                memo[text] = to_iso3(text, where=place)
        out.append(memo[text])
    return out


def from_baci(code: int) -> str:
    """ISO3 for a BACI numeric country code (M49 with CEPII's own exceptions)."""
    if code in BACI_CODES:
        return BACI_CODES[code]
    found = _m49_index().get(int(code))
    if found is None:
        raise UnknownCountryError(
            f"Unknown BACI/M49 country code {code}.",
            fix="Check the BACI country_codes table of the release you use.",
        )
    return found


def name(iso3: str) -> str:
    """The short English name of an ISO3 code (the code itself when unknown)."""
    return _short_names().get(iso3, iso3)


@cache
def _short_names() -> dict[str, str]:
    table = _table()
    return {**{str(k): str(v) for k, v in zip(table["ISO3"], table["name_short"], strict=True)},
            "XKX": "Kosovo"}


def candidates(home: str, exclude: Sequence[str] = ()) -> list[str]:
    """Candidate markets: UN members plus separate economies, minus home and exclusions."""
    table = _table()
    members = set(table.loc[table["UNmember"].notna(), "ISO3"].astype(str))
    excluded = {to_iso3(x) for x in exclude} | {to_iso3(home)}
    return sorted((members | SEPARATE_ECONOMIES) - excluded)
