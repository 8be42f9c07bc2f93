"""Small hand-made index frameworks shared by the index tests."""

from __future__ import annotations

import pandas as pd
import pytest

from marketscout.index.framework import Framework, framework_from_meta

NA = None


def meta_rows() -> list[dict[str, object]]:
    """Three levels: four indicators, two pillars (P1, P2), one index; plus a carried Group row."""
    return [
        {"Level": 1, "iCode": "i1", "iName": "One", "Direction": 1, "Weight": 1,
         "Parent": "P1", "Type": "Indicator"},
        {"Level": 1, "iCode": "i2", "iName": "Two", "Direction": -1, "Weight": 1,
         "Parent": "P1", "Type": "Indicator"},
        {"Level": 1, "iCode": "i3", "iName": "Three", "Direction": 1, "Weight": 2,
         "Parent": "P2", "Type": "Indicator"},
        {"Level": 1, "iCode": "i4", "iName": "Four", "Direction": 1, "Weight": 1,
         "Parent": "P2", "Type": "Indicator"},
        {"Level": 2, "iCode": "P1", "iName": "Pillar one", "Direction": 1, "Weight": 1,
         "Parent": "IDX", "Type": "Aggregate"},
        {"Level": 2, "iCode": "P2", "iName": "Pillar two", "Direction": 1, "Weight": 3,
         "Parent": "IDX", "Type": "Aggregate"},
        {"Level": 3, "iCode": "IDX", "iName": "The index", "Direction": 1, "Weight": NA,
         "Parent": NA, "Type": "Aggregate"},
        {"Level": NA, "iCode": "GDP_group", "iName": "GDP group", "Direction": NA,
         "Weight": NA, "Parent": NA, "Type": "Group"},
    ]


@pytest.fixture
def meta() -> pd.DataFrame:
    """The valid three-level iMeta."""
    return pd.DataFrame(meta_rows())


@pytest.fixture(scope="module")
def hand_framework() -> Framework:
    """The framework of `meta`, built once per module (safe to share: it is immutable)."""
    return framework_from_meta(pd.DataFrame(meta_rows()))


@pytest.fixture
def idata() -> pd.DataFrame:
    """Three units whose index is computed by hand in test_index_build and test_index_cli."""
    return pd.DataFrame({
        "uCode": ["A", "B", "C"], "uName": ["Alpha", "Beta", "Gamma"],
        "GDP_group": ["L", "H", "H"],
        "i1": [0.0, 5.0, 10.0], "i2": [10.0, 40.0, 20.0],
        "i3": [1.0, 2.0, 4.0], "i4": [100.0, 300.0, 200.0],
    })
