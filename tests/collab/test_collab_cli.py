"""The commands: formats, sources named in every output, clear errors (exit code 2)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
from collab_corpora import TEXTS, text_corpus

from marketscout.store import open_store

Run = Callable[..., tuple[int, str, str]]  # tests/conftest.py's `run` fixture


def test_pairs_json_and_csv_name_their_source(run: Run, tmp_path: Path) -> None:
    code, out, err = run("collab", "pairs", "--home", "LTU", "--programme", "h2020",
                         "--years", "2014-2020", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["home"] == "LTU" and "CORDIS" in data["source"]
    assert data["scope"] == "h2020, projects starting 2014-2020"
    first = data["partners"][0]
    assert first["partner"] == "DEU" and sum(first["joint_projects_by_year"].values()) == (
        first["joint_projects"])
    code, out, err = run("collab", "pairs", "--home", "Lithuania", "--format", "csv")
    # a plain CSV on standard output; title and source on standard error
    assert code == 0 and out.startswith("\ufeff") is False
    assert out.startswith("Partner (ISO3),Name,Joint projects,")
    assert "Source: European Commission (CORDIS)" in err
    target = tmp_path / "pairs.csv"
    code, _, err = run("collab", "pairs", "--home", "LTU", "--format", "csv", "--output",
                       str(target))
    assert code == 0, err
    meta = json.loads((tmp_path / "pairs.csv.meta.json").read_text(encoding="utf-8"))
    assert meta["title"].startswith("Horizon partners of Lithuania") and "CORDIS" in meta[
        "source"]
    book = tmp_path / "pairs.xlsx"
    code, _, err = run("collab", "pairs", "--home", "LTU", "--format", "xlsx", "--output",
                       str(book))
    assert code == 0, err
    assert openpyxl.load_workbook(book).sheetnames == ["About", "partners", "by_year",
                                                      "by_part", "sources"]


def test_profile_thirds_and_network(run: Run, tmp_path: Path) -> None:
    code, out, err = run("collab", "profile", "--country", "RUS", "--home", "LTU",
                         "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["summary"]["third_rank_participations"] >= 1
    assert data["with_home"]["home"] == "LTU" and data["status"][0]["status"] == "third"
    code, out, _ = run("collab", "profile", "--country", "RUS")
    assert code == 0 and "Among" in out and "collab thirds" in out
    code, out, _ = run("collab", "thirds", "--format", "csv")
    assert code == 0
    rows = out.splitlines()
    assert rows[0].startswith("Country (ISO3),Country,Status in the programme,")
    assert rows[1].startswith("USA,United States,third,")
    graph = tmp_path / "net.graphml"
    code, _, err = run("collab", "network", "--min-projects", "200", "--format", "graphml",
                       "--output", str(graph))
    assert code == 0, err
    assert "<graphml" in graph.read_text(encoding="utf-8")


def test_partners_on_texts_says_it_is_a_sample(run: Run, home: Path) -> None:
    with open_store(home / "marketscout.duckdb") as store:
        store.load(text_corpus(), TEXTS)
    code, out, err = run("partners", "--home", "LTU", "--market", "ISR", "--topic",
                         "hydrogen storage", "--method", "lexical", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["partners"][0]["name"] == "Hydrogen Tech Ltd"
    assert any("Sample data" in note for note in data["notes"])
    code, out, _ = run("partners", "--home", "LTU", "--market", "ISR", "--topic", "hydrogen",
                       "--method", "lexical")
    assert code == 0 and "Sample data: source(s) test_cordis_texts are partial" in out


def test_errors_are_clear(run: Run) -> None:
    code, _, err = run("collab", "pairs", "--home", "Atlantis")
    assert code == 2 and "Unknown country 'Atlantis'" in err and "Where: --home" in err
    code, _, err = run("partners", "--home", "LTU", "--market", "Narnia", "--topic", "hydrogen")
    assert code == 2 and "Unknown country 'Narnia'" in err and "Where: --market" in err
    code, _, err = run("collab", "pairs", "--home", "LTU", "--years", "2020-2014")
    assert code == 2 and "ends before it starts" in err
    code, _, err = run("collab", "network", "--format", "gexf")
    assert code == 2 and "Unknown format" in err
