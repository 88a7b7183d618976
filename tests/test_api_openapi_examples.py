"""The OpenAPI document's examples are real answers of the running server, each to its own
parameter or request example (``musclekb_api.live_examples``)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef

from musclekb_api import live_examples
from musclekb_api.app import create_app
from musclekb_api.examples import EXAMPLES
from musclekb_api.live_examples import MAX_ITEMS, cut
from musclekb_api.routers.browse import COLLECTIONS


@pytest.fixture(scope="module")
def paths(api_client: TestClient) -> dict[str, Any]:
    found: dict[str, Any] = api_client.get("/openapi.json").json()["paths"]
    return found


def _example(paths: dict[str, Any], path: str, method: str = "get") -> Any:
    return paths[path][method]["responses"]["200"]["content"]["application/json"]["example"]


def _parameter(paths: dict[str, Any], path: str, name: str) -> Any:
    (found,) = [p for p in paths[path]["get"]["parameters"] if p["name"] == name]
    return found["example"]


@pytest.mark.parametrize("spec", COLLECTIONS, ids=[s.name for s in COLLECTIONS])
def test_each_entity_route_shows_a_real_entity(
    spec: Any, paths: dict[str, Any], api_client: TestClient
) -> None:
    entity_id = _parameter(paths, f"/v1/{spec.name}/{{id}}", "id")
    got = api_client.get(f"/v1/{spec.name}/{entity_id}")
    assert got.status_code == 200
    example = _example(paths, f"/v1/{spec.name}/{{id}}")
    entity = got.json()
    assert example == {**entity, "links": entity["links"][:MAX_ITEMS]}, "the entity whole"
    assert example["id"] == entity_id
    page = api_client.get(f"/v1/{spec.name}").json()
    listed = _example(paths, f"/v1/{spec.name}")
    assert listed == {**page, "items": page["items"][:MAX_ITEMS]}
    assert listed["items"][0]["id"] == entity_id, "the id shown is the first of the list"


def test_graph_search_and_service_examples_are_their_answers(
    paths: dict[str, Any], api_client: TestClient
) -> None:
    centre = _parameter(paths, "/v1/graph/{id}", "id")
    nodes = _parameter(paths, "/v1/graph/{id}", "max_nodes")
    graph = api_client.get(f"/v1/graph/{centre}", params={"max_nodes": nodes}).json()
    assert _example(paths, "/v1/graph/{id}") == graph and graph["truncated"]
    q = _parameter(paths, "/v1/search", "q")
    assert (
        q in api_client.app.state.kb.signs[EXAMPLES["assessment"]["findings"][0]["sign"]].synonyms
    )  # type: ignore[attr-defined]
    found = api_client.get("/v1/search", params={"q": q, "limit": MAX_ITEMS}).json()
    assert _example(paths, "/v1/search") == found and found["results"][0]["score"] == 1.0
    assert _example(paths, "/healthz") == api_client.get("/healthz").json()
    assert _example(paths, "/v1/kb") == api_client.get("/v1/kb").json()


def _refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if "$ref" in value:
            yield value["$ref"]
        for v in value.values():
            yield from _refs(v)
    elif isinstance(value, list):
        for v in value:
            yield from _refs(v)


def _resolve(document: Any, pointer: str) -> Any:
    node = document
    for part in pointer.removeprefix("#/").split("/"):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def test_the_assessment_example_answers_the_request_example(
    paths: dict[str, Any], api_client: TestClient
) -> None:
    answer = api_client.post("/v1/assessments", json=EXAMPLES["assessment"]).json()
    example = _example(paths, "/v1/assessments", "post")
    assert example == cut(answer, frozenset({"states"}))
    assert example["states"] == answer["states"], "the states that references point to, whole"
    assert len(example["imbalances"]) == MAX_ITEMS < len(answer["imbalances"])
    refs = list(_refs(example["imbalances"]))
    assert refs, "the linked form's references are shown"
    for ref in refs:
        assert "rules" in _resolve(example, ref), ref


def test_the_why_not_examples_answer_their_requests(
    paths: dict[str, Any], api_client: TestClient
) -> None:
    content = paths["/v1/assessments/why-not"]["post"]["responses"]["200"]["content"]
    shown = content["application/json"]["examples"]
    assert set(shown) == {"imbalance", "exercise"}
    for name, example in shown.items():
        body = EXAMPLES[f"why_not_{name}"]
        answer = api_client.post("/v1/assessments/why-not", json=body).json()
        assert example["value"] == cut(answer) and answer["id"] == body["target"]


def test_the_document_asked_for_before_start_up_is_not_kept() -> None:
    app = create_app()
    early = app.openapi()
    (parameter,) = early["paths"]["/v1/muscles/{id}"]["get"]["parameters"]
    assert "example" not in parameter, "no knowledge base yet, so no real example"
    with TestClient(app) as client:
        (parameter,) = client.get("/openapi.json").json()["paths"]["/v1/muscles/{id}"]["get"][
            "parameters"
        ]
    assert parameter["example"] in app.state.kb.muscles


def test_a_request_example_the_knowledge_cannot_answer_leaves_its_response_bare(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = copy.deepcopy(EXAMPLES["assessment"])
    broken["findings"][0]["sign"] = "no-such-sign"
    monkeypatch.setitem(live_examples.EXAMPLES, "assessment", broken)
    with TestClient(create_app()) as client:
        got = client.get("/openapi.json")
    assert got.status_code == 200
    paths = got.json()["paths"]
    assert (
        "example"
        not in paths["/v1/assessments"]["post"]["responses"]["200"]["content"]["application/json"]
    )
    assert _example(paths, "/healthz")["status"] == "ok", "the other examples are still there"


@pytest.mark.parametrize(
    ("fmt", "media", "rdf_format"),
    [
        ("turtle", "text/turtle", "turtle"),
        ("ntriples", "application/n-triples", "nt"),
        ("jsonld", "application/ld+json", "json-ld"),
    ],
    ids=["turtle", "ntriples", "jsonld"],
)
def test_the_export_example_is_one_entity_of_the_download(
    fmt: str, media: str, rdf_format: str, paths: dict[str, Any], api_client: TestClient
) -> None:
    example = paths["/v1/kb/export"]["get"]["responses"]["200"]["content"][media]["example"]
    text = json.dumps(example) if fmt == "jsonld" else example
    shown = Graph().parse(data=text, format=rdf_format)
    download = api_client.get("/v1/kb/export", params={"format": fmt})
    whole = Graph().parse(data=download.content, format=rdf_format)
    centre = _parameter(paths, "/v1/graph/{id}", "id")
    iri = URIRef(api_client.get(f"/v1/muscles/{centre}").json()["iri"])
    assert len(shown) > 3, "the entity with its label, type and links"
    assert set(shown.subjects()) == {iri}, "one entity: the graph example's centre"
    assert set(shown) == set(whole.triples((iri, None, None))), "all its triples, as downloaded"
    if fmt == "turtle":
        assert example.startswith("@prefix"), "the prefixes the download declares"
