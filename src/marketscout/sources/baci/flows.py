"""CEPII BACI year files: bilateral trade flows by HS6 product (Gaulier and Zignago 2010).

BACI files are large (about 10 million rows a year), so the flows are streamed with PyArrow
and every step after reading is a vectorised array operation.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, NoReturn

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from marketscout import countries
from marketscout.errors import InputError, UnknownCountryError
from marketscout.sources import Parsed, finish
from marketscout.sources.baci.codes import BACI, release
from marketscout.sources.read import require_columns, to_number

# The re-published sample shipped in ../shared/data (see its README).
_SAMPLE_REPUBLISHER = (
    "github WoutersResearchGroup/R-IO-PS inst/extdata/ExampleTradeData.csv @b9225108"
)

TRADE_COLUMNS = ("t", "i", "j", "k", "v", "q")
_TRADE_TYPES = {
    "t": pa.int32(), "i": pa.int32(), "j": pa.int32(), "k": pa.int32(),
    "v": pa.float64(), "q": pa.string(),
}
# BACI codes without ISO3 in CEPII's own country table (country_codes_V202301): groupings
# reported by some countries' customs, not countries. 490 "Other Asia, nes" is Taiwan.
NON_COUNTRY_CODES = {697: "Europe EFTA, nes", 849: "US Misc. Pacific Isds"}





def parse_trade(path: Path, *, source_id: str | None = None) -> Parsed:
    """A BACI year file (t,i,j,k,v,q) -> table `trade_flow`; values in thousand USD, tonnes."""
    path = Path(path)
    columns = _read_trade(path)
    _reject_duplicate_flows(columns, path)
    dropped = Dropped()
    table = transform_flows(columns, path, dropped=dropped)
    years = sorted(int(y) for y in pd.unique(table["year"]))
    span = str(years[0]) if len(years) == 1 else f"{years[0]}_{years[-1]}" if years else "empty"
    base = replace(BACI, source_id=source_id or f"baci_hs92_{span}", edition=release(path),
                   note=dropped.note())
    if "sample" in path.name.lower():
        shown = ", ".join(sorted(table["exporter"].unique().astype(str)))
        base = replace(base, partial=True, republisher=_SAMPLE_REPUBLISHER, note=(
            f"A subsample of BACI: exporters {shown} only, and not all of their flows; "
            f"totals and shares computed from it understate world trade. {dropped.note()}").strip())
    return finish(base, path, {"trade_flow": table},
                  country_columns=("exporter", "importer"))


def _read_trade(path: Path) -> dict[str, np.ndarray]:
    """The six BACI columns as arrays, streamed in blocks (q: padded text, "NA" = missing)."""
    _check_trade_header(path)
    parts: dict[str, list[np.ndarray]] = {c: [] for c in TRADE_COLUMNS}
    for _, columns in iter_blocks(lambda: path, path):
        for col, values in columns.items():
            parts[col].append(values)
    return {c: np.concatenate(parts[c]) if parts[c] else np.array([]) for c in TRADE_COLUMNS}


def iter_blocks(
    open_source: Callable[[], Path | IO[bytes]], where: Path, *, block_size: int = 16 << 20
) -> Generator[tuple[int, dict[str, np.ndarray]], None, None]:
    """(first row, the six columns as arrays) per block of a BACI CSV, read with PyArrow.

    `open_source` gives the file (a path, or a fresh stream such as a zip member); it is
    called again only to find the row of a bad value. `where` names it in messages.
    """
    done = 0
    source = open_source()
    reader = None
    try:
        reader = pa_csv.open_csv(
            source,
            read_options=pa_csv.ReadOptions(block_size=block_size),
            convert_options=pa_csv.ConvertOptions(
                column_types=_TRADE_TYPES, include_columns=list(TRADE_COLUMNS)
            ),
        )
        for batch in reader:
            yield done + 2, _batch_arrays(batch, done + 2, where)
            done += batch.num_rows
    except pa.ArrowInvalid as exc:
        _locate_bad_value(open_source, where, done, exc)
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        # pyarrow reports a truncated gzip stream as OSError; zipfile a bad member CRC
        raise InputError(
            f"The file is damaged or truncated ({exc}).",
            where=f"{where}, after row {done + 1}",
            fix="Download the file again.",
        ) from exc
    finally:
        reader = None  # release PyArrow's hold on the stream before the stream closes
        if not isinstance(source, Path):
            source.close()


def _batch_arrays(batch: pa.RecordBatch, first_row: int, path: Path) -> dict[str, np.ndarray]:
    """One block as numpy arrays; a blank in t, i, j, k or v is an error."""
    out: dict[str, np.ndarray] = {}
    for col in TRADE_COLUMNS[:5]:
        values = batch.column(col)
        if values.null_count:
            pos = int(np.flatnonzero(values.is_null().to_numpy(zero_copy_only=False))[0])
            raise InputError(
                f"Missing value in column '{col}'.",
                where=f"{path}, row {first_row + pos}, column '{col}'",
                fix="Every BACI row needs t, i, j, k and v; use the file as published.",
            )
        out[col] = values.to_numpy()
    out["q"] = _quantity(batch.column("q"))
    return out


def _check_trade_header(path: Path) -> None:
    if path.suffix == ".zip":
        raise InputError(
            "BACI is published as a zip of one CSV per year.",
            where=str(path),
            fix="Extract the year you need (e.g. BACI_HS92_Y2021_V202301.csv) and pass that file.",
        )
    if not path.exists():
        raise InputError(f"File not found: {path}", where=str(path), fix="Check the path.")
    try:
        header = pd.read_csv(path, nrows=0, dtype=str)
    except (pd.errors.EmptyDataError, EOFError, OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"The file cannot be read as a BACI table ({exc}).",
            where=f"{path}, row 1",
            fix="Pass a BACI CSV with the header t,i,j,k,v,q.",
        ) from exc
    if len(header.columns) == 1 and len(header.columns[0]) > 1:
        raise InputError(
            f"Expected fields separated by ',', found the single column {header.columns[0]!r}.",
            where=f"{path}, row 1",
            fix="Use the BACI file as published (comma separated).",
        )
    require_columns(header, TRADE_COLUMNS, path)


def _quantity(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """BACI's q: space-padded text; "NA" or blank where CEPII has no quantity."""
    text = pc.utf8_trim_whitespace(values)
    text = pc.if_else(pc.is_in(text, pa.array(["", "NA"])), pa.scalar(None, pa.string()), text)
    return np.asarray(pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)


