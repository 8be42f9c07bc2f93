"""CEPII BACI bulk archives: one zip per HS revision, holding one CSV per year
(BACI_HS92_Y2021_V202301.csv, about 10 million rows), the country table
(country_codes_V202301.csv) and the product table (product_codes_HS92_V202301.csv).

The years asked for are streamed from the zip straight to Parquet, block by block (zip member
stream -> PyArrow CSV reader -> `baci.transform_flows` -> ParquetWriter), so memory stays flat
whatever the size of a year and the archive is never unpacked. Country codes are mapped through
the archive's own country table; product codes are kept as 6-character text.
"""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from rich.progress import Progress

from marketscout.errors import InputError, UnknownCountryError
from marketscout.provenance import Provenance, sha256_of
from marketscout.sources import Parsed
from marketscout.sources._download import retrieved_on
from marketscout.sources._rows_progress import rows_progress
from marketscout.sources.baci import codes
from marketscout.sources.baci import flows as baci
from marketscout.sources.registry import UpdateContext, Years

# The newest release checked when this was written; CEPII publishes one a year. For another
# release or HS revision, set MARKETSCOUT_BACI_URL to its zip's full URL, or pass --file.
DEFAULT_RELEASE = "V202401b"
DEFAULT_CLASSIFICATION = "HS92"  # the longest series (1995 onwards)
DEFAULT_YEARS = 6  # without --years: the latest six years, what the DSM's growth tests need
# CSV bytes per block. Peak memory is set by the block, not the year (bench/bench_baci_stream.py,
# 8 million rows: 1 MB blocks 222 MiB peak, 4 MB 378 MiB, 16 MB 632 MiB; CPU time 10.9, 8.7
# and 7.3 s): 4 MB keeps a full BACI year under 400 MiB at little cost in speed.
BLOCK_SIZE = 4 << 20
PARQUET_SCHEMA = pa.schema([
    ("year", pa.int32()),
    ("exporter", pa.dictionary(pa.int32(), pa.string())),
    ("importer", pa.dictionary(pa.int32(), pa.string())),
    ("product", pa.dictionary(pa.int32(), pa.string())),
    ("value", pa.float64()),  # thousand USD
    ("quantity", pa.float64()),  # tonnes
])
_YEAR_FILE = re.compile(r"BACI_(HS\d\d)_Y(\d{4})_(V\d{6}\w*)\.csv", re.IGNORECASE)


@dataclass(frozen=True)
class Archive:
    """What a BACI zip holds: its revision, release, year members and code tables."""

    path: Path
    classification: str
    release: str
    years: dict[int, str]  # year -> member name
    country_codes: str
    product_codes: str


def archive_url(base_url: str, classification: str = DEFAULT_CLASSIFICATION,
                release: str = DEFAULT_RELEASE) -> str:
    """CEPII's zip of one HS revision and release, e.g. .../BACI_HS92_V202401b.zip."""
    return f"{base_url.rstrip('/')}/BACI_{classification}_{release}.zip"


