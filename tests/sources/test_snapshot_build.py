"""`marketscout snapshot build` reproduces the shipped snapshot from ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from marketscout.snapshot import read_manifest, snapshot_dir
from marketscout.snapshot.build import MAX_BYTES, build_snapshot

# Fields that record when the build ran, not what it holds.
WHEN = ("retrieved",)


def _by_source(manifest: dict) -> dict[str, dict]:
    return {e["provenance"]["source_id"]: e for e in manifest["sources"]}


@pytest.mark.rawdata
@pytest.mark.slow
def test_builder_reproduces_the_shipped_snapshot(raw_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "snapshot"
    built = build_snapshot(raw_data, out)
    shipped = read_manifest(snapshot_dir())
    assert built["bytes"] <= MAX_BYTES
    new, old = _by_source(built), _by_source(shipped)
    assert list(new) == list(old)  # same sources, in the same order
    for source_id, entry in new.items():
        was = old[source_id]
        assert entry["tables"] == was["tables"], source_id
        fresh = {k: v for k, v in entry["provenance"].items() if k not in WHEN}
        kept = {k: v for k, v in was["provenance"].items() if k not in WHEN}
        assert fresh == kept, source_id
        for file in entry["tables"].values():
            pd.testing.assert_frame_equal(pd.read_parquet(out / file),
                                          pd.read_parquet(snapshot_dir() / file),
                                          obj=file)


def test_builder_refuses_a_raw_folder_with_missing_files(tmp_path: Path) -> None:
    from marketscout.errors import InputError

    with pytest.raises(InputError, match="Raw files missing") as err:
        build_snapshot(tmp_path, tmp_path / "out")
    assert "risk/oecd_crc_2026-01-30.pdf" in str(err.value)
    assert not (tmp_path / "out").exists()
