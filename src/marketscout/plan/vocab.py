"""The plan's fixed vocabulary: activity types, statuses, scopes, currencies, and the default
instruments (the user's own list, `plan instruments import`, replaces them).

Importable without pandas: the command line reads its choices from here at start-up.
"""

from __future__ import annotations

# type code -> label, as the register shows it (docs/plan.md)
TYPES: dict[str, str] = {
    "visit": "diplomatic or ministerial visit",
    "mission": "trade mission",
    "event": "event or fair",
    "call": "funding call",
    "project": "funded project",
    "agreement": "bilateral cooperation agreement",
    "programme": "acceleration, pre-incubation or incubation programme",
    "promotion": "promotion of a national sector abroad",
    "other": "other activity",
}
# Other spellings accepted in files and forms (matched case-insensitively).
TYPE_ALIASES: dict[str, str] = {
    "event/fair": "event", "fair": "event", "trade fair": "event", "trade mission": "mission",
    "funded project": "project", "acceleration/incubation programme": "programme",
    "acceleration": "programme", "incubation": "programme", "sector promotion": "promotion",
    "diplomatic visit": "visit",
}
STATUSES = ("planned", "done", "cancelled")
SCOPES = ("market", "tier", "list", "sector", "all")
TIERS = ("core", "likely", "watch")

# The business support measures named by the Lithuanian Ministry of Economy and Innovation's
# list of instruments (issue 13); a default, replaced by the user's own list.
DEFAULT_INSTRUMENTS: tuple[tuple[str, str], ...] = (
    ("international projects", "funding of international projects"),
    ("R&D&I infrastructure", "international R&D&I infrastructure programmes"),
    ("acceleration", "acceleration programmes"),
    ("incubation", "pre-incubation and incubation"),
    ("sector promotion", "promotion of national sectors abroad"),
    ("cooperation agreement", "bilateral cooperation agreements"),
)

# ISO 4217 active currency codes (the standard's list one, 2024 edition); amounts in other
# codes are refused, never converted (no exchange rate is invented).
CURRENCIES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
    FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
    KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
    MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR
    RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT
    TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW
    ZWG
    """.split()  # noqa: SIM905  (a code list kept readable)
)

ILLUSTRATIVE = ("ILLUSTRATIVE: the example register and targets in examples/plan/ are invented "
                "for demonstration; they are not the agency's real activities.")


def type_choices() -> list[str]:
    """Every accepted spelling of a type (codes first), for `UserTable.choice`."""
    return [*TYPES, *TYPE_ALIASES]


def type_code(text: str) -> str:
    """The type code of an accepted spelling (already checked against `type_choices`)."""
    key = " ".join(text.lower().split())
    return TYPE_ALIASES.get(key, key)

# indicator -> (kind, default unit, what it measures). 'register': counted from the activity
# register (activities with status done, effort split equally between an activity's
# markets); 'store': read from the store's own data (docs/plan.md, "Indicators").
INDICATORS: dict[str, tuple[str, str, str]] = {
    "activities": ("register", "activities", "activities done in the scope in the year"),
    "activity_share": ("register", "%", "share of all activities done that went to the scope"),
    "spending": ("register", "currency", "cost of activities done in the scope (actual cost, "
                 "else budget)"),
    "spending_share": ("register", "%", "share of all spending that went to the scope"),
    "companies": ("register", "companies", "companies or organisations supported"),
    "leads": ("register", "leads", "leads reported"),
    "contracts": ("register", "contracts", "contracts reported"),
    "export_value": ("register", "currency", "export value reported by participants"),
    "exports": ("store", "source unit", "home-country exports to the scope's markets (the "
                "exports criterion's source)"),
    "fdi": ("store", "source unit", "inward FDI position from the scope's markets (the fdi "
            "criterion's source)"),
    "horizon_projects": ("store", "projects", "joint Horizon projects starting in the year "
                         "with the scope's markets (CORDIS)"),
}
