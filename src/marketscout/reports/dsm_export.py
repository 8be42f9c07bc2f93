"""A DSM run as JSON, CSV, Excel or Parquet: the same content, each naming source and year.

Synthetic runs say so in every format (a `synthetic` flag and a first warning line).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd

from marketscout import __version__
from marketscout.dsm.engine import DSMResult
from marketscout.dsm.results import REASONS, config_rows, describe_reason
from marketscout.jsonable import clean

SCHEMA = "marketscout.dsm-run/1"
# openpyxl writes about 10,000 rows a second: longer exclusion lists go to Parquet or JSON.
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


def to_payload(result: DSMResult) -> dict[str, Any]:
    """Everything of a run as one JSON-ready document."""
    return about(result) | {
        "funnel": records(result.funnel),
        "markets": records(result.markets),
        "opportunities": records(result.opportunities),
        "excluded": records(result.excluded),
        "reasons": {code: describe_reason(code) for code in REASONS},
    }


def to_json(result: DSMResult) -> str:
    return json.dumps(to_payload(result), indent=1, ensure_ascii=False) + "\n"


def opportunities_table(result: DSMResult) -> pd.DataFrame:
    """The opportunities with home, year and source on every row (CSV and Parquet)."""
    frame = result.opportunities.copy()
    frame.insert(0, "home", result.home)
    frame.insert(1, "year", result.year)
    frame["source"] = ("SYNTHETIC " if result.synthetic else "") + result.source
    return frame


def to_csv(result: DSMResult) -> str:
    buffer = io.StringIO()
    opportunities_table(result).to_csv(buffer, index=False)
    return buffer.getvalue()


def to_parquet(result: DSMResult, path: Path) -> list[Path]:
    """Opportunities to `path`; markets and excluded product-markets beside it."""
    path = Path(path)
    stem = path.with_suffix("")
    written = [path, Path(f"{stem}_markets.parquet"), Path(f"{stem}_excluded.parquet")]
    meta = {"marketscout.dsm": json.dumps(about(result))}
    for frame, target in zip((opportunities_table(result), result.markets, result.excluded),
                             written, strict=True):
        _write_parquet(frame, target, meta)
    return written


def _write_parquet(frame: pd.DataFrame, path: Path, meta: dict[str, str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    merged = dict(table.schema.metadata or {}) | {k.encode(): v.encode() for k, v in meta.items()}
    pq.write_table(table.replace_schema_metadata(merged), path, compression="zstd")


def to_xlsx(result: DSMResult, path: Path) -> None:
    """A workbook: About (source, warnings), Funnel, Markets, Opportunities, Excluded, Config."""
    info = about(result)
    lines = [("home", result.home), ("year", result.year), ("synthetic", result.synthetic),
             ("trade data", result.source), ("values", info["values"])]
    lines += [("warning", w) for w in result.warnings]
    lines += [("source", p.cite()) for p in result.sources]
    excluded = result.excluded
    if len(excluded) > XLSX_MAX_EXCLUDED:
        lines.append(("note", f"Excluded: the first {XLSX_MAX_EXCLUDED:,} of {len(excluded):,} "
                              "rows; --format parquet or json has them all."))
        excluded = excluded.head(XLSX_MAX_EXCLUDED)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        about_sheet = pd.DataFrame(lines, columns=["item", "value"])
        about_sheet.to_excel(writer, sheet_name="About", index=False)
        result.funnel.to_excel(writer, sheet_name="Funnel", index=False)
        result.markets.to_excel(writer, sheet_name="Markets", index=False)
        opportunities_table(result).to_excel(writer, sheet_name="Opportunities", index=False)
        excluded.to_excel(writer, sheet_name="Excluded", index=False)
        config_rows(result.config).to_excel(writer, sheet_name="Config", index=False)
