"""CORDIS participations files: who took part in which Horizon 2020 / Horizon Europe project.

One row per participation: project, organisation, country, role, organisation type and EU
contribution. Rows without a country cannot count for any market and are dropped (counted
in the provenance note).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from marketscout.countries import to_iso3
from marketscout.errors import InputError
from marketscout.sources import Parsed, finish, publishers
from marketscout.sources.read import (
    read_csv,
    reject_duplicates,
    require_columns,
    to_number,
)

PARTICIPATION_COLUMNS = [
    "project_id", "org_id", "iso3", "role", "org_type", "ec_contribution", "start_year",
    "programme",
]
H2020_COLUMNS = ("rcn", "role", "pic", "type", "contribution", "country", "start_year")
HE_COLUMNS = ("projectID", "organisationID", "country", "role", "activityType", "ecContribution")

H2020 = publishers.provenance("cordis_h2020")
HORIZON_EUROPE = publishers.provenance("cordis_horizon_europe")


def parse_h2020(participations_path: Path, programme_parts_path: Path | None = None) -> Parsed:
    """H2020 participations (project key `rcn`, organisation key `pic`) and programme parts."""
    path = Path(participations_path)
    frame = read_csv(path, required=H2020_COLUMNS)
    _require_text(frame, ("rcn", "pic", "role"), path)
    reject_duplicates(frame, ["rcn", "pic"], path)
    contribution = to_number(frame["contribution"], path=path, column="contribution",
                             point_only=True)
    start_year = _whole(frame["start_year"], path, "start_year")
    table = pd.DataFrame(
        {
            "project_id": frame["rcn"].str.strip(),
            "org_id": frame["pic"].str.strip(),
            "country": frame["country"].str.strip(),
            "role": frame["role"].str.strip(),
            "org_type": frame["type"].str.strip().replace("", None),
            "ec_contribution": contribution,
            "start_year": start_year,
            "programme": "H2020",
        }
    )
    # The re-publisher's R export writes a missing country as "NA", the same text as
    # Namibia's code; the file has no other "NA" rows, so these are read as missing.
    table, dropped = _with_iso3(table, path, missing={"", "NA"})
    tables = {"horizon_participation": table}
    if programme_parts_path is not None:
        tables["horizon_programme_part"] = _programme_parts(Path(programme_parts_path))
    note = (
        f"{dropped} participations without a country dropped (written 'NA' in the file; "
        "they may be Namibian participants, whose code is also NA)."
    )
    return finish(replace(H2020, note=note), path, tables, year_column="start_year")


def parse_horizon_europe_organizations(path: Path, projects_path: Path | None = None) -> Parsed:
    """Horizon Europe participations from CORDIS `organization.csv` (`;` or `,` separated).

    organization.csv has no start date: start_year is NULL unless `projects_path`
    (CORDIS `project.csv`, columns id and startDate) is given.
    """
    path = Path(path)
    frame = read_csv(path, required=HE_COLUMNS)
    starts = _project_start_years(Path(projects_path)) if projects_path is not None else None
    table, dropped = participations(frame, path, starts=starts)
    note = f"{dropped} participations without a country dropped."
    if projects_path is None:
        note += " start_year is empty: organization.csv has no start date."
    base = replace(HORIZON_EUROPE, note=note)
    return finish(base, path, {"horizon_participation": table}, year_column="start_year")


def participations(
    frame: pd.DataFrame, path: Path, *, starts: pd.Series | None = None,
    programme: str = "HORIZON",
) -> tuple[pd.DataFrame, int]:
    """CORDIS `organization` rows (text cells) -> horizon_participation rows, and how many
    rows without a country were dropped. `starts` maps project id -> start year.

    Shared with the bulk reader (`cordis_bulk`): H2020 and Horizon Europe use this layout.
    """
    require_columns(frame, HE_COLUMNS, path)
    _require_text(frame, ("projectID", "organisationID", "role"), path)
    reject_duplicates(frame, ["projectID", "organisationID", "role"], path)
    # The official file writes amounts with a decimal comma ("2835524,25"); to_number
    # reads both that and the decimal point of re-saved copies.
    contribution = to_number(frame["ecContribution"], path=path, column="ecContribution")
    table = pd.DataFrame(
        {
            "project_id": frame["projectID"].str.strip(),
            "org_id": frame["organisationID"].str.strip(),
            "country": frame["country"].str.strip(),
            "role": frame["role"].str.strip(),  # includes thirdParty and associatedPartner
            "org_type": frame["activityType"].str.strip().replace("", None),
            "ec_contribution": contribution,
            "start_year": pd.Series(pd.NA, index=frame.index, dtype="Int64"),
            "programme": programme,
        }
    )
    if starts is not None:
        table["start_year"] = table["project_id"].map(starts).astype("Int64")
    return _with_iso3(table, path, missing={""})


def _require_text(frame: pd.DataFrame, columns: tuple[str, ...], path: Path) -> None:
    """Key columns must be filled on every row."""
    for column in columns:
        empty = frame[column].str.strip().eq("").to_numpy().nonzero()[0]
        if len(empty):
            raise InputError(
                f"Empty cell in column '{column}'.",
                where=f"{path}, row {int(empty[0]) + 2}, column '{column}'",
                fix="Every participation needs a project, an organisation and a role.",
            )


def _whole(values: pd.Series, path: Path, column: str) -> pd.Series:
    """Whole numbers (years) as a nullable integer column; blanks and NA become NULL."""
    numbers = to_number(values, path=path, column=column, point_only=True)
    bad = (numbers.notna() & (numbers % 1 != 0)).to_numpy().nonzero()[0]
    if len(bad):
        raise InputError(
            f"Not a whole year: {values.iloc[bad[0]]!r}.",
            where=f"{path}, row {int(bad[0]) + 2}, column '{column}'",
            fix="Write years as four digits.",
        )
    return numbers.astype("Int64")


def _with_iso3(
    table: pd.DataFrame, path: Path, *, missing: set[str]
) -> tuple[pd.DataFrame, int]:
    """Replace CORDIS country codes (EL, UK, ...) by ISO3; drop rows without a country."""
    absent = table["country"].isin(missing)
    codes = table.loc[~absent, "country"]
    first_rows = pd.Series(codes.index + 2, index=codes.index).groupby(codes).first()
    iso3 = {
        code: to_iso3(str(code), where=f"{path}, row {row}, column 'country'")
        for code, row in first_rows.items()
    }
    kept = table[~absent].assign(iso3=codes.map(iso3))
    return kept[PARTICIPATION_COLUMNS].reset_index(drop=True), int(absent.sum())


def _programme_parts(path: Path) -> pd.DataFrame:
    """`rcn,programme_part`: a project can belong to several parts (ERC, MSCA, SC1, ...)."""
    frame = read_csv(path, required=("rcn", "programme_part"))
    _require_text(frame, ("rcn", "programme_part"), path)
    reject_duplicates(frame, ["rcn", "programme_part"], path)
    return pd.DataFrame(
        {
            "project_id": frame["rcn"].str.strip(),
            "programme_part": frame["programme_part"].str.strip(),
        }
    )


def _project_start_years(path: Path) -> pd.Series:
    """Start year by project id, from CORDIS `project.csv` (startDate as YYYY-MM-DD)."""
    return start_years(read_csv(path, required=("id", "startDate")), path)


def start_years(frame: pd.DataFrame, path: Path) -> pd.Series:
    """Start year by project id, from CORDIS `project` rows (text cells, startDate as
    YYYY-MM-DD); shared with the bulk reader."""
    require_columns(frame, ("id", "startDate"), path)
    reject_duplicates(frame, ["id"], path)
    dates = frame["startDate"].str.strip()
    odd = (~dates.str.fullmatch(r"(\d{4}-\d\d-\d\d.*)?")).to_numpy().nonzero()[0]
    if len(odd):
        raise InputError(
            f"Not a date: {dates.iloc[odd[0]]!r}.",
            where=f"{path}, row {int(odd[0]) + 2}, column 'startDate'",
            fix="Use CORDIS project.csv unchanged (dates as YYYY-MM-DD).",
        )
    years = pd.to_numeric(dates.str[:4].replace("", None)).astype("Int64")
    return pd.Series(years.to_numpy(), index=frame["id"].str.strip())
