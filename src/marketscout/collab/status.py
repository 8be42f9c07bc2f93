"""Who is an EU member, an associated country or a third country in each Horizon programme.

Defaults (configurable with a CSV, `--status FILE`; see docs/collab.md):

* Horizon 2020: the 28 EU member states (the United Kingdom took part as a member state until
  the programme closed, under the Withdrawal Agreement, Art. 127-138) and the 16 associated
  countries of the European Commission's "List of participating countries in Horizon 2020"
  (H2020 Online Manual): Iceland, Norway, Albania, Bosnia and Herzegovina, North Macedonia,
  Montenegro, Serbia, Turkey, Israel, Moldova, Switzerland, Faroe Islands, Ukraine, Tunisia,
  Georgia, Armenia. Switzerland was associated to part of the programme only in 2014-2016;
  the default counts it as associated throughout.
* Horizon Europe: the 27 member states and the associated countries of the Commission's
  "List of participating countries in Horizon Europe" (v2.8, 5 December 2023), with the year
  association took effect where it came later (New Zealand 2023 and Canada 2024, Republic of
  Korea 2025: Pillar II only; United Kingdom 2024; Switzerland 2025). Association talks go
  on: check the current list and pass your own file when it changes.
* Overseas countries and territories linked to member states (Council Decision 2013/755/EU,
  Annex I) are eligible like member states; they have their own status `oct`.

Every other country is a third country (`third`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from marketscout import countries
from marketscout.errors import InputError
from marketscout.sources.read import read_csv, to_number

STATUSES = ("member", "associated", "oct", "third")


def _codes(text: str) -> tuple[str, ...]:
    return tuple(text.split())


EU27 = _codes("AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN IRL ITA LVA LTU LUX MLT NLD "
              "POL PRT ROU SVK SVN ESP SWE")
H2020_ASSOCIATED = _codes("ISL NOR ALB BIH MKD MNE SRB TUR ISR MDA CHE FRO UKR TUN GEO ARM")
HE_ASSOCIATED = _codes("ALB ARM BIH FRO GEO ISL ISR XKX MDA MNE MKD NOR SRB TUN TUR UKR")
HE_ASSOCIATED_SINCE = {"NZL": 2023, "CAN": 2024, "GBR": 2024, "KOR": 2025, "CHE": 2025}
OCT_EU27 = _codes("GRL NCL PYF ATF WLF SPM BLM ABW BES CUW SXM")
OCT_UK = _codes("AIA CYM FLK SGS MSR PCN SHN IOT TCA VGB")

SOURCE = {
    "H2020": "European Commission, List of participating countries in Horizon 2020 "
             "(H2020 Online Manual); Council Decision 2013/755/EU (OCTs)",
    "HORIZON": "European Commission, List of participating countries in Horizon Europe, "
               "v2.8 (2023-12-05), and later association agreements (CAN 2024, KOR 2025, "
               "CHE 2025); Council Decision 2013/755/EU (OCTs)",
}

Entry = tuple[str, int | None]  # (status, first start year it applies to, None = always)


@dataclass(frozen=True)
class CountryStatus:
    """Status of each country per programme code (H2020, HORIZON); unlisted = third."""

    entries: dict[str, dict[str, Entry]] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)

    def of(self, iso3: str, programme: str, year: int | None = None) -> str:
        """The status of `iso3` for a participation in `programme` starting in `year`.

        A status that applies from a later year than `year` falls back to `third`; an unknown
        start year takes the status without its date."""
        status, since = self.entries.get(programme, {}).get(iso3, ("third", None))
        if since is not None and year is not None and year < since:
            return "third"
        return status

    def table(self) -> pd.DataFrame:
        """programme, iso3, country, status, since, source: the list in use, for reports."""
        rows = [{"programme": prog, "iso3": iso3, "country": countries.name(iso3),
                 "status": status, "since": since, "source": self.source.get(prog, "")}
                for prog, found in self.entries.items() for iso3, (status, since) in found.items()]
        return pd.DataFrame(rows, columns=["programme", "iso3", "country", "status", "since",
                                           "source"])


def default_status() -> CountryStatus:
    """The Commission's lists as documented in this module's docstring."""
    h2020: dict[str, Entry] = {c: ("member", None) for c in [*EU27, "GBR"]}
    h2020 |= {c: ("associated", None) for c in H2020_ASSOCIATED}
    h2020 |= {c: ("oct", None) for c in [*OCT_EU27, *OCT_UK]}
    horizon: dict[str, Entry] = {c: ("member", None) for c in EU27}
    horizon |= {c: ("associated", None) for c in HE_ASSOCIATED}
    horizon |= {c: ("associated", y) for c, y in HE_ASSOCIATED_SINCE.items()}
    horizon |= {c: ("oct", None) for c in OCT_EU27}
    return CountryStatus({"H2020": h2020, "HORIZON": horizon}, dict(SOURCE))


PROGRAMME_WORDS = {"h2020": "H2020", "horizon-europe": "HORIZON", "horizon": "HORIZON"}


def read_status(path: Path) -> CountryStatus:
    """A user's list (CSV: programme, country, status[, since]); it replaces the defaults
    for each programme it names and keeps the defaults for the others."""
    frame = read_csv(Path(path), required=("programme", "country", "status"))
    if "since" not in frame.columns:
        frame["since"] = ""
    since = to_number(frame["since"], path=path, column="since", point_only=True)
    out = default_status()
    entries: dict[str, dict[str, Entry]] = {}
    for i, row in enumerate(frame.itertuples(index=False)):
        where = f"{path}, row {i + 2}"
        prog = PROGRAMME_WORDS.get(str(row.programme).strip().lower())
        status = str(row.status).strip().lower()
        if prog is None or status not in STATUSES:
            raise InputError(
                f"Unknown programme {row.programme!r} or status {row.status!r}.", where=where,
                fix=f"programme: h2020 or horizon-europe; status: {', '.join(STATUSES)}.")
        year = None if pd.isna(since.iloc[i]) else int(since.iloc[i])
        entries.setdefault(prog, {})[countries.to_iso3(str(row.country), where=where)] = (
            status, year)
    source = {prog: f"your list {Path(path).name}" for prog in entries}
    return CountryStatus(out.entries | entries, out.source | source)
