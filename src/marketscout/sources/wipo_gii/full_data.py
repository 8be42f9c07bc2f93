"""WIPO Global Innovation Index: the full-data export of one edition (index to indicators).

The full export is wide: one column per economy (by name), in blocks (ranks, then scores,
then raw values and strength/weakness flags), and one row per index level or indicator.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pandas as pd

from marketscout.countries import to_iso3
from marketscout.errors import InputError
from marketscout.sources import Parsed, finish, publishers
from marketscout.sources.read import read_bytes, read_grid, reject_duplicates, to_number

GII_COLUMNS = ["iso3", "edition", "code", "name", "score", "rank"]
RANK_HEADER = "Rank Indicators"
SCORE_HEADER = "Score"
# The top three rows carry no code in the export (only a name in the first column): the
# overall index is "GII" everywhere in marketscout; INPUT and OUTPUT are our short codes for
# the two sub-indices.
LEVEL_CODES = {
    "global innovation index": "GII",
    "innovation input sub-index": "INPUT",
    "innovation output sub-index": "OUTPUT",
}
_CODE = re.compile(r"\d+(\.\d+)*\.?")

GII = publishers.provenance("wipo_gii")


def parse_gii_wide(path: Path, edition: int) -> Parsed:
    """One GII edition's full-data export (CSV, Latin-1 or UTF-8, or .xlsx) as table `gii`."""
    path = Path(path)
    grid = _read_excel(path) if path.suffix.lower() in (".xlsx", ".xlsm") else read_grid(path)
    economies, rank_cols, score_cols = _layout(grid, path)
    rows = _level_rows(grid, path)
    ranks = _block(grid.loc[rows.index, rank_cols], economies, path, "rank")
    scores = _block(grid.loc[rows.index, score_cols], economies, path, "score")
    long = ranks.merge(scores, on=["row", "iso3"]).dropna(subset=["rank", "score"], how="all")
    long = long.join(rows, on="row").assign(edition=int(edition))
    table = long.sort_values(["code", "iso3"], key=_code_order, ignore_index=True)
    rank_text = grid.loc[rows.index, rank_cols]
    bracketed = int(rank_text.map(lambda cell: cell.startswith("[")).to_numpy().sum())
    base = replace(
        GII,
        source_id=f"wipo_gii_{edition}",
        title=f"Global Innovation Index {edition}: index, sub-indices, pillars and indicators",
        edition=str(edition),
        note=f"{len(economies)} economies. {bracketed} ranks printed in [brackets] by WIPO "
        "(data below the minimum coverage of that pillar) are kept as numbers.",
    )
    return finish(base, path, {"gii": table[GII_COLUMNS]}, year_column="edition")


def _read_excel(path: Path) -> pd.DataFrame:
    """The first sheet as text cells, like `read_grid` does for a CSV."""
    read_bytes(path)  # a missing or empty file gets the common message
    try:
        frame = pd.read_excel(path, header=None, dtype=str, engine="openpyxl")
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(
            f"The file cannot be read as an Excel workbook ({exc}).",
            where=str(path),
            fix="Save it again as .xlsx, or export the sheet as CSV.",
        ) from exc
    frame.columns = pd.RangeIndex(frame.shape[1])
    return frame.map(lambda cell: cell.strip() if isinstance(cell, str) else "")


