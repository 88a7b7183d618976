"""The closest ids offered for an unknown name in an assessment request: what a forgiving search
for the name finds first (a synonym half remembered, a typo), of the kind the field asks for."""

from __future__ import annotations

import pytest

import musclekb
from musclekb.request import parse_request, parse_target
from musclekb.search import SUGGEST_MAX_CHARS

# (field, what was typed, the id that should come first); each name is close to one the
# knowledge base gives the entity, but is none of them, so it is refused with suggestions
CASES = [
    ("sign", "knee cave", "sls-knee-valgus"),  # "knee caves in", a synonym
    ("sign", "sls-knee-valgs", "sls-knee-valgus"),  # the id, mistyped
    ("sign", "tight hamstring finding", "finding-hamstrings-tight"),
    ("measure", "hop distnce", "hop-distance"),
    ("cause", "sitting all day", "cause-prolonged-sitting"),
    ("cause", "cause-dominant-sid", "cause-dominant-side"),
    ("equipment", "dumbell", "eq-dumbbell"),
    ("level", "beginer", "level-beginner"),
]


def _request(field: str, name: str) -> dict[str, object]:
    if field == "sign":
        return {"findings": [{"sign": name, "side": "left"}]}
    if field == "measure":
        return {"measurements": [{"measure": name, "left": 1, "right": 2}]}
    if field == "cause":
        return {"context": {"causes": [name]}}
    if field == "equipment":
        return {"context": {"equipment": [name]}}
    return {"context": {"level": name}}


def _suggested(kb: musclekb.KnowledgeBase, raw: dict[str, object]) -> tuple[str, ...]:
    with pytest.raises(musclekb.AssessmentInputError) as info:
        parse_request(kb, raw)
    (problem,) = info.value.problems
    return problem.suggestions


@pytest.mark.parametrize(("field", "name", "first"), CASES, ids=[c[1] for c in CASES])
def test_the_entity_meant_is_suggested_first(
    kb: musclekb.KnowledgeBase, field: str, name: str, first: str
) -> None:
    suggestions = _suggested(kb, _request(field, name))
    assert suggestions[0] == first, suggestions
    # only ids of the kind the field takes
    kind = {"sign": "sign", "measure": "measure", "cause": "cause"}.get(field, field)
    assert all(s in kb.all(kind) for s in suggestions), suggestions


def test_a_why_not_target_gets_imbalances_and_exercises(kb: musclekb.KnowledgeBase) -> None:
    with pytest.raises(musclekb.AssessmentInputError) as info:
        parse_target(kb, "upper crossed")
    suggestions = info.value.problems[0].suggestions
    assert suggestions[0] == "hunched-posture"  # "upper crossed syndrome", a synonym
    assert all(s in kb.imbalances or s in kb.exercises for s in suggestions)


def test_a_name_of_another_kind_suggests_only_the_asked_kind(kb: musclekb.KnowledgeBase) -> None:
    # "glute bridge" is an exercise; a finding takes a sign
    assert all(s in kb.signs for s in _suggested(kb, _request("sign", "glute bridge")))


def test_a_match_on_a_common_word_only_is_no_suggestion(kb: musclekb.KnowledgeBase) -> None:
    # "no" is a word of a cause's synonym ("no rest days"): not enough to point at it
    assert _suggested(kb, _request("cause", "no-such-cause-1")) == ()


def test_a_text_longer_than_any_name_gets_no_suggestion(kb: musclekb.KnowledgeBase) -> None:
    long = ("knee caves in " * 20)[: SUGGEST_MAX_CHARS + 1]
    assert _suggested(kb, _request("sign", long)) == ()
    assert _suggested(kb, _request("sign", long[:SUGGEST_MAX_CHARS]))[0] == "sls-knee-valgus"
