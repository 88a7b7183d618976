"""The OpenAPI document's operation ids and tags: client generators name their methods after the
ids and group them by tag, so the ids are pinned here and every tag is described."""

from __future__ import annotations

from importlib.metadata import metadata
from typing import Any

import pytest
from fastapi.testclient import TestClient

from musclekb_api.app import TAGS
from musclekb_api.routers.browse import COLLECTIONS

FIXED = {
    ("post", "/v1/assessments"): "assess",
    ("post", "/v1/assessments/why-not"): "why_not",
    ("get", "/healthz"): "healthz",
    ("get", "/v1/kb"): "describe_kb",
    ("get", "/v1/kb/export"): "export_kb",
    ("get", "/v1/search"): "search",
    ("get", "/v1/graph/{id}"): "get_graph",
    ("get", "/v1/sparql"): "sparql_get",
    ("post", "/v1/sparql"): "sparql_post",
}


@pytest.fixture(scope="module")
def document(api_client: TestClient) -> dict[str, Any]:
    found: dict[str, Any] = api_client.get("/openapi.json").json()
    return found


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): op
        for path, methods in document["paths"].items()
        for method, op in methods.items()
    }


def test_operation_ids_are_the_pinned_names(document: dict[str, Any]) -> None:
    expected = dict(FIXED)
    for spec in COLLECTIONS:
        expected[("get", f"/v1/{spec.name}")] = f"list_{spec.name}"
        expected[("get", f"/v1/{spec.name}/{{id}}")] = f"get_{spec.kind}"
    got = {key: op["operationId"] for key, op in _operations(document).items()}
    assert got == expected
    assert len(set(got.values())) == len(got), "unique"


def test_every_tag_used_is_described_once(document: dict[str, Any]) -> None:
    declared = [tag["name"] for tag in document["tags"]]
    assert declared == [tag["name"] for tag in TAGS] and len(set(declared)) == len(declared)
    used = {tag for op in _operations(document).values() for tag in op["tags"]}
    assert used == set(declared)
    assert all(tag["description"].strip() for tag in document["tags"])


def test_the_license_is_the_package_license(document: dict[str, Any]) -> None:
    package = metadata("musclekb")["License"]
    assert document["info"]["license"] == {"name": package, "identifier": package}
