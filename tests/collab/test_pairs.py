"""Collaboration counts against the hand-made corpus in conftest.py (counted by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from marketscout.collab import network, pairs, profile, scope, thirds
from marketscout.errors import DataNotAvailableError, InputError, UnknownCountryError
from marketscout.store import Store


def test_pairs_count_each_project_once_and_sum_each_side(small: Store) -> None:
    found = pairs(small, "LTU")
    table = found.partners.set_index("partner")
    # DEU shares projects 1, 2 and 4 (project 1 has two LTU participants: counted once)
    assert list(table.index) == ["DEU", "GBR", "GRC", "RUS"]  # ties by code
    assert found.home_projects == 4
    deu = table.loc["DEU"]
    assert deu["joint_projects"] == 3
    assert deu["home_participations"] == 4  # L1 + L2 in 1, L1 in 2, L2 in 4
    assert deu["partner_participations"] == 3
    assert deu["home_ec_contribution"] == pytest.approx(100 + 50 + 40 + 90)
    assert deu["partner_ec_contribution"] == pytest.approx(200 + 300 + 0)
    assert deu["home_coordinators"] == 2  # L1 in 1, L2 in 4
    assert deu["partner_coordinators"] == 1  # D1 in 2


def test_cordis_codes_el_and_uk_are_greece_and_the_uk(small: Store) -> None:
    table = pairs(small, "LTU").partners.set_index("partner")
    grc, gbr = table.loc["GRC"], table.loc["GBR"]
    assert (grc["joint_projects"], grc["partner_participations"]) == (2, 2)
    assert grc["home_ec_contribution"] == pytest.approx(170)
    assert (grc["home_coordinators"], grc["partner_coordinators"]) == (1, 1)
    assert (gbr["joint_projects"], gbr["partner_participations"]) == (2, 3)
    # U1's missing contribution in project 4 counts as 0
    assert gbr["partner_ec_contribution"] == pytest.approx(80 + 30)
    assert gbr["name"] == "United Kingdom"


def test_pairs_by_year_by_part_and_years_filter(small: Store) -> None:
    found = pairs(small, "LTU")
    assert found.by_year.loc["DEU"].to_dict() == {
        "2015": 1, "2016": 1, "2018": 1, "2019": 0}
    assert found.by_part.loc["DEU", "SC3"] == 2  # projects 1 and 4
    assert found.by_part.loc["DEU", "LEIT"] == 1
    assert found.partners.set_index("partner").loc["DEU", "top_parts"] == "SC3 2, LEIT 1, MSCA 1"
    wide = found.wide().set_index("partner")
    assert wide.loc["RUS", "joint_2019"] == 1 and wide.loc["RUS", "part_ERC"] == 1
    window = pairs(small, "LTU", scope("h2020", "2016-2018")).partners.set_index("partner")
    assert window["joint_projects"].to_dict() == {"DEU": 2, "GBR": 2}


def test_profile_counts_and_home_collaboration(small: Store) -> None:
    found = profile(small, "DEU", home="LTU")
    s = found.summary
    assert (s["participations"], s["projects"], s["organisations"]) == (4, 4, 2)
    assert s["ec_contribution"] == pytest.approx(1000)
    assert s["coordinator_roles"] == 2
    assert s["partner_countries"] == 3  # GRC, LTU, GBR
    types = found.org_types.set_index("org_type")["participations"].to_dict()
    assert types == {"REC": 3, "PRC": 1}
    assert found.partners.iloc[0]["partner"] == "LTU"
    assert found.partners.iloc[0]["joint_projects"] == 3
    assert found.with_home is not None and found.with_home["joint_projects"] == 3
    assert found.with_home["share_of_home_projects"] == pytest.approx(3 / 4)
    parts = found.parts.set_index("programme_part")
    assert parts.loc["SC3", "projects"] == 2 and parts.loc["SC3", "2018"] == 1
    assert found.status["status"].tolist() == ["member"]


def test_thirds_rank_only_non_associated_countries(small: Store) -> None:
    found = thirds(small)
    # the UK was a member state for all of Horizon 2020; Russia is a third country
    assert found.countries["iso3"].tolist() == ["RUS"]
    assert found.countries["participations"].tolist() == [1]
    assert profile(small, "RUS").summary["third_rank_participations"] == 1
    both = thirds(small, statuses=("member",)).countries.set_index("iso3")
    assert both.loc["LTU", "participations"] == 5  # L1, L2 in 1; L1 in 2, 5; L2 in 4
    assert both.loc["LTU", "rank_participations"] == 1


def test_status_file_replaces_the_defaults(small: Store, tmp_path: pytest.TempPathFactory
                                           ) -> None:
    from pathlib import Path

    from marketscout.collab.status import read_status

    path = Path(str(tmp_path)) / "status.csv"
    path.write_text("programme,country,status\nh2020,Germany,associated\n", encoding="utf-8")
    found = thirds(small, status=read_status(path), statuses=("third",))
    assert set(found.countries["iso3"]) >= {"LTU", "RUS"}  # the file lists only Germany
    assert "DEU" not in set(found.countries["iso3"])


def test_network_weights_and_centrality(small: Store) -> None:
    found = network(small, min_projects=1)
    g = found.graph
    assert g["DEU"]["LTU"]["weight"] == 3
    assert g["GRC"]["RUS"]["weight"] == 1
    assert g.number_of_edges() == 7
    nodes = found.nodes.set_index("iso3")
    assert nodes.loc["LTU", "degree"] == 4 and nodes.loc["LTU", "strength"] == 8
    # eigenvector centrality against numpy on the hand-built weighted adjacency matrix
    order = ["DEU", "GBR", "GRC", "LTU", "RUS"]
    w = {("DEU", "LTU"): 3, ("DEU", "GRC"): 2, ("DEU", "GBR"): 2, ("GBR", "LTU"): 2,
         ("GRC", "LTU"): 2, ("GRC", "RUS"): 1, ("LTU", "RUS"): 1}
    a = np.zeros((5, 5))
    for (i, j), v in w.items():
        a[order.index(i), order.index(j)] = a[order.index(j), order.index(i)] = v
    _, vectors = np.linalg.eigh(a)
    top = np.abs(vectors[:, -1]) / np.linalg.norm(vectors[:, -1])
    got = nodes.loc[order, "eigenvector_centrality"].to_numpy()
    assert got == pytest.approx(top, abs=1e-6)
    assert set(network(small, min_projects=2).graph.nodes) == {"DEU", "GBR", "GRC", "LTU"}
    assert '"links"' in found.to_json() and "<graphml" in found.to_graphml()


def test_bad_input_is_explained(small: Store) -> None:
    with pytest.raises(UnknownCountryError, match="Unknown country 'Atlantis'"):
        pairs(small, scope_country("Atlantis"))
    with pytest.raises(InputError, match="Not a year range"):
        scope("all", "20x6")
    with pytest.raises(InputError, match="Unknown programme"):
        scope("fp7")
    with pytest.raises(DataNotAvailableError, match="has no Horizon participation"):
        pairs(small, "FRA")
    with pytest.raises(DataNotAvailableError, match="no Horizon participations for "
                                                    "horizon-europe"):
        pairs(small, "LTU", scope("horizon-europe"))
    with pytest.raises(InputError, match="at least 1"):
        network(small, min_projects=0)


def scope_country(name: str) -> str:
    from marketscout.collab import country

    return country(name, "--home")


def test_empty_store_says_how_to_get_data(store: Store) -> None:
    with pytest.raises(DataNotAvailableError, match="no Horizon participations") as info:
        pairs(store, "LTU")
    assert "CORDIS" in str(info.value.fix)
    assert isinstance(pd.DataFrame(), pd.DataFrame)