def open_archive(path: Path) -> Archive:
    """Find the year files and code tables inside a BACI zip (folders inside are ignored)."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"The BACI archive is damaged or truncated ({exc}).", where=str(path),
                         fix="Download it again (`marketscout data update baci`).") from exc
    years: dict[int, str] = {}
    found: set[tuple[str, str]] = set()
    for name in names:
        match = _YEAR_FILE.fullmatch(Path(name).name)
        if match:
            years[int(match[2])] = name
            found.add((match[1].upper(), match[3]))
    countries = [n for n in names if Path(n).name.lower().startswith("country_codes")]
    products = [n for n in names if Path(n).name.lower().startswith("product_codes")]
    if not years or len(found) != 1 or len(countries) != 1 or len(products) != 1:
        raise InputError(
            "This is not a BACI archive of one HS revision: expected BACI_HSxx_Yyyyy_V*.csv "
            "files, one country_codes and one product_codes table.",
            where=f"{path} (members: {', '.join(names[:8]) or 'none'})",
            fix="Use the zip as published by CEPII (e.g. BACI_HS92_V202301.zip).",
        )
    classification, release = found.pop()
    return Archive(path, classification, release, dict(sorted(years.items())), countries[0],
                   products[0])


def choose_years(archive: Archive, years: Years | None) -> list[int]:
    """The years asked for (all must be in the archive), or the latest DEFAULT_YEARS."""
    present = list(archive.years)
    if years is None:
        return present[-DEFAULT_YEARS:]
    wanted = list(range(years[0], years[1] + 1))
    missing = [y for y in wanted if y not in archive.years]
    if missing:
        raise InputError(
            f"Year(s) {', '.join(map(str, missing))} are not in this BACI release.",
            where=f"{archive.path} (years {present[0]}-{present[-1]})",
            fix=f"Ask for years within {present[0]}-{present[-1]} (--years), or use a newer "
            "release (--release).",
        )
    return wanted


def parse_code_tables(archive: Archive, url: str = "") -> tuple[Parsed, Parsed]:
    """The archive's country and product tables, read by `baci`'s parsers."""
    with _extracted(archive, (archive.country_codes, archive.product_codes)) as (c, p):
        country_table = codes.parse_country_codes(c)
        product_table = codes.parse_product_codes(p)
    suffix = "" if archive.classification == "HS92" else f"_{archive.classification.lower()}"
    sha = sha256_of(archive.path)
    edition = f"{archive.classification} {archive.release}"
    out = []
    for parsed, source_id in ((country_table, "baci_country_codes"),
                              (product_table, f"baci_product_codes{suffix}")):
        prov = replace(parsed.provenance, source_id=source_id, sha256=sha, republisher="",
                       url=url or parsed.provenance.url, edition=edition,
                       retrieved=retrieved_on(archive.path))
        out.append(Parsed(parsed.tables, prov))
    return out[0], out[1]


@contextmanager
def _extracted(archive: Archive, members: tuple[str, ...]) -> Iterator[list[Path]]:
    """Small members copied to a temporary folder under their own names; messages about
    them name the member inside the archive instead of the temporary copy."""
    with tempfile.TemporaryDirectory(prefix="marketscout-baci-") as folder:
        paths = []
        try:
            with zipfile.ZipFile(archive.path) as zf:
                for member in members:
                    target = Path(folder) / Path(member).name
                    target.write_bytes(zf.read(member))
                    paths.append(target)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise InputError(f"The BACI archive is damaged ({exc}).", where=str(archive.path),
                             fix="Download it again.") from exc
        try:
            yield paths
        except InputError as exc:
            exc.where = (exc.where or "").replace(folder, str(archive.path))
            raise


def country_lookup(table: pd.DataFrame) -> tuple[dict[int, str | None], dict[int, str]]:
    """From the archive's baci_country table: code -> ISO3 (None for "nes" groupings), and
    code -> name."""
    codes = table["code"].astype(int).tolist()
    iso3 = [None if pd.isna(v) else str(v) for v in table["iso3"]]
    return dict(zip(codes, iso3, strict=True)), dict(zip(codes, table["name"], strict=True))


@dataclass(frozen=True)
class YearFile:
    """One year written as Parquet: where, and its provenance (rows, countries, drops)."""

    year: int
    path: Path
    provenance: Provenance


def trade_base(archive: Archive, url: str = "") -> Provenance:
    """What every year of one archive shares: publisher, URL, release, sha256, retrieval."""
    return replace(codes.BACI, url=url or codes.BACI.url,
                   edition=f"{archive.classification} {archive.release}",
                   retrieved=retrieved_on(archive.path), sha256=sha256_of(archive.path))


def stream_year(archive: Archive, year: int, target: Path, lookup: dict[int, str | None],
                names: dict[int, str], base: Provenance, *, final: Path | None = None,
                progress: bool | Progress = False, block_size: int = BLOCK_SIZE) -> YearFile:
    """Stream one year's CSV member into a Parquet file at `target`, block by block; the
    provenance (naming `final`, where the file will live) goes into the Parquet footer."""
    member = archive.years[year]
    where = archive.path / member
    dropped = baci.Dropped()
    rows, seen = 0, set[str]()

    def iso3_of(code: int) -> str | None:
        if code not in lookup:
            raise UnknownCountryError(
                f"BACI code {code} is not in the archive's country table "
                f"({archive.country_codes}).",
                fix="Use the archive as published; report it to CEPII if it is.")
        return lookup[code]

    with zipfile.ZipFile(archive.path) as zf, rows_progress(progress, f"BACI {year}") as tick:
        _check_header(zf, member, where)
        with pq.ParquetWriter(target, PARQUET_SCHEMA, compression="zstd",
                              use_dictionary=["exporter", "importer", "product"]) as writer:
            blocks = baci.iter_blocks(lambda: zf.open(member), where, block_size=block_size)
            with closing(blocks):  # a failed block closes the member stream at once
                for first_row, columns in blocks:
                    frame = baci.transform_flows(columns, where, first_row=first_row,
                                                 iso3_of=iso3_of, names=names, dropped=dropped)
                    writer.write_table(pa.Table.from_pandas(frame, preserve_index=False)
                                       .cast(PARQUET_SCHEMA))
                    rows += len(frame)
                    seen.update(frame["exporter"].cat.categories,
                                frame["importer"].cat.categories)
                    tick(len(columns["t"]))
            prov = _year_provenance(archive, year, base, final or target, rows, len(seen),
                                    dropped.note())
            writer.add_key_value_metadata(
                {"marketscout.provenance": json.dumps(prov.to_dict())})
    return YearFile(year, target, prov)


def _year_provenance(archive: Archive, year: int, base: Provenance, path: Path, rows: int,
                     countries: int, dropped: str) -> Provenance:
    hs = archive.classification
    return replace(
        base, source_id=f"dsm_trade_baci_{hs.lower()}_{year}",
        title=f"BACI {hs} trade flows {year} (Parquet for the DSM)", rows=rows,
        countries=countries, years=str(year),
        note=f"Stored as Parquet at {path}. Values in thousand USD, quantities in tonnes. "
        f"{dropped}".strip(),
    )


def _check_header(zf: zipfile.ZipFile, member: str, where: Path) -> None:
    """The member's first line must name t,i,j,k,v,q (quoted or not), comma separated."""
    with zf.open(member) as fh:
        header = fh.readline().decode("utf-8-sig", errors="replace").strip()
    columns = [c.strip().strip('"') for c in header.split(",")]
    missing = [c for c in baci.TRADE_COLUMNS if c not in columns]
    if missing:
        raise InputError(
            f"Missing column(s) {', '.join(missing)} in the BACI header {header[:60]!r}.",
            where=f"{where}, row 1",
            fix="Use the BACI file as published (t,i,j,k,v,q, comma separated).",
        )


