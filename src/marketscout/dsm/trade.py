"""Trade data for the DSM: where the rows are, checking them, and one view `flows` over them.

Three layouts are read without loading them into Python:

* BACI (CEPII): columns t, i, j, k, v[, q]; BACI numeric country codes, HS6 codes as numbers
  (so 010111 arrives as 10111), values in thousand USD;
* marketscout: columns year, exporter, importer, product, value; ISO3 codes, HS6 codes as text
  (what `sources.baci.parse_trade` writes, and `convert_baci_csv` stores as Parquet);
* the store's `trade_flow` table (marketscout layout).

Files may be Parquet or CSV, given as paths, folders or globs (`dsm.relation`). The view
`flows(year, exporter, importer, product, value)` carries integer country ids `cid` (table
`country`: cid -> ISO3) and the HS6 code as stored (number or text; the engine casts it to an
integer after grouping, and `check_products` checks it). Rows for the same flow are summed
by every step that uses them; flows from a country to itself are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from marketscout import countries
from marketscout.dsm.relation import (
    PROVENANCE_KEY,
    Relation,
    TradeSource,
    exporters_by_year,
    file_metadata,
    kind,
    layout_columns,
    quote,
    relation,
)
from marketscout.errors import InputError, UnknownCountryError
from marketscout.provenance import Provenance
from marketscout.sources.baci import NON_COUNTRY_CODES

if TYPE_CHECKING:
    import duckdb

__all__ = ["PROVENANCE_KEY", "TradeInfo", "TradeSource", "check_products", "exporters_by_year",
           "open_flows"]

@dataclass(frozen=True)
class TradeInfo:
    """What `open_flows` found: the years present, notes on dropped rows, the home's id."""

    years: tuple[int, ...]
    home_cid: int | None
    notes: tuple[str, ...] = ()
    synthetic: bool = False
    layout: str = "baci"
    provenance: tuple[Provenance, ...] = ()
    relation: Relation | None = field(default=None, repr=False)


def open_flows(
    con: duckdb.DuckDBPyConnection, source: TradeSource, first: int, last: int, home: str | None,
) -> TradeInfo:
    """Check the rows of years first..last and create the TEMP view `flows` and table `country`."""
    rel = relation(con, source)
    scan = _scan(con, rel, first, last)
    home_cid = _country_table(con, rel, scan, home)
    _create_view(con, rel, first, last, scan.dropped)
    synthetic, provenance = file_metadata(con, rel)
    return TradeInfo(years=scan.years, home_cid=home_cid, notes=tuple(scan.notes),
                     synthetic=source.synthetic or synthetic, layout=rel.layout,
                     provenance=provenance, relation=rel)


@dataclass(frozen=True)
class _Scan:
    """One pass over the rows of the window: years, problems, and the distinct codes."""

    years: tuple[int, ...]
    codes: list[Any]
    dropped: list[int]
    notes: list[str]


def _scan(con: duckdb.DuckDBPyConnection, rel: Relation, first: int, last: int) -> _Scan:
    """Years present and distinct country codes in one scan; clear errors for missing or
    negative values and unknown countries (product codes: `check_products`, after grouping)."""
    c = layout_columns(rel.layout)
    # Product codes (text, costly to read) are checked on the grouped tables instead.
    missing = " OR ".join(f"{c[k]} IS NULL" for k in ("year", "exporter", "importer", "value"))
    window = f"{c['year']} BETWEEN {first} AND {last}"
    try:
        row = con.execute(_scan_sql(rel, c, missing, window)).fetchone()
    except Exception as exc:  # conversion errors name the bad text; keep duckdb's words
        raise InputError(f"The trade data cannot be read: {exc}", where=rel.where,
                         fix="Every row needs numbers in year, value and the code columns.",
                         ) from exc
    assert row is not None
    years, n_missing, n_negative, exporters, importers = row
    if n_missing:
        _fail(con, rel, "missing value", n_missing, f"({missing}) AND {window}")
    if n_negative:
        _fail(con, rel, "negative value", n_negative, f"{c['value']} < 0 AND {window}")
    codes = sorted({*(exporters or []), *(importers or [])}, key=str)
    mapping_notes = _drops(con, rel, codes, window)
    return _Scan(tuple(sorted(int(y) for y in (years or []))), codes, *mapping_notes)


