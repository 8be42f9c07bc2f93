"""CORDIS bulk downloads: Horizon 2020 and Horizon Europe projects, participations,
organisations, topics and euroSciVoc fields, from the official zip archives.

CORDIS publishes each framework programme as one zip per format (`cordis-HORIZONprojects-csv.zip`,
`-xlsx.zip`, `-json.zip`) holding one table per file: project, organization, topics,
euroSciVoc, legalBasis, ... The CSV variant is `;`-separated, every field quoted, money with a
decimal comma ("2835524,25"); H2020 and Horizon Europe share the layout. The participation
rows go through `cordis.participations`, the parser of the single organization.csv file.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from marketscout.countries import to_iso3
from marketscout.errors import DownloadError, InputError
from marketscout.sources import Parsed, finish, publishers
from marketscout.sources._download import retrieved_on
from marketscout.sources.cordis.members import TABLES, member_names, read_file, read_member
from marketscout.sources.cordis.participations import HE_COLUMNS, participations, start_years
from marketscout.sources.read import reject_duplicates, require_columns
from marketscout.sources.registry import UpdateContext

FORMATS = ("csv", "xlsx", "json")
PROJECT_COLUMNS = ("id", "acronym", "title", "startDate", "endDate", "objective", "topics",
                   "legalBasis", "totalCost", "ecMaxContribution")
ORGANISATION_COLUMNS = ("organisationID", "name", "shortName", "activityType", "city",
                        "country")
# The columns read from the two big tables (the others, e.g. street, VAT number and contact
# form, are never used and would double the memory of a full archive).
WANTED = {
    "project": frozenset(PROJECT_COLUMNS) | {"fundingScheme", "status", "contentUpdateDate"},
    "organization": frozenset(ORGANISATION_COLUMNS) | frozenset(HE_COLUMNS) | {
        "SME", "nutsCode", "geolocation", "organizationURL", "contentUpdateDate"},
}


@dataclass(frozen=True)
class Programme:
    """One framework programme's bulk archive and the store load it becomes."""

    key: str  # the word users type
    code: str  # `programme` in horizon_participation, as CORDIS' frameworkProgramme writes it
    name: str
    archive: str  # file name stem on cordis.europa.eu/data
    source_id: str  # the same ids as `sources.cordis`: a bulk load replaces the older copy


PROGRAMMES = {
    "h2020": Programme("h2020", "H2020", "Horizon 2020", "cordis-h2020projects", "cordis_h2020"),
    "horizon": Programme("horizon", "HORIZON", "Horizon Europe", "cordis-HORIZONprojects",
                         "cordis_horizon_europe"),
}
BASE = publishers.provenance("", entry="cordis_bulk")
# Legal-basis codes -> the programme-part names of the re-published H2020 table that the
# snapshot ships (zambujo/eunets h2020_programme_parts), so both loads speak the same words;
# Horizon Europe: pillar I parts, the six clusters of pillar II, pillar III and widening.
# Codes not listed keep the CORDIS code itself.
_PARTS = {
    "H2020-EU.1.1": "ERC", "H2020-EU.1.2": "FET", "H2020-EU.1.3": "MSCA", "H2020-EU.1.4": "RI",
    "H2020-EU.2.1": "LEIT", "H2020-EU.2.2": "ARF", "H2020-EU.2.3": "Innovation in SMEs",
    **{f"H2020-EU.3.{n}": f"SC{n}" for n in range(1, 8)},
    "H2020-EU.4": "SEWP", "H2020-EU.5": "SWAFS",
    "HORIZON.1.1": "ERC", "HORIZON.1.2": "MSCA", "HORIZON.1.3": "RI",
    **{f"HORIZON.2.{n}": f"Cluster {n}" for n in range(1, 7)},
    "HORIZON.3.1": "EIC", "HORIZON.3.2": "European innovation ecosystems", "HORIZON.3.3": "EIT",
    "HORIZON.4.1": "Widening", "HORIZON.4.2": "Reforming the R&I system",
}


def archive_url(base_url: str, programme: Programme, fmt: str = "csv") -> str:
    """The official archive of one programme in one format (csv, xlsx or json)."""
    if fmt not in FORMATS:
        raise InputError(f"Unknown CORDIS format {fmt!r}.", where="CORDIS bulk download",
                         fix=f"Use one of: {', '.join(FORMATS)}.")
    return f"{base_url.rstrip('/')}/{programme.archive}-{fmt}.zip"


