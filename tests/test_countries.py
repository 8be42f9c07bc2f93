"""The crosswalk maps publishers' spellings and codes to ISO3 and refuses to guess."""

from __future__ import annotations

import pytest

from marketscout import countries
from marketscout.errors import UnknownCountryError


@pytest.mark.parametrize(
    ("value", "iso3"),
    [
        ("Korea, Rep.", "KOR"),
        ("Hong Kong, China", "HKG"),
        ("Côte d'Ivoire", "CIV"),
        ("Cote d'Ivoire", "CIV"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Czech Republic (the)", "CZE"),
        ("Iran (Islamic Republic of)", "IRN"),
        ("Netherlands (the)", "NLD"),
        ("United States of America (the)", "USA"),
        ("Republic of Korea (the)", "KOR"),
        ("Russian Federation (the)", "RUS"),
        ("Viet Nam", "VNM"),
        ("Egypt, Arab Rep.", "EGY"),
        ("Congo, Dem. Rep.", "COD"),
        ("Korea, Dem. People's Rep.", "PRK"),
        ("Slovak Republic", "SVK"),
        ("Lithuania", "LTU"),
        ("LTU", "LTU"),
        ("LT", "LTU"),
        ("lt", "LTU"),
        # CORDIS codes
        ("EL", "GRC"),
        ("UK", "GBR"),
        # ISO 3166-1 alpha-2 for the same two (country_converter stores regexes for them)
        ("GR", "GRC"),
        ("gr", "GRC"),
        ("GB", "GBR"),
        ("gb", "GBR"),
        # World Bank code for Kosovo
        ("XKX", "XKX"),
        ("Kosovo", "XKX"),
        # old CEPII GeoDist codes
        ("ROM", "ROU"),
        ("ZAR", "COD"),
        ("TMP", "TLS"),
        ("PAL", "PSE"),
        ("YUG", "SRB"),
        # UN M49 numeric codes as text
        ("440", "LTU"),
        ("276", "DEU"),
        ("Namibia", "NAM"),
        ("NA", "NAM"),
        ("New Zealand", "NZL"),
        ("Papua New Guinea", "PNG"),
    ],
)
def test_known_spellings_and_codes(value: str, iso3: str) -> None:
    assert countries.to_iso3(value) == iso3


@pytest.mark.parametrize(
    ("code", "iso3"),
    [(490, "TWN"), (251, "FRA"), (699, "IND"), (757, "CHE"), (842, "USA"), (440, "LTU"),
     (710, "ZAF"), (4, "AFG")],
)
def test_baci_codes(code: int, iso3: str) -> None:
    assert countries.from_baci(code) == iso3


@pytest.mark.parametrize(
    ("value", "suggested"), [("New Mexico", "Mexico"), ("New Jersey", "Jersey")]
)
def test_names_containing_a_country_are_not_that_country(value: str, suggested: str) -> None:
    with pytest.raises(UnknownCountryError) as info:
        countries.to_iso3(value, where="file.csv, row 7")
    message = str(info.value)
    assert value in message
    assert suggested in message  # the closest known names are listed
    assert "row 7" in message


def test_unknown_code_lists_close_names() -> None:
    with pytest.raises(UnknownCountryError, match="Did you mean"):
        countries.to_iso3("Lithuanai")


@pytest.mark.parametrize(
    "value",
    ["World", "WLD", "EU27", "European Union", "Euro area", "High income", "Sub-Saharan Africa",
     "East Asia & Pacific", "Europe & Central Asia (excluding high income)", "IDA only", "OED",
     "Middle income", "Latin America & Caribbean", "Areas, nes"],
)
def test_aggregates_are_flagged(value: str) -> None:
    assert countries.is_aggregate(value)


@pytest.mark.parametrize(
    "value", ["Germany", "Other Asia, nes", "Trinidad and Tobago", "Bosnia and Herzegovina",
              "South Africa", "Central African Republic", "Dominican Republic"]
)
def test_countries_are_not_aggregates(value: str) -> None:
    assert not countries.is_aggregate(value)


def test_many_maps_aggregates_to_none_and_names_the_row_of_an_unknown() -> None:
    assert countries.to_iso3_many(["Germany", "World", "EL"]) == ["DEU", None, "GRC"]
    with pytest.raises(UnknownCountryError, match="row 2"):
        countries.to_iso3_many(["Germany", "Atlantis"], where="x.csv")


def test_candidates_exclude_home_aggregates_and_the_exclusion_list() -> None:
    found = countries.candidates("LTU", exclude=["Russia", "BLR"])
    assert "LTU" not in found and "RUS" not in found and "BLR" not in found
    assert {"DEU", "USA", "TWN", "XKX", "HKG"} <= set(found)
    assert "WLD" not in found and "EUU" not in found
    # UN members (193) plus five separate economies, minus home and two exclusions
    assert len(found) == 193 + 5 - 3


def test_names() -> None:
    assert countries.name("LTU") == "Lithuania"
    assert countries.name("XKX") == "Kosovo"


def test_crosswalk_table_for_the_snapshot() -> None:
    from marketscout.sources.crosswalk import parse_crosswalk

    parsed = parse_crosswalk()
    table = parsed.tables["country"].set_index("iso3")
    assert int(table["un_member"].sum()) == 193
    assert table.loc["LTU", "m49"] == 440 and table.loc["LTU", "iso2"] == "LT"
    assert table.loc["TWN", "separate_economy"] and not table.loc["TWN", "un_member"]
    assert parsed.provenance.rows == len(table) and len(parsed.provenance.sha256) == 64


@pytest.fixture
def fresh_crosswalk(tmp_path, monkeypatch):
    """An empty cache folder and no table in memory (restored afterwards for other tests)."""
    monkeypatch.setenv("MARKETSCOUT_CACHE", str(tmp_path / "cache"))
    memo = (countries._table, countries._code_index, countries._name_index, countries._m49_index)
    for f in memo:
        f.cache_clear()
    yield tmp_path / "cache" / "countries"
    for f in memo:
        f.cache_clear()


def test_table_is_cached_as_the_converters_table(fresh_crosswalk, monkeypatch):
    import pandas as pd

    built = countries._table()
    [cached] = fresh_crosswalk.glob("table-*.json")
    assert cached.name.startswith(f"table-{countries.coco.__version__}-")
    countries._table.cache_clear()

    def no_converter():
        raise AssertionError("the cached table must not build the converter")

    monkeypatch.setattr(countries, "_converter", no_converter)
    again = countries._table()
    monkeypatch.undo()
    pd.testing.assert_frame_equal(again, built, check_exact=True)
    pd.testing.assert_frame_equal(again, countries._converter_table(), check_exact=True)
    assert countries.to_iso3("LT") == "LTU"
    assert countries.name("LTU") == "Lithuania"


def test_damaged_cache_is_rebuilt(fresh_crosswalk):
    import json

    import pandas as pd

    countries._table()
    [cached] = fresh_crosswalk.glob("table-*.json")
    cached.write_text('{"columns": {"ISO3": [', encoding="utf-8")
    countries._table.cache_clear()
    pd.testing.assert_frame_equal(countries._table(), countries._converter_table())
    assert len(json.loads(cached.read_text(encoding="utf-8"))["columns"]["ISO3"]) == len(
        countries._converter_table())


def test_candidates_through_the_cache_match_the_package_file(fresh_crosswalk):
    """Independent reference: country_converter's TSV read with the csv module (current
    entries with a UN membership year), plus the separate economies, minus home."""
    import csv
    from pathlib import Path

    path = Path(countries.coco.country_converter.COUNTRY_DATA_FILE)
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    members = {r["ISO3"] for r in rows if r["UNmember"].strip() and not r["obsolete"].strip()}
    expected = sorted((members | countries.SEPARATE_ECONOMIES) - {"LTU"})
    countries._table()  # writes the cache
    countries._table.cache_clear()
    assert countries.candidates("LTU") == expected
    assert 190 <= len(expected) <= 200
