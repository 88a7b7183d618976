"""GET and POST /v1/sparql: results, read-only guard, syntax errors, and the time and row limits."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from typing import Any, TypeVar

import anyio
import anyio.to_thread
import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, Graph

import musclekb
from musclekb_api.app import create_app
from musclekb_api.graphstore import (
    GraphStore,
    QueryResult,
    SparqlForbidden,
    SparqlTooDeep,
    check_depth,
    check_read_only,
    query_form,
)
from musclekb_api.settings import Settings

from .conftest import run_alone

T = TypeVar("T")
URL = "/v1/sparql"
RESULTS = "application/sparql-results+json"
MUSCLES = "SELECT ?m ?label WHERE { ?m a mk:Muscle ; skos:prefLabel ?label } ORDER BY ?m"
RUNAWAY = {
    "aggregate over a cross product": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }",
    "ORDER BY over a cross product": (
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"
    ),
}
LIMITS = Settings(sparql_timeout=1.0, sparql_max_rows=5, sparql_processes=1)


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["detail"]
    return body


@pytest.fixture(scope="module")
def limited() -> Iterator[TestClient]:
    """An app with a 1 s time limit and a 5-row cap."""
    with TestClient(create_app(LIMITS)) as client:
        yield client


# ---------------------------------------------------------------------- answers


def test_select_counts_every_triple(api_client: TestClient, kb: musclekb.KnowledgeBase) -> None:
    response = api_client.get(URL, params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(RESULTS)
    body = response.json()
    assert body["head"]["vars"] == ["n"]
    (row,) = body["results"]["bindings"]
    assert row["n"]["type"] == "literal"
    assert row["n"]["datatype"].endswith("#integer")
    assert int(row["n"]["value"]) == len(kb.graph)


def test_select_binds_terms_as_sparql_json(
    api_client: TestClient, kb: musclekb.KnowledgeBase
) -> None:
    body = api_client.get(URL, params={"query": MUSCLES}).json()
    rows = body["results"]["bindings"]
    typed = {str(s) for s in kb.graph.subjects(RDF.type, musclekb.MK.Muscle)}
    assert [row["m"]["value"] for row in rows] == sorted(typed)
    for row in rows[:10]:
        muscle = kb.entity(row["m"]["value"].rsplit("/", 1)[-1])
        assert row["m"] == {"type": "uri", "value": muscle.iri}
        assert row["label"] == {"type": "literal", "value": muscle.label, "xml:lang": "en"}


def test_post_form_and_query_body_answer_as_get(api_client: TestClient) -> None:
    expected = api_client.get(URL, params={"query": MUSCLES}).json()
    form = api_client.post(URL, data={"query": MUSCLES})
    raw = api_client.post(
        URL, content=MUSCLES, headers={"content-type": "application/sparql-query"}
    )
    assert form.json() == expected
    assert raw.json() == expected


@pytest.mark.parametrize(
    ("query", "answer"),
    [("ASK { ?m a mk:Muscle }", True), ("ASK { ?m a mk:NoSuchClass }", False)],
)
def test_ask(api_client: TestClient, query: str, answer: bool) -> None:
    response = api_client.get(URL, params={"query": query})
    assert response.headers["content-type"].startswith(RESULTS)
    assert response.json() == {"head": {}, "boolean": answer}


@pytest.mark.parametrize(
    ("accept", "media", "rdf_format"),
    [(None, "text/turtle", "turtle"), ("application/n-triples", "application/n-triples", "nt")],
)
def test_construct_and_describe_return_rdf(
    api_client: TestClient,
    kb: musclekb.KnowledgeBase,
    accept: str | None,
    media: str,
    rdf_format: str,
) -> None:
    headers = {"accept": accept} if accept else {}
    muscle = next(iter(kb.muscles.values()))
    for query in (f"CONSTRUCT WHERE {{ <{muscle.iri}> ?p ?o }}", f"DESCRIBE <{muscle.iri}>"):
        response = api_client.get(URL, params={"query": query}, headers=headers)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media)
        graph = Graph().parse(data=response.text, format=rdf_format)
        assert len(graph) > 3
        assert all(triple in kb.graph for triple in graph)


# ---------------------------------------------------------------------- refusals and errors

UPDATES = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX ex: <urn:x#>\n# a comment\ndelete { ?s ?p ?o } insert { ?s ex:p 1 } where { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL",
    "DROP GRAPH <urn:g>",
    "CREATE GRAPH <urn:g>",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "COPY DEFAULT TO <urn:g>",
]


@pytest.mark.parametrize("query", UPDATES)
def test_updates_are_refused(api_client: TestClient, query: str) -> None:
    for response in (
        api_client.get(URL, params={"query": query}),
        api_client.post(URL, data={"query": query}),
    ):
        assert "read-only" in _problem(response, 403)["detail"]


UPDATE_OPERATIONS = {
    # the SPARQL 1.1 protocol's update operation, in each way a client may ask for it
    "form field": lambda c, u: c.post(URL, data={"update": u}),
    "form field beside a query": lambda c, u: c.post(URL, data={"update": u, "query": "ASK {}"}),
    "sparql-update body": lambda c, u: c.post(
        URL, content=u, headers={"Content-Type": "application/sparql-update; charset=utf-8"}
    ),
    "GET parameter": lambda c, u: c.get(URL, params={"update": u}),
    "POST parameter": lambda c, u: c.post(URL, params={"update": u}, data={"query": "ASK {}"}),
}


@pytest.mark.parametrize("how", UPDATE_OPERATIONS)
def test_the_update_operation_is_refused_as_read_only(api_client: TestClient, how: str) -> None:
    """Not a 400 for an unknown field, a 415 or a 422 for an unknown parameter: the update is
    understood, and refused as an update in a query is."""
    response = UPDATE_OPERATIONS[how](api_client, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    problem = _problem(response, 403)
    assert problem["title"] == "Read-only SPARQL endpoint"
    assert "read-only" in problem["detail"] and "update operation" in problem["detail"]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { service silent <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o .SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { BIND(kb:x\\# AS ?z) SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    ],
)
def test_federated_queries_are_refused(api_client: TestClient, query: str) -> None:
    assert "SERVICE" in _problem(api_client.get(URL, params={"query": query}), 403)["detail"]


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?insert WHERE { ?insert ?p "DELETE and LOAD" }  # LOAD',
        "PREFIX ex: <urn:clear#> SELECT ?s WHERE { ?s ex:drop ?o } LIMIT 1",
        "SELECT * WHERE { ?s ?p '''INSERT\n''' }",
    ],
)
def test_keywords_inside_names_and_strings_are_not_updates(
    api_client: TestClient, query: str
) -> None:
    assert api_client.get(URL, params={"query": query}).status_code == 200


def test_query_form_skips_the_prologue() -> None:
    assert query_form("BASE <urn:b> PREFIX a: <urn:a#> # x\n select * {}") == "SELECT"
    assert query_form("prefix a: <urn:a#> INSERT DATA {}") == "INSERT"
    assert query_form("") == ""
    with pytest.raises(SparqlForbidden):
        check_read_only("PREFIX s: <urn:s#> ADD DEFAULT TO <urn:g>")


@pytest.mark.parametrize(
    "query", ["SELEC * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p }", "SELECT ?x WHERE {"]
)
def test_syntax_errors_are_400_with_the_parser_message(api_client: TestClient, query: str) -> None:
    detail = _problem(api_client.get(URL, params={"query": query}), 400)["detail"]
    assert detail.startswith("the query does not parse: error at 1:")


def test_missing_or_empty_query(api_client: TestClient) -> None:
    _problem(api_client.get(URL), 422)
    _problem(api_client.get(URL, params={"query": "  "}), 400)
    _problem(api_client.post(URL, data={"other": "x"}), 400)
    _problem(
        api_client.post(URL, content=b"", headers={"content-type": "application/sparql-query"}), 400
    )


def test_wrong_media_type_is_415(api_client: TestClient) -> None:
    response = api_client.post(URL, content=MUSCLES, headers={"content-type": "text/plain"})
    assert "application/sparql-query" in _problem(response, 415)["detail"]


def test_query_over_the_size_limit_is_413(api_client: TestClient) -> None:
    padding = "#" + "x" * Settings().max_body_bytes + "\n"
    _problem(api_client.post(URL, data={"query": padding + MUSCLES}), 413)
    _problem(
        api_client.post(
            URL, content=padding + MUSCLES, headers={"content-type": "application/sparql-query"}
        ),
        413,
    )


# ---------------------------------------------------------------------- limits


def test_rows_are_cut_at_the_row_limit(limited: TestClient) -> None:
    response = limited.get(URL, params={"query": MUSCLES})
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == LIMITS.sparql_max_rows
    assert response.headers["MuscleKB-Truncated"] == "true"
    assert response.headers["MuscleKB-Row-Limit"] == str(LIMITS.sparql_max_rows)
    small = limited.get(URL, params={"query": MUSCLES + " LIMIT 5"})
    assert "MuscleKB-Truncated" not in small.headers


def _doubled(times: int) -> str:
    """A query whose one row holds a string doubled ``times`` times (16 * 2**times bytes)."""
    binds = "".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1}) " for i in range(times))
    return f'SELECT ?v{times} WHERE {{ BIND("0123456789abcdef" AS ?v0) {binds}}}'


def test_rows_are_cut_at_the_size_limit() -> None:
    """A row that builds a 256 KiB string passes a 64 KiB limit: none of it comes back, and the
    answer says it was cut; rows under the limit come back whole."""
    settings = Settings(sparql_max_bytes=64 * 1024, sparql_processes=1)
    with TestClient(create_app(settings)) as client:
        big = client.get(URL, params={"query": _doubled(14)})
        assert big.status_code == 200, big.text
        assert big.json()["results"]["bindings"] == []
        assert big.headers["MuscleKB-Truncated"] == "true"
        assert big.headers["MuscleKB-Byte-Limit"] == str(64 * 1024)
        small = client.get(URL, params={"query": _doubled(10)})  # 16 KiB
        assert len(small.json()["results"]["bindings"][0]["v10"]["value"]) == 16 * 1024
        assert "MuscleKB-Truncated" not in small.headers
        many = client.get(URL, params={"query": "SELECT * { ?s ?p ?o }"})
        assert many.headers["MuscleKB-Truncated"] == "true"
        assert 0 < len(many.content) < 2 * 64 * 1024


def test_a_lazy_cross_product_stops_at_the_row_limit(limited: TestClient) -> None:
    started = time.monotonic()
    response = limited.get(URL, params={"query": "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    assert response.status_code == 200
    assert response.headers["MuscleKB-Truncated"] == "true"
    assert time.monotonic() - started < LIMITS.sparql_timeout


@pytest.mark.parametrize("name", list(RUNAWAY))
def test_a_runaway_query_is_stopped_at_the_time_limit(limited: TestClient, name: str) -> None:
    store = limited.app.state.store  # type: ignore[attr-defined]
    limited.get(URL, params={"query": "ASK {}"})  # an evaluator is running
    (before,) = store.pool._idle
    started = time.monotonic()
    response = limited.get(URL, params={"query": RUNAWAY[name]})
    elapsed = time.monotonic() - started
    assert "time limit of 1 s" in _problem(response, 503)["detail"]
    assert elapsed < LIMITS.sparql_timeout + 2.0, elapsed
    assert before.proc.poll() is not None, "the evaluating process was not stopped"
    with pytest.raises(ProcessLookupError):
        os.kill(before.proc.pid, 0)
    after = limited.get(URL, params={"query": "ASK { ?m a mk:Muscle }"})
    assert after.json()["boolean"] is True


def test_a_query_that_ends_its_evaluator_is_503_and_the_next_one_is_answered() -> None:
    """Without a depth limit, groups nested thousands of levels deep run the evaluator's parser
    out of stack: the process ends, the answer says what may have caused it, and a new process
    takes the next query."""
    deep = "SELECT * WHERE { " + "{ " * 20_000 + "}" * 20_000 + " }"
    with TestClient(create_app(Settings(sparql_max_depth=0, sparql_processes=1))) as client:
        detail = _problem(
            client.post(URL, content=deep, headers={"content-type": "application/sparql-query"}),
            503,
        )["detail"]
        assert "ended before it answered" in detail and "levels deep" in detail
        after = client.get(URL, params={"query": "ASK { ?m a mk:Muscle }"})
        assert after.json()["boolean"] is True


DEEP = {
    "groups": "SELECT * WHERE { " + "{" * 10_000 + "}" * 10_000 + " }",
    "blank nodes": "SELECT * WHERE { ?s ?p " + "[ ?p " * 200 + "?o" + " ]" * 200 + " }",
    "collections": "SELECT * WHERE { ?s ?p " + "( " * 200 + "?o" + " )" * 200 + " }",
    "parentheses": "ASK { ?s ?p ?o FILTER(" + "(" * 5_000 + "?o" + ")" * 5_000 + ") }",
    # not an IRI: a less-than and a greater-than around parentheses the parser reads as code
    "parentheses between < and >": (
        "ASK { ?s ?p ?o FILTER(?o<" + "(" * 5_000 + "?o" + ")" * 5_000 + ">?o) }"
    ),
}


@pytest.mark.parametrize("query", DEEP.values(), ids=DEEP.keys())
def test_queries_nested_past_the_depth_limit_are_refused_before_they_run(
    limited: TestClient, query: str
) -> None:
    """Deep nesting ends the evaluator's process (groups, parentheses) or keeps it parsing for
    longer than the time limit (blank nodes, collections): it is refused before it is sent,
    and the evaluator that answered before answers after."""
    limited.get(URL, params={"query": "ASK { ?m a mk:Muscle }"})
    pool = limited.app.state.store.pool  # type: ignore[attr-defined]
    before = [w.proc.pid for w in pool._idle]
    body = _problem(limited.post(URL, data={"query": query}), 400)
    assert body["title"] == "Query nested too deeply"
    assert "levels deep; the limit is 32" in body["detail"]
    assert [w.proc.pid for w in pool._idle] == before


def test_the_depth_limit_counts_brackets_outside_strings_and_comments() -> None:
    """A ``#`` inside an IRI starts no comment; brackets inside an IRI count, as they do when
    what looks like an IRI is an expression between a less-than and a greater-than."""
    at_limit = (
        'SELECT * WHERE { ?m a mk:Muscle FILTER(STRLEN("}}{{((((") > 0 '
        "&& ?m != <urn:x:#(a)> && ?m != <urn:x:()>) } # {{{{(((("
    )
    over = (
        'SELECT * WHERE {\n  ?m a mk:Muscle FILTER(?m != """(\n((""")\n'
        "  FILTER(?m != <urn:x:#> || ((?m != mk:Muscle))) }"
    )
    with TestClient(create_app(Settings(sparql_max_depth=3, sparql_processes=1))) as client:
        answered = client.get(URL, params={"query": at_limit})
        assert answered.status_code == 200, answered.text
        assert answered.json()["results"]["bindings"]
        detail = _problem(client.get(URL, params={"query": over}), 400)["detail"]
    assert detail.startswith("the query nests groups, brackets and parentheses 4 levels deep")
    assert "the limit is 3 (level 4 opens at line 4, column 30)" in detail


def test_check_depth_without_a_limit_takes_any_nesting() -> None:
    check_depth("ASK {" + "{" * 10_000 + "}" * 10_001, 0)
    with pytest.raises(SparqlTooDeep, match="2 levels deep; the limit is 1"):
        check_depth("ASK { { } }", 1)


def test_queries_waiting_for_an_evaluator_hold_no_thread(kb: musclekb.KnowledgeBase) -> None:
    """With one evaluator, ten queries at once: one runs in a worker thread, nine wait without
    one (the thread pool stays free for the other routes), and all are answered in turn."""
    store = GraphStore(kb, Settings(sparql_processes=1))
    inside: list[int] = []
    release = threading.Event()

    def evaluate(text: str, graph_format: str = "turtle") -> QueryResult:
        inside.append(1)
        release.wait(10)
        return QueryResult(RESULTS, b"{}", "ask", False, 0)

    store._evaluate = evaluate  # type: ignore[method-assign]

    async def main() -> list[QueryResult]:
        results: list[QueryResult] = []

        async def one() -> None:
            results.append(await store.run("ASK { ?s ?p ?o }"))

        async with anyio.create_task_group() as tasks:
            for _ in range(10):
                tasks.start_soon(one)
            while not inside:
                await anyio.sleep(0.01)
            await anyio.sleep(0.1)  # time for any other query to take a thread, were it allowed
            assert len(inside) == 1
            assert anyio.to_thread.current_default_thread_limiter().borrowed_tokens == 1
            release.set()
        return results

    assert len(run_alone(main)) == 10 and len(inside) == 10


def test_a_query_refused_by_the_checks_does_not_wait(kb: musclekb.KnowledgeBase) -> None:
    store = GraphStore(kb, Settings(sparql_processes=1))
    with pytest.raises(SparqlForbidden):
        run_alone(store.run, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")


CONSTRUCT = "CONSTRUCT WHERE { ?m a mk:Muscle }"
ACCEPTS = {
    "n-triples refused, turtle taken": (
        CONSTRUCT, "application/n-triples;q=0, text/turtle", 200, "text/turtle"
    ),
    "n-triples preferred by weight": (
        CONSTRUCT, "text/turtle;q=0.5, application/n-triples", 200, "application/n-triples"
    ),
    "any type: turtle": (CONSTRUCT, "*/*", 200, "text/turtle"),
    "a graph as JSON results": (CONSTRUCT, "application/sparql-results+json", 406, ""),
    "results as plain JSON": (MUSCLES, "application/json", 200, RESULTS),
    "results as XML": (ASK := "ASK { ?m a mk:Muscle }", "application/sparql-results+xml", 406, ""),
    "results as CSV, JSON refused": (ASK, "text/csv, application/*;q=0", 406, ""),
    "results, browser style": (ASK, "text/html,application/xhtml+xml,*/*;q=0.8", 200, RESULTS),
}  # fmt: skip


@pytest.mark.parametrize(
    ("query", "accept", "status", "media"), ACCEPTS.values(), ids=ACCEPTS.keys()
)
def test_accept_is_read_with_its_weights(
    api_client: TestClient, query: str, accept: str, status: int, media: str
) -> None:
    response = api_client.get(URL, params={"query": query}, headers={"Accept": accept})
    assert "Accept" in response.headers["vary"].split(", ")
    if status == 406:
        problem = _problem(response, 406)
        assert accept in problem["detail"] and problem["available"]
        return
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)


def test_an_update_with_an_unacceptable_accept_is_still_403(api_client: TestClient) -> None:
    response = api_client.get(
        URL, params={"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, headers={"Accept": "x/y"}
    )
    _problem(response, 403)


def test_a_form_field_other_than_query_is_refused(api_client: TestClient) -> None:
    data = {"query": "ASK {}", "default-graph-uri": "urn:g"}
    detail = _problem(api_client.post(URL, data=data), 400)["detail"]
    assert "'default-graph-uri'" in detail
