"""POST /v1/assessments and /v1/assessments/why-not: results, explanations and every error case."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

import musclekb
from musclekb_api.app import create_app
from musclekb_api.settings import Settings, settings_from

CASES = sorted((Path(__file__).resolve().parent / "cases" / "assessments").glob("*.yaml"))
URL = "/v1/assessments"
WHY_NOT = "/v1/assessments/why-not"
KNEE_IN = "sls-knee-valgus"
JSON_TYPE = {"content-type": "application/json"}


def _case(name: str) -> dict[str, Any]:
    path = next(p for p in CASES if p.stem.startswith(name))
    case: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return case


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body


def _errors(response: Any) -> list[dict[str, Any]]:
    body = _problem(response, 422)
    errors: list[dict[str, Any]] = body["errors"]
    assert errors
    for e in errors:
        assert set(e) == {"loc", "msg", "suggestions"}, e
        assert e["loc"][0] == "body" and isinstance(e["msg"], str) and e["msg"]
        assert isinstance(e["suggestions"], list)
    return errors


# ---------------------------------------------------------------------- results


def test_first_assessment_has_the_documented_shape(
    api_client: TestClient, kb: musclekb.KnowledgeBase
) -> None:
    response = api_client.post(URL, json={"findings": [{"sign": KNEE_IN, "side": "left"}]})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {
        "imbalances",
        "states",
        "plan",
        "advisories",
        "not_reported",
        "threshold",
        "explain",
        "knowledge",
    }
    assert body["explain"] == "linked"
    described = api_client.get("/v1/kb").json()
    assert body["knowledge"] == {k: described[k] for k in ("version", "content_hash")}
    assert body["imbalances"] and body["plan"] and body["states"]
    for imbalance in body["imbalances"]:
        assert imbalance["iri"] == kb.imbalances[imbalance["id"]].iri
        assert 0 < imbalance["certainty"] <= 1
        assert imbalance["explanation"]["sentences"]
        assert imbalance["explanation"]["tree"]["id"] == imbalance["id"]
        for state in imbalance["states"]:
            assert state["iri"] == kb.states[state["id"]].iri
    for state in body["states"]:
        assert state["iri"] == kb.states[state["id"]].iri
    for item in body["plan"]:
        assert item["iri"] == kb.exercises[item["id"]].iri
    codes = {a.code: a.iri for a in kb.advisories.values()}
    for advisory in body["advisories"]:
        assert advisory["iri"] == codes[advisory["code"]]
    certainties = [i["certainty"] for i in body["imbalances"]]
    assert certainties == sorted(certainties, reverse=True)


@pytest.mark.parametrize("side", ["left", "right"])
def test_knee_caving_in_on_one_side_ranks_that_side_first(
    api_client: TestClient, side: str
) -> None:
    body = api_client.post(URL, json={"findings": [{"sign": KNEE_IN, "side": side}]}).json()
    first = body["imbalances"][0]
    assert first["side"] == side
    assert side in first["explanation"]["sentences"][0]


@pytest.mark.parametrize("body", [{}, {"findings": [], "measurements": [], "context": {}}])
def test_empty_assessment(api_client: TestClient, body: dict[str, Any]) -> None:
    response = api_client.post(URL, json=body)
    assert response.status_code == 200
    assert response.json() == {
        "imbalances": [],
        "states": [],
        "plan": [],
        "advisories": [],
        "not_reported": {},
        "threshold": 0.2,
        "explain": "linked",
        "knowledge": {k: api_client.get("/v1/kb").json()[k] for k in ("version", "content_hash")},
    }


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_case_answers_as_the_library_does(
    api_client: TestClient, kb: musclekb.KnowledgeBase, path: Path
) -> None:
    """The API returns exactly ``Assessment.to_dict()`` (IRIs included) for every case, and the
    library's input errors as 422 problems."""
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    request = case["request"]
    response = api_client.post(URL, json=request)
    if (case["expect"] or {}).get("error"):
        body = _problem(response, 422)
        assert case["expect"]["error"] in body["detail"]
        return
    assert response.status_code == 200, response.text
    expected = musclekb.Reasoner(kb).assess(request).to_dict()
    assert response.json() == json.loads(json.dumps(expected))


def _resolve(doc: Any, node: Any) -> Any:
    """``node`` with every JSON Reference into ``doc`` replaced by what it points to."""
    if isinstance(node, list):
        return [_resolve(doc, x) for x in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"$ref"}:
        target = doc
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[int(part)] if isinstance(target, list) else target[part]
        return _resolve(doc, target)
    return {k: _resolve(doc, v) for k, v in node.items()}


