"""Small hand-made corpora in the publishers' layouts, for the collaboration tests.

The participation file is in the Horizon 2020 dump's layout, with CORDIS country codes
(EL = Greece, UK = United Kingdom) so the tests go through the real parser's mapping.
Expected values in the tests are counted by hand from these rows.
"""

from __future__ import annotations

import pandas as pd

from marketscout.provenance import Provenance

# rcn, role, pic, type, contribution, country, start_year
PARTICIPATIONS = """rcn,role,pic,type,contribution,country,start_year
1,coordinator,L1,HES,100,LT,2015
1,participant,L2,REC,50,LT,2015
1,participant,D1,REC,200,DE,2015
1,participant,G1,HES,70,EL,2015
2,coordinator,D1,REC,300,DE,2016
2,participant,L1,HES,40,LT,2016
2,participant,U1,PRC,80,UK,2016
3,coordinator,D2,PRC,500,DE,2016
3,participant,G1,HES,60,EL,2016
4,coordinator,L2,REC,90,LT,2018
4,participant,U1,PRC,,UK,2018
4,participant,U2,HES,30,UK,2018
4,partner,D1,REC,0,DE,2018
5,coordinator,G1,HES,10,EL,2019
5,participant,L1,HES,20,LT,2019
5,participant,R1,REC,,RU,2019
"""
PARTS = """rcn,programme_part
1,SC3
1,LEIT
2,MSCA
4,SC3
5,ERC
"""


TEXTS = Provenance(source_id="test_cordis_texts", title="hand-made project texts",
                   publisher="marketscout tests", url="", licence="n/a", edition="test",
                   partial=True)


def text_corpus() -> dict[str, pd.DataFrame]:
    """Israeli organisations: one works on hydrogen storage, one on pottery, one on solar
    cells; a Lithuanian institute is in the hydrogen and the pottery project."""
    projects = pd.DataFrame({
        "project_id": ["10", "11", "12"],
        "acronym": ["HYSTORE", "POTS", "SUNCELL"],
        "title": ["Hydrogen storage in metal hydrides",
                  "Ancient pottery of the Levant",
                  "Perovskite solar cells"],
        "objective": ["Safe tanks that store hydrogen for fuel cell vehicles and the grid.",
                      "Archaeological study of ceramic vessels and trade routes.",
                      "Efficient photovoltaic modules from perovskite materials."],
        "start_date": pd.to_datetime(["2020-01-01"] * 3).date, "end_date": None,
        "programme": "H2020", "legal_basis": None, "topics": None, "funding_scheme": None,
        "status": None, "total_cost": None, "ec_max_contribution": None})
    rows = [("10", "I1", "ISR", "coordinator", 500.0), ("10", "L1", "LTU", "participant", 80.0),
            ("11", "I2", "ISR", "coordinator", 300.0), ("11", "L1", "LTU", "participant", 20.0),
            ("11", "L2", "LTU", "participant", 10.0), ("12", "I3", "ISR", "participant", 100.0),
            ("12", "D1", "DEU", "coordinator", 900.0)]
    participation = pd.DataFrame(rows, columns=["project_id", "org_id", "iso3", "role",
                                                "ec_contribution"]).assign(
        org_type="REC", start_year=2020, programme="H2020")
    names = {"I1": "Hydrogen Tech Ltd", "I2": "Museum of Antiquities", "I3": "Sun Institute",
             "L1": "Lithuanian Energy Institute", "L2": "Vilnius University",
             "D1": "Solar GmbH"}
    orgs = pd.DataFrame({"org_id": list(names), "name": list(names.values()),
                         "short_name": None, "org_type": "REC", "sme": False,
                         "city": ["Haifa", "Jerusalem", "Rehovot", "Kaunas", "Vilnius",
                                  "Berlin"],
                         "iso3": ["ISR", "ISR", "ISR", "LTU", "LTU", "DEU"],
                         "nuts_code": None, "lat": None, "lon": None, "url": None})
    return {"cordis_project": projects, "horizon_participation": participation,
            "cordis_organisation": orgs}