def _layout(grid: pd.DataFrame, path: Path) -> tuple[list[str], list[int], list[int]]:
    """ISO3 of each economy column, and the columns of the rank and of the score block."""
    header = grid.iloc[0].tolist() if len(grid) else []
    if RANK_HEADER not in header or SCORE_HEADER not in header:
        raise InputError(
            f"Row 1 should hold '{RANK_HEADER}' and '{SCORE_HEADER}' before the economy names.",
            where=f"{path}, row 1; found {', '.join(map(str, header[:4])) or 'nothing'} ...",
            fix="Use WIPO's GII full-data export unchanged (comma-separated or .xlsx).",
        )
    first, score_at = header.index(RANK_HEADER) + 1, header.index(SCORE_HEADER)
    names = header[first:score_at]
    if not names or header[score_at + 1 : score_at + 1 + len(names)] != names:
        raise InputError(
            "The score block does not list the same economies as the rank block.",
            where=f"{path}, row 1, columns {first + 1}-{score_at + 1 + len(names)}",
            fix="Use WIPO's GII full-data export unchanged.",
        )
    economies = [
        to_iso3(name, where=f"{path}, row 1, column {first + i + 1} ({name!r})")
        for i, name in enumerate(names)
    ]
    twice = [i for i, iso3 in enumerate(economies) if iso3 in economies[:i]]
    if twice:
        again = economies[twice[0]]
        raise InputError(
            f"{names[twice[0]]!r} and {names[economies.index(again)]!r} are the same economy.",
            where=f"{path}, row 1, columns {first + economies.index(again) + 1} and "
            f"{first + twice[0] + 1}",
            fix="Keep one column per economy in each block.",
        )
    rank_cols = list(range(first, score_at))
    return economies, rank_cols, [c + score_at + 1 - first for c in rank_cols]


def _level_rows(grid: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Code and name of each row holding values, indexed by grid row; label rows skipped."""
    body = grid.iloc[1:]
    has_values = (body.iloc[:, 3:] != "").any(axis=1)
    out = []
    for row, first, second in zip(body.index[has_values], body.loc[has_values, 0],
                                  body.loc[has_values, 1], strict=True):
        if _CODE.fullmatch(first):
            # The export writes codes with a trailing dot ("1.1.", "1.1.1."); GII reports
            # and later editions write "1.1" and "1.1.1".
            out.append((row, first.rstrip("."), second))
        elif first.lower() in LEVEL_CODES:
            out.append((row, LEVEL_CODES[first.lower()], first))
        else:
            raise InputError(
                f"Unknown index level or indicator {first or second!r} (no code).",
                where=f"{path}, row {row + 1}, columns 1-2",
                fix="Each row needs an indicator code (e.g. 1.1.1) and name, or one of: "
                "Global Innovation Index, Innovation Input/Output Sub-index.",
            )
    rows = pd.DataFrame(out, columns=["row", "code", "name"]).set_index("row")
    reject_duplicates(rows, ["code"], path, rows=[r + 1 for r in rows.index])
    return rows


def _block(cells: pd.DataFrame, economies: list[str], path: Path, what: str) -> pd.DataFrame:
    """One block (ranks or scores) as numbers in long form: row (grid row), iso3, `what`."""
    # WIPO prints some ranks in square brackets ("[79]"): kept as the number.
    text = cells.map(lambda cell: cell.strip("[]"))
    text.columns = pd.Index(economies)
    long = text.rename_axis("row").reset_index().melt(id_vars="row", var_name="iso3")
    try:  # one pass over the whole block; on a bad cell, find it column by column
        values = to_number(long["value"], path=path, column=what, point_only=True)
    except InputError:
        for position, column in enumerate(cells.columns):
            _number_column(text.iloc[:, position], path, f"{what} of {economies[position]} "
                           f"(column {int(column) + 1})")
        raise
    return long.assign(value=values).rename(columns={"value": what})


def _number_column(text: pd.Series, path: Path, column: str) -> None:
    """Parse one column of a block so that an error names the cell's row and column."""
    first, last = int(text.index.min()), int(text.index.max())
    full = text.reindex(range(first, last + 1), fill_value="")
    to_number(full, path=path, column=column, first_row=first + 1, point_only=True)


def _code_order(values: pd.Series) -> pd.Series:
    """Sort key: GII, INPUT, OUTPUT, then codes in numeric order (1, 1.1, 1.1.1, 2, ...)."""
    if values.name != "code":
        return values
    top = {code: f" {i}" for i, code in enumerate(LEVEL_CODES.values())}  # before digits
    return values.map(lambda c: top.get(c) or ".".join(f"{int(p):03d}" for p in c.split(".")))