def _post(client: TestClient, explain: str | None, request: dict[str, Any]) -> dict[str, Any]:
    url = URL if explain is None else f"{URL}?explain={explain}"
    response = client.post(url, json=request)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_linked_explanations_resolve_to_the_nested_ones(api_client: TestClient) -> None:
    """By default each state is explained once, in ``states``, and the imbalance trees point to
    it; resolving those references gives exactly the self-contained trees of ``explain=nested``,
    in a smaller response."""
    request = _case("000")["request"]
    linked = api_client.post(URL, json=request)
    nested = api_client.post(f"{URL}?explain=nested", json=request)
    assert len(linked.content) < len(nested.content)
    linked_body, nested_body = linked.json(), nested.json()
    assert nested_body["explain"] == "nested"
    refs = [
        p["derivation"]["$ref"]
        for i in linked_body["imbalances"]
        for r in i["explanation"]["tree"]["rules"]
        for p in r["premises"]
        if p["kind"] == "state"
    ]
    assert refs and all(ref.startswith("#/states/") for ref in refs)
    for ref in refs:  # each points at the state the premise names
        index = int(ref.split("/")[2])
        assert ref == f"#/states/{index}/explanation/tree"
    for i in linked_body["imbalances"]:
        for r in i["explanation"]["tree"]["rules"]:
            for p in r["premises"]:
                if p["kind"] == "state":
                    state = linked_body["states"][int(p["derivation"]["$ref"].split("/")[2])]
                    assert (state["id"], state["side"]) == (p["id"], p["side"])
    resolved = _resolve(linked_body, linked_body["imbalances"])
    assert resolved == nested_body["imbalances"]
    assert linked_body["states"] == nested_body["states"]


def test_sentences_and_none_leave_out_trees_and_explanations(api_client: TestClient) -> None:
    request = _case("000")["request"]
    linked = _post(api_client, None, request)
    sentences = _post(api_client, "sentences", request)
    bare = _post(api_client, "none", request)
    for part in ("imbalances", "states"):
        for full, short, none in zip(linked[part], sentences[part], bare[part], strict=True):
            assert short["explanation"] == {"sentences": full["explanation"]["sentences"]}
            assert "explanation" not in none
            assert {k: v for k, v in full.items() if k != "explanation"} == none
            assert {k: v for k, v in short.items() if k != "explanation"} == none
    for key in ("plan", "advisories", "not_reported", "threshold"):
        assert linked[key] == sentences[key] == bare[key]


def test_an_unknown_explanation_form_is_a_422_naming_the_choices(api_client: TestClient) -> None:
    response = api_client.post(f"{URL}?explain=tree", json={})
    body = _problem(response, 422)
    (error,) = body["errors"]
    assert error["loc"] == ["query", "explain"]
    assert "linked" in error["msg"] and "nested" in error["msg"]


def test_a_misspelt_query_parameter_is_a_422_suggesting_the_right_one(
    api_client: TestClient,
) -> None:
    response = api_client.post(f"{URL}?explian=none", json={})
    body = _problem(response, 422)
    (error,) = body["errors"]
    assert error["loc"] == ["query", "explian"]
    assert error["suggestions"] == ["explain"]


def test_threshold_changes_what_is_reported(api_client: TestClient) -> None:
    findings = [{"sign": KNEE_IN, "side": "left"}]
    low = api_client.post(URL, json={"findings": findings, "threshold": 0.0}).json()
    high = api_client.post(URL, json={"findings": findings, "threshold": 0.9}).json()
    assert high["threshold"] == 0.9
    assert len(high["imbalances"]) < len(low["imbalances"])
    assert all(i["certainty"] > 0.9 for i in high["imbalances"])
    negative_zero = api_client.post(URL, content=b'{"threshold": -0.0}', headers=JSON_TYPE)
    assert b'"threshold":0.0' in negative_zero.content  # the 0 it means, not -0.0


def test_a_label_is_accepted_for_an_id(api_client: TestClient, kb: musclekb.KnowledgeBase) -> None:
    label = kb.signs[KNEE_IN].label
    by_id = api_client.post(URL, json={"findings": [{"sign": KNEE_IN, "side": "left"}]})
    by_label = api_client.post(URL, json={"findings": [{"sign": label, "side": "left"}]})
    assert by_label.status_code == 200
    assert by_label.json() == by_id.json()


# ---------------------------------------------------------------------- why-not


