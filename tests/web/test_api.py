"""The JSON API, in-process against the snapshot store (`home` fixture)."""

from __future__ import annotations

from typing import Any

import pytest

from marketscout import criteria
from marketscout.store import open_store

FAST = {"runs": "60", "seed": "7"}


def get(reader: Any, url: str, **params: str) -> Any:
    response = reader.get(url, params={**FAST, **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_priority_takes_the_rank_parameters(reader: Any) -> None:
    doc = get(reader, "/api/priority", home="Lithuania", top="10", exclude="DEU,FRA")
    assert doc["schema"] == "marketscout.priority-list/1"
    assert doc["home"] == "LTU"
    assert doc["method"]["top"] == 10
    assert doc["method"]["uncertainty"]["runs"] == 60
    assert doc["method"]["uncertainty"]["seed"] == 7
    assert sum(m["selected"] for m in doc["markets"]) == 10
    assert "LTU" not in {m["iso3"] for m in doc["markets"]}
    excluded = {m["iso3"] for m in doc["markets"] if m["override"] == "exclude"}
    assert excluded == {"DEU", "FRA"}
    assert not {"DEU", "FRA"} & {m["iso3"] for m in doc["markets"] if m["selected"]}


def test_priority_with_one_criterion_ranks_by_its_values(reader: Any) -> None:
    """Weight 0 on horizon and exports leaves innovation alone: rank 1 is the market with the
    highest GII score among the ranked ones (read from /api/criteria, not from the ranking)."""
    doc = get(reader, "/api/priority", weights="horizon=0,exports=0")
    assert [c["id"] for c in doc["criteria_used"]] == ["innovation"]
    assert {"id": "horizon", "reason": "weight set to 0"}.items() <= next(
        c for c in doc["criteria_left_out"] if c["id"] == "horizon").items()
    found = get(reader, "/api/criteria")["criteria"]
    gii = next(c for c in found if c["criterion"] == "innovation")
    best = max(gii["values"], key=gii["values"].get)
    assert doc["markets"][0]["iso3"] == best


def test_weights_change_the_list(reader: Any) -> None:
    default = get(reader, "/api/priority")
    horizon_only = get(reader, "/api/priority", weights="innovation=0")
    # Germany has the most joint Horizon projects with Lithuania in CORDIS H2020 (288).
    assert horizon_only["markets"][0]["iso3"] == "DEU"
    assert [m["iso3"] for m in default["markets"][:5]] != [
        m["iso3"] for m in horizon_only["markets"][:5]]


@pytest.mark.parametrize(("params", "where"), [
    ({"weights": "nonsense=1"}, "query parameter weights"),
    ({"weights": "horizon=-1"}, "query parameter weights"),
    ({"home": "Atlantis"}, "query parameter home"),
])
def test_bad_parameters_say_what_and_where(reader: Any, params: dict[str, str],
                                           where: str) -> None:
    response = reader.get("/api/priority", params={**FAST, **params})
    assert response.status_code == 422
    body = response.json()
    assert body["where"] == where and body["error"] and body["fix"]


def test_out_of_range_runs_are_refused(reader: Any) -> None:
    assert reader.get("/api/priority", params={"runs": "1000000"}).status_code == 422


def test_market_profile_counts_joint_projects(reader: Any) -> None:
    doc = get(reader, "/api/markets/DEU")
    with open_store(reader.app.state.settings.db_path) as store:
        expected = store.query(
            "SELECT count(DISTINCT project_id) AS n FROM horizon_participation "
            "WHERE iso3 = 'DEU' AND project_id IN "
            "(SELECT project_id FROM horizon_participation WHERE iso3 = 'LTU')")["n"][0]
    collab = doc["horizon_collaboration"]
    assert collab["projects"] == expected == 288
    assert sum(r["projects"] for r in collab["per_year"]) == expected
    assert "CORDIS" in collab["source"]
    lines = {c["id"]: c for c in doc["criteria"]}
    assert lines["horizon"]["value"] == 288
    assert lines["innovation"]["value"] == pytest.approx(57.2)  # GII 2022 (panel), Germany
    assert lines["horizon"]["source"] and lines["horizon"]["year"]
    assert doc["dsm_opportunities"]["available"] is False
    assert doc["dsm_opportunities"]["note"]
    contributions = [c["contribution"] for c in doc["criteria"] if c["contribution"] is not None]
    assert sum(contributions) == pytest.approx(doc["ranking"]["score"])


def test_market_profile_median_is_over_candidates_with_data(reader: Any) -> None:
    doc = get(reader, "/api/markets/DEU")
    values = get(reader, "/api/criteria")["criteria"]
    gii = sorted(next(c for c in values if c["criterion"] == "innovation")["values"].values())
    n = len(gii)
    median = gii[n // 2] if n % 2 else (gii[n // 2 - 1] + gii[n // 2]) / 2
    line = next(c for c in doc["criteria"] if c["id"] == "innovation")
    assert line["median"] == pytest.approx(median)
    assert line["covered"] == n


@pytest.mark.parametrize("code", ["XYZ", "LTU", "WLD"])
def test_unknown_or_home_market_is_404(reader: Any, code: str) -> None:
    response = reader.get(f"/api/markets/{code}", params=FAST)
    assert response.status_code == 404
    assert "not a candidate market" in response.json()["error"]


def test_criteria_and_data_status(reader: Any) -> None:
    found = get(reader, "/api/criteria")["criteria"]
    assert [c["criterion"] for c in found] == list(criteria.REGISTRY)
    assert all(c["source"] for c in found)
    status = get(reader, "/api/data/status")
    assert {s["criterion"] for s in status["criteria"]} == set(criteria.REGISTRY)
    ids = {p["source_id"] for p in status["sources"]}
    assert {"cordis_h2020", "naturalearth_110m"} <= ids


def test_openapi_documents_the_api(reader: Any) -> None:
    schema = reader.get("/openapi.json").json()
    for path in ("/api/priority", "/api/markets/{iso3}", "/api/criteria", "/api/data/status"):
        assert path in schema["paths"]
    names = {p["name"] for p in schema["paths"]["/api/priority"]["get"]["parameters"]}
    assert {"home", "top", "weights", "runs", "seed", "exclude", "year"} <= names


def test_weight_change_reuses_the_criteria(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = criteria.compute_all

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append("x")
        return real(*args, **kwargs)

    monkeypatch.setattr(criteria, "compute_all", counting)
    for weights in ("horizon=1", "horizon=2", "horizon=3", "innovation=2"):
        get(client, "/api/priority", weights=weights)
    assert len(calls) == 1
