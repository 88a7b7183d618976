"""Every operation in the OpenAPI document refuses a query parameter it does not take, and one of
its own given twice, with a 422 naming it: neither is ignored in silence (a misspelt ``fromat``
would otherwise export Turtle, a second ``kind`` replace the first). Only ``/healthz`` takes
anything, since monitors add parameters of their own to defeat caches."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from musclekb_api.app import create_app

EXEMPT = {("get", "/healthz")}
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/v1/assessments"): {"json": {}},
    ("post", "/v1/assessments/why-not"): {"json": {"target": "knee-valgus"}},
    ("post", "/v1/sparql"): {
        "content": "ASK {}",
        "headers": {"content-type": "application/sparql-query"},
    },
}


REQUIRED = {("get", "/v1/search"): "q=knee", ("get", "/v1/sparql"): "query=ASK%20%7B%7D"}


def _operations() -> list[tuple[str, str, list[str]]]:
    paths: dict[str, dict[str, Any]] = create_app().openapi()["paths"]
    return [
        (method, path, [p["name"] for p in op.get("parameters", []) if p["in"] == "query"])
        for path, ops in paths.items()
        for method, op in ops.items()
        if (method, path) not in EXEMPT
    ]


OPERATIONS = _operations()


def _url(client: TestClient, path: str) -> str:
    """``path`` with ``{id}`` replaced by the first id of its collection (graph: any entity)."""
    if "{id}" not in path:
        return path
    collection = "/v1/muscles" if path.startswith("/v1/graph/") else path.rsplit("/", 1)[0]
    first = client.get(collection, params={"limit": 1}).json()["items"][0]["id"]
    return path.replace("{id}", first)


def _send(client: TestClient, method: str, path: str, query: str) -> Any:
    """The operation with ``query`` after the parameters it requires."""
    query = "&".join(q for q in (REQUIRED.get((method, path), ""), query) if q)
    url = f"{_url(client, path)}?{query}" if query else _url(client, path)
    return client.request(method.upper(), url, **BODIES.get((method, path), {}))


def _errors(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors: list[dict[str, Any]] = response.json()["errors"]
    return errors


def test_the_operations_are_found() -> None:
    assert len(OPERATIONS) >= 30
    assert ("get", "/v1/kb/export", ["format"]) in OPERATIONS


@pytest.mark.parametrize(
    ("method", "path"),
    [(m, p) for m, p, _ in OPERATIONS],
    ids=[f"{m} {p}" for m, p, _ in OPERATIONS],
)
def test_an_operation_answers_with_its_own_parameters_and_refuses_an_unknown_one(
    api_client: TestClient, method: str, path: str
) -> None:
    assert _send(api_client, method, path, "").status_code == 200
    errors = _errors(_send(api_client, method, path, "fromat=x"))
    assert errors[0]["loc"] == ["query", "fromat"]
    assert "unknown query parameter" in errors[0]["msg"]


WITH_PARAMETERS = [(m, p, names[0]) for m, p, names in OPERATIONS if names]
# each operation that takes parameters, with the first of them
each_first_parameter = pytest.mark.parametrize(
    ("method", "path", "name"),
    WITH_PARAMETERS,
    ids=[f"{m} {p} {n}" for m, p, n in WITH_PARAMETERS],
)


@each_first_parameter
def test_a_parameter_given_twice_is_refused(
    api_client: TestClient, method: str, path: str, name: str
) -> None:
    errors = _errors(_send(api_client, method, path, f"{name}=a&{name}=b"))
    assert {tuple(e["loc"]) for e in errors} == {("query", name)}
    assert all("more than once" in e["msg"] for e in errors)


def test_the_misspelt_export_format_is_named_with_the_right_one(api_client: TestClient) -> None:
    errors = _errors(api_client.get("/v1/kb/export?fromat=jsonld"))
    assert errors[0]["suggestions"] == ["format"]


def test_sparql_refuses_a_dataset_it_would_ignore(api_client: TestClient) -> None:
    """The protocol's ``default-graph-uri`` would change what a query means; the one graph here
    cannot honour it, so it is refused rather than dropped."""
    response = api_client.get(
        "/v1/sparql", params={"query": "ASK {}", "default-graph-uri": "https://example.org/g"}
    )
    assert _errors(response)[0]["loc"] == ["query", "default-graph-uri"]


def test_healthz_takes_any_parameter(api_client: TestClient) -> None:
    assert api_client.get("/healthz?_=1700000000").status_code == 200


def test_every_rejection_is_reported_at_once(api_client: TestClient) -> None:
    errors = _errors(api_client.get("/v1/search?q=knee&q=hip&kinds=sign&limit=3&limit=4"))
    assert [e["loc"] for e in errors] == [["query", "q"], ["query", "kinds"], ["query", "limit"]]
    assert errors[1]["suggestions"] == ["kind"]


@each_first_parameter
def test_a_parameter_that_is_not_utf8_is_refused_not_read_with_replacements(
    api_client: TestClient, method: str, path: str, name: str
) -> None:
    # (a parameter the operation requires is sent twice here: that is reported as well)
    errors = _errors(_send(api_client, method, path, f"{name}=ab%FFc"))
    expected = f"{name} is not UTF-8 once percent-decoded (byte 0xFF at 2)"
    assert [e["loc"] for e in errors if e["msg"].startswith(expected)] == [["query", name]]


def test_a_sparql_query_with_a_byte_that_is_not_utf8_does_not_run(
    api_client: TestClient,
) -> None:
    """Before, ``%FF`` in a string became U+FFFD and the query ran, answering another one."""
    query = "ASK%20%7B%20FILTER(%22%FF%22%20%3D%20%22%EF%BF%BD%22)%20%7D"
    [error] = _errors(api_client.get(f"/v1/sparql?query={query}"))
    assert error["loc"] == ["query", "query"]
    form = api_client.post(
        "/v1/sparql",
        content=f"query={query}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 400 and "not UTF-8 once percent-decoded" in form.json()["detail"]


def test_utf8_in_parameters_and_paths_is_read(api_client: TestClient) -> None:
    found = api_client.get("/v1/search?q=caf%C3%A9%20knee+valgus").json()
    assert found["query"] == "café knee valgus"
    assert api_client.get("/v1/muscles/caf%C3%A9").status_code == 404


def test_a_path_that_is_not_utf8_is_refused(api_client: TestClient) -> None:
    [error] = _errors(api_client.get("/v1/muscles/glute%FF"))
    assert error["loc"] == ["path"]
    assert "byte 0xFF" in error["msg"]