def _scan_sql(rel: Relation, c: dict[str, str], missing: str, window: str) -> str:
    """One query for `_scan`: years, missing and negative values, distinct country codes."""
    distinct = (f"list(DISTINCT {c['year']}), {{}}, {{}}, list(DISTINCT {c['exporter']}), "
                f"list(DISTINCT {c['importer']})")
    if rel.files and kind(rel.files[0]) == "parquet":
        # Parquet: one count per condition, so that the files' statistics (null counts,
        # minimum value) answer them without reading the rows (about 1 s of 2 at 48M rows).
        nulls = " + ".join(f"(SELECT count(*) FROM {rel.sql} WHERE {window} AND {c[k]} IS NULL)"
                           for k in ("year", "exporter", "importer", "value"))
        negative = f"(SELECT count(*) FROM {rel.sql} WHERE {window} AND {c['value']} < 0)"
        return f"SELECT {distinct.format(nulls, negative)} FROM {rel.sql} WHERE {window}"
    counts = (f"count(*) FILTER (WHERE {missing})", f"count(*) FILTER (WHERE {c['value']} < 0)")
    return f"SELECT {distinct.format(*counts)} FROM {rel.sql} WHERE {window}"


def check_products(con: duckdb.DuckDBPyConnection, info: TradeInfo, table: str) -> None:
    """Every HS6 code in a grouped table has 5 or 6 digits; else an error naming a file."""
    row = con.execute(f"SELECT min(product), max(product), count(*) FILTER "
                      f"(WHERE product IS NULL) FROM {table}").fetchone()
    rel = info.relation
    assert row is not None and rel is not None
    c = layout_columns(rel.layout)
    if row[2]:
        cond = f"{c['product']} IS NULL"
        _fail(con, rel, "missing value", _count_rows(con, rel, cond), cond)
    if row[0] is None or (_is_hs6(row[0]) and _is_hs6(row[1])):
        return
    bad = row[0] if not _is_hs6(row[0]) else row[1]
    cond = f"CAST({c['product']} AS INTEGER) = {int(bad)}"
    _fail(con, rel, "product code that is not HS6", _count_rows(con, rel, cond), cond)


def _is_hs6(code: Any) -> bool:
    """Six digits, or five where a leading zero was lost (BACI writes 010111 as 10111)."""
    if isinstance(code, int):
        return 10_000 <= code <= 999_999
    text = str(code)
    return text.isdigit() and text.isascii() and len(text) in (5, 6)


def _count_rows(con: duckdb.DuckDBPyConnection, rel: Relation, cond: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {rel.sql} WHERE {cond}").fetchone()
    return int(row[0]) if row else 0


def _fail(con: duckdb.DuckDBPyConnection, rel: Relation, what: str, count: int,
          cond: str) -> None:
    """Raise naming the first offending row: its file and its year, codes and value."""
    c = layout_columns(rel.layout)
    pick = ", ".join(f"{v}" for v in c.values())
    source = "filename" if rel.files else "'trade_flow'"
    found = con.execute(f"SELECT {source}, {pick} FROM {rel.sql} WHERE {cond} LIMIT 1").fetchone()
    assert found is not None
    shown = ", ".join(f"{name} = {value}" for name, value in zip(c.values(), found[1:],
                                                                strict=True))
    fixes = {
        "missing value": "Every row needs year, exporter, importer, product and value.",
        "negative value": "Trade values cannot be negative; fix or remove the row.",
        "product code that is not HS6": "Product codes have six digits (five where a leading "
                                        "zero was lost); aggregate other levels to HS6 first.",
    }
    raise InputError(f"{count} trade row(s) with a {what}, e.g. {shown}.",
                     where=str(found[0]) if rel.files else rel.where, fix=fixes[what])


def _country_table(
    con: duckdb.DuckDBPyConnection, rel: Relation, scan: _Scan, home: str | None,
) -> int | None:
    """TEMP tables `code_map` (source code -> cid) and `country` (cid -> ISO3)."""
    mapping = _map_codes(con, rel, [c for c in scan.codes if c not in scan.dropped])
    cids: dict[str, int] = {}
    for code, iso in mapping.items():
        cids.setdefault(iso, int(code) if rel.layout == "baci" else len(cids) + 1)
    if home and home not in cids:  # a home without trade still gets an id
        cids[home] = max(cids.values(), default=0) + 1
    code_type = "INTEGER" if rel.layout == "baci" else "VARCHAR"
    _table(con, "code_map", f"code {code_type}, cid INTEGER",
           [(code, cids[iso]) for code, iso in mapping.items()])
    _table(con, "country", "cid INTEGER, iso3 VARCHAR", [(v, k) for k, v in cids.items()])
    return cids[home] if home else None


def _table(con: duckdb.DuckDBPyConnection, name: str, columns: str,
           rows: list[tuple[Any, Any]]) -> None:
    """A small TEMP table from Python rows, in one statement (row-wise inserts are slow)."""
    names = [c.split()[0] for c in columns.split(", ")]
    types = [c.split()[1] for c in columns.split(", ")]
    typed = ", ".join(f"CAST(v{n} AS {t}) AS {c}"
                      for n, (c, t) in enumerate(zip(names, types, strict=True)))
    if rows:
        marks = ", ".join("(" + ", ".join("?" * len(names)) + ")" for _ in rows)
        aliases = ", ".join(f"v{n}" for n in range(len(names)))
        values = f"(VALUES {marks}) AS v({aliases})"
    else:
        values = "(SELECT " + ", ".join(f"NULL AS v{n}" for n in range(len(names))) + \
            ") WHERE false"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {typed} FROM {values}",
                [v for row in rows for v in row])


