"""Which Horizon participations an analysis covers: programme and project start years.

Every collaboration query starts from the same filtered set of participations, so that pairs,
profiles, the third-country comparison and the network count the same rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from marketscout import countries
from marketscout.errors import DataNotAvailableError, InputError
from marketscout.provenance import NOT_A_SAMPLE, Provenance
from marketscout.store import Store

# CORDIS frameworkProgramme codes as the parsers store them in horizon_participation.programme.
PROGRAMMES: dict[str, tuple[str, ...]] = {
    "h2020": ("H2020",),
    "horizon-europe": ("HORIZON",),
    "all": (),
}
HOW_TO_GET = ("Load CORDIS data: the embedded snapshot holds Horizon 2020; "
              "`marketscout data update cordis` (online) adds Horizon Europe.")


@dataclass(frozen=True)
class Scope:
    """Participations of one programme (or all) whose projects start within `years`.

    Loads marked as samples are left out (a sample never counts: docs/methodology.md,
    "Samples") unless `samples` is set, which only the partner finder does: it searches
    texts and says that they are a sample."""

    programme: str = "all"
    first_year: int | None = None
    last_year: int | None = None
    samples: bool = False

    def __post_init__(self) -> None:
        if self.programme not in PROGRAMMES:
            raise InputError(
                f"Unknown programme {self.programme!r}.",
                where="--programme",
                fix=f"Use one of: {', '.join(PROGRAMMES)}.",
            )

    @property
    def label(self) -> str:
        """E.g. 'h2020, projects starting 2014-2020'."""
        if self.first_year is None and self.last_year is None:
            return f"{self.programme}, all start years"
        y0 = self.first_year if self.first_year is not None else "…"
        y1 = self.last_year if self.last_year is not None else "…"
        return f"{self.programme}, projects starting {y0}-{y1}"

    def cte(self, name: str = "part") -> tuple[str, list[object]]:
        """`name AS (...)`: the scoped participations (rows without a country left out)."""
        codes = PROGRAMMES[self.programme]
        sql = (
            f"{name} AS NOT MATERIALIZED (SELECT project_id, org_id, iso3, lower(role) AS role, "
            "org_type, "
            "ec_contribution, start_year, programme, source_id FROM horizon_participation "
            "WHERE iso3 IS NOT NULL "
            "AND (? IS NULL OR start_year >= ?) AND (? IS NULL OR start_year <= ?) "
            "AND (len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], programme)) "
            f"AND (? OR {NOT_A_SAMPLE}))"
        )
        params: list[object] = [self.first_year, self.first_year, self.last_year,
                                self.last_year, list(codes), list(codes), self.samples]
        return sql, params


def parse_years(text: str | None) -> tuple[int | None, int | None]:
    """'2014-2020' -> (2014, 2020); '2018' -> (2018, 2018); '2018-' or '-2016' open-ended."""
    if text is None or not text.strip():
        return None, None
    match = re.fullmatch(r"\s*(\d{4})?\s*(-)?\s*(\d{4})?\s*", text)
    if not match or not (match.group(1) or match.group(3)):
        raise InputError(
            f"Not a year range: {text!r}.",
            where="--years",
            fix="Write a year (2018) or a range (2014-2020, 2018-, -2016).",
        )
    first = int(match.group(1)) if match.group(1) else None
    last = int(match.group(3)) if match.group(3) else None
    if not match.group(2):
        last = first
    if first is not None and last is not None and first > last:
        raise InputError(f"The year range {text!r} ends before it starts.", where="--years",
                         fix="Write the earlier year first, e.g. 2014-2020.")
    return first, last


def scope(programme: str = "all", years: str | None = None) -> Scope:
    """A Scope from the command-line words (`--programme h2020 --years 2014-2020`)."""
    first, last = parse_years(years)
    return Scope(programme.strip().lower(), first, last)


def country(value: str, where: str) -> str:
    """ISO3 of a country given by the user; unknown names raise with suggestions."""
    iso3 = countries.to_iso3(value, where=where)
    if countries.is_aggregate(iso3):
        raise InputError(f"{value!r} is a group of countries, not a country.", where=where,
                         fix="Give one country (ISO3 code or English name).")
    return iso3


def sources(store: Store, where: Scope) -> tuple[Provenance, ...]:
    """Provenance of the participation loads in scope; raises when the scope holds nothing."""
    sql, params = where.cte()
    found = store.query(f"WITH {sql} SELECT DISTINCT source_id FROM part", params)
    if found.empty:
        raise DataNotAvailableError(
            f"The store holds no Horizon participations for {where.label}.",
            where="table horizon_participation",
            fix=HOW_TO_GET + " Or widen --programme / --years.",
        )
    return store.provenance_of(found["source_id"].tolist())


def require_participant(store: Store, iso3: str, where: Scope, role: str) -> None:
    """A country the user asked about must take part at least once in the scope."""
    sql, params = where.cte()
    n = store.query(f"WITH {sql} SELECT count(*) AS n FROM part WHERE iso3 = ?",
                    [*params, iso3])["n"].iloc[0]
    if int(n) == 0:
        raise DataNotAvailableError(
            f"{countries.name(iso3)} ({iso3}) has no Horizon participation in {where.label}.",
            where=role,
            fix="Check the country, or widen --programme / --years. " + HOW_TO_GET,
        )


def cite(found: tuple[Provenance, ...]) -> str:
    """One line naming every source used, with edition."""
    return "; ".join(p.cite() for p in found) or "no data"


def names(iso3: pd.Series) -> pd.Series:
    """Short English country names for a column of ISO3 codes."""
    return iso3.map(countries.name)
