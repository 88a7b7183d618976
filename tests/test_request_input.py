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


def test_every_problem_is_listed_and_the_first_ones_get_suggestions(
    kb: musclekb.KnowledgeBase,
) -> None:
    """A request of many unknown ids lists each one, in order; only the first ``max_suggested``
    are searched for the closest ids (the search through every id is what costs)."""
    causes = ["cause-dominant-sid"] * 8
    with pytest.raises(musclekb.AssessmentInputError) as info:
        parse_request(kb, {"context": {"causes": causes}}, max_suggested=3)
    problems = info.value.problems
    assert [p.location for p in problems] == [f"context.causes[{i}]" for i in range(8)]
    assert [bool(p.suggestions) for p in problems] == [True] * 3 + [False] * 5
    assert problems[0].suggestions[0] == "cause-dominant-side"


def test_the_message_shows_the_first_hundred_problems(kb: musclekb.KnowledgeBase) -> None:
    with pytest.raises(musclekb.AssessmentInputError) as info:
        parse_request(kb, {"context": {"causes": [f"no-such-cause-{i}" for i in range(130)]}})
    message = str(info.value)
    assert message.startswith("the assessment request has 130 problem(s):\n")
    assert "context.causes[99]" in message and "context.causes[100]" not in message
    assert message.endswith("\n... and 30 more")
    assert len(info.value.problems) == 130
    assert info.value.render(2).endswith(
        "context.causes[1]: unknown cause 'no-such-cause-1'\n... and 128 more"
    )


def test_labels_name_an_entity_of_the_asked_kind_only(kb: musclekb.KnowledgeBase) -> None:
    sign = kb.signs["sls-knee-valgus"]
    request = parse_request(kb, {"findings": [{"sign": sign.label.upper(), "side": "left"}]})
    assert request.findings[0].sign == "sls-knee-valgus"
    assert kb.named("sign", sign.label) == ["sls-knee-valgus"]
    assert kb.named("exercise", sign.label) == []