def test_why_not_an_imbalance(api_client: TestClient, kb: musclekb.KnowledgeBase) -> None:
    findings = [{"sign": KNEE_IN, "side": "left"}]
    reported = api_client.post(URL, json={"findings": findings}).json()["imbalances"]
    concluded = {i["id"] for i in reported}
    absent = next(i for i in sorted(kb.imbalances) if i not in concluded)
    answer = api_client.post(WHY_NOT, json={"findings": findings, "target": absent}).json()
    assert answer["id"] == absent and answer["kind"] == "imbalance"
    assert answer["iri"] == kb.imbalances[absent].iri
    assert answer["concluded"] is False and answer["reason"]
    assert set(answer["sides"]) == {"left", "right"}
    rules = answer["sides"]["left"]["rules"]
    assert rules and not any(r["fired"] for r in rules)
    statuses = {p["status"] for r in rules for p in r["premises"]}
    assert statuses <= {"held", "too weak", "contradicted", "missing"} and statuses - {"held"}
    top = reported[0]["id"]
    answer = api_client.post(WHY_NOT, json={"findings": findings, "target": top}).json()
    assert answer["concluded"] is True
    assert any(r["fired"] for r in answer["sides"]["left"]["rules"])


def test_why_not_an_exercise(api_client: TestClient, kb: musclekb.KnowledgeBase) -> None:
    findings = [{"sign": KNEE_IN, "side": "left"}]
    plan = api_client.post(URL, json={"findings": findings}).json()["plan"]
    planned = plan[0]["id"]
    answer = api_client.post(WHY_NOT, json={"findings": findings, "target": planned}).json()
    assert answer["kind"] == "exercise" and answer["in_plan"] is True
    assert answer["iri"] == kb.exercises[planned].iri
    empty = api_client.post(WHY_NOT, json={"target": planned}).json()
    assert empty["in_plan"] is False
    assert "addresses none" in empty["reason"]


def test_why_not_agrees_with_the_plan_shown(kb: musclekb.KnowledgeBase) -> None:
    """An exercise is in the plan exactly when the assessment's plan lists it, in the place its
    phase_rank gives; a ranked one below the cut says where it ranks."""
    findings = [{"sign": KNEE_IN, "side": "left"}]
    assessment = musclekb.Reasoner(kb).assess({"findings": findings})
    plan = assessment.to_dict()["plan"]
    for exercise in kb.exercises:
        answer = assessment.why_not(exercise)
        shown = [item["id"] for item in plan if item["phase"] == answer["phase"]]
        assert answer["in_plan"] is (exercise in shown), answer
        if answer["in_plan"]:
            assert shown.index(exercise) + 1 == answer["phase_rank"]
        elif answer["phase_rank"] is not None:
            assert answer["phase_rank"] > len(shown)
            assert f"ranks {answer['phase_rank']}" in answer["reason"]


# ---------------------------------------------------------------------- errors

# (name, body, location of the first error, a word of its message, a suggestion expected)
INVALID: list[tuple[str, Any, list[Any], str, str | None]] = [
    (
        "unknown sign",
        {"findings": [{"sign": "sls-knee-valgu", "side": "left"}]},
        ["body", "findings", 0, "sign"],
        "unknown sign",
        KNEE_IN,
    ),
    (
        "unknown measure",
        {"measurements": [{"measure": "slb-hold", "left": 30, "right": 20}]},
        ["body", "measurements", 0, "measure"],
        "unknown measure",
        "slb-hold-time",
    ),
    (
        "unknown cause",
        {"context": {"causes": ["cause-dominant"]}},
        ["body", "context", "causes", 0],
        "unknown cause",
        "cause-dominant-side",
    ),
    (
        "unknown equipment",
        {"context": {"equipment": ["eq-bnd"]}},
        ["body", "context", "equipment", 0],
        "unknown equipment",
        "eq-band",
    ),
    (
        "unknown level",
        {"context": {"level": "level-beginer"}},
        ["body", "context", "level"],
        "unknown level",
        "level-beginner",
    ),
    (
        "contradictory findings",
        _case("049")["request"],
        ["body", "findings", 1],
        "both present and absent",
        None,
    ),
    (
        "bilateral contradicts one side",
        {
            "findings": [
                {"sign": KNEE_IN, "side": "bilateral"},
                {"sign": KNEE_IN, "side": "right", "present": False},
            ]
        },
        ["body", "findings", 1],
        "both present and absent",
        None,
    ),
    (
        "side on a non-lateral sign",
        _case("048")["request"],
        ["body", "findings", 0, "side"],
        "not lateral",
        None,
    ),
    (
        "no side on a lateral sign",
        {"findings": [{"sign": KNEE_IN}]},
        ["body", "findings", 0, "side"],
        "side",
        None,
    ),
    (
        "negative measure",
        _case("050")["request"],
        ["body", "measurements", 0, "left"],
        "negative",
        None,
    ),
    (
        "measure given twice",
        {"measurements": [{"measure": "slb-hold-time", "left": 30, "right": 20}] * 2},
        ["body", "measurements", 1],
        "twice",
        None,
    ),
    (
        "side misspelt",
        {"findings": [{"sign": KNEE_IN, "side": "lft"}]},
        ["body", "findings", 0, "side"],
        "'left', 'right' or 'bilateral'",
        "left",
    ),
    (
        "present not a boolean",
        {"findings": [{"sign": KNEE_IN, "side": "left", "present": "yes"}]},
        ["body", "findings", 0, "present"],
        "boolean",
        None,
    ),
    (
        "sign not a string",
        {"findings": [{"sign": 5, "side": "left"}]},
        ["body", "findings", 0, "sign"],
        "string",
        None,
    ),
    ("findings not a list", {"findings": KNEE_IN}, ["body", "findings"], "list", None),
    ("finding not an object", {"findings": [KNEE_IN]}, ["body", "findings", 0], "", None),
    (
        "value as a string",
        {"measurements": [{"measure": "slb-hold-time", "left": "30", "right": 20}]},
        ["body", "measurements", 0, "left"],
        "number",
        None,
    ),
    (
        "value missing",
        {"measurements": [{"measure": "slb-hold-time", "left": 30}]},
        ["body", "measurements", 0, "right"],
        "required",
        None,
    ),
    ("pain over 10", {"context": {"pain": 11}}, ["body", "context", "pain"], "10", None),
    ("pain not whole", {"context": {"pain": 3.5}}, ["body", "context", "pain"], "integer", None),
    ("threshold of 1", {"threshold": 1}, ["body", "threshold"], "less than 1", None),
    ("unknown field", {"finding": []}, ["body", "finding"], "not permitted", None),
    ("body not an object", [], ["body"], "", None),
]


