"""`marketscout snapshot build`: derive the embedded snapshot from raw public files."""

from __future__ import annotations

from pathlib import Path

import typer

from marketscout.commands import snapshot_app
from marketscout.commands._common import console


@snapshot_app.command("build")
def build(
    raw: Path = typer.Option(..., help="Folder with the raw public files (shared/data layout)."),
    output: Path | None = typer.Option(None, help="Where to write (default: inside the package)."),
) -> None:
    """Parse the raw files and write Parquet tables plus manifest.json."""
    from marketscout.snapshot.build import build_snapshot

    manifest = build_snapshot(raw, output)
    for entry in manifest["sources"]:
        p = entry["provenance"]
        console.print(f"{p['source_id']}: {p['rows']:,} rows, {p['countries']} countries, "
                      f"{p['years']}{' (partial)' if p['partial'] else ''}", highlight=False)
    console.print(f"Snapshot: {manifest['bytes'] / 1e6:.1f} MB", highlight=False)
