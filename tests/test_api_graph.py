"""GET /v1/graph/{id}: the neighbourhood of one entity, without citations by default, capped."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import musclekb


def _graph(client: TestClient, entity_id: str, **params: Any) -> dict[str, Any]:
    response = client.get(f"/v1/graph/{entity_id}", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _check_consistent(body: dict[str, Any], kb: musclekb.KnowledgeBase) -> None:
    ids = [n["id"] for n in body["nodes"]]
    assert len(ids) == len(set(ids))
    assert body["center"] in ids
    for node in body["nodes"]:
        assert set(node) == {"id", "kind", "label"}
        entity = kb.entity(node["id"])
        assert (node["kind"], node["label"]) == (entity.kind, entity.label)
    for edge in body["edges"]:
        assert set(edge) == {"source", "target", "relation"}
        assert edge["source"] in ids
        assert edge["target"] in ids
        assert kb.nx.has_edge(edge["source"], edge["target"], key=edge["relation"])


def _within(graph: nx.MultiDiGraph[str], center: str, depth: int, skip: set[str]) -> set[str]:
    """The nodes within ``depth`` links of ``center``, computed independently."""
    kept = nx.MultiDiGraph()
    kept.add_nodes_from(graph.nodes)
    kept.add_edges_from((u, v, k) for u, v, k in graph.edges(keys=True) if k not in skip)
    reached = nx.single_source_shortest_path_length(kept.to_undirected(), center, cutoff=depth)
    return set(reached)


def test_the_shape(api_client: TestClient, kb: musclekb.KnowledgeBase) -> None:
    body = _graph(api_client, "sls-knee-valgus")
    assert set(body) == {"center", "depth", "nodes", "edges", "truncated"}
    assert (body["center"], body["depth"], body["truncated"]) == ("sls-knee-valgus", 1, False)
    assert body["nodes"][0]["id"] == "sls-knee-valgus"
    _check_consistent(body, kb)


@pytest.mark.parametrize("entity_id", ["sls-knee-valgus", "gluteus-medius", "glute-bridge"])
@pytest.mark.parametrize("depth", [0, 1, 2])
def test_the_nodes_are_those_within_depth_without_sources(
    api_client: TestClient, kb: musclekb.KnowledgeBase, entity_id: str, depth: int
) -> None:
    body = _graph(api_client, entity_id, depth=depth, max_nodes=2000)
    expected = _within(kb.nx, entity_id, depth, {"source"})
    assert {n["id"] for n in body["nodes"]} == expected
    assert body["truncated"] is False
    assert all(e["relation"] != "source" for e in body["edges"])
    # every link among the nodes is there
    wanted = {
        (u, v, k)
        for u, v, k in kb.nx.edges(keys=True)
        if u in expected and v in expected and k != "source"
    }
    assert {(e["source"], e["target"], e["relation"]) for e in body["edges"]} == wanted
    _check_consistent(body, kb)


def test_depth_0_is_the_entity_alone(api_client: TestClient) -> None:
    body = _graph(api_client, "gluteus-medius", depth=0)
    assert [n["id"] for n in body["nodes"]] == ["gluteus-medius"]
    assert body["edges"] == []


def test_sources_can_be_included(api_client: TestClient, kb: musclekb.KnowledgeBase) -> None:
    body = _graph(api_client, "sls-knee-valgus", include_sources=True, max_nodes=2000)
    relations = {e["relation"] for e in body["edges"]}
    assert "source" in relations
    sources = set(kb.signs["sls-knee-valgus"].sources)
    assert sources <= {n["id"] for n in body["nodes"]}
    assert {n["id"] for n in body["nodes"]} == _within(kb.nx, "sls-knee-valgus", 1, set())


def test_a_source_without_sources_reaches_nothing(api_client: TestClient) -> None:
    body = _graph(api_client, "seed-000")
    assert [n["id"] for n in body["nodes"]] == ["seed-000"]
    assert len(_graph(api_client, "seed-000", include_sources=True, max_nodes=2000)["nodes"]) > 50


def test_the_node_cap_truncates_farthest_first(
    api_client: TestClient, kb: musclekb.KnowledgeBase
) -> None:
    body = _graph(api_client, "gluteus-medius", depth=2, max_nodes=25)
    assert body["truncated"] is True
    assert len(body["nodes"]) == 25
    assert body["nodes"][0]["id"] == "gluteus-medius"
    _check_consistent(body, kb)
    near = _within(kb.nx, "gluteus-medius", 1, {"source"})
    kept = [n["id"] for n in body["nodes"]]
    if len(near) <= 25:
        assert near <= set(kept)
    else:
        assert set(kept) <= near


def test_the_default_cap_is_150(api_client: TestClient) -> None:
    body = _graph(api_client, "gluteus-medius", depth=3)
    assert body["truncated"] is True
    assert len(body["nodes"]) == 150


def test_any_entity_kind_can_be_the_centre(
    api_client: TestClient, kb: musclekb.KnowledgeBase
) -> None:
    for kind in ("state", "action", "rule", "exercise-kind", "equipment"):
        entity_id = sorted(kb.all(kind))[0]
        body = _graph(api_client, entity_id)
        assert body["nodes"][0] == {
            "id": entity_id,
            "kind": kind,
            "label": kb.all(kind)[entity_id].label,
        }


def test_an_unknown_id_is_a_404_with_suggestions(api_client: TestClient) -> None:
    response = api_client.get("/v1/graph/gluteus-medus")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert "gluteus-medus" in body["detail"]
    assert body["suggestions"][0] == "gluteus-medius"


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("depth=4", "depth"),
        ("depth=-1", "depth"),
        ("depth=one", "depth"),
        ("max_nodes=0", "max_nodes"),
        ("max_nodes=2001", "max_nodes"),
        ("include_sources=perhaps", "include_sources"),
        ("sources=true", "sources"),
    ],
)
def test_bad_parameters_are_a_422_that_says_where(
    api_client: TestClient, query: str, param: str
) -> None:
    response = api_client.get(f"/v1/graph/gluteus-medius?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert ["query", param] in [e["loc"] for e in response.json()["errors"]]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    entity_id=st.text(
        alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40
    ),
    depth=st.integers(-2, 5),
    max_nodes=st.integers(-1, 3000),
)
def test_no_input_gives_a_500(
    api_client: TestClient, entity_id: str, depth: int, max_nodes: int
) -> None:
    from urllib.parse import quote

    response = api_client.get(
        f"/v1/graph/{quote(entity_id, safe='')}",
        params={"depth": depth, "max_nodes": max_nodes},
    )
    assert response.status_code in (200, 404, 422), response.text
