"""Browsing the collections over HTTP: lists, paging, search, filters, entities with their links,
and clear errors (never a 500) for whatever a client sends."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import musclekb
from musclekb import model

# the contract: collection -> kind of its entities
COLLECTIONS = {
    "muscles": "muscle",
    "pairs": "pair",
    "tests": "test",
    "signs": "sign",
    "measures": "measure",
    "imbalances": "imbalance",
    "causes": "cause",
    "exercises": "exercise",
    "rules": "rule",
    "sources": "source",
    "regions": "region",
    "equipment": "equipment",
    "levels": "level",
    "phases": "phase",
}
COMMON = ["id", "iri", "kind", "label", "synonyms", "definition", "sources"]


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def _all(client: TestClient, url: str) -> list[dict[str, Any]]:
    """Every item of a list, page by page."""
    items: list[dict[str, Any]] = []
    sep = "&" if "?" in url else "?"
    while True:
        body = client.get(f"{url}{sep}limit=500&offset={len(items)}").json()
        items.extend(body["items"])
        if len(items) >= body["total"]:
            return items


def _plain(value: Any) -> Any:
    return [_plain(v) for v in value] if isinstance(value, tuple) else value


# ---------------------------------------------------------------------- every collection


@pytest.mark.parametrize(("collection", "kind"), COLLECTIONS.items())
def test_list_holds_every_entity_of_the_kind(
    api_client: TestClient, kb: musclekb.KnowledgeBase, collection: str, kind: str
) -> None:
    response = api_client.get(f"/v1/{collection}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "total", "limit", "offset"}
    assert (body["limit"], body["offset"]) == (50, 0)
    assert body["total"] == len(kb.all(kind)) > 0
    assert len(body["items"]) == min(50, body["total"])
    items = _all(api_client, f"/v1/{collection}")
    assert sorted(i["id"] for i in items) == sorted(kb.all(kind))
    labels = [(i["label"].casefold(), i["id"]) for i in items]
    assert labels == sorted(labels)


@pytest.mark.parametrize(("collection", "kind"), COLLECTIONS.items())
def test_items_are_the_dataclass_fields(
    api_client: TestClient, kb: musclekb.KnowledgeBase, collection: str, kind: str
) -> None:
    for item in api_client.get(f"/v1/{collection}?limit=20").json()["items"]:
        entity = kb.all(kind)[item["id"]]
        names = [f.name for f in dataclasses.fields(entity)]
        assert list(item) == names
        assert names[: len(COMMON)] == COMMON
        assert item == {n: _plain(getattr(entity, n)) for n in names}
        assert item["kind"] == kind


@pytest.mark.parametrize(("collection", "kind"), COLLECTIONS.items())
def test_get_returns_the_entity_and_its_links(
    api_client: TestClient, kb: musclekb.KnowledgeBase, collection: str, kind: str
) -> None:
    entity_id = sorted(kb.all(kind))[0]
    response = api_client.get(f"/v1/{collection}/{entity_id}")
    assert response.status_code == 200
    body = response.json()
    links = body.pop("links")
    assert body == next(i for i in _all(api_client, f"/v1/{collection}") if i["id"] == entity_id)
    graph = kb.nx
    expected = {(v, k, "out") for _, v, k in graph.out_edges(entity_id, keys=True)} | {
        (u, k, "in") for u, _, k in graph.in_edges(entity_id, keys=True)
    }
    assert {(x["id"], x["relation"], x["direction"]) for x in links} == expected
    assert len(links) == len(expected)
    for link in links:
        assert set(link) == {"id", "kind", "label", "relation", "direction"}
        linked = kb.entity(link["id"])
        assert (link["kind"], link["label"]) == (linked.kind, linked.label)


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_an_unknown_id_is_a_404_with_suggestions(api_client: TestClient, collection: str) -> None:
    first = api_client.get(f"/v1/{collection}?limit=1").json()["items"][0]["id"]
    misspelt = first[:-1] + ("x" if first[-1] != "x" else "y")
    body = _problem(api_client.get(f"/v1/{collection}/{misspelt}"), 404)
    assert misspelt in body["detail"]
    assert first in body["suggestions"]


def test_an_id_of_another_kind_is_not_found(api_client: TestClient) -> None:
    body = _problem(api_client.get("/v1/muscles/sls-knee-valgus"), 404)
    assert "no muscle" in body["detail"]


def test_a_label_in_the_path_is_not_an_id_and_the_answer_says_which_id(
    api_client: TestClient,
) -> None:
    body = _problem(api_client.get("/v1/muscles/gluteus medius"), 404)
    assert body["detail"].startswith("no muscle with id 'gluteus medius'")
    assert body["suggestions"][0] == "gluteus-medius"


@pytest.mark.parametrize(
    "path",
    ["/v1/muscles/https%3A%2F%2Fw3id.org%2Fmusclekb%2Fid%2Fgluteus-medius", "/v1/muscles/x/y"],
)
def test_an_id_with_a_slash_gets_a_404_that_says_ids_are_short(
    api_client: TestClient, path: str
) -> None:
    body = _problem(api_client.get(path), 404)
    assert "an id has no '/'" in body["detail"] and "/docs" in body["detail"]
    if "gluteus" in path:
        assert "/v1/muscles/gluteus-medius" in body["detail"]


def test_a_path_that_serves_nothing_is_a_404_naming_it(api_client: TestClient) -> None:
    body = _problem(api_client.get("/v1/nothing"), 404)
    assert body["detail"] == "nothing is served at '/v1/nothing'; the routes are listed at /docs"


def test_a_misspelt_muscle_suggests_the_muscle(api_client: TestClient) -> None:
    body = _problem(api_client.get("/v1/muscles/gluteus-medus"), 404)
    assert body["suggestions"][0] == "gluteus-medius"


# ---------------------------------------------------------------------- contract fields


@pytest.mark.parametrize(
    ("collection", "fields"),
    [
        ("tests", {"signs": list, "measures": list}),
        ("muscles", {"region": str}),
        ("signs", {"tests": list, "lateral": bool}),
        (
            "measures",
            {"unit": str, "min_value": float, "max_value": float, "higher_is_better": bool},
        ),
        ("exercises", {"strengthens": list, "lengthens": list, "equipment": list}),
        ("rules", {"rule_type": str, "certainty": float}),
    ],
)
def test_kind_specific_fields(
    api_client: TestClient, collection: str, fields: dict[str, type]
) -> None:
    for item in api_client.get(f"/v1/{collection}").json()["items"]:
        for name, typ in fields.items():
            value = item[name]
            assert isinstance(value, typ) or (typ is float and isinstance(value, int)), (
                name,
                value,
            )


def test_a_sign_links_to_its_rules_and_tests(
    api_client: TestClient, kb: musclekb.KnowledgeBase
) -> None:
    body = api_client.get("/v1/signs/sls-knee-valgus").json()
    links = body["links"]
    rules = {(x["id"], x["relation"]) for x in links if x["kind"] == "rule"}
    expected = {(r.id, "ifSign") for r in kb.rules.values() if r.if_sign == "sls-knee-valgus"}
    assert rules == expected
    assert expected
    assert all(x["direction"] == "in" for x in links if x["kind"] == "rule")
    tests = {x["id"] for x in links if x["relation"] == "observedIn" and x["direction"] == "out"}
    assert tests == set(body["tests"])
    assert tests


def test_a_muscle_links_to_its_exercises(
    api_client: TestClient, kb: musclekb.KnowledgeBase
) -> None:
    links = api_client.get("/v1/muscles/gluteus-medius").json()["links"]
    strengthening = {
        x["id"] for x in links if x["relation"] == "strengthens" and x["direction"] == "in"
    }
    expected = {e.id for e in kb.exercises.values() if "gluteus-medius" in e.strengthens}
    assert strengthening == expected
    assert expected


# ---------------------------------------------------------------------- paging


def test_pages_cover_the_list_without_overlap(api_client: TestClient) -> None:
    total = api_client.get("/v1/exercises").json()["total"]
    seen: list[str] = []
    for offset in range(0, total, 7):
        body = api_client.get(f"/v1/exercises?limit=7&offset={offset}").json()
        assert (body["limit"], body["offset"], body["total"]) == (7, offset, total)
        seen.extend(i["id"] for i in body["items"])
    assert len(seen) == len(set(seen)) == total


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("limit=1", 1),
        ("limit=500", None),
        ("offset=0&limit=3", 3),
    ],
)
def test_limits(api_client: TestClient, query: str, count: int | None) -> None:
    body = api_client.get(f"/v1/rules?{query}").json()
    assert len(body["items"]) == (count if count is not None else min(500, body["total"]))


def test_an_offset_at_or_past_the_end_gives_no_items(api_client: TestClient) -> None:
    total = api_client.get("/v1/levels").json()["total"]
    for offset in (total, total + 1, 10**12):
        body = api_client.get(f"/v1/levels?offset={offset}").json()
        assert body["items"] == []
        assert body["total"] == total
        assert body["offset"] == offset
    last = api_client.get(f"/v1/levels?offset={total - 1}").json()["items"]
    assert len(last) == 1


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=-3", "limit"),
        ("limit=ten", "limit"),
        ("limit=1.5", "limit"),
        ("offset=-1", "offset"),
        ("offset=x", "offset"),
        ("q=" + "a" * 201, "q"),
    ],
)
def test_bad_paging_or_query_is_a_422_that_says_where(
    api_client: TestClient, query: str, param: str
) -> None:
    body = _problem(api_client.get(f"/v1/muscles?{query}"), 422)
    assert ["query", param] in [e["loc"] for e in body["errors"]]
    assert param in body["detail"]


def test_an_unknown_query_parameter_is_a_422_with_a_suggestion(api_client: TestClient) -> None:
    body = _problem(api_client.get("/v1/exercises?musle=gluteus-medius"), 422)
    assert body["errors"][0]["loc"] == ["query", "musle"]
    assert "'muscle'" in body["detail"]
    assert body["errors"][0]["suggestions"] == ["muscle"]
    body = _problem(api_client.get("/v1/muscles/gluteus-medius?depth=2"), 422)
    assert body["errors"][0]["loc"] == ["query", "depth"]


# ---------------------------------------------------------------------- search within a collection


def test_q_searches_the_collection_best_first(api_client: TestClient) -> None:
    body = api_client.get("/v1/signs?q=knee caves in").json()
    ids = [i["id"] for i in body["items"]]
    assert ids[0] == "sls-knee-valgus"
    assert "knee-valgus" not in ids  # the imbalance of that name is not a sign
    assert all(i["kind"] == "sign" for i in body["items"])
    assert body["total"] == len(_all(api_client, "/v1/signs?q=knee caves in"))


@pytest.mark.parametrize("q", ["gluteus medius", "medius gluteus", "glute med", "gluteus medus"])
def test_q_forgives(api_client: TestClient, q: str) -> None:
    assert api_client.get(f"/v1/muscles?q={q}").json()["items"][0]["id"] == "gluteus-medius"


def test_a_blank_q_lists_everything(api_client: TestClient) -> None:
    everything = api_client.get("/v1/causes").json()
    assert api_client.get("/v1/causes?q=").json() == everything
    assert api_client.get("/v1/causes?q=%20%20").json()["total"] == everything["total"]


def test_q_that_matches_nothing(api_client: TestClient) -> None:
    body = api_client.get("/v1/muscles?q=zzzqqq").json()
    assert body == {"items": [], "total": 0, "limit": 50, "offset": 0}


def test_q_and_a_filter_together(api_client: TestClient, kb: musclekb.KnowledgeBase) -> None:
    items = _all(api_client, "/v1/exercises?q=bridge&equipment=eq-mat")
    assert items
    assert all("eq-mat" in i["equipment"] for i in items)
    unfiltered = [i["id"] for i in _all(api_client, "/v1/exercises?q=bridge")]
    assert [i["id"] for i in items] == [x for x in unfiltered if x in {i["id"] for i in items}]


# ---------------------------------------------------------------------- filters


def _ids(values: Iterable[str]) -> set[str]:
    return set(values)


def _exercise_muscles(kb: musclekb.KnowledgeBase, e: model.Exercise) -> set[str]:
    named = set(e.strengthens) | set(e.lengthens)
    out = set(named)
    for muscle in named:
        out |= set(kb.members.get(muscle, ()))
    out |= {group for group, members in kb.members.items() if named & set(members)}
    return out


# collection, filter, the kind its values name, the ids an entity matches on (computed here)
FILTERS: list[tuple[str, str, str, Callable[[musclekb.KnowledgeBase, Any], set[str]]]] = [
    ("exercises", "kind", "exercise-kind", lambda kb, e: {e.exercise_kind}),
    ("exercises", "load_mode", "load-mode", lambda kb, e: _ids(e.load_modes)),
    ("exercises", "equipment", "equipment", lambda kb, e: _ids(e.equipment)),
    ("exercises", "muscle", "muscle", _exercise_muscles),
    (
        "exercises",
        "phase",
        "phase",
        lambda kb, e: {kb.exercise_kinds[e.exercise_kind].phase},
    ),
    ("signs", "test", "test", lambda kb, e: _ids(e.tests)),
    ("measures", "test", "test", lambda kb, e: _ids(e.tests)),
    ("rules", "source", "source", lambda kb, e: _ids(e.sources)),
    ("muscles", "region", "region", lambda kb, e: {e.region}),
]


@pytest.mark.parametrize(
    ("collection", "param", "target", "values"),
    FILTERS,
    ids=[f"{c}-{p}" for c, p, _, _ in FILTERS],
)
def test_filter(
    api_client: TestClient,
    kb: musclekb.KnowledgeBase,
    collection: str,
    param: str,
    target: str,
    values: Callable[[musclekb.KnowledgeBase, Any], set[str]],
) -> None:
    kind = COLLECTIONS[collection]
    entities = list(kb.all(kind).values())
    used = sorted({v for e in entities for v in values(kb, e) if v})
    assert used, "the knowledge base uses this filter's values"
    for value in used[:6]:
        expected = {e.id for e in entities if value in values(kb, e)}
        got = [i["id"] for i in _all(api_client, f"/v1/{collection}?{param}={value}")]
        assert set(got) == expected, value
        assert len(got) == len(expected)
    # several values: any of them
    pair = used[:2]
    either = {e.id for e in entities if set(pair) & values(kb, e)}
    got = {i["id"] for i in _all(api_client, f"/v1/{collection}?{param}={','.join(pair)}")}
    assert got == either
    # an id of the right kind that nothing uses gives an empty list, not an error
    unused = sorted(set(kb.all(target)) - set(used))
    if unused:
        body = api_client.get(f"/v1/{collection}?{param}={unused[0]}").json()
        assert body["total"] == 0


def test_the_muscle_filter_includes_groups_and_their_members(api_client: TestClient) -> None:
    by_muscle = {i["id"] for i in _all(api_client, "/v1/exercises?muscle=gluteus-medius")}
    by_group = {i["id"] for i in _all(api_client, "/v1/exercises?muscle=hip-abductors")}
    # an exercise for the hip abductors works the gluteus medius, which is one of them
    assert by_group & by_muscle
    group_only = {
        i["id"]
        for i in _all(api_client, "/v1/exercises")
        if "hip-abductors" in i["strengthens"] + i["lengthens"]
    }
    assert group_only <= by_muscle


@pytest.mark.parametrize("rule_type", ["sign", "measure", "pattern", "cause", "role", "remedy"])
def test_the_rule_type_filter(
    api_client: TestClient, kb: musclekb.KnowledgeBase, rule_type: str
) -> None:
    items = _all(api_client, f"/v1/rules?type={rule_type}")
    assert {i["id"] for i in items} == {r.id for r in kb.rules.values() if r.rule_type == rule_type}


def test_filters_combine(api_client: TestClient, kb: musclekb.KnowledgeBase) -> None:
    items = _all(api_client, "/v1/rules?type=sign&source=seed-000")
    assert {i["id"] for i in items} == {
        r.id for r in kb.rules.values() if r.rule_type == "sign" and "seed-000" in r.sources
    }


def test_a_blank_filter_is_no_filter(api_client: TestClient) -> None:
    total = api_client.get("/v1/exercises").json()["total"]
    assert api_client.get("/v1/exercises?equipment=").json()["total"] == total
    assert api_client.get("/v1/exercises?equipment=,").json()["total"] == total


@pytest.mark.parametrize(
    ("url", "param", "value", "suggestion"),
    [
        ("/v1/exercises?muscle=gluteus-medus", "muscle", "gluteus-medus", "gluteus-medius"),
        ("/v1/exercises?equipment=eq-bandd", "equipment", "eq-bandd", "eq-band"),
        ("/v1/exercises?kind=activaton", "kind", "activaton", "kind-activation"),
        ("/v1/exercises?load_mode=bandd", "load_mode", "bandd", "load-band"),
        ("/v1/exercises?phase=activte", "phase", "activte", "phase-activate"),
        ("/v1/signs?test=single-leg-squatt", "test", "single-leg-squatt", "single-leg-squat"),
        ("/v1/measures?test=thomas", "test", "thomas", "thomas-test"),
        ("/v1/rules?source=seed-00", "source", "seed-00", "seed-000"),
        ("/v1/muscles?region=hipp", "region", "hipp", "region-hip"),
        ("/v1/rules?type=sgn", "type", "sgn", "sign"),
    ],
)
def test_an_unknown_filter_value_is_a_422_with_suggestions(
    api_client: TestClient, url: str, param: str, value: str, suggestion: str
) -> None:
    body = _problem(api_client.get(url), 422)
    error = body["errors"][0]
    assert error["loc"] == ["query", param]
    assert repr(value) in error["msg"]
    assert repr(suggestion) in error["msg"]


@pytest.mark.parametrize(
    ("named", "by_id"),
    [
        ("/v1/exercises?kind=activation", "/v1/exercises?kind=kind-activation"),
        ("/v1/exercises?muscle=glute med", "/v1/exercises?muscle=gluteus-medius"),
        (
            "/v1/exercises?muscle=GLUTE MED,hamstring",
            "/v1/exercises?muscle=gluteus-medius,hamstrings",
        ),
        ("/v1/muscles?region=hip", "/v1/muscles?region=region-hip"),
        ("/v1/signs?test=single leg squat", "/v1/signs?test=single-leg-squat"),
        # a label with commas in it, given alone, is taken whole
        (
            "/v1/signs?test=single-leg resistance comparison (leg curl, leg extension, calf raise)",
            "/v1/signs?test=resistance-comparison",
        ),
    ],
)
def test_a_filter_takes_labels_and_synonyms_as_a_request_does(
    api_client: TestClient, named: str, by_id: str
) -> None:
    expected = api_client.get(by_id).json()
    assert expected["total"] > 0, by_id
    assert (
        api_client.get(f"{named}&limit=500").json()["items"]
        == api_client.get(f"{by_id}&limit=500").json()["items"]
    )


def test_every_unknown_filter_value_is_reported(api_client: TestClient) -> None:
    body = _problem(
        api_client.get("/v1/exercises?muscle=gluteus-medius,nope1&equipment=nope2"), 422
    )
    messages = " ".join(e["msg"] for e in body["errors"])
    assert "nope1" in messages
    assert "nope2" in messages
    assert "'gluteus-medius'" not in messages.split(";")[0]


def test_a_bad_rule_type_lists_the_types(api_client: TestClient) -> None:
    body = _problem(api_client.get("/v1/rules?type=banana"), 422)
    for rule_type in ("sign", "measure", "pattern", "cause", "role", "remedy"):
        assert rule_type in body["detail"]


# ---------------------------------------------------------------------- OpenAPI


def test_openapi_documents_every_browse_route(api_client: TestClient) -> None:
    schema = api_client.get("/openapi.json").json()
    for collection in COLLECTIONS:
        for path in (f"/v1/{collection}", f"/v1/{collection}/{{id}}"):
            operation = schema["paths"][path]["get"]
            assert operation["summary"]
            assert operation["responses"]["200"]["content"]["application/json"]["example"]
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), (path, parameter["name"])
    exercise_params = {p["name"] for p in schema["paths"]["/v1/exercises"]["get"]["parameters"]}
    assert exercise_params == {
        "q",
        "limit",
        "offset",
        "kind",
        "load_mode",
        "equipment",
        "muscle",
        "phase",
    }


# ---------------------------------------------------------------------- no 500s

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=40)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    collection=st.sampled_from(sorted(COLLECTIONS)),
    param=st.sampled_from(
        ["q", "kind", "muscle", "test", "type", "region", "limit", "offset", "x"]
    ),
    value=_TEXT,
)
def test_no_query_gives_a_500(
    api_client: TestClient, collection: str, param: str, value: str
) -> None:
    response = api_client.get(f"/v1/{collection}", params={param: value})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert response.headers["content-type"].startswith("application/problem+json")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(collection=st.sampled_from(sorted(COLLECTIONS)), entity_id=_TEXT.filter(bool))
def test_no_id_gives_a_500(api_client: TestClient, collection: str, entity_id: str) -> None:
    from urllib.parse import quote

    response = api_client.get(f"/v1/{collection}/{quote(entity_id, safe='')}")
    assert response.status_code in (200, 404, 422), response.text
    assert response.status_code == 200 or response.headers["content-type"].startswith(
        "application/problem+json"
    )
