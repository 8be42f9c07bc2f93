"""Frames as JSON-ready rows, for the commands' JSON and the web API."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows: NaN -> null, numpy scalars -> Python, dates as ISO text."""
    data: list[dict[str, Any]] = json.loads(frame.to_json(orient="records", date_format="iso"))
    return data
