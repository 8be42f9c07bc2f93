"""HS sections of products and roll-ups, against the WCO's 1992 section table by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from marketscout.dsm.sectors import rollup, section_of


@pytest.mark.parametrize(("product", "numeral", "title_start"), [
    ("010121", "I", "Live animals"),  # first chapter of the first section
    ("050100", "I", "Live animals"),  # last chapter of section I
    ("060110", "II", "Vegetable products"),
    ("151110", "III", "Animal or vegetable fats"),  # a one-chapter section
    ("770000", "XV", "Base metals"),  # chapter 77 is reserved within section XV
    ("850110", "XVI", "Machinery"),
    ("930100", "XIX", "Arms and ammunition"),
    ("970110", "XXI", "Works of art"),
])
def test_section_of_follows_the_chapter_ranges(product: str, numeral: str,
                                               title_start: str) -> None:
    found, title = section_of(product)
    assert found == numeral and title.startswith(title_start)


@pytest.mark.parametrize("product", ["980000", "999999"])
def test_reserved_and_national_chapters_are_in_no_section(product: str) -> None:
    assert section_of(product) == ("", "")


def test_chapter_rollup_counts_and_sums_by_hand() -> None:
    opportunities = pd.DataFrame({
        "market": ["POL", "POL", "DEU", "DEU"],
        "product": ["010121", "010290", "850110", "010121"],
        "import_value": [10.0, 5.0, 100.0, 1.0],
        "home_exports": [1.0, 0.0, 2.0, 0.0],
        "untapped_potential": [3.0, 2.0, 50.0, 0.5]})
    out = rollup(opportunities, "chapter")
    every = out[out["market"] == "ALL"].set_index("hs_chapter")
    assert every.loc["01", "opportunities"] == 3 and every.loc["01", "section"] == "I"
    assert every.loc["01", "import_value"] == 16.0
    assert every.loc["85", "section"] == "XVI" and every.loc["85", "untapped_potential"] == 50.0
    pol = out[out["market"] == "POL"].set_index("hs_chapter")
    assert list(pol.index) == ["01"] and pol.loc["01", "opportunities"] == 2
