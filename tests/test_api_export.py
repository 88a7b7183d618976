"""GET /v1/kb/export: each format parses back to the knowledge graph itself."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph
from rdflib.compare import isomorphic

import musclekb

URL = "/v1/kb/export"
FORMATS = [
    # (format, media type, file extension, rdflib parser)
    ("turtle", "text/turtle", "ttl", "turtle"),
    ("ntriples", "application/n-triples", "nt", "nt"),
    ("jsonld", "application/ld+json", "jsonld", "json-ld"),
]


@pytest.fixture(scope="module")
def knowledge_graph(kb: musclekb.KnowledgeBase) -> Graph:
    graph = Graph()
    for triple in kb.graph:
        graph.add(triple)
    return graph


@pytest.mark.parametrize(("fmt", "media", "extension", "parser"), FORMATS)
def test_export_parses_back_to_the_knowledge_graph(
    api_client: TestClient,
    kb: musclekb.KnowledgeBase,
    knowledge_graph: Graph,
    fmt: str,
    media: str,
    extension: str,
    parser: str,
) -> None:
    response = api_client.get(URL, params={"format": fmt})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    name = f"musclekb-{kb.info.content_hash[:12]}.{extension}"
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    parsed = Graph().parse(data=response.content, format=parser)
    assert len(parsed) == len(knowledge_graph)
    assert isomorphic(parsed, knowledge_graph)


def test_turtle_is_the_default_and_uses_prefixes(api_client: TestClient) -> None:
    response = api_client.get(URL)
    assert response.headers["content-type"].startswith("text/turtle")
    assert "@prefix kb: <https://w3id.org/musclekb/id/>" in response.text
    assert "@prefix mk: <https://w3id.org/musclekb/ontology#>" in response.text


def test_unknown_format_names_the_valid_ones(api_client: TestClient) -> None:
    response = api_client.get(URL, params={"format": "turtel"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    (error,) = response.json()["errors"]
    assert error["loc"] == ["query", "format"]
    for name in ("turtle", "jsonld", "ntriples"):
        assert name in error["msg"]
    assert error["suggestions"][0] == "turtle"


def test_unchanged_export_is_304_with_its_etag(api_client: TestClient) -> None:
    first = api_client.get(URL, params={"format": "jsonld"})
    etag = first.headers["etag"]
    again = api_client.get(URL, params={"format": "jsonld"}, headers={"if-none-match": etag})
    assert again.status_code == 304 and not again.content
    other = api_client.get(URL, params={"format": "turtle"}, headers={"if-none-match": etag})
    assert other.status_code == 200
