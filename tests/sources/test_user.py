"""The user's own files: every good variant reads the same, every broken one says where."""

from __future__ import annotations

import shutil
import sys
import types
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from marketscout.errors import InputError, UnknownCountryError
from marketscout.provenance import Provenance
from marketscout.sources import Parsed, user
from marketscout.store import Store

USER = Path(__file__).resolve().parents[1] / "data" / "user"
TABLES = {"gii": "gii", "imd": "imd", "fdi": "fdi_inward", "exports": "exports",
          "survey": "survey", "list": "priority_list"}
GOOD = {  # kind -> (file, options)
    "gii": ("gii_good.csv", {}),
    "imd": ("imd_good.csv", {}),
    "fdi": ("fdi_good.csv", {"home": "LTU"}),
    "exports": ("exports_good.csv", {"home": "Lithuania"}),
    "survey": ("survey_good.csv", {}),
    "list": ("list_good.csv", {}),
}


def parse(kind: str, file: str, **options: Any) -> Parsed:
    return user.parse(kind, USER / file, **options)


def failure(kind: str, file: str, **options: Any) -> str:
    """The full message of the InputError that parsing raises."""
    with pytest.raises(InputError) as info:
        parse(kind, file, **options)
    return str(info.value)


@pytest.mark.parametrize(
    "name",
    [
        "gii_good.csv",
        "gii_semicolon_decimal_comma.csv",
        "gii_quoted_decimal_comma.csv",
        "gii_tab.csv",
        "gii_latin1.csv",
        "gii_bom.csv",
        "gii_good.xlsx",
    ],
)
def test_gii_variants_read_the_same(name: str) -> None:
    frame = parse("gii", name).tables["gii"]
    assert frame["iso3"].tolist() == ["DEU", "LTU", "USA", "TUR"]
    assert frame["score"].tolist() == [58.2, 41.9, 63.5, 38.6]
    assert frame["rank"].tolist() == [9, 34, 3, 39]
    assert set(frame["edition"]) == {2023}
    assert set(frame["code"]) == {"GII"}


@pytest.mark.parametrize("kind", list(GOOD))
def test_each_kind_matches_its_store_table(kind: str, store: Store) -> None:
    name, options = GOOD[kind]
    parsed = parse(kind, name, **options)
    table = TABLES[kind]
    assert list(parsed.tables) == [table]
    assert list(parsed.tables[table].columns) == store.columns(table)
    store.load(parsed.tables, parsed.provenance)
    assert len(store.table(table)) == len(parsed.tables[table])


def test_provenance_says_user_import() -> None:
    prov = parse("exports", "exports_good.csv", home="LTU").provenance
    assert prov.source_id == "user_exports"
    assert prov.publisher == "user import"
    assert prov.licence == "as supplied by the user"
    assert prov.url == (USER / "exports_good.csv").resolve().as_uri()
    assert prov.edition == prov.years == "2022-2023"
    assert (prov.rows, prov.countries) == (4, 3)
    assert len(prov.sha256) == 64


