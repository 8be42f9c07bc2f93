"""Reading the two COINr tables from CSV: iData (units x indicators) and iMeta (the tree).

The only I/O of the index engine; errors name the file, the spreadsheet row and the column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from marketscout.errors import InputError
from marketscout.index.framework import COLUMNS, Framework, framework_from_meta
from marketscout.sources.read import read_csv, reject_duplicates, to_number

TEXT_COLUMNS = ("uCode", "uName")


def load_imeta(path: str | Path) -> pd.DataFrame:
    """The iMeta CSV as text columns, with the seven COINr columns required."""
    return read_csv(Path(path), required=COLUMNS)


def load_framework(path: str | Path) -> Framework:
    """Read and validate iMeta; errors name the file, row and column."""
    return framework_from_meta(load_imeta(path), table=str(path))


def _is_text(column: str, text_types: set[str]) -> bool:
    return column in TEXT_COLUMNS or column.endswith("_group") or column in text_types


def load_idata(path: str | Path, framework: Framework | None = None) -> pd.DataFrame:
    """The iData CSV: uCode, [uName], [*_group], [Time], one numeric column per indicator.

    With a framework, every indicator must be present and have at least one value.
    """
    path = Path(path)
    frame = read_csv(path, required=("uCode",))
    text_types = set()
    if framework is not None:
        meta = framework.meta
        text_types = {str(c) for c, t in zip(meta["iCode"], meta["Type"], strict=True)
                      if str(t).strip() in ("Group", "Other")}
    blank = frame["uCode"].str.strip() == ""
    if blank.any():
        row = int(blank.to_numpy().nonzero()[0][0]) + 2
        raise InputError("A uCode is empty.", where=f"{path}, row {row}, column 'uCode'",
                         fix="Give every unit a code.")
    for col in frame.columns:
        if not _is_text(col, text_types):
            frame[col] = to_number(frame[col], path=path, column=col)
    reject_duplicates(frame, ["uCode", "Time"] if "Time" in frame.columns else ["uCode"], path)
    if framework is not None:
        _check_indicators(frame, framework, path)
    return frame


def _check_indicators(frame: pd.DataFrame, framework: Framework, path: Path) -> None:
    missing = [c for c in framework.indicators if c not in frame.columns]
    if missing:
        raise InputError(
            f"Indicator(s) {', '.join(missing)} are in iMeta but not in iData.",
            where=f"{path}, header row; columns present: {', '.join(frame.columns)}",
            fix="Add a column per indicator iCode, or remove the indicator from iMeta.",
        )
    empty = [c for c in framework.indicators if frame[c].isna().all()]
    if empty:
        raise InputError(
            f"Indicator(s) {', '.join(empty)} have no data at all.",
            where=f"{path}, column '{empty[0]}' (rows 2-{len(frame) + 1})",
            fix="Fill in the values, or remove the indicator from iMeta.",
        )
