"""`marketscout dsm run|explain|funnel|import` in-process, on the hand world (hand_world.py)
and on the embedded snapshot's sample.

The store is the snapshot's (real WDI, distances, LPI), so filters 1 and 3b are not the hand
world's; with red markets kept, the hand-computed filter 2, 3a and 4 outcomes fix the cells
(test_hand_world.py): DEU 17, 14, 11, 4; POL 8, 7; and FIN P3 (row 5, LTU 80 vs 60, 60:
large) cell 20, FIN P5 (row 1, 50 vs 25, 25) cell 4. DEU, POL and FIN all pass the real
country screen (each has GDP and GDP per capita above the world medians).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from dsm import hand_world as hw

Run = Callable[..., tuple[int, str, str]]

CELLS = {("DEU", "010110", 17), ("DEU", "020110", 14), ("DEU", "030110", 11),
         ("DEU", "040110", 4), ("POL", "010110", 8), ("POL", "850110", 7),
         ("FIN", "030110", 20), ("FIN", "850110", 4)}
TOML = """[filter2]
min_import_value = 10
large_market_share = 0.3
[filter3]
hhi_max = 0.5
dominant_share = 0.6
drop_red = false
"""


@pytest.fixture
def world(tmp_path: Path) -> tuple[str, str]:
    """(--trade folder, --config file) of the hand world."""
    folder = hw.write_world(tmp_path / "baci")
    config = tmp_path / "hand.toml"
    config.write_text(TOML, encoding="utf-8")
    return str(folder), str(config)


def hand(run: Run, world: tuple[str, str], *args: str) -> tuple[int, str, str]:
    return run("dsm", *args, "--trade", world[0], "--config", world[1])


def test_run_json_has_every_hand_computed_cell(run: Run, world: tuple[str, str]) -> None:
    code, out, err = hand(run, world, "run", "--home", "LTU", "--year", "2021", "--format",
                          "json")
    assert code == 0, err
    doc = json.loads(out)
    assert {(o["market"], o["product"], o["cell"]) for o in doc["opportunities"]} == CELLS
    assert doc["home"] == "LTU" and doc["year"] == 2021 and doc["synthetic"] is False
    assert doc["config"]["filter3"]["drop_red"] is False
    assert doc["funnel"][-1]["product_markets"] == 8
    assert {e["reason"] for e in doc["excluded"]} == {
        "import_below_minimum", "not_large_not_growing", "concentrated"}
    assert any("only 4 exporters" in w for w in doc["warnings"])
    assert {s["source_id"] for s in doc["sources"]} >= {"wb_wdi", "cepii_geodist"}


def test_run_table_csv_xlsx_parquet(run: Run, world: tuple[str, str], tmp_path: Path) -> None:
    code, out, _ = hand(run, world, "run", "--home", "LTU")
    assert code == 0 and "Funnel" in out and "Top markets by untapped potential" in out
    code, out, _ = hand(run, world, "run", "--home", "LTU", "--format", "csv")
    table = pd.read_csv(io.StringIO(out), dtype={"HS6 product": str})
    assert code == 0 and len(table) == 8 and set(table["Year"]) == {2021}
    assert {(m, p, c) for m, p, c in table[["Market (ISO3)", "HS6 product",
                                            "REO map cell (1-20)"]].itertuples(
        index=False)} == CELLS
    book = tmp_path / "ltu.xlsx"
    assert hand(run, world, "run", "--format", "xlsx", "--output", str(book))[0] == 0
    assert pd.ExcelFile(book).sheet_names == ["About", "Funnel", "Markets", "Opportunities",
                                              "By section", "By chapter", "Excluded",
                                              "Config"]
    opportunities = pd.read_excel(book, sheet_name="Opportunities", dtype={"HS6 product": str})
    motors = opportunities[(opportunities["HS6 product"] == "850110")
                           & (opportunities["Market (ISO3)"] == "POL")].iloc[0]
    assert motors["Market"] == "Poland" and motors["HS section"] == "XVI"
    assert str(motors["Product (HS6 description, BACI)"]).startswith("Electric motors")
    target = tmp_path / "ltu.parquet"
    assert hand(run, world, "run", "--format", "parquet", "--output", str(target))[0] == 0
    assert len(pd.read_parquet(target)) == 8
    assert len(pd.read_parquet(tmp_path / "ltu_excluded.parquet")) == 7
    assert "market" in pd.read_parquet(tmp_path / "ltu_markets.parquet").columns


def test_explain_a_market(run: Run, world: tuple[str, str]) -> None:
    code, out, err = hand(run, world, "explain", "--home", "LTU", "--market", "Poland",
                          "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert [(o["product"], o["cell"]) for o in doc["opportunities"]] == [
        ("850110", 7), ("010110", 8)]  # by untapped potential: 10, then 0
    motors = doc["opportunities"][0]
    assert motors["description"].startswith("Electric motors")
    assert "long term +41.4%/yr vs world +6.1% over 4 years" in motors["why"]
    assert "0.67 x the mean share of the top 6 competitors" in motors["why"]
    assert [(e["reason"], e["product_markets"]) for e in doc["excluded"]] == [
        ("not_large_not_growing", 2), ("concentrated", 1)]
    assert doc["excluded"][1]["meaning"].startswith("filter 3a: supplier HHI above")
    code, out, _ = hand(run, world, "explain", "--home", "LTU", "--market", "DEU", "--top", "1")
    assert code == 0 and "Top 1 opportunities in DEU" in out


def test_funnel(run: Run, world: tuple[str, str]) -> None:
    code, out, _ = hand(run, world, "funnel", "--home", "LTU", "--format", "csv")
    assert code == 0
    assert pd.read_csv(io.StringIO(out))["product_markets"].tolist() == [
        15, 15, 9, 8, 8, 8]
    code, out, _ = hand(run, world, "funnel", "--home", "LTU")
    assert code == 0 and "filter 3a: concentration" in out


def test_all_exporters(run: Run, world: tuple[str, str], tmp_path: Path) -> None:
    target = tmp_path / "all.parquet"
    code, out, err = hand(run, world, "run", "--all-exporters", "--output", str(target))
    assert code == 0, err
    assert "4 homes" in out and set(pd.read_parquet(target)["home"]) <= {
        "LTU", "DEU", "POL", "FIN"}


def test_on_the_embedded_sample(run: Run) -> None:
    code, out, err = run("dsm", "run", "--home", "ZAF", "--format", "csv")
    assert code == 0 and "partial sample" not in out  # the CSV stays a plain table
    flat = " ".join(err.split())  # warnings on the terminal whatever the format
    assert "partial sample" in flat and "short-term growth was not tested" in flat


def test_imports(run: Run, home: Path, tmp_path: Path, fixtures: Path) -> None:
    risk = tmp_path / "risk.csv"
    risk.write_text("country,political_st\nDEU,2\n", encoding="utf-8")
    code, out, _ = run("dsm", "import", "risk", str(risk), "--year", "2021")
    assert code == 0 and "user_risk" in out
    csv = fixtures / "baci" / "BACI_HS92_Y2021_V202301_small.csv"
    code, out, err = run("dsm", "import", "trade", str(csv))
    assert code == 0, err
    assert (home / "baci" / "BACI_HS92_Y2021_V202301_small.parquet").exists()
    code, out, _ = run("dsm", "funnel", "--home", "LTU", "--format", "json")
    assert code == 0 and json.loads(out)["source"] == "dsm_trade_baci_hs92_2021"


@pytest.mark.parametrize(("args", "message"), [
    (("run", "--trade", "/nonexistent/x.parquet"), "No trade file found"),
    (("run", "--format", "xlsx"), "needs --output"),
    (("explain",), "Missing option '--market'"),
    (("run", "--home", "Narnia"), "Unknown country 'Narnia'"),
    (("run", "--top", "0"), "'--top': Input should be greater than or equal to 1"),
    (("run", "--top", "-1"), "'--top': Input should be greater than or equal to 1"),
    (("run", "--engine", "spork"), "'spork' is not one of"),
    (("run", "--output", "/nonexistent/dir/x.csv", "--format", "csv"), "does not exist"),
    (("run", "--sectors", "/nonexistent/s.csv"), "Sector mapping file not found"),
    (("robustness", "--draws", "0"), "'--draws': Input should be greater than or equal to 1"),
    (("robustness", "--range", "hhi=0.1:0.2"), "Unknown threshold 'hhi'"),
])
def test_errors_exit_2(run: Run, args: tuple[str, ...], message: str) -> None:
    code, out, err = run("dsm", *args)
    assert code == 2
    assert message in " ".join((out + err).split())


def test_bad_config(run: Run, world: tuple[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[filter2]\nhhi_max = 0.3\n", encoding="utf-8")
    code, _, err = run("dsm", "run", "--trade", world[0], "--config", str(bad))
    assert code == 2 and "belongs in [filter3]" in err


def test_names_and_sectors(run: Run, world: tuple[str, str], tmp_path: Path) -> None:
    mapping = tmp_path / "sectors.csv"
    mapping.write_text("hs,sector\n01-04,Food\n85,Electrical\n", encoding="utf-8")
    code, out, err = hand(run, world, "run", "--home", "LTU", "--format", "json", "--sectors",
                          str(mapping))
    assert code == 0, err
    doc = json.loads(out)
    motors = next(o for o in doc["opportunities"]
                  if o["product"] == "850110" and o["market"] == "POL")
    assert motors["market_name"] == "Poland" and motors["sector"] == "Electrical"
    assert motors["product_name"].startswith("Electric motors")
    # hand count (CELLS): 8 opportunities, 6 in chapters 01-04 (section I), 2 of 850110 (XVI)
    whole = {r["hs_section"]: r["opportunities"] for r in doc["by_section"]
             if r["market"] == "ALL"}
    assert whole == {"I": 6, "XVI": 2}
    sectors = {r["sector"]: r["opportunities"] for r in doc["by_sector"] if r["market"] == "ALL"}
    assert sectors == {"Food": 6, "Electrical": 2}
    code, out, _ = hand(run, world, "sectors", "--home", "LTU", "--by", "chapter", "--format",
                        "csv")
    table = pd.read_csv(io.StringIO(out), dtype={"hs_chapter": str})
    assert code == 0 and table[table["market"] == "ALL"]["opportunities"].sum() == 8


def test_robustness_command(run: Run, world: tuple[str, str]) -> None:
    code, out, err = hand(run, world, "robustness", "--home", "LTU", "--draws", "50",
                          "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["draws"] == 50 and doc["sensitivity"][0]["threshold"]
    assert all(0 < o["p_reo"] <= 1 for o in doc["opportunities"])