@pytest.mark.parametrize(
    ("body", "loc", "word", "suggestion"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
def test_invalid_requests_are_422_problems(
    api_client: TestClient, body: Any, loc: list[Any], word: str, suggestion: str | None
) -> None:
    errors = _errors(api_client.post(URL, json=body))
    first = errors[0]
    assert first["loc"] == loc
    assert word.lower() in first["msg"].lower()
    if suggestion is not None:
        assert suggestion in first["suggestions"]


def test_every_problem_is_reported_at_once(api_client: TestClient) -> None:
    body = {
        "findings": [{"sign": "nope-one", "side": "left"}, {"sign": "nope-two", "side": "left"}],
        "context": {"causes": ["nope-three"]},
    }
    errors = _errors(api_client.post(URL, json=body))
    assert [e["loc"][-1] for e in errors] == ["sign", "sign", 0]


def test_type_errors_and_unknown_ids_are_reported_together(api_client: TestClient) -> None:
    """A wrong type does not hide the other problems of the body: each is named once, at its
    place, in the body's order, unknown ids with their closest ids."""
    body = {
        "findings": [
            {"sign": "sls-knee-valgu", "side": "left"},
            {"sign": KNEE_IN, "side": "left", "present": "yes"},
        ],
        "measurements": [{"measure": "slb-hold", "left": "30", "right": 20}],
        "context": {"pain": 11, "causes": ["cause-dominant"]},
    }
    errors = _errors(api_client.post(URL, json=body))
    assert [e["loc"][1:] for e in errors] == [
        ["findings", 0, "sign"],
        ["findings", 1, "present"],
        ["measurements", 0, "left"],
        ["measurements", 0, "measure"],
        ["context", "pain"],
        ["context", "causes", 0],
    ]
    by_place = {tuple(e["loc"][1:]): e for e in errors}
    assert KNEE_IN in by_place["findings", 0, "sign"]["suggestions"]
    assert "slb-hold-time" in by_place["measurements", 0, "measure"]["suggestions"]
    assert "cause-dominant-side" in by_place["context", "causes", 0]["suggestions"]


def test_a_sign_named_as_people_say_it_is_suggested(api_client: TestClient) -> None:
    """A name close to a synonym ("knee caves in") is refused, with the sign it is close to
    first in the suggestions and in the message."""
    body = {"findings": [{"sign": "knee cave", "side": "left"}]}
    response = api_client.post(URL, json=body)
    (error,) = _errors(response)
    assert error["suggestions"][0] == KNEE_IN
    assert KNEE_IN in response.json()["detail"]


def test_a_place_with_a_type_error_is_named_once(api_client: TestClient) -> None:
    body = {"findings": [{"sign": KNEE_IN, "side": "left", "seen": True}]}
    errors = _errors(api_client.post(URL, json=body))
    assert [e["loc"] for e in errors] == [["body", "findings", 0, "seen"]]


def test_why_not_reports_type_errors_with_the_target(api_client: TestClient) -> None:
    body = {"threshold": "high", "target": "hunched-postur"}
    errors = _errors(api_client.post(WHY_NOT, json=body))
    assert [e["loc"] for e in errors] == [["body", "threshold"], ["body", "target"]]
    assert "hunched-posture" in errors[1]["suggestions"]


@pytest.mark.parametrize("url", [URL, WHY_NOT])
@pytest.mark.parametrize(
    ("body", "title"),
    [
        pytest.param({"context": {"causes": ["x"] * 201}}, "Too many causes", id="causes"),
        pytest.param({"context": {"equipment": [1] * 201}}, "Too many equipment", id="equipment"),
        pytest.param(
            {"context": {"causes": [1] * 20_000}, "threshold": "high"},
            "Too many causes",
            id="20000-wrong-types",
        ),
        pytest.param(
            {"measurements": [{"measure": "x", "left": 1, "right": 1}] * 201},
            "Too many measurements",
            id="measurements",
        ),
    ],
)
def test_too_many_items_in_a_list_is_413_before_they_are_checked(
    api_client: TestClient, url: str, body: dict[str, Any], title: str
) -> None:
    problem = _problem(api_client.post(url, json={**body, "target": "knee-valgus"}), 413)
    assert problem["title"] == title and problem["limit"] == 200


def test_a_body_with_a_byte_order_mark_is_read_and_checked_as_without(
    api_client: TestClient,
) -> None:
    """JSON may start with a byte order mark (RFC 8259: ignored); the limits hold for it too."""
    finding = {"sign": KNEE_IN, "side": "left"}
    headers = {"content-type": "application/json"}
    bom = b"\xef\xbb\xbf"
    many = json.dumps({"findings": [finding] * (Settings().max_findings + 1)}).encode()
    assert _problem(api_client.post(URL, content=bom + many, headers=headers), 413)["limit"] == 200
    one = json.dumps({"findings": [finding]}).encode()
    with_bom = api_client.post(URL, content=bom + one, headers=headers)
    assert with_bom.status_code == 200
    assert with_bom.json() == api_client.post(URL, content=one, headers=headers).json()
    deep = _problem(api_client.post(URL, content=bom + b"[" * 60_000, headers=headers), 422)
    assert "nested too deeply" in deep["detail"]


@pytest.mark.parametrize(
    ("text", "loc", "what"),
    [
        pytest.param(
            r'{"findings": [{"sign": "x", "\ud800": true}]}',
            ["body", "findings", 0, "\\ud800"],
            "the key '\\ud800'",
            id="key",
        ),
        pytest.param(
            r'{"findings": [{"sign": "sls-knee-valgus\udc00x", "side": "left"}]}',
            ["body", "findings", 0, "sign"],
            "the string 'sls-knee-valgus\\udc00x'",
            id="value",
        ),
        pytest.param(
            r'{"context": {"causes": ["\uDBFF"]}, "findings": []}',
            ["body", "context", "causes", 0],
            "the string '\\udbff'",
            id="upper-case-escape",
        ),
        pytest.param(
            "[" * 900 + r'"\ud800"' + "]" * 900,
            ["body", *[0] * 900],
            "the string '\\ud800'",
            id="deep",
        ),
    ],
)
@pytest.mark.parametrize("url", [URL, WHY_NOT])
def test_an_unpaired_surrogate_is_422_naming_its_key_or_string(
    api_client: TestClient, url: str, text: str, loc: list[object], what: str
) -> None:
    response = api_client.post(url, content=text, headers={"content-type": "application/json"})
    [error] = _errors(response)
    assert error["loc"] == loc
    assert error["msg"].startswith(what + " holds an unpaired surrogate escape")


def test_a_surrogate_pair_is_a_character(api_client: TestClient) -> None:
    # an emoji written as its escaped pair reaches the library, which says the id is unknown
    text = r'{"findings": [{"sign": "knee-\ud83d\ude00", "side": "left"}]}'
    response = api_client.post(URL, content=text, headers={"content-type": "application/json"})
    [error] = _errors(response)
    assert error["loc"] == ["body", "findings", 0, "sign"]
    assert "unknown sign 'knee-\U0001f600'" in error["msg"]


def test_too_many_findings_is_413_even_with_a_type_error(api_client: TestClient) -> None:
    finding = {"sign": "no-such-sign", "side": "left"}
    body = {"findings": [finding] * (Settings().max_findings + 1), "threshold": "high"}
    _problem(api_client.post(URL, json=body), 413)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"findings": [}', "line 1, column 15"),
        ('{\n  "findings": [\n    {"sign": "x",}\n  ]\n}', "line 3, column 18"),
        ("", "body is required"),
        ('{"threshold": NaN}', "finite"),
        ('{"measurements": [{"measure": "slb-hold-time", "left": 1e400, "right": 1}]}', "finite"),
    ],
)
def test_malformed_json_says_where(api_client: TestClient, text: str, where: str) -> None:
    response = api_client.post(URL, content=text, headers={"content-type": "application/json"})
    errors = _errors(response)
    assert where in errors[0]["msg"], errors


