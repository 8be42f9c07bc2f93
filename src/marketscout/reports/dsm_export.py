"""A DSM run as JSON, CSV, Excel or Parquet: the same content, each naming source and year.

Synthetic runs say so in every format (a `synthetic` flag and a first warning line).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from marketscout import __version__
from marketscout.dsm.engine import DSMResult
from marketscout.dsm.results import REASONS, config_rows, describe_reason
from marketscout.dsm.sectors import (
    SECTIONS_SOURCE,
    SectorMap,
    insert_after,
    name_frame,
    rollup,
    section_of,
)
from marketscout.jsonable import clean
from marketscout.reports.dsm_columns import (
    FUNNEL_COLUMNS,
    MARKET_COLUMNS,
    PAIR_COLUMNS,
    ROLLUP_COLUMNS,
)

SCHEMA = "marketscout.dsm-run/1"
# The workbook keeps the first 100,000 excluded product-markets (a full BACI year has about a
# million, near a sheet's 1,048,576 rows): the whole list goes to Parquet or JSON.
XLSX_MAX_EXCLUDED = 100_000


def about(result: DSMResult) -> dict[str, Any]:
    """Who, when, from what: home, year, trade source, provenance, warnings, parameters."""
    return clean({
        "schema": SCHEMA, "marketscout": __version__, "home": result.home,
        "year": result.year, "synthetic": result.synthetic, "trade": result.source,
        "years_in_trade_data": list(result.years), "values": "thousand USD (BACI)",
        "warnings": list(result.warnings),
        "sources": [p.to_dict() for p in result.sources],
        "config": result.config.as_dict(),
    })


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (missing values become None)."""
    return [clean(r) for r in frame.astype(object).to_dict("records")]


def named(result: DSMResult, frame: pd.DataFrame,
          sectors: SectorMap | None = None) -> pd.DataFrame:
    """A result frame with market and product names (and the HS section, and the user's
    sector where a mapping is given, for frames with products)."""
    out = name_frame(frame, dict(result.product_names))
    if "product" in out.columns and len(out):
        codes = out["product"].astype(str)
        sections = {c: section_of(c)[0] for c in codes.unique()}
        insert_after(out, "product_name", "hs_section", codes.map(sections).astype(object))
        if sectors is not None:
            insert_after(out, "hs_section", "sector", codes.map(sectors.label).astype(object))
    return out


def rollups(result: DSMResult, sectors: SectorMap | None = None) -> dict[str, pd.DataFrame]:
    """The opportunities rolled up by HS section and chapter (and sector), per market and for
    all markets together (market 'ALL')."""
    out = {"by_section": rollup(result.opportunities, "section"),
           "by_chapter": rollup(result.opportunities, "chapter")}
    if sectors is not None:
        out["by_sector"] = rollup(result.opportunities, sectors)
    return {k: name_frame(v, {}) for k, v in out.items()}


def to_payload(result: DSMResult, sectors: SectorMap | None = None) -> dict[str, Any]:
    """Everything of a run as one JSON-ready document."""
    return about(result) | {
        "funnel": records(result.funnel),
        "markets": records(named(result, result.markets)),
        "opportunities": records(named(result, result.opportunities, sectors)),
        "excluded": records(named(result, result.excluded, sectors)),
        "reasons": {code: describe_reason(code) for code in REASONS},
        "hs_sections_source": SECTIONS_SOURCE,
        **{k: records(v) for k, v in rollups(result, sectors).items()},
    }


def to_json(result: DSMResult, sectors: SectorMap | None = None) -> str:
    return json.dumps(to_payload(result, sectors), indent=1, ensure_ascii=False) + "\n"


def opportunities_table(result: DSMResult, sectors: SectorMap | None = None) -> pd.DataFrame:
    """The opportunities with names, home, year and source on every row (CSV and Parquet)."""
    frame = named(result, result.opportunities, sectors)
    frame.insert(0, "home", result.home)
    frame.insert(1, "year", result.year)
    frame["source"] = ("SYNTHETIC " if result.synthetic else "") + result.source
    return frame


def to_csv(result: DSMResult, sectors: SectorMap | None = None) -> str:
    """The opportunities as plain CSV text: human headers with units, rounded values."""
    from marketscout.reports.csvfile import csv_text

    return csv_text(opportunities_table(result, sectors), PAIR_COLUMNS)


def write_csv(result: DSMResult, path: Path, sectors: SectorMap | None = None) -> Path:
    """The opportunities CSV and its FILE.meta.json (source, warnings, parameters)."""
    from marketscout.reports import csvfile

    return csvfile.write_csv(path, opportunities_table(result, sectors), PAIR_COLUMNS,
                             meta=about(result))


def to_parquet(result: DSMResult, path: Path, sectors: SectorMap | None = None) -> list[Path]:
    """Opportunities to `path`; markets and excluded product-markets beside it."""
    path = Path(path)
    stem = path.with_suffix("")
    written = [path, Path(f"{stem}_markets.parquet"), Path(f"{stem}_excluded.parquet")]
    meta = {"marketscout.dsm": json.dumps(about(result))}
    frames = (opportunities_table(result, sectors), named(result, result.markets),
              named(result, result.excluded, sectors))
    for frame, target in zip(frames, written, strict=True):
        _write_parquet(frame, target, meta)
    return written


def _write_parquet(frame: pd.DataFrame, path: Path, meta: dict[str, str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    merged = dict(table.schema.metadata or {}) | {k.encode(): v.encode() for k, v in meta.items()}
    pq.write_table(table.replace_schema_metadata(merged), path, compression="zstd")


def to_xlsx(result: DSMResult, path: Path, sectors: SectorMap | None = None,
            progress: bool = True) -> Path:
    """A workbook through the shared writer: About (source, warnings), Funnel, Markets,
    Opportunities, By section, By chapter (By sector), Excluded (the first 100,000), Config."""
    from marketscout.reports.workbook import Sheet, write_workbook

    facts: list[tuple[str, Any]] = [
        ("home", result.home), ("year", result.year), ("synthetic", result.synthetic),
        ("trade data", result.source), ("values", "thousand USD (BACI)"),
        ("HS sections", SECTIONS_SOURCE)]
    facts += [("source", p.cite()) for p in result.sources]
    excluded = result.excluded
    if len(excluded) > XLSX_MAX_EXCLUDED:
        facts.append(("note", f"Excluded: the first {XLSX_MAX_EXCLUDED:,} of {len(excluded):,} "
                              "rows; --format parquet or json has them all."))
        excluded = excluded.head(XLSX_MAX_EXCLUDED)
    groups = rollups(result, sectors)
    sheets = [Sheet("Funnel", result.funnel, FUNNEL_COLUMNS),
              Sheet("Markets", named(result, result.markets), MARKET_COLUMNS),
              Sheet("Opportunities", opportunities_table(result, sectors), PAIR_COLUMNS),
              Sheet("By section", groups["by_section"], ROLLUP_COLUMNS),
              Sheet("By chapter", groups["by_chapter"], ROLLUP_COLUMNS)]
    if "by_sector" in groups:
        sheets.append(Sheet("By sector", groups["by_sector"], ROLLUP_COLUMNS))
    sheets += [Sheet("Excluded", named(result, excluded, sectors), PAIR_COLUMNS),
               Sheet("Config", config_rows(result.config))]
    title = ("SYNTHETIC DATA: " if result.synthetic else "") + \
        f"DSM realistic export opportunities of {result.home}, {result.year}"
    return write_workbook(path, sheets, title=title, about=facts, warnings=result.warnings,
                          progress=progress)
