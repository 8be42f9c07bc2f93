"""The one CSV writer: a plain table that pandas and Excel open with no options.

UTF-8 with a byte-order mark (Excel then reads non-ASCII names such as Türkiye correctly;
pandas skips the mark), one header row with human headers and units, numbers rounded to the
column's precision, lists joined with '; ', text a spreadsheet would evaluate prefixed with
an apostrophe (OWASP). Sources, method and warnings go to a sidecar `FILE.meta.json`.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marketscout.reports.columns import (
    FORMATS,
    Column,
    columns_for,
    plain,
    rounded,
    safe_text,
)
from marketscout.reports.files import check_output

if TYPE_CHECKING:
    import pandas as pd


def csv_text(frame: pd.DataFrame, columns: Sequence[Column] = (), *,
             machine_headers: bool = False) -> str:
    """The table as CSV text (no byte-order mark; `write_csv` adds it for files)."""
    cols = columns_for(frame, columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.key if machine_headers else c.title for c in cols])
    writer.writerows(zip(*[_column(frame[c.key], c) for c in cols], strict=True))
    return buffer.getvalue()


def _column(series: pd.Series, column: Column) -> list[Any]:
    """One column's cells, converted a column at a time: the same cells as `_cell` gives
    value by value, with the common kinds (floats, integers, booleans, text) taken whole."""
    import numpy as np

    values = series.tolist()
    digits = FORMATS[column.fmt][1]
    # NumPy kinds only: pandas' nullable Int64/Float64 hold pd.NA, handled by `_cell`
    kind = series.dtype.kind if isinstance(series.dtype, np.dtype) else "O"
    if kind == "f":
        if digits is None:
            return ["" if v != v else v for v in values]
        if digits == 0:
            return [round(v) if math.isfinite(v) else "" for v in values]
        return [round(v, digits) if math.isfinite(v) else "" for v in values]
    if kind == "b" or (kind in "iu" and not digits):
        return values
    if kind in "iu":
        return [round(float(v), digits) for v in values]
    return [safe_text(v) if type(v) is str else _cell(v, column) for v in values]


def _cell(value: Any, column: Column) -> Any:
    value = rounded(plain(value), column)
    if value is None:
        return ""
    return safe_text(value) if isinstance(value, str) else value


def meta_path(path: Path) -> Path:
    """`list.csv` -> `list.csv.meta.json`."""
    return path.with_name(path.name + ".meta.json")


def write_csv(path: Path | str, frame: pd.DataFrame, columns: Sequence[Column] = (), *,
              meta: dict[str, Any] | None = None, machine_headers: bool = False) -> Path:
    """Write the CSV and, when `meta` is given, its sidecar JSON (sources, method, warnings,
    and each column's header, machine name, unit note)."""
    path = check_output(Path(path))
    path.write_text(csv_text(frame, columns, machine_headers=machine_headers),
                    encoding="utf-8-sig")
    if meta is not None:
        described = [{"header": c.title, "name": c.key, "format": c.fmt, "note": c.note}
                     for c in columns_for(frame, columns)]
        from marketscout.jsonable import clean

        meta_path(path).write_text(
            json.dumps(clean({**meta, "columns": described}), indent=2, ensure_ascii=False)
            + "\n", encoding="utf-8")
    return path