@pytest.mark.parametrize(
    ("text", "where"),
    [
        pytest.param("[" * 60_000, "nested too deeply", id="arrays-nested-60000-deep"),
        pytest.param('{"a":' * 10_000 + "1" + "}" * 10_000, "nested too deeply", id="objects"),
        pytest.param(
            '{"context": {"pain": ' + "1" * 5_000 + "}}",
            "line 1, column 22: a number with 5000 digits",
            id="integer-of-5000-digits",
        ),
        pytest.param(
            '{"findings": [],\n "measurements": [{"measure": "slb-hold-time", "left": '
            + "9" * 4_400
            + ', "right": 1}]}',
            "line 2, column 56: a number with 4400 digits",
            id="integer-on-line-2",
        ),
    ],
)
@pytest.mark.parametrize("url", [URL, WHY_NOT])
def test_json_python_cannot_read_is_422_not_400(
    api_client: TestClient, url: str, text: str, where: str
) -> None:
    """JSON nested past the reader's recursion limit, or an integer longer than Python converts,
    is refused as invalid JSON that says what and where (FastAPI alone answers a bare 400)."""
    response = api_client.post(url, content=text, headers={"content-type": "application/json"})
    errors = _errors(response)
    assert errors[0]["loc"] == ["body"]
    assert where in errors[0]["msg"], errors