def write_years(archive: Archive, years: list[int], folder: Path, lookup: dict[int, str | None],
                names: dict[int, str], base: Provenance, *, progress: bool | Progress = False,
                block_size: int = BLOCK_SIZE) -> list[YearFile]:
    """All years to `<folder>/BACI_<HS>_Y<year>.parquet`, replacing old files only once every
    year succeeded (a failure leaves the previous files as they were)."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[tuple[YearFile, Path]] = []
    try:
        for year in years:
            final = folder / f"BACI_{archive.classification}_Y{year}.parquet"
            part = folder / f".{final.name}.part"
            done = stream_year(archive, year, part, lookup, names, base, final=final.resolve(),
                               progress=progress, block_size=block_size)
            written.append((done, final))
    except BaseException:
        for done, _ in written:
            done.path.unlink(missing_ok=True)
        for leftover in folder.glob(".*.parquet.part"):
            leftover.unlink(missing_ok=True)
        raise
    for done, final in written:
        done.path.replace(final)
    return [replace(done, path=final) for done, final in written]


def trade_record(archive: Archive, done: YearFile) -> Parsed:
    """The store's record of one Parquet year: its provenance and a `trade_file` row."""
    row = pd.DataFrame([{"path": str(done.path.resolve()), "year": done.year,
                         "classification": archive.classification,
                         "release": archive.release, "rows": done.provenance.rows}])
    return Parsed({"trade_file": row}, done.provenance)


def trade_folder(home: Path, classification: str = DEFAULT_CLASSIFICATION) -> Path:
    """Where `marketscout data update baci` writes the Parquet years of one HS revision."""
    return Path(home) / "baci" / classification


def load_archive(path: Path, folder: Path, years: Years | None = None, *, url: str = "",
                 progress: bool | Progress = False) -> list[Parsed]:
    """Everything one BACI zip gives: code tables, then one record per Parquet year written.

    Nothing is returned (so nothing reaches the store) unless every year was written.
    """
    archive = open_archive(path)
    chosen = choose_years(archive, years)
    country_table, product_table = parse_code_tables(archive, url)
    lookup, names = country_lookup(country_table.tables["baci_country"])
    done = write_years(archive, chosen, folder, lookup, names, trade_base(archive, url),
                       progress=progress)
    return [country_table, product_table, *(trade_record(archive, d) for d in done)]


# --- `marketscout data update baci` ----------------------------------------------------------


def update(ctx: UpdateContext) -> Iterator[Parsed]:
    """The HS92 archive of the default release (or the zip given with --file), years streamed
    to Parquet in the data folder."""
    if ctx.file is not None:
        path, url = Path(ctx.file), Path(ctx.file).resolve().as_uri()
    else:
        url = ctx.file_url(Path(archive_url(ctx.source.default_url)).name)
        path = ctx.download(url, f"baci/{Path(url).name}", kind="zip")
    archive = open_archive(path)
    folder = trade_folder(ctx.settings.home, archive.classification)
    yield from load_archive(path, folder, ctx.years, url=url, progress=ctx.progress)
