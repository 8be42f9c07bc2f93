"""The main job end to end on the embedded snapshot: status, criteria, rank in every format."""

from __future__ import annotations

import csv
import gzip
import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from marketscout import countries

Run = Callable[..., tuple[int, str, str]]
FAST = ("--runs", "200")


def rank_json(run: Run, *args: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run("rank", "--home", "LTU", *FAST, "--format", "json", *args)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_status_shows_real_coverage(run: Run) -> None:
    code, out, err = run("data", "status", "--home", "LTU", "--format", "json")
    assert code == 0, err
    rows = {r["criterion"]: r for r in json.loads(out)["criteria"]}
    assert rows["innovation"]["covered"] >= 120
    # the latest complete edition: GII 2022 from the 2011-2022 panel (issue 11)
    assert rows["innovation"]["provenance"][0]["source_id"] == "wipo_gii_panel"
    assert rows["innovation"]["year"] == "2022"
    assert rows["horizon"]["candidates"] == 197
    joint = int(rows["horizon"]["notes"][0].split()[0])
    assert joint >= 40  # markets with at least one joint project with Lithuania
    for missing in ("dsm", "survey"):
        assert rows[missing]["covered"] == 0
        assert "marketscout data" in rows[missing]["how_to_get"]
    assert rows["digital"]["partial"]
    # complete before partial: the Eurostat mirror positions, not the BoL press releases
    assert rows["fdi"]["source_ids"] == "eurostat_fdi_bilateral" and not rows["fdi"]["partial"]


def test_status_table_names_sources_and_gaps(run: Run) -> None:
    code, out, _ = run("data", "status", "--home", "Lithuania")
    assert code == 0
    assert "wipo_gii_panel (2022)" in out and "cordis_h2020" in out and "no data" in out


def independent_joint_projects(raw: Path, home_code: str) -> dict[str, int]:
    """Count joint projects straight from the CORDIS file, with the csv module only."""
    members: dict[str, set[str]] = defaultdict(set)
    with gzip.open(raw / "cordis" / "h2020_participations.csv.gz", "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            members[row["rcn"]].add(row["country"])
    counts: dict[str, int] = defaultdict(int)
    for codes in members.values():
        if home_code in codes:
            for code in codes - {home_code, "NA", ""}:
                counts[code] += 1
    return counts


@pytest.mark.rawdata
def test_horizon_criterion_matches_an_independent_count(run: Run, raw_data: Path) -> None:
    code, out, _ = run("criteria", "--home", "LTU", "--format", "json")
    assert code == 0
    values = json.loads(out)["values"]
    expected = independent_joint_projects(raw_data, "LT")
    # CORDIS two-letter codes: EL is Greece, UK the United Kingdom
    for cordis_code, iso3 in {"DE": "DEU", "EL": "GRC", "UK": "GBR", "LV": "LVA", "US": "USA",
                              "CN": "CHN", "IL": "ISR", "NO": "NOR"}.items():
        assert values[iso3]["horizon"] == expected[cordis_code], iso3
    nonzero = {iso3 for iso3, v in values.items() if v["horizon"]}
    partners = {countries.to_iso3(code) for code in expected}
    assert nonzero == partners & set(values)  # territories (e.g. Faroe Islands) are no candidates
    assert len(nonzero) >= 40


def test_criteria_csv_lists_candidates(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "c.csv"
    code, _, _ = run("criteria", "--home", "LTU", "--format", "csv", "--output", str(target))
    assert code == 0
    frame = pd.read_csv(target)  # no options: a plain CSV, sources in the sidecar
    assert list(frame.columns) == [
        "Market (ISO3)", "Market", "innovation 2022 (score 0-100)",
        "horizon 2014-2022 (projects)", "horizon EC contribution (EUR)",
        "digital 2024 (score 0-100)", "fdi 2024 (EUR million)", "exports 2023 (USD thousand)",
        "dsm (USD thousand)", "survey (weighted mean Borda points)"]
    frame = frame.set_axis(
        ["iso3", "market", "innovation", "horizon", "horizon_ec_contribution", "digital",
         "fdi", "exports", "dsm", "survey"], axis=1)
    assert len(frame) == 197 and "LTU" not in set(frame["iso3"])
    assert frame.set_index("iso3").loc["DEU", "market"] == "Germany"
    # money is rounded to whole units where rounding is the meaning
    assert (frame["exports"].dropna() == frame["exports"].dropna().round()).all()
    meta = json.loads((tmp_path / "c.csv.meta.json").read_text(encoding="utf-8"))
    assert {c["id"] for c in meta["criteria"]} >= {"innovation", "horizon", "exports"}
    # the EC contribution is reported only where there are joint projects
    no_joint = frame[frame["horizon"] == 0]
    assert (no_joint["horizon_ec_contribution"] == 0).all()
    joint = frame.loc[frame["horizon"] > 0, "horizon_ec_contribution"]
    assert (joint.dropna() >= 0).all() and (joint > 0).sum() >= 40  # some partners get no EC money


def test_rank_json_is_complete_and_consistent(run: Run) -> None:
    doc = rank_json(run)
    assert doc["schema"] == "marketscout.priority-list/1" and doc["home"] == "LTU"
    used = [c["id"] for c in doc["criteria_used"]]
    assert {"innovation", "horizon"} <= set(used)
    left = {c["id"]: c["reason"] for c in doc["criteria_left_out"]}
    assert set(left) | set(used) == {"innovation", "horizon", "digital", "fdi", "exports",
                                     "dsm", "survey"}
    assert "below the 50% coverage threshold" in left["digital"] and left["dsm"] == "no data"
    assert doc["headline"].startswith(f"{len(used)} of 7 criteria: ")
    assert all(c["provenance"] and c["year"] for c in doc["criteria_used"])
    markets = doc["markets"]
    assert sum(m["selected"] for m in markets) == 32
    assert [m["rank"] for m in markets] == sorted(m["rank"] for m in markets)
    for m in markets:
        low, high = m["rank_interval_90"]
        assert low <= m["median_rank"] <= high and 0 <= m["p_top"] <= 1
        p = round(m["p_top"], 3)  # tiers are decided on the shown precision (0.1 %)
        tier = ("core" if p >= 0.9 else "likely" if p >= 0.5 else "watch" if p >= 0.1
                else None)
        assert m["tier"] == tier
        # a criterion with no value for the market contributes nothing (shown as null)
        parts = sum(c["contribution"] or 0.0 for c in m["criteria"].values())
        assert parts == pytest.approx(m["score"])
    assert sum(m["p_top"] for m in markets) == pytest.approx(32, abs=0.5)
    assert doc["method"]["uncertainty"]["runs"] == 200


def test_rank_is_repeatable_with_a_seed(run: Run) -> None:
    one, two = rank_json(run, "--seed", "5"), rank_json(run, "--seed", "5")
    assert one["markets"] == two["markets"]


def test_rank_weights_exclusions_and_top(run: Run) -> None:
    weights = ",".join(f"{c}=0" for c in ("horizon", "exports", "fdi", "digital", "survey"))
    doc = rank_json(run, "--top", "10", "--weights", weights, "--exclude",
                    'DEU="a reason",Poland')
    assert [c["id"] for c in doc["criteria_used"]] == ["innovation"]
    excluded = {m["iso3"]: m for m in doc["markets"] if m["override"] == "exclude"}
    assert set(excluded) == {"DEU", "POL"} and not any(m["selected"] for m in excluded.values())
    assert excluded["DEU"]["override_reason"] == "a reason"
    chosen = [m for m in doc["markets"] if m["selected"]]
    assert len(chosen) == 10 and [m["position"] for m in chosen] == list(range(1, 11))
    # innovation alone: the order is the GII order; the list is its top ten without DEU, POL
    scores = [m["criteria"]["innovation"]["value"] for m in doc["markets"]]
    assert scores == sorted(scores, reverse=True)
    eligible = [m["iso3"] for m in doc["markets"] if m["iso3"] not in ("DEU", "POL")]
    assert [m["iso3"] for m in chosen] == eligible[:10]


def test_rank_csv_is_plain_with_a_sidecar(run: Run, tmp_path: Path) -> None:
    code, out, _ = run("rank", "--home", "LTU", *FAST, "--format", "csv")
    assert code == 0 and not any(line.startswith("#") for line in out.splitlines())
    target = tmp_path / "list.csv"
    code, _, err = run("rank", "--home", "LTU", *FAST, "--format", "csv", "--output",
                       str(target))
    assert code == 0, err
    table = pd.read_csv(target)  # no options: no comment lines, one header row
    assert {"Market (ISO3)", "Market", "Rank", "Score (0-100)", "P(top 32)", "Tier",
            "90% rank interval", "innovation 2022 (score 0-100)",
            "innovation contribution (points)"} <= set(table)
    assert len(table) == len(rank_json(run)["markets"])
    meta = json.loads((tmp_path / "list.csv.meta.json").read_text(encoding="utf-8"))
    assert meta["headline"].endswith("candidates not ranked.")
    used = {c["id"]: c for c in meta["criteria_used"]}
    assert used["innovation"]["year"] == "2022" and used["innovation"]["provenance"]
    assert {c["id"] for c in meta["criteria_left_out"]} >= {"dsm", "survey"}
    assert meta["method"]["uncertainty"]["runs"] == 200 and meta["warnings"]
    assert {c["name"] for c in meta["columns"]} >= {"iso3", "p_top", "innovation_value"}
    assert "Sources, method and warnings: list.csv.meta.json" in err


def test_rank_xlsx_has_every_sheet(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "ltu.xlsx"
    code, _, err = run("rank", "--home", "LTU", *FAST, "--format", "xlsx", "--output",
                       str(target))
    assert code == 0, err
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["About", "priority list", "not ranked", "overrides",
                               "criteria", "weights", "robustness", "sources", "left out",
                               "method"]
    ranked = len(rank_json(run)["markets"])
    assert book["priority list"].max_row == ranked + 1  # a header and every ranked market


def test_rank_compare_with_an_official_list(run: Run, tmp_path: Path) -> None:
    official = tmp_path / "official.csv"
    official.write_text("market,tier\nGermany,core\nLatvia,core\nKazakhstan,\nIsrael,core\n",
                        encoding="utf-8")
    doc = rank_json(run, "--compare", str(official))
    comparison = doc["comparison"]
    selected = {m["iso3"] for m in doc["markets"] if m["selected"]}
    assert set(comparison["overlap"]) == selected & {"DEU", "LVA", "KAZ", "ISR"}
    assert {e["iso3"] for e in comparison["exits"]} == {"DEU", "LVA", "KAZ", "ISR"} - selected
    assert len(comparison["entries"]) == 32 - len(comparison["overlap"])


def test_an_imported_criterion_joins_the_index(run: Run, tmp_path: Path) -> None:
    ranked = [m["iso3"] for m in rank_json(run)["markets"]]
    exports = tmp_path / "exports.csv"
    rows = [f"{iso3},{1000 + 10 * i},EUR million,2024" for i, iso3 in enumerate(ranked)]
    exports.write_text("partner,value,unit,year\n" + "\n".join(rows) + "\n", encoding="utf-8")
    code, _, err = run("data", "import", "exports", str(exports), "--home", "LTU")
    assert code == 0, err
    doc = rank_json(run)
    used = {c["id"]: c for c in doc["criteria_used"]}
    assert "exports" in used and used["exports"]["unit"] == "EUR million"
    assert used["exports"]["provenance"][0]["source_id"] == "user_exports"


@pytest.mark.parametrize(
    ("args", "message"),
    [(("--weights", "innovation"), "Bad weight"),
     (("--home", "Atlantis"), "Unknown country 'Atlantis'"),
     (("--top", "0"), "--top must be between 1 and 1000"),
     (("--runs", "0"), "runs"),
     (("--year", "1991"), "No criterion has data for 1991 or earlier"),  # not zeros for all
     (("--year", "201"), "--year must be between 1990 and 2100")],
)
def test_rank_bad_input_is_explained(run: Run, args: tuple[str, ...], message: str) -> None:
    code, _, err = run("rank", *args)
    assert code == 2
    assert message in err and "What to do" in err


def test_data_remove_deletes_one_source(run: Run, tmp_path: Path) -> None:
    listed = tmp_path / "list.csv"
    listed.write_text("market\nGermany\n", encoding="utf-8")
    assert run("data", "import", "list", str(listed), "--name", "old")[0] == 0
    code, out, _ = run("data", "remove", "user_list_old")
    assert code == 0 and "Removed user_list_old" in out
    code, _, err = run("data", "remove", "user_list_old")
    assert code == 2 and "No source 'user_list_old'" in err and "data sources" in err