@pytest.mark.parametrize("url", [URL, "/v1/sparql"])
@pytest.mark.parametrize("coding", ["gzip", "br", "identity, gzip"])
def test_a_compressed_body_is_415(api_client: TestClient, url: str, coding: str) -> None:
    """A body sent with a Content-Encoding would be read as is: a gzip body as bytes that are not
    UTF-8, a plain body labelled br as if it were plain. Both are refused, naming the coding."""
    plain = b'{"findings": []}' if url == URL else b"ASK {}"
    media = "application/json" if url == URL else "application/sparql-query"
    body = gzip.compress(plain) if "gzip" in coding else plain
    headers = {"content-type": media, "content-encoding": coding}
    response = api_client.post(url, content=body, headers=headers)
    problem = _problem(response, 415)
    assert problem["title"] == "Unsupported content encoding"
    assert coding.removeprefix("identity, ") in problem["detail"]
    assert response.headers["accept-encoding"] == "identity"
    headers["content-encoding"] = "identity"
    assert api_client.post(url, content=plain, headers=headers).status_code == 200


def test_body_that_is_not_json_is_415(api_client: TestClient) -> None:
    response = api_client.post(URL, content=b"findings=x", headers={"content-type": "text/plain"})
    assert "application/json" in _problem(response, 415)["detail"]


def test_why_not_unknown_target_gets_suggestions(api_client: TestClient) -> None:
    response = api_client.post(WHY_NOT, json={"target": "hunched-postur"})
    errors = _errors(response)
    assert errors[0]["loc"] == ["body", "target"]
    assert "hunched-posture" in errors[0]["suggestions"]


def test_why_not_reports_request_and_target_problems_together(api_client: TestClient) -> None:
    body = {"findings": [{"sign": "sls-knee-valgu", "side": "left"}], "target": "no-such-thing"}
    errors = _errors(api_client.post(WHY_NOT, json=body))
    assert [e["loc"] for e in errors] == [["body", "findings", 0, "sign"], ["body", "target"]]


def test_why_not_needs_a_target(api_client: TestClient) -> None:
    errors = _errors(api_client.post(WHY_NOT, json={"findings": []}))
    assert errors[0]["loc"] == ["body", "target"]


# ---------------------------------------------------------------------- limits


def _padded(size: int) -> bytes:
    return json.dumps({"findings": [], "context": {"causes": ["x" * size]}}).encode()


