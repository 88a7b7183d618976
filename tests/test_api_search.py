"""GET /v1/search: the contract's shape, kinds, limits, forgiving matching and clear errors."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import musclekb

KINDS = [
    "muscle",
    "pair",
    "test",
    "sign",
    "measure",
    "imbalance",
    "cause",
    "exercise",
    "rule",
    "source",
]


def _search(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/search", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _problem(response: Any) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    return body


def test_the_shape(api_client: TestClient, kb: musclekb.KnowledgeBase) -> None:
    body = _search(api_client, q="knee caves in")
    assert set(body) == {"query", "results"}
    assert body["query"] == "knee caves in"
    assert 0 < len(body["results"]) <= 20
    for result in body["results"]:
        assert list(result) == ["id", "iri", "kind", "label", "score", "matched"]
        entity = kb.entity(result["id"])
        assert (result["iri"], result["kind"], result["label"]) == (
            entity.iri,
            entity.kind,
            entity.label,
        )
        assert result["matched"] in (*entity.names, entity.id)
        assert 0 < result["score"] <= 1
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("q", ["knee caves in", "knee valgus", "valgus knee"])
def test_knee_valgus_finds_the_single_leg_squat_sign(api_client: TestClient, q: str) -> None:
    first = _search(api_client, q=q)["results"][0]
    assert first["id"] == "sls-knee-valgus"
    assert first["kind"] == "sign"


@pytest.mark.parametrize("q", ["glute med", "gluteus medius", "medius gluteus", "gluteus medus"])
def test_gluteus_medius_is_found_however_written(api_client: TestClient, q: str) -> None:
    assert _search(api_client, q=q)["results"][0]["id"] == "gluteus-medius"


def test_results_are_only_of_the_public_kinds(api_client: TestClient) -> None:
    # 'gluteus medius weak' is also the label of a muscle state, which is not searchable here
    results = _search(api_client, q="gluteus medius weak", limit=100)["results"]
    assert results
    assert {r["kind"] for r in results} <= set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_one_kind(api_client: TestClient, kb: musclekb.KnowledgeBase, kind: str) -> None:
    label = next(iter(kb.all(kind).values())).label
    results = _search(api_client, q=label, kind=kind)["results"]
    assert results
    assert {r["kind"] for r in results} == {kind}
    assert results[0]["score"] == 1.0


def test_several_kinds(api_client: TestClient) -> None:
    results = _search(api_client, q="bridge", kind="sign,test", limit=100)["results"]
    assert results
    assert {r["kind"] for r in results} <= {"sign", "test"}
    assert "test" in {r["kind"] for r in results}
    spaced = _search(api_client, q="bridge", kind=" sign , test ,", limit=100)["results"]
    assert spaced == results


def test_a_blank_kind_means_every_kind(api_client: TestClient) -> None:
    assert _search(api_client, q="bridge", kind="") == _search(api_client, q="bridge")


@pytest.mark.parametrize(("kind", "suggestion"), [("signs", "sign"), ("musle", "muscle")])
def test_an_unknown_kind_is_a_422_naming_the_valid_ones(
    api_client: TestClient, kind: str, suggestion: str
) -> None:
    body = _problem(api_client.get("/v1/search", params={"q": "knee", "kind": f"test,{kind}"}))
    assert body["errors"][0]["loc"] == ["query", "kind"]
    for valid in KINDS:
        assert valid in body["detail"]
    assert repr(suggestion) in body["detail"]


def test_a_kind_outside_the_contract_is_refused(api_client: TestClient) -> None:
    body = _problem(api_client.get("/v1/search", params={"q": "weak", "kind": "state"}))
    assert "'state'" in body["detail"]


def test_limit(api_client: TestClient) -> None:
    assert len(_search(api_client, q="knee", limit=3)["results"]) == 3
    assert len(_search(api_client, q="knee", limit=100)["results"]) > 20


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "knee", "limit": 0}, "limit"),
        ({"q": "knee", "limit": 101}, "limit"),
        ({"q": "knee", "limit": "many"}, "limit"),
        ({"q": "knee", "kinds": "sign"}, "kinds"),
    ],
)
def test_bad_parameters_are_a_422_that_says_where(
    api_client: TestClient, params: dict[str, Any], param: str
) -> None:
    body = _problem(api_client.get("/v1/search", params=params))
    assert ["query", param] in [e["loc"] for e in body["errors"]]


@pytest.mark.parametrize("q", ["?!--", "   ", "\U0001f9b5", "---"])
def test_a_query_with_nothing_to_search_for_is_a_422_that_says_so(
    api_client: TestClient, q: str
) -> None:
    """No letter or digit: the answer says why nothing can be found, on the search and on the
    lists alike (a blank q on a list means no q: the whole list)."""
    for url in ("/v1/search", "/v1/muscles") if q.strip() else ("/v1/search",):
        body = _problem(api_client.get(url, params={"q": q}))
        assert body["errors"][0]["loc"] == ["query", "q"]
        assert "has no letter or digit to search for" in body["errors"][0]["msg"]
    whole = api_client.get("/v1/muscles", params={"q": " "})
    assert whole.status_code == 200 and whole.json()["total"] > 0


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    q=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
    kind=st.one_of(st.none(), st.text(max_size=20), st.sampled_from(KINDS)),
    limit=st.one_of(st.none(), st.integers(-5, 200)),
)
def test_no_input_gives_a_500(
    api_client: TestClient, q: str, kind: str | None, limit: int | None
) -> None:
    params: dict[str, Any] = {"q": q}
    if kind is not None:
        params["kind"] = kind
    if limit is not None:
        params["limit"] = limit
    response = api_client.get("/v1/search", params=params)
    assert response.status_code in (200, 422), response.text