def _locate_bad_value(
    open_source: Callable[[], Path | IO[bytes]], where: Path, start: int, exc: pa.ArrowInvalid
) -> NoReturn:
    """Slow path, only for a broken file: find the first bad cell to name its row."""
    source = open_source()
    try:
        chunks = pd.read_csv(source, dtype=str, keep_default_na=False,
                             skiprows=range(1, start + 1), chunksize=1_000_000)
        for chunk in chunks:
            first = start + 2 + int(chunk.index[0])
            for col in TRADE_COLUMNS:
                numbers = to_number(chunk[col], path=where, column=col, first_row=first,
                                    point_only=True)
                if col != "q" and numbers.isna().any():
                    pos = int(numbers.isna().to_numpy().nonzero()[0][0])
                    raise InputError(f"Missing value in column '{col}'.",
                                     where=f"{where}, row {first + pos}, column '{col}'",
                                     fix="Every BACI row needs t, i, j, k and v.") from exc
    finally:
        if not isinstance(source, Path):
            source.close()
    raise InputError(f"The file cannot be read as a BACI table ({exc}).", where=str(where),
                     fix="Use the BACI file as published.") from exc


def _reject_duplicate_flows(columns: dict[str, np.ndarray], path: Path) -> None:
    """One row per year, exporter, importer and product: checked on one packed integer key."""
    if not len(columns["t"]):
        return
    t, i, j, k = (columns[c].astype(np.int64) for c in ("t", "i", "j", "k"))
    key = ((t * 1_000 + (i % 1_000)) * 1_000 + (j % 1_000)) * 1_000_000 + (k % 1_000_000)
    ordered = np.sort(key)  # sorting beats hashing 10 million distinct keys several times
    if (ordered[1:] == ordered[:-1]).any():
        second = int(np.flatnonzero(pd.Series(key).duplicated().to_numpy())[0])
        first = int(np.flatnonzero(key == key[second])[0])
        raise InputError(
            f"Two rows for the same flow (t, i, j, k = {t[first]}, {i[first]}, {j[first]}, "
            f"{k[first]}).",
            where=f"{path}, rows {first + 2} and {second + 2}",
            fix="Keep one row per year, exporter, importer and product.",
        )


