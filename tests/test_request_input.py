"""Whatever a client sends, checking a request either accepts it or raises AssessmentInputError
naming each problem: never another exception (property-based, plus the cases found so far)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import musclekb
from musclekb.request import parse_request

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["left", "right", "bilateral", "sls-knee-valgus", "hop-distance"]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    ["findings", "measurements", "context", "threshold", "sign", "side", "present", "measure",
     "left", "right", "pain", "pain_persistent", "causes", "equipment", "level"]
)  # fmt: skip
requests = st.dictionaries(field_names, json_values, max_size=5)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=requests | json_values)
def test_any_input_is_accepted_or_refused_clearly(kb: musclekb.KnowledgeBase, raw: Any) -> None:
    try:
        parse_request(kb, raw)
    except musclekb.AssessmentInputError as exc:
        assert exc.problems
        assert all(p.location and p.message for p in exc.problems)


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        ({"context": {"causes": 5}}, "context.causes"),
        ({"context": {"equipment": "dumbbell"}}, "context.equipment"),
        ({"measurements": [{"measure": "hop-distance", "left": 10**400, "right": 1}]}, "left"),
        ({"measurements": [{"measure": "hop-distance", "left": float("nan"), "right": 1}]}, "left"),
    ],
    ids=["causes-not-a-list", "equipment-not-a-list", "huge-integer", "not-a-number"],
)
def test_found_cases_name_the_field(kb: musclekb.KnowledgeBase, raw: Any, where: str) -> None:
    with pytest.raises(musclekb.AssessmentInputError) as info:
        parse_request(kb, raw)
    assert any(where in p.location for p in info.value.problems), info.value.problems
