"""Which trade data the store knows about, and turning a BACI CSV into a Parquet year for it.

`marketscout data update baci` and `marketscout dsm import trade` both record each Parquet
year in the store's `trade_file` table with its provenance; `default_source` picks them up.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd

from marketscout.dsm.relation import PROVENANCE_KEY, TradeSource
from marketscout.provenance import Provenance
from marketscout.store import Store


def convert_baci_csv(csv_path: Path | str, parquet_path: Path | str) -> Provenance:
    """Parse a BACI year file with `sources.baci.parse_trade` and write it as Parquet
    (marketscout layout, ISO3 codes, HS6 as text); returns the file's provenance."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from marketscout.sources.baci import parse_trade

    parsed = parse_trade(Path(csv_path))
    table = pa.Table.from_pandas(parsed.tables["trade_flow"], preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[PROVENANCE_KEY] = json.dumps(parsed.provenance.to_dict()).encode()
    out = Path(parquet_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    pq.write_table(table.replace_schema_metadata(meta), tmp, compression="zstd")
    tmp.replace(out)  # a failed write never leaves half a file under the final name
    return parsed.provenance


def register_trade(store: Store, parquet_path: Path | str, provenance: Provenance) -> str:
    """Record a converted Parquet year in the store's `trade_file` table with its provenance,
    as `marketscout data update baci` does, so `dsm run` and the dsm criterion find it."""
    path = Path(parquet_path).resolve()
    classification, _, release = provenance.edition.partition(" ")
    years = [int(y) for y in provenance.years.split("-") if y.isdigit()] or [0]
    source_id = f"dsm_trade_{provenance.source_id}"
    row = pd.DataFrame([{"path": str(path), "year": max(years), "classification":
                         classification or "HS92", "release": release, "rows": provenance.rows}])
    note = f"Stored as Parquet for the DSM at {path}. {provenance.note}".strip()
    store.load({"trade_file": row}, replace(provenance, source_id=source_id, note=note))
    return source_id


def trade_paths(store: Store) -> list[str]:
    """The Parquet files the store lists as trade data: they live outside the store, so a
    change to them changes the DSM with no change to the store."""
    if "trade_file" not in store.tables:  # an old store opened read-only
        return []
    return sorted(store.query("SELECT DISTINCT path FROM trade_file")["path"])


def default_source(store: Store) -> TradeSource:
    """The trade data `dsm run` uses without --trade: the Parquet years in `trade_file` (one
    HS revision: the one reaching the latest year), else the `trade_flow` table."""
    files = store.query("SELECT source_id, path, year, classification FROM trade_file "
                        "ORDER BY year")
    files = files[[Path(p).exists() for p in files["path"]]]
    if not files.empty:
        latest = files.sort_values(["year", "classification"]).iloc[-1]["classification"]
        chosen = files[files["classification"] == latest].drop_duplicates("year", keep="last")
        ids = set(chosen["source_id"])
        return TradeSource(paths=tuple(chosen["path"]), label=", ".join(sorted(ids)),
                           provenance=tuple(p for p in store.provenance() if p.source_id in ids))
    loads = set(store.query("SELECT DISTINCT source_id FROM trade_flow")["source_id"])
    found = [p for p in store.provenance() if p.source_id in loads]
    # Never add a sample to complete data: the sample's flows are in the complete year too.
    chosen_loads = tuple(p for p in found if not p.partial) or tuple(found)
    return replace(TradeSource.store(*(p.source_id for p in chosen_loads)),
                   provenance=chosen_loads)
