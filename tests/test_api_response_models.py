"""The response models in the OpenAPI document describe the real responses field by field: every
case file's assessment, and random ones, in every explanation form, validate against
``AssessmentOut`` (whose parts forbid fields they do not name), and why-not answers against
theirs. A field added, renamed or retyped without its description fails here."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError

import musclekb
from musclekb.assessment import EXPLAIN_FORMS
from musclekb_api.assessment_models import (
    AssessmentOut,
    PremiseOut,
    TreeRefOut,
    WhyNotExerciseOut,
    WhyNotImbalanceOut,
)
from tests.case_requests import CASES, random_requests

URL = "/v1/assessments"


def _valid(model: type[BaseModel], data: Any) -> BaseModel:
    try:
        return model.model_validate(data, strict=False)
    except ValidationError as exc:  # name the places, not the whole (large) response
        pytest.fail(f"{model.__name__} does not describe the response: {exc}")


@pytest.mark.parametrize("form", EXPLAIN_FORMS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_every_case_matches_the_documented_shape(
    api_client: TestClient, case: str, form: str
) -> None:
    response = api_client.post(URL, params={"explain": form}, json=CASES[case])
    assert response.status_code == 200, response.text
    _valid(AssessmentOut, response.json())


@pytest.mark.parametrize("form", EXPLAIN_FORMS)
def test_random_assessments_match_the_documented_shape(
    api_client: TestClient, kb: musclekb.KnowledgeBase, form: str
) -> None:
    for request in random_requests(kb, 30, seed=11):
        _valid(AssessmentOut, api_client.post(URL, params={"explain": form}, json=request).json())


def test_the_models_reach_every_premise(api_client: TestClient) -> None:
    """The linked form's premises point to state trees; the nested form's hold the trees."""
    linked = _valid(AssessmentOut, api_client.post(URL, json=CASES[sorted(CASES)[0]]).json())
    nested = _valid(
        AssessmentOut,
        api_client.post(URL, params={"explain": "nested"}, json=CASES[sorted(CASES)[0]]).json(),
    )

    def derivations(result: Any) -> list[Any]:
        return [
            p.derivation
            for imbalance in result.imbalances
            for rule in imbalance.explanation.tree.rules
            for p in rule.premises
            if isinstance(p, PremiseOut) and p.kind == "state"
        ]

    assert derivations(linked) and all(isinstance(d, TreeRefOut) for d in derivations(linked))
    assert derivations(nested) and not any(isinstance(d, TreeRefOut) for d in derivations(nested))


def test_an_unnamed_field_is_caught() -> None:
    with pytest.raises(ValidationError, match="extra_field"):
        AssessmentOut.model_validate(
            {"imbalances": [], "states": [], "plan": [], "advisories": [], "not_reported": {},
             "threshold": 0.2, "explain": "none", "extra_field": 1,
             "knowledge": {"version": "0", "content_hash": "0"}}
        )  # fmt: skip


@pytest.mark.parametrize(
    ("target", "model"),
    [("knee-valgus", WhyNotImbalanceOut), ("hunched-posture", WhyNotImbalanceOut),
     ("banded-hip-abduction", WhyNotExerciseOut), ("single-leg-glute-bridge", WhyNotExerciseOut)],
)  # fmt: skip
def test_why_not_answers_match_the_documented_shape(
    api_client: TestClient, target: str, model: type[BaseModel]
) -> None:
    body = {**CASES[sorted(CASES)[0]], "target": target}
    response = api_client.post(f"{URL}/why-not", json=body)
    assert response.status_code == 200, response.text
    _valid(model, response.json())