def parse_archive(path: Path, programme: str | None = None, *, url: str = "") -> Parsed:
    """A CORDIS bulk zip -> horizon_participation, horizon_programme_part, cordis_project,
    cordis_organisation, cordis_topic and cordis_euroscivoc, with provenance.

    `programme` ('h2020' or 'horizon') defaults to the one the archive's name says.
    """
    path = Path(path)
    chosen = PROGRAMMES[programme] if programme else _programme_of(path)
    try:
        with zipfile.ZipFile(path) as archive:
            names = member_names(archive, path)
            frames = {key: read_member(archive, name, path, WANTED.get(key))
                      for key, name in names.items()}
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"The archive is damaged or truncated ({exc}).", where=str(path),
                         fix="Download it again (`marketscout data update cordis`).") from exc
    tables, note = _tables(frames, {k: path / n for k, n in names.items()}, chosen)
    base = replace(BASE, source_id=chosen.source_id, url=url or BASE.url, note=note,
                   title=f"{chosen.name} projects, participations, organisations, topics and "
                   "euroSciVoc (CORDIS bulk download)",
                   edition=_edition(frames), retrieved=retrieved_on(path))
    return finish(base, path, tables, year_column="start_year")


def parse_sample(project_path: Path) -> Parsed:
    """A sample of a CORDIS Horizon Europe download saved as loose CSV files (the first rows
    of each table: `horizon_europe_project_head100.csv` beside `..._organization_...`,
    `..._topics_...` and `..._euroSciVoc_...`), with the tables of `parse_archive`.

    The load keeps the full programme's source id (a real download replaces it) and its
    provenance says `sample`: the partner finder searches its texts, no criterion or count
    uses it (docs/methodology.md, "Samples")."""
    path = Path(project_path)
    if "_project_" not in path.name:
        raise InputError("Not the project table of a CORDIS sample.", where=str(path),
                         fix="Give the file named like horizon_europe_project_head100.csv.")
    files = {key: path.with_name(path.name.replace("_project_", f"_{key}_"))
             for key in TABLES}
    missing = [str(f) for key, f in files.items() if TABLES[key] and not f.exists()]
    if missing:
        raise InputError(f"The sample's other tables are missing: {', '.join(missing)}.",
                         where=str(path), fix="Keep the sample's files together.")
    frames = {key: read_file(f, WANTED.get(key)) for key, f in files.items() if f.exists()}
    programme = PROGRAMMES["horizon"]
    tables, note = _tables(frames, {k: files[k] for k in frames}, programme)
    projects = len(tables["cordis_project"])
    base = publishers.provenance(programme.source_id, entry="cordis_horizon_europe_sample",
                                 retrieved=retrieved_on(path))
    base = replace(base, sample=True, partial=True,
                   note=f"A sample: the first {projects} projects of the programme's tables, "
                   f"not the full programme; never counted in criteria. {note}")
    return finish(base, path, tables, year_column="start_year")


def _programme_of(path: Path) -> Programme:
    for programme in PROGRAMMES.values():
        if programme.archive.lower() in path.name.lower():
            return programme
    raise InputError(
        "Cannot tell from the file name which framework programme this archive holds.",
        where=str(path),
        fix="Keep CORDIS' file name (cordis-h2020projects-csv.zip or "
        "cordis-HORIZONprojects-csv.zip).",
    )


def _tables(
    frames: dict[str, pd.DataFrame], where: dict[str, Path], programme: Programme
) -> tuple[dict[str, pd.DataFrame], str]:
    projects, organisations = frames["project"], frames["organization"]
    starts = start_years(projects, where["project"])
    taking_part, dropped = participations(organisations, where["organization"], starts=starts,
                                          programme=programme.code)
    tables = {
        "horizon_participation": taking_part,
        "horizon_programme_part": _programme_parts(projects),
        "cordis_project": _projects(projects, where["project"], programme.code),
        "cordis_organisation": _organisations(organisations, where["organization"]),
        "cordis_topic": _topics(frames.get("topics"), where.get("topics")),
        "cordis_euroscivoc": _euroscivoc(frames.get("euroSciVoc"), where.get("euroSciVoc")),
    }
    missing = [f"{k}.csv" for k in ("topics", "euroSciVoc") if k not in frames]
    note = f"{dropped} participations without a country dropped."
    if missing:
        note += f" The archive has no {' or '.join(missing)}: those tables are empty."
    return tables, note


