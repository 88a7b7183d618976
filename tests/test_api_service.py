"""The service endpoints that exist so far: /healthz and /v1/kb."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from musclekb_api.app import create_app


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as c:
        yield c


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_kb(client: TestClient) -> None:
    body = client.get("/v1/kb").json()
    assert len(body["content_hash"]) == 64
    assert body["counts"]["exercise"] >= 100
    assert body["load_seconds"] > 0


def test_unknown_route_is_a_problem(client: TestClient) -> None:
    response = client.get("/v1/nothing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 404
