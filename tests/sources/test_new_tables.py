"""The tables added for issue 11: BACI exports by partner, the GII panel 2011-2022 and the
Eurostat bilateral FDI positions; each checked on a synthetic file and, where
../shared/data is present, against an independent recount of the raw file (csv module)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

from marketscout.errors import InputError
from marketscout.sources.baci import parse_exports_by_partner
from marketscout.sources.eurostat import MIRROR_BASIS, parse_fdi_bilateral
from marketscout.sources.wipo_gii import parse_gii_panel
from marketscout.store import Store

LTU_EXPORTS = "trade/ltu_exports_by_partner_baci_hs92_v202501_2021_2023.csv"
BACI_CODES = "trade/baci_country_codes_V202301.csv"
GII_PANEL = "gii/gii_panel_2011_2022.csv"
FDI = "fdi/eurostat_fdi_positions_bilateral_2007_2024.csv"


# --- BACI exports by partner -----------------------------------------------------------------


def test_exports_synthetic(fixtures: Path) -> None:
    parsed = parse_exports_by_partner(
        fixtures / "baci" / "ltu_exports_by_partner_baci_hs92_v202501_small.csv",
        fixtures / "baci" / "country_codes_V202301_small.csv")
    table = parsed.tables["exports"]
    got = {(r.partner, r.year): r.value for r in table.itertuples()}
    # 251 France, 490 Taiwan, 842 USA, 699 India (BACI's own codes); 697 is no country
    assert got == {("FRA", 2022): 1500.5, ("TWN", 2022): 20.25, ("USA", 2022): 3000.0,
                   ("FRA", 2023): 1600.0, ("TWN", 2023): 10.0, ("IND", 2023): 0.002}
    assert set(table["home"]) == {"LTU"} and set(table["unit"]) == {"USD thousand"}
    prov = parsed.provenance
    assert prov.source_id == "baci_ltu_exports" and prov.complete and not prov.partial
    assert prov.publisher == "CEPII" and prov.edition == "BACI HS92 V202501"
    assert "tomasdata/Trade-Finance" in prov.republisher
    assert "1 rows worth 7.5 thousand USD" in prov.note and "697" in prov.note


def test_exports_refuse_two_exporters_and_bad_values(fixtures: Path, tmp_path: Path) -> None:
    source = fixtures / "baci" / "ltu_exports_by_partner_baci_hs92_v202501_small.csv"
    two = tmp_path / "two.csv"
    two.write_text(source.read_text() + "2023,428,251,5\n")
    with pytest.raises(InputError, match="one exporter"):
        parse_exports_by_partner(two)
    negative = tmp_path / "neg.csv"
    negative.write_text(source.read_text().replace("3000", "-3000"))
    with pytest.raises(InputError, match="missing or negative") as err:
        parse_exports_by_partner(negative)
    assert "row 4, column 'trade_value_usd'" in str(err.value)


def test_complete_exports_count_absent_partners_as_zero(fixtures: Path, store: Store) -> None:
    from marketscout.criteria import exports

    parsed = parse_exports_by_partner(
        fixtures / "baci" / "ltu_exports_by_partner_baci_hs92_v202501_small.csv")
    store.load(parsed.tables, parsed.provenance)
    result = exports.compute(store, "LTU", ["FRA", "USA", "DEU"], mean_years=2)
    # 2022-2023 mean; USA absent in 2023 -> 0 that year; DEU never listed -> 0
    assert result.values.to_dict() == {"FRA": 1550.25, "USA": 1500.0, "DEU": 0.0}
    assert result.unit == "USD thousand"


@pytest.mark.rawdata
def test_exports_against_a_recount_of_the_raw_file(raw_data: Path) -> None:
    with (raw_data / BACI_CODES).open(encoding="utf-8") as fh:
        iso = {int(r["country_code"]): r["iso_3digit_alpha"] for r in csv.DictReader(fh)}
    iso[490] = "TWN"  # "Other Asia, nes" has no ISO3 in CEPII's table: it is Taiwan
    expected: dict[tuple[str, int], float] = {}
    with (raw_data / LTU_EXPORTS).open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            assert r["exporter"] == "440"
            expected[(iso[int(r["importer"])], int(r["year"]))] = float(r["trade_value_usd"])
    parsed = parse_exports_by_partner(raw_data / LTU_EXPORTS, raw_data / BACI_CODES)
    table = parsed.tables["exports"]
    got = {(r.partner, r.year): r.value for r in table.itertuples()}
    assert got == expected and len(got) == 585
    totals = table.groupby("year")["value"].sum() / 1e6  # thousand USD -> USD bn
    assert totals.round(2).to_dict() == {2021: 36.99, 2022: 45.78, 2023: 40.95}
    assert table.groupby("year")["partner"].nunique().to_dict() == {2021: 193, 2022: 196,
                                                                    2023: 196}


# --- GII panel ----------------------------------------------------------------------------


def test_gii_panel_synthetic(fixtures: Path) -> None:
    parsed = parse_gii_panel(fixtures / "wipo_gii" / "gii_panel_small.csv")
    table = parsed.tables["gii"]
    overall = table[table["code"] == "GII"]
    got = {(r.iso3, r.edition): (r.score, r.rank) for r in overall.itertuples()}
    # decimal commas; ranks by score within 2022, ties share the better rank
    assert got == {("LTU", 2021): (39.9, 1.0), ("KOR", 2022): (57.8, 1.0),
                   ("LTU", 2022): (40.5, 2.0), ("TUR", 2022): (40.5, 2.0),
                   ("CIV", 2022): (19.95, 4.0)}
    pillars = table[(table["iso3"] == "LTU") & (table["edition"] == 2021)]
    assert dict(zip(pillars["code"], pillars["score"], strict=True)) == {
        "GII": 39.9, "1": 70.1, "2": 40.2, "3": 50.3, "4": 45.4, "5": 35.5, "6": 25.6,
        "7": 30.7}
    assert set(pillars["name"]) >= {"Institutions", "Creative outputs"}
    prov = parsed.provenance
    assert prov.source_id == "wipo_gii_panel" and not prov.partial
    assert "'Atlantis' (row 7)" in prov.note  # an unknown name is reported, not hidden
    assert "MKD" not in set(table["iso3"])  # its row has no scores at all


def test_gii_panel_refuses_a_score_off_the_scale(fixtures: Path, tmp_path: Path) -> None:
    bad = tmp_path / "panel.csv"
    bad.write_bytes((fixtures / "wipo_gii" / "gii_panel_small.csv").read_bytes()
                    .replace(b";57,8;", b";578;"))
    with pytest.raises(InputError, match="outside 0-100"):
        parse_gii_panel(bad)


@pytest.mark.rawdata
def test_gii_panel_against_a_recount_of_the_raw_file(raw_data: Path) -> None:
    expected: dict[tuple[str, int], float] = {}
    with (raw_data / GII_PANEL).open(encoding="utf-8-sig") as fh:
        for r in csv.DictReader(fh, delimiter=";"):
            if r["Global Innovation Index"].strip():
                expected[(r["Economies"], int(r["Year"]))] = float(
                    r["Global Innovation Index"].replace(",", "."))
    table = parse_gii_panel(raw_data / GII_PANEL).tables["gii"]
    overall = table[table["code"] == "GII"]
    assert len(overall) == len(expected)
    assert overall.groupby("edition").size().to_dict()[2022] == 132
    by_name = {("Lithuania", 2022): "LTU", ("Switzerland", 2022): "CHE",
               ("Republic of Korea (the)", 2021): "KOR", ("Cote dIvoire", 2015): "CIV"}
    scores = {(r.iso3, r.edition): r.score for r in overall.itertuples()}
    for (name, year), iso3 in by_name.items():
        assert scores[(iso3, year)] == expected[(name, year)]
    assert sorted(scores.values()) == sorted(expected.values())
    # ranks by score: the 2022 leader is the economy with the highest score in the file
    top = max((v, k[0]) for k, v in expected.items() if k[1] == 2022)[1]
    first = overall[(overall["edition"] == 2022) & (overall["rank"] == 1)]
    assert first["iso3"].tolist() == ["CHE"] and top == "Switzerland"


# --- Eurostat bilateral FDI -----------------------------------------------------------------


def test_fdi_bilateral_synthetic(fixtures: Path) -> None:
    parsed = parse_fdi_bilateral(fixtures / "eurostat" / "fdi_bilateral_small.csv")
    table = parsed.tables["fdi_inward"]
    got = {(r.home, r.partner, r.year): r.value for r in table.itertuples()}
    nan = got.pop(("LTU", "SWE", 2022))
    assert pd.isna(nan)  # confidential: missing, never 0
    hungary = got.pop(("LTU", "HUN", 2018))
    assert pd.isna(hungary)  # two different values for one cell: neither is picked
    assert got == {("LTU", "SWE", 2023): 4100.5, ("LTU", "GRC", 2023): -12.0,
                   ("LTU", "GBR", 2023): 250.0, ("LVA", "LTU", 2023): 900.0}
    assert set(table["unit"]) == {"EUR million"} and set(table["basis"]) == {MIRROR_BASIS}
    prov = parsed.provenance
    assert prov.source_id == "eurostat_fdi_bilateral" and not prov.partial
    assert not prov.complete
    assert "outside Europe" in prov.note and "unknown, not zero" in prov.note
    assert "HU 2018" not in prov.note and "HUN 2018" in prov.note


def test_fdi_bilateral_missing_values_stay_missing_in_the_store(fixtures: Path,
                                                                store: Store) -> None:
    parsed = parse_fdi_bilateral(fixtures / "eurostat" / "fdi_bilateral_small.csv")
    store.load(parsed.tables, parsed.provenance)
    got = store.query("SELECT value FROM fdi_inward WHERE partner = 'SWE' AND year = 2022")
    assert got["value"].isna().all() and len(got) == 1


@pytest.mark.rawdata
def test_fdi_bilateral_against_a_recount_of_the_raw_file(raw_data: Path) -> None:
    cells: dict[tuple[str, str, int], set[str]] = defaultdict(set)
    with (raw_data / FDI).open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            cells[(r["host"], r["investor"], int(r["year"]))].add(r["position_mio_eur"])
    iso3 = {"LT": "LTU", "SE": "SWE", "DE": "DEU", "GR": "GRC", "UK": "GBR", "HU": "HUN",
            "FI": "FIN", "NL": "NLD"}
    table = parse_fdi_bilateral(raw_data / FDI).tables["fdi_inward"]
    assert len(table) == len(cells)
    lt = table[table["home"] == "LTU"]
    for (host, investor, year), values in cells.items():
        if host != "LT" or investor not in iso3:
            continue
        row = lt[(lt["partner"] == iso3[investor]) & (lt["year"] == year)]
        (value,) = row["value"].tolist()
        if values == {""} or len(values) > 1:
            assert pd.isna(value)
        else:
            assert value == float(values.pop())
    # Sweden's position in Lithuania is confidential 2022-2024 while its income is given
    swe = lt[lt["partner"] == "SWE"].set_index("year")["value"]
    assert swe.loc[[2022, 2023, 2024]].isna().all()
    counts = lt.dropna(subset=["value"]).groupby("year")["partner"].nunique()
    assert counts.loc[2013:].between(20, 26).all()