def _map_codes(con: duckdb.DuckDBPyConnection, rel: Relation, codes: list[Any],
               ) -> dict[Any, str]:
    """Source codes -> ISO3; an unknown code raises, naming a file that holds it."""
    mapping: dict[Any, str] = {}
    c = layout_columns(rel.layout)
    for code in codes:
        try:
            if rel.layout == "baci":
                mapping[code] = countries.from_baci(int(code))
            elif countries.to_iso3(str(code)) == code:
                mapping[code] = code
            else:
                raise UnknownCountryError(f"{code!r} is not an ISO3 code.")
        except UnknownCountryError as exc:
            cond = f"{c['exporter']} = {_literal(code)} OR {c['importer']} = {_literal(code)}"
            raise UnknownCountryError(
                f"Unknown country code {code!r} in the trade data.",
                where=_where_code(con, rel, cond),
                fix=exc.fix or "Use BACI numeric codes (layout t,i,j,k,v) or ISO3 codes "
                "(layout year,exporter,importer,product,value).") from exc
    return mapping


def _drops(con: duckdb.DuckDBPyConnection, rel: Relation, codes: list[Any],
           window: str) -> tuple[list[int], list[str]]:
    """BACI's "nes" partner groupings, which are no country: dropped, with a note."""
    if rel.layout != "baci":
        return [], []
    dropped = [int(code) for code in codes if int(code) in NON_COUNTRY_CODES]
    if not dropped:
        return [], []
    c = layout_columns(rel.layout)
    listed = ", ".join(str(d) for d in dropped)
    count, value = con.execute(
        f"SELECT count(*), sum({c['value']}) FROM {rel.sql} WHERE ({c['exporter']} IN "
        f"({listed}) OR {c['importer']} IN ({listed})) AND {window}").fetchone() or (0, 0)
    names = ", ".join(f"{d} {NON_COUNTRY_CODES[d]}" for d in dropped)
    return dropped, [f"Dropped {count} flows worth {value or 0:,.1f} thousand USD with "
                     f"partners that are no country ({names})."]


def _literal(code: Any) -> str:
    return str(int(code)) if isinstance(code, int) else quote(str(code))


def _where_code(con: duckdb.DuckDBPyConnection, rel: Relation, cond: str) -> str:
    if not rel.files:
        return rel.where
    found = con.execute(f"SELECT filename FROM {rel.sql} WHERE {cond} LIMIT 1").fetchone()
    return str(found[0]) if found else rel.where


def _create_view(
    con: duckdb.DuckDBPyConnection, rel: Relation, first: int, last: int, dropped: list[int],
) -> None:
    """`flows`: one row per source row in years first..last, countries as integer ids."""
    c = layout_columns(rel.layout)
    identity = rel.layout == "baci" and not con.execute(
        "SELECT count(*) FROM code_map WHERE code <> cid").fetchone()[0]  # type: ignore[index]
    if identity:  # BACI codes are the ids: no join (the fast path for full BACI years)
        listed = ", ".join(str(d) for d in dropped)
        skip = f" AND i NOT IN ({listed}) AND j NOT IN ({listed})" if dropped else ""
        con.execute(f"""CREATE OR REPLACE TEMP VIEW flows AS
            SELECT CAST(t AS INTEGER) AS year, CAST(i AS INTEGER) AS exporter,
                   CAST(j AS INTEGER) AS importer, k AS product,
                   CAST(v AS DOUBLE) AS value
            FROM {rel.sql}
            WHERE t BETWEEN {first} AND {last} AND i <> j{skip}""")
        return
    con.execute(f"""CREATE OR REPLACE TEMP VIEW flows AS
        SELECT CAST(f.{c['year']} AS INTEGER) AS year, e.cid AS exporter, m.cid AS importer,
               f.{c['product']} AS product, CAST(f.{c['value']} AS DOUBLE) AS value
        FROM {rel.sql} f
        JOIN code_map e ON e.code = f.{c['exporter']}
        JOIN code_map m ON m.code = f.{c['importer']}
        WHERE f.{c['year']} BETWEEN {first} AND {last} AND e.cid <> m.cid""")