@pytest.mark.parametrize("url", [URL, WHY_NOT])
def test_body_over_the_byte_limit_is_413(api_client: TestClient, url: str) -> None:
    limit = Settings().max_body_bytes
    response = api_client.post(
        url, content=_padded(limit), headers={"content-type": "application/json"}
    )
    assert _problem(response, 413)["limit_bytes"] == limit


def test_streamed_body_over_the_byte_limit_is_413(api_client: TestClient) -> None:
    """No Content-Length (chunked): the limit holds while reading."""
    data = _padded(Settings().max_body_bytes)

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(data), 4096):
            yield data[i : i + 4096]

    response = api_client.post(URL, content=chunks(), headers={"content-type": "application/json"})
    _problem(response, 413)


@pytest.mark.parametrize(
    ("field", "item"),
    [
        ("findings", {"sign": KNEE_IN, "side": "left"}),
        ("measurements", {"measure": "slb-hold-time", "left": 30, "right": 20}),
    ],
)
def test_too_many_items_is_413(api_client: TestClient, field: str, item: dict[str, Any]) -> None:
    limit = getattr(Settings(), f"max_{field}")
    body = {field: [item] * (limit + 1)}
    assert len(json.dumps(body)) < Settings().max_body_bytes
    problem = _problem(api_client.post(URL, json=body), 413)
    assert field in problem["title"].lower() and str(limit) in problem["detail"]
    at_limit = api_client.post(URL, json={field: [item] * limit})
    assert at_limit.status_code != 413


def test_limits_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(max_findings=1, max_body_bytes=200)
    with TestClient(create_app(settings)) as client:
        finding = {"sign": KNEE_IN, "side": "left"}
        assert client.post(URL, json={"findings": [finding]}).status_code == 200
        assert client.post(URL, json={"findings": [finding] * 2}).status_code == 413
        big = {"findings": [finding], "context": {"causes": ["x" * 200]}}
        assert client.post(URL, json=big).status_code == 413


@pytest.fixture(scope="module")
def three_problems() -> Iterator[TestClient]:
    """A server that lists at most three problems in a 422."""
    with TestClient(create_app(Settings(max_problems=3))) as client:
        yield client


@pytest.mark.parametrize(
    ("body", "listed", "unlisted"),
    [
        pytest.param(
            {"context": {"causes": [f"no-such-cause-{i}" for i in range(5)]}},
            [["body", "context", "causes", i] for i in range(3)],
            2,
            id="unknown-ids",
        ),
        pytest.param(
            {"context": {"causes": [1, 2, 3, 4, 5]}},
            [["body", "context", "causes", i] for i in range(3)],
            2,
            id="type-errors-counted-once",
        ),
        pytest.param(
            {"findings": [{"sign": "no-such-sign", "side": "left"}] * 3, "threshold": "high"},
            [["body", "findings", i, "sign"] for i in range(3)],
            1,
            id="type-error-after-the-listed-ones",
        ),
        pytest.param(
            {"findings": [{"sign": KNEE_IN, "side": "up"}], "context": {"causes": ["x", "y"]}},
            [
                ["body", "findings", 0, "side"],
                ["body", "context", "causes", 0],
                ["body", "context", "causes", 1],
            ],
            0,
            id="exactly-the-limit",
        ),
    ],
)
def test_a_422_lists_the_first_problems_and_counts_the_rest(
    three_problems: TestClient, body: dict[str, Any], listed: list[Any], unlisted: int
) -> None:
    response = three_problems.post(URL, json=body)
    errors = _errors(response)
    assert [e["loc"] for e in errors] == listed
    problem = response.json()
    assert problem.get("unlisted", 0) == unlisted
    assert ("unlisted" in problem) == bool(unlisted)  # present only when something is left out
    assert problem["detail"].endswith(f"... and {unlisted} more") == bool(unlisted)


def test_why_not_counts_an_unknown_target_past_the_limit(three_problems: TestClient) -> None:
    body = {"context": {"causes": ["x", "y", "z"]}, "target": "hunched-postur"}
    problem = _problem(three_problems.post(WHY_NOT, json=body), 422)
    assert [e["loc"][-1] for e in problem["errors"]] == [0, 1, 2]
    assert problem["unlisted"] == 1
    body["context"] = {"causes": ["x"]}
    errors = _errors(three_problems.post(WHY_NOT, json=body))
    assert (
        errors[-1]["loc"] == ["body", "target"] and "hunched-posture" in errors[-1]["suggestions"]
    )