@pytest.mark.parametrize(
    ("kind", "name", "options", "expected"),
    [
        ("gii", "gii_missing_column.csv", {}, ["row 1", "'score'"]),
        ("gii", "gii_renamed_column.csv", {}, ["row 1", "'score'", "scores"]),
        ("gii", "gii_repeated_column.csv", {}, ["row 1", "'economy'", "more than once"]),
        ("gii", "gii_space_separated.csv", {}, ["row 1", "'economy'", "separate fields"]),
        ("gii", "gii_unquoted_decimal_comma.csv", {}, ["row 2", "must be quoted"]),
        ("gii", "gii_duplicate.csv", {}, ["rows 2 and 4", "iso3", "DEU"]),
        ("gii", "gii_unknown_country.csv", {}, ["row 3", "'economy'", "New Mexico", "Mexico"]),
        ("gii", "gii_aggregate.csv", {}, ["row 4", "'economy'", "aggregate"]),
        ("gii", "gii_not_number.csv", {}, ["row 3", "'score'", "high"]),
        ("gii", "gii_out_of_range.csv", {}, ["row 2", "'score'", "above 100"]),
        ("gii", "gii_bad_year.csv", {}, ["row 3", "'year'", "23/24"]),
        ("gii", "gii_no_year.csv", {}, ["row 1", "'year'", "--year"]),
        ("gii", "gii_blank_lines.csv", {}, ["row 5", "'score'", "no score or rank"]),
        ("gii", "header_only.csv", {}, ["row 2", "no data rows"]),
        ("gii", "gii_good.xlsx", {"sheet": "GII 2022"}, ["row 3", "'Economy'", "aggregate"]),
        ("imd", "imd_rank_beyond.csv", {}, ["row 3", "'rank'", "n_economies"]),
        ("imd", "imd_no_value.csv", {}, ["row 3", "'score'", "no score or rank"]),
        ("fdi", "fdi_bad_unit.csv", {"home": "LTU"}, ["row 2", "'unit'", "EUR bn", "USD million"]),
        ("fdi", "fdi_mixed_units.csv", {"home": "LTU"}, ["row 3", "'unit'", "one unit"]),
        ("fdi", "fdi_bad_basis.csv", {"home": "LTU"}, ["row 2", "'basis'", "ultimate"]),
        ("fdi", "fdi_home_partner.csv", {"home": "LTU"}, ["row 3", "'partner'", "home"]),
        ("exports", "exports_negative.csv", {"home": "LTU"}, ["row 3", "'value'", "-3610"]),
        ("survey", "survey_duplicate.csv", {}, ["rows 2 and 4", "market"]),
        ("survey", "survey_order_zero.csv", {}, ["row 2", "'order'", "below 1"]),
        ("survey", "survey_no_association.csv", {}, ["row 3", "'association'"]),
    ],
)
def test_broken_files_name_file_row_and_column(
    kind: str, name: str, options: dict[str, Any], expected: list[str]
) -> None:
    message = failure(kind, name, **options)
    assert name in message
    for fragment in expected:
        assert fragment in message


def test_unknown_country_suggests_the_closest_names() -> None:
    with pytest.raises(UnknownCountryError, match="Did you mean Mexico"):
        parse("gii", "gii_unknown_country.csv")


@pytest.mark.parametrize("name", ["empty.csv", "missing.csv"])
def test_empty_or_missing_file(name: str) -> None:
    assert name in failure("gii", name)


