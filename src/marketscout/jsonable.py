"""JSON-safe values: NaN becomes null, NumPy scalars become Python numbers (one definition for
the CLI, the web API and the reports)."""

from __future__ import annotations

import json
from typing import Any


def clean(value: Any) -> Any:
    """Recursively JSON-safe: NaN -> None, numpy scalars -> Python, mappings and tuples too."""
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    if value is not None and not isinstance(value, str | int | float | bool):
        return str(value)
    return value


def dumps(value: Any) -> str:
    """Indented UTF-8 JSON text with a final newline."""
    return json.dumps(clean(value), indent=2, ensure_ascii=False) + "\n"