def test_a_body_of_hundreds_of_unknown_ids_gets_a_short_answer(api_client: TestClient) -> None:
    """Every id is counted, the first hundred listed with their closest ids: the answer stays
    a few kilobytes, not one entry (and one search through every id) per id sent."""
    body = {
        "findings": [{"sign": f"sls-knee-valgu{i}", "side": "left"} for i in range(200)],
        "context": {
            "causes": [f"cause-dominant-sid{i}" for i in range(200)],
            "equipment": [f"no-such-equipment-{i}" for i in range(200)],
        },
    }
    response = api_client.post(URL, json=body)
    problem = _problem(response, 422)
    assert len(problem["errors"]) == Settings().max_problems == 100
    assert problem["unlisted"] == 500
    assert all("sls-knee-valgus" in e["suggestions"] for e in problem["errors"])
    assert len(response.content) < 40_000


def test_settings_read_from_the_environment() -> None:
    settings = settings_from({"MUSCLEKB_MAX_FINDINGS": "7", "MUSCLEKB_SPARQL_TIMEOUT": "1.5"})
    assert settings.max_findings == 7 and settings.sparql_timeout == 1.5
    assert settings.max_measurements == Settings().max_measurements
    with pytest.raises(ValueError, match="MUSCLEKB_MAX_BODY_BYTES"):
        settings_from({"MUSCLEKB_MAX_BODY_BYTES": "lots"})
    with pytest.raises(ValueError, match="MUSCLEKB_SPARQL_TIMEOUT"):
        settings_from({"MUSCLEKB_SPARQL_TIMEOUT": "nan"})
    assert settings_from({"MUSCLEKB_TABLE_ENTRIES": "4096"}).table_entries == 4096
    assert settings_from({"MUSCLEKB_MAX_PROBLEMS": "7"}).max_problems == 7
    assert settings_from({"MUSCLEKB_MAX_CONTEXT_ITEMS": "3"}).max_context_items == 3
    assert settings_from({"MUSCLEKB_SPARQL_MAX_DEPTH": "0"}).sparql_max_depth == 0
    with pytest.raises(ValueError, match="MUSCLEKB_SPARQL_MAX_DEPTH must be a whole number"):
        settings_from({"MUSCLEKB_SPARQL_MAX_DEPTH": "-1"})
    with pytest.raises(
        ValueError, match="MUSCLEKB_MAX_PROBLEMS must be a whole number of at least 1"
    ):
        settings_from({"MUSCLEKB_MAX_PROBLEMS": "0"})
    with pytest.raises(
        ValueError, match="MUSCLEKB_TABLE_ENTRIES must be a whole number of at least 2"
    ):
        settings_from({"MUSCLEKB_TABLE_ENTRIES": "1"})


@pytest.mark.parametrize(
    ("name", "value", "bounds"),
    [
        ("MUSCLEKB_SPARQL_TIMEOUT", "1e10", "a number from 0.05 to 3600.0"),
        ("MUSCLEKB_SPARQL_MEMORY_MB", str(1 << 44), "a whole number from 0 to 1048576"),
        ("MUSCLEKB_SPARQL_PROCESSES", "1000", "a whole number from 1 to 64"),
        ("MUSCLEKB_GC_THRESHOLD", str(1 << 40), "a whole number from 0 to 2147483647"),
    ],
)
def test_settings_that_would_overflow_are_refused(name: str, value: str, bounds: str) -> None:
    """A value past what it is handed to (select()'s time-out, setrlimit(), the collector's C
    int) would fail on the first query or at start, not when the setting is read."""
    with pytest.raises(ValueError, match=f"{name} must be {bounds}, got '{value}'"):
        settings_from({name: value})


def test_the_reasoner_keeps_as_many_entries_as_set() -> None:
    """A small table size bounds what the service keeps and leaves its answers as they were."""
    finding = {"sign": KNEE_IN, "side": "left"}
    bodies = [{"findings": [finding]}, {"findings": [{**finding, "side": "right"}]}]
    with (
        TestClient(create_app(Settings(table_entries=2))) as small,
        TestClient(create_app()) as default,
    ):
        phrases = small.app.state.reasoner.phrases  # type: ignore[attr-defined]
        assert phrases._json_size == 2
        for body in bodies * 2:
            answer = small.post(URL, json=body)
            assert answer.status_code == 200
            assert answer.content == default.post(URL, json=body).content
            assert len(phrases._json_parts) <= 2


# ---------------------------------------------------------------------- the OpenAPI document


def test_openapi_examples_are_valid_requests(api_client: TestClient) -> None:
    schemas = api_client.get("/openapi.json").json()["components"]["schemas"]
    for name, url in (("AssessmentBody", URL), ("WhyNotBody", WHY_NOT)):
        examples = schemas[name]["examples"]
        assert examples
        for example in examples:
            response = api_client.post(url, json=example)
            assert response.status_code == 200, (name, response.text)
