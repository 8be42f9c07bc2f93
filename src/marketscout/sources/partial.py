"""Partial but real tables collected from public reports and press releases.

Each row of these files names its source (`source_url` or `source_note`); the provenance
note lists them, and every load is marked partial so reports say the data are incomplete.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from marketscout import countries
from marketscout.errors import InputError, UnknownCountryError
from marketscout.sources import Parsed, finish, publishers
from marketscout.sources.read import read_csv, reject_duplicates, to_number

IMD = publishers.provenance("imd_partial")
BOL_FDI = publishers.provenance("bol_fdi_partial")
EXPORTS_TOP = publishers.provenance("exports_partial_top")
COMEXT = publishers.provenance("eurostat_comext_ltu_partial")
GII = publishers.provenance("gii_partial")
SHARE_UNIT = "% of home's total exports"
# Bank of Lithuania names the counterpart basis in words; the store keeps one word.
_BASIS = {"immediate": "immediate", "ultimate": "ultimate"}


def parse_imd_partial(path: Path) -> Parsed:
    """IMD digital competitiveness ranks (no scores) -> table `imd`."""
    path = Path(path)
    raw = read_csv(path, sep=",", required=(
        "year", "rank", "economy", "iso3", "score", "n_economies", "source_url", "basis"))
    table = pd.DataFrame({
        "iso3": _iso3(raw, "iso3", "economy", path),
        "year": _whole(raw, "year", path),
        # The sources publish ranks only: score stays NaN where blank.
        "score": to_number(raw["score"], path=path, column="score"),
        "rank": _whole(raw, "rank", path).astype(float),
        "n_economies": _whole(raw, "n_economies", path),
    })
    reject_duplicates(table, ["iso3", "year"], path)
    _check_rank(table, path)
    basis = _choice(raw, "basis", {"stated": "stated", "derived": "derived"}, path)
    derived = int((basis == "derived").sum())
    note = ("Press reprint, not an official table. "
            f"{derived} of {len(table)} ranks are derived from a move stated in another year's "
            "report (basis = derived), the rest are stated. " + _sources(raw, "source_url"))
    return finish(replace(IMD, note=note), path, {"imd": table})


def _check_rank(table: pd.DataFrame, path: Path) -> None:
    bad = (table["rank"] < 1) | (table["rank"] > table["n_economies"])
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            f"Rank {table['rank'].iloc[pos]:.0f} is outside 1..{table['n_economies'].iloc[pos]}.",
            where=f"{path}, row {table.index[pos] + 2}, column 'rank'",
            fix="Check the rank and the number of economies ranked that year.",
        )


def parse_gii_partial(path: Path) -> Parsed:
    """GII ranks and scores 2020-2024 collected from public pages (partial), as table `gii`."""
    path = Path(path)
    raw = read_csv(path, required=("year", "rank", "economy", "iso3", "score", "source_url"))
    # iso3 is filled in by whoever collected the row; where it is empty, the name is used.
    table = pd.DataFrame({
        "iso3": _iso3(raw, "iso3", "economy", path),
        "edition": _whole(raw, "year", path),
        "code": "GII",
        "name": "Global Innovation Index",
        "score": to_number(raw["score"], path=path, column="score"),
        "rank": to_number(raw["rank"], path=path, column="rank"),
    })
    reject_duplicates(table, ["edition", "iso3"], path)
    urls = sorted(set(raw["source_url"].str.strip()) - {""})
    note = (f"Press reprint, not an official table: {len(table)} rows "
            f"({int(table['score'].notna().sum())} with a score), collected from {len(urls)} "
            f"public pages: {'; '.join(urls)}")
    base = replace(GII, edition=f"{table['edition'].min()}-{table['edition'].max()}", note=note)
    return finish(base, path, {"gii": table}, year_column="edition")


def parse_fdi_bol(path: Path) -> Parsed:
    """Bank of Lithuania top investors (EUR bn) -> table `fdi_inward` in EUR million."""
    path = Path(path)
    raw = read_csv(path, sep=",", required=(
        "reference_date", "host_iso3", "counterpart_basis", "investor", "investor_iso3",
        "position_eur_bn", "source_url"))
    # A "Total"/"World" row is the host's total, not a partner: judged by the code where
    # there is one, so that no country is dropped for a word in its name.
    total = [countries.is_aggregate(code.strip() or name)
             for code, name in zip(raw["investor_iso3"], raw["investor"], strict=True)]
    rows = raw.loc[~pd.Series(total, index=raw.index, dtype=bool)]
    dates = _dates(rows, "reference_date", path)
    value = to_number(rows["position_eur_bn"], path=path, column="position_eur_bn")
    _require(rows, value, "position_eur_bn", path)
    table = pd.DataFrame({
        "home": _iso3(rows, "host_iso3", None, path),
        "partner": _iso3(rows, "investor_iso3", "investor", path),
        "year": dates.dt.year,
        "value": value * 1000,  # EUR bn -> EUR million
        "unit": "EUR million",
        "basis": _choice(rows, "counterpart_basis", _BASIS, path),
    })
    reject_duplicates(table.assign(date=dates), ["home", "partner", "basis", "date"], path,
                      rows=(table.index + 2).tolist())
    kept, used = _latest_in_year(table, dates)
    note = ("Positions at the latest reference date in each year and basis (" + ", ".join(used)
            + "); earlier quarters of the same year dropped. Top investors only. "
            + _sources(rows, "source_url"))
    return finish(replace(BOL_FDI, note=note), path, {"fdi_inward": kept},
                  country_columns=("partner",))


def _latest_in_year(table: pd.DataFrame, dates: pd.Series) -> tuple[pd.DataFrame, list[str]]:
    """One snapshot per year: the releases quote several quarters (2023 Q3 and Q4), and a
    top-5 list from one quarter must not be mixed with another's. (The Q3 2023 release's UK
    figure, printed as "EUR 2.5 million", a typo for billion, goes with its quarter.)"""
    key = [table["home"], table["basis"], table["year"]]
    latest = dates.groupby(key).transform("max")
    chosen = dates == latest
    used = sorted({d.date().isoformat() for d in dates[chosen]})
    return table.loc[chosen].reset_index(drop=True), used


def parse_exports_partners(path: Path) -> Parsed:
    """Quoted exports to top partners -> table `exports` (USD, or a share where only that)."""
    path = Path(path)
    raw = read_csv(path, sep=",", required=(
        "year", "exporter_iso3", "partner", "partner_iso3", "value_usd",
        "share_of_total_exports_pct", "source_url"))
    usd = to_number(raw["value_usd"], path=path, column="value_usd")
    share = to_number(raw["share_of_total_exports_pct"], path=path,
                      column="share_of_total_exports_pct")
    _require(raw, usd.fillna(share), "value_usd", path,
             what="Neither 'value_usd' nor 'share_of_total_exports_pct' is given.")
    # Some sources give only each partner's share of the home's total exports; keep those
    # rows with their own unit rather than derive USD from a total quoted in free text.
    table = pd.DataFrame({
        "home": _iso3(raw, "exporter_iso3", None, path),
        "partner": _iso3(raw, "partner_iso3", "partner", path),
        "year": _whole(raw, "year", path),
        "value": usd.fillna(share),
        "unit": usd.notna().map({True: "USD", False: SHARE_UNIT}),
    })
    reject_duplicates(table, ["home", "partner", "year", "unit"], path)
    shares = sorted(table.loc[table["unit"] == SHARE_UNIT, "year"].unique().tolist())
    note = (f"Values in USD; for {', '.join(map(str, shares)) or 'no year'} only shares were "
            f"published (unit '{SHARE_UNIT}'). " + _sources(raw, "source_url"))
    return finish(replace(EXPORTS_TOP, note=note), path, {"exports": table},
                  country_columns=("partner",))


def parse_exports_comext_monthly(path: Path) -> Parsed:
    """Eurostat Comext monthly exports (EUR) -> table `exports`, complete calendar years only."""
    path = Path(path)
    raw = read_csv(path, sep=",", required=(
        "reporter_iso3", "partner_iso3", "period", "flow", "value_eur", "source_note"))
    rows = raw.loc[raw["flow"].str.strip().str.upper() == "EXPORT"]
    if rows.empty:
        raise InputError("No rows with flow EXPORT.", where=f"{path}, column 'flow'",
                         fix="Export the Comext extract with flow = EXPORT.")
    period = _periods(rows, path)
    monthly = pd.DataFrame({
        "home": _iso3(rows, "reporter_iso3", None, path),
        "partner": _iso3(rows, "partner_iso3", "partner_label", path),
        "period": period,
        "value": to_number(rows["value_eur"], path=path, column="value_eur"),
    })
    reject_duplicates(monthly, ["home", "partner", "period"], path, rows=(rows.index + 2).tolist())
    monthly["year"] = monthly["period"].str[:4].astype(int)
    # Eurostat's ":" (not available) was left blank: a year with a blank month is incomplete,
    # and its sum would understate exports, so only years with all 12 months are kept.
    years = monthly.groupby(["home", "partner", "year"], as_index=False)["value"].agg(
        value="sum", months="count")
    complete = years["months"] == 12
    table = years.loc[complete, ["home", "partner", "year", "value"]].assign(unit="EUR")
    dropped = years.loc[~complete].groupby("year")["partner"].agg(lambda s: ", ".join(sorted(s)))
    gaps = "; ".join(f"{y} for {p}" for y, p in dropped.items()) or "none"
    note = (f"Calendar-year sums of monthly values; incomplete years dropped: {gaps}. "
            + _sources(rows, "source_note"))
    return finish(replace(COMEXT, note=note), path, {"exports": table.reset_index(drop=True)},
                  country_columns=("partner",))


def _iso3(frame: pd.DataFrame, code_col: str, name_col: str | None, path: Path) -> pd.Series:
    """ISO3 from a code column, else from the name column; a code that contradicts the name
    (a shifted row) is an error."""
    out: list[str] = []
    for index, code, name in zip(frame.index, frame[code_col],
                                 frame[name_col] if name_col else frame[code_col], strict=True):
        column = code_col if code.strip() or not name_col else name_col
        where = f"{path}, row {index + 2}, column '{column}'"
        found = countries.to_iso3(code.strip() or name, where=where)
        if name_col and code.strip() and _name_iso3(name) not in (None, found):
            raise InputError(
                f"Code {code!r} does not match the name {name!r}.",
                where=where,
                fix=f"Correct '{code_col}' or '{name_col}' in this row.",
            )
        out.append(found)
    return pd.Series(out, index=frame.index, dtype=object)


def _name_iso3(name: str) -> str | None:
    try:
        return countries.to_iso3(name)
    except UnknownCountryError:
        return None  # informal spellings ("Korea Rep.") are checked through the code only


def _whole(frame: pd.DataFrame, column: str, path: Path) -> pd.Series:
    values = to_number(frame[column], path=path, column=column)
    bad = values.isna() | (values.round() != values)
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            f"Column '{column}' needs a whole number, found {frame[column].iloc[pos]!r}.",
            where=f"{path}, row {frame.index[pos] + 2}, column '{column}'",
            fix="Fill in a whole number.",
        )
    return values.astype("int64")


def _require(
    frame: pd.DataFrame, values: pd.Series, column: str, path: Path, *, what: str = ""
) -> None:
    if values.isna().any():
        pos = int(values.isna().to_numpy().nonzero()[0][0])
        raise InputError(
            what or f"Missing value in column '{column}'.",
            where=f"{path}, row {frame.index[pos] + 2}, column '{column}'",
            fix="Fill in the value from the source, or delete the row.",
        )


def _choice(frame: pd.DataFrame, column: str, choices: dict[str, str], path: Path) -> pd.Series:
    """Map free text to a fixed vocabulary by its first word ("immediate (direct ...)")."""
    first = frame[column].str.strip().str.lower().str.split().str[0].fillna("")
    bad = ~first.isin(list(choices))
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            f"Unknown {column} {frame[column].iloc[pos]!r}.",
            where=f"{path}, row {frame.index[pos] + 2}, column '{column}'",
            fix=f"Use one of: {', '.join(choices)}.",
        )
    return first.map(choices)


def _dates(frame: pd.DataFrame, column: str, path: Path) -> pd.Series:
    dates = pd.to_datetime(frame[column].str.strip(), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        pos = int(dates.isna().to_numpy().nonzero()[0][0])
        raise InputError(
            f"Not a date: {frame[column].iloc[pos]!r}.",
            where=f"{path}, row {frame.index[pos] + 2}, column '{column}'",
            fix="Write dates as YYYY-MM-DD.",
        )
    return dates


def _periods(frame: pd.DataFrame, path: Path) -> pd.Series:
    period = frame["period"].str.strip()
    bad = ~period.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            f"Not a month: {frame['period'].iloc[pos]!r}.",
            where=f"{path}, row {frame.index[pos] + 2}, column 'period'",
            fix="Write months as YYYY-MM.",
        )
    return period


def _sources(frame: pd.DataFrame, column: str) -> str:
    """The distinct sources named in the file, in order of first appearance."""
    found = [s for s in dict.fromkeys(frame[column].str.strip()) if s]
    return "Sources: " + "; ".join(found) + "."