@dataclass
class Dropped:
    """Flows dropped because a partner is no country (BACI's "nes" groupings), over blocks."""

    rows: int = 0
    value: float = 0.0
    codes: dict[int, str] = field(default_factory=dict)

    def note(self) -> str:
        if not self.rows:
            return ""
        names = ", ".join(f"{c} {name}" for c, name in sorted(self.codes.items()))
        return (f"Dropped {self.rows} flows worth {self.value:,.1f} thousand USD with partners "
                f"that are no country ({names}).")


def baci_iso3(code: int) -> str | None:
    """ISO3 of a BACI code by the crosswalk; None for the "nes" groupings (no country)."""
    return None if code in NON_COUNTRY_CODES else countries.from_baci(code)


def transform_flows(
    columns: dict[str, np.ndarray], where: Path, *, first_row: int = 2,
    iso3_of: Callable[[int], str | None] = baci_iso3,
    names: Mapping[int, str] = NON_COUNTRY_CODES, dropped: Dropped | None = None,
) -> pd.DataFrame:
    """One block of BACI columns -> trade_flow rows: ISO3 codes, 6-character products.

    Rows with a partner that `iso3_of` maps to None are dropped and counted in `dropped`
    (`names` names those codes). Shared by `parse_trade` and the streaming bulk reader.
    """
    exporter, exporters = _country_positions(columns["i"], where, "i", iso3_of, first_row)
    importer, importers = _country_positions(columns["j"], where, "j", iso3_of, first_row)
    product, products = _product_positions(columns["k"], where, first_row)
    keep = (exporter >= 0) & (importer >= 0)
    if dropped is not None and not keep.all():
        gone = np.unique(np.r_[columns["i"][exporter < 0], columns["j"][importer < 0]])
        dropped.rows += int((~keep).sum())
        dropped.value += float(columns["v"][~keep].sum())
        dropped.codes.update({int(c): names.get(int(c), "") for c in gone})
    return pd.DataFrame({
        "year": columns["t"][keep],
        "exporter": _categorical(exporter[keep], exporters),
        "importer": _categorical(importer[keep], importers),
        "product": _categorical(product[keep], products),
        "value": columns["v"][keep],
        "quantity": columns["q"][keep],
    })


def _country_positions(
    codes: np.ndarray, where: Path, column: str, iso3_of: Callable[[int], str | None],
    first_row: int,
) -> tuple[np.ndarray, list[str]]:
    """Each row's position among the sorted ISO3 codes (-1: no country), looked up once
    per distinct code."""
    clean = np.where(codes < 0, 0, codes)  # a negative code is unknown, as 0 is
    distinct, inverse = _factorize(clean)
    iso: list[str | None] = []
    for code in distinct:
        try:
            iso.append(iso3_of(int(code)))
        except UnknownCountryError as exc:
            row = int(np.flatnonzero(clean == code)[0]) + first_row
            place = f"{where}, row {row}, column '{column}'"
            raise UnknownCountryError(exc.what, where=place, fix=exc.fix) from exc
    categories = sorted({c for c in iso if c is not None})
    position = {c: n for n, c in enumerate(categories)}
    lookup = np.array([-1 if c is None else position[c] for c in iso], dtype=np.int32)
    return lookup[inverse], categories


def _product_positions(k: np.ndarray, where: Path, first_row: int) -> tuple[np.ndarray, list[str]]:
    """HS6 codes as 6-character text: BACI writes them as numbers, so 010111 became 10111."""
    bad = (k < 10_000) | (k > 999_999)
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"Not an HS6 product code: {k[pos]}.",
            where=f"{where}, row {pos + first_row}, column 'k'",
            fix="Product codes have six digits; use the BACI file as published.",
        )
    distinct, inverse = _factorize(k)
    return inverse, [f"{c:06d}" for c in distinct]


def _categorical(codes: np.ndarray, categories: list[str]) -> pd.Categorical:
    """A categorical column built from integer codes, with no Python object per row."""
    # pandas-stubs declare Sequence[int] for codes; pandas takes (and wants) an array.
    return pd.Categorical.from_codes(codes, categories=pd.Index(categories))  # type: ignore[arg-type]


def _factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values of small non-negative integers, and each row's position among
    them, in linear time (np.unique sorts 10 million rows, several times slower)."""
    seen = np.zeros(int(values.max()) + 1 if len(values) else 0, dtype=bool)
    seen[values] = True
    position = (np.cumsum(seen) - 1).astype(np.int32)
    return np.flatnonzero(seen), position[values]