def _projects(frame: pd.DataFrame, where: Path, programme: str) -> pd.DataFrame:
    require_columns(frame, PROJECT_COLUMNS, where)
    reject_duplicates(frame, ["id"], where)
    return pd.DataFrame({
        "project_id": frame["id"].str.strip(),
        "acronym": frame["acronym"].str.strip(),
        "title": frame["title"].str.strip(),
        "objective": frame["objective"].str.strip(),
        "start_date": _dates(frame["startDate"], where, "startDate"),
        "end_date": _dates(frame["endDate"], where, "endDate"),
        "programme": programme,
        "legal_basis": frame["legalBasis"].str.strip(),
        "topics": frame["topics"].str.strip(),
        "funding_scheme": _optional(frame, "fundingScheme"),
        "status": _optional(frame, "status"),
        "total_cost": _money(frame["totalCost"], where, "totalCost"),
        "ec_max_contribution": _money(frame["ecMaxContribution"], where, "ecMaxContribution"),
    })


def _organisations(frame: pd.DataFrame, where: Path) -> pd.DataFrame:
    """One row per organisation (its latest details: the file repeats them per project)."""
    require_columns(frame, ORGANISATION_COLUMNS, where)
    if "contentUpdateDate" in frame.columns:
        frame = frame.sort_values("contentUpdateDate", kind="stable")
    latest = frame.drop_duplicates("organisationID", keep="last")
    lat, lon = _geolocation(_optional(latest, "geolocation"))
    return pd.DataFrame({
        "org_id": latest["organisationID"].str.strip(),
        "name": latest["name"].str.strip(),
        "short_name": latest["shortName"].str.strip().replace("", None),
        "org_type": latest["activityType"].str.strip().replace("", None),
        "sme": _optional(latest, "SME").str.lower().map({"true": True, "false": False}),
        "city": latest["city"].str.strip().replace("", None),
        "iso3": _iso3(latest["country"], where, latest.index),
        "nuts_code": _optional(latest, "nutsCode").replace("", None),
        "lat": lat,
        "lon": lon,
        "url": _optional(latest, "organizationURL").replace("", None),
    }).sort_values("org_id").reset_index(drop=True)


def _topics(frame: pd.DataFrame | None, where: Path | None) -> pd.DataFrame:
    columns = {"projectID": "project_id", "topic": "topic", "title": "title"}
    return _link_table(frame, where, columns)


def _euroscivoc(frame: pd.DataFrame | None, where: Path | None) -> pd.DataFrame:
    columns = {"projectID": "project_id", "euroSciVocCode": "code",
               "euroSciVocPath": "path", "euroSciVocTitle": "title"}
    return _link_table(frame, where, columns)


def _link_table(
    frame: pd.DataFrame | None, where: Path | None, columns: dict[str, str]
) -> pd.DataFrame:
    """A project-to-label table (topics, euroSciVoc), renamed; empty when absent."""
    if frame is None or where is None:
        return pd.DataFrame({c: pd.Series(dtype=str) for c in columns.values()})
    require_columns(frame, tuple(columns), where)
    table = frame[list(columns)].rename(columns=columns).apply(lambda c: c.str.strip())
    return table.drop_duplicates().reset_index(drop=True)


def _programme_parts(projects: pd.DataFrame) -> pd.DataFrame:
    """The project's legal basis (its programme part), named as in the snapshot's table."""
    codes = projects["legalBasis"].str.strip().str.rstrip(".")
    parts = codes.map(lambda code: _part(code))
    table = pd.DataFrame({"project_id": projects["id"].str.strip(), "programme_part": parts})
    return table[table["programme_part"] != ""].drop_duplicates().reset_index(drop=True)


def _part(code: str) -> str:
    """The longest listed prefix of a legal-basis code (H2020-EU.3.1.2 -> SC1)."""
    pieces = code.split(".")
    for n in range(len(pieces), 0, -1):
        found = _PARTS.get(".".join(pieces[:n]))
        if found:
            return found
    return "Euratom" if code.upper().startswith(("EURATOM", "H2020-EURATOM")) else code