def test_damaged_workbook(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes((USER / "gii_good.xlsx").read_bytes()[:300])
    assert "broken.xlsx" in failure("gii", str(broken))


def test_sheet_choice() -> None:
    assert "GII 2023, GII 2022" in failure("gii", "gii_good.xlsx", sheet="nope")
    assert "Excel files only" in failure("gii", "gii_good.csv", sheet="GII 2023")


def test_year_option_fills_missing_years() -> None:
    frame = parse("gii", "gii_no_year.csv", year=2021).tables["gii"]
    assert frame["edition"].tolist() == [2021, 2021]
    assert frame["rank"].isna().all()


def test_imd_ranks_only() -> None:
    frame = parse("imd", "imd_ranks_only.csv").tables["imd"]
    assert frame["rank"].tolist() == [1, 3]
    assert frame["score"].isna().all() and frame["n_economies"].isna().all()


def test_fdi_basis_units_and_negative_positions() -> None:
    frame = parse("fdi", "fdi_good.csv", home="LTU").tables["fdi_inward"]
    assert set(frame["home"]) == {"LTU"}
    assert set(frame["unit"]) == {"EUR billion"}  # 'eur BILLION' written canonically
    assert frame["basis"].tolist() == ["immediate"] * 4 + ["ultimate"]
    assert frame["value"].min() == -0.2  # disinvestment can make a position negative


def test_exports_decimal_comma_with_space_thousands() -> None:
    frame = parse("exports", "exports_good.csv", home="LTU").tables["exports"]
    assert frame["value"].iloc[0] == 5000.5


@pytest.mark.parametrize("kind", ["fdi", "exports"])
def test_home_is_required(kind: str) -> None:
    message = failure(kind, GOOD[kind][0])
    assert "--home" in message


def test_unknown_home() -> None:
    with pytest.raises(UnknownCountryError, match="--home"):
        parse("fdi", "fdi_good.csv", home="Atlantis")


def test_survey_positions() -> None:
    frame = parse("survey", "survey_good.csv").tables["survey"]
    assert frame.loc[frame["association"] == "Infobalt", "market"].tolist() == ["USA", "DEU"]
    assert frame["position"].tolist() == [1, 2, 3, 1, 2]


def test_list_name_and_source_id() -> None:
    parsed = parse("list", "list_good.csv")
    assert parsed.provenance.source_id == "user_list_list_good"
    assert set(parsed.tables["priority_list"]["list_name"]) == {"list_good"}
    named = parse("list", "list_markets_only.csv", name="Lithuania 2024")
    assert named.provenance.source_id == "user_list_lithuania_2024"
    frame = named.tables["priority_list"]
    assert frame["market"].tolist() == ["DEU", "USA"]
    assert frame["position"].isna().all()


def test_unknown_kind() -> None:
    with pytest.raises(InputError, match="Unknown kind"):
        user.parse("tariffs", USER / "gii_good.csv")


def test_reimport_replaces_and_failed_import_keeps_previous(store: Store) -> None:
    first = parse("gii", "gii_no_year.csv", year=2021)
    store.load(first.tables, first.provenance)
    second = parse("gii", "gii_good.csv")
    store.load(second.tables, second.provenance)
    assert sorted(store.table("gii")["iso3"]) == ["DEU", "LTU", "TUR", "USA"]
    with pytest.raises(InputError):
        parse("gii", "gii_aggregate.csv")  # fails before anything reaches the store
    assert len(store.table("gii", ["user_gii"])) == 4
    assert [p.source_id for p in store.provenance()] == ["user_gii"]


def test_two_lists_live_side_by_side(store: Store) -> None:
    for name in ("official", "draft"):
        parsed = parse("list", "list_good.csv", name=name)
        store.load(parsed.tables, parsed.provenance)
    assert sorted(p.source_id for p in store.provenance()) == [
        "user_list_draft", "user_list_official"]


def _fake_wide(calls: list[tuple[Path, int]]) -> types.ModuleType:
    def parse_gii_wide(path: Path, edition: int) -> Parsed:
        calls.append((Path(path), edition))
        frame = pd.DataFrame({"iso3": ["DEU"], "edition": [edition], "code": ["GII"],
                              "name": ["Global Innovation Index"], "score": [58.2],
                              "rank": [9.0]})
        prov = Provenance(source_id="wipo_gii_2019", title="GII", publisher="WIPO",
                          url="https://www.wipo.int", licence="WIPO", edition=str(edition))
        return Parsed({"gii": frame}, prov)

    module = types.ModuleType("marketscout.sources.wipo_gii")
    module.parse_gii_wide = parse_gii_wide  # type: ignore[attr-defined]
    return module


def test_wide_layout_is_delegated(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Path, int]] = []
    monkeypatch.setitem(sys.modules, "marketscout.sources.wipo_gii", _fake_wide(calls))
    parsed = parse("gii", "gii_wide.csv", year=2019)
    assert calls == [(USER / "gii_wide.csv", 2019)]
    prov = parsed.provenance
    assert (prov.source_id, prov.publisher, prov.republisher) == ("user_gii", "user import", "WIPO")
    assert "row 1" in failure("gii", "gii_wide.csv")  # the wide layout needs --year


@pytest.mark.rawdata
def test_wipo_full_data_file(raw_data: Path, tmp_path: Path) -> None:
    pytest.importorskip("marketscout.sources.wipo_gii")
    copy = tmp_path / "gii_2019.csv"
    shutil.copy(raw_data / "gii" / "gii_2019.csv", copy)
    parsed = user.parse("gii", copy, year=2019)
    assert parsed.provenance.source_id == "user_gii"
    assert len(parsed.tables["gii"]) > 100


@pytest.mark.rawdata
@pytest.mark.parametrize(
    ("kind", "name", "rows"),
    [
        ("gii", "gii_partial_2020_2024.csv", 160),
        ("imd", "imd_wdcr_ranks_partial_2022_2024.csv", 43),
    ],
)
def test_partial_public_files_import_as_user_files(
    raw_data: Path, kind: str, name: str, rows: int
) -> None:
    parsed = user.parse(kind, raw_data / "partial" / name)
    assert parsed.provenance.rows == rows


def test_documented_examples_parse(tmp_path: Path) -> None:
    """Every CSV example in docs/import.md imports as the kind its section is about."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "import.md").read_text("utf-8")
    checked = set()
    for section in docs.split("\n## ")[1:]:
        kind = section.split(":", 1)[0].strip()
        for block in section.split("```csv\n")[1:]:
            example = tmp_path / f"{kind}.csv"
            example.write_text(block.split("```", 1)[0], encoding="utf-8")
            parsed = user.parse(kind, example, home="LTU")
            assert parsed.provenance.rows >= 2
            checked.add(kind)
    assert checked == set(user.KINDS)