def _money(values: pd.Series, where: Path, column: str) -> pd.Series:
    """CORDIS amounts: a decimal comma in the official CSV, a point elsewhere; no thousands
    separator in either, so a comma is always the decimal mark."""
    text = values.str.strip().str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(text.mask(text == ""), errors="coerce")
    bad = numbers.isna() & (text != "")
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(f"Not an amount: {values.iloc[pos]!r} in column '{column}'.",
                         where=f"{where}, row {pos + 2}, column '{column}'",
                         fix="Use the CORDIS file unchanged (amounts in euro, digits with a "
                         "decimal comma or point).")
    return numbers.astype(float)


def _dates(values: pd.Series, where: Path, column: str) -> pd.Series:
    """YYYY-MM-DD (with or without a time, as XLSX cells give) as dates; blank = missing."""
    text = values.str.strip().str[:10]
    bad = ~text.str.fullmatch(r"(\d{4}-\d\d-\d\d)?")
    parsed = pd.to_datetime(text.where(~bad & (text != "")), format="%Y-%m-%d", errors="coerce")
    bad |= parsed.isna() & (text != "")
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(f"Not a date: {values.iloc[pos]!r}.",
                         where=f"{where}, row {pos + 2}, column '{column}'",
                         fix="Use the CORDIS file unchanged (dates as YYYY-MM-DD).")
    return parsed.dt.date


def _iso3(codes: pd.Series, where: Path, rows: pd.Index) -> list[str | None]:
    """CORDIS country codes (EL, UK, ...) -> ISO3, each distinct code looked up once."""
    memo: dict[str, str | None] = {"": None}
    out: list[str | None] = []
    for row, code in zip(rows, codes.str.strip(), strict=True):
        if code not in memo:
            memo[code] = to_iso3(code, where=f"{where}, row {int(row) + 2}, column 'country'")
        out.append(memo[code])
    return out


def _geolocation(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """CORDIS writes "lat,lon" in one field; anything else is left missing."""
    pairs = values.str.extract(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
    return pd.to_numeric(pairs[0]), pd.to_numeric(pairs[1])


def _optional(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column the official files have but older or re-saved copies may lack."""
    if column in frame.columns:
        return frame[column].str.strip()
    return pd.Series("", index=frame.index, dtype=str)


def _edition(frames: dict[str, pd.DataFrame]) -> str:
    """'CORDIS bulk download, records updated up to <date>' from contentUpdateDate."""
    dates = [f["contentUpdateDate"].str[:10].max() for f in frames.values()
             if "contentUpdateDate" in f.columns and len(f)]
    latest = max((d for d in dates if re.fullmatch(r"\d{4}-\d\d-\d\d", str(d))), default="")
    return f"{BASE.edition}, records updated up to {latest}" if latest else BASE.edition


# --- `marketscout data update cordis` --------------------------------------------------------


def update(ctx: UpdateContext) -> Iterator[Parsed]:
    """Both programmes' CSV archives (or the one zip given with --file).

    Every archive that arrived is parsed before any is loaded, so a bad file loads nothing.
    When one archive does not arrive (moved, server down), the other programme is still
    loaded and the error names the one missing, whose previous data stay in the store.
    """
    if ctx.file is not None:
        yield parse_archive(Path(ctx.file), url=Path(ctx.file).resolve().as_uri())
        return
    arrived, missing = [], []
    for programme in PROGRAMMES.values():
        url = archive_url(ctx.base_url, programme)
        try:
            path = ctx.download(url, f"cordis/{programme.archive}-csv.zip", kind="zip")
        except DownloadError as exc:
            missing.append((programme, exc))
            continue
        arrived.append((programme, path, url))
    yield from [parse_archive(path, programme.key, url=url) for programme, path, url in arrived]
    if missing:
        raise _missing_error(missing, [programme for programme, _, _ in arrived])


def _missing_error(missing: list[tuple[Programme, DownloadError]],
                   loaded: list[Programme]) -> DownloadError:
    names = " and ".join(f"{p.name} ({p.archive}-csv.zip)" for p, _ in missing)
    done = (f"{' and '.join(p.name for p in loaded)} was loaded; " if loaded else "")
    first = missing[0][1]
    return DownloadError(
        f"The {names} archive did not arrive ({first.what}); {done}the store keeps its "
        "previous data for the missing programme.",
        where=first.where,
        fix=f"{first.fix or ''} Run `marketscout data update cordis` again later, or pass the "
        "archive with --file.".strip(),
    )
